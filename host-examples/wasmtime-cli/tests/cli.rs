//! The built `hookguard` binary, run as a user runs it, on the repository's fixtures and
//! captures. Output is compared with the shared verdicts (`tests/expected/verdicts.json`) and
//! with reviewed snapshots (`tests/snapshots/`, `cargo insta review` after a change).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

#[path = "../../../crates/hookguard/tests/common/hostile.rs"]
mod hostile;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// The binary, run from the repository root (so sources are labelled as in verdicts.json),
/// with a code cache of its own under target/ and colour off.
fn hookguard(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hookguard"));
    let cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("wasmtime-cache");
    command
        .current_dir(repo_root())
        .arg("--cache-dir")
        .arg(cache)
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    command
}

fn run(args: &[&str]) -> Output {
    hookguard(args).output().unwrap()
}

fn run_with_stdin(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = hookguard(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    let input = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        // The binary may stop reading early (e.g. on a usage error); that is not a failure.
        let _ = pipe.write_all(&input);
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    output
}

/// Exit status, stdout and stderr as one text, for snapshots.
fn transcript(output: &Output) -> String {
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        output
            .status
            .code()
            .map_or("signal".into(), |code| code.to_string()),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn ndjson_records(output: &Output) -> Vec<Value> {
    String::from_utf8(output.stdout.clone())
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[test]
fn every_fixture_gets_the_shared_verdict_through_the_module() {
    let recorded: BTreeMap<String, Value> = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("tests/expected/verdicts.json")).unwrap(),
    )
    .unwrap();
    let output = run(&[
        "validate",
        "--format=ndjson",
        "--normalized",
        "--no-summary",
        "tests/fixtures/seeds",
        "tests/fixtures/schema",
        "tests/fixtures/intake",
        "tests/fixtures/numbers",
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", transcript(&output));
    let answers: Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("tests/expected/answers.json")).unwrap(),
    )
    .unwrap();
    let mut seen = BTreeMap::new();
    for mut record in ndjson_records(&output) {
        let object = record.as_object_mut().unwrap();
        let source = object.remove("source").unwrap();
        let source = source.as_str().unwrap().to_owned();
        // A refused payload carries the problem document every host answers with.
        let problem = object.remove("problem");
        let expected = answers["bodies"][&source]["problem"]
            .as_str()
            .map(|text| serde_json::from_str::<Value>(text).unwrap());
        assert_eq!(problem, expected, "{source}");
        seen.insert(source, record);
    }
    assert_eq!(seen.len(), recorded.len(), "fixture sets differ");
    for (fixture, expected) in &recorded {
        assert_eq!(seen.get(fixture), Some(expected), "{fixture}");
    }
}

#[test]
fn every_hostile_case_gets_its_expected_verdict_through_the_module() {
    // Bodies of up to 50 MiB are written out as files, as captured deliveries would be.
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("hostile");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let cases = hostile::hostile_cases(&repo_root());
    for case in &cases {
        std::fs::write(dir.join(format!("{}.json", case.name)), &case.body).unwrap();
    }
    let output = run(&[
        "validate",
        "--format=ndjson",
        "--normalized",
        "--no-summary",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", transcript(&output));
    let records: BTreeMap<String, Value> = ndjson_records(&output)
        .into_iter()
        .map(|record| {
            let source = Path::new(record["source"].as_str().unwrap());
            let name = source.file_stem().unwrap().to_str().unwrap().to_owned();
            (name, record)
        })
        .collect();
    assert_eq!(records.len(), cases.len());
    for case in &cases {
        hostile::assert_verdict(case, &records[&case.name]);
    }
}

#[test]
fn sample_capture_text_report() {
    let output = run(&[
        "validate",
        "tests/fixtures/captures/ocrolus-deliveries.http",
    ]);
    insta::assert_snapshot!(transcript(&output));
}

#[test]
fn sample_capture_verbose_lists_every_payload() {
    let output = run(&[
        "validate",
        "-v",
        "tests/fixtures/captures/ocrolus-deliveries.ndjson",
    ]);
    insta::assert_snapshot!(transcript(&output));
}

#[test]
fn ndjson_output_with_normalized_payloads() {
    let output = run(&[
        "validate",
        "--format",
        "ndjson",
        "--normalized",
        "tests/fixtures/captures/ocrolus-deliveries.ndjson",
    ]);
    insta::assert_snapshot!(transcript(&output));
}

#[test]
fn har_and_framed_http_captures() {
    let output = run(&[
        "validate",
        "-v",
        "tests/fixtures/captures/browser-session.har",
        "tests/fixtures/captures/framing.http",
    ]);
    insta::assert_snapshot!(transcript(&output));
}

#[test]
fn positions_point_into_the_capture_file() {
    let capture = "tests/fixtures/captures/ocrolus-deliveries.http";
    let bytes = std::fs::read(repo_root().join(capture)).unwrap();
    let output = run(&["validate", "--format=ndjson", "--no-summary", capture]);
    let mut located = 0;
    for record in ndjson_records(&output) {
        for finding in record["errors"]
            .as_array()
            .unwrap()
            .iter()
            .chain(record["warnings"].as_array().unwrap())
        {
            let Some(position) = finding.get("position") else {
                continue;
            };
            let offset = position["offset"].as_u64().unwrap() as usize;
            let line = position["line"].as_u64().unwrap() as usize;
            let column = position["column"].as_u64().unwrap() as usize;
            // Line and column agree with the offset...
            let before = &bytes[..offset];
            assert_eq!(line, 1 + before.iter().filter(|&&b| b == b'\n').count());
            let line_start = before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |n| n + 1);
            assert_eq!(column, offset - line_start + 1);
            // ...and the offset is where the value the pointer names starts in the file.
            let pointer = finding["instanceLocation"].as_str().unwrap();
            if finding["code"] == "schema_violation" && pointer == "/uploaded_image_group_uuid" {
                assert!(
                    bytes[offset..].starts_with(b"\"93850c56b69f-4f3b"),
                    "{finding}"
                );
            }
            if finding["code"] == "unknown_field" {
                assert!(
                    bytes[offset..].starts_with(b"\"Q3 statements\""),
                    "{finding}"
                );
            }
            if finding["code"] == "duplicate_key" {
                assert!(bytes[offset..].starts_with(b"\"doc_uuid\""), "{finding}");
            }
            located += 1;
        }
    }
    assert!(
        located >= 4,
        "expected findings with positions, got {located}"
    );
}

#[test]
fn workers_do_not_change_the_output() {
    // Many payloads, so several batches are in flight at once and finish out of order.
    let capture =
        std::fs::read(repo_root().join("tests/fixtures/captures/ocrolus-deliveries.ndjson"))
            .unwrap();
    let mut input = Vec::new();
    for round in 0..300 {
        input.extend_from_slice(&capture);
        if round % 7 == 0 {
            input.extend_from_slice(b"{\"event_name\": oops}\n\n");
        }
    }
    let one = run_with_stdin(&["validate", "--format=ndjson", "--jobs=1", "-"], &input);
    let four = run_with_stdin(&["validate", "--format=ndjson", "--jobs=4", "-"], &input);
    assert_eq!(one.status.code(), Some(1));
    assert_eq!(ndjson_records(&one).len(), 300 * 10 + 43);
    assert_eq!(one.stdout, four.stdout);
    assert_eq!(one.stderr, four.stderr);
}

#[test]
fn a_malformed_line_is_reported_and_the_run_goes_on() {
    let input = b"{\"event_name\": \"BOOK_VERIFIED\",}\nnot json at all\r\n\n{\"status\":\"VERIFICATION_COMPLETE\",\"uploaded_doc_pk\":0,\"book_pk\":0}\n";
    let output = run_with_stdin(&["validate", "-"], input);
    insta::assert_snapshot!(transcript(&output));
}

#[test]
fn oversized_lines_are_refused_without_holding_them() {
    let mut input = Vec::new();
    input.extend_from_slice(b"{\"event_name\":\"BOOK_VERIFIED\",\"padding\":\"");
    input.extend(std::iter::repeat_n(b'x', 8 << 20));
    input.extend_from_slice(
        b"\"}\n{\"status\":\"VERIFICATION_COMPLETE\",\"uploaded_doc_pk\":0,\"book_pk\":0}\n",
    );
    let output = run_with_stdin(
        &[
            "validate",
            "--format=ndjson",
            "--max-bytes=64KiB",
            "--input-format=ndjson",
            "-",
        ],
        &input,
    );
    let records = ndjson_records(&output);
    assert_eq!(records.len(), 2, "{}", transcript(&output));
    assert_eq!(records[0]["source"], "-:1");
    assert_eq!(records[0]["errors"][0]["code"], "body_too_large");
    assert_eq!(
        records[0]["errors"][0]["error"],
        "body is larger than the limit of 65536 bytes"
    );
    assert_eq!(records[1]["source"], "-:2");
    assert_eq!(records[1]["valid"], true);
}

#[test]
fn strict_mode_makes_unknown_fields_errors() {
    let capture = "tests/fixtures/captures/ocrolus-deliveries.ndjson";
    let lenient = ndjson_records(&run(&["validate", "--format=ndjson", capture]));
    let strict = ndjson_records(&run(&["validate", "--format=ndjson", "--strict", capture]));
    let line_7 = |records: &[Value]| {
        records
            .iter()
            .find(|r| r["source"] == format!("{capture}:7"))
            .cloned()
            .unwrap()
    };
    assert_eq!(line_7(&lenient)["valid"], true);
    assert_eq!(line_7(&lenient)["warnings"][0]["code"], "unknown_field");
    assert_eq!(line_7(&strict)["valid"], false);
    assert_eq!(line_7(&strict)["errors"][0]["code"], "unknown_field");
}

#[test]
fn normalize_writes_the_normalized_bytes() {
    let output = run(&[
        "normalize",
        "tests/fixtures/captures/ocrolus-deliveries.ndjson",
    ]);
    insta::assert_snapshot!(transcript(&output));
}

#[test]
fn normalize_out_dir_writes_one_file_per_input() {
    let out = tempfile::tempdir().unwrap();
    let out_dir = out.path().to_str().unwrap();
    let output = run(&[
        "normalize",
        "--out-dir",
        out_dir,
        "tests/fixtures/seeds/account/BOOK_VERIFIED.json",
        "tests/fixtures/captures/ocrolus-deliveries.http",
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", transcript(&output));
    let single = std::fs::read_to_string(
        out.path()
            .join("tests/fixtures/seeds/account/BOOK_VERIFIED.json"),
    )
    .unwrap();
    assert_eq!(
        single,
        "{\"book_pk\":11917,\"book_uuid\":\"35ef4501-b93d-4ce2-b766-b670a057c0fb\",\"event_name\":\"book.verified\",\"status\":\"BOOK_COMPLETE\"}\n"
    );
    let many = std::fs::read_to_string(
        out.path()
            .join("tests/fixtures/captures/ocrolus-deliveries.ndjson"),
    )
    .unwrap();
    // The capture holds 10 deliveries, 3 of them invalid.
    assert_eq!(many.lines().count(), 7);
    assert!(
        many.lines()
            .all(|line| serde_json::from_str::<Value>(line).is_ok())
    );
}

#[test]
fn schemas_lists_the_catalog_and_prints_what_schemas_holds() {
    let list = run(&["schemas"]);
    insta::assert_snapshot!(transcript(&list));

    let one = run(&["schemas", "book.verified"]);
    assert_eq!(one.status.code(), Some(0));
    let published =
        std::fs::read_to_string(repo_root().join("schemas/events/book.verified.json")).unwrap();
    assert_eq!(
        String::from_utf8(one.stdout).unwrap().trim_end(),
        published.trim_end()
    );

    let out = tempfile::tempdir().unwrap();
    let written = run(&["schemas", "--out-dir", out.path().to_str().unwrap()]);
    assert_eq!(written.status.code(), Some(0), "{}", transcript(&written));
    for relative in [
        "catalog.json",
        "test-delivery.json",
        "events/IMAGE_GROUP_VERIFIED.json",
    ] {
        let ours = std::fs::read_to_string(out.path().join(relative)).unwrap();
        let checked_in =
            std::fs::read_to_string(repo_root().join("schemas").join(relative)).unwrap();
        assert_eq!(ours.trim_end(), checked_in.trim_end(), "{relative}");
    }

    let unknown = run(&["schemas", "book.burned"]);
    assert_eq!(unknown.status.code(), Some(2));
    insta::assert_snapshot!(transcript(&unknown));
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    // The read end is closed before the binary writes a byte: every write meets a closed pipe.
    for args in [&["schemas"][..], &["schemas", "--json"], &["version"]] {
        let mut child = hookguard(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let output = child.wait_with_output().unwrap();
        assert_eq!(
            output.status.code(),
            Some(0),
            "{args:?}: {}",
            transcript(&output)
        );
        assert!(
            output.stderr.is_empty(),
            "{args:?}: {}",
            transcript(&output)
        );
    }
}

#[test]
fn usage_and_input_errors_exit_2() {
    let no_paths = run(&["validate"]);
    assert_eq!(no_paths.status.code(), Some(2));

    let missing = run(&[
        "validate",
        "tests/fixtures/captures/no-such-file.json",
        "tests/fixtures/seeds/account/BOOK_VERIFIED.json",
    ]);
    insta::assert_snapshot!(transcript(&missing));

    let bad_module = run(&[
        "--module",
        "Cargo.toml",
        "validate",
        "tests/fixtures/seeds/account/BOOK_VERIFIED.json",
    ]);
    assert_eq!(bad_module.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&bad_module.stderr)
            .contains("Cargo.toml is not a usable WebAssembly module")
    );
    // Every error ends with one line saying what to do.
    assert!(
        String::from_utf8_lossy(&bad_module.stderr)
            .contains("hookguard: to fix: rebuild the module with `scripts/just plugin`"),
        "{}",
        transcript(&bad_module)
    );

    let bad_depth = run(&[
        "validate",
        "--max-depth=1000",
        "tests/fixtures/seeds/account/BOOK_VERIFIED.json",
    ]);
    insta::assert_snapshot!(transcript(&bad_depth));

    let nothing = run_with_stdin(&["validate", "-"], b"\n\n");
    insta::assert_snapshot!(transcript(&nothing));
}

#[test]
fn limits_beyond_what_a_host_can_honour_are_refused_when_set() {
    let body = "tests/fixtures/seeds/account/BOOK_VERIFIED.json";
    for size in ["4GiB", "9MiB", "0"] {
        let refused = run(&["validate", "--max-bytes", size, body]);
        assert_eq!(
            refused.status.code(),
            Some(2),
            "{size}: {}",
            transcript(&refused)
        );
        assert!(
            String::from_utf8_lossy(&refused.stderr).contains("--max-bytes"),
            "{size}: {}",
            transcript(&refused)
        );
    }
    // The ceiling itself is accepted by the module, and so is the findings ceiling.
    let ceiling = run(&[
        "validate",
        "--max-bytes",
        "8MiB",
        "--max-findings",
        "10000",
        body,
    ]);
    assert_eq!(ceiling.status.code(), Some(0), "{}", transcript(&ceiling));
    let too_many = run(&["validate", "--max-findings", "10001", body]);
    assert_eq!(too_many.status.code(), Some(2), "{}", transcript(&too_many));
    assert!(
        String::from_utf8_lossy(&too_many.stderr)
            .contains("max_findings 10001 is above the ceiling")
    );
}

#[test]
fn reports_list_max_findings_and_count_the_rest() {
    let body = format!(
        r#"{{"event_name":"book.verified","status":"COMPLETE","book_pk":1,"book_uuid":"1e03d9cd-7d84-4672-bc3d-c19cd19c500b","severity":"LOW","notification_type":"STATUS","notification_reason":"r","uploaded_docs":[{}]}}"#,
        vec!["{}"; 30_000].join(",")
    );
    let ndjson = run_with_stdin(
        &["validate", "--format=ndjson", "--no-summary", "-"],
        body.as_bytes(),
    );
    let records = ndjson_records(&ndjson);
    assert_eq!(records[0]["errors"].as_array().unwrap().len(), 20);
    assert_eq!(
        records[0]["omitted"],
        serde_json::json!({"errors": 59_980, "warnings": 0})
    );
    assert!(
        ndjson.stdout.len() < 10_000,
        "{} bytes of report",
        ndjson.stdout.len()
    );
    let raised = run_with_stdin(
        &[
            "validate",
            "--format=ndjson",
            "--no-summary",
            "--max-findings",
            "50",
            "-",
        ],
        body.as_bytes(),
    );
    assert_eq!(
        ndjson_records(&raised)[0]["errors"]
            .as_array()
            .unwrap()
            .len(),
        50
    );
    let text = run_with_stdin(&["validate", "--no-summary", "-"], body.as_bytes());
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert!(
        stdout.contains("59980 more errors and 0 more warnings not listed"),
        "{stdout}"
    );
}

#[test]
fn raw_http_framing_is_never_guessed() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("framing");
    std::fs::create_dir_all(&dir).unwrap();
    let body =
        std::fs::read(repo_root().join("tests/fixtures/seeds/account/BOOK_VERIFIED.json")).unwrap();
    let head = "POST /hooks HTTP/1.1\r\nContent-Type: application/json\r\n";
    let write = |name: &str, extra: &str| {
        let path = dir.join(name);
        let mut bytes = format!("{head}{extra}\r\n").into_bytes();
        bytes.extend_from_slice(&body);
        std::fs::write(&path, bytes).unwrap();
        path.to_string_lossy().into_owned()
    };
    for (name, headers) in [
        (
            "conflicting.http",
            format!("Content-Length: {}\r\nContent-Length: 5\r\n", body.len()),
        ),
        (
            "both.http",
            format!(
                "Content-Length: {}\r\nTransfer-Encoding: chunked\r\n",
                body.len()
            ),
        ),
    ] {
        let output = run(&["validate", &write(name, &headers)]);
        assert_eq!(output.status.code(), Some(2), "{}", transcript(&output));
        assert!(
            String::from_utf8_lossy(&output.stderr).contains("ambiguous"),
            "{}",
            transcript(&output)
        );
    }
    // The same length twice is one length.
    let repeated = format!("Content-Length: {0}\r\nContent-Length: {0}\r\n", body.len());
    let output = run(&["validate", &write("repeated.http", &repeated)]);
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
}

#[test]
fn an_unframed_body_keeps_its_final_newline_and_a_bom_in_the_secret_file_is_not_a_secret() {
    // Signed over the body *with* its final newline, captured without Content-Length.
    let vectors = signature_vectors();
    let secret = vectors["secrets"]["current"].as_str().unwrap();
    let now = vectors["now"].as_i64().unwrap();
    let body = "{\"status\":\"VERIFICATION_COMPLETE\",\"uploaded_doc_pk\":0,\"book_pk\":0}\n";
    let signature = hmac_sha256_hex(secret.as_bytes(), format!("{now}.req-nl.{body}").as_bytes());
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("unframed");
    std::fs::create_dir_all(&dir).unwrap();
    let capture = dir.join("unframed.http");
    let request = format!(
        "POST /hooks HTTP/1.1\nContent-Type: application/json\nWebhook-Signature: {signature}\nWebhook-Timestamp: {now}\nWebhook-Request-Id: req-nl\n\n{body}\n"
    );
    // Twice: a body followed by a blank line and another request, and one at the end.
    std::fs::write(&capture, format!("{request}{request}")).unwrap();
    let output = validate_signed(&dir, &format!("\u{feff}{secret}\r\n"), now, &capture);
    let records = ndjson_records(&output);
    assert_eq!(records.len(), 2, "{}", transcript(&output));
    // The first is authentic; the second is the same request id again: the sender's retry,
    // said so with the first attempt named, not refused.
    assert_eq!(records[0]["valid"], true, "{}", transcript(&output));
    assert_eq!(records[1]["valid"], true, "{}", transcript(&output));
    let retry = &records[1]["warnings"][0];
    assert_eq!(retry["code"], "retried_delivery", "{}", transcript(&output));
    let first = records[0]["source"].as_str().unwrap();
    assert!(
        retry["error"]
            .as_str()
            .unwrap()
            .starts_with(&format!("attempt 2 of the delivery at {first} ")),
        "{}",
        transcript(&output)
    );
}

/// `validate --format=ndjson` of `capture` with `secret_file` (written into `dir` as given) and
/// the clock at `now`.
fn validate_signed(dir: &Path, secret_file: &str, now: i64, capture: &Path) -> Output {
    let secrets = dir.join("secrets.txt");
    std::fs::write(&secrets, secret_file).unwrap();
    run(&[
        "validate",
        "--format=ndjson",
        "--no-summary",
        "--secret-file",
        secrets.to_str().unwrap(),
        "--now",
        &now.to_string(),
        capture.to_str().unwrap(),
    ])
}

/// A HAR capture keeps the receiver's answers: the retries of a delivery say which attempt was
/// delivered, and copies after it are named as what a receiver acknowledges.
#[test]
fn a_har_capture_of_retries_says_which_attempt_was_delivered() {
    let secret = "whsec_retries";
    let now = 1_800_000_000_i64;
    let body = r#"{"status":"VERIFICATION_COMPLETE","uploaded_doc_pk":0,"book_pk":0}"#;
    let signature = hmac_sha256_hex(
        secret.as_bytes(),
        format!("{now}.req-har.{body}").as_bytes(),
    );
    let entry = |status: u64| {
        serde_json::json!({
            "request": {"method": "POST", "url": "https://receiver.example/hooks", "headers": [
                {"name": "Content-Type", "value": "application/json"},
                {"name": "Webhook-Signature", "value": signature},
                {"name": "Webhook-Timestamp", "value": now.to_string()},
                {"name": "Webhook-Request-Id", "value": "req-har"}],
                "postData": {"mimeType": "application/json", "text": body}},
            "response": {"status": status}
        })
    };
    let har =
        serde_json::json!({"log": {"entries": [entry(503), entry(503), entry(200), entry(200)]}});
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("har-retries");
    std::fs::create_dir_all(&dir).unwrap();
    let capture = dir.join("retries.har");
    std::fs::write(&capture, har.to_string()).unwrap();
    let output = validate_signed(&dir, secret, now, &capture);
    let records = ndjson_records(&output);
    assert_eq!(records.len(), 4, "{}", transcript(&output));
    let warning = |index: usize| {
        records[index]["warnings"][0]["error"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    let first = records[0]["source"].as_str().unwrap();
    assert!(records[0]["warnings"].as_array().unwrap().is_empty());
    assert_eq!(
        warning(1),
        format!(
            "attempt 2 of the delivery at {first} (same Webhook-Request-Id): a retry; no earlier attempt was delivered (answered 503): a receiver checks this one as a new delivery"
        )
    );
    assert!(warning(2).contains("(answered 503, 503)"), "{}", warning(2));
    let delivered = records[2]["source"].as_str().unwrap();
    assert_eq!(
        warning(3),
        format!(
            "attempt 4 of the delivery at {first} (same Webhook-Request-Id): a retry; attempt 3 ({delivered}) was delivered (answered 200): a receiver acknowledges this copy without forwarding it"
        )
    );
    for record in &records {
        assert_eq!(record["valid"], true, "{}", transcript(&output));
    }
}

/// The shared signature vectors (tests/fixtures/signatures/vectors.json).
fn signature_vectors() -> Value {
    let path = repo_root().join("tests/fixtures/signatures/vectors.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// HMAC-SHA256 in hex, computed in the test (the module checks it with its own copy).
fn hmac_sha256_hex(key: &[u8], message: &[u8]) -> String {
    use hmac::Mac;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key).unwrap();
    mac.update(message);
    hex::encode(mac.finalize().into_bytes())
}

#[test]
fn all_valid_exits_0_and_warnings_do_not_fail() {
    let output = run(&[
        "validate",
        "tests/fixtures/seeds/organization/book.verified.json",
        "tests/fixtures/seeds/account/test-delivery.json",
    ]);
    insta::assert_snapshot!(transcript(&output));
}

#[test]
fn signed_captures_get_the_shared_signature_verdicts() {
    let vectors = signature_vectors();
    let now = vectors["now"].to_string();
    for (label, secrets) in [
        ("current", vec!["current"]),
        ("rotating", vec!["current", "previous"]),
    ] {
        let capture = format!("tests/fixtures/signatures/deliveries.{label}.http");
        let secret_file = format!("tests/fixtures/signatures/secrets.{label}.txt");
        let output = run(&[
            "validate",
            "--format",
            "ndjson",
            "--jobs",
            "2",
            "--secret-file",
            &secret_file,
            "--now",
            &now,
            &capture,
        ]);
        let records = ndjson_records(&output);
        let all_valid = records.iter().all(|record| record["valid"] == true);
        assert_eq!(
            output.status.code(),
            Some(if all_valid { 0 } else { 1 }),
            "{}",
            transcript(&output)
        );
        let cases: Vec<&Value> = vectors["cases"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|case| case["secrets"] == serde_json::json!(secrets))
            .collect();
        assert_eq!(records.len(), cases.len(), "{label}");
        for (record, case) in records.iter().zip(cases) {
            let name = case["name"].as_str().unwrap();
            let first = record["errors"][0]["code"].as_str();
            if case["expected"]["replayed"] == true {
                // A copy of an authentic delivery earlier in the input: a retry, named.
                assert_eq!(record["warnings"][0]["code"], "retried_delivery", "{name}");
                assert!(
                    first.is_none_or(|code| !code.starts_with("signature_")),
                    "{name}"
                );
                continue;
            }
            let expected = case["expected"]["code"].as_str();
            match expected {
                Some(code) => {
                    assert_eq!(record["valid"], false, "{name}");
                    assert_eq!(first, Some(code), "{name}");
                    // The answer a receiver would give, as the gateway gives it.
                    let problem = &record["problem"];
                    assert_eq!(problem["status"], 401, "{name}");
                    assert_eq!(problem["errors"][0]["code"], code, "{name}");
                    assert_eq!(problem["errors"].as_array().unwrap().len(), 1, "{name}");
                }
                // Authentic: only the payload's own verdict remains.
                None => assert!(
                    first.is_none_or(|code| !code.starts_with("signature_")),
                    "{name}"
                ),
            }
        }
        let stdout = String::from_utf8_lossy(&output.stdout);
        for secret in secrets {
            assert!(!stdout.contains(vectors["secrets"][secret].as_str().unwrap()));
        }
    }
}

#[test]
fn without_headers_a_payload_counts_as_unsigned_and_secret_files_are_checked() {
    let output = run(&[
        "validate",
        "--format",
        "ndjson",
        "--secret-file",
        "tests/fixtures/signatures/secrets.current.txt",
        "tests/fixtures/seeds/organization/book.verified.json",
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        ndjson_records(&output)[0]["errors"][0]["code"],
        "signature_missing_header"
    );

    let empty = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(empty.path(), "# nothing but a comment\n").unwrap();
    let output = run(&[
        "validate",
        "--secret-file",
        empty.path().to_str().unwrap(),
        "tests/fixtures/seeds/organization/book.verified.json",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("holds no secret"), "{stderr}");
    assert!(
        stderr.contains("to fix: give --secret-file a text file with one webhook secret per line"),
        "{stderr}"
    );
}

#[test]
fn a_survey_of_a_drifted_capture_finds_what_was_drifted() {
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("tests/fixtures/drift/expected.json")).unwrap(),
    )
    .unwrap();
    for jobs in ["1", "2"] {
        let output = run(&[
            "survey",
            "--format",
            "json",
            "--jobs",
            jobs,
            "tests/fixtures/drift/capture.ndjson",
        ]);
        // A survey is not a verdict: invalid payloads are what it is for.
        assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
        let survey: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(survey["payloads"], expected["payloads"]);
        assert_eq!(survey["unknown_events"], expected["unknown_events"]);
        let unreadable: u64 = survey["unreadable"]
            .as_object()
            .unwrap()
            .values()
            .map(|count| count.as_u64().unwrap())
            .sum();
        assert_eq!(Some(unreadable), expected["unreadable"].as_u64());
        // Values stay out unless revealed.
        assert!(survey.get("unknown_event_names").is_none());
        assert!(!String::from_utf8_lossy(&output.stdout).contains("ARCHIVED"));
        for (name, wanted) in expected["events"].as_object().unwrap() {
            let found = &survey["events"][name];
            assert_eq!(found["deliveries"], wanted["deliveries"], "{name}");
            assert_eq!(found["undeclared"], wanted["undeclared"], "{name}");
            assert_eq!(
                found["missing_required"], wanted["missing_required"],
                "{name}"
            );
            let outside: serde_json::Map<String, Value> = found["outside_enum"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(path, outside)| (path.clone(), outside["deliveries"].clone()))
                .collect();
            assert_eq!(Value::Object(outside), wanted["outside_enum"], "{name}");
            let mismatches: serde_json::Map<String, Value> = found["type_mismatches"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(path, types)| {
                    let count: u64 = types
                        .as_object()
                        .unwrap()
                        .values()
                        .map(|count| count.as_u64().unwrap())
                        .sum();
                    (path.clone(), Value::from(count))
                })
                .collect();
            assert_eq!(
                Value::Object(mismatches),
                wanted["type_mismatches"],
                "{name}"
            );
        }
        // The documented field this capture never carries.
        assert!(
            survey["events"]["book.verified"]["never_seen"]
                .as_array()
                .unwrap()
                .contains(&Value::from("/notification_reason"))
        );
        assert_eq!(survey["schemes"]["organization"], 240);
        assert_eq!(survey["schemes"]["account"], 90);
    }
    let revealed = run(&[
        "survey",
        "--reveal-values",
        "tests/fixtures/drift/capture.ndjson",
    ]);
    let text = String::from_utf8_lossy(&revealed.stdout);
    assert!(text.contains("\"ARCHIVED\" 13"), "{text}");
    assert!(text.contains("\"book.burned\" 7"), "{text}");
}

/// NDJSON records keyed by their line of the drifted capture (1-based), positions made
/// relative to the line's body again (the command line gives them relative to the file).
fn drift_records(output: &Output) -> BTreeMap<usize, Value> {
    let capture = std::fs::read(repo_root().join("tests/fixtures/drift/capture.ndjson")).unwrap();
    let mut line_starts = vec![0];
    line_starts.extend(
        capture
            .iter()
            .enumerate()
            .filter(|(_, byte)| **byte == b'\n')
            .map(|(at, _)| at + 1),
    );
    ndjson_records(output)
        .into_iter()
        .map(|mut record| {
            let object = record.as_object_mut().unwrap();
            let source = object.remove("source").unwrap();
            object.remove("problem");
            let line: usize = source
                .as_str()
                .unwrap()
                .rsplit_once(':')
                .unwrap()
                .1
                .parse()
                .unwrap();
            for findings in ["errors", "warnings"] {
                for finding in object[findings].as_array_mut().unwrap() {
                    let position = &mut finding["position"];
                    if position.is_null() {
                        continue;
                    }
                    let relative = |value: &Value, by: usize| value.as_u64().unwrap() - by as u64;
                    position["line"] = Value::from(relative(&position["line"], line - 1));
                    position["offset"] =
                        Value::from(relative(&position["offset"], line_starts[line - 1]));
                }
            }
            (line, record)
        })
        .collect()
}

/// A survey without signatures only observes (its output holds no verdict); with a secret file
/// it also judges each delivery's signature. Either way every payload is observed once and
/// counted, and the survey is the same.
#[test]
fn a_survey_observes_every_payload_whether_or_not_it_judges_signatures() {
    let capture = "tests/fixtures/drift/capture.ndjson";
    let payloads = std::fs::read_to_string(repo_root().join(capture))
        .unwrap()
        .lines()
        .filter(|line| !line.trim().is_empty())
        .count();
    let dir = tempfile::tempdir().unwrap();
    let secret_file = dir.path().join("secrets");
    std::fs::write(&secret_file, "whsec_survey_0123456789abcdef0123456789\n").unwrap();
    let secret_file = secret_file.to_str().unwrap();
    let unsigned = run(&["--timings", "survey", "--format", "json", capture]);
    let signed = run(&[
        "--timings",
        "survey",
        "--format",
        "json",
        "--secret-file",
        secret_file,
        capture,
    ]);
    for output in [&unsigned, &signed] {
        assert_eq!(output.status.code(), Some(0), "{}", transcript(output));
        let survey: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(survey["payloads"].as_u64(), Some(payloads as u64));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(&format!("timings: checked {payloads} payloads")),
            "{stderr}"
        );
    }
    assert_eq!(unsigned.stdout, signed.stdout);
}

#[test]
fn survey_emit_overlay_writes_the_recorded_overlay_and_says_what_it_left_out() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("emit-overlay");
    std::fs::create_dir_all(&dir).unwrap();
    let emitted = dir.join("drift.overlay.json");
    let output = run(&[
        "survey",
        "--emit-overlay",
        emitted.to_str().unwrap(),
        "tests/fixtures/drift/capture.ndjson",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    let written: Value = serde_json::from_slice(&std::fs::read(&emitted).unwrap()).unwrap();
    let recorded: Value = serde_json::from_slice(
        &std::fs::read(repo_root().join("tests/fixtures/drift/overlay.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(written, recorded);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("3 added fields and 2 enum values"),
        "{stderr}"
    );
    assert!(
        stderr.contains("document.upload_succeeded /doc_uuid: required but missing in 12"),
        "{stderr}"
    );
    // The overlay holds the enum values; the survey shown does not, unless asked.
    assert!(!String::from_utf8_lossy(&output.stdout).contains("ARCHIVED"));

    // Surveyed again with the overlay, only what no overlay accepts is left; emitting again
    // keeps what the overlay had.
    let again = dir.join("again.overlay.json");
    let output = run(&[
        "survey",
        "--format",
        "json",
        "--overlay",
        emitted.to_str().unwrap(),
        "--emit-overlay",
        again.to_str().unwrap(),
        "tests/fixtures/drift/capture.ndjson",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    let survey: Value = serde_json::from_slice(&output.stdout).unwrap();
    for (name, event) in survey["events"].as_object().unwrap() {
        assert_eq!(event["undeclared"], serde_json::json!({}), "{name}");
        assert_eq!(event["outside_enum"], serde_json::json!({}), "{name}");
    }
    let kept: Value = serde_json::from_slice(&std::fs::read(&again).unwrap()).unwrap();
    assert_eq!(kept, recorded);
}

#[test]
fn validate_with_the_overlay_gives_the_recorded_strict_verdicts() {
    let recorded: Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("tests/expected/drift-verdicts.json")).unwrap(),
    )
    .unwrap();
    let lines = recorded["lines"].as_array().unwrap();
    for (overlay, key) in [
        (None, "without_overlay"),
        (Some("tests/fixtures/drift/overlay.json"), "with_overlay"),
    ] {
        let mut args = vec![
            "validate",
            "--format=ndjson",
            "--normalized",
            "--no-summary",
            "--strict",
        ];
        if let Some(overlay) = overlay {
            args.extend(["--overlay", overlay]);
        }
        args.push("tests/fixtures/drift/capture.ndjson");
        let output = run(&args);
        assert_eq!(output.status.code(), Some(1), "{}", transcript(&output));
        let records = drift_records(&output);
        assert_eq!(records.len(), lines.len());
        for (index, line) in lines.iter().enumerate() {
            assert_eq!(records[&(index + 1)], line[key], "line {} {key}", index + 1);
        }
    }
}

#[test]
fn a_refused_overlay_stops_the_run_naming_the_entry() {
    let recorded: BTreeMap<String, Value> = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("tests/expected/overlay-errors.json")).unwrap(),
    )
    .unwrap();
    for (fixture, expected) in &recorded {
        let output = run(&[
            "validate",
            "--overlay",
            fixture,
            "tests/fixtures/drift/capture.ndjson",
        ]);
        assert_eq!(output.status.code(), Some(2), "{fixture}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        let error = expected["error"].as_str().unwrap();
        assert!(
            stderr.contains(&format!("the overlay {fixture} was refused: {error}")),
            "{fixture}: {stderr}"
        );
        assert!(
            stderr.contains("hookguard: to fix: an overlay only adds"),
            "{stderr}"
        );
    }
    let missing = run(&["validate", "--overlay", "no/such/overlay.json", "-"]);
    assert_eq!(missing.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert!(
        stderr.contains("reading the overlay no/such/overlay.json"),
        "{stderr}"
    );
}

#[test]
fn schemas_with_an_overlay_writes_the_effective_schemas() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("effective-schemas");
    let _ = std::fs::remove_dir_all(&dir);
    let output = run(&[
        "schemas",
        "--overlay",
        "tests/fixtures/drift/overlay.json",
        "--out-dir",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    let read = |name: &str| -> Value {
        serde_json::from_slice(&std::fs::read(dir.join(format!("events/{name}.json"))).unwrap())
            .unwrap()
    };
    let published = |name: &str| -> Value {
        serde_json::from_slice(
            &std::fs::read(repo_root().join(format!("schemas/events/{name}.json"))).unwrap(),
        )
        .unwrap()
    };
    let verified = read("book.verified");
    assert_eq!(
        verified["properties"]["book_name"]["type"],
        serde_json::json!(["null", "string"])
    );
    let classified = read("book.classified");
    let item = &classified["properties"]["mixed_uploaded_docs"]["items"];
    assert_eq!(item["properties"]["page_count"]["type"], "number");
    assert!(
        item["properties"]["status"]["enum"]
            .as_array()
            .unwrap()
            .contains(&Value::from("SPLIT"))
    );
    // Requirements and documented types are the published ones; events without additions
    // are unchanged.
    assert_eq!(verified["required"], published("book.verified")["required"]);
    assert_eq!(read("book.completed"), published("book.completed"));
    let one = run(&[
        "schemas",
        "--overlay",
        "tests/fixtures/drift/overlay.json",
        "DOC_VERIFIED",
    ]);
    let doc: Value = serde_json::from_slice(&one.stdout).unwrap();
    assert!(
        doc["properties"]["status"]["enum"]
            .as_array()
            .unwrap()
            .contains(&Value::from("ARCHIVED"))
    );
}
