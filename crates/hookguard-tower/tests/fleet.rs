//! Two receivers, two processes (the crate's `receiver` example), one real `redis-server`
//! (Debian's, started on a free port and stopped by the test): concurrent copies reach the
//! service once across the fleet; a delivery the service failed on one replica is retried
//! through the other and handled once; with the store gone, the configured policy answers.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{borrowed, post};
use hmac::{Hmac, Mac};
use sha2::Sha256;

const SECRET: &str = "whsec_fleet_test";

#[path = "../../../tests/stores/redis_server.rs"]
mod redis_server;

use redis_server::{Redis, Running};

/// One replica: the `receiver` example, its address, and the lines it printed.
struct Replica {
    _process: Running,
    address: String,
    lines: Arc<Mutex<Vec<String>>>,
}

fn replica(redis: &Redis, environment: &[(&str, &str)]) -> Replica {
    let receiver = receiver_example();
    let config =
        serde_json::json!({"normalize": true, "signature": {"secrets": [SECRET]}}).to_string();
    let mut command = Command::new(receiver);
    command
        .env("HOOKGUARD_CONFIG", config)
        .env("HOOKGUARD_ADDR", "127.0.0.1:0")
        .env("HOOKGUARD_REDIS", redis.url())
        .stdout(Stdio::piped());
    for (name, value) in environment {
        command.env(name, value);
    }
    let mut child = command
        .spawn()
        .expect("the receiver example, built by cargo test");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    let address = first
        .trim()
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("{first}"))
        .to_owned();
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&lines);
    std::thread::spawn(move || {
        for line in stdout.lines().map_while(Result::ok) {
            sink.lock().unwrap().push(line);
        }
    });
    Replica {
        _process: Running { child },
        address,
        lines,
    }
}

/// The `receiver` example: built by `cargo test` beside this test binary
/// (`target/<profile>/examples/receiver`), or built now when only this test was asked for.
fn receiver_example() -> std::path::PathBuf {
    static BUILT: std::sync::Once = std::sync::Once::new();
    let examples = std::env::current_exe()
        .unwrap()
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("examples");
    let receiver = examples.join("receiver");
    BUILT.call_once(|| {
        if !receiver.exists() {
            let status = Command::new(env!("CARGO"))
                .args([
                    "build",
                    "--quiet",
                    "-p",
                    "hookguard-tower",
                    "--example",
                    "receiver",
                ])
                .status()
                .unwrap();
            assert!(status.success(), "could not build the receiver example");
        }
    });
    receiver
}

/// How often the fleet's service handled `request_id`.
fn handled(replicas: &[&Replica], request_id: &str) -> usize {
    let prefix = format!("handled {request_id} ");
    replicas
        .iter()
        .map(|replica| {
            replica
                .lines
                .lock()
                .unwrap()
                .iter()
                .filter(|line| line.starts_with(&prefix))
                .count()
        })
        .sum()
}

/// A signed delivery, signed now: its header fields and body.
fn signed(request_id: &str) -> (Vec<(String, String)>, Vec<u8>) {
    let body = common::read("tests/fixtures/seeds/organization/book.verified.json");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string();
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(format!("{now}.{request_id}.").as_bytes());
    mac.update(&body);
    let signature = hex::encode(mac.finalize().into_bytes());
    let headers = vec![
        ("webhook-signature".to_owned(), signature),
        ("webhook-timestamp".to_owned(), now),
        ("webhook-request-id".to_owned(), request_id.to_owned()),
    ];
    (headers, body)
}

