//! One request's way through the filter: the screen on its headers, buffering, the gate's
//! conclusion on the body, and what the host is told to do. What a delivery is judged by, and
//! what it is answered, is the core's ([`hookguard::Gate`], [`hookguard::Answer`]); this module
//! only decides when to ask and how to act on the answer in Envoy: hold or pass the request,
//! reply locally, mark it for the upstream, count, log.

use std::rc::Rc;

use hookguard::delivery::{Outcome, Ticket};
use hookguard::gate::Authenticity;
use hookguard::signature::{DeliveryHeaders, signature_header};
use hookguard::{Admission, Answer, Verdict};

use crate::config::{FailurePolicy, Gateway, Mode, RoutePolicy};
use crate::host::{Host, HostError, LogLevel};
use crate::metrics::Metric;
use crate::replay::SharedDataMemory;
use crate::store::{StoreCall, StoreError, StorePolicy};

/// Whether the host should let the request go on, or hold it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Let the request (headers, body) continue to the next filter.
    Continue,
    /// Hold it: buffer the body, or stop after a local reply.
    Pause,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// The verdict waits for the whole body (headers held, or passed on when not held).
    AwaitingBody,
    /// The request was let through (verdict reached, or the route is off).
    Passed,
    /// The request was answered locally.
    Answered,
}

/// One request through the filter.
pub struct Exchange {
    gateway: Rc<Gateway>,
    route: Option<Rc<RoutePolicy>>,
    state: State,
    /// Body bytes buffered so far, as the host last reported.
    body_size: usize,
    /// Whether the request came with a `content-length` (to be corrected after normalizing).
    has_content_length: bool,
    /// Whether the headers went upstream before the verdict (`hold_headers: false`): then
    /// they can no longer be marked.
    headers_forwarded: bool,
    /// The `Webhook-Signature`, `Webhook-Timestamp` and `Webhook-Request-Id` fields, every
    /// one as it arrived (a repeat is refused, so none may be dropped), kept from the headers
    /// for the signature check on the complete body.
    signature_headers: Vec<(&'static str, Vec<u8>)>,
    /// The `Content-Type` as received, kept for a quarantine entry.
    content_type: Option<Vec<u8>>,
    /// The claim a forwarded delivery holds on its request id, until the upstream answers, and
    /// the memory that holds it.
    ticket: Option<(Ticket, ClaimedIn)>,
    /// A store call whose answer the request or the response waits for.
    awaiting: Option<Awaiting>,
}

/// How far [`Exchange::admit`] got.
enum Admitted {
    /// Concluded: act on it.
    Now(Box<Admission>),
    /// The shared store was asked to claim the id; its answer resumes the request.
    Asked,
    /// The store could not be asked, and its policy already acted.
    Decided(Flow),
}

/// Which memory holds a claim: the shared store when one is configured and answered, this
/// Envoy's shared data otherwise (no store, or `on_unavailable: process`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ClaimedIn {
    /// This Envoy's shared data ([`SharedDataMemory`]).
    SharedData,
    /// The shared store (Redis through webdis).
    Store,
}

/// What a call to the shared store was for.
enum Awaiting {
    /// A claim: the delivery waits with its admission (held, not forwarded).
    Claim {
        admission: Box<Admission>,
        token: u64,
        call: StoreCall,
    },
    /// A quarantine keep: the refused delivery waits for its answer (which names the entry).
    Keep {
        admission: Box<Admission>,
        entry_id: String,
        call: StoreCall,
    },
}

impl Awaiting {
    /// The call whose answer this waits for.
    fn call(&self) -> &StoreCall {
        match self {
            Awaiting::Claim { call, .. } | Awaiting::Keep { call, .. } => call,
        }
    }

    /// The same, to send it again.
    fn call_mut(&mut self) -> &mut StoreCall {
        match self {
            Awaiting::Claim { call, .. } | Awaiting::Keep { call, .. } => call,
        }
    }
}

/// What the filter acts on: the core's answer, the name it counts the delivery under, and
/// what the upstream is told of its authenticity.
struct Conclusion<'a> {
    answer: Answer<'a>,
    event: Option<&'static str>,
    authenticity: Option<&'a Authenticity>,
}

impl<'a> From<Answer<'a>> for Conclusion<'a> {
    fn from(answer: Answer<'a>) -> Conclusion<'a> {
        Conclusion {
            answer,
            event: None,
            authenticity: None,
        }
    }
}

impl<'a> From<&'a Admission> for Conclusion<'a> {
    fn from(admission: &'a Admission) -> Conclusion<'a> {
        Conclusion {
            answer: admission.answer(),
            event: admission.event_name(),
            authenticity: Some(&admission.authenticity),
        }
    }
}

impl Exchange {
    /// A new request under this configuration.
    pub fn new(gateway: Rc<Gateway>) -> Exchange {
        Exchange {
            gateway,
            route: None,
            state: State::AwaitingBody,
            body_size: 0,
            has_content_length: false,
            headers_forwarded: false,
            signature_headers: Vec::new(),
            content_type: None,
            ticket: None,
            awaiting: None,
        }
    }

    /// The response headers arrived: the upstream's answer, or a local reply (Envoy's own for
    /// a timeout or an unreachable upstream). A claim held is settled by its status, and the
    /// response goes on at once: with the shared store, the settle is sent on behalf of the
    /// VM and recorded about one round trip later (a copy arriving at another gateway in
    /// between finds the delivery still in flight: 503 and `Retry-After`, never forwarded).
    pub fn on_response_headers(&mut self, host: &mut dyn Host) -> Flow {
        if self.ticket.is_none() {
            return Flow::Continue;
        }
        let outcome = match host.response_status() {
            Ok(Some(status)) => Outcome::of_status(status),
            Ok(None) | Err(_) => Outcome::Failed,
        };
        self.settle(host, outcome);
        Flow::Continue
    }

    /// The stream is over. A claim still held never heard an answer (the upstream reset the
    /// request, the sender went away): the delivery is forgotten so a retry goes through.
    pub fn on_done(&mut self, host: &mut dyn Host) {
        self.settle(host, Outcome::Failed);
    }

    /// A call to the shared store answered (or failed: no status). Asks again with the script
    /// when the store did not know its digest; otherwise resumes what waited for it.
    pub fn on_store_answer(&mut self, host: &mut dyn Host, body_size: usize) {
        let Some(mut awaiting) = self.awaiting.take() else {
            return;
        };
        let answer = host.store_answer(body_size);
        if let (Ok((status, body)), Some(store)) = (&answer, &self.gateway.shared_store)
            && let Some(again) = store.again_with_script(awaiting.call(), *status, body)
        {
            if again.first_refusal {
                host.log(LogLevel::Warn, WEBDIS_REFUSES_DIGESTS);
            }
            if host.dispatch_store(store, &again.call.body).is_ok() {
                *awaiting.call_mut() = again.call;
                self.awaiting = Some(awaiting);
                return;
            }
        }
        let flow = match awaiting {
            Awaiting::Claim {
                admission, token, ..
            } => {
                let claim = answer.map_or(Err(StoreError::NoAnswer), |(status, body)| {
                    crate::store::read_claim(status, &body, token)
                });
                match claim {
                    Ok(claim) => {
                        let mut admission = *admission;
                        admission.conclude(claim);
                        self.finish(host, &admission, ClaimedIn::Store)
                    }
                    Err(error) => self.store_failed(host, *admission, error),
                }
            }
            Awaiting::Keep {
                admission,
                entry_id,
                ..
            } => {
                let kept = answer.map_or(Err(StoreError::NoAnswer), |(status, body)| {
                    crate::store::read_keep(status, &body)
                });
                self.kept(host, *admission, &entry_id, kept)
            }
        };
        if flow == Flow::Continue && host.resume_request().is_err() {
            host.log(LogLevel::Warn, "hookguard: could not resume the request");
        }
    }

