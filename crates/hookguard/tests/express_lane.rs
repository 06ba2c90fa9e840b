//! The walk (every body read once and judged from its bytes, without a tree) against the
//! reference path (the oracle's intake into a tree, findings located by a second scan): its
//! report is the reference path's, for validation and normalization, in every mode, and never
//! an internal error. Bodies: every
//! fixture, the hostile corpus, generated deliveries of every event, and clean deliveries with
//! one byte changed, inserted or removed (what a lax reader would let through).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::sync::LazyLock;

use common::oracle::{self, ORACLE, Rng};
use hookguard::{Delivery, Options, Validator};
use proptest::prelude::*;

/// Validators in the modes that change what the lane may answer.
static VALIDATORS: LazyLock<Vec<Validator>> = LazyLock::new(|| {
    [
        Options::default(),
        Options {
            strict: true,
            ..Options::default()
        },
        Options {
            max_depth: 2,
            ..Options::default()
        },
        Options {
            max_bytes: 300,
            ..Options::default()
        },
        Options {
            reveal_values: true,
            max_findings: 3,
            ..Options::default()
        },
    ]
    .into_iter()
    .map(|options| Validator::new(options).unwrap())
    .collect()
});

/// Checks the walk against the reference path on `body`; returns how many reports were held
/// to it (one per validator and mode).
fn lane_agrees(body: &[u8]) -> usize {
    let mut answered = 0;
    for validator in VALIDATORS.iter() {
        for normalize in [false, true] {
            let walked = if normalize {
                validator.normalize(body)
            } else {
                validator.validate(body)
            };
            assert!(
                walked
                    .errors
                    .iter()
                    .all(|finding| finding.code != "internal_error"),
                "internal error: {}",
                String::from_utf8_lossy(body)
            );
            assert_eq!(
                walked,
                validator.reference_report(body, normalize),
                "{:?} normalize={normalize}: {}",
                validator.options(),
                String::from_utf8_lossy(body)
            );
            answered += 1;
        }
    }
    answered
}

/// The documented examples that are clean event deliveries (the test delivery is the
/// reference path's).
fn clean_seeds() -> Vec<Vec<u8>> {
    common::fixtures("seeds")
        .into_iter()
        .map(|path| common::read(&path))
        .filter(|body| {
            let report = common::validator().validate(body);
            report.valid && report.warnings.is_empty() && report.delivery == Some(Delivery::Event)
        })
        .collect()
}

#[test]
fn the_lane_answers_for_clean_deliveries_and_agrees_on_every_fixture() {
    let seeds = clean_seeds();
    assert!(seeds.len() >= 30, "only {} clean seeds", seeds.len());
    for body in &seeds {
        lane_agrees(body);
    }
    let mut schema_findings_answered = 0;
    for folder in ["seeds", "schema", "numbers", "intake"] {
        for path in common::fixtures(folder) {
            let answered = lane_agrees(&common::read(&path));
            if folder == "schema" {
                schema_findings_answered += answered;
            }
        }
    }
    // Deliveries with schema findings are the lane's too (their findings located as it reads).
    let schema_fixtures = common::fixtures("schema").len();
    assert!(
        schema_findings_answered >= schema_fixtures * 2,
        "the lane answered {schema_findings_answered} times for {schema_fixtures} schema fixtures"
    );
}

