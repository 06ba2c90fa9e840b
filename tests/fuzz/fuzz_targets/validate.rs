//! Validation and normalization on arbitrary bytes. Beyond "no panic": the walk (every body
//! read once, judged without a tree) gives the reference path's report (the oracle) and never
//! an internal error,
//! a valid delivery normalizes to bytes that are valid too ("valid in, valid out"), and
//! normalizing those bytes again changes nothing (idempotence).
#![no_main]

use std::sync::LazyLock;

use hookguard::{Options, Validator};
use libfuzzer_sys::fuzz_target;

static VALIDATOR: LazyLock<Validator> =
    LazyLock::new(|| Validator::new(Options::default()).expect("the embedded schemas compile"));

fuzz_target!(|body: &[u8]| {
    for normalize in [false, true] {
        let walked = VALIDATOR.walked_report(body, normalize);
        assert!(
            walked.errors.iter().all(|finding| finding.code != "internal_error"),
            "internal error"
        );
        assert_eq!(
            walked,
            VALIDATOR.reference_report(body, normalize),
            "the walk disagrees with the reference path"
        );
    }
    let report = VALIDATOR.normalize(body);
    let _ = report.to_json();
    assert_eq!(report.valid, report.errors.is_empty());
    let Some(normalized) = report.normalized_bytes() else {
        assert!(!report.valid || report.normalized.is_none());
        return;
    };
    let again = VALIDATOR.normalize(&normalized);
    assert!(
        again.valid,
        "normalized bytes are invalid: {:?}",
        again.errors
    );
    assert_eq!(
        again.normalized_bytes().as_deref(),
        Some(normalized.as_slice()),
        "not idempotent"
    );
    assert_eq!(again.event_name, report.event_name);
});
