//! Schema overlays: the drifted capture's overlay is what a survey drafts from it; with it, the
//! capture's drift is accepted in strict mode and every added field is still checked; the
//! effective schemas give jsonschema-rs the same verdicts and findings; refused overlays each
//! get their recorded error. The recorded files (the overlay, its verdicts, the errors) are the
//! ones every host is held to; `just bless` rewrites them after an intended change.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::BTreeMap;
use std::sync::LazyLock;

use common::oracle::{self, Oracle, Rng, assert_agreement_under, validators_with};
use common::repo_root;
use hookguard::survey::{Survey, Surveyor};
use hookguard::{ConfigErrorKind, Options, Overlay, Validator};
use proptest::prelude::*;
use serde_json::{Value, json};

const CAPTURE: &str = "tests/fixtures/drift/capture.ndjson";
const OVERLAY: &str = "tests/fixtures/drift/overlay.json";
const DRIFT_VERDICTS: &str = "tests/expected/drift-verdicts.json";
const OVERLAY_ERRORS: &str = "tests/expected/overlay-errors.json";

fn blessing() -> bool {
    std::env::var_os("HOOKGUARD_BLESS").is_some()
}

/// Writes `value` to `relative` when blessing; otherwise requires the file to hold it.
fn holds_recorded(relative: &str, value: &Value) {
    let mut text = serde_json::to_string_pretty(value).unwrap();
    text.push('\n');
    holds_recorded_text(relative, value, &text);
}

/// [`holds_recorded`] for a value written as `text`.
fn holds_recorded_text(relative: &str, value: &Value, text: &str) {
    let path = repo_root().join(relative);
    if blessing() {
        std::fs::write(&path, text).unwrap();
        return;
    }
    let recorded: Value = serde_json::from_str(
        &std::fs::read_to_string(&path).expect("run `just bless` to create it"),
    )
    .unwrap();
    assert_eq!(
        value, &recorded,
        "{relative} differs from what the core gives (`just bless` after an intended change)"
    );
}

fn capture_lines() -> Vec<Vec<u8>> {
    common::read(CAPTURE)
        .split(|&byte| byte == b'\n')
        .filter(|line| !line.is_empty())
        .map(<[u8]>::to_vec)
        .collect()
}

fn drift_overlay() -> Value {
    serde_json::from_slice(&common::read(OVERLAY)).unwrap()
}

static EFFECTIVE: LazyLock<Oracle> = LazyLock::new(|| {
    let overlay = Overlay::resolve(&drift_overlay()).unwrap();
    Oracle::effective(Some(&overlay))
});

static WITH_OVERLAY: LazyLock<[(bool, Validator); 2]> =
    LazyLock::new(|| validators_with(Some(&drift_overlay())));

fn strict(overlay: Option<Value>) -> Validator {
    Validator::new(Options {
        strict: true,
        overlay,
        ..Options::default()
    })
    .unwrap()
}

#[test]
fn the_drift_overlay_is_what_a_survey_of_the_capture_drafts() {
    let surveyor = Surveyor::new();
    let keep_values = Options {
        reveal_values: true,
        ..Options::default()
    };
    let mut survey = Survey::default();
    for line in capture_lines() {
        survey.add(surveyor.observe(&line, &keep_values));
    }
    survey.finish(&surveyor);
    let draft = hookguard::survey::draft_from_survey(&survey, None);
    holds_recorded(OVERLAY, &draft.document);
    // What the capture drifted that no overlay may accept is listed, not dropped.
    let left_out = draft.left_out.join("\n");
    assert!(left_out.contains("document.upload_succeeded /doc_uuid: required but missing"));
    assert!(left_out.contains("book.verified /book_pk: sent as string"));

    // Surveyed again with the overlay in force, only that drift remains.
    let overlay = Overlay::resolve(&draft.document).unwrap();
    let surveyor = Surveyor::with_overlay(&overlay);
    let mut again = Survey::default();
    for line in capture_lines() {
        again.add(surveyor.observe(&line, &keep_values));
    }
    for (name, event) in &again.events {
        assert!(
            event.undeclared.is_empty(),
            "{name}: {:?}",
            event.undeclared
        );
        assert!(
            event.outside_enum.is_empty(),
            "{name}: {:?}",
            event.outside_enum
        );
    }
    assert!(!again.events["book.verified"].type_mismatches.is_empty());
}

