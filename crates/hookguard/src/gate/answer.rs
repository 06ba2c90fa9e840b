//! The answer a receiver gives a delivery: its verdict, the HTTP status, and the problem
//! document (RFC 9457, `application/problem+json`) that explains a refusal.
//!
//! Every host answers from here: the gateway filter sends these bytes to Ocrolus, the Node
//! receiver sends the same bytes, the command line writes the same document into its NDJSON.
//! A verdict's status, title, problem name and the wording of each detail exist only in this
//! module, so two hosts cannot drift apart on what they say about the same delivery.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::check::report::{Delivery, Finding, Report};
use crate::contract::schema::TEST_DELIVERY;
use crate::contract::settings::Settings;
use crate::gate::signature::SignatureError;
use crate::json::intake::IntakeErrorKind;

/// The media type of every problem document.
pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

/// What a host concluded about one request. The label is what an upstream sees in a verdict
/// header, what metrics are named after, and what the command line reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Verdict {
    /// The delivery is valid (and, where events are restricted, its event accepted).
    Valid,
    /// The body is not a valid delivery (intake, dispatch or schema errors).
    Invalid,
    /// A valid delivery of an event not accepted here.
    EventNotAllowed,
    /// The body is larger than `max_bytes`.
    TooLarge,
    /// The content type is not JSON.
    UnsupportedMediaType,
    /// The method is not POST.
    MethodNotAllowed,
    /// No verdict could be reached, and the host fails closed.
    InternalError,
    /// No verdict could be reached, and the host lets the request through.
    Unchecked,
    /// The signature is missing, malformed, out of the time window, or wrong.
    SignatureInvalid,
    /// An authentic copy of a delivery the service already took, refused (`on_replay:
    /// reject`).
    Replayed,
    /// An authentic copy of a delivery the service already took, acknowledged without being
    /// forwarded (`on_replay: acknowledge`, the default).
    Duplicate,
    /// An authentic copy of a delivery still in flight (forwarded, not answered yet): told to
    /// come back, since the first attempt may yet fail.
    InFlight,
    /// The memory shared by replicas could not be reached, and the host is configured to
    /// refuse rather than remember in its process alone: told to come back. Also a delivery
    /// the quarantine's store could not take (`store_down: refuse`).
    StoreUnavailable,
    /// An authentic delivery refused for its content, kept in the quarantine and acknowledged
    /// with 202 (`quarantine.answer: accept`): the sender stops retrying, the delivery waits.
    Quarantined,
}

impl Verdict {
    /// Every verdict, for metrics defined up front.
    pub const ALL: [Verdict; 14] = [
        Verdict::Valid,
        Verdict::Invalid,
        Verdict::EventNotAllowed,
        Verdict::TooLarge,
        Verdict::UnsupportedMediaType,
        Verdict::MethodNotAllowed,
        Verdict::InternalError,
        Verdict::Unchecked,
        Verdict::SignatureInvalid,
        Verdict::Replayed,
        Verdict::Duplicate,
        Verdict::InFlight,
        Verdict::StoreUnavailable,
        Verdict::Quarantined,
    ];

