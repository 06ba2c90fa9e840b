//! Strict intake: every way a body can be unreadable gets its own located error, and none of
//! them crashes, hangs or leaks a payload value.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{check, fixtures, read, validator};
use hookguard::{
    ConfigErrorKind, MAX_BYTES_CEILING, MAX_DEPTH_CEILING, MAX_FINDINGS_CEILING, Options, Validator,
};

/// A fixture under tests/fixtures/intake, its error code, instanceLocation and (line, column).
type Case = (
    &'static str,
    &'static str,
    &'static str,
    Option<(usize, usize)>,
);

const CASES: &[Case] = &[
    ("empty.json", "empty_body", "", None),
    ("whitespace-only.json", "empty_body", "", None),
    ("byte-order-mark.json", "byte_order_mark", "", Some((1, 1))),
    (
        "invalid-utf8-in-value.json",
        "invalid_utf8",
        "",
        Some((3, 35)),
    ),
    ("invalid-utf8-in-key.json", "invalid_utf8", "", Some((3, 5))),
    (
        "duplicate-key-top-level.json",
        "duplicate_key",
        "/book_pk",
        Some((6, 3)),
    ),
    (
        "duplicate-key-nested.json",
        "duplicate_key",
        "/uploaded_docs/1/status",
        Some((8, 77)),
    ),
    (
        "duplicate-event-name.json",
        "duplicate_key",
        "/event_name",
        Some((1, 33)),
    ),
    (
        "lone-leading-surrogate.json",
        "lone_surrogate",
        "/notification_reason",
        Some((1, 63)),
    ),
    (
        "lone-trailing-surrogate.json",
        "lone_surrogate",
        "/notification_reason",
        Some((1, 62)),
    ),
    (
        "integer-beyond-2-53.json",
        "number_out_of_range",
        "/book_pk",
        Some((1, 134)),
    ),
    (
        "integer-400-digits.json",
        "number_out_of_range",
        "/book_pk",
        Some((1, 443)),
    ),
    (
        "float-beyond-double.json",
        "number_out_of_range",
        "/book_pk",
        Some((1, 48)),
    ),
    (
        "nan-literal.json",
        "invalid_json",
        "/book_pk",
        Some((1, 44)),
    ),
    (
        "trailing-garbage.json",
        "trailing_characters",
        "",
        Some((16, 1)),
    ),
    (
        "two-documents.json",
        "trailing_characters",
        "",
        Some((16, 1)),
    ),
    ("top-level-array.json", "not_an_object", "", Some((1, 1))),
    ("top-level-string.json", "not_an_object", "", Some((1, 1))),
    ("top-level-null.json", "not_an_object", "", Some((1, 1))),
    (
        "not-json-form-encoded.json",
        "invalid_json",
        "",
        Some((1, 1)),
    ),
    (
        "single-quoted-strings.json",
        "invalid_json",
        "",
        Some((1, 2)),
    ),
    (
        "unterminated-object.json",
        "unexpected_end",
        "",
        Some((2, 1)),
    ),
    (
        "nesting-too-deep.json",
        "too_deep",
        "/extra/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0",
        Some((1, 73)),
    ),
    (
        "raw-nul-in-string.json",
        "control_character",
        "/notification_reason",
        Some((1, 62)),
    ),
    // The comma itself: line 7 ends with `"event_name": "ANALYTICS_COMPLETED",`.
    (
        "trailing-comma.account.ANALYTICS_COMPLETED.json",
        "trailing_comma",
        "",
        Some((7, 38)),
    ),
    (
        "trailing-comma.organization.book.detect.signal_found.json",
        "trailing_comma",
        "/uploaded_docs/0",
        Some((8, 28)),
    ),
];

#[test]
fn each_unreadable_body_gets_its_own_located_error() {
    for (file, code, location, line_column) in CASES {
        let path = format!("tests/fixtures/intake/{file}");
        let report = check(&path);
        assert!(!report.valid, "{file}");
        assert_eq!(report.errors.len(), 1, "{file}: {:?}", report.errors);
        let error = &report.errors[0];
        assert_eq!(
            (error.code, error.instance_location.as_str()),
            (*code, *location),
            "{file}: {}",
            error.error
        );
        let position = error.position.map(|p| (p.line, p.column));
        assert_eq!(position, *line_column, "{file}");
        if let Some(at) = error.position {
            // The offset and the line/column name the same byte.
            let body = read(&path);
            let line_start = body[..at.offset]
                .iter()
                .rposition(|b| *b == b'\n')
                .map_or(0, |n| n + 1);
            assert_eq!(at.offset - line_start + 1, at.column, "{file}");
        }
    }
}

