//! Two axum routes for the tower layer's benchmark (`scripts/just tower-bench`), served by one
//! process on 127.0.0.1 (the address is printed on the first line):
//!
//! - `POST /hookguard`: the layer in front of a handler answering 200 (what this crate gives);
//! - `POST /baseline`: what a Rust team writes without it: the body as `Bytes`, `serde_json` to
//!   a `Value`, the event's runtime validator compiled once from `schemas/events/<name>.json`
//!   by jsonschema-rs, `is_valid`, 200 or 400.
//!
//! With `--in-process CAPTURE`, no socket: each line of the capture goes through both routes
//! with `tower::ServiceExt::oneshot`, one at a time, and the requests/s of each are printed, to
//! tell the routes' own cost from the HTTP stack's.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::routing::post;
use hookguard::GateConfig;
use hookguard_tower::HookguardLayer;
use serde_json::Value;

type Failure = Box<dyn std::error::Error>;

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let validators = Arc::new(runtime_validators()?);
    let baseline = post(move |body: Bytes| {
        let validators = Arc::clone(&validators);
        async move { baseline(&validators, &body) }
    });
    let checked = Router::new()
        .route("/hookguard", post(|| async { (StatusCode::OK, "ok") }))
        .layer(HookguardLayer::new(GateConfig::default())?);
    let app = Router::new().route("/baseline", baseline).merge(checked);
    let mut arguments = std::env::args().skip(1);
    if arguments.next().as_deref() == Some("--in-process") {
        let capture = std::fs::read(arguments.next().ok_or("--in-process CAPTURE")?)?;
        return in_process(app, &capture).await;
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("http://{}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}

/// Every line through each route in process, best of three: requests/s per route.
async fn in_process(app: Router, capture: &[u8]) -> Result<(), Failure> {
    use tower::ServiceExt;
    let lines: Vec<Bytes> = capture
        .split(|&byte| byte == b'\n')
        .filter(|line| !line.is_empty())
        .map(Bytes::copy_from_slice)
        .collect();
    for route in ["/baseline", "/hookguard"] {
        let mut best = f64::INFINITY;
        for _ in 0..3 {
            let started = std::time::Instant::now();
            for line in &lines {
                let request = axum::http::Request::post(route)
                    .header("content-type", "application/json")
                    .body(axum::body::Body::from(line.clone()))?;
                let response = app.clone().oneshot(request).await?;
                std::hint::black_box(response.status());
            }
            best = best.min(started.elapsed().as_secs_f64());
        }
        println!(
            "{route}: {:.0} requests/s in process",
            lines.len() as f64 / best
        );
    }
    Ok(())
}

/// Parse, pick the event's validator, `is_valid`.
fn baseline(
    validators: &HashMap<String, jsonschema::Validator>,
    body: &[u8],
) -> (StatusCode, &'static str) {
    let Ok(payload) = serde_json::from_slice::<Value>(body) else {
        return (StatusCode::BAD_REQUEST, "not JSON");
    };
    let valid = payload
        .get("event_name")
        .and_then(Value::as_str)
        .and_then(|name| validators.get(name))
        .is_some_and(|validator| validator.is_valid(&payload));
    if valid {
        (StatusCode::OK, "ok")
    } else {
        (StatusCode::BAD_REQUEST, "invalid")
    }
}

/// One runtime validator per published event schema, keyed by event name (jsonschema's
/// defaults), as the native throughput benchmark builds them.
fn runtime_validators() -> Result<HashMap<String, jsonschema::Validator>, Failure> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../schemas/events");
    let mut validators = HashMap::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let Some(name) = path.file_stem().and_then(|stem| stem.to_str()) else {
            continue;
        };
        let schema: Value = serde_json::from_str(&std::fs::read_to_string(&path)?)?;
        validators.insert(
            name.to_owned(),
            jsonschema::validator_for(&schema).map_err(|error| error.to_string())?,
        );
    }
    Ok(validators)
}
