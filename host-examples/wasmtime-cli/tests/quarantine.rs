//! `hookguard quarantine` on a quarantine a host kept (entries written by the core's
//! directory store, as every host writes them), against a real service on 127.0.0.1: list,
//! validate and survey read it, replay delivers what an overlay now accepts exactly once,
//! keeps the rest, and survives a service that fails or is down and an entry that is corrupt.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hmac::{Hmac, Mac};
use hookguard::gate::quarantine::Keep;
use hookguard::gate::quarantine::directory::Directory;
use hookguard::gate::{InProcessMemory, Received};
use hookguard::signature::DeliveryHeaders;
use hookguard::{Gate, GateConfig, Verdict};
use sha2::Sha256;

const SECRET: &str = "whsec_quarantine_cli";
const DRIFTED: &[u8] = br#"{"event_name": "book.verified", "status": "BOOK_PARTIALLY_VERIFIED", "book_pk": 1, "book_uuid": "8ef7a1e1-fc97-42f9-81ea-ef357b333117"}"#;
const BROKEN: &[u8] = br#"{"event_name": "book.verified", "status": "BOOK_COMPLETE", "book_pk": "one", "book_uuid": "8ef7a1e1-fc97-42f9-81ea-ef357b333117"}"#;
const OVERLAY: &str = r#"{"hookguard_overlay": 1, "events": {"book.verified": {"enum_values": {"/status": ["BOOK_PARTIALLY_VERIFIED"]}}}}"#;
const FIRST_SEEN: i64 = 1_800_000_000;

