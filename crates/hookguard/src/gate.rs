//! The gate every host puts in front of a service: from what a host has (a method, a content
//! type, the signature headers, the body, a clock, a memory of request ids) to the whole
//! conclusion: authenticity, replay, validation, the [`Answer`] to send and the facts to forward.
//!
//! Hosts differ only in where their inputs come from and how they render the result: the
//! gateway filter reads Envoy's header map and remembers request ids in proxy-wasm shared data,
//! the npm package reads Node's request and remembers ids in its process, the command line reads
//! captures and remembers ids for one run. Each implements [`ReplayMemory`] and calls
//! [`Gate::admit`]; nothing about signatures, replays, options or answers is decided anywhere
//! else.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::answer::{Answer, ProblemShape, Verdict, accepted_name, is_json_media_type};
use crate::catalog;
use crate::report::Report;
use crate::schema::TEST_DELIVERY;
use crate::signature::{
    DEFAULT_TOLERANCE_S, DeliveryHeaders, SecretsError, SignatureError, Verifier,
};
use crate::validator::{ConfigError, Options, Validator};

/// What to do with an authentic delivery whose `Webhook-Request-Id` was already received
/// inside the replay window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplayPolicy {
    /// Refuse it (409): the service already has it.
    Reject,
    /// Let it through marked `replayed`, for a service that deduplicates itself.
    Pass,
}

/// Signature checking as configured (the `signature` option).
#[derive(Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct SignaturePolicy {
    /// The webhook secrets: the current one, and the previous one during a rotation.
    pub secrets: Vec<String>,
    /// How far `Webhook-Timestamp` may be from the host's clock, either way. Default 300.
    pub tolerance_seconds: u64,
    /// Refuse unsigned deliveries. When false, a delivery without any signature header passes
    /// marked `unsigned`, but a signed one must still verify. Default true.
    pub required: bool,
    /// What to do with a replayed delivery. Default `reject`.
    pub on_replay: ReplayPolicy,
}

impl Default for SignaturePolicy {
    fn default() -> SignaturePolicy {
        SignaturePolicy {
            secrets: Vec::new(),
            tolerance_seconds: DEFAULT_TOLERANCE_S,
            required: true,
            on_replay: ReplayPolicy::Reject,
        }
    }
}

// Secrets stay out of logs, including a host's debug output of its configuration.
impl fmt::Debug for SignaturePolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignaturePolicy")
            .field(
                "secrets",
                &format_args!("{} configured", self.secrets.len()),
            )
            .field("tolerance_seconds", &self.tolerance_seconds)
            .field("required", &self.required)
            .field("on_replay", &self.on_replay)
            .finish()
    }
}

/// The gate's configuration as written: the validation [`Options`] and the settings every host
/// shares, one name each. JSON, snake_case; the npm package spells the same names in camelCase
/// and the command line as `--kebab-case` flags, both derived from these.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct GateConfig {
    /// How strictly bodies are checked (`max_bytes`, `max_depth`, `strict`, `reveal_values`,
    /// `max_findings`), at the top level beside the settings below.
    #[serde(flatten)]
    pub options: Options,
    /// Hand on the normalized payload (current names, aliases filled) instead of the bytes.
    pub normalize: bool,
    /// Event names accepted (either naming scheme, or `test-delivery`); absent means all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_events: Option<Vec<String>>,
    /// Signature checking; absent means deliveries are not expected to be signed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature: Option<SignaturePolicy>,
    /// How problem documents are written.
    pub problem: ProblemShape,
}

/// The gate settings beside the validation options, read from the same object.
#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct GateSettings {
    normalize: bool,
    allowed_events: Option<Vec<String>>,
    signature: Option<SignaturePolicy>,
    problem: ProblemShape,
}

impl Default for GateSettings {
    fn default() -> GateSettings {
        let config = GateConfig::default();
        GateSettings {
            normalize: config.normalize,
            allowed_events: config.allowed_events,
            signature: config.signature,
            problem: config.problem,
        }
    }
}