/// Sends `request_id`'s delivery to `replica` until it is answered 200 (a copy in flight is
/// told to come back), as a sender does; the answers.
async fn deliver(replica: &Replica, request_id: &str) -> Vec<u16> {
    let (headers, body) = signed(request_id);
    let mut statuses = Vec::new();
    for _ in 0..50 {
        let answer = post(
            &replica.address,
            "/webhooks/ocrolus",
            &borrowed(&headers),
            &body,
        )
        .await;
        statuses.push(answer.status);
        if answer.status == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    statuses
}

/// Waits for the replicas' output to settle (their stdout is read by threads).
async fn until_printed(replicas: &[&Replica], request_id: &str, count: usize) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while handled(replicas, request_id) < count && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_copies_across_two_processes_reach_the_service_once() {
    let redis = Redis::start();
    let (first, second) = (replica(&redis, &[]), replica(&redis, &[]));
    let ids: Vec<String> = (0..4)
        .map(|n| format!("req-fleet-{n}-{}", std::process::id()))
        .collect();
    let mut copies = Vec::new();
    for id in &ids {
        for copy in 0..16 {
            let address = if copy % 2 == 0 {
                first.address.clone()
            } else {
                second.address.clone()
            };
            let id = id.clone();
            copies.push(tokio::spawn(async move {
                let (headers, body) = signed(&id);
                post(&address, "/webhooks/ocrolus", &borrowed(&headers), &body)
                    .await
                    .status
            }));
        }
    }
    for copy in copies {
        let status = copy.await.unwrap();
        assert!(status == 200 || status == 503, "{status}");
    }
    for id in &ids {
        // Later copies, after the sender's retries: each acknowledged, none handled again.
        for replica in [&first, &second, &first, &second] {
            assert_eq!(deliver(replica, id).await.last(), Some(&200));
        }
        until_printed(&[&first, &second], id, 1).await;
        assert_eq!(handled(&[&first, &second], id), 1, "{id}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delivery_failed_on_one_replica_is_retried_through_the_other_and_handled_once() {
    let redis = Redis::start();
    let (down, up) = (
        replica(&redis, &[("HOOKGUARD_SERVICE_DOWN", "1")]),
        replica(&redis, &[]),
    );
    let id = format!("req-failover-{}", std::process::id());
    let (headers, body) = signed(&id);
    let failed = post(
        &down.address,
        "/webhooks/ocrolus",
        &borrowed(&headers),
        &body,
    )
    .await;
    assert_eq!(failed.status, 503);
    assert_eq!(deliver(&up, &id).await, vec![200]);
    // Delivered: a copy to the replica whose service is down is acknowledged there.
    let copy = post(
        &down.address,
        "/webhooks/ocrolus",
        &borrowed(&headers),
        &body,
    )
    .await;
    assert_eq!(copy.status, 200);
    assert_eq!(copy.header("x-hookguard-duplicate"), Some("delivered"));
    until_printed(&[&down, &up], &id, 1).await;
    assert_eq!(handled(&[&down, &up], &id), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_store_down_the_configured_policy_answers_in_time() {
    let mut redis = Redis::start();
    let refusing = replica(&redis, &[]);
    let processing = replica(&redis, &[("HOOKGUARD_STORE_POLICY", "process")]);
    redis.stop();
    let id = format!("req-down-{}", std::process::id());
    let (headers, body) = signed(&id);
    let began = Instant::now();
    let refused = post(
        &refusing.address,
        "/webhooks/ocrolus",
        &borrowed(&headers),
        &body,
    )
    .await;
    assert_eq!(refused.status, 503, "{}", refused.text());
    assert_eq!(refused.header("retry-after"), Some("10"));
    let problem: serde_json::Value = serde_json::from_slice(&refused.body).unwrap();
    assert_eq!(problem["type"], "urn:hookguard:problem:store-unavailable");
    assert!(
        began.elapsed() < Duration::from_secs(3),
        "answered in {:?}",
        began.elapsed()
    );
    // The other policy remembers in its own process: handled, and a copy there acknowledged.
    assert_eq!(deliver(&processing, &id).await, vec![200]);
    let copy = post(
        &processing.address,
        "/webhooks/ocrolus",
        &borrowed(&headers),
        &body,
    )
    .await;
    assert_eq!(copy.header("x-hookguard-duplicate"), Some("delivered"));
    until_printed(&[&refusing, &processing], &id, 1).await;
    assert_eq!(handled(&[&refusing, &processing], &id), 1);
}