    /// Ends the claim held, if any, with `outcome`: counted, then recorded in the memory that
    /// holds the claim.
    fn settle(&mut self, host: &mut dyn Host, outcome: Outcome) {
        let Some((ticket, claimed_in)) = self.ticket.take() else {
            return;
        };
        host.count(Metric::Delivery(outcome));
        match claimed_in {
            ClaimedIn::SharedData => self.settle_in_shared_data(host, &ticket, outcome),
            ClaimedIn::Store => self.send_settle(host, &ticket, outcome),
        }
    }

    /// Records a settle in this Envoy's shared data, at once (or, when that fails, leaves the
    /// claim to lapse).
    fn settle_in_shared_data(&self, host: &mut dyn Host, ticket: &Ticket, outcome: Outcome) {
        let gateway = &self.gateway;
        let settled = host.now_unix_s().and_then(|now| {
            let mut memory = SharedDataMemory {
                host: &mut *host,
                slots: gateway.replay_slots,
            };
            gateway.gate.settle(ticket, outcome, now, &mut memory)
        });
        if let Err(error) = settled {
            lapse_warning(host, error.call);
        }
    }

    /// Sends a settle to the shared store on behalf of the VM: nothing waits for it, and the
    /// request ending does not cancel it.
    fn send_settle(&self, host: &mut dyn Host, ticket: &Ticket, outcome: Outcome) {
        let gateway = &self.gateway;
        let (Some(store), Some(lifetimes)) = (&gateway.shared_store, gateway.gate.lifetimes())
        else {
            // A claim is only held in the store when one is configured, with signatures.
            return;
        };
        let call = store.settle_request(ticket, outcome, lifetimes);
        if let Err(error) = host.dispatch_store_detached(store, &call.body) {
            lapse_warning(host, error.call);
        }
    }

    /// The request headers arrived (`end_of_stream`: the request has no body).
    pub fn on_headers(&mut self, host: &mut dyn Host, end_of_stream: bool) -> Flow {
        match self.check_headers(host, end_of_stream) {
            Ok(flow) => flow,
            Err(error) => self.fail(host, error),
        }
    }

    /// A body chunk arrived; `body_size` is the total buffered so far.
    pub fn on_body(&mut self, host: &mut dyn Host, body_size: usize, end_of_stream: bool) -> Flow {
        match self.state {
            State::Passed => return Flow::Continue,
            State::Answered => return Flow::Pause,
            State::AwaitingBody => {}
        }
        self.body_size = body_size;
        let limit = self.gateway.gate.max_bytes();
        if body_size as u64 > limit {
            // Stop buffering now: the verdict cannot change, and memory stays bounded.
            return self.conclude(host, Answer::too_large(limit).into());
        }
        if !end_of_stream {
            return Flow::Pause;
        }
        self.judge_body(host)
    }

    /// Trailers arrived: the body is complete. HTTP/2 requests with trailers never report
    /// `end_of_stream` with the body, so without this they would slip through unchecked.
    pub fn on_trailers(&mut self, host: &mut dyn Host) -> Flow {
        match self.state {
            State::Passed => Flow::Continue,
            State::Answered => Flow::Pause,
            State::AwaitingBody => self.judge_body(host),
        }
    }

    fn check_headers(
        &mut self,
        host: &mut dyn Host,
        end_of_stream: bool,
    ) -> Result<Flow, HostError> {
        let gateway = Rc::clone(&self.gateway);
        let headers = host.request_headers()?;
        let header = |name: &str| headers.get(name);
        // Whatever the route, a sender must not be able to hand the upstream a verdict.
        for name in gateway.upstream_headers.all() {
            if header(name).is_some() {
                host.set_request_header(name, None)?;
            }
        }

        let route = gateway.route(header(":path").unwrap_or_default());
        let mode = route.mode;
        self.route = Some(route);
        if mode == Mode::Off {
            self.state = State::Passed;
            return Ok(Flow::Continue);
        }
        let content_length = header("content-length");
        self.has_content_length = content_length.is_some();
        let declared = content_length
            .and_then(|value| std::str::from_utf8(value).ok())
            .and_then(|value| value.trim().parse::<u64>().ok());
        let method = header(":method").unwrap_or_default();
        if let Some(answer) = gateway
            .gate
            .screen(method, header("content-type"), declared)
        {
            // Refused before a byte of the body is buffered.
            return Ok(self.conclude(host, answer.into()));
        }
        if gateway.gate.quarantine().is_some() {
            self.content_type = header("content-type").map(<[u8]>::to_vec);
        }
        if gateway.gate.checks_signatures() {
            self.signature_headers = headers
                .iter()
                .filter_map(|(name, value)| {
                    let name = signature_header(std::str::from_utf8(name).ok()?)?;
                    Some((name, value.to_vec()))
                })
                .collect();
        }
        if end_of_stream {
            return Ok(self.judge(host, &[]));
        }
        if !gateway.hold_headers {
            // The headers go on now (Istio cannot let a wasm filter hold them while it reads
            // the body); the body is still held until the verdict, so the upstream never gets
            // a complete request that was refused.
            self.headers_forwarded = true;
            return Ok(Flow::Continue);
        }
        // Hold the headers: the upstream must not see the request before the verdict, and the
        // verdict headers can only be added while the headers are still here.
        Ok(Flow::Pause)
    }

    fn judge_body(&mut self, host: &mut dyn Host) -> Flow {
        match host.request_body(self.body_size) {
            Ok(body) => self.judge(host, &body),
            Err(error) => self.fail(host, error),
        }
    }

    fn judge(&mut self, host: &mut dyn Host, body: &[u8]) -> Flow {
        match self.admit(host, body) {
            Ok(Admitted::Now(admission)) => self.finish(host, &admission, ClaimedIn::SharedData),
            // The shared store was asked; its answer resumes the request.
            Ok(Admitted::Asked) => Flow::Pause,
            Ok(Admitted::Decided(flow)) => flow,
            Err(error) => self.fail(host, error),
        }
    }

    /// Acts on a complete admission: the body normalized if so configured, drift noticed, the
    /// claim kept (with the memory that holds it), counted, and the delivery forwarded or
    /// answered.
    fn finish(
        &mut self,
        host: &mut dyn Host,
        admission: &Admission,
        claimed_in: ClaimedIn,
    ) -> Flow {
        if admission.evicted_unexpired {
            host.count(Metric::ReplayEvictedUnexpired);
        }
        if let Some(code) = admission.authenticity.failure_code() {
            host.count(Metric::Signature(code));
        }
        // Held from here: a local reply or the end of the stream releases it if the upstream
        // never answers.
        self.ticket = admission
            .ticket()
            .cloned()
            .map(|ticket| (ticket, claimed_in));
        if admission.verdict() == Verdict::Valid
            && let Err(error) = self.forward_normalized(host, admission)
        {
            return self.fail(host, error);
        }
        self.notice_drift(host, admission);
        self.conclude(host, Conclusion::from(admission))
    }

    /// The gate's conclusion with Envoy's clock; the claim on an authentic valid delivery in
    /// shared data, or sent to the shared store (its answer comes later).
    fn admit(&mut self, host: &mut dyn Host, body: &[u8]) -> Result<Admitted, HostError> {
        let gateway = Rc::clone(&self.gateway);
        let now = if gateway.gate.checks_signatures() {
            host.now_unix_s()?
        } else {
            0
        };
        let headers = DeliveryHeaders::from_pairs(
            self.signature_headers
                .iter()
                .map(|(name, value)| (*name, value.as_slice())),
        );
        let allowed = self.route.as_ref().and_then(|route| route.allowed.as_ref());
        let admission = gateway.gate.examine(&headers, body, now, allowed);
        if let Some(entry) = self.entry_to_keep(&admission, &headers, body, now) {
            return Ok(self.send_keep(host, admission, entry, body, now));
        }
        let (Some(request_id), Some(lifetimes)) =
            (admission.pending_claim(), gateway.gate.lifetimes())
        else {
            return Ok(Admitted::Now(Box::new(admission)));
        };
        let Some(store) = &gateway.shared_store else {
            return self
                .claim_here(host, admission, now)
                .map(|admission| Admitted::Now(Box::new(admission)));
        };
        let token = host.unique_token();
        let call = store.claim_request(request_id, token, lifetimes);
        if host.dispatch_store(store, &call.body).is_err() {
            let flow = self.store_failed(host, admission, StoreError::NotSent);
            return Ok(Admitted::Decided(flow));
        }
        self.awaiting = Some(Awaiting::Claim {
            admission: Box::new(admission),
            token,
            call,
        });
        Ok(Admitted::Asked)
    }

