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

use common::oracle::{self, ORACLE, Rng, assert_agreement};
use hookguard::schema::TEST_DELIVERY;
use proptest::prelude::*;

/// Every event's name, and the test delivery's.
fn schema_names() -> Vec<&'static str> {
    let mut names: Vec<&str> = hookguard::catalog::EVENTS
        .iter()
        .map(|spec| spec.name)
        .collect();
    names.push(TEST_DELIVERY);
    names
}

#[test]
fn documented_examples_and_fixtures_agree() {
    let mut reached = 0;
    for folder in ["seeds", "schema", "numbers"] {
        for path in common::fixtures(folder) {
            reached += usize::from(assert_agreement(&common::read(&path), true));
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
        assert_agreement(&body, true);
    }
}