impl GateConfig {
    /// Every top-level name a gate configuration has, validation options first.
    pub const NAMES: [&'static str; 10] = [
        "max_bytes",
        "max_depth",
        "strict",
        "reveal_values",
        "max_findings",
        "overlay",
        "normalize",
        "allowed_events",
        "signature",
        "problem",
    ];

    /// Reads a configuration from a JSON object's members. `host_names` are the settings of the
    /// host reading it (taken out before this is called), named only so that an unknown name's
    /// error lists everything the host accepts. Unknown names are refused: a typo must not leave
    /// a default silently in place.
    pub fn from_members(
        members: Map<String, Value>,
        host_names: &[&str],
    ) -> Result<GateConfig, GateError> {
        if let Some(unknown) = members
            .keys()
            .find(|name| !GateConfig::NAMES.contains(&name.as_str()))
        {
            let mut known: Vec<&str> = GateConfig::NAMES.to_vec();
            known.extend_from_slice(host_names);
            return Err(GateError::UnknownOption {
                name: unknown.clone(),
                known: known.join(", "),
            });
        }
        let (options, settings): (Map<String, Value>, Map<String, Value>) = members
            .into_iter()
            .partition(|(name, _)| Options::NAMES.contains(&name.as_str()));
        let syntax = |error: serde_json::Error| GateError::Syntax {
            message: without_quoted_values(&error.to_string()),
        };
        let options: Options = serde_json::from_value(Value::Object(options)).map_err(syntax)?;
        let settings: GateSettings =
            serde_json::from_value(Value::Object(settings)).map_err(syntax)?;
        Ok(GateConfig {
            options,
            normalize: settings.normalize,
            allowed_events: settings.allowed_events,
            signature: settings.signature,
            problem: settings.problem,
        })
    }

    /// Reads a configuration from JSON text; blank text means every default.
    pub fn from_json(text: &[u8]) -> Result<GateConfig, GateError> {
        match configuration_members(text)? {
            Some(members) => GateConfig::from_members(members, &[]),
            None => Ok(GateConfig::default()),
        }
    }
}

/// The members of a configuration given as JSON text, for every host that reads one from
/// bytes: `None` for blank text (every default), or why it is not a JSON object (the message
/// quotes no value: a mistyped secret must not reach a log).
pub fn configuration_members(text: &[u8]) -> Result<Option<Map<String, Value>>, GateError> {
    if text.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    match serde_json::from_slice(text) {
        Ok(Value::Object(members)) => Ok(Some(members)),
        Ok(_) => Err(GateError::Syntax {
            message: String::from("the configuration must be a JSON object"),
        }),
        Err(error) => Err(GateError::Syntax {
            message: without_quoted_values(&error.to_string()),
        }),
    }
}

impl<'de> Deserialize<'de> for GateConfig {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<GateConfig, D::Error> {
        let members = Map::deserialize(deserializer)?;
        GateConfig::from_members(members, &[]).map_err(serde::de::Error::custom)
    }
}

/// Why a gate could not be built. Never carries a secret or a payload value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum GateError {
    /// A name no host setting has.
    UnknownOption {
        /// The name as written.
        name: String,
        /// Every name accepted, comma-separated.
        known: String,
    },
    /// A value of the wrong type or shape (the message names the field, never the value).
    Syntax {
        /// The JSON reader's message, quoted values left out.
        message: String,
    },
    /// The validation options were refused.
    Options(ConfigError),
    /// An allowed event name is not in the catalog.
    UnknownEvent {
        /// The name as configured.
        name: String,
    },
    /// The signature secrets were refused.
    Secrets(SecretsError),
}

