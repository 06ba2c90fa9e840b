/*!
hookguard for Rust services: a [`tower`] layer that admits Ocrolus webhook deliveries in front
of any `tower::Service` over `http` (axum routers, hyper services), with the fleet's delivery
memory in Redis.

```no_run
use axum::{Router, routing::post};
use hookguard::GateConfig;
use hookguard_tower::{Delivery, HookguardLayer};

# async fn run() -> Result<(), Box<dyn std::error::Error>> {
let config = GateConfig::from_json(br#"{"normalize": true}"#)?;
let app = Router::new()
    .route("/webhooks/ocrolus", post(|delivery: Delivery| async move {
        // `delivery.event()` is the normalized payload as the core's typed `Event`.
        format!("took {}", delivery.event_name().unwrap_or("a test delivery"))
    }))
    .layer(HookguardLayer::new(config)?);
let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
axum::serve(listener, app).await?;
# Ok(())
# }
```

A key design decision made in this crate is that **it decides nothing**: what is refused and
how (status, header fields, problem bytes), how much of a body to read, what a status means for
the delivery, the shared store's commands and what a store that cannot be asked means are the
core's ([`hookguard::Gate`], [`hookguard::Answer`], [`hookguard::store`]), as in every other
host. The layer moves bytes: it screens the request line, reads at most the gate's read limit
of the body (`http_body_util::Limited`, never the rest of a longer one), admits, answers a
refusal with the core's answer, hands a valid delivery on with the [`Admitted`] facts in the
request's extensions, and settles the delivery by the inner service's status (2xx delivered;
anything else, or an error, failed) before the response leaves, so that a copy sent after it
is acknowledged.
*/

mod layer;
mod quarantine;
#[cfg(feature = "redis")]
mod redis_memory;

pub use hookguard::gate::quarantine::QuarantineStore;
pub use hookguard::store::{SharedMemory, StoreError, StoreFuture};
pub use layer::{Admitted, Hookguard, HookguardLayer, QuarantineCounts, ResponseBody};
pub use quarantine::DirectoryQuarantine;
#[cfg(feature = "redis")]
pub use quarantine::RedisQuarantine;
#[cfg(feature = "redis")]
pub use redis_memory::RedisMemory;

#[cfg(feature = "axum")]
mod extract;
#[cfg(feature = "axum")]
pub use extract::Delivery;
