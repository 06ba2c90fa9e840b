//! The compiled catalog against the oracle: for generated deliveries of every event (and of the
//! test delivery), hookguard and jsonschema-rs over the published schemas give the same
//! verdict and the same findings (code, instance location, keyword location, message).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::sync::LazyLock;

use common::oracle::{self, Oracle, Rng};
use hookguard::schema::TEST_DELIVERY;
use hookguard::{MAX_FINDINGS_CEILING, Options, Validator};
use proptest::prelude::*;

/// Compiling every schema takes a while: once per test binary.
static ORACLE: LazyLock<Oracle> = LazyLock::new(Oracle::new);
static VALIDATORS: LazyLock<[(bool, Validator); 2]> = LazyLock::new(validators);

fn validators() -> [(bool, Validator); 2] {
    [false, true].map(|strict| {
        let options = Options {
            strict,
            max_findings: MAX_FINDINGS_CEILING,
            ..Options::default()
        };
        (strict, Validator::new(options).unwrap())
    })
}

/// Every event's name, and the test delivery's.
fn schema_names() -> Vec<&'static str> {
    let mut names: Vec<&str> = hookguard::catalog::EVENTS
        .iter()
        .map(|spec| spec.name)
        .collect();
    names.push(TEST_DELIVERY);
    names
}

/// Checks one body in both modes; returns whether the engine reached a verdict.
fn agree(oracle: &Oracle, validators: &[(bool, Validator)], body: &[u8]) -> bool {
    let mut reached = false;
    for (strict, validator) in validators {
        let report = validator.validate(body);
        let Some(expected) = oracle.verdict(body, *strict) else {
            continue;
        };
        reached = true;
        let text = String::from_utf8_lossy(body);
        if expected.delivery == TEST_DELIVERY {
            // A test delivery is recognised or refused as a whole.
            assert_eq!(report.valid, expected.valid, "strict={strict} {text}");
            if report.valid {
                assert_eq!(
                    oracle::schema_findings(&report),
                    expected.findings,
                    "{text}"
                );
            } else {
                assert_eq!(report.errors[0].code, "missing_event_name", "{text}");
            }
            continue;
        }
        assert_eq!(
            report.source_event_name,
            Some(expected.delivery.as_str()),
            "{text}"
        );
        assert_eq!(
            report.valid, expected.valid,
            "strict={strict} {text}: {report:?}"
        );
        assert_eq!(
            oracle::schema_findings(&report),
            expected.findings,
            "strict={strict} {text}"
        );
        assert!(report.omitted.is_none(), "{text}");
    }
    reached
}

#[test]
fn documented_examples_and_fixtures_agree() {
    let mut reached = 0;
    for folder in ["seeds", "schema", "numbers"] {
        for path in common::fixtures(folder) {
            reached += usize::from(agree(&ORACLE, &*VALIDATORS, &common::read(&path)));
        }
    }
    assert!(reached > 60, "only {reached} fixtures reached a schema");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4096, ..ProptestConfig::default() })]

    #[test]
    fn generated_deliveries_agree(seed in any::<u64>(), which in 0usize..64) {
        let names = schema_names();
        let name = names[which % names.len()];
        let body = oracle::delivery(ORACLE.schema(name), &mut Rng::new(seed));
        agree(&ORACLE, &*VALIDATORS, &body);
    }
}