#[test]
fn every_intake_fixture_is_covered_by_a_case() {
    let covered: Vec<String> = CASES
        .iter()
        .map(|(file, ..)| format!("tests/fixtures/intake/{file}"))
        .collect();
    for path in fixtures("intake") {
        let report = check(&path);
        assert!(!report.valid, "{path} must be refused");
        assert!(
            report.errors[0].keyword_location.is_empty(),
            "{path}: refused before any schema"
        );
        if path.contains("trailing-comma.") {
            assert_eq!(report.errors[0].code, "trailing_comma", "{path}");
        } else {
            assert!(
                covered.contains(&path),
                "{path} has no expected error in CASES"
            );
        }
    }
}

#[test]
fn trailing_comma_points_at_the_comma() {
    for path in fixtures("intake")
        .into_iter()
        .filter(|p| p.contains("trailing-comma."))
    {
        let body = read(&path);
        let at = check(&path).errors[0].position.unwrap();
        assert_eq!(body[at.offset], b',', "{path}");
        // Without its trailing commas the body is the seed fixture, which intake accepts.
        let fixed = path
            .replace("intake/trailing-comma.", "seeds/")
            .replacen('.', "/", 1);
        let report = check(&fixed);
        assert!(
            report.errors.iter().all(|e| e.code == "schema_violation"),
            "{fixed}: {:?}",
            report.errors
        );
    }
}

#[test]
fn body_size_limit_is_configurable_and_exact() {
    let body = read("tests/fixtures/seeds/organization/book.verified.json");
    let at_limit = Validator::new(Options {
        max_bytes: body.len() as u64,
        ..Options::default()
    })
    .unwrap();
    assert!(at_limit.validate(&body).valid);
    let below = Validator::new(Options {
        max_bytes: body.len() as u64 - 1,
        ..Options::default()
    })
    .unwrap();
    let report = below.validate(&body);
    assert_eq!(report.errors[0].code, "body_too_large");
    assert!(
        report.errors[0]
            .error
            .contains(&(body.len() - 1).to_string())
    );
    // The verdict names the limit, not the size, so a host that stops reading one byte past
    // the limit gets the same report as one that read the whole body.
    let mut longer = body.clone();
    longer.extend_from_slice(&[b' '; 4096]);
    assert_eq!(below.validate(&longer), report);
}

#[test]
fn a_fifty_megabyte_body_of_whitespace_is_refused_by_size_before_parsing() {
    let mut body = vec![b' '; 50 * 1024 * 1024];
    body.extend_from_slice(b"{}");
    let report = validator().validate(&body);
    assert_eq!(report.errors[0].code, "body_too_large");
}

#[test]
fn depth_limit_is_configurable() {
    // book.verified nests three levels: the object, uploaded_docs, its items.
    let body = read("tests/fixtures/seeds/organization/book.verified.json");
    let three = Validator::new(Options {
        max_depth: 3,
        ..Options::default()
    })
    .unwrap();
    assert!(three.validate(&body).valid);
    let two = Validator::new(Options {
        max_depth: 2,
        ..Options::default()
    })
    .unwrap();
    let report = two.validate(&body);
    assert_eq!(report.errors[0].code, "too_deep");
    assert_eq!(report.errors[0].instance_location, "/uploaded_docs/0");
}

#[test]
fn extreme_nesting_is_refused_without_exhausting_the_stack() {
    for opener in [b'[', b'{'] {
        let mut body = b"{\"event_name\": \"book.verified\", \"x\": ".to_vec();
        for _ in 0..100_000 {
            body.push(opener);
            if opener == b'{' {
                body.extend_from_slice(b"\"k\":");
            }
        }
        let report = validator().validate(&body);
        assert_eq!(report.errors[0].code, "too_deep", "{}", opener as char);
    }
    let ceiling = Validator::new(Options {
        max_depth: MAX_DEPTH_CEILING,
        ..Options::default()
    })
    .unwrap();
    let mut body = b"{\"x\": ".to_vec();
    body.extend(std::iter::repeat_n(b'[', 100_000));
    assert_eq!(ceiling.validate(&body).errors[0].code, "too_deep");
}