    /// The verdict's label in headers, metrics, logs and command-line output.
    pub fn label(self) -> &'static str {
        self.describe().0
    }

    /// The HTTP status a receiver answers with.
    pub fn status(self) -> u16 {
        self.describe().1
    }

    /// Whether the delivery may go on to the service (unchecked ones only by policy).
    pub fn passes(self) -> bool {
        matches!(self, Verdict::Valid | Verdict::Unchecked)
    }

    /// `(label, status, problem title, problem name)`.
    fn describe(self) -> (&'static str, u16, &'static str, &'static str) {
        match self {
            Verdict::Valid => ("valid", 200, "Valid delivery", "valid"),
            Verdict::Invalid => (
                "invalid",
                400,
                "Invalid webhook delivery",
                "invalid-delivery",
            ),
            Verdict::EventNotAllowed => (
                "event_not_allowed",
                400,
                "Event not accepted here",
                "event-not-allowed",
            ),
            Verdict::TooLarge => (
                "too_large",
                413,
                "Webhook delivery too large",
                "body-too-large",
            ),
            Verdict::UnsupportedMediaType => (
                "unsupported_media_type",
                415,
                "Webhook deliveries must be JSON",
                "unsupported-media-type",
            ),
            Verdict::MethodNotAllowed => (
                "method_not_allowed",
                405,
                "Webhook deliveries must be POSTed",
                "method-not-allowed",
            ),
            Verdict::InternalError => (
                "internal_error",
                500,
                "The delivery could not be checked",
                "internal-error",
            ),
            Verdict::Unchecked => ("unchecked", 200, "Not checked", "unchecked"),
            Verdict::SignatureInvalid => (
                "signature_invalid",
                401,
                "Webhook signature not accepted",
                "signature-invalid",
            ),
            Verdict::Replayed => (
                "replayed",
                409,
                "Delivery already received",
                "replayed-delivery",
            ),
            Verdict::Duplicate => (
                "duplicate",
                200,
                "Delivery already delivered",
                "duplicate-delivery",
            ),
            // 503, not 409: every sender retries a 5xx, while some give up on a 4xx, and this
            // copy must come back if the first attempt fails.
            Verdict::InFlight => (
                "in_flight",
                503,
                "Delivery in progress",
                "delivery-in-flight",
            ),
            Verdict::StoreUnavailable => (
                "store_unavailable",
                503,
                "Delivery memory unavailable",
                "store-unavailable",
            ),
            Verdict::Quarantined => (
                "quarantined",
                202,
                "Delivery kept in quarantine",
                "quarantined-delivery",
            ),
        }
    }
}

/// How problem documents are written: the one part of an answer an operator chooses.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProblemShape {
    /// List the findings (`code`, `instanceLocation`, `keywordLocation`, `error`) in `errors`:
    /// as many as the report lists (`max_findings`), the rest counted in `errorsOmitted`.
    pub include_errors: bool,
    /// Prefix of the problem `type` URIs; the problem's name follows it.
    pub type_prefix: String,
}

impl Default for ProblemShape {
    fn default() -> ProblemShape {
        ProblemShape {
            include_errors: true,
            type_prefix: String::from("urn:hookguard:problem:"),
        }
    }
}

impl ProblemShape {
    /// Reads a `problem` object's members (the object at `scope`); absent settings keep their
    /// defaults.
    pub(crate) fn read(
        members: serde_json::Map<String, serde_json::Value>,
        scope: &'static str,
    ) -> Result<ProblemShape, String> {
        let mut settings = Settings::new(members, &["include_errors", "type_prefix"], scope)?;
        let defaults = ProblemShape::default();
        Ok(ProblemShape {
            include_errors: settings.flag("include_errors", defaults.include_errors)?,
            type_prefix: settings.text("type_prefix", defaults.type_prefix)?,
        })
    }
}

/// The replay refusal's code and words (a finding, a metric, a problem detail).
pub const REPLAYED_CODE: &str = "signature_replayed";
const REPLAYED_DETAIL: &str =
    "this Webhook-Request-Id was already received inside the tolerance window";
const DUPLICATE_DETAIL: &str =
    "this Webhook-Request-Id was already delivered; this copy was not forwarded again";
const IN_FLIGHT_DETAIL: &str =
    "another copy of this Webhook-Request-Id is being delivered; retry after it is answered";

const STORE_UNAVAILABLE_DETAIL: &str =
    "the memory of delivered request ids cannot be reached; retry the delivery later";

/// The `Retry-After` given when the shared memory cannot be reached.
pub const STORE_RETRY_AFTER_SECONDS: u64 = 10;

const QUARANTINE_UNAVAILABLE_DETAIL: &str =
    "the quarantine cannot be reached to keep this refused delivery; retry the delivery later";

/// The header that marks an acknowledged duplicate in its answer, and its value.
pub const DUPLICATE_HEADER: (&str, &str) = ("x-hookguard-duplicate", "delivered");

/// The answer header naming the quarantine entry a refused delivery was kept as.
pub const ENTRY_HEADER: &str = "x-hookguard-quarantine";

/// The methods a webhook route allows, sent with every 405 (RFC 9110, section 15.5.6).
pub const ALLOW_HEADER: (&str, &str) = ("allow", "POST");

/// The media type of an acknowledged duplicate's document: it is not an error.
pub const JSON_CONTENT_TYPE: &str = "application/json";

