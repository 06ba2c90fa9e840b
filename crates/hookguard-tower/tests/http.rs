//! The tower layer in an axum app on 127.0.0.1, driven over real HTTP by hyper's client: every
//! fixture's verdict and findings reach the handler or get the exact answer every host gives;
//! the signature vectors; the delivery contract; a streamed body over `max_bytes` refused
//! before its end.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;
use common::{borrowed, json, post as post_json, read, send, vector_headers};
use hookguard::GateConfig;
use hookguard_tower::{Delivery, HookguardLayer};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::Notify;

/// What reached the handler, and how it should answer (per request id).
#[derive(Default)]
struct Service {
    seen: Mutex<Vec<Delivery>>,
    fail: Mutex<HashMap<String, StatusCode>>,
    /// A request id whose handling waits for `release`.
    hold: Mutex<Option<String>>,
    held: Notify,
    release: Notify,
}

async fn handle(service: Arc<Service>, delivery: Delivery) -> (StatusCode, String) {
    let id = delivery.request_id().unwrap_or_default().to_owned();
    if service.hold.lock().unwrap().as_deref() == Some(id.as_str()) {
        service.held.notify_one();
        service.release.notified().await;
    }
    if let Some(status) = service.fail.lock().unwrap().remove(&id) {
        return (status, String::from("the service failed"));
    }
    let name = delivery.event_name().map(str::to_owned);
    service.seen.lock().unwrap().push(delivery);
    (StatusCode::OK, format!("took {}", name.unwrap_or_default()))
}

/// Serves `config` on 127.0.0.1; returns the address and the service behind the layer.
async fn serve(config: &str, now: i64) -> (String, Arc<Service>) {
    let service = Arc::new(Service::default());
    let layer = HookguardLayer::new(GateConfig::from_json(config.as_bytes()).unwrap())
        .unwrap()
        .clock(move || now);
    let state = Arc::clone(&service);
    let app = Router::new()
        .route(
            "/hooks",
            post(move |delivery: Delivery| handle(Arc::clone(&state), delivery)),
        )
        .layer(layer);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (address, service)
}

/// Every fixture with a recorded report.
fn fixtures() -> Vec<(String, Value)> {
    let verdicts = json("tests/expected/verdicts.json");
    verdicts
        .as_object()
        .unwrap()
        .iter()
        .map(|(path, report)| (path.clone(), report.clone()))
        .collect()
}

#[tokio::test]
async fn every_fixture_gets_its_verdict_or_the_exact_answer_of_every_host() {
    let (address, service) = serve(r#"{"normalize": true}"#, 0).await;
    let answers = json("tests/expected/answers.json");
    let mut valid = Vec::new();
    for (path, report) in fixtures() {
        let answer = post_json(&address, "/hooks", &[], &read(&path)).await;
        match answers["bodies"].get(&path) {
            Some(expected) => {
                assert_eq!(answer.status, expected["status"], "{path}");
                assert_eq!(
                    answer.text(),
                    expected["problem"].as_str().unwrap(),
                    "{path}"
                );
                for field in expected["headers"].as_array().unwrap() {
                    assert_eq!(
                        answer.header(field[0].as_str().unwrap()),
                        field[1].as_str(),
                        "{path}"
                    );
                }
            }
            None => {
                assert_eq!(answer.status, 200, "{path}: {}", answer.text());
                valid.push(report);
            }
        }
    }
    // What reached the handler: every valid fixture's report, findings and normalized bytes.
    let seen = service.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), valid.len());
    for (delivery, recorded) in seen.iter().zip(&valid) {
        let report: Value = serde_json::from_str(&delivery.report().to_json()).unwrap();
        assert_eq!(&report, recorded);
        if let Some(event) = delivery.event() {
            let event = event.unwrap();
            assert_eq!(
                serde_json::to_value(&event).unwrap()["event_name"],
                recorded["event_name"]
            );
        }
    }
    // The request line's refusals, with the recorded header fields (Allow on a 405).
    for (method, content_type, recorded) in [
        ("GET", "application/json", "method_not_allowed"),
        ("POST", "text/plain", "unsupported_media_type"),
    ] {
        let answer = send(
            &address,
            method,
            "/hooks",
            &[("content-type", content_type)],
            b"{}",
        )
        .await;
        let expected = &answers["requests"][recorded];
        assert_eq!(answer.status, expected["status"]);
        assert_eq!(answer.text(), expected["problem"].as_str().unwrap());
        for field in expected["headers"].as_array().unwrap() {
            assert_eq!(
                answer.header(field[0].as_str().unwrap()),
                field[1].as_str(),
                "{recorded}"
            );
        }
    }
}

