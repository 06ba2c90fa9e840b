//! The quarantine through the tower layer, over real HTTP: an authentic drifted delivery is
//! kept once (whatever the retry) in the directory the configuration names, or in Redis (a
//! real redis-server) shared by two layers; the answer names the entry; a directory that
//! cannot be written stops the layer from being built; a quarantine without a store answers
//! as a store that is down, so nothing is lost.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

#[path = "../../../tests/stores/redis_server.rs"]
mod redis_server;

use std::time::Duration;

use axum::Router;
use axum::routing::post;
use common::send;
use hmac::{Hmac, Mac};
use hookguard::GateConfig;
use hookguard_tower::{Delivery, HookguardLayer, RedisQuarantine};
use sha2::Sha256;

const SECRET: &str = "whsec_tower_quarantine";
const NOW: i64 = 1_800_000_000;
const DRIFTED: &[u8] = br#"{"event_name": "book.verified", "status": "BOOK_PARTIALLY_VERIFIED", "book_pk": 1, "book_uuid": "8ef7a1e1-fc97-42f9-81ea-ef357b333117"}"#;

fn config(quarantine: &str) -> GateConfig {
    GateConfig::from_json(
        format!(r#"{{"signature": {{"secrets": ["{SECRET}"]}}, "quarantine": {quarantine}}}"#)
            .as_bytes(),
    )
    .unwrap()
}

async fn serve(layer: HookguardLayer) -> String {
    serve_counted(layer).await.0
}

/// Serves the layer; also hands back a clone of it, whose counts are the served one's.
async fn serve_counted(layer: HookguardLayer) -> (String, HookguardLayer) {
    let layer = layer.clock(|| NOW);
    let counted = layer.clone();
    let app = Router::new()
        .route(
            "/hooks",
            post(|_: Delivery| async {
                // A refused delivery must never get here: the tests' statuses would show 418.
                axum::http::StatusCode::IM_A_TEAPOT
            }),
        )
        .layer(layer);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (address, counted)
}

async fn deliver(address: &str, request_id: &str, timestamp: i64) -> common::Answer {
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(format!("{timestamp}.{request_id}.").as_bytes());
    mac.update(DRIFTED);
    let signature = hex::encode(mac.finalize().into_bytes());
    let timestamp = timestamp.to_string();
    send(
        address,
        "POST",
        "/hooks",
        &[
            ("content-type", "application/json"),
            ("webhook-signature", &signature),
            ("webhook-timestamp", &timestamp),
            ("webhook-request-id", request_id),
        ],
        DRIFTED,
    )
    .await
}

fn place(name: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&path);
    path
}

#[tokio::test]
async fn a_drifted_delivery_is_kept_once_in_the_configured_directory() {
    let directory = place("hookguard-tower-quarantine");
    let layer = HookguardLayer::new(config(&format!(
        r#"{{"directory": "{}"}}"#,
        directory.display()
    )))
    .unwrap();
    let (address, counted) = serve_counted(layer).await;
    let mut answers = Vec::new();
    for timestamp in [NOW, NOW, NOW - 30] {
        answers.push(deliver(&address, "msg_tower", timestamp).await);
    }
    let files: Vec<String> = std::fs::read_dir(&directory)
        .unwrap()
        .map(|item| item.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    for answer in &answers {
        assert_eq!(answer.status, 400);
        assert_eq!(
            format!("{}.http", answer.header("x-hookguard-quarantine").unwrap()),
            files[0]
        );
    }
    let kept = std::fs::read(directory.join(&files[0])).unwrap();
    assert!(kept.ends_with(DRIFTED));
    assert_eq!(
        counted.quarantine_counts(),
        hookguard_tower::QuarantineCounts {
            kept: 1,
            already_kept: 2,
            evicted: 0,
            unavailable: 0
        }
    );
    std::fs::remove_dir_all(&directory).unwrap();

    // A directory that cannot be written: refused when the layer is built.
    let blocker = place("hookguard-tower-blocker");
    std::fs::write(&blocker, b"").unwrap();
    let Err(error) = HookguardLayer::new(config(&format!(
        r#"{{"directory": "{}/quarantine"}}"#,
        blocker.display()
    ))) else {
        panic!("a quarantine under a file was accepted");
    };
    assert!(error.to_string().contains("cannot be used"), "{error}");
    std::fs::remove_file(&blocker).unwrap();

    // A quarantine with no store at all: answered as a store that is down (the sender comes
    // back), never dropped.
    let address = serve(HookguardLayer::new(config("{}")).unwrap()).await;
    let answer = deliver(&address, "msg_nowhere", NOW).await;
    assert_eq!(answer.status, 503);
    assert_eq!(answer.header("retry-after"), Some("10"));
}

#[tokio::test]
async fn two_layers_keep_a_drifted_delivery_once_in_redis() {
    let mut server = redis_server::Redis::start();
    let client = redis::Client::open(server.url()).unwrap();
    let connection = client.get_connection_manager().await.unwrap();
    let mut addresses = Vec::new();
    for _ in 0..2 {
        let layer = HookguardLayer::new(config(r#"{"answer": "accept"}"#))
            .unwrap()
            .quarantine(
                RedisQuarantine::new(connection.clone()),
                Duration::from_millis(500),
            );
        addresses.push(serve(layer).await);
    }
    let first = deliver(&addresses[0], "msg_fleet", NOW).await;
    let copy = deliver(&addresses[1], "msg_fleet", NOW - 10).await;
    assert_eq!((first.status, copy.status), (202, 202), "{}", first.text());
    let entry = first.header("x-hookguard-quarantine").unwrap().to_owned();
    assert_eq!(copy.header("x-hookguard-quarantine"), Some(entry.as_str()));
    let mut direct = connection.clone();
    let held: i64 = redis::cmd("ZCARD")
        .arg("hookguard:quarantine:index")
        .query_async(&mut direct)
        .await
        .unwrap();
    assert_eq!(held, 1);
    let kept: Vec<u8> = redis::cmd("GET")
        .arg(format!("hookguard:quarantine:entry:{entry}"))
        .query_async(&mut direct)
        .await
        .unwrap();
    assert!(kept.ends_with(DRIFTED));

    server.stop();
    let down = deliver(&addresses[0], "msg_down", NOW).await;
    assert_eq!(down.status, 503);
    assert_eq!(down.header("retry-after"), Some("10"));
}