    /// The quarantine entry of a refused delivery to keep: on a route that enforces (in
    /// monitor mode the delivery goes on anyway), with a shared store to keep it in.
    fn entry_to_keep(
        &self,
        admission: &Admission,
        headers: &DeliveryHeaders<'_>,
        body: &[u8],
        now: i64,
    ) -> Option<hookguard::gate::Entry> {
        let gateway = &self.gateway;
        gateway.shared_store.as_ref()?;
        let enforced = self
            .route
            .as_ref()
            .is_none_or(|route| route.mode == Mode::Enforce);
        if !enforced || admission.verdict() != Verdict::Invalid {
            return None;
        }
        let received = hookguard::gate::Received {
            headers,
            content_type: self.content_type.as_deref(),
            body,
        };
        gateway.gate.quarantine_entry(admission, &received, now)
    }

    /// Sends the keep of `entry` to the shared store; the delivery waits for its answer.
    fn send_keep(
        &mut self,
        host: &mut dyn Host,
        admission: Admission,
        entry: hookguard::gate::Entry,
        body: &[u8],
        now: i64,
    ) -> Admitted {
        let gateway = Rc::clone(&self.gateway);
        let (Some(store), Some(policy)) = (&gateway.shared_store, gateway.gate.quarantine()) else {
            return Admitted::Now(Box::new(admission));
        };
        let call = store.keep_request(&entry, body, policy, now);
        if host.dispatch_store(store, &call.body).is_err() {
            let flow = self.kept(host, admission, &entry.id, Err(StoreError::NotSent));
            return Admitted::Decided(flow);
        }
        self.awaiting = Some(Awaiting::Keep {
            admission: Box::new(admission),
            entry_id: entry.id,
            call,
        });
        Admitted::Asked
    }

    /// Acts on the store's answer to a keep: the answer names the entry (or, the store failing,
    /// `quarantine.store_down` answers), counted and logged without values.
    fn kept(
        &mut self,
        host: &mut dyn Host,
        mut admission: Admission,
        entry_id: &str,
        kept: Result<hookguard::gate::quarantine::Keep, StoreError>,
    ) -> Flow {
        use crate::metrics::{
            QUARANTINE_ALREADY_KEPT, QUARANTINE_EVICTED, QUARANTINE_KEPT, QUARANTINE_UNAVAILABLE,
        };
        use hookguard::gate::quarantine::Keep;
        let gateway = Rc::clone(&self.gateway);
        match kept {
            Ok(Keep::Kept { evicted }) => {
                host.count(Metric::Quarantine(QUARANTINE_KEPT));
                for _ in 0..evicted {
                    host.count(Metric::Quarantine(QUARANTINE_EVICTED));
                }
                gateway.gate.quarantined(&mut admission, entry_id);
            }
            Ok(Keep::AlreadyKept) => {
                host.count(Metric::Quarantine(QUARANTINE_ALREADY_KEPT));
                gateway.gate.quarantined(&mut admission, entry_id);
            }
            Err(error) => {
                host.count(Metric::Quarantine(QUARANTINE_UNAVAILABLE));
                let policy = gateway
                    .gate
                    .quarantine()
                    .map_or(StorePolicy::Refuse, |policy| policy.store_down);
                host.log(
                    LogLevel::Warn,
                    &hookguard::gate::quarantine::unreachable_line(policy, &error),
                );
                gateway.gate.quarantine_unreachable(&mut admission);
            }
        }
        self.finish(host, &admission, ClaimedIn::SharedData)
    }

    /// The claim in this Envoy's shared data.
    fn claim_here(
        &mut self,
        host: &mut dyn Host,
        mut admission: Admission,
        now: i64,
    ) -> Result<Admission, HostError> {
        let gateway = Rc::clone(&self.gateway);
        let mut memory = SharedDataMemory {
            host,
            slots: gateway.replay_slots,
        };
        gateway.gate.claim(&mut admission, now, &mut memory)?;
        Ok(admission)
    }

    /// The shared store could not be asked: the core's [`StorePolicy`] refuses (503, come
    /// back) or claims here; counted and logged (never with the id).
    fn store_failed(
        &mut self,
        host: &mut dyn Host,
        mut admission: Admission,
        error: StoreError,
    ) -> Flow {
        host.count(Metric::StoreUnavailable);
        let gateway = Rc::clone(&self.gateway);
        let policy = gateway
            .shared_store
            .as_ref()
            .map_or(StorePolicy::Process, |store| store.on_unavailable);
        host.log(LogLevel::Warn, &policy.claim_failed_line(&error));
        let unreachable = host.now_unix_s().and_then(|now| {
            let mut memory = SharedDataMemory {
                host: &mut *host,
                slots: gateway.replay_slots,
            };
            gateway
                .gate
                .store_unreachable(&mut admission, policy, now, &mut memory)
        });
        match unreachable {
            // Refused: the answer names no event, as a refusal before any claim.
            Ok(()) if admission.verdict() == Verdict::StoreUnavailable => {
                self.conclude(host, Answer::store_unavailable().into())
            }
            Ok(()) => self.finish(host, &admission, ClaimedIn::SharedData),
            Err(error) => self.fail(host, error),
        }
    }

    /// On a monitor route, counts a delivery carrying fields its schema does not declare and
    /// names the fields not named before in this VM's log (bounded: [`crate::drift`]).
    fn notice_drift(&self, host: &mut dyn Host, admission: &Admission) {
        let monitored = self
            .route
            .as_ref()
            .is_some_and(|route| route.mode == Mode::Monitor);
        let (Some(report), Some(name)) = (&admission.report, admission.event_name()) else {
            return;
        };
        if !monitored || !crate::drift::has_unknown_fields(report) {
            return;
        }
        host.count(Metric::UnknownFields { name });
        for line in self.gateway.drift.new_fields(name, report) {
            host.log(LogLevel::Info, &line);
        }
    }

    /// Replaces the body with its normalized bytes, when so configured.
    fn forward_normalized(
        &self,
        host: &mut dyn Host,
        admission: &Admission,
    ) -> Result<(), HostError> {
        if !self.gateway.gate.normalizes() {
            return Ok(());
        }
        let Some(normalized) = admission
            .report
            .as_ref()
            .and_then(hookguard::Report::normalized_bytes)
        else {
            return Err(HostError { call: "normalize" });
        };
        host.replace_request_body(self.body_size, &normalized)?;
        if self.has_content_length {
            // The upstream reads exactly content-length bytes: it must describe the new body.
            host.set_request_header("content-length", Some(&normalized.len().to_string()))?;
        }
        Ok(())
    }

    /// A host call failed: follow the failure policy.
    fn fail(&mut self, host: &mut dyn Host, error: HostError) -> Flow {
        host.log(
            LogLevel::Warn,
            &format!(
                "hookguard: host call {} failed; no verdict reached",
                error.call
            ),
        );
        let fail_open = self.gateway.on_internal_error == FailurePolicy::FailOpen;
        self.conclude(host, Answer::not_checked(fail_open).into())
    }