#[test]
fn the_lane_agrees_on_the_hostile_corpus() {
    for case in common::hostile::hostile_cases(&common::repo_root()) {
        lane_agrees(&case.body);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

    #[test]
    fn the_lane_agrees_on_generated_deliveries(seed in any::<u64>(), which in 0usize..64) {
        let names: Vec<&str> = hookguard::catalog::EVENTS.iter().map(|spec| spec.name).collect();
        let name = names[which % names.len()];
        let body = oracle::delivery(ORACLE.schema(name), &mut Rng::new(seed));
        lane_agrees(&body);
    }

    #[test]
    fn the_lane_agrees_on_clean_deliveries_one_byte_off(
        which in any::<prop::sample::Index>(),
        at in any::<prop::sample::Index>(),
        byte in prop::sample::select(b"\"\\{}[],:-+.eE0159aAfn \t\r\n\x00\x1f\x7f\xc3\xa9\xff/u".to_vec()),
        edit in 0u8..3,
    ) {
        static SEEDS: LazyLock<Vec<Vec<u8>>> = LazyLock::new(clean_seeds);
        let mut body = which.get(&SEEDS).clone();
        let at = at.index(body.len());
        match edit {
            0 => body[at] = byte,
            1 => body.insert(at, byte),
            _ => {
                body.remove(at);
            }
        }
        lane_agrees(&body);
    }
}

#[test]
fn the_lane_writes_escapes_as_serde_json_writes_the_strings() {
    let escapes = br#"\u0022\u005C\u005c\u001f\u0008\u000A\u0000\ud83d\uDE00\u002F\u007f a\/b \"q\" \\ \n\t\b\f\r \u00e9"#;
    let mut answered = 0;
    for seed in clean_seeds() {
        let text = String::from_utf8(seed).unwrap();
        let Some(at) = text.find(r#""notification_reason": ""#) else {
            continue;
        };
        let insert_at = at + r#""notification_reason": ""#.len();
        for escapes in [&escapes[..escapes.len() - 7], &escapes[..]] {
            let mut body = text.as_bytes()[..insert_at].to_vec();
            body.extend_from_slice(escapes);
            body.extend_from_slice(&text.as_bytes()[insert_at..]);
            answered += lane_agrees(&body);
        }
    }
    assert!(answered >= 20, "the lane answered {answered} times");
}

#[test]
fn the_lane_reads_escaped_member_names_and_unicode_escapes() {
    let mut answered = 0;
    for seed in clean_seeds() {
        let text = String::from_utf8(seed).unwrap();
        let variants = [
            // A declared member spelled with escapes: the same member.
            text.replacen(r#""event_name""#, r#""event\u005fname""#, 1),
            text.replacen(r#""status""#, r#""st\u0061tus""#, 1),
            // Escaped names that are nobody's: unknown fields, named as decoded.
            text.replacen(
                '{',
                r#"{"x\u00e9\n\"\/y\u0000": 1, "\ud83d\ude00": [{"a\tb": "\u00e9"}],"#,
                1,
            ),
            // The same name twice, once escaped: a duplicate.
            text.replacen('{', r#"{"dup": 1, "d\u0075p": 2,"#, 1),
            // A UUID with an escaped letter, and a lone surrogate (intake's to explain).
            text.replacen(r#"-4"#, r#"-\u0034"#, 1),
            text.replacen('{', r#"{"x": "\ud83d","#, 1),
        ];
        for body in variants {
            answered += lane_agrees(body.as_bytes());
        }
    }
    assert!(answered >= 100, "the lane answered {answered} times");
}

#[test]
fn the_lane_judges_test_deliveries_and_names_that_are_no_event() {
    let bodies: &[&[u8]] = &[
        br#"{"status":"VERIFICATION_COMPLETE","uploaded_doc_pk":0,"book_pk":0}"#,
        br#" {"book_pk":0, "status":"VERIFICATION\u005fCOMPLETE","uploaded_doc_pk":0,"x":[{"b":1,"a":"\/"}]}"#,
        br#"{"status":"VERIFICATION_COMPLETE","uploaded_doc_pk":1,"book_pk":0}"#,
        br#"{"status":"VERIFICATION_COMPLETE","book_pk":0}"#,
        br#"{"book_pk":0}"#,
        br#"{"event_name":"BOOK_VERIFIED ","book_pk":1}"#,
        br#"{"event_name":"book.verifi\u0065d2"}"#,
        br#"{"event_name":"SUSPICIOUS_ACTIVITY"}"#,
        "{\"event_name\":\"b\u{43e}ok.verified\"}".as_bytes(),
        br#"{"event_name":12}"#,
        br#"{"event_name":1.5}"#,
        br#"{"event_name":null}"#,
        br#"{"event_name":[true]}"#,
        br#"{"event_name":{"a":1}}"#,
    ];
    for body in bodies {
        let answered = lane_agrees(body);
        assert!(
            answered >= 5,
            "the lane answered {answered} times for {}",
            String::from_utf8_lossy(body)
        );
    }
}

#[test]
fn alias_pairs_whose_halves_are_objects_or_arrays_are_compared_by_value() {
    // Aliases hold UUIDs; a sender may still put anything there. Equal values spelled
    // differently (key order, number spellings, escapes) agree; others disagree.
    let spec = hookguard::catalog::EVENTS
        .iter()
        .find(|spec| !spec.aliases.is_empty())
        .expect("some event has an alias pair");
    let (first, second) = spec.aliases[0];
    let pairs = [
        (
            r#"{"a":1,"b":[2.50,"x"]}"#,
            r#"{"b":[25e-1,"\u0078"],"a":1.0}"#,
            false,
        ),
        (r#"{"a":1}"#, r#"{"a":2}"#, true),
        (r#"[1,2]"#, r#"[2,1]"#, true),
        (r#"[]"#, r#"{}"#, true),
        (r#"{"a":"X"}"#, r#"{"a":"x"}"#, true),
        (r#"[{"k":[]}]"#, r#"[ { "k" : [ ] } ]"#, false),
    ];
    for (a, b, differ) in pairs {
        let body = format!(
            r#"{{"event_name":"{}","{first}":{a},"{second}":{b}}}"#,
            spec.name
        );
        lane_agrees(body.as_bytes());
        let report = common::validator().validate(body.as_bytes());
        let mismatch = report.warnings.iter().any(|w| w.code == "alias_mismatch");
        assert_eq!(mismatch, differ, "{body}");
    }
}

/// The walk finds nested values on the strict pass's tape, which keeps at most one entry per
/// 16 bytes of body: a long list of tiny items outgrows it part way, and what was not kept is
/// read again. Reports are the reference path's on either side of the bound, findings located
/// in the kept part, past it, and in the container that filled it.
#[test]
fn nested_values_past_the_tapes_bound_are_judged_as_those_within_it() {
    let doc = |uuid: &str| format!(r#"{{"uuid":"{uuid}","status":"COMPLETED"}}"#);
    let good = doc("61d93bbd-8412-4b0b-9e98-693d0b1236de");
    let malformed = doc("61d93bbd-8412-4b0b-9e98-693d0b1236d");
    for tiny in [0, 10, 200, 1_000, 5_000] {
        for (before, after) in [(&good, &good), (&malformed, &good), (&good, &malformed)] {
            let mut items = vec![before.clone(), r#"{"nested":[[],[{}]]}"#.to_owned()];
            items.extend(std::iter::repeat_n(String::from("{}"), tiny));
            items.push(after.clone());
            let body = format!(
                r#"{{"severity":"MODERATE","event_name":"book.verified","notification_type":"STATUS","book_uuid":"1e03d9cd-7d84-4672-bc3d-c19cd19c500b","notification_reason":"Book is verified","uploaded_docs":[{}],"book_pk":5985,"status":"COMPLETE"}}"#,
                items.join(",")
            );
            assert_eq!(lane_agrees(body.as_bytes()), 10);
        }
    }
}
