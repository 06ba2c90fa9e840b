//! The shared expected answers: `tests/expected/answers.json` holds, for every fixture that is
//! refused, the HTTP status, the header fields and the exact problem document a receiver
//! answers with, and the
//! answers given before a body is read (wrong method, not JSON, too large). The gateway in
//! Envoy, the Node receiver and the command line's NDJSON are held to the same bytes.
//!
//! After an intended change, regenerate it with `just bless` (review the diff).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::BTreeMap;

use common::{fixtures, read, repo_root};
use hookguard::gate::NoMemory;
use hookguard::signature::DeliveryHeaders;
use hookguard::{Answer, Gate, GateConfig, ProblemShape};
use serde_json::{Value, json};

const ANSWERS: &str = "tests/expected/answers.json";

fn recorded(answer: &Answer<'_>) -> Value {
    let problem = String::from_utf8(answer.problem_json(&ProblemShape::default())).unwrap();
    json!({"status": answer.status(), "headers": answer.headers(), "problem": problem})
}

fn current_answers() -> Value {
    let gate = Gate::new(GateConfig::default()).unwrap();
    let bodies: BTreeMap<String, Value> = ["seeds", "schema", "intake", "numbers"]
        .into_iter()
        .flat_map(fixtures)
        .filter_map(|path| {
            let body = read(&path);
            let Ok(admission) =
                gate.admit(&DeliveryHeaders::default(), &body, 0, &mut NoMemory, None);
            let answer = admission.answer();
            (!answer.verdict.passes()).then(|| (path, recorded(&answer)))
        })
        .collect();
    let screened = |method: &str, content_type: &str, length: u64| {
        let answer = gate
            .screen(
                method.as_bytes(),
                Some(content_type.as_bytes()),
                Some(length),
            )
            .unwrap();
        recorded(&answer)
    };
    json!({
        "bodies": bodies,
        "requests": {
            "method_not_allowed": screened("GET", "application/json", 0),
            "unsupported_media_type": screened("POST", "text/plain", 10),
            "too_large": screened("POST", "application/json", gate.max_bytes() + 1),
        },
    })
}

#[test]
fn every_refusal_gets_its_recorded_answer() {
    let current = current_answers();
    let path = repo_root().join(ANSWERS);
    if std::env::var_os("HOOKGUARD_BLESS").is_some() {
        let mut text = serde_json::to_string_pretty(&current).unwrap();
        text.push('\n');
        std::fs::write(&path, text).unwrap();
        return;
    }
    let recorded: Value = serde_json::from_str(
        &std::fs::read_to_string(&path).expect("run `just bless` to create it"),
    )
    .unwrap();
    assert_eq!(current, recorded, "answers differ from {ANSWERS}");
}

#[test]
fn the_answers_agree_with_the_recorded_verdicts() {
    // Independent of the answers file: a fixture is refused exactly when its report is
    // invalid, and a refusal lists the report's errors.
    let verdicts: BTreeMap<String, Value> = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("tests/expected/verdicts.json")).unwrap(),
    )
    .unwrap();
    let answers = current_answers();
    for (fixture, report) in verdicts {
        let answer = &answers["bodies"][&fixture];
        assert_eq!(answer.is_null(), report["valid"] == true, "{fixture}");
        if answer.is_null() {
            continue;
        }
        let problem: Value = serde_json::from_str(answer["problem"].as_str().unwrap()).unwrap();
        assert_eq!(problem["status"], answer["status"], "{fixture}");
        if answer["status"] == 400 {
            assert_eq!(problem["errors"], report["errors"], "{fixture}");
        } else {
            assert_eq!(problem["errors"][0]["code"], "body_too_large", "{fixture}");
        }
    }
}