    /// Counts, logs, and acts on a conclusion according to the route's mode.
    fn conclude(&mut self, host: &mut dyn Host, conclusion: Conclusion<'_>) -> Flow {
        let verdict = conclusion.answer.verdict;
        host.count(Metric::Verdict(verdict));
        if let Some(name) = conclusion.event {
            host.count(Metric::Event {
                name,
                valid: verdict == Verdict::Valid,
            });
        }
        let mode = self
            .route
            .as_ref()
            .map_or(Mode::Enforce, |route| route.mode);
        let enforced = verdict == Verdict::InternalError || mode == Mode::Enforce;
        if !verdict.passes() && enforced {
            host.log(LogLevel::Debug, &summary("rejected", &conclusion));
            return self.answer(host, &conclusion.answer);
        }
        if !verdict.passes() {
            host.count(Metric::MonitorPassed);
            host.log(
                LogLevel::Info,
                &summary("monitor mode let through", &conclusion),
            );
        }
        self.state = State::Passed;
        match self.mark_for_upstream(host, &conclusion) {
            Ok(()) => Flow::Continue,
            // Marking failed after the verdict: a request without its verdict header must not
            // pass as if checked, so the failure policy decides (once: fail() concludes
            // with a verdict that carries no event, and marks or answers).
            Err(error) if verdict != Verdict::InternalError && verdict != Verdict::Unchecked => {
                self.fail(host, error)
            }
            Err(_) => Flow::Continue,
        }
    }

    fn mark_for_upstream(
        &self,
        host: &mut dyn Host,
        conclusion: &Conclusion<'_>,
    ) -> Result<(), HostError> {
        if self.headers_forwarded {
            return Ok(());
        }
        let names = &self.gateway.upstream_headers;
        if let Some(event) = conclusion.event {
            host.set_request_header(&names.event, Some(event))?;
        }
        if let Some(authenticity) = conclusion.authenticity {
            if let Some(label) = authenticity.label() {
                host.set_request_header(&names.signature, Some(label))?;
            }
            if let Some(request_id) = authenticity.request_id() {
                host.set_request_header(&names.request_id, Some(request_id))?;
            }
        }
        let label = conclusion.answer.verdict.label();
        host.set_request_header(&names.verdict, Some(label))
    }

    fn answer(&mut self, host: &mut dyn Host, answer: &Answer<'_>) -> Flow {
        self.state = State::Answered;
        // A delivery answered here never reached the upstream: any claim it took is released.
        self.settle(host, Outcome::Failed);
        let body = answer.problem_json(self.gateway.problem_shape());
        let headers = answer.headers();
        let headers: Vec<(&str, &str)> = headers
            .iter()
            .map(|(name, value)| (*name, value.as_str()))
            .collect();
        if host.respond(answer.status(), &headers, &body).is_err() {
            // Nothing else can be said to the sender; holding the request lets Envoy's own
            // timeouts end it rather than passing an unchecked delivery.
            host.log(LogLevel::Warn, "hookguard: could not send the rejection");
        }
        Flow::Pause
    }
}

/// Said once per VM when webdis' `acl` refuses `EVALSHA`.
const WEBDIS_REFUSES_DIGESTS: &str = "hookguard: webdis refuses EVALSHA (its acl): this VM sends the shared store's scripts whole from now on; allow EVALSHA to spare webdis and Redis the script on every call";

/// Says that a claim could not be settled, and why that loses nothing.
fn lapse_warning(host: &mut dyn Host, call: &str) {
    // The claim lapses by itself after `in_flight_seconds`; until then copies are told to come
    // back, so nothing is lost or forwarded twice.
    host.log(
        LogLevel::Warn,
        &format!("hookguard: host call {call} failed; the delivery's claim lapses by itself"),
    );
}

/// A log line about a conclusion: verdict, event and where the findings are, never values.
fn summary(action: &str, conclusion: &Conclusion<'_>) -> String {
    let answer = &conclusion.answer;
    let mut line = format!("hookguard: {action}: {}", answer.verdict.label());
    if let Some(event) = conclusion.event {
        line.push_str(&format!(" ({event})"));
    }
    for finding in answer.errors.iter().take(5) {
        let location = if finding.instance_location.is_empty() {
            "body"
        } else {
            &finding.instance_location
        };
        line.push_str(&format!("; {} at {location}", finding.code));
    }
    if answer.errors.len() > 5 {
        line.push_str(&format!("; and {} more", answer.errors.len() - 5));
    }
    line
}

#[cfg(test)]
mod tests {

    use super::*;
    use std::collections::BTreeMap;

    use serde_json::Value;

    use crate::host::fake::FakeHost;

    const VERIFIED: &[u8] = br#"{"event_name": "BOOK_VERIFIED", "status": "BOOK_COMPLETE", "book_pk": 11917, "book_uuid": "35ef4501-b93d-4ce2-b766-b670a057c0fb"}"#;
    const NOT_VERIFIED: &[u8] = br#"{"event_name": "BOOK_VERIFIED", "status": "BOOK_COMPLETE", "book_pk": "secret-value", "book_uuid": "35ef4501-b93d-4ce2-b766-b670a057c0fb"}"#;

    fn gateway(config: &str) -> Rc<Gateway> {
        Rc::new(Gateway::from_json(config.as_bytes()).unwrap())
    }

    /// Drives a request through the filter the way Envoy does: headers, the body in chunks of
    /// `chunk` bytes, then trailers if asked. Returns the flow of the last callback.
    /// Drives a request through the filter the way Envoy does: headers, the body in chunks of
    /// `chunk` bytes, then trailers if asked; a request let through is answered by the
    /// upstream with `host.upstream_status` (200 unless set), and the stream ends. Returns the
    /// flow of the last request callback.
    fn send(config: &Rc<Gateway>, host: &mut FakeHost, chunk: usize, trailers: bool) -> Flow {
        let mut exchange = Exchange::new(Rc::clone(config));
        let flow = request(&mut exchange, host, chunk, trailers);
        if flow == Flow::Continue && host.response.is_none() {
            host.upstream_status.get_or_insert(200);
            exchange.on_response_headers(host);
        }
        exchange.on_done(host);
        flow
    }

    /// The request callbacks alone, up to the filter's decision.
    fn request(exchange: &mut Exchange, host: &mut FakeHost, chunk: usize, trailers: bool) -> Flow {
        let body_len = host.body.len();
        let mut flow = exchange.on_headers(host, body_len == 0 && !trailers);
        if flow == Flow::Continue || host.response.is_some() || body_len == 0 && !trailers {
            return flow;
        }
        let mut sent = 0;
        while sent < body_len {
            sent = (sent + chunk).min(body_len);
            flow = exchange.on_body(host, sent, sent == body_len && !trailers);
            if host.response.is_some() || flow == Flow::Continue {
                return flow;
            }
        }
        if trailers {
            exchange.on_trailers(host)
        } else {
            flow
        }
    }

    #[test]
    fn a_valid_delivery_passes_with_its_verdict_headers_and_original_bytes() {
        let config = gateway("");
        let mut host = FakeHost::post("/hooks", "application/json; charset=utf-8", VERIFIED);
        host.headers
            .insert("x-hookguard-verdict".into(), b"forged".to_vec());
        assert_eq!(send(&config, &mut host, 7, false), Flow::Continue);
        assert_eq!(host.response, None);
        assert_eq!(host.body, VERIFIED);
        assert_eq!(host.header("x-hookguard-event"), Some("book.verified"));
        assert_eq!(host.header("x-hookguard-verdict"), Some("valid"));
        assert!(host.counted.contains(&Metric::Verdict(Verdict::Valid)));
        assert!(host.counted.contains(&Metric::Event {
            name: "book.verified",
            valid: true
        }));
    }

    #[test]
    fn an_invalid_delivery_is_answered_with_a_problem_that_quotes_no_value() {
        let config = gateway("");
        let mut host = FakeHost::post("/hooks", "application/json", NOT_VERIFIED);
        assert_eq!(send(&config, &mut host, 1000, false), Flow::Pause);
        let (status, problem) = host.problem();
        assert_eq!(status, 400);
        assert_eq!(problem["errors"][0]["instanceLocation"], "/book_pk");
        assert_eq!(
            problem["errors"][0]["keywordLocation"],
            "/properties/book_pk/type"
        );
        let raw = String::from_utf8(host.response.clone().unwrap().1).unwrap();
        assert!(!raw.contains("secret-value"), "{raw}");
        assert!(host.logs.iter().all(|line| !line.contains("secret-value")));
        assert_eq!(host.header("x-hookguard-verdict"), None);
    }