#[test]
fn configuration_mistakes_are_refused() {
    let too_deep = Validator::new(Options {
        max_depth: MAX_DEPTH_CEILING + 1,
        ..Options::default()
    });
    assert_eq!(
        too_deep.unwrap_err().kind,
        ConfigErrorKind::DepthLimitTooHigh {
            requested: MAX_DEPTH_CEILING + 1
        }
    );
    let zero = Validator::new(Options {
        max_bytes: 0,
        ..Options::default()
    });
    assert_eq!(
        zero.unwrap_err().kind,
        ConfigErrorKind::ZeroLimit {
            option: "max_bytes"
        }
    );
    // Limits no host could honour are refused when set, by name, whatever the target's
    // pointer width (options are read as u64, so 4 GiB is a value, not a parse error).
    for (options, option, ceiling) in [
        (
            Options {
                max_bytes: 4 << 30,
                ..Options::default()
            },
            "max_bytes",
            MAX_BYTES_CEILING,
        ),
        (
            Options {
                max_findings: MAX_FINDINGS_CEILING + 1,
                ..Options::default()
            },
            "max_findings",
            MAX_FINDINGS_CEILING,
        ),
    ] {
        let requested = if option == "max_bytes" {
            options.max_bytes
        } else {
            options.max_findings
        };
        let refused = Validator::new(options).unwrap_err();
        assert_eq!(
            refused.kind,
            ConfigErrorKind::AboveCeiling {
                option,
                requested,
                ceiling
            }
        );
        assert!(refused.to_string().starts_with(option));
    }
    let from_json: Options = serde_json::from_str(r#"{"max_bytes": 4294967296}"#).unwrap();
    assert!(from_json.check().is_err());
    let at_the_ceilings = Options {
        max_bytes: MAX_BYTES_CEILING,
        max_findings: MAX_FINDINGS_CEILING,
        ..Options::default()
    };
    assert!(Validator::new(at_the_ceilings).is_ok());
}

#[test]
fn a_report_lists_the_first_findings_by_location_and_counts_the_rest() {
    // 100,000 broken documents: 200,000 findings, of which the report lists 20 and counts the
    // rest, with the first by location always the same ones.
    let mut body = String::from(
        r#"{"event_name":"book.verified","status":"COMPLETE","book_pk":1,"book_uuid":"1e03d9cd-7d84-4672-bc3d-c19cd19c500b","severity":"LOW","notification_type":"STATUS","notification_reason":"r","uploaded_docs":["#,
    );
    body.push_str(&vec!["{}"; 100_000].join(","));
    body.push_str("]}");
    let raised = Validator::new(Options {
        max_bytes: MAX_BYTES_CEILING,
        ..Options::default()
    })
    .unwrap();
    let report = raised.validate(body.as_bytes());
    assert!(!report.valid);
    assert_eq!(report.errors.len(), 20);
    assert_eq!(report.omitted.errors, 199_980);
    assert_eq!(report.errors[0].instance_location, "/uploaded_docs/0");
    assert!(report.to_json().len() < 8_000);
}

/// Every string and number in a fixture (those long enough to be recognisable).
fn leaves(value: &serde_json::Value, into: &mut Vec<String>) {
    match value {
        serde_json::Value::String(s) if s.len() >= 4 => into.push(s.clone()),
        serde_json::Value::Number(n) if n.to_string().len() >= 4 => into.push(n.to_string()),
        serde_json::Value::Array(items) => items.iter().for_each(|v| leaves(v, into)),
        serde_json::Value::Object(map) => map.values().for_each(|v| leaves(v, into)),
        _ => {}
    }
}

#[test]
fn messages_never_echo_payload_values_unless_asked() {
    let revealing = Validator::new(Options {
        reveal_values: true,
        ..Options::default()
    })
    .unwrap();
    for path in fixtures("schema") {
        let body = read(&path);
        let report = validator().validate(&body);
        let mut values = Vec::new();
        leaves(&serde_json::from_slice(&body).unwrap(), &mut values);
        for finding in report.errors.iter().chain(&report.warnings) {
            for value in &values {
                let catalog_name =
                    hookguard::catalog::event(value).is_some() || value == "SUSPICIOUS_ACTIVITY";
                assert!(
                    catalog_name || !finding.error.contains(value.as_str()),
                    "{path}: message echoes {value:?}: {}",
                    finding.error
                );
            }
        }
    }
    let report = revealing.validate(&read("tests/fixtures/schema/severity-not-documented.json"));
    assert!(
        report.errors[0].error.contains("CRITICAL"),
        "{}",
        report.errors[0].error
    );
}

#[test]
fn checking_without_a_tree_gives_the_same_verdict_and_error() {
    use hookguard::intake::{self, IntakeLimits};
    let limits = IntakeLimits {
        max_bytes: 8 << 20,
        max_depth: 32,
    };
    let bodies = common::every_body();
    let mut refused = 0;
    for body in &bodies {
        let parsed = intake::parse(body, limits);
        refused += usize::from(parsed.is_err());
        assert_eq!(
            intake::check(body, limits),
            parsed.map(|_| ()),
            "{}",
            String::from_utf8_lossy(body.get(..200.min(body.len())).unwrap())
        );
    }
    assert!(refused >= 40, "only {refused} refused bodies");
}
