//! The layer and its service: one delivery's way from an `http::Request` to the inner service
//! and back, in the order every host keeps (screen, read, admit, hand on, settle).

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use hookguard::gate::quarantine::{Keep, QuarantineStore};
use hookguard::gate::{InProcessMemory, Outcome, Received, Ticket};
use hookguard::signature::{DeliveryHeaders, signature_header};
use hookguard::store::StorePolicy;
use hookguard::{Admission, Answer, Gate, GateConfig, GateError, Report};
use http::header::{CONNECTION, CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use http::{Request, Response};
use http_body::Body;
use http_body_util::{BodyExt, Either, Full, LengthLimitError, Limited};
use tower::{Layer, Service};

use crate::quarantine::DirectoryQuarantine;

use hookguard::store::{SharedMemory, StoreError};

/// The body of the layer's responses: the core's answer, or the inner service's own.
pub type ResponseBody<B> = Either<Full<Bytes>, B>;

/// What the layer found out about a delivery it hands on, in the request's extensions (the
/// axum extractor [`crate::Delivery`] reads it).
#[derive(Debug, Clone)]
pub struct Admitted {
    /// The validation report (with the normalized payload when the gate normalizes).
    pub report: Report,
    /// `verified`, `unsigned` or `replayed` when signatures are checked.
    pub signature: Option<&'static str>,
    /// The authenticated `Webhook-Request-Id`.
    pub request_id: Option<String>,
}

/// Adds hookguard's gate in front of a service. Built from the configuration every host reads
/// ([`GateConfig`]); request ids are remembered in this process unless a
/// [`HookguardLayer::shared_memory`] is given.
#[derive(Clone)]
pub struct HookguardLayer {
    shared: Arc<Shared>,
}

/// What every request through one layer shares.
struct Shared {
    gate: Gate,
    /// The process's memory: every claim without a shared store, and the `process` policy's.
    process: Mutex<InProcessMemory>,
    store: Option<Store>,
    /// Where refused deliveries are kept, when the gate has a quarantine.
    quarantine: Option<Quarantine>,
    counted: Counters,
    clock: Box<dyn Fn() -> i64 + Send + Sync>,
}

/// A quarantine store and how long a keep may take.
struct Quarantine {
    store: Box<dyn QuarantineStore>,
    timeout: Duration,
}

/// What the layer counted of its quarantine, since it was built ([`HookguardLayer::quarantine_counts`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QuarantineCounts {
    /// Refused deliveries kept.
    pub kept: u64,
    /// Retries of kept deliveries (found kept).
    pub already_kept: u64,
    /// Entries removed to make room.
    pub evicted: u64,
    /// Keeps the store could not take (answered as `quarantine.store_down` says).
    pub unavailable: u64,
}

/// The counters behind [`QuarantineCounts`].
#[derive(Default)]
struct Counters {
    kept: AtomicU64,
    already_kept: AtomicU64,
    evicted: AtomicU64,
    unavailable: AtomicU64,
}

/// How long a keep in the directory a configuration names may take.
const DIRECTORY_TIMEOUT: Duration = Duration::from_secs(5);

/// A shared memory and how the layer treats it.
struct Store {
    memory: Box<dyn SharedMemory>,
    timeout: Duration,
    policy: StorePolicy,
}

impl HookguardLayer {
    /// A layer over the gate `config` describes (checked whole: an error names the option).
    /// With `quarantine.directory`, refused deliveries are kept in that directory (opened now:
    /// one that cannot be written is an error here, not at the first refused delivery); give a
    /// fleet's store with [`HookguardLayer::quarantine`].
    pub fn new(config: GateConfig) -> Result<HookguardLayer, GateError> {
        let directory = config
            .quarantine
            .as_ref()
            .and_then(|quarantine| quarantine.directory.clone());
        let gate = Gate::new(config)?;
        let quarantine = match directory {
            Some(path) => Some(Quarantine {
                store: Box::new(DirectoryQuarantine::open(&path).map_err(|error| {
                    GateError::QuarantineStore {
                        message: format!("the directory {path} cannot be used: {}", error.kind()),
                    }
                })?),
                timeout: DIRECTORY_TIMEOUT,
            }),
            None => None,
        };
        Ok(HookguardLayer {
            shared: Arc::new(Shared {
                gate,
                process: Mutex::new(InProcessMemory::default()),
                store: None,
                quarantine,
                counted: Counters::default(),
                clock: Box::new(unix_seconds),
            }),
        })
    }

