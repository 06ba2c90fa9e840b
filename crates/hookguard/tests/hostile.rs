//! The hostile corpus through the core: every case gets its expected verdict, normalizing a
//! valid one gives bytes that are valid again, and nothing panics.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::hostile::{assert_verdict, hostile_cases};
use common::repo_root;
use serde_json::Value;

#[test]
fn every_hostile_case_gets_its_expected_verdict() {
    for case in hostile_cases(&repo_root()) {
        let report = common::validator().normalize(&case.body);
        let json: Value = serde_json::from_str(&report.to_json()).unwrap();
        assert_verdict(&case, &json);
        if let Some(normalized) = report.normalized_bytes() {
            let again = common::validator().validate(&normalized);
            assert!(again.valid, "{}: normalized form is invalid", case.name);
        }
    }
}