impl GateError {
    /// What to do about it, in one line (hosts print it after the error).
    pub fn advice(&self) -> &'static str {
        match self {
            GateError::UnknownOption { .. } => "check the spelling against the names listed",
            GateError::Syntax { .. } => "check the value's type against the documented options",
            GateError::Options(_) => "choose a value within the limits documented for it",
            GateError::UnknownEvent { .. } => {
                "use a name from `hookguard events` (either naming scheme) or test-delivery"
            }
            GateError::Secrets(_) => {
                "give the webhook secret as Ocrolus shows it (and the previous one while rotating)"
            }
        }
    }
}

impl fmt::Display for GateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GateError::UnknownOption { name, known } => {
                write!(f, "unknown option {name:?} (known: {known})")
            }
            GateError::Syntax { message } => f.write_str(message),
            GateError::Options(error) => error.fmt(f),
            GateError::UnknownEvent { name } => {
                write!(f, "allowed event {name:?} is not a known event name")
            }
            GateError::Secrets(error) => write!(f, "signature: {error}"),
        }
    }
}

impl std::error::Error for GateError {}

/// serde's messages quote the offending value (`invalid type: string "..."`), which for a
/// mistyped `secrets` would print a secret into a log. Field and variant names are in
/// backticks and stay.
pub fn without_quoted_values(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut inside = false;
    for character in message.chars() {
        if character == '"' {
            out.push_str(if inside { "\"" } else { "\"…" });
            inside = !inside;
        } else if !inside {
            out.push(character);
        }
    }
    out
}

/// A set of accepted event names, in canonical form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventFilter {
    names: BTreeSet<&'static str>,
}

impl EventFilter {
    /// Resolves configured names: a legacy name stands for every canonical name it maps to.
    pub fn resolve(configured: &[String]) -> Result<EventFilter, GateError> {
        let mut names = BTreeSet::new();
        for name in configured {
            if name == TEST_DELIVERY {
                names.insert(TEST_DELIVERY);
                continue;
            }
            let Some(spec) = catalog::event(name) else {
                return Err(GateError::UnknownEvent { name: name.clone() });
            };
            names.insert(spec.name);
            names.extend(spec.canonical_names());
        }
        Ok(EventFilter { names })
    }

    /// Whether a delivery accepted under this name ([`accepted_name`]) may pass.
    pub fn allows(&self, name: &str) -> bool {
        self.names.contains(name)
    }
}

/// What a memory of request ids knew of one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    /// Received before, inside the window: a replay.
    Before,
    /// Not received before; now remembered.
    First,
    /// Not received before; remembered in place of an id still inside the window (the memory
    /// is too small for the traffic: a replay of the id it replaced would now pass).
    FirstEvictingUnexpired,
}

/// Where a host remembers the request ids of authentic deliveries. Its reach is the host's:
/// one Envoy process (across its worker VMs), one Node process, one command-line run; a
/// replay sent to another replica is not seen, which is why the verified id is forwarded.
pub trait ReplayMemory {
    /// Why the memory could not be consulted (a host call failed).
    type Error;

    /// Whether `request_id` was received within `window_s` seconds before `now_unix_s`;
    /// remembers it otherwise.
    fn check_and_remember(
        &mut self,
        request_id: &str,
        now_unix_s: i64,
        window_s: u64,
    ) -> Result<Seen, Self::Error>;
}

/// A replay memory inside one process: at most `capacity` ids, the oldest forgotten first,
/// ids older than the window forgotten as they expire.
#[derive(Debug, Clone)]
pub struct InProcessMemory {
    capacity: usize,
    /// Request id -> when it was first received.
    seen: HashMap<String, i64>,
    /// The same ids in the order received, for expiry and eviction.
    order: VecDeque<(i64, String)>,
}

impl InProcessMemory {
    /// A memory of at most `capacity` ids (at least one).
    pub fn new(capacity: usize) -> InProcessMemory {
        InProcessMemory {
            capacity: capacity.max(1),
            seen: HashMap::new(),
            order: VecDeque::new(),
        }
    }
}