    /// Keeps refused deliveries the gate's `quarantine` names in `store` (e.g.
    /// [`crate::RedisQuarantine`] for a fleet); a keep that fails or takes longer than
    /// `timeout` is answered as `quarantine.store_down` says, and logged to stderr without
    /// values.
    #[must_use]
    pub fn quarantine(self, store: impl QuarantineStore, timeout: Duration) -> HookguardLayer {
        self.with(|shared| {
            shared.quarantine = Some(Quarantine {
                store: Box::new(store),
                timeout,
            });
        })
    }

    /// Claims request ids in a memory every replica shares (e.g. [`crate::RedisMemory`]); a
    /// call that fails or takes longer than `timeout` is answered by `policy`: `Refuse` (503
    /// `store_unavailable` with `Retry-After`: the sender comes back) or `Process` (this
    /// process's memory). Counted nowhere but logged to stderr, without ids or values.
    #[must_use]
    pub fn shared_memory(
        self,
        memory: impl SharedMemory,
        timeout: Duration,
        policy: StorePolicy,
    ) -> HookguardLayer {
        self.with(|shared| {
            shared.store = Some(Store {
                memory: Box::new(memory),
                timeout,
                policy,
            });
        })
    }

    /// What the quarantine did since the layer was built: entries kept, retries found kept,
    /// entries evicted, keeps that failed.
    pub fn quarantine_counts(&self) -> QuarantineCounts {
        let counted = &self.shared.counted;
        QuarantineCounts {
            kept: counted.kept.load(Ordering::Relaxed),
            already_kept: counted.already_kept.load(Ordering::Relaxed),
            evicted: counted.evicted.load(Ordering::Relaxed),
            unavailable: counted.unavailable.load(Ordering::Relaxed),
        }
    }

    /// The clock signatures are checked against, Unix seconds (for tests).
    #[must_use]
    pub fn clock(self, clock: impl Fn() -> i64 + Send + Sync + 'static) -> HookguardLayer {
        self.with(|shared| shared.clock = Box::new(clock))
    }

    /// How many request ids this process remembers (default 100,000).
    #[must_use]
    pub fn replay_slots(self, slots: usize) -> HookguardLayer {
        self.with(|shared| shared.process = Mutex::new(InProcessMemory::new(slots)))
    }

    /// The gate (for its read limit, its answers).
    pub fn gate(&self) -> &Gate {
        &self.shared.gate
    }

    /// Changes the shared state while the layer is being built (before any clone of it).
    fn with(mut self, change: impl FnOnce(&mut Shared)) -> HookguardLayer {
        match Arc::get_mut(&mut self.shared) {
            Some(shared) => change(shared),
            None => eprintln!("hookguard: a layer already in use was not changed"),
        }
        self
    }
}

fn unix_seconds() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX)
        })
}

impl<S> Layer<S> for HookguardLayer {
    type Service = Hookguard<S>;

    fn layer(&self, inner: S) -> Hookguard<S> {
        Hookguard {
            inner,
            shared: Arc::clone(&self.shared),
        }
    }
}

/// The service [`HookguardLayer`] makes: refusals answered here, valid deliveries handed to
/// `inner` as `Request<Full<Bytes>>` with [`Admitted`] in the extensions.
#[derive(Clone)]
pub struct Hookguard<S> {
    inner: S,
    shared: Arc<Shared>,
}

/// Which memory holds a delivery's claim.
enum Claimed {
    Process(Ticket),
    Store(Ticket),
}