#[test]
fn the_capture_gets_its_recorded_verdicts_with_and_without_the_overlay() {
    let without = strict(None);
    let with = strict(Some(drift_overlay()));
    let mut lines = Vec::new();
    let (mut valid_without, mut valid_with) = (0, 0);
    for line in capture_lines() {
        let before = without.normalize(&line);
        let after = with.normalize(&line);
        valid_without += usize::from(before.valid);
        valid_with += usize::from(after.valid);
        // The overlay only adds: what was valid stays valid, with the same report.
        if before.valid {
            assert_eq!(before, after, "{}", String::from_utf8_lossy(&line));
        }
        lines.push(json!({
            "without_overlay": serde_json::from_str::<Value>(&before.to_json()).unwrap(),
            "with_overlay": serde_json::from_str::<Value>(&after.to_json()).unwrap(),
        }));
    }
    // Strict mode refuses the drifted deliveries; with the overlay only drift no overlay may
    // accept is refused (a missing required field, a number sent as a string) besides the
    // unknown events and unreadable lines.
    assert!(
        valid_with >= valid_without + 100,
        "{valid_without} valid without the overlay, {valid_with} with it"
    );
    // One line of the file per line of the capture: reviewable in a diff, a third the size.
    let mut text = format!(
        "{{\"capture\": \"{CAPTURE}\", \"overlay\": \"{OVERLAY}\", \"options\": {{\"strict\": true}}, \"lines\": [\n"
    );
    for (index, line) in lines.iter().enumerate() {
        text.push_str(&line.to_string());
        text.push_str(if index + 1 < lines.len() { ",\n" } else { "\n" });
    }
    text.push_str("]}\n");
    let recorded = json!({
        "capture": CAPTURE,
        "overlay": OVERLAY,
        "options": { "strict": true },
        "lines": lines,
    });
    holds_recorded_text(DRIFT_VERDICTS, &recorded, &text);
}