impl InProcessMemory {
    /// Forgets the id received first, unless it was received again since (a clock that went
    /// back can leave an older entry behind a newer one).
    fn forget_oldest(&mut self) {
        if let Some((at, id)) = self.order.pop_front()
            && self.seen.get(&id) == Some(&at)
        {
            self.seen.remove(&id);
        }
    }
}

impl Default for InProcessMemory {
    /// Room for 100,000 ids: a receiver's traffic over two tolerances, many times over.
    fn default() -> InProcessMemory {
        InProcessMemory::new(100_000)
    }
}

impl ReplayMemory for InProcessMemory {
    type Error = std::convert::Infallible;

    fn check_and_remember(
        &mut self,
        request_id: &str,
        now_unix_s: i64,
        window_s: u64,
    ) -> Result<Seen, Self::Error> {
        let live = |at: i64| i128::from(now_unix_s) - i128::from(at) <= i128::from(window_s);
        while let Some((at, _)) = self.order.front() {
            if live(*at) {
                break;
            }
            self.forget_oldest();
        }
        if self.seen.get(request_id).is_some_and(|&at| live(at)) {
            return Ok(Seen::Before);
        }
        let mut seen = Seen::First;
        if self.seen.len() >= self.capacity {
            self.forget_oldest();
            seen = Seen::FirstEvictingUnexpired;
        }
        self.seen.insert(request_id.to_owned(), now_unix_s);
        self.order.push_back((now_unix_s, request_id.to_owned()));
        Ok(seen)
    }
}

/// A memory that remembers nothing: every id is new. For hosts that look for replays
/// themselves, in an order of their own (the command line, in input order across workers).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoMemory;

impl ReplayMemory for NoMemory {
    type Error = std::convert::Infallible;

    fn check_and_remember(&mut self, _: &str, _: i64, _: u64) -> Result<Seen, Self::Error> {
        Ok(Seen::First)
    }
}

/// How long a request id must be remembered: a delivery can be replayed while its timestamp
/// is within the tolerance on either side of the clock, so twice the tolerance.
pub fn replay_window(tolerance_seconds: u64) -> u64 {
    tolerance_seconds.saturating_mul(2)
}

/// What the gate found out about a delivery's authenticity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Authenticity {
    /// No signature checking is configured.
    NotChecked,
    /// Signatures are optional and the delivery carries none of the three headers.
    Unsigned,
    /// The signature checked out and the request id is new.
    Verified {
        /// The delivery's `Webhook-Request-Id`.
        request_id: String,
        /// The delivery's `Webhook-Timestamp`, Unix seconds.
        timestamp: i64,
        /// Which configured secret matched (0-based): tells an operator a rotation is over.
        secret_index: usize,
    },
    /// Authentic, but received before inside the window.
    Replayed {
        /// The delivery's `Webhook-Request-Id`.
        request_id: String,
    },
    /// The signature was not accepted.
    Refused(SignatureError),
}

impl Authenticity {
    /// The outcome forwarded to the service: `verified`, `unsigned` or `replayed`.
    pub fn label(&self) -> Option<&'static str> {
        match self {
            Authenticity::Unsigned => Some("unsigned"),
            Authenticity::Verified { .. } => Some("verified"),
            Authenticity::Replayed { .. } => Some("replayed"),
            Authenticity::NotChecked | Authenticity::Refused(_) => None,
        }
    }

    /// The authenticated request id, forwarded so a service behind several replicas can
    /// deduplicate (each replica remembers only its own).
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Authenticity::Verified { request_id, .. } | Authenticity::Replayed { request_id } => {
                Some(request_id)
            }
            _ => None,
        }
    }

    /// The failure's code (`signature_*`), for metrics: refused or replayed deliveries only.
    pub fn failure_code(&self) -> Option<&'static str> {
        match self {
            Authenticity::Refused(error) => Some(error.kind.code()),
            Authenticity::Replayed { .. } => Some(crate::answer::REPLAYED_CODE),
            _ => None,
        }
    }
}

