//! The hostile corpus (`tests/fixtures/hostile/cases.json`): deliveries built to break parsers,
//! each with the verdict every host must give it. Shared by the core's and the CLI's tests
//! (the CLI includes this file by path); `tests/fixtures/hostile/hostile.mjs` is the same
//! reader for the JavaScript hosts. The body format is described in the folder's README.

use std::path::Path;

use serde_json::Value;

pub const CASES: &str = "tests/fixtures/hostile/cases.json";

pub struct HostileCase {
    pub name: String,
    pub body: Vec<u8>,
    /// `{"valid": true, "event_name": ...}` or `{"valid": false, "errors": [{code, instanceLocation}]}`,
    /// with `omitted` (`{"errors", "warnings"}`) when the report lists only some findings.
    pub expected: Value,
    /// Text from the body that no verdict may quote.
    pub private: Option<String>,
}

pub fn hostile_cases(repo_root: &Path) -> Vec<HostileCase> {
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(repo_root.join(CASES)).unwrap()).unwrap();
    let cases = manifest["cases"].as_array().unwrap();
    assert!(cases.len() >= 40, "the hostile corpus lost cases");
    cases
        .iter()
        .map(|case| HostileCase {
            name: case["name"].as_str().unwrap().to_owned(),
            body: build_body(repo_root, case["body"].as_array().unwrap()),
            expected: case["expected"].clone(),
            private: case["private"].as_str().map(str::to_owned),
        })
        .collect()
}

fn build_body(repo_root: &Path, parts: &[Value]) -> Vec<u8> {
    let mut body = Vec::new();
    for part in parts {
        let times = part["times"].as_u64().unwrap_or(1);
        if let Some(file) = part["file"].as_str() {
            body.extend(std::fs::read(repo_root.join(file)).unwrap());
        } else if let Some(text) = part["text"].as_str() {
            for _ in 0..times {
                body.extend_from_slice(text.as_bytes());
            }
        } else if let Some(template) = part["each"].as_str() {
            for i in 0..times {
                body.extend_from_slice(template.replace("{i}", &i.to_string()).as_bytes());
            }
        } else if let Some(unit) = part["pad"].as_str() {
            let to = usize::try_from(part["to"].as_u64().unwrap()).unwrap();
            assert_eq!(unit.len(), 1, "pad with one byte");
            assert!(body.len() <= to, "padding target below the body's length");
            body.resize(to, unit.as_bytes()[0]);
        } else {
            panic!("unknown body part {part}");
        }
    }
    body
}

/// Checks a report (the core's JSON report, as every host prints it) against a case.
pub fn assert_verdict(case: &HostileCase, report: &Value) {
    let name = &case.name;
    let expected = &case.expected;
    assert_eq!(report["valid"], expected["valid"], "{name}: {report}");
    if expected["valid"] == true {
        assert_eq!(report["event_name"], expected["event_name"], "{name}");
        assert_eq!(report["errors"], serde_json::json!([]), "{name}");
    } else {
        let located: Vec<Value> = report["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| serde_json::json!({"code": e["code"], "instanceLocation": e["instanceLocation"]}))
            .collect();
        assert_eq!(&Value::Array(located), &expected["errors"], "{name}");
    }
    // Findings beyond the report's cap are counted, never listed.
    let omitted = report.get("omitted").cloned().unwrap_or(Value::Null);
    assert_eq!(omitted, expected["omitted"], "{name}");
    if let Some(private) = &case.private {
        assert!(
            !report.to_string().contains(private.as_str()),
            "{name}: the verdict quotes the payload"
        );
    }
}