#[test]
fn an_added_field_is_known_and_still_checked() {
    let overlay = json!({
        "hookguard_overlay": 1,
        "events": { "book.classified": {
            "fields": { "/mixed_uploaded_docs/*/page_count": { "type": "integer" } },
            "enum_values": { "/mixed_uploaded_docs/*/status": ["SPLIT"] },
        }},
    });
    let with = strict(Some(overlay));
    let body = |page_count: &str, status: &str| {
        format!(
            r#"{{"event_name": "book.classified", "book_uuid": "8ef7a1e1-fc97-42f9-81ea-ef357b333117",
            "severity": "LOW", "notification_type": "STATUS", "notification_reason": "classified",
            "mixed_uploaded_docs": [{{"status": "{status}", "page_count": {page_count},
            "mixed_uploaded_doc_uuid": "DB7FE37F-3FC8-4A0A-9066-94101A174832"}}]}}"#
        )
    };
    let accepted = with.normalize(body("12", "SPLIT").as_bytes());
    assert!(accepted.valid, "{accepted:?}");
    assert!(accepted.warnings.is_empty());
    let normalized = accepted.normalized.unwrap().into_string();
    assert!(
        normalized.contains(r#""page_count":12"#),
        "added fields are handed on: {normalized}"
    );
    assert!(
        normalized.contains("db7fe37f"),
        "documented UUIDs still normalized"
    );

    let mistyped = with.validate(body(r#""12""#, "SPLIT").as_bytes());
    assert!(!mistyped.valid);
    let error = &mistyped.errors[0];
    assert_eq!(error.instance_location, "/mixed_uploaded_docs/0/page_count");
    assert_eq!(
        error.keyword_location,
        "/properties/mixed_uploaded_docs/items/properties/page_count/type"
    );
    assert_eq!(error.error, "expected integer, found a string");

    let other_status = with.validate(body("3", "MERGED").as_bytes());
    assert_eq!(
        other_status.errors[0].error,
        "value is not one of \"QUEUED\", \"PROCESSING\", \"FAILED\", \"GROOMING\", \
         \"VERIFYING\", \"VERIFICATION_COMPLETE\", \"REJECTED\", \"DELETED\", \"CLASSIFIED\", \
         \"COMPLETED\", \"SPLIT\""
    );

    // Another event, or the same event under its other name, is not changed.
    let other_event = strict(Some(json!({
        "hookguard_overlay": 1,
        "events": { "BOOK_VERIFIED": { "fields": { "/book_name": { "type": "string" } } } },
    })));
    let report = other_event.validate(
        br#"{"event_name": "book.verified", "status": "BOOK_COMPLETE", "book_pk": 1,
            "book_uuid": "8ef7a1e1-fc97-42f9-81ea-ef357b333117", "book_name": "x"}"#,
    );
    assert_eq!(report.errors[0].code, "unknown_field");
}

#[test]
fn a_field_a_release_documents_leaves_an_old_overlay_loadable() {
    // An overlay naming a documented field with a type the documentation admits adds nothing
    // and is not an error: the overlay a team deployed keeps loading after a release.
    let overlay = json!({
        "hookguard_overlay": 1,
        "events": { "book.verified": { "fields": {
            "/book_pk": { "type": "integer" },
            "/book_uuid": { "type": "string", "required": true },
        }}},
    });
    assert!(Overlay::resolve(&overlay).unwrap().is_empty());
}

#[test]
fn refused_overlays_get_their_recorded_errors() {
    let mut errors = BTreeMap::new();
    for fixture in common::fixtures("overlays/refused") {
        let document: Value = serde_json::from_slice(&common::read(&fixture)).unwrap();
        let refusal = Validator::new(Options {
            overlay: Some(document),
            ..Options::default()
        })
        .unwrap_err();
        let ConfigErrorKind::Overlay(error) = &refusal.kind else {
            panic!("{fixture}: refused for another reason: {refusal}");
        };
        // The message names the option, then the offending entry.
        assert_eq!(refusal.to_string(), format!("overlay: {error}"));
        assert!(
            refusal
                .to_string()
                .starts_with(&format!("overlay: {}", error.entry))
        );
        errors.insert(
            fixture,
            json!({ "code": error.code(), "error": error.to_string() }),
        );
    }
    let codes: Vec<&str> = errors
        .values()
        .map(|error| error["code"].as_str().unwrap())
        .collect();
    for code in [
        "unknown_event",
        "removes_requirement",
        "adds_requirement",
        "changes_type",
        "not_an_enum",
        "not_documented",
        "no_fields_there",
        "version",
    ] {
        assert!(
            codes.contains(&code),
            "no refused overlay fixture for {code}"
        );
    }
    holds_recorded(OVERLAY_ERRORS, &serde_json::to_value(errors).unwrap());
}

#[test]
fn overlays_are_bounded() {
    let fields: serde_json::Map<String, Value> = (0..=hookguard::overlay::MAX_ENTRIES)
        .map(|index| (format!("/field_{index}"), json!({ "type": "string" })))
        .collect();
    let overlay = json!({
        "hookguard_overlay": 1,
        "events": { "book.verified": { "fields": fields } },
    });
    let error = Overlay::resolve(&overlay).unwrap_err();
    assert_eq!(error.code(), "too_many_entries");
}

#[test]
fn the_effective_schemas_give_jsonschema_the_same_verdicts_on_the_capture() {
    let mut reached = 0;
    for line in capture_lines() {
        reached += usize::from(assert_agreement_under(
            &EFFECTIVE,
            WITH_OVERLAY.as_slice(),
            &line,
            true,
        ));
    }
    assert!(reached > 300, "only {reached} lines reached a schema");
}

#[test]
fn the_express_lane_agrees_with_the_reference_path_under_the_overlay() {
    let mut answered = 0;
    for line in capture_lines() {
        for (_, validator) in WITH_OVERLAY.iter() {
            for normalize in [false, true] {
                let reference = validator.reference_report(&line, normalize);
                {
                    let express = validator.walked_report(&line, normalize);
                    assert_eq!(express, reference, "{}", String::from_utf8_lossy(&line));
                    answered += 1;
                }
            }
        }
    }
    assert!(answered > 1000, "the lane answered {answered} times");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    #[test]
    fn generated_deliveries_of_overlaid_events_agree(seed in any::<u64>(), which in 0usize..4) {
        let name = ["book.verified", "DOC_VERIFIED", "book.classified", "document.upload_succeeded"][which];
        let body = oracle::delivery(EFFECTIVE.schema(name), &mut Rng::new(seed));
        assert_agreement_under(&EFFECTIVE, WITH_OVERLAY.as_slice(), &body, true);
        for (_, validator) in WITH_OVERLAY.iter() {
            for normalize in [false, true] {
                {
            let express = validator.walked_report(&body, normalize);
                    prop_assert_eq!(express, validator.reference_report(&body, normalize));
                }
            }
        }
    }
}