/// Signature checking as checked: the verifier and the settings each delivery needs.
#[derive(Debug)]
struct Signing {
    verifier: Verifier,
    required: bool,
    on_replay: ReplayPolicy,
}

/// Everything the gate concluded about one delivery.
#[derive(Debug, Clone, PartialEq)]
pub struct Admission {
    /// What is known of its authenticity.
    pub authenticity: Authenticity,
    /// The validation report, when the body was validated (not for refused signatures).
    pub report: Option<Report>,
    /// Whether the memory had to forget an id still inside the window to remember this one.
    pub evicted_unexpired: bool,
    verdict: Verdict,
    max_bytes: u64,
}

impl Admission {
    /// The verdict.
    pub fn verdict(&self) -> Verdict {
        self.verdict
    }

    /// The answer to send (and, for a refusal, the problem document to send with it).
    pub fn answer(&self) -> Answer<'_> {
        match (self.verdict, &self.authenticity, &self.report) {
            (Verdict::TooLarge, _, _) => Answer::too_large(self.max_bytes),
            (_, Authenticity::Refused(error), _) => Answer::signature_refused(error),
            (Verdict::Replayed, _, _) => Answer::replayed(),
            (Verdict::EventNotAllowed, _, Some(report)) => Answer::event_not_allowed(report),
            (_, _, Some(report)) => Answer::of_report(report, self.max_bytes),
            (_, _, None) => Answer::not_checked(false),
        }
    }

    /// The name the delivery is accepted and counted under, once validated.
    pub fn event_name(&self) -> Option<&'static str> {
        self.report.as_ref().and_then(|report| match self.verdict {
            Verdict::Valid | Verdict::EventNotAllowed => accepted_name(report),
            _ => report.event_name,
        })
    }
}

/// The gate: a validator, and signature checking when configured. Built once per host
/// configuration; [`Gate::admit`] is called per delivery.
#[derive(Debug)]
pub struct Gate {
    validator: Validator,
    signing: Option<Signing>,
    normalize: bool,
    allowed: Option<EventFilter>,
    problem: ProblemShape,
}

impl Gate {
    /// Checks a configuration completely and builds the gate; nothing is applied otherwise.
    pub fn new(config: GateConfig) -> Result<Gate, GateError> {
        let validator = Validator::new(config.options).map_err(GateError::Options)?;
        let allowed = config
            .allowed_events
            .as_deref()
            .map(EventFilter::resolve)
            .transpose()?;
        let signing = match config.signature {
            None => None,
            Some(policy) => Some(Signing {
                verifier: Verifier::new(
                    crate::signature::Secrets::new(&policy.secrets).map_err(GateError::Secrets)?,
                    policy.tolerance_seconds,
                ),
                required: policy.required,
                on_replay: policy.on_replay,
            }),
        };
        Ok(Gate {
            validator,
            signing,
            normalize: config.normalize,
            allowed,
            problem: config.problem,
        })
    }

    /// The validator (for hosts that also validate bodies outside deliveries).
    pub fn validator(&self) -> &Validator {
        &self.validator
    }

    /// The largest body accepted: hosts stop reading one byte past it.
    pub fn max_bytes(&self) -> u64 {
        self.validator.options().max_bytes
    }

    /// Whether signatures are checked (hosts keep the signature headers only then).
    pub fn checks_signatures(&self) -> bool {
        self.signing.is_some()
    }

    /// Whether valid deliveries are handed on normalized.
    pub fn normalizes(&self) -> bool {
        self.normalize
    }

    /// How problem documents are written.
    pub fn problem_shape(&self) -> &ProblemShape {
        &self.problem
    }

    /// The events accepted when a host has no narrower list of its own.
    pub fn allowed_events(&self) -> Option<&EventFilter> {
        self.allowed.as_ref()
    }