#[tokio::test]
async fn the_signature_vectors_get_their_recorded_verdicts() {
    let vectors = json("tests/fixtures/signatures/vectors.json");
    let now = vectors["now"].as_i64().unwrap();
    // A receiver per set of secrets the vectors name (`current`, or both while rotating).
    let mut receivers = HashMap::new();
    for case in vectors["cases"].as_array().unwrap() {
        let names = case["secrets"].to_string();
        if !receivers.contains_key(&names) {
            let secrets: Vec<&Value> = case["secrets"]
                .as_array()
                .unwrap()
                .iter()
                .map(|name| &vectors["secrets"][name.as_str().unwrap()])
                .collect();
            let config = serde_json::json!({"signature": {"secrets": secrets}});
            receivers.insert(names.clone(), serve(&config.to_string(), now).await.0);
        }
    }
    for case in vectors["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let address = receivers[&case["secrets"].to_string()].clone();
        let fields = vector_headers(case);
        let answer = post_json(
            &address,
            "/hooks",
            &borrowed(&fields),
            case["body"].as_str().unwrap().as_bytes(),
        )
        .await;
        let expected = &case["expected"];
        match expected["code"].as_str() {
            Some(code) => {
                assert_eq!(answer.status, 401, "{name}");
                let problem: Value = serde_json::from_slice(&answer.body).unwrap();
                assert_eq!(problem["errors"][0]["code"], code, "{name}");
            }
            // Authentic: its verdict is the body's (one vector carries an invalid payload), and
            // a copy of a delivered one is acknowledged.
            None if expected["replayed"] == true => {
                assert_eq!(
                    answer.header("x-hookguard-duplicate"),
                    Some("delivered"),
                    "{name}"
                );
            }
            None => assert!(
                answer.status == 200 || answer.status == 400,
                "{name}: {}",
                answer.status
            ),
        }
    }
}

#[tokio::test]
async fn the_delivery_contract_a_failure_is_retried_a_copy_in_flight_comes_back_a_delivered_one_is_acknowledged()
 {
    let vectors = json("tests/fixtures/signatures/vectors.json");
    let signed = vectors["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|case| case["name"] == "signed")
        .unwrap();
    let config = serde_json::json!({"signature": {"secrets": [vectors["secrets"]["current"]]}});
    let (address, service) = serve(&config.to_string(), vectors["now"].as_i64().unwrap()).await;
    let fields = vector_headers(signed);
    let headers = borrowed(&fields);
    let body = signed["body"].as_str().unwrap().as_bytes();
    let id = String::from("req-signed");

    // The service fails: the sender hears it, and its retry is a new delivery.
    service
        .fail
        .lock()
        .unwrap()
        .insert(id.clone(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        post_json(&address, "/hooks", &headers, body).await.status,
        503
    );
    assert!(service.seen.lock().unwrap().is_empty());

    // The retry is held in the handler; a copy meanwhile is told to come back.
    *service.hold.lock().unwrap() = Some(id.clone());
    let first = {
        let (address, fields) = (address.clone(), fields.clone());
        let body = body.to_vec();
        tokio::spawn(async move { post_json(&address, "/hooks", &borrowed(&fields), &body).await })
    };
    service.held.notified().await;
    let in_flight = post_json(&address, "/hooks", &headers, body).await;
    assert_eq!(in_flight.status, 503);
    assert!(in_flight.header("retry-after").is_some());
    assert_eq!(
        serde_json::from_slice::<Value>(&in_flight.body).unwrap()["type"],
        "urn:hookguard:problem:delivery-in-flight"
    );
    *service.hold.lock().unwrap() = None;
    service.release.notify_one();
    assert_eq!(first.await.unwrap().status, 200);

    // Delivered: a copy is acknowledged without reaching the service again.
    let copy = post_json(&address, "/hooks", &headers, body).await;
    assert_eq!(copy.status, 200);
    assert_eq!(copy.header("x-hookguard-duplicate"), Some("delivered"));
    let seen = service.seen.lock().unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].request_id(), Some("req-signed"));
    assert_eq!(seen[0].signature(), Some("verified"));
}

#[tokio::test]
async fn a_streamed_body_over_max_bytes_is_refused_before_its_end() {
    let (address, service) = serve(r#"{"max_bytes": 4096}"#, 0).await;
    let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    // A chunked body whose first chunk is past the limit, and no end: the answer must come
    // without the rest.
    let head = format!(
        "POST /hooks HTTP/1.1\r\nhost: {address}\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream
        .write_all(format!("{:x}\r\n", 8192).as_bytes())
        .await
        .unwrap();
    stream.write_all(&[b' '; 8192]).await.unwrap();
    stream.write_all(b"\r\n").await.unwrap();
    let mut answer = Vec::new();
    let mut buffer = [0u8; 4096];
    let read = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        loop {
            let count = stream.read(&mut buffer).await.unwrap();
            if count == 0 {
                break;
            }
            answer.extend_from_slice(&buffer[..count]);
            if answer.windows(13).any(|window| window == b"body_too_large") {
                break;
            }
        }
    })
    .await;
    assert!(read.is_ok(), "no answer before the body's end");
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 413"), "{text}");
    assert!(
        text.to_ascii_lowercase().contains("connection: close"),
        "{text}"
    );
    assert!(service.seen.lock().unwrap().is_empty());
    // A declared length over the limit is refused from the headers alone.
    let declared = send(
        &address,
        "POST",
        "/hooks",
        &[("content-type", "application/json")],
        &[b' '; 5000],
    )
    .await;
    assert_eq!(declared.status, 413);
}
