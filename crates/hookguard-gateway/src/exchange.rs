//! One request's way through the filter: checks on the headers, buffering, the verdict on the
//! body, and what the host is told to do. Host access goes through the [`Host`] trait, so this
//! whole state machine runs and is tested natively; `filter.rs` implements [`Host`] over the
//! proxy-wasm ABI.

use std::rc::Rc;

use hookguard::intake::IntakeErrorKind;
use hookguard::schema::TEST_DELIVERY;
use hookguard::{Delivery, Finding, Report};

use hookguard::signature::{DeliveryHeaders, signature_header};

use crate::config::{FailurePolicy, Gateway, Mode, ReplayPolicy, RoutePolicy, Signing};
use crate::headers::HeaderMap;
use crate::problem;
use crate::replay::{self, Seen};
use crate::verdict::{Metric, Verdict};

/// A host call that failed. It names the call, never the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostError {
    /// Which call failed.
    pub call: &'static str,
}

/// Severity of a log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogLevel {
    /// Per-request detail, off by default in Envoy.
    Debug,
    /// Monitor-mode findings.
    Info,
    /// The filter could not do its job.
    Warn,
}

/// What the filter needs from its host, for the current request.
pub trait Host {
    /// Every request header, in one call: each host call costs a VM crossing or two, which
    /// is most of what a small filter spends per request.
    fn request_headers(&self) -> Result<HeaderMap, HostError>;
    /// Sets (`Some`) or removes (`None`) a request header. Only possible while the headers
    /// are held.
    fn set_request_header(&mut self, name: &str, value: Option<&str>) -> Result<(), HostError>;
    /// The first `size` bytes of the buffered request body.
    fn request_body(&self, size: usize) -> Result<Vec<u8>, HostError>;
    /// Replaces the first `size` bytes of the buffered request body with `body`.
    fn replace_request_body(&mut self, size: usize, body: &[u8]) -> Result<(), HostError>;
    /// Answers the request locally; the upstream never sees it.
    fn respond(
        &mut self,
        status: u16,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Result<(), HostError>;
    /// Adds one to a counter. Metrics are best effort: a failure is not the request's problem.
    fn count(&mut self, metric: Metric);
    /// Writes a log line. Best effort, like metrics.
    fn log(&mut self, level: LogLevel, message: &str);
    /// The host's clock, Unix seconds.
    fn now_unix_s(&self) -> Result<i64, HostError>;
    /// A value shared by every VM of this plugin, with its version for `shared_set`.
    fn shared_get(&self, key: &str) -> Result<(Option<Vec<u8>>, Option<u32>), HostError>;
    /// Stores a shared value if it is still at version `cas`; `Ok(false)` when another VM
    /// changed it first.
    fn shared_set(&mut self, key: &str, value: &[u8], cas: Option<u32>) -> Result<bool, HostError>;
}

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
    /// Headers held; the verdict waits for the whole body.
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
    /// The `Webhook-Signature`, `Webhook-Timestamp` and `Webhook-Request-Id` fields, every
    /// one as it arrived (a repeat is refused, so none may be dropped), kept from the headers
    /// for the signature check on the complete body.
    signature_headers: Vec<(&'static str, Vec<u8>)>,
    /// The signature outcome for the upstream header (`verified`, `unsigned`, `replayed`).
    signature_label: Option<&'static str>,
    /// The authenticated `Webhook-Request-Id`, forwarded so that the receiver can drop
    /// duplicates across every gateway replica (each remembers only its own).
    verified_request_id: Option<String>,
}

/// A conclusion about a request, before it is acted on.
struct Conclusion<'a> {
    verdict: Verdict,
    detail: String,
    event: Option<&'static str>,
    findings: &'a [Finding],
    /// Errors found beyond `findings` (the core lists at most `max_findings`).
    omitted: usize,
}

