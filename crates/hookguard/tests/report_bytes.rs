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