impl<S, B, ResBody> Service<Request<B>> for Hookguard<S>
where
    S: Service<Request<Full<Bytes>>, Response = Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    ResBody: Send + 'static,
{
    type Response = Response<ResponseBody<ResBody>>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, context: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(context)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        // The inner service that was polled ready is the one called (tower's clone-and-swap).
        let ready = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, ready);
        let shared = Arc::clone(&self.shared);
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let header =
                |name: http::HeaderName| parts.headers.get(name).map(HeaderValue::as_bytes);
            let declared = header(CONTENT_LENGTH)
                .and_then(|value| std::str::from_utf8(value).ok())
                .and_then(|value| value.trim().parse::<u64>().ok());
            let gate = &shared.gate;
            if let Some(answer) = gate.screen(
                parts.method.as_str().as_bytes(),
                header(CONTENT_TYPE),
                declared,
            ) {
                // Refused before a byte of the body is read: the rest is never read either.
                return Ok(reply(&answer, gate, true));
            }
            // `Limited` fails on the first chunk past `max_bytes`: nothing after it is read.
            let limit = usize::try_from(gate.max_bytes()).unwrap_or(usize::MAX);
            let bytes = match Limited::new(body, limit).collect().await {
                Ok(collected) => collected.to_bytes(),
                Err(error) if error.is::<LengthLimitError>() => {
                    return Ok(reply(&Answer::too_large(gate.max_bytes()), gate, true));
                }
                // The body broke off: no verdict; the sender retries.
                Err(_) => return Ok(reply(&Answer::not_checked(false), gate, true)),
            };
            let signature_fields: Vec<(&'static str, &[u8])> = parts
                .headers
                .iter()
                .filter_map(|(name, value)| {
                    Some((signature_header(name.as_str())?, value.as_bytes()))
                })
                .collect();
            let headers = DeliveryHeaders::from_pairs(signature_fields.iter().copied());
            let now = (shared.clock)();
            let (mut admission, claimed) = admit(&shared, &headers, &bytes, now).await;
            if !admission.verdict().passes() {
                let received = Received {
                    headers: &headers,
                    content_type: header(CONTENT_TYPE),
                    body: &bytes,
                };
                keep(&shared, &mut admission, &received, now).await;
                return Ok(reply(&admission.answer(), gate, false));
            }
            let signature = admission.authenticity.label();
            let request_id = admission.authenticity.request_id().map(str::to_owned);
            let Some(report) = admission.report.take() else {
                // A passing delivery was validated; were it not, no verdict was reached.
                return Ok(reply(&Answer::not_checked(false), gate, false));
            };
            let admitted = Admitted {
                report,
                signature,
                request_id,
            };
            let mut request = Request::from_parts(parts, Full::new(bytes));
            request.extensions_mut().insert(admitted);
            let answered = inner.call(request).await;
            let outcome = match &answered {
                Ok(response) => Outcome::of_status(response.status().as_u16()),
                Err(_) => Outcome::Failed,
            };
            // Recorded before the response leaves, so that a copy sent after it is acknowledged.
            if let Some(claimed) = claimed {
                settle(&shared, claimed, outcome).await;
            }
            answered.map(|response| response.map(Either::Right))
        })
    }
}

/// The gate's conclusion, its claim in the process or the shared store, and which holds it.
async fn admit(
    shared: &Shared,
    headers: &DeliveryHeaders<'_>,
    body: &[u8],
    now: i64,
) -> (Admission, Option<Claimed>) {
    let gate = &shared.gate;
    let Some(store) = &shared.store else {
        let admission = match shared.process.lock() {
            Ok(mut memory) => {
                let Ok(admission) = gate.admit(headers, body, now, &mut *memory, None);
                admission
            }
            Err(_) => gate.examine(headers, body, now, None),
        };
        let claimed = admission.ticket().cloned().map(Claimed::Process);
        return (admission, claimed);
    };
    let mut admission = gate.examine(headers, body, now, None);
    let (Some(request_id), Some(lifetimes)) = (admission.pending_claim(), gate.lifetimes()) else {
        return (admission, None);
    };
    let claim = tokio::time::timeout(store.timeout, store.memory.claim(request_id, lifetimes))
        .await
        .unwrap_or(Err(StoreError::TimedOut));
    match claim {
        Ok(claim) => {
            admission.conclude(claim);
            let claimed = admission.ticket().cloned().map(Claimed::Store);
            (admission, claimed)
        }
        Err(error) => {
            eprintln!("{}", store.policy.claim_failed_line(&error));
            if let Ok(mut memory) = shared.process.lock() {
                let Ok(()) =
                    gate.store_unreachable(&mut admission, store.policy, now, &mut *memory);
            }
            let claimed = admission.ticket().cloned().map(Claimed::Process);
            (admission, claimed)
        }
    }
}

