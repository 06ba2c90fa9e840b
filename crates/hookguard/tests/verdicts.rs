//! The shared expected results: `tests/expected/verdicts.json` holds the report for every
//! fixture under `tests/fixtures`. The gateway, the JavaScript package and the command line
//! are checked against the same file, so the same bytes get the same verdict everywhere.
//!
//! After an intended change of behaviour, regenerate it with `just bless` (review the diff).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::BTreeMap;

use common::{fixtures, repo_root};
use serde_json::Value;

const VERDICTS: &str = "tests/expected/verdicts.json";

fn current_verdicts() -> BTreeMap<String, Value> {
    ["seeds", "schema", "intake", "numbers"]
        .into_iter()
        .flat_map(fixtures)
        .map(|path| {
            let report = common::check(&path);
            (path, serde_json::from_str(&report.to_json()).unwrap())
        })
        .collect()
}

#[test]
fn every_fixture_gets_its_recorded_verdict() {
    let current = current_verdicts();
    let path = repo_root().join(VERDICTS);
    if std::env::var_os("HOOKGUARD_BLESS").is_some() {
        let mut text = serde_json::to_string_pretty(&current).unwrap();
        text.push('\n');
        std::fs::write(&path, text).unwrap();
        return;
    }
    let recorded: BTreeMap<String, Value> = serde_json::from_str(
        &std::fs::read_to_string(&path).expect("run `just bless` to create it"),
    )
    .unwrap();
    let missing: Vec<&String> = current
        .keys()
        .filter(|k| !recorded.contains_key(*k))
        .collect();
    let stale: Vec<&String> = recorded
        .keys()
        .filter(|k| !current.contains_key(*k))
        .collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "fixtures without a verdict: {missing:?}; verdicts without a fixture: {stale:?}"
    );
    for (fixture, report) in &current {
        assert_eq!(
            report, &recorded[fixture],
            "{fixture}: report differs from {VERDICTS}"
        );
    }
}

#[test]
fn the_verdict_file_agrees_with_the_fixture_folders() {
    // Independent of the recorded file's contents: seeds are valid (but for Ocrolus' two
    // malformed examples), intake fixtures never are.
    for (fixture, report) in current_verdicts() {
        let valid = report["valid"].as_bool().unwrap();
        if fixture.starts_with("tests/fixtures/seeds/") {
            assert_eq!(valid, !common::is_malformed_seed(&fixture), "{fixture}");
        }
        if fixture.starts_with("tests/fixtures/intake/") {
            assert!(!valid, "{fixture}");
        }
    }
}