    /// What can be said from the request line and headers alone: a refusal, or `None` to read
    /// the body. `declared_length` is a `Content-Length` when there is one.
    pub fn screen(
        &self,
        method: &[u8],
        content_type: Option<&[u8]>,
        declared_length: Option<u64>,
    ) -> Option<Answer<'static>> {
        if !method.eq_ignore_ascii_case(b"POST") {
            return Some(Answer::method_not_allowed());
        }
        if !content_type.is_some_and(is_json_media_type) {
            return Some(Answer::unsupported_media_type());
        }
        if declared_length.is_some_and(|length| length > self.max_bytes()) {
            return Some(Answer::too_large(self.max_bytes()));
        }
        None
    }

    /// The whole conclusion on one delivery: its size first (hosts stop reading one byte past
    /// the limit), then authenticity (an unsigned or forged delivery is not worth validating), then the replay memory, then validation and the
    /// allowed events (`allowed` narrows or replaces the configured list, as a gateway route
    /// does). `now_unix_s` is the host's clock.
    pub fn admit<M: ReplayMemory>(
        &self,
        headers: &DeliveryHeaders<'_>,
        body: &[u8],
        now_unix_s: i64,
        memory: &mut M,
        allowed: Option<&EventFilter>,
    ) -> Result<Admission, M::Error> {
        let mut admission = Admission {
            authenticity: Authenticity::NotChecked,
            report: None,
            evicted_unexpired: false,
            verdict: Verdict::Valid,
            max_bytes: self.max_bytes(),
        };
        if body.len() as u64 > self.max_bytes() {
            // Refused for its size before anything else, as a host that stops reading there
            // must (the bytes past the limit were never read, so no signature can match).
            admission.verdict = Verdict::TooLarge;
            return Ok(admission);
        }
        if let Some(signing) = &self.signing {
            admission.authenticity = self.authenticate(signing, headers, body, now_unix_s);
            if let Authenticity::Verified { request_id, .. } = &admission.authenticity {
                let window = replay_window(signing.verifier.tolerance_s());
                match memory.check_and_remember(request_id, now_unix_s, window)? {
                    Seen::Before => {
                        let request_id = request_id.clone();
                        admission.authenticity = Authenticity::Replayed { request_id };
                        if signing.on_replay == ReplayPolicy::Reject {
                            admission.verdict = Verdict::Replayed;
                            return Ok(admission);
                        }
                    }
                    Seen::FirstEvictingUnexpired => admission.evicted_unexpired = true,
                    Seen::First => {}
                }
            }
            if let Authenticity::Refused(_) = admission.authenticity {
                admission.verdict = Verdict::SignatureInvalid;
                return Ok(admission);
            }
        }
        let report = if self.normalize {
            self.validator.normalize(body)
        } else {
            self.validator.validate(body)
        };
        admission.verdict = if !report.valid {
            match report.errors.first() {
                Some(first) if first.code == "body_too_large" => Verdict::TooLarge,
                _ => Verdict::Invalid,
            }
        } else {
            let allowed = allowed.or(self.allowed.as_ref());
            let name = accepted_name(&report);
            if allowed.is_none_or(|allowed| name.is_some_and(|name| allowed.allows(name))) {
                Verdict::Valid
            } else {
                Verdict::EventNotAllowed
            }
        };
        admission.report = Some(report);
        Ok(admission)
    }

    /// Authenticity alone, without a memory (a replay cannot be told from a first delivery).
    pub fn verify(
        &self,
        headers: &DeliveryHeaders<'_>,
        body: &[u8],
        now_unix_s: i64,
    ) -> Authenticity {
        match &self.signing {
            None => Authenticity::NotChecked,
            Some(signing) => self.authenticate(signing, headers, body, now_unix_s),
        }
    }

    fn authenticate(
        &self,
        signing: &Signing,
        headers: &DeliveryHeaders<'_>,
        body: &[u8],
        now_unix_s: i64,
    ) -> Authenticity {
        if *headers == DeliveryHeaders::default() && !signing.required {
            return Authenticity::Unsigned;
        }
        match signing.verifier.verify(headers, body, now_unix_s) {
            Ok(verified) => Authenticity::Verified {
                request_id: verified.request_id,
                timestamp: verified.timestamp,
                secret_index: verified.secret_index,
            },
            Err(error) => Authenticity::Refused(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_names_are_the_serialized_names() {
        let value = serde_json::to_value(GateConfig {
            options: Options {
                overlay: Some(serde_json::json!({ "hookguard_overlay": 1 })),
                ..Options::default()
            },
            allowed_events: Some(Vec::new()),
            signature: Some(SignaturePolicy::default()),
            ..GateConfig::default()
        })
        .unwrap();
        let names: Vec<&str> = value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut expected = GateConfig::NAMES.to_vec();
        expected.sort_unstable();
        let mut names = names;
        names.sort_unstable();
        assert_eq!(names, expected);
    }

    #[test]
    fn an_overlay_in_the_configuration_reaches_the_checks_and_a_refused_one_names_its_entry() {
        let body = br#"{"event_name": "book.verified", "status": "BOOK_COMPLETE", "book_pk": 1,
            "book_uuid": "8ef7a1e1-fc97-42f9-81ea-ef357b333117", "book_name": null}"#;
        let gate = |config: &str| Gate::new(GateConfig::from_json(config.as_bytes())?);
        let strict = gate(r#"{"strict": true}"#).unwrap();
        let admitted = strict.admit(&DeliveryHeaders::default(), body, 0, &mut NoMemory, None);
        assert_eq!(admitted.unwrap().verdict(), Verdict::Invalid);
        let overlaid = gate(
            r#"{"strict": true, "overlay": {"hookguard_overlay": 1, "events": {"book.verified":
                {"fields": {"/book_name": {"type": ["string", "null"]}}}}}}"#,
        )
        .unwrap();
        let admitted = overlaid.admit(&DeliveryHeaders::default(), body, 0, &mut NoMemory, None);
        assert_eq!(admitted.unwrap().verdict(), Verdict::Valid);
        let refused = gate(
            r#"{"overlay": {"hookguard_overlay": 1, "events": {"book.verified":
                {"fields": {"/book_pk": {"type": "string"}}}}}}"#,
        )
        .unwrap_err();
        assert!(
            refused
                .to_string()
                .starts_with(r#"overlay: events."book.verified".fields."/book_pk": would change"#),
            "{refused}"
        );
    }

    #[test]
    fn unknown_names_are_refused_listing_what_is_known() {
        let error = GateConfig::from_json(br#"{"max_body_bytes": 10}"#).unwrap_err();
        let message = error.to_string();
        assert!(
            message.starts_with("unknown option \"max_body_bytes\""),
            "{message}"
        );
        assert!(message.contains("max_bytes"), "{message}");
        assert!(matches!(
            GateConfig::from_json(br#"{"signature": {"secrets": ["s"], "tolerance_s": 5}}"#),
            Err(GateError::Syntax { .. })
        ));
        let mistyped = GateConfig::from_json(br#"{"signature": {"secrets": "whsec_typo"}}"#)
            .unwrap_err()
            .to_string();
        assert!(!mistyped.contains("whsec_typo"), "{mistyped}");
    }

    #[test]
    fn in_process_memory_remembers_within_the_window_and_stays_bounded() {
        let mut memory = InProcessMemory::new(3);
        let mut check = |id: &str, now| memory.check_and_remember(id, now, 600).unwrap();
        assert_eq!(check("a", 100), Seen::First);
        assert_eq!(check("a", 700), Seen::Before);
        assert_eq!(check("a", 701), Seen::First, "expired ids are not replays");
        assert_eq!(check("b", 701), Seen::First);
        assert_eq!(check("c", 701), Seen::First);
        assert_eq!(check("d", 701), Seen::FirstEvictingUnexpired);
        assert_eq!(check("d", 702), Seen::Before);
    }
}