/// Keeps a refused delivery the gate names for the quarantine: the answer then names the entry;
/// a store that fails (or is too slow) gives `quarantine.store_down`'s answer, logged.
async fn keep(shared: &Shared, admission: &mut Admission, received: &Received<'_>, now: i64) {
    let gate = &shared.gate;
    let Some(policy) = gate.quarantine() else {
        return;
    };
    let Some(entry) = gate.quarantine_entry(admission, received, now) else {
        return;
    };
    let kept = match &shared.quarantine {
        Some(quarantine) => tokio::time::timeout(
            quarantine.timeout,
            quarantine.store.keep(&entry, received.body, policy, now),
        )
        .await
        .unwrap_or(Err(StoreError::TimedOut)),
        // A quarantine with neither a directory nor a store given: nothing may be lost, so the
        // delivery is answered as a store that cannot keep it.
        None => Err(StoreError::Unreachable {
            reason: String::from(
                "no quarantine store: set quarantine.directory or call HookguardLayer::quarantine",
            ),
        }),
    };
    let counted = &shared.counted;
    match kept {
        Ok(keep) => {
            match keep {
                Keep::Kept { evicted } => {
                    counted.kept.fetch_add(1, Ordering::Relaxed);
                    counted.evicted.fetch_add(evicted as u64, Ordering::Relaxed);
                }
                Keep::AlreadyKept => {
                    counted.already_kept.fetch_add(1, Ordering::Relaxed);
                }
            }
            gate.quarantined(admission, &entry.id);
        }
        Err(error) => {
            counted.unavailable.fetch_add(1, Ordering::Relaxed);
            eprintln!(
                "{}",
                hookguard::gate::quarantine::unreachable_line(policy.store_down, &error)
            );
            gate.quarantine_unreachable(admission);
        }
    }
}

/// Ends a claim in the memory that holds it. A store that fails is logged: the claim lapses by
/// itself (copies meanwhile come back later), so nothing is lost.
async fn settle(shared: &Shared, claimed: Claimed, outcome: Outcome) {
    let gate = &shared.gate;
    let now = (shared.clock)();
    match claimed {
        Claimed::Process(ticket) => {
            if let Ok(mut memory) = shared.process.lock() {
                let Ok(()) = gate.settle(&ticket, outcome, now, &mut *memory);
            }
        }
        Claimed::Store(ticket) => {
            let (Some(store), Some(lifetimes)) = (&shared.store, gate.lifetimes()) else {
                return;
            };
            let settled = tokio::time::timeout(
                store.timeout,
                store.memory.settle(&ticket, outcome, lifetimes),
            )
            .await
            .unwrap_or(Err(StoreError::TimedOut));
            if let Err(error) = settled {
                eprintln!("{}", hookguard::store::settle_failed_line(&error));
            }
        }
    }
}

/// The core's answer as a response: its status, its header fields and its bytes, as they are;
/// `connection: close` when the request's body was not read to its end (the connection cannot
/// carry another request after it).
fn reply<B>(answer: &Answer<'_>, gate: &Gate, unread_body: bool) -> Response<ResponseBody<B>> {
    let reply = answer.reply(gate.problem_shape());
    let mut response = Response::new(Either::Left(Full::new(Bytes::from(reply.body))));
    *response.status_mut() =
        http::StatusCode::from_u16(reply.status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    for (name, value) in reply.headers {
        if let (Ok(name), Ok(value)) = (
            http::HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            headers.append(name, value);
        }
    }
    if unread_body {
        headers.insert(CONNECTION, HeaderValue::from_static("close"));
    }
    response
}