/// A conclusion about one delivery, before a host renders it: the verdict, one sentence of
/// detail, the event when known, and the findings behind a refusal.
///
/// `E` is how a finding is held: the core's [`Finding`], or (in a host that reads reports
/// back as JSON, like the command line) anything that serializes to the same object.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer<'a, E: Clone = Finding> {
    /// What was concluded.
    pub verdict: Verdict,
    /// One sentence about it, never quoting the payload.
    pub detail: Cow<'static, str>,
    /// The event's canonical name (or `test-delivery`), when the body got that far.
    pub event_name: Option<&'a str>,
    /// The findings behind a refusal: for invalid bodies as many as the report lists.
    pub errors: Cow<'a, [E]>,
    /// Errors found beyond `errors`.
    pub errors_omitted: usize,
    /// For a copy told to come back: the `Retry-After` seconds.
    pub retry_after_seconds: Option<u64>,
    /// The quarantine entry a refused delivery was kept as, named in [`ENTRY_HEADER`].
    pub quarantine_entry: Option<Cow<'a, str>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ProblemDocument<'a, E> {
    #[serde(rename = "type")]
    problem_type: String,
    title: &'static str,
    status: u16,
    detail: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    event_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<&'a [E]>,
    #[serde(skip_serializing_if = "is_zero")]
    errors_omitted: usize,
}

fn is_zero(count: &usize) -> bool {
    *count == 0
}

impl<'a, E: Clone + Serialize> Answer<'a, E> {
    fn plain(verdict: Verdict, detail: impl Into<Cow<'static, str>>) -> Answer<'a, E> {
        Answer {
            verdict,
            detail: detail.into(),
            event_name: None,
            errors: Cow::Borrowed(&[]),
            errors_omitted: 0,
            retry_after_seconds: None,
            quarantine_entry: None,
        }
    }

    /// A request that is not a POST.
    pub fn method_not_allowed() -> Answer<'a, E> {
        Answer::plain(
            Verdict::MethodNotAllowed,
            "webhook deliveries are POST requests",
        )
    }

