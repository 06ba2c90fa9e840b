//! Reports are written to bytes by hand (`Report::write_json`); the bytes must be those
//! serde_json writes for `Report`'s `Serialize`, for every kind of report: refused, invalid with
//! located findings, capped (`omitted`), valid with warnings, normalized, test deliveries.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use hookguard::{Options, Validator};

#[test]
fn written_reports_are_the_serialized_reports() {
    let validators: Vec<Validator> = [
        Options::default(),
        Options {
            strict: true,
            reveal_values: true,
            max_findings: 1,
            ..Options::default()
        },
    ]
    .into_iter()
    .map(|options| Validator::new(options).unwrap())
    .collect();
    let bodies = common::every_body();
    let mut kinds = std::collections::BTreeSet::new();
    for body in &bodies {
        for validator in &validators {
            for report in [validator.validate(body), validator.normalize(body)] {
                let written = report.to_json();
                let serialized = serde_json::to_string(&report).unwrap();
                assert_eq!(written, serialized, "{}", String::from_utf8_lossy(body));
                kinds.insert((
                    report.valid,
                    report.normalized.is_some(),
                    report.omitted.is_none(),
                    report.errors.iter().any(|e| e.position.is_some()),
                ));
            }
        }
    }
    assert!(kinds.len() >= 5, "too few kinds of report: {kinds:?}");
}

#[test]
fn a_normalized_payload_serializes_to_its_tree_for_any_serializer() {
    // serde_json's `Value` serializer stands for the serializers that are not JSON text
    // (JavaScript values, CBOR): what they are handed must be the payload's tree, value for
    // value, integers as serde_json holds them (unsigned when not negative).
    let validator = common::validator();
    let mut normalized = 0;
    let mut bodies = common::every_body();
    bodies.push(
        br#"{"status":"VERIFICATION_COMPLETE","uploaded_doc_pk":0,"book_pk":0,"x":[-1,2.5,1e-7,"\u00e9\n",null,true,{"b":[],"a":{}}]}"#
            .to_vec(),
    );
    for body in &bodies {
        let report = validator.normalize(body);
        let Some(payload) = &report.normalized else {
            continue;
        };
        normalized += 1;
        let serialized = serde_json::to_value(payload).unwrap();
        assert_eq!(serialized, payload.to_value(), "{}", payload.as_str());
        // Integers keep serde_json's own representation, not only their value.
        assert_eq!(serialized.to_string(), payload.as_str());
    }
    assert!(normalized >= 40, "only {normalized} normalized payloads");
}