impl Conclusion<'_> {
    fn early(verdict: Verdict, detail: String) -> Conclusion<'static> {
        Conclusion {
            verdict,
            detail,
            event: None,
            findings: &[],
            omitted: 0,
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
            signature_headers: Vec::new(),
            signature_label: None,
            verified_request_id: None,
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
        if body_size as u64 > self.gateway.config.max_body_bytes {
            // Stop buffering now: the verdict cannot change, and memory stays bounded.
            return self.too_large(host);
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
        let names = &gateway.config.upstream_headers;
        let headers = host.request_headers()?;
        let header = |name: &str| headers.get(name);
        // Whatever the route, a sender must not be able to hand the upstream a verdict.
        for name in [
            &names.event,
            &names.verdict,
            &names.signature,
            &names.request_id,
        ] {
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
        if header(":method") != Some(b"POST".as_slice()) {
            let detail = String::from("webhook deliveries are POST requests");
            return Ok(self.conclude(host, Conclusion::early(Verdict::MethodNotAllowed, detail)));
        }
        if !header("content-type").is_some_and(is_json_media_type) {
            let detail = String::from("the content type must be application/json");
            let conclusion = Conclusion::early(Verdict::UnsupportedMediaType, detail);
            return Ok(self.conclude(host, conclusion));
        }
        let content_length = header("content-length");
        self.has_content_length = content_length.is_some();
        if gateway.signing.is_some() {
            self.signature_headers = headers
                .iter()
                .filter_map(|(name, value)| {
                    let name = signature_header(std::str::from_utf8(name).ok()?)?;
                    Some((name, value.to_vec()))
                })
                .collect();
        }
        let declared = content_length
            .and_then(|value| std::str::from_utf8(value).ok())
            .and_then(|value| value.trim().parse::<u64>().ok());
        let limit = gateway.config.max_body_bytes;
        if declared.is_some_and(|length| length > limit) {
            // Refused before a byte of the body is buffered.
            return Ok(self.too_large(host));
        }
        if end_of_stream {
            return Ok(self.judge(host, &[]));
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
        let gateway = Rc::clone(&self.gateway);
        if let Some(signing) = &gateway.signing {
            match self.check_signature(host, signing, body) {
                Ok(None) => {}
                Ok(Some(flow)) => return flow,
                Err(error) => return self.fail(host, error),
            }
        }
        let report = if gateway.config.normalize {
            gateway.validator.normalize(body)
        } else {
            gateway.validator.validate(body)
        };
        if !report.valid {
            let count = report.errors.len() + report.omitted.errors;
            let conclusion = Conclusion {
                verdict: Verdict::Invalid,
                detail: format!(
                    "the delivery has {count} error{}",
                    if count == 1 { "" } else { "s" }
                ),
                event: report.event_name,
                findings: &report.errors,
                omitted: report.omitted.errors,
            };
            return self.conclude(host, conclusion);
        }
        let event = accepted_name(&report);
        let allowed = self
            .route
            .as_ref()
            .and_then(|route| route.allowed.as_ref())
            .is_none_or(|allowed| event.is_some_and(|event| allowed.allows(event)));
        if !allowed {
            let finding = Finding::at(
                "event_not_allowed",
                if report.delivery == Some(Delivery::Test) {
                    ""
                } else {
                    "/event_name"
                },
                format!(
                    "{} is not accepted on this route",
                    event.unwrap_or("this event")
                ),
            );
            let conclusion = Conclusion {
                verdict: Verdict::EventNotAllowed,
                detail: String::from("the event is not accepted on this route"),
                event,
                findings: std::slice::from_ref(&finding),
                omitted: 0,
            };
            return self.conclude(host, conclusion);
        }
        if let Err(error) = self.forward_normalized(host, &report) {
            return self.fail(host, error);
        }
        let conclusion = Conclusion {
            verdict: Verdict::Valid,
            detail: String::new(),
            event,
            findings: &[],
            omitted: 0,
        };
        self.conclude(host, conclusion)
    }

    /// Authenticity before validation: `Some(flow)` when the request was concluded here.
    fn check_signature(
        &mut self,
        host: &mut dyn Host,
        signing: &Signing,
        body: &[u8],
    ) -> Result<Option<Flow>, HostError> {
        let Signing {
            verifier,
            settings: config,
        } = signing;
        let headers = DeliveryHeaders::from_pairs(
            self.signature_headers
                .iter()
                .map(|(name, value)| (*name, value.as_slice())),
        );
        if headers == DeliveryHeaders::default() && !config.required {
            self.signature_label = Some("unsigned");
            return Ok(None);
        }
        let now = host.now_unix_s()?;
        let verified = match verifier.verify(&headers, body, now) {
            Ok(verified) => verified,
            Err(error) => {
                let code = error.kind.code();
                host.count(Metric::Signature(code));
                let finding = Finding::at(code, "", error.to_string());
                let conclusion = Conclusion {
                    verdict: Verdict::SignatureInvalid,
                    detail: error.to_string(),
                    event: None,
                    findings: std::slice::from_ref(&finding),
                    omitted: 0,
                };
                return Ok(Some(self.conclude(host, conclusion)));
            }
        };
        // A replay is possible while the timestamp is within the tolerance on either side.
        let window = verifier.tolerance_s().saturating_mul(2);
        let seen = replay::check_and_remember(
            host,
            &verified.request_id,
            now,
            window,
            config.replay_slots,
        )?;
        if seen == Seen::FirstEvictingUnexpired {
            host.count(Metric::ReplayEvictedUnexpired);
        }
        if seen != Seen::Before {
            self.signature_label = Some("verified");
            self.verified_request_id = Some(verified.request_id);
            return Ok(None);
        }
        host.count(Metric::Signature("signature_replayed"));
        if config.on_replay == ReplayPolicy::Pass {
            self.signature_label = Some("replayed");
            self.verified_request_id = Some(verified.request_id);
            return Ok(None);
        }
        let message = "this Webhook-Request-Id was already received inside the tolerance window";
        let finding = Finding::at("signature_replayed", "", message);
        let conclusion = Conclusion {
            verdict: Verdict::Replayed,
            detail: String::from(message),
            event: None,
            findings: std::slice::from_ref(&finding),
            omitted: 0,
        };
        Ok(Some(self.conclude(host, conclusion)))
    }

    /// Replaces the body with its normalized bytes, when so configured.
    fn forward_normalized(&self, host: &mut dyn Host, report: &Report) -> Result<(), HostError> {
        if !self.gateway.config.normalize {
            return Ok(());
        }
        let Some(normalized) = report.normalized_bytes() else {
            return Err(HostError { call: "normalize" });
        };
        host.replace_request_body(self.body_size, &normalized)?;
        if self.has_content_length {
            // The upstream reads exactly content-length bytes: it must describe the new body.
            host.set_request_header("content-length", Some(&normalized.len().to_string()))?;
        }
        Ok(())
    }

    fn too_large(&mut self, host: &mut dyn Host) -> Flow {
        let limit = self.gateway.config.max_body_bytes;
        let kind = IntakeErrorKind::TooLarge { limit };
        let finding = Finding::at(kind.code(), "", kind.to_string());
        let conclusion = Conclusion {
            verdict: Verdict::TooLarge,
            detail: kind.to_string(),
            event: None,
            findings: std::slice::from_ref(&finding),
            omitted: 0,
        };
        self.conclude(host, conclusion)
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
        let verdict = match self.gateway.config.on_internal_error {
            FailurePolicy::FailClosed => Verdict::InternalError,
            FailurePolicy::FailOpen => Verdict::Unchecked,
        };
        let detail = String::from("the delivery could not be checked; it may be retried");
        self.conclude(host, Conclusion::early(verdict, detail))
    }

    /// Counts, logs, and acts on a conclusion according to the route's mode.
    fn conclude(&mut self, host: &mut dyn Host, conclusion: Conclusion<'_>) -> Flow {
        let verdict = conclusion.verdict;
        host.count(Metric::Verdict(verdict));
        if let Some(name) = conclusion.event {
            host.count(Metric::Event {
                name,
                valid: verdict == Verdict::Valid,
            });
        }
        let passes = matches!(verdict, Verdict::Valid | Verdict::Unchecked);
        let mode = self
            .route
            .as_ref()
            .map_or(Mode::Enforce, |route| route.mode);
        let enforced = verdict == Verdict::InternalError || mode == Mode::Enforce;
        if !passes && enforced {
            host.log(LogLevel::Debug, &summary("rejected", &conclusion));
            return self.answer(host, &conclusion);
        }
        if !passes {
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
        let names = &self.gateway.config.upstream_headers;
        if let Some(event) = conclusion.event {
            host.set_request_header(&names.event, Some(event))?;
        }
        if let Some(label) = self.signature_label {
            host.set_request_header(&names.signature, Some(label))?;
        }
        if let Some(request_id) = &self.verified_request_id {
            host.set_request_header(&names.request_id, Some(request_id))?;
        }
        host.set_request_header(&names.verdict, Some(conclusion.verdict.label()))
    }

    fn answer(&mut self, host: &mut dyn Host, conclusion: &Conclusion<'_>) -> Flow {
        self.state = State::Answered;
        let body = problem::body(
            conclusion.verdict,
            conclusion.detail.clone(),
            conclusion.event,
            (conclusion.findings, conclusion.omitted),
            &self.gateway.config.response,
        );
        let status = problem::status(conclusion.verdict);
        let headers = [("content-type", problem::CONTENT_TYPE)];
        if host.respond(status, &headers, &body).is_err() {
            // Nothing else can be said to the sender; holding the request lets Envoy's own
            // timeouts end it rather than passing an unchecked delivery.
            host.log(LogLevel::Warn, "hookguard: could not send the rejection");
        }
        Flow::Pause
    }
}

/// The name a delivery is accepted or counted under: its canonical event name, or
/// `test-delivery`.
fn accepted_name(report: &Report) -> Option<&'static str> {
    match report.delivery {
        Some(Delivery::Test) => Some(TEST_DELIVERY),
        _ => report.event_name.or(report.source_event_name),
    }
}

/// A log line about a conclusion: verdict, event and where the findings are, never values.
fn summary(action: &str, conclusion: &Conclusion<'_>) -> String {
    let mut line = format!("hookguard: {action}: {}", conclusion.verdict.label());
    if let Some(event) = conclusion.event {
        line.push_str(&format!(" ({event})"));
    }
    for finding in conclusion.findings.iter().take(5) {
        let location = if finding.instance_location.is_empty() {
            "body"
        } else {
            &finding.instance_location
        };
        line.push_str(&format!("; {} at {location}", finding.code));
    }
    if conclusion.findings.len() > 5 {
        line.push_str(&format!("; and {} more", conclusion.findings.len() - 5));
    }
    line
}

/// `application/json` or any `+json` type, parameters ignored, case-insensitively.
fn is_json_media_type(value: &[u8]) -> bool {
    let essence = value
        .split(|&byte| byte == b';')
        .next()
        .unwrap_or_default()
        .trim_ascii()
        .to_ascii_lowercase();
    essence == b"application/json"
        || (essence.starts_with(b"application/") && essence.ends_with(b"+json"))
}

#[cfg(test)]
mod tests {

    use super::*;
    use std::collections::BTreeMap;

    use serde_json::Value;

    /// Shared data as every VM of a host sees it: key -> (value, version).
    type SharedData = Rc<std::cell::RefCell<BTreeMap<String, (Vec<u8>, u32)>>>;

    /// A request as a host would hold it, recording what the filter did to it.
    #[derive(Default)]
    struct FakeHost {
        headers: BTreeMap<String, Vec<u8>>,
        /// Fields sent after `headers`, repeating names (Envoy hands every field over).
        repeated_headers: Vec<(String, Vec<u8>)>,
        body: Vec<u8>,
        response: Option<(u16, Vec<u8>)>,
        counted: Vec<Metric>,
        logs: Vec<String>,
        /// A host call that fails, to exercise the failure policy.
        failing: Option<&'static str>,
        /// The clock.
        now: i64,
        /// Shared data, as every VM of a host sees it.
        shared: SharedData,
    }

    impl FakeHost {
        fn post(path: &str, content_type: &str, body: &[u8]) -> FakeHost {
            let mut host = FakeHost::default();
            for (name, value) in [
                (":method", "POST"),
                (":path", path),
                ("content-type", content_type),
                ("content-length", &body.len().to_string()),
            ] {
                host.headers.insert(name.into(), value.as_bytes().to_vec());
            }
            host.body = body.to_vec();
            host
        }

        fn fails(&self, call: &'static str) -> Result<(), HostError> {
            match self.failing {
                Some(failing) if failing == call => Err(HostError { call }),
                _ => Ok(()),
            }
        }

        fn header(&self, name: &str) -> Option<&str> {
            self.headers
                .get(name)
                .map(|value| std::str::from_utf8(value).unwrap())
        }

        fn problem(&self) -> (u16, Value) {
            let (status, body) = self.response.as_ref().expect("a local response");
            (*status, serde_json::from_slice(body).unwrap())
        }
    }

    impl Host for FakeHost {
        fn request_headers(&self) -> Result<HeaderMap, HostError> {
            self.fails("get_request_headers")?;
            let fields = self.headers.iter().chain(
                self.repeated_headers
                    .iter()
                    .map(|(name, value)| (name, value)),
            );
            Ok(HeaderMap::from_pairs(
                fields.map(|(name, value)| (name.as_str(), value.as_slice())),
            ))
        }
        fn set_request_header(&mut self, name: &str, value: Option<&str>) -> Result<(), HostError> {
            self.fails("set_request_header")?;
            match value {
                Some(value) => self.headers.insert(name.into(), value.as_bytes().to_vec()),
                None => self.headers.remove(name),
            };
            Ok(())
        }
        fn request_body(&self, size: usize) -> Result<Vec<u8>, HostError> {
            self.fails("get_request_body")?;
            Ok(self.body[..size.min(self.body.len())].to_vec())
        }
        fn replace_request_body(&mut self, size: usize, body: &[u8]) -> Result<(), HostError> {
            self.fails("set_request_body")?;
            self.body.splice(..size, body.iter().copied());
            Ok(())
        }
        fn respond(
            &mut self,
            status: u16,
            headers: &[(&str, &str)],
            body: &[u8],
        ) -> Result<(), HostError> {
            self.fails("send_http_response")?;
            assert_eq!(headers, [("content-type", "application/problem+json")]);
            self.response = Some((status, body.to_vec()));
            Ok(())
        }
        fn count(&mut self, metric: Metric) {
            self.counted.push(metric);
        }
        fn log(&mut self, _level: LogLevel, message: &str) {
            self.logs.push(message.into());
        }
        fn now_unix_s(&self) -> Result<i64, HostError> {
            self.fails("get_current_time")?;
            Ok(self.now)
        }
        fn shared_get(&self, key: &str) -> Result<(Option<Vec<u8>>, Option<u32>), HostError> {
            self.fails("get_shared_data")?;
            let shared = self.shared.borrow();
            Ok(match shared.get(key) {
                Some((value, cas)) => (Some(value.clone()), Some(*cas)),
                None => (None, None),
            })
        }
        fn shared_set(
            &mut self,
            key: &str,
            value: &[u8],
            cas: Option<u32>,
        ) -> Result<bool, HostError> {
            self.fails("set_shared_data")?;
            let mut shared = self.shared.borrow_mut();
            let current = shared.get(key).map(|(_, version)| *version);
            if cas.is_some() && cas != current {
                return Ok(false);
            }
            let next = current.unwrap_or(0) + 1;
            shared.insert(key.into(), (value.to_vec(), next));
            Ok(true)
        }
    }

    const VERIFIED: &[u8] = br#"{"event_name": "BOOK_VERIFIED", "status": "BOOK_COMPLETE", "book_pk": 11917, "book_uuid": "35ef4501-b93d-4ce2-b766-b670a057c0fb"}"#;
    const NOT_VERIFIED: &[u8] = br#"{"event_name": "BOOK_VERIFIED", "status": "BOOK_COMPLETE", "book_pk": "secret-value", "book_uuid": "35ef4501-b93d-4ce2-b766-b670a057c0fb"}"#;

    fn gateway(config: &str) -> Rc<Gateway> {
        Rc::new(Gateway::from_json(config.as_bytes()).unwrap())
    }

    /// Drives a request through the filter the way Envoy does: headers, the body in chunks of
    /// `chunk` bytes, then trailers if asked. Returns the flow of the last callback.
    fn send(config: &Rc<Gateway>, host: &mut FakeHost, chunk: usize, trailers: bool) -> Flow {
        let mut exchange = Exchange::new(Rc::clone(config));
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
        let config = gateway(r#"{"max_body_bytes": 64}"#);
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
            let config = gateway(&serde_json::json!({"signature": {"secrets": names}}).to_string());
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
        crate::verdict::SIGNATURE_CODES
            .into_iter()
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

    #[test]
    fn replay_memory_is_bounded_and_forgets_only_what_expired_or_overflowed() {
        let shared = Rc::new(std::cell::RefCell::new(BTreeMap::new()));
        let mut host = FakeHost {
            shared: Rc::clone(&shared),
            ..FakeHost::default()
        };
        let mut check =
            |id: &str, now: i64| replay::check_and_remember(&mut host, id, now, 600, 64).unwrap();
        // 64 slots = 8 buckets of 8: eight live ids fit even when they share a bucket...
        for id in 0..8 {
            assert_eq!(check(&format!("req-{id}"), 100), Seen::First);
        }
        for id in 0..8 {
            assert_eq!(check(&format!("req-{id}"), 200), Seen::Before, "req-{id}");
        }
        // ...unless a bucket overflows; then the oldest live id goes, and that is reported.
        let mut evictions = 0;
        for id in 8..1000 {
            if check(&format!("req-{id}"), 300) == Seen::FirstEvictingUnexpired {
                evictions += 1;
            }
        }
        assert!(evictions > 0);
        assert!(shared.borrow().len() <= 8);
        // Expired ids make room without evicting anything live, and are not replays: with
        // everything older expired, eight live ids fit again.
        assert_eq!(check("req-999", 300), Seen::Before);
        assert_eq!(check("req-999", 2000), Seen::First);
        for id in 2000..2007 {
            assert_eq!(check(&format!("req-{id}"), 2000), Seen::First, "req-{id}");
        }
        let stored: usize = shared
            .borrow()
            .values()
            .map(|(bucket, _)| bucket.iter().filter(|&&byte| byte == b'\n').count())
            .sum();
        assert!(stored <= 64, "{stored} entries");
    }
}