    /// A request whose content type is not JSON ([`is_json_media_type`]).
    pub fn unsupported_media_type() -> Answer<'a, E> {
        Answer::plain(
            Verdict::UnsupportedMediaType,
            "the content type must be application/json",
        )
    }

    /// A delivery that cannot be checked against the memory shared by replicas (the store is
    /// unreachable or too slow), refused so that the sender comes back.
    pub fn store_unavailable() -> Answer<'a, E> {
        let mut answer = Answer::plain(Verdict::StoreUnavailable, STORE_UNAVAILABLE_DETAIL);
        answer.retry_after_seconds = Some(STORE_RETRY_AFTER_SECONDS);
        answer
    }

    /// A refused delivery the quarantine's store could not take, refused so that the sender
    /// comes back (`store_down: refuse`).
    pub fn quarantine_unavailable() -> Answer<'a, E> {
        let mut answer = Answer::plain(Verdict::StoreUnavailable, QUARANTINE_UNAVAILABLE_DETAIL);
        answer.retry_after_seconds = Some(STORE_RETRY_AFTER_SECONDS);
        answer
    }

    /// The answer naming the quarantine entry the delivery was kept as, when it was.
    pub fn kept_as(mut self, entry_id: Option<&'a str>) -> Answer<'a, E> {
        self.quarantine_entry = entry_id.map(Cow::Borrowed);
        self
    }

    /// A host that could not reach a verdict: `fail_open` lets the request through unchecked.
    pub fn not_checked(fail_open: bool) -> Answer<'a, E> {
        let verdict = if fail_open {
            Verdict::Unchecked
        } else {
            Verdict::InternalError
        };
        Answer::plain(
            verdict,
            "the delivery could not be checked; it may be retried",
        )
    }

    /// A delivery whose errors are `errors` (as listed) plus `errors_omitted` more.
    pub fn invalid(
        event_name: Option<&'a str>,
        errors: impl Into<Cow<'a, [E]>>,
        errors_omitted: usize,
    ) -> Answer<'a, E> {
        let errors = errors.into();
        let count = errors.len() + errors_omitted;
        let plural = if count == 1 { "" } else { "s" };
        Answer {
            verdict: Verdict::Invalid,
            detail: format!("the delivery has {count} error{plural}").into(),
            event_name,
            errors,
            errors_omitted,
            retry_after_seconds: None,
            quarantine_entry: None,
        }
    }

    /// The problem document, exactly as every host sends it.
    pub fn problem_json(&self, shape: &ProblemShape) -> Vec<u8> {
        let (_, status, title, name) = self.verdict.describe();
        let errors = (shape.include_errors && !self.errors.is_empty()).then_some(&*self.errors);
        let document = ProblemDocument {
            problem_type: format!("{}{name}", shape.type_prefix),
            title,
            status,
            detail: &self.detail,
            event_name: self.event_name,
            errors,
            errors_omitted: if errors.is_some() {
                self.errors_omitted
            } else {
                0
            },
        };
        serde_json::to_vec(&document).unwrap_or_else(|_| {
            // Only a host's own finding type could fail to serialize; the core's cannot. Keep
            // the document's essentials rather than panic inside a VM.
            format!(r#"{{"title":"{title}","status":{status}}}"#).into_bytes()
        })
    }

    /// The HTTP status to answer with.
    pub fn status(&self) -> u16 {
        self.verdict.status()
    }

    /// The media type of [`Answer::problem_json`]'s document: a problem document for every
    /// refusal, plain JSON for an acknowledged duplicate.
    pub fn content_type(&self) -> &'static str {
        if matches!(self.verdict, Verdict::Duplicate | Verdict::Quarantined) {
            JSON_CONTENT_TYPE
        } else {
            PROBLEM_CONTENT_TYPE
        }
    }

    /// The headers to send with a local answer, `content-type` first: `Allow: POST` on a 405
    /// (RFC 9110 requires it), `Retry-After` for a copy told to come back, [`DUPLICATE_HEADER`]
    /// for an acknowledged duplicate. Every host sends exactly these; none adds its own.
    pub fn headers(&self) -> Vec<(&'static str, String)> {
        let mut headers = vec![("content-type", self.content_type().to_owned())];
        if self.verdict == Verdict::MethodNotAllowed {
            headers.push((ALLOW_HEADER.0, ALLOW_HEADER.1.to_owned()));
        }
        if let Some(seconds) = self.retry_after_seconds {
            headers.push(("retry-after", seconds.to_string()));
        }
        if self.verdict == Verdict::Duplicate {
            headers.push((DUPLICATE_HEADER.0, DUPLICATE_HEADER.1.to_owned()));
        }
        if let Some(entry_id) = &self.quarantine_entry {
            headers.push((ENTRY_HEADER, entry_id.to_string()));
        }
        headers
    }
}