    #[test]
    fn trailers_end_the_body_too() {
        let config = gateway("");
        let mut host = FakeHost::post("/hooks", "application/json", NOT_VERIFIED);
        host.headers.remove("content-length");
        assert_eq!(send(&config, &mut host, 16, true), Flow::Pause);
        assert_eq!(host.problem().0, 400);

        let mut host = FakeHost::post("/hooks", "application/json", VERIFIED);
        assert_eq!(send(&config, &mut host, 16, true), Flow::Continue);
        assert_eq!(host.header("x-hookguard-verdict"), Some("valid"));
    }

    #[test]
    fn oversized_bodies_are_refused_by_length_or_while_buffering() {
        let config = gateway(r#"{"max_bytes": 64}"#);
        let mut host = FakeHost::post("/hooks", "application/json", VERIFIED);
        assert_eq!(send(&config, &mut host, 1000, false), Flow::Pause);
        let (status, problem) = host.problem();
        assert_eq!(status, 413);
        assert_eq!(problem["errors"][0]["code"], "body_too_large");

        // Chunked: no content-length, so the limit bites on the chunk that crosses it.
        let mut host = FakeHost::post("/hooks", "application/json", VERIFIED);
        host.headers.remove("content-length");
        let mut exchange = Exchange::new(Rc::clone(&config));
        assert_eq!(exchange.on_headers(&mut host, false), Flow::Pause);
        assert_eq!(exchange.on_body(&mut host, 60, false), Flow::Pause);
        assert_eq!(exchange.on_body(&mut host, 70, false), Flow::Pause);
        assert_eq!(host.problem().0, 413);
    }

    #[test]
    fn wrong_method_and_content_type_are_refused_before_the_body() {
        let config = gateway("");
        let mut host = FakeHost::post("/hooks", "text/plain", VERIFIED);
        let mut exchange = Exchange::new(Rc::clone(&config));
        assert_eq!(exchange.on_headers(&mut host, false), Flow::Pause);
        assert_eq!(host.problem().0, 415);
        // Later callbacks keep the request stopped.
        assert_eq!(exchange.on_body(&mut host, 10, true), Flow::Pause);

        for content_type in ["application/cloudevents+json", "Application/JSON"] {
            let mut host = FakeHost::post("/hooks", content_type, VERIFIED);
            assert_eq!(
                send(&config, &mut host, 1000, false),
                Flow::Continue,
                "{content_type}"
            );
        }
        let mut host = FakeHost::post("/hooks", "application/json", VERIFIED);
        host.headers.remove("content-type");
        send(&config, &mut host, 1000, false);
        assert_eq!(host.problem().0, 415);

        let mut host = FakeHost::post("/hooks", "application/json", b"");
        host.headers.insert(":method".into(), b"GET".to_vec());
        send(&config, &mut host, 1000, false);
        assert_eq!(host.problem().0, 405);
        // RFC 9110 requires a 405 to say what is allowed: the core's headers, as they are.
        assert!(
            host.response_headers
                .contains(&(String::from("allow"), String::from("POST"))),
            "{:?}",
            host.response_headers
        );
    }

    #[test]
    fn a_request_without_a_body_gets_the_cores_verdict_on_an_empty_body() {
        let config = gateway("");
        let mut host = FakeHost::post("/hooks", "application/json", b"");
        send(&config, &mut host, 1000, false);
        let (status, problem) = host.problem();
        assert_eq!(status, 400);
        assert_eq!(problem["errors"][0]["code"], "empty_body");
    }

    #[test]
    fn monitor_mode_lets_everything_through_marked_and_counted() {
        let config = gateway(r#"{"mode": "monitor"}"#);
        let mut host = FakeHost::post("/hooks", "application/json", NOT_VERIFIED);
        assert_eq!(send(&config, &mut host, 1000, false), Flow::Continue);
        assert_eq!(host.response, None);
        assert_eq!(host.body, NOT_VERIFIED);
        assert_eq!(host.header("x-hookguard-verdict"), Some("invalid"));
        assert!(host.counted.contains(&Metric::MonitorPassed));
        assert!(host.counted.contains(&Metric::Verdict(Verdict::Invalid)));
        assert!(
            host.logs
                .iter()
                .any(|line| line.contains("schema_violation at /book_pk"))
        );
    }

    #[test]
    fn monitor_mode_counts_unknown_fields_per_event_and_names_each_once() {
        let config = gateway(r#"{"mode": "monitor"}"#);
        let drifted = br#"{"event_name": "BOOK_VERIFIED", "status": "BOOK_COMPLETE", "book_pk": 11917, "book_uuid": "35ef4501-b93d-4ce2-b766-b670a057c0fb", "book_name": "secret-name-value"}"#;
        let mut lines = Vec::new();
        for _ in 0..3 {
            let mut host = FakeHost::post("/hooks", "application/json", drifted);
            assert_eq!(send(&config, &mut host, 1000, false), Flow::Continue);
            assert!(host.counted.contains(&Metric::UnknownFields {
                name: "book.verified"
            }));
            lines.extend(host.logs.into_iter().filter(|line| line.contains("drift")));
        }
        assert_eq!(
            lines,
            [
                "hookguard: drift: book.verified carries fields its schema does not declare: /book_name"
            ]
        );
        assert!(lines.iter().all(|line| !line.contains("secret-name-value")));

        // Enforce routes refuse or pass as before, without this bookkeeping.
        let enforce = gateway("");
        let mut host = FakeHost::post("/hooks", "application/json", drifted);
        send(&enforce, &mut host, 1000, false);
        assert!(
            !host
                .counted
                .iter()
                .any(|metric| matches!(metric, Metric::UnknownFields { .. }))
        );
    }

    #[test]
    fn routes_choose_mode_and_allowed_events() {
        let config = gateway(
            r#"{"allowed_events": ["document.verification_succeeded"], "routes": [
                {"path_prefix": "/books", "allowed_events": ["book.verified"]},
                {"path_prefix": "/health", "mode": "off"}
            ]}"#,
        );
        let mut host = FakeHost::post("/docs", "application/json", VERIFIED);
        send(&config, &mut host, 1000, false);
        let (status, problem) = host.problem();
        assert_eq!(status, 400);
        assert_eq!(problem["type"], "urn:hookguard:problem:event-not-allowed");
        assert_eq!(problem["errors"][0]["instanceLocation"], "/event_name");

        let mut host = FakeHost::post("/books/1", "application/json", VERIFIED);
        assert_eq!(send(&config, &mut host, 1000, false), Flow::Continue);

        let mut host = FakeHost::post("/health", "text/plain", b"anything");
        host.headers
            .insert("x-hookguard-verdict".into(), b"valid".to_vec());
        assert_eq!(send(&config, &mut host, 1000, false), Flow::Continue);
        assert_eq!(
            host.header("x-hookguard-verdict"),
            None,
            "a forged verdict is removed"
        );
        assert!(host.counted.is_empty());
    }

    #[test]
    fn normalize_forwards_the_normalized_bytes_with_their_length() {
        let config = gateway(r#"{"normalize": true}"#);
        let mut host = FakeHost::post("/hooks", "application/json", VERIFIED);
        assert_eq!(send(&config, &mut host, 1000, false), Flow::Continue);
        let expected = Validator::new(hookguard::Options::default())
            .unwrap()
            .normalize(VERIFIED)
            .normalized_bytes()
            .unwrap();
        assert_eq!(host.body, expected);
        assert_eq!(
            host.header("content-length"),
            Some(expected.len().to_string().as_str())
        );
        let forwarded: Value = serde_json::from_slice(&host.body).unwrap();
        assert_eq!(forwarded["event_name"], "book.verified");
    }

    #[test]
    fn a_failing_host_call_follows_the_failure_policy() {
        let closed = gateway("");
        let mut host = FakeHost::post("/hooks", "application/json", VERIFIED);
        host.failing = Some("get_request_body");
        send(&closed, &mut host, 1000, false);
        assert_eq!(host.problem().0, 500);
        assert!(
            host.counted
                .contains(&Metric::Verdict(Verdict::InternalError))
        );

        let open = gateway(r#"{"on_internal_error": "fail_open"}"#);
        let mut host = FakeHost::post("/hooks", "application/json", VERIFIED);
        host.failing = Some("get_request_body");
        assert_eq!(send(&open, &mut host, 1000, false), Flow::Continue);
        assert_eq!(host.header("x-hookguard-verdict"), Some("unchecked"));

        // Even in monitor mode, a delivery whose verdict header cannot be set is not passed
        // as checked.
        let monitor = gateway(r#"{"mode": "monitor"}"#);
        let mut host = FakeHost::post("/hooks", "application/json", VERIFIED);
        let mut exchange = Exchange::new(Rc::clone(&monitor));
        assert_eq!(exchange.on_headers(&mut host, false), Flow::Pause);
        host.failing = Some("set_request_header");
        assert_eq!(
            exchange.on_body(&mut host, VERIFIED.len(), true),
            Flow::Pause
        );
        assert_eq!(host.problem().0, 500);
    }

    use hookguard::Validator;

    #[test]
    fn the_shared_signature_vectors_get_their_verdicts_and_replays_are_caught_across_vms() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/fixtures/signatures/vectors.json"
        );
        let vectors: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        // One shared store, as Envoy gives every VM of the plugin.
        let shared = Rc::new(std::cell::RefCell::new(BTreeMap::new()));
        for secrets in [vec!["current"], vec!["current", "previous"]] {
            let names: Vec<&str> = secrets
                .iter()
                .map(|name| vectors["secrets"][name].as_str().unwrap())
                .collect();
            // Copies of a delivered id are refused 409 here (the vectors' `replayed`); the
            // default, acknowledging them, is held by the delivery contract's test.
            let config = gateway(
                &serde_json::json!({"signature": {"secrets": names, "on_replay": "reject"}})
                    .to_string(),
            );
            for case in vectors["cases"].as_array().unwrap() {
                if case["secrets"] != serde_json::json!(secrets) {
                    continue;
                }
                let name = case["name"].as_str().unwrap();
                let body = case["body"].as_str().unwrap().as_bytes();
                let mut host = FakeHost::post("/hooks", "application/json", body);
                host.now = vectors["now"].as_i64().unwrap();
                host.shared = Rc::clone(&shared);
                for (header, value) in case["headers"].as_object().unwrap() {
                    host.headers.insert(
                        header.to_ascii_lowercase(),
                        value.as_str().unwrap().as_bytes().to_vec(),
                    );
                }
                for field in case["extra_headers"].as_array().into_iter().flatten() {
                    host.repeated_headers.push((
                        field[0].as_str().unwrap().to_ascii_lowercase(),
                        field[1].as_str().unwrap().as_bytes().to_vec(),
                    ));
                }
                send(&config, &mut host, 1000, false);
                let expected = match case["expected"]["code"].as_str() {
                    _ if case["expected"]["replayed"] == true => Some("signature_replayed"),
                    code => code,
                };
                match expected {
                    Some(code) => {
                        let (status, problem) = host.problem();
                        assert_eq!(
                            status,
                            if code == "signature_replayed" {
                                409
                            } else {
                                401
                            },
                            "{name}"
                        );
                        assert_eq!(problem["errors"][0]["code"], code, "{name}");
                        let counted = host
                            .counted
                            .iter()
                            .any(|metric| *metric == Metric::Signature(code_of(code)));
                        assert!(counted, "{name}");
                        let raw = String::from_utf8(host.response.clone().unwrap().1).unwrap();
                        for secret in &names {
                            assert!(!raw.contains(secret), "{name}");
                        }
                    }
                    None if name == "signed-invalid-payload" => {
                        assert_eq!(host.problem().0, 400, "{name}")
                    }
                    None => {
                        assert_eq!(host.response, None, "{name}");
                        assert_eq!(
                            host.header("x-hookguard-signature"),
                            Some("verified"),
                            "{name}"
                        );
                        // The authenticated id goes on, for the receiver to dedupe across
                        // replicas.
                        assert_eq!(
                            host.header("x-hookguard-request-id"),
                            case["headers"]["Webhook-Request-Id"].as_str(),
                            "{name}"
                        );
                    }
                }
            }
        }
    }

    /// The static code the filter counts under, for a code read from the vectors.
    fn code_of(code: &str) -> &'static str {
        crate::metrics::signature_codes()
            .find(|known| *known == code)
            .unwrap()
    }

    #[test]
    fn unsigned_deliveries_pass_when_signatures_are_optional_and_replays_can_be_passed_marked() {
        let optional = gateway(r#"{"signature": {"secrets": ["s3cr3t"], "required": false}}"#);
        let mut host = FakeHost::post("/hooks", "application/json", VERIFIED);
        host.headers
            .insert("x-hookguard-signature".into(), b"verified".to_vec());
        host.headers
            .insert("x-hookguard-request-id".into(), b"forged".to_vec());
        assert_eq!(send(&optional, &mut host, 1000, false), Flow::Continue);
        assert_eq!(host.header("x-hookguard-signature"), Some("unsigned"));
        // Only an authenticated id is forwarded; a sender's own header of that name is dropped.
        assert_eq!(host.header("x-hookguard-request-id"), None);

        // A signed but wrong delivery is still refused.
        let mut host = FakeHost::post("/hooks", "application/json", VERIFIED);
        host.headers
            .insert("webhook-signature".into(), vec![b'0'; 64]);
        host.headers
            .insert("webhook-timestamp".into(), b"100".to_vec());
        host.headers
            .insert("webhook-request-id".into(), b"r1".to_vec());
        host.now = 100;
        send(&optional, &mut host, 1000, false);
        assert_eq!(host.problem().0, 401);
    }

    /// A signed delivery of `VERIFIED` with this request id, timestamp and clock.
    fn signed(request_id: &str, timestamp: i64, now: i64) -> FakeHost {
        use hmac::{Hmac, Mac};
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(b"whsec_contract").unwrap();
        mac.update(format!("{timestamp}.{request_id}.").as_bytes());
        mac.update(VERIFIED);
        let mut host = FakeHost::post("/hooks", "application/json", VERIFIED);
        for (name, value) in [
            (
                "webhook-signature",
                hex::encode(mac.finalize().into_bytes()),
            ),
            ("webhook-timestamp", timestamp.to_string()),
            ("webhook-request-id", request_id.to_owned()),
        ] {
            host.headers.insert(name.into(), value.into_bytes());
        }
        host.now = now;
        host
    }

    #[test]
    fn the_delivery_contract_holds_across_vms_retries_duplicates_and_resets() {
        let config = gateway(r#"{"signature": {"secrets": ["whsec_contract"]}}"#);
        let shared = crate::host::fake::SharedData::default();
        let on_shared = |mut host: FakeHost| {
            host.shared = Rc::clone(&shared);
            host
        };
        // The upstream fails twice (503, then a timeout Envoy answers 504): each retry, the
        // identical request or one signed again, is forwarded, since none was delivered.
        for (attempt, (timestamp, status)) in [(1000, 503), (1000, 504)].into_iter().enumerate() {
            let mut host = on_shared(signed("req-c", timestamp, 1000 + attempt as i64));
            host.upstream_status = Some(status);
            assert_eq!(send(&config, &mut host, 1000, false), Flow::Continue);
            assert!(host.counted.contains(&Metric::Delivery(Outcome::Failed)));
        }
        // Reset before any answer: forgotten at the end of the stream.
        let mut host = on_shared(signed("req-c", 1010, 1010));
        let mut exchange = Exchange::new(Rc::clone(&config));
        assert_eq!(
            request(&mut exchange, &mut host, 1000, false),
            Flow::Continue
        );
        exchange.on_done(&mut host);
        // Then delivered.
        let mut host = on_shared(signed("req-c", 1020, 1020));
        assert_eq!(send(&config, &mut host, 1000, false), Flow::Continue);
        assert!(host.counted.contains(&Metric::Delivery(Outcome::Delivered)));
        // A copy now is acknowledged, not forwarded: 200, marked, counted.
        let mut host = on_shared(signed("req-c", 1020, 1030));
        assert_eq!(send(&config, &mut host, 1000, false), Flow::Pause);
        let (status, body) = host.response.clone().unwrap();
        assert_eq!(status, 200);
        let document: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(document["type"], "urn:hookguard:problem:duplicate-delivery");
        assert!(
            host.response_headers
                .contains(&("x-hookguard-duplicate".to_owned(), "delivered".to_owned()))
        );
        assert!(
            host.response_headers
                .contains(&("content-type".to_owned(), "application/json".to_owned()))
        );
        assert!(host.counted.contains(&Metric::Verdict(Verdict::Duplicate)));

        // A copy arriving while another is in flight is told to come back.
        let mut first = on_shared(signed("req-d", 2000, 2000));
        let mut in_flight = Exchange::new(Rc::clone(&config));
        assert_eq!(
            request(&mut in_flight, &mut first, 1000, false),
            Flow::Continue
        );
        let mut copy = on_shared(signed("req-d", 2000, 2001));
        assert_eq!(send(&config, &mut copy, 1000, false), Flow::Pause);
        assert_eq!(copy.response.as_ref().unwrap().0, 503);
        assert!(
            copy.response_headers
                .contains(&("retry-after".to_owned(), "10".to_owned()))
        );
        first.upstream_status = Some(201);
        in_flight.on_response_headers(&mut first);
        in_flight.on_done(&mut first);
        let mut late = on_shared(signed("req-d", 2000, 2002));
        send(&config, &mut late, 1000, false);
        assert_eq!(
            late.response.as_ref().unwrap().0,
            200,
            "delivered by the 201"
        );
    }

    #[test]
    fn a_claimed_delivery_answered_locally_is_released() {
        // Normalizing fails after the claim: the 500 the sender gets must not leave the id
        // held, or its retry would be told to come back until the claim lapses.
        let config =
            gateway(r#"{"normalize": true, "signature": {"secrets": ["whsec_contract"]}}"#);
        let shared = crate::host::fake::SharedData::default();
        let mut host = signed("req-e", 3000, 3000);
        host.shared = Rc::clone(&shared);
        host.failing = Some("set_request_body");
        send(&config, &mut host, 1000, false);
        assert_eq!(host.problem().0, 500);
        let mut retry = signed("req-e", 3000, 3001);
        retry.shared = Rc::clone(&shared);
        assert_eq!(send(&config, &mut retry, 1000, false), Flow::Continue);
        assert_eq!(retry.response, None);
    }

    /// The webdis answer to a claim in `state`.
    fn store_says(state: &str) -> Option<(Option<u16>, Vec<u8>)> {
        Some((
            Some(200),
            format!(r#"{{"EVAL":["{state}",1500]}}"#).into_bytes(),
        ))
    }

    #[test]
    fn with_a_shared_store_the_claim_waits_for_its_answer_and_the_settle_for_nothing() {
        let config = gateway(
            r#"{"signature": {"secrets": ["whsec_contract"]}, "shared_store": {"cluster": "webdis"}}"#,
        );
        let mut host = signed("req-s", 4000, 4000);
        let mut exchange = Exchange::new(Rc::clone(&config));
        // Held while the store is asked, the claim's script named by its digest.
        assert_eq!(request(&mut exchange, &mut host, 1000, false), Flow::Pause);
        assert_eq!(host.store_calls.len(), 1);
        let claim = String::from_utf8(host.store_calls[0].clone()).unwrap();
        assert!(
            claim.starts_with(&format!(
                "EVALSHA/{}/1/",
                hookguard::store::CLAIM_SCRIPT_SHA1
            )),
            "{claim}"
        );
        assert!(
            claim.ends_with("/hookguard%3Adelivery%3Areq-s/1/60000"),
            "{claim}"
        );
        assert_eq!(host.header("x-hookguard-verdict"), None);
        // Taken: marked and resumed.
        host.store_reply = Some((Some(200), br#"{"EVALSHA":["taken",0]}"#.to_vec()));
        exchange.on_store_answer(&mut host, 100);
        assert_eq!(host.resumed, 1);
        assert_eq!(host.header("x-hookguard-verdict"), Some("valid"));
        assert_eq!(host.header("x-hookguard-request-id"), Some("req-s"));
        // The upstream's 2xx goes on to the sender at once; its settle is sent on behalf of
        // the VM (the request ending cannot cancel it), with its script: no one will be there
        // to send it again.
        host.upstream_status = Some(200);
        assert_eq!(exchange.on_response_headers(&mut host), Flow::Continue);
        let settle = String::from_utf8(host.store_calls[1].clone()).unwrap();
        assert!(settle.starts_with("EVAL/"), "{settle}");
        assert!(settle.ends_with("/delivered/600000"), "{settle}");
        assert_eq!(host.detached_calls, 1);
        exchange.on_done(&mut host);
        assert_eq!(host.store_calls.len(), 2, "settled once");
        assert!(host.counted.contains(&Metric::Delivery(Outcome::Delivered)));

        // A copy another gateway delivered: acknowledged here, not forwarded.
        for (state, status) in [("delivered", 200), ("in_flight", 503)] {
            let mut copy = signed("req-s", 4000, 4001);
            let mut exchange = Exchange::new(Rc::clone(&config));
            assert_eq!(request(&mut exchange, &mut copy, 1000, false), Flow::Pause);
            copy.store_reply = store_says(state);
            exchange.on_store_answer(&mut copy, 100);
            assert_eq!(copy.response.as_ref().unwrap().0, status, "{state}");
            assert_eq!(copy.resumed, 0, "{state}");
            assert!(copy.store_calls.len() == 1, "nothing to settle: {state}");
        }
    }

    #[test]
    fn a_store_that_does_not_know_a_digest_is_sent_the_script_and_webdis_refusing_evalsha_once_is_enough()
     {
        let config = gateway(
            r#"{"signature": {"secrets": ["whsec_contract"]}, "shared_store": {"cluster": "webdis"}}"#,
        );
        let script_then_taken = |request_id: &str, first_answer: (Option<u16>, &[u8])| {
            let mut host = signed(request_id, 4000, 4000);
            let mut exchange = Exchange::new(Rc::clone(&config));
            assert_eq!(request(&mut exchange, &mut host, 1000, false), Flow::Pause);
            host.store_reply = Some((first_answer.0, first_answer.1.to_vec()));
            exchange.on_store_answer(&mut host, 200);
            host.store_reply = Some((Some(200), br#"{"EVAL":["taken",0]}"#.to_vec()));
            exchange.on_store_answer(&mut host, 100);
            host
        };
        // Redis restarted (its script cache empty): the same claim again, script and all.
        let host = script_then_taken(
            "req-n",
            (
                Some(200),
                br#"{"EVALSHA":[false,"NOSCRIPT No matching script. Please use EVAL."]}"#,
            ),
        );
        let [by_digest, by_text] = &host.store_calls[..] else {
            panic!("{:?}", host.store_calls.len())
        };
        let (by_digest, by_text) = (
            String::from_utf8_lossy(by_digest),
            String::from_utf8_lossy(by_text),
        );
        assert!(by_digest.starts_with("EVALSHA/"), "{by_digest}");
        assert!(by_text.starts_with("EVAL/%0Alocal%20held"), "{by_text}");
        let tail = |call: &str| call.split_once("/1/").map(|(_, tail)| tail.to_owned());
        assert_eq!(tail(&by_digest), tail(&by_text), "the same arguments");
        assert_eq!(host.resumed, 1);
        assert_eq!(host.header("x-hookguard-verdict"), Some("valid"));
        assert!(host.logs.is_empty(), "{:?}", host.logs);
        // A later claim names the digest again.
        let host = script_then_taken("req-n2", (Some(200), br#"{"EVALSHA":["taken",0]}"#));
        assert!(host.store_calls[0].starts_with(b"EVALSHA/"));

        // webdis' acl allows EVAL only (the setup this project documented before): said once,
        // then every call of this VM carries its script.
        let host = script_then_taken("req-r", (Some(403), b""));
        assert!(host.store_calls[1].starts_with(b"EVAL/"));
        assert_eq!(host.header("x-hookguard-verdict"), Some("valid"));
        assert!(
            host.logs
                .iter()
                .any(|line| line.contains("refuses EVALSHA")),
            "{:?}",
            host.logs
        );
        let mut later = signed("req-r2", 4000, 4000);
        let mut exchange = Exchange::new(Rc::clone(&config));
        request(&mut exchange, &mut later, 1000, false);
        assert!(later.store_calls[0].starts_with(b"EVAL/"));
        later.store_reply = Some((Some(403), Vec::new()));
        exchange.on_store_answer(&mut later, 0);
        assert_eq!(
            later.store_calls.len(),
            1,
            "a call with its script is not sent again"
        );
        assert_eq!(
            later.problem().0,
            503,
            "webdis refusing EVAL too: the store is unavailable"
        );
        assert!(
            !later
                .logs
                .iter()
                .any(|line| line.contains("refuses EVALSHA"))
        );
    }

    /// A drifted delivery, signed for `request_id` at `now`.
    fn drifted(request_id: &str, now: i64) -> FakeHost {
        use hmac::{Hmac, Mac};
        const DRIFTED: &[u8] = br#"{"event_name": "book.verified", "status": "BOOK_PARTIALLY_VERIFIED", "book_pk": 1, "book_uuid": "8ef7a1e1-fc97-42f9-81ea-ef357b333117"}"#;
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(b"whsec_contract").unwrap();
        mac.update(format!("{now}.{request_id}.").as_bytes());
        mac.update(DRIFTED);
        let mut host = FakeHost::post("/hooks", "application/json", DRIFTED);
        for (name, value) in [
            (
                "webhook-signature",
                hex::encode(mac.finalize().into_bytes()),
            ),
            ("webhook-timestamp", now.to_string()),
            ("webhook-request-id", request_id.to_owned()),
        ] {
            host.headers.insert(name.into(), value.into_bytes());
        }
        host.now = now;
        host
    }

    #[test]
    fn a_drifted_delivery_is_kept_in_the_shared_store_and_its_answer_names_the_entry() {
        let keeping = |quarantine: &str| {
            gateway(&format!(
                r#"{{"signature": {{"secrets": ["whsec_contract"]}}, "shared_store": {{"cluster": "webdis"}}, "quarantine": {quarantine}}}"#
            ))
        };
        let entry_id = hookguard::gate::quarantine::entry_id(Some(b"req-q"), b"");
        for (quarantine, reply, status, named) in [
            ("{}", Some(r#"{"EVAL":["kept",0]}"#), 400, true),
            ("{}", Some(r#"{"EVAL":["already",0]}"#), 400, true),
            (
                r#"{"answer": "accept"}"#,
                Some(r#"{"EVAL":["kept",1]}"#),
                202,
                true,
            ),
            ("{}", None, 503, false),
            (r#"{"store_down": "process"}"#, None, 400, false),
        ] {
            let config = keeping(quarantine);
            let mut host = drifted("req-q", 5000);
            let mut exchange = Exchange::new(Rc::clone(&config));
            assert_eq!(request(&mut exchange, &mut host, 1000, false), Flow::Pause);
            assert_eq!(host.response, None, "held while the store keeps it");
            let keep = String::from_utf8(host.store_calls[0].clone()).unwrap();
            assert!(
                keep.starts_with(&format!(
                    "EVALSHA/{}/3/",
                    hookguard::gate::quarantine::redis::KEEP_SCRIPT_SHA1
                )),
                "{keep}"
            );
            assert!(
                keep.contains(&format!("hookguard%3Aquarantine%3Aentry%3A{entry_id}/")),
                "{keep}"
            );
            // The entry's bytes (head and body) travel last; no value is in the head but the body.
            assert!(keep.ends_with("BOOK_PARTIALLY_VERIFIED%22%2C%20%22book_pk%22%3A%201%2C%20%22book_uuid%22%3A%20%228ef7a1e1-fc97-42f9-81ea-ef357b333117%22%7D"), "{keep}");
            host.store_reply = reply.map(|body| (Some(200), body.as_bytes().to_vec()));
            exchange.on_store_answer(&mut host, 100);
            let (answered, _) = host.response.clone().unwrap();
            assert_eq!(answered, status, "{quarantine} {reply:?}");
            let header = host
                .response_headers
                .iter()
                .find(|(name, _)| name == "x-hookguard-quarantine")
                .map(|(_, value)| value.clone());
            assert_eq!(header.is_some(), named, "{quarantine} {reply:?}");
            if named {
                assert_eq!(header.unwrap(), entry_id);
            }
            assert_eq!(host.resumed, 0, "a refusal is never forwarded");
        }
        // Entry ids: from the request id alone.
        assert_eq!(
            entry_id,
            hookguard::gate::quarantine::entry_id(Some(b"req-q"), b"{}")
        );
        // A valid delivery costs no keep; a forged one is never kept.
        let config = keeping("{}");
        let mut valid = signed("req-v", 4000, 4000);
        let mut exchange = Exchange::new(Rc::clone(&config));
        request(&mut exchange, &mut valid, 1000, false);
        assert!(
            !String::from_utf8(valid.store_calls[0].clone())
                .unwrap()
                .contains("quarantine")
        );
        let mut forged = drifted("req-f", 5000);
        forged
            .headers
            .insert("webhook-signature".into(), b"v1,AAAA".to_vec());
        let mut exchange = Exchange::new(Rc::clone(&config));
        request(&mut exchange, &mut forged, 1000, false);
        assert!(forged.store_calls.is_empty());
        assert_eq!(forged.response.unwrap().0, 401);
    }

    #[test]
    fn a_gateway_quarantine_needs_the_shared_store_and_no_directory() {
        let needs_store = Gateway::from_json(
            br#"{"signature": {"secrets": ["whsec_contract"]}, "quarantine": {}}"#,
        )
        .unwrap_err();
        assert!(
            needs_store.to_string().contains("needs shared_store"),
            "{needs_store}"
        );
        let directory = Gateway::from_json(
            br#"{"signature": {"secrets": ["whsec_contract"]}, "shared_store": {"cluster": "webdis"}, "quarantine": {"directory": "/var/q"}}"#,
        )
        .unwrap_err();
        assert!(
            directory.to_string().contains("leave directory out"),
            "{directory}"
        );
    }

    #[test]
    fn an_unreachable_store_is_refused_or_replaced_by_shared_data_as_configured() {
        for (policy, failure) in [
            ("refuse", None),
            ("refuse", Some("dispatch_http_call")),
            ("process", None),
        ] {
            let config = gateway(&format!(
                r#"{{"signature": {{"secrets": ["whsec_contract"]}}, "shared_store": {{"cluster": "webdis", "on_unavailable": "{policy}"}}}}"#
            ));
            let mut host = signed("req-u", 5000, 5000);
            host.failing = failure;
            let mut exchange = Exchange::new(Rc::clone(&config));
            let flow = request(&mut exchange, &mut host, 1000, false);
            if failure.is_none() {
                assert_eq!(flow, Flow::Pause);
                // Envoy answers a call that timed out or failed without a status.
                host.store_reply = Some((None, Vec::new()));
                exchange.on_store_answer(&mut host, 0);
            }
            assert!(host.counted.contains(&Metric::StoreUnavailable), "{policy}");
            let logged = host.logs.join("\n");
            assert!(!logged.contains("req-u"), "{logged}");
            if policy == "refuse" {
                let (status, problem) = host.problem();
                assert_eq!(status, 503);
                assert_eq!(problem["type"], "urn:hookguard:problem:store-unavailable");
                assert!(
                    host.response_headers
                        .contains(&("retry-after".to_owned(), "10".to_owned()))
                );
                assert!(logged.contains("refused with 503"), "{logged}");
            } else {
                assert_eq!(host.response, None);
                assert_eq!(host.resumed, 1);
                assert_eq!(host.header("x-hookguard-verdict"), Some("valid"));
                assert!(logged.contains("claimed in this process"), "{logged}");
            }
        }
    }
}