fn hookguard(args: &[&str]) -> Output {
    let cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("wasmtime-cache");
    Command::new(env!("CARGO_BIN_EXE_hookguard"))
        .arg("--cache-dir")
        .arg(cache)
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// `hookguard quarantine replay SOURCE --overlay OVERLAY --to URL`.
fn replay(source: &str, overlay: &str, to: &str) -> Output {
    hookguard(&[
        "quarantine",
        "replay",
        source,
        "--overlay",
        overlay,
        "--to",
        to,
    ])
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A fresh directory under the test target's temporary place.
fn place(name: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&path);
    path
}

/// Delivers `body` signed as `request_id` to a gate with a quarantine in `directory`, as a
/// host does: admit, and keep what the gate names for keeping.
fn deliver(directory: &Directory, request_id: &str, body: &[u8], timestamp: i64) -> Keep {
    let config = format!(r#"{{"signature": {{"secrets": ["{SECRET}"]}}, "quarantine": {{}}}}"#);
    let gate = Gate::new(GateConfig::from_json(config.as_bytes()).unwrap()).unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(format!("{timestamp}.{request_id}.").as_bytes());
    mac.update(body);
    let signature = hex::encode(mac.finalize().into_bytes());
    let timestamp = timestamp.to_string();
    let headers = DeliveryHeaders::from_pairs([
        ("Webhook-Signature", signature.as_bytes()),
        ("Webhook-Timestamp", timestamp.as_bytes()),
        ("Webhook-Request-Id", request_id.as_bytes()),
    ]);
    let now: i64 = timestamp.parse().unwrap();
    let Ok(admission) = gate.admit(&headers, body, now, &mut InProcessMemory::default(), None);
    assert_eq!(admission.verdict(), Verdict::Invalid);
    let received = Received {
        headers: &headers,
        content_type: Some(b"application/json"),
        body,
    };
    let entry = gate.quarantine_entry(&admission, &received, now).unwrap();
    directory
        .keep(&entry, body, gate.quarantine().unwrap(), now)
        .unwrap()
}

/// A request as the service received it: its headers (names lower-cased) and body.
type Request = (Vec<(String, String)>, Vec<u8>);
/// Every request the service received.
type Requests = Arc<Mutex<Vec<Request>>>;

/// A service on 127.0.0.1 answering each request with the next of `statuses` (the last one
/// repeats); it stops with the test process.
fn service(statuses: Vec<u16>) -> (String, Requests) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hooks/ocrolus", listener.local_addr().unwrap());
    let received: Requests = Arc::default();
    let log = Arc::clone(&received);
    std::thread::spawn(move || {
        for (index, stream) in listener.incoming().enumerate() {
            let Ok(stream) = stream else { continue };
            let status = *statuses.get(index).or(statuses.last()).unwrap();
            if let Some(request) = read_request(&stream) {
                log.lock().unwrap().push(request);
            }
            let mut stream = stream;
            let _ = write!(
                stream,
                "HTTP/1.1 {status} Whatever\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
            );
        }
    });
    (url, received)
}

fn read_request(stream: &TcpStream) -> Option<Request> {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut headers = Vec::new();
    loop {
        line.clear();
        reader.read_line(&mut line).ok()?;
        let field = line.trim_end();
        if field.is_empty() {
            break;
        }
        let (name, value) = field.split_once(':')?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let length: usize = headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .and_then(|(_, value)| value.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some((headers, body))
}

/// A quarantine with the drifted delivery (sent three times: identical, identical, re-signed),
/// one that stays broken, and an entry cut short.
fn quarantine(name: &str) -> (PathBuf, PathBuf) {
    let path = place(name);
    let directory = Directory::open(&path).unwrap();
    assert_eq!(
        deliver(&directory, "msg_drift", DRIFTED, FIRST_SEEN),
        Keep::Kept { evicted: 0 }
    );
    assert_eq!(
        deliver(&directory, "msg_drift", DRIFTED, FIRST_SEEN),
        Keep::AlreadyKept
    );
    assert_eq!(
        deliver(&directory, "msg_drift", DRIFTED, FIRST_SEEN + 60),
        Keep::AlreadyKept
    );
    deliver(&directory, "msg_broken", BROKEN, FIRST_SEEN + 120);
    let corrupt = path.join("0123456789abcdef0123456789abcdef.http");
    std::fs::write(
        &corrupt,
        b"POST /hookguard/quarantine HTTP/1.1\r\ncontent-length: 900\r\n",
    )
    .unwrap();
    let overlay = path.with_extension("overlay.json");
    std::fs::write(&overlay, OVERLAY).unwrap();
    (path, overlay)
}

#[test]
fn list_validate_and_survey_read_a_quarantine() {
    let (path, _) = quarantine("quarantine-list");
    let dir = path.to_str().unwrap();
    let listed = hookguard(&["quarantine", "list", dir, "--format", "json"]);
    assert_eq!(
        listed.status.code(),
        Some(2),
        "an unreadable entry is trouble: {}",
        text(&listed.stderr)
    );
    assert!(text(&listed.stderr).contains("0123456789abcdef0123456789abcdef.http"));
    let document: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(document["entries"], 2);
    assert_eq!(document["groups"].as_array().unwrap().len(), 1);
    let group = &document["groups"][0];
    assert_eq!(group["event"], "book.verified");
    assert_eq!(group["code"], "schema_violation");
    assert_eq!(group["entries"], 2);
    assert_eq!(group["oldest"], "2027-01-15T08:00:00Z");
    assert_eq!(group["newest"], "2027-01-15T08:02:00Z");
    // Values only when asked.
    assert!(!text(&listed.stdout).contains("BOOK_PARTIALLY_VERIFIED"));
    let revealed = hookguard(&["quarantine", "list", dir, "--reveal-values"]);
    assert!(
        text(&revealed.stdout).contains("BOOK_PARTIALLY_VERIFIED"),
        "{}",
        text(&revealed.stdout)
    );

    // The entries are captures: validate reads them like any other.
    std::fs::remove_file(path.join("0123456789abcdef0123456789abcdef.http")).unwrap();
    let validated = hookguard(&["validate", dir, "--format", "ndjson"]);
    assert_eq!(
        validated.status.code(),
        Some(1),
        "{}",
        text(&validated.stderr)
    );
    let reports: Vec<serde_json::Value> = text(&validated.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .filter(|report: &serde_json::Value| report.get("valid").is_some())
        .collect();
    assert_eq!(reports.len(), 2, "{}", text(&validated.stdout));
    assert!(reports.iter().all(|report| report["valid"] == false));
    let surveyed = hookguard(&["survey", dir, "--format", "json"]);
    assert_eq!(
        surveyed.status.code(),
        Some(0),
        "{}",
        text(&surveyed.stderr)
    );
    let survey: serde_json::Value = serde_json::from_slice(&surveyed.stdout).unwrap();
    let drift = &survey["events"]["book.verified"];
    assert_eq!(drift["deliveries"], 2);
    assert_eq!(drift["outside_enum"]["/status"]["deliveries"], 1);
    assert_eq!(drift["type_mismatches"]["/book_pk"]["string"], 1);
}

#[test]
fn replay_delivers_once_what_the_overlay_accepts_and_keeps_the_rest() {
    let (path, overlay) = quarantine("quarantine-replay");
    let dir = path.to_str().unwrap();
    let overlay = overlay.to_str().unwrap();
    let entries = || std::fs::read_dir(&path).unwrap().count();
    assert_eq!(entries(), 3);

    // Without the overlay nothing passes, and nothing is sent.
    let (url, received) = service(vec![200]);
    let refused = hookguard(&["quarantine", "replay", dir, "--to", &url]);
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused.stdout));
    assert!(text(&refused.stdout).contains("still refused (schema_violation at /status)"));
    assert!(received.lock().unwrap().is_empty());

    // A dry run says what would go, and sends nothing.
    let dry = hookguard(&[
        "quarantine",
        "replay",
        dir,
        "--overlay",
        overlay,
        "--dry-run",
    ]);
    assert!(
        text(&dry.stdout).contains("1 would be sent"),
        "{}",
        text(&dry.stdout)
    );
    assert_eq!(entries(), 3);

    // The service is down: stopped, nothing removed.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let down = format!("http://{}/", closed.local_addr().unwrap());
    drop(closed);
    let unreachable = replay(dir, overlay, &down);
    assert_eq!(unreachable.status.code(), Some(2));
    assert!(
        text(&unreachable.stderr).contains("could not be reached"),
        "{}",
        text(&unreachable.stderr)
    );
    assert_eq!(entries(), 3);

    // The service fails it: kept.
    let (url, received) = service(vec![503]);
    let failed = replay(dir, overlay, &url);
    assert!(
        text(&failed.stdout).contains("the service answered 503"),
        "{}",
        text(&failed.stdout)
    );
    assert_eq!(received.lock().unwrap().len(), 1);
    assert_eq!(entries(), 3);

    // The service takes it: delivered once, with its original body and request id, removed.
    let (url, received) = service(vec![200]);
    let delivered = replay(dir, overlay, &url);
    assert!(
        text(&delivered.stdout).contains("1 delivered, 1 still refused"),
        "{}",
        text(&delivered.stdout)
    );
    assert!(text(&delivered.stderr).contains("0123456789abcdef0123456789abcdef.http"));
    assert_eq!(
        delivered.status.code(),
        Some(2),
        "the corrupt entry stays trouble"
    );
    {
        let requests = received.lock().unwrap();
        assert_eq!(requests.len(), 1);
        let (headers, body) = &requests[0];
        assert_eq!(body.as_slice(), DRIFTED);
        let header = |name: &str| {
            headers
                .iter()
                .find(|(field, _)| field == name)
                .map(|(_, value)| value.as_str())
        };
        assert_eq!(header("webhook-request-id"), Some("msg_drift"));
        assert_eq!(header("content-type"), Some("application/json"));
        assert_eq!(header("x-hookguard-replay"), Some("quarantine"));
        assert_eq!(
            header("x-hookguard-first-seen"),
            Some(FIRST_SEEN.to_string().as_str())
        );
    }
    assert_eq!(entries(), 2);

    // Run again: nothing more is sent.
    let again = replay(dir, overlay, &url);
    assert!(
        text(&again.stdout).contains("0 delivered, 1 still refused"),
        "{}",
        text(&again.stdout)
    );
    assert_eq!(received.lock().unwrap().len(), 1);
}

#[test]
fn a_missing_quarantine_is_a_clear_error() {
    let missing = place("quarantine-missing");
    let output = hookguard(&["quarantine", "list", missing.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("opening the quarantine"), "{stderr}");
    assert!(stderr.contains("to fix:"), "{stderr}");
}

#[path = "../../../tests/stores/redis_server.rs"]
mod redis_server;

/// Keeps `body` (signed as `request_id` at `at`) in the quarantine in Redis, as a gateway
/// does: the core's entry and its keep command, the script's reply read by the core.
fn keep_in_redis(
    connection: &mut redis::Connection,
    policy: &str,
    request_id: &str,
    body: &[u8],
    at: i64,
) -> Keep {
    use hookguard::gate::quarantine::redis::{
        DEFAULT_QUARANTINE_PREFIX, keep_command, keep_of_reply,
    };
    let config = format!(r#"{{"signature": {{"secrets": ["{SECRET}"]}}, "quarantine": {policy}}}"#);
    let gate = Gate::new(GateConfig::from_json(config.as_bytes()).unwrap()).unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(format!("{at}.{request_id}.").as_bytes());
    mac.update(body);
    let signature = hex::encode(mac.finalize().into_bytes());
    let timestamp = at.to_string();
    let headers = DeliveryHeaders::from_pairs([
        ("Webhook-Signature", signature.as_bytes()),
        ("Webhook-Timestamp", timestamp.as_bytes()),
        ("Webhook-Request-Id", request_id.as_bytes()),
    ]);
    let Ok(admission) = gate.admit(&headers, body, at, &mut InProcessMemory::default(), None);
    let received = Received {
        headers: &headers,
        content_type: Some(b"application/json"),
        body,
    };
    let entry = gate.quarantine_entry(&admission, &received, at).unwrap();
    let mut command = redis::Cmd::new();
    for argument in keep_command(
        DEFAULT_QUARANTINE_PREFIX,
        &entry,
        body,
        gate.quarantine().unwrap(),
        at,
    ) {
        command.arg(argument);
    }
    let (state, evicted): (String, i64) = command.query(connection).unwrap();
    keep_of_reply(&state, evicted).unwrap()
}

#[test]
fn a_quarantine_in_redis_is_bounded_listed_validated_and_replayed_once() {
    let mut server = redis_server::Redis::start();
    let url = server.url();
    let mut connection = redis::Client::open(url.as_str())
        .unwrap()
        .get_connection()
        .unwrap();
    // The keep script: once per request id, whatever the retry; bounded; expired entries go.
    assert_eq!(
        keep_in_redis(&mut connection, "{}", "msg_drift", DRIFTED, FIRST_SEEN),
        Keep::Kept { evicted: 0 }
    );
    assert_eq!(
        keep_in_redis(&mut connection, "{}", "msg_drift", DRIFTED, FIRST_SEEN + 60),
        Keep::AlreadyKept
    );
    assert_eq!(
        keep_in_redis(
            &mut connection,
            "{}",
            "msg_broken",
            BROKEN,
            FIRST_SEEN + 120
        ),
        Keep::Kept { evicted: 0 }
    );
    let bounded = r#"{"max_entries": 2}"#;
    assert_eq!(
        keep_in_redis(
            &mut connection,
            bounded,
            "msg_third",
            BROKEN,
            FIRST_SEEN + 180
        ),
        Keep::Kept { evicted: 1 }
    );
    let entries: Vec<String> = redis::cmd("ZRANGE")
        .arg("hookguard:quarantine:index")
        .arg(0)
        .arg(-1)
        .query(&mut connection)
        .unwrap();
    assert_eq!(entries.len(), 2, "the oldest made room");
    let oldest_gone: Option<Vec<u8>> = redis::cmd("GET")
        .arg(format!(
            "hookguard:quarantine:entry:{}",
            hookguard::gate::quarantine::entry_id(Some(b"msg_drift"), DRIFTED)
        ))
        .query(&mut connection)
        .unwrap();
    assert!(oldest_gone.is_none());
    // A week on, the expired go before the new one is kept.
    let week = 7 * 24 * 3600;
    assert_eq!(
        keep_in_redis(
            &mut connection,
            "{}",
            "msg_late",
            BROKEN,
            FIRST_SEEN + 120 + week
        ),
        Keep::Kept { evicted: 1 }
    );
    // Keep the drifted delivery again (it was evicted) for the replay.
    assert_eq!(
        keep_in_redis(
            &mut connection,
            "{}",
            "msg_drift",
            DRIFTED,
            FIRST_SEEN + 130 + week
        ),
        Keep::Kept { evicted: 0 }
    );

    let listed = hookguard(&["quarantine", "list", &url, "--format", "json"]);
    assert_eq!(listed.status.code(), Some(0), "{}", text(&listed.stderr));
    let document: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(document["entries"], 3);
    assert_eq!(document["source"], url.as_str());

    let validated = hookguard(&["validate", &url, "--format", "ndjson"]);
    assert_eq!(
        validated.status.code(),
        Some(1),
        "{}",
        text(&validated.stderr)
    );
    assert_eq!(
        text(&validated.stdout).matches("\"valid\":false").count(),
        3,
        "{}",
        text(&validated.stdout)
    );
    assert!(text(&validated.stdout).contains("#hookguard:quarantine:entry:"));
    let surveyed = hookguard(&["survey", &url, "--format", "json"]);
    let survey: serde_json::Value = serde_json::from_slice(&surveyed.stdout).unwrap();
    assert_eq!(
        survey["events"]["book.verified"]["outside_enum"]["/status"]["deliveries"],
        1
    );

    let overlay = place("quarantine-redis").with_extension("overlay.json");
    std::fs::write(&overlay, OVERLAY).unwrap();
    let overlay = overlay.to_str().unwrap();
    let (service_url, received) = service(vec![200]);
    let replayed = replay(&url, overlay, &service_url);
    assert!(
        text(&replayed.stdout).contains("1 delivered, 2 still refused"),
        "{}",
        text(&replayed.stdout)
    );
    assert_eq!(received.lock().unwrap().len(), 1);
    assert_eq!(received.lock().unwrap()[0].1.as_slice(), DRIFTED);
    let left: i64 = redis::cmd("ZCARD")
        .arg("hookguard:quarantine:index")
        .query(&mut connection)
        .unwrap();
    assert_eq!(left, 2);
    let again = replay(&url, overlay, &service_url);
    assert!(
        text(&again.stdout).contains("0 delivered, 2 still refused"),
        "{}",
        text(&again.stdout)
    );
    assert_eq!(
        received.lock().unwrap().len(),
        1,
        "a second replay sends nothing"
    );

    // Redis gone: a clear error naming the server.
    server.stop();
    let down = hookguard(&["quarantine", "list", &url]);
    assert_eq!(down.status.code(), Some(2));
    assert!(
        text(&down.stderr).contains("connection refused"),
        "{}",
        text(&down.stderr)
    );
}