impl<'a> Answer<'a, Finding> {
    /// A refusal for one reason: the finding that says it, and the detail beside it.
    fn refusal(
        verdict: Verdict,
        detail: impl Into<Cow<'static, str>>,
        event_name: Option<&'a str>,
        finding: Finding,
    ) -> Answer<'a> {
        Answer {
            verdict,
            detail: detail.into(),
            event_name,
            errors: Cow::Owned(vec![finding]),
            errors_omitted: 0,
            retry_after_seconds: None,
            quarantine_entry: None,
        }
    }

    /// A body larger than `limit` bytes, however that was found out (a declared length, a
    /// stream that went past it, the core's intake).
    pub fn too_large(limit: u64) -> Answer<'a> {
        let kind = IntakeErrorKind::TooLarge { limit };
        let finding = Finding::at(kind.code(), "", kind.to_string());
        Answer::refusal(Verdict::TooLarge, kind.to_string(), None, finding)
    }

    /// A signature that was not accepted.
    pub fn signature_refused(error: &SignatureError) -> Answer<'a> {
        let finding = Finding::at(error.kind.code(), "", error.to_string());
        Answer::refusal(Verdict::SignatureInvalid, error.to_string(), None, finding)
    }

    /// An authentic delivery received before, inside the replay window.
    pub fn replayed() -> Answer<'a> {
        let finding = Finding::at(REPLAYED_CODE, "", REPLAYED_DETAIL);
        Answer::refusal(Verdict::Replayed, REPLAYED_DETAIL, None, finding)
    }

    /// An authentic copy of a delivery the service already took, acknowledged.
    pub fn duplicate(event_name: Option<&'a str>) -> Answer<'a> {
        let mut answer = Answer::plain(Verdict::Duplicate, DUPLICATE_DETAIL);
        answer.event_name = event_name;
        answer
    }

    /// An authentic copy of a delivery in flight, told to come back after `retry_after_seconds`.
    pub fn in_flight(event_name: Option<&'a str>, retry_after_seconds: u64) -> Answer<'a> {
        let mut answer = Answer::plain(Verdict::InFlight, IN_FLIGHT_DETAIL);
        answer.event_name = event_name;
        answer.retry_after_seconds = Some(retry_after_seconds);
        answer
    }

    /// What a report says: valid, or invalid with its errors. A body refused for its size gets
    /// the same answer as one refused before it was read ([`Answer::too_large`]).
    pub fn of_report(report: &'a Report, max_bytes: u64) -> Answer<'a> {
        if report.valid {
            let mut answer = Answer::plain(Verdict::Valid, "");
            answer.event_name = accepted_name(report);
            return answer;
        }
        if refused_for_size(report) {
            return Answer::too_large(max_bytes);
        }
        Answer::invalid(
            report.event_name,
            report.errors.as_slice(),
            report.omitted.errors,
        )
    }

    /// An invalid delivery kept in the quarantine and acknowledged (202), with its errors.
    pub fn quarantined(report: &'a Report) -> Answer<'a> {
        let mut answer = Answer::invalid(
            report.event_name,
            report.errors.as_slice(),
            report.omitted.errors,
        );
        let count = report.errors.len() + report.omitted.errors;
        let plural = if count == 1 { "" } else { "s" };
        answer.verdict = Verdict::Quarantined;
        answer.detail = format!(
            "the delivery has {count} error{plural}; it is kept in quarantine and will be handed on once replayed"
        )
        .into();
        answer
    }

    /// A valid delivery of an event not accepted here.
    pub fn event_not_allowed(report: &'a Report) -> Answer<'a> {
        let event_name = accepted_name(report);
        let location = if report.delivery == Some(Delivery::Test) {
            ""
        } else {
            "/event_name"
        };
        let message = format!(
            "{} is not accepted on this route",
            event_name.unwrap_or("this event")
        );
        let finding = Finding::at("event_not_allowed", location, message);
        Answer::refusal(
            Verdict::EventNotAllowed,
            "the event is not accepted on this route",
            event_name,
            finding,
        )
    }
}

/// Whether a report refuses its body for its size (the intake's `body_too_large`): such a body
/// gets the same answer however its size was found out.
pub fn refused_for_size(report: &Report) -> bool {
    let too_large = IntakeErrorKind::TooLarge { limit: 0 }.code();
    report
        .errors
        .first()
        .is_some_and(|first| first.code == too_large)
}

/// The whole of an HTTP answer a receiver sends itself: status, headers (`content-type` first)
/// and body bytes. Hosts write it as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// The header fields, in order.
    pub headers: Vec<(&'static str, String)>,
    /// The body.
    pub body: Vec<u8>,
}

/// The document a receiver answers when the service's handler failed (threw, rejected, or
/// answered nothing usable). It is the service's failure, not a verdict of the gate's, so it
/// is a plain RFC 9457 `about:blank` problem; what matters is the 500, which every sender
/// retries.
const HANDLER_FAILED_PROBLEM: &str = r#"{"type":"about:blank","title":"Internal Server Error","status":500,"detail":"the delivery was not handled; send it again"}"#;

impl Reply {
    /// The answer when the handler a valid delivery was handed to failed: 500 with a problem
    /// document, so that the sender retries (the delivery is settled failed).
    pub fn handler_failed() -> Reply {
        Reply {
            status: 500,
            headers: vec![("content-type", PROBLEM_CONTENT_TYPE.to_owned())],
            body: HANDLER_FAILED_PROBLEM.as_bytes().to_vec(),
        }
    }
}

impl<E: Clone + Serialize> Answer<'_, E> {
    /// The answer as a receiver sends it: its status, [`Answer::headers`] and
    /// [`Answer::problem_json`].
    pub fn reply(&self, shape: &ProblemShape) -> Reply {
        Reply {
            status: self.status(),
            headers: self.headers(),
            body: self.problem_json(shape),
        }
    }
}

/// The name a valid delivery is accepted, counted and forwarded under: its canonical event
/// name, or `test-delivery`.
pub fn accepted_name(report: &Report) -> Option<&'static str> {
    match report.delivery {
        Some(Delivery::Test) => Some(TEST_DELIVERY),
        _ => report.event_name.or(report.source_event_name),
    }
}

/// Whether a `Content-Type` value is JSON: `application/json` or any `application/*+json`,
/// parameters ignored, case-insensitively.
pub fn is_json_media_type(value: &[u8]) -> bool {
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
    use serde_json::{Value, json};

    use super::*;

    fn finding(location: &str) -> Finding {
        Finding::at("schema_violation", location, "is wrong")
    }

    #[test]
    fn a_refusal_lists_the_reported_findings_and_counts_the_rest() {
        let findings = [finding("/a"), finding("/b")];
        let answer = Answer::invalid(Some("book.verified"), &findings[..], 1);
        let problem: Value =
            serde_json::from_slice(&answer.problem_json(&ProblemShape::default())).unwrap();
        assert_eq!(problem["type"], "urn:hookguard:problem:invalid-delivery");
        assert_eq!(problem["status"], 400);
        assert_eq!(problem["detail"], "the delivery has 3 errors");
        assert_eq!(problem["eventName"], "book.verified");
        assert_eq!(problem["errorsOmitted"], 1);
        assert_eq!(
            problem["errors"],
            json!([
                {"code": "schema_violation", "instanceLocation": "/a", "keywordLocation": "", "error": "is wrong"},
                {"code": "schema_violation", "instanceLocation": "/b", "keywordLocation": "", "error": "is wrong"},
            ])
        );
    }

    #[test]
    fn errors_can_be_left_out_and_the_type_prefix_changed() {
        let shape = ProblemShape {
            include_errors: false,
            type_prefix: String::from("https://example.com/problems/"),
        };
        let problem: Value =
            serde_json::from_slice(&Answer::too_large(64).problem_json(&shape)).unwrap();
        assert_eq!(
            problem,
            json!({
                "type": "https://example.com/problems/body-too-large",
                "title": "Webhook delivery too large",
                "status": 413,
                "detail": "body is larger than the limit of 64 bytes",
            })
        );
    }

    #[test]
    fn a_finding_held_as_json_gives_the_same_document_as_the_finding() {
        let findings = [finding("/a")];
        let as_json: Vec<Box<serde_json::value::RawValue>> = findings
            .iter()
            .map(|finding| serde_json::value::to_raw_value(finding).unwrap())
            .collect();
        let shape = ProblemShape::default();
        assert_eq!(
            Answer::invalid(None, &findings[..], 0).problem_json(&shape),
            Answer::invalid(None, &as_json[..], 0).problem_json(&shape)
        );
    }

    #[test]
    fn a_405_says_which_method_is_allowed_and_other_answers_do_not() {
        let not_post = Answer::<Finding>::method_not_allowed().headers();
        assert_eq!(
            not_post,
            vec![
                ("content-type", String::from(PROBLEM_CONTENT_TYPE)),
                ("allow", String::from("POST")),
            ]
        );
        for answer in [
            Answer::<Finding>::unsupported_media_type(),
            Answer::too_large(1),
            Answer::store_unavailable(),
            Answer::duplicate(None),
        ] {
            assert!(
                answer.headers().iter().all(|(name, _)| *name != "allow"),
                "{:?}",
                answer.verdict
            );
        }
    }

    #[test]
    fn the_handler_failed_reply_is_a_retryable_problem() {
        let reply = Reply::handler_failed();
        assert_eq!(reply.status, 500);
        assert_eq!(
            reply.headers[0],
            ("content-type", PROBLEM_CONTENT_TYPE.to_owned())
        );
        let document: Value = serde_json::from_slice(&reply.body).unwrap();
        assert_eq!(document["status"], 500);
        assert_eq!(document["type"], "about:blank");
    }

    #[test]
    fn json_media_types() {
        for accepted in [
            "application/json",
            "Application/JSON; charset=utf-8",
            "application/cloudevents+json",
        ] {
            assert!(is_json_media_type(accepted.as_bytes()), "{accepted}");
        }
        for refused in ["text/plain", "", "application/jsonx", "text/json"] {
            assert!(!is_json_media_type(refused.as_bytes()), "{refused}");
        }
    }
}
