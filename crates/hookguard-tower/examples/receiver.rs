//! An axum service receiving Ocrolus webhooks behind hookguard's tower layer: the README's
//! recipe, and the process the fleet tests start twice on one Redis.
//!
//! ```text
//! HOOKGUARD_CONFIG='{"normalize": true, "signature": {"secrets": ["..."]}}' \
//! HOOKGUARD_REDIS=redis://127.0.0.1:6379 cargo run -p hookguard-tower --example receiver
//! ```
//!
//! Environment: `HOOKGUARD_CONFIG` (the gate's configuration, JSON; default every default),
//! `HOOKGUARD_ADDR` (default `127.0.0.1:3000`; port 0 picks one, printed on the first line),
//! `HOOKGUARD_REDIS` (a Redis URL: the memory every replica shares, and with a `quarantine` in
//! the configuration and no `directory`, its quarantine; default this process's),
//! `HOOKGUARD_STORE_POLICY` (`refuse` or `process`, when Redis cannot be asked), and, to play
//! a service that is down, `HOOKGUARD_SERVICE_DOWN=1` (every delivery answered 503). Each
//! delivery handled prints `handled REQUEST_ID EVENT` (ids only: never a payload value).

use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;
use hookguard::GateConfig;
use hookguard::store::StorePolicy;
use hookguard_tower::{Delivery, HookguardLayer, RedisMemory, RedisQuarantine};

type Failure = Box<dyn std::error::Error>;

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let config = std::env::var("HOOKGUARD_CONFIG").unwrap_or_default();
    let config = GateConfig::from_json(config.as_bytes())?;
    let quarantine_in_redis = config
        .quarantine
        .as_ref()
        .is_some_and(|quarantine| quarantine.directory.is_none());
    let mut layer = HookguardLayer::new(config)?;
    if let Ok(url) = std::env::var("HOOKGUARD_REDIS") {
        let policy = std::env::var("HOOKGUARD_STORE_POLICY").unwrap_or_else(|_| "refuse".into());
        let policy =
            StorePolicy::of_label(&policy).ok_or("HOOKGUARD_STORE_POLICY: refuse or process")?;
        let connection = redis::Client::open(url)?.get_connection_manager().await?;
        if quarantine_in_redis {
            layer = layer.quarantine(
                RedisQuarantine::new(connection.clone()),
                Duration::from_secs(2),
            );
        }
        layer = layer.shared_memory(
            RedisMemory::new(connection),
            Duration::from_millis(500),
            policy,
        );
    }
    let service_down = std::env::var_os("HOOKGUARD_SERVICE_DOWN").is_some();
    let app = Router::new()
        .route(
            "/webhooks/ocrolus",
            post(move |delivery: Delivery| handle(delivery, service_down)),
        )
        .layer(layer);
    let address = std::env::var("HOOKGUARD_ADDR").unwrap_or_else(|_| "127.0.0.1:3000".into());
    let listener = tokio::net::TcpListener::bind(address).await?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}

/// The service's work: here, saying what it took. A 2xx settles the delivery delivered (a copy
/// is acknowledged from then on); anything else, failed (the sender's retry goes through).
async fn handle(delivery: Delivery, service_down: bool) -> (StatusCode, String) {
    if service_down {
        return (StatusCode::SERVICE_UNAVAILABLE, String::from("down\n"));
    }
    let event = delivery.event_name().unwrap_or("test-delivery");
    println!("handled {} {event}", delivery.request_id().unwrap_or("-"));
    (StatusCode::OK, format!("took {event}\n"))
}
