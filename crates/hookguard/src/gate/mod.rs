//! The gate every host puts in front of a service: from what a host has (a method, a content
//! type, the signature headers, the body, a clock, a memory of request ids) to the whole
//! conclusion: authenticity, replay, validation, the [`Answer`] to send and the facts to forward.
//!
//! Hosts differ only in where their inputs come from and how they write the result: the
//! gateway filter reads Envoy's header map, the npm and Python packages their runtime's request.
//! A memory that answers at once (a process's, Envoy's shared data) implements
//! [`DeliveryMemory`] and goes to [`Gate::admit`]; a shared store over the network is asked
//! between [`Gate::examine`] and [`Admission::conclude`], with the commands of [`store`].
//! Nothing about signatures, copies of a delivery, options or answers (their status, headers
//! and bytes, the handler-failed [`Reply`], the [`Outcome`] of a service's status, how much of
//! a body to read: [`Gate::read_limit`]) is decided anywhere else.

pub mod answer;
pub mod delivery;
pub mod quarantine;
pub mod signature;
pub mod store;

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::check::report::Report;
use crate::check::validator::Validator;
use crate::contract::catalog;
use crate::contract::options::{ConfigError, Options};
use crate::contract::schema::TEST_DELIVERY;
use crate::contract::settings::Settings;
use crate::gate::answer::{
    Answer, ProblemShape, Verdict, accepted_name, is_json_media_type, refused_for_size,
};
use crate::gate::signature::{
    DEFAULT_TOLERANCE_S, DeliveryHeaders, SecretsError, SignatureError, Verifier,
};
use crate::json::intake::{self, IntakeErrorKind, IntakeLimits};

pub use crate::gate::answer::Reply;
pub use crate::gate::delivery::{
    Claim, DeliveryMemory, DuplicatePolicy, InProcessMemory, Lifetimes, NoMemory, Outcome, Ticket,
};
pub use crate::gate::quarantine::{Entry, QuarantineAnswer, QuarantinePolicy, Received};
pub use crate::gate::store::StorePolicy;
/// A second name of [`DuplicatePolicy`], kept for code written against it.
#[deprecated(note = "use DuplicatePolicy: one name per thing")]
pub type ReplayPolicy = DuplicatePolicy;

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
    /// What to do with an authentic copy of a delivery the service already took (answered
    /// 2xx): `acknowledge` (200, not forwarded; the default), `reject` (409) or `pass`
    /// (forwarded marked `replayed`).
    pub on_replay: DuplicatePolicy,
    /// How long a forwarded delivery holds its request id while the service has not answered:
    /// copies arriving meanwhile are told to come back (503, `Retry-After`). It only matters
    /// when a host dies before the answer; make it longer than the service's timeout. Default
    /// 60.
    pub in_flight_seconds: u64,
}

/// The default of [`SignaturePolicy::in_flight_seconds`].
pub const DEFAULT_IN_FLIGHT_SECONDS: u64 = 60;

/// The longest `Retry-After` a copy in flight is given: most first attempts are answered
/// within seconds, and a sender that comes back too early is told again.
pub const MAX_RETRY_AFTER_SECONDS: u64 = 10;

impl Default for SignaturePolicy {
    fn default() -> SignaturePolicy {
        SignaturePolicy {
            secrets: Vec::new(),
            tolerance_seconds: DEFAULT_TOLERANCE_S,
            required: true,
            on_replay: DuplicatePolicy::Acknowledge,
            in_flight_seconds: DEFAULT_IN_FLIGHT_SECONDS,
        }
    }
}

impl SignaturePolicy {
    /// Reads a `signature` object's members (for a host that checks signatures alone, its
    /// options); absent settings keep their defaults, unknown names are refused. `host_names`
    /// are settings of the host's own among them (the clock, the headers of a request), left
    /// for the host to read.
    pub fn from_members(
        members: Map<String, Value>,
        host_names: &[&str],
    ) -> Result<SignaturePolicy, GateError> {
        SignaturePolicy::read(members, host_names, "")
            .map_err(|message| GateError::Syntax { message })
    }

    /// [`SignaturePolicy::from_members`] for the object at `scope` (`signature.`).
    fn read(
        members: Map<String, Value>,
        host_names: &[&str],
        scope: &'static str,
    ) -> Result<SignaturePolicy, String> {
        let mut settings = Settings::beside(
            members,
            &[
                "secrets",
                "tolerance_seconds",
                "required",
                "on_replay",
                "in_flight_seconds",
            ],
            host_names,
            scope,
        )?;
        let defaults = SignaturePolicy::default();
        let policies = [
            DuplicatePolicy::Acknowledge,
            DuplicatePolicy::Reject,
            DuplicatePolicy::Pass,
        ]
        .map(|policy| (policy.label(), policy));
        Ok(SignaturePolicy {
            secrets: settings.texts("secrets")?,
            tolerance_seconds: settings.count("tolerance_seconds", defaults.tolerance_seconds)?,
            required: settings.flag("required", defaults.required)?,
            on_replay: settings.choice("on_replay", defaults.on_replay, &policies)?,
            in_flight_seconds: settings.count("in_flight_seconds", defaults.in_flight_seconds)?,
        })
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
            .field("in_flight_seconds", &self.in_flight_seconds)
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
    /// Keep authentic deliveries refused for their content; absent means none are kept.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quarantine: Option<QuarantinePolicy>,
}

impl GateConfig {
    /// Every top-level name a gate configuration has, validation options first.
    pub const NAMES: [&'static str; 11] = [
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
        "quarantine",
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
        GateConfig::read(members).map_err(|message| GateError::Syntax { message })
    }

    /// [`GateConfig::from_members`] once the names are known to be the configuration's.
    fn read(members: Map<String, Value>) -> Result<GateConfig, String> {
        let mut settings = Settings::new(members, &GateConfig::NAMES, "")?;
        let defaults = GateConfig::default();
        Ok(GateConfig {
            options: Options::read(&mut settings)?,
            normalize: settings.flag("normalize", defaults.normalize)?,
            allowed_events: settings.optional_texts("allowed_events")?,
            signature: settings
                .optional_object("signature")?
                .map(|members| SignaturePolicy::read(members, &[], "signature."))
                .transpose()?,
            problem: match settings.object("problem")? {
                Some(members) => ProblemShape::read(members, "problem.")?,
                None => defaults.problem,
            },
            quarantine: settings
                .optional_object("quarantine")?
                .map(|members| QuarantinePolicy::read(members, "quarantine."))
                .transpose()?,
        })
    }

    /// Every setting as a host checks its shape before the core reads it: per name its JSON
    /// type (`boolean`, `integer`, `string`, `array`, `object`), its default when it has one,
    /// its ceiling for a limit (`maximum`), whether it is one of [`Options::NAMES`] (`validation`:
    /// what a bare validation takes), and the members of a grouped setting (`signature`,
    /// `problem`) described the same way. Read off the defaults themselves (a test holds every
    /// entry to their serialization), so a host that reads it (the Python package) never
    /// restates a name, a type or a default.
    pub fn describe() -> Value {
        serde_json::from_str(&GateConfig::describe_json()).unwrap_or(Value::Null)
    }

    /// [`GateConfig::describe`] as JSON text, written directly: through serde's value
    /// serializer it cost each module some 24 KB, through a built `Value` 14 KB.
    pub fn describe_json() -> String {
        use crate::contract::options::{
            MAX_BYTES_CEILING, MAX_DEPTH_CEILING, MAX_FINDINGS_CEILING,
        };
        let options = Options::default();
        let signature = SignaturePolicy::default();
        let problem = ProblemShape::default();
        let text = |value: &str| Value::from(value).to_string();
        let with_default =
            |kind: &str, default: &str| format!(r#""type":"{kind}","default":{default}"#);
        let limit = |default: u64, ceiling: u64| {
            format!(r#""type":"integer","default":{default},"maximum":{ceiling}"#)
        };
        let flag = |default: bool| with_default("boolean", if default { "true" } else { "false" });
        let mut out = String::from("{");
        for name in GateConfig::NAMES {
            let entry = match name {
                "max_bytes" => limit(options.max_bytes, MAX_BYTES_CEILING),
                "max_depth" => limit(options.max_depth, MAX_DEPTH_CEILING),
                "max_findings" => limit(options.max_findings, MAX_FINDINGS_CEILING),
                "strict" => flag(options.strict),
                "reveal_values" => flag(options.reveal_values),
                "normalize" => flag(GateConfig::default().normalize),
                "overlay" => String::from(r#""type":"object""#),
                "allowed_events" => String::from(r#""type":"array""#),
                "signature" => format!(
                    r#""type":"object","members":{{"secrets":{{{}}},"tolerance_seconds":{{{}}},"required":{{{}}},"on_replay":{{{}}},"in_flight_seconds":{{{}}}}}"#,
                    with_default("array", "[]"),
                    with_default("integer", &signature.tolerance_seconds.to_string()),
                    flag(signature.required),
                    with_default("string", &text(signature.on_replay.label())),
                    with_default("integer", &signature.in_flight_seconds.to_string()),
                ),
                "problem" => format!(
                    r#""type":"object","members":{{"include_errors":{{{}}},"type_prefix":{{{}}}}}"#,
                    flag(problem.include_errors),
                    with_default("string", &text(&problem.type_prefix)),
                ),
                "quarantine" => {
                    let quarantine = QuarantinePolicy::default();
                    format!(
                        r#""type":"object","members":{{"directory":{{"type":"string"}},"max_entries":{{{}}},"max_bytes":{{{}}},"keep_seconds":{{{}}},"unsigned":{{{}}},"answer":{{{}}},"store_down":{{{}}}}}"#,
                        with_default("integer", &quarantine.max_entries.to_string()),
                        with_default("integer", &quarantine.max_bytes.to_string()),
                        with_default("integer", &quarantine.keep_seconds.to_string()),
                        flag(quarantine.unsigned),
                        with_default("string", &text(quarantine.answer.label())),
                        with_default("string", &text(quarantine.store_down.label())),
                    )
                }
                _ => String::new(),
            };
            if out.len() > 1 {
                out.push(',');
            }
            let validation = Options::NAMES.contains(&name);
            out.push_str(&format!(
                r#""{name}":{{{entry},"validation":{validation}}}"#
            ));
        }
        out.push('}');
        out
    }

    /// Reads a configuration from JSON text; blank text means every default.
    pub fn from_json(text: &[u8]) -> Result<GateConfig, GateError> {
        match configuration_members(text)? {
            Some(members) => GateConfig::from_members(members, &[]),
            None => Ok(GateConfig::default()),
        }
    }
}

/// How deep a configuration may nest (an overlay is the deepest part, three or four levels).
const CONFIGURATION_DEPTH: usize = 32;

/// The members of a configuration given as JSON text, for every host that reads one from
/// bytes: `None` for blank text (every default), or why it is not a JSON object (the message
/// quotes no value: a mistyped secret must not reach a log). Read by the core's own reader,
/// under intake's rules (a repeated name is refused rather than silently overriding the first).
pub fn configuration_members(text: &[u8]) -> Result<Option<Map<String, Value>>, GateError> {
    if text.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let limits = IntakeLimits {
        max_bytes: usize::MAX,
        max_depth: CONFIGURATION_DEPTH,
    };
    intake::parse(text, limits)
        .map(Some)
        .map_err(|error| GateError::Syntax {
            message: match error.kind {
                IntakeErrorKind::NotAnObject { .. } => {
                    String::from("the configuration must be a JSON object")
                }
                _ => format!("the configuration is not valid JSON: {error}"),
            },
        })
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
    /// The quarantine was refused (no signature checked without the `unsigned` opt-in, or a
    /// bound of zero).
    Quarantine {
        /// What is wrong.
        reason: &'static str,
    },
    /// The quarantine's store cannot be used (a directory that cannot be written): refused at
    /// start, not at the first refused delivery.
    QuarantineStore {
        /// What the store said (names the place, never a value).
        message: String,
    },
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
            GateError::QuarantineStore { .. } => {
                "make the quarantine directory writable by this process, or choose another"
            }
            GateError::Quarantine { .. } => {
                "configure `signature` (or set quarantine.unsigned: true knowing anyone can fill it), and bounds above zero"
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
            GateError::Quarantine { reason } => write!(f, "quarantine: {reason}"),
            GateError::QuarantineStore { message } => write!(f, "quarantine: {message}"),
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
    /// The signature checked out (whether the request id was seen before is the delivery
    /// memory's to say, after validation: [`Admission::conclude`]).
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
            Authenticity::Replayed { .. } => Some(crate::gate::answer::REPLAYED_CODE),
            _ => None,
        }
    }
}

/// Signature checking as checked: the verifier and the settings each delivery needs.
#[derive(Debug)]
struct Signing {
    verifier: Verifier,
    required: bool,
    on_replay: DuplicatePolicy,
    lifetimes: Lifetimes,
}

/// Everything the gate concluded about one delivery.
#[derive(Debug, Clone, PartialEq)]
pub struct Admission {
    /// What is known of its authenticity.
    pub authenticity: Authenticity,
    /// The validation report, when the body was validated (not for refused signatures).
    pub report: Option<Report>,
    /// Whether the memory had to forget a live id to hold this one (it is too small).
    pub evicted_unexpired: bool,
    verdict: Verdict,
    max_bytes: u64,
    /// An authentic, valid delivery whose request id the memory has not been asked about yet.
    pending: Option<DuplicatePolicy>,
    /// The claim this delivery holds: settle it when the service has answered.
    ticket: Option<Ticket>,
    /// For a copy in flight: when to come back.
    retry_after_seconds: u64,
    /// What became of it in the quarantine.
    kept: Keeping,
}

/// What became of a delivery in the quarantine.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Keeping {
    /// Not kept (not configured, or not a delivery the quarantine takes).
    Not,
    /// Kept as the entry of this id.
    As(String),
    /// The store could not take it, and `store_down: refuse` turned the refusal into a 503.
    Unreachable,
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
            (Verdict::StoreUnavailable, _, _) if self.kept == Keeping::Unreachable => {
                Answer::quarantine_unavailable()
            }
            (Verdict::StoreUnavailable, _, _) => Answer::store_unavailable(),
            (Verdict::Duplicate, _, _) => Answer::duplicate(self.event_name()),
            (Verdict::InFlight, _, _) => {
                Answer::in_flight(self.event_name(), self.retry_after_seconds)
            }
            (Verdict::EventNotAllowed, _, Some(report)) => Answer::event_not_allowed(report),
            (Verdict::Quarantined, _, Some(report)) => Answer::quarantined(report),
            (_, _, Some(report)) => Answer::of_report(report, self.max_bytes),
            (_, _, None) => Answer::not_checked(false),
        }
        .kept_as(self.quarantine_entry())
    }

    /// The quarantine entry this delivery was kept as ([`Gate::quarantined`]).
    pub fn quarantine_entry(&self) -> Option<&str> {
        match &self.kept {
            Keeping::As(id) => Some(id),
            Keeping::Not | Keeping::Unreachable => None,
        }
    }

    /// The name the delivery is accepted and counted under, once validated.
    pub fn event_name(&self) -> Option<&'static str> {
        self.report.as_ref().and_then(|report| match self.verdict {
            Verdict::Valid
            | Verdict::EventNotAllowed
            | Verdict::Duplicate
            | Verdict::InFlight
            | Verdict::Replayed => accepted_name(report),
            _ => report.event_name,
        })
    }

    /// The request id to claim in the host's memory before this delivery may be forwarded:
    /// an authentic, valid delivery that [`Gate::examine`] concluded on. Hand the memory's
    /// answer to [`Admission::conclude`].
    pub fn pending_claim(&self) -> Option<&str> {
        self.pending.and(self.authenticity.request_id())
    }

    /// Applies the memory's answer to a pending claim (nothing happens without one): a taken
    /// claim lets the delivery through holding a [`Ticket`]; a copy of an id in flight is told
    /// to come back; a copy of a delivered one is acknowledged, refused or passed marked, as
    /// configured.
    pub fn conclude(&mut self, claim: Claim) {
        let Some(policy) = self.pending.take() else {
            return;
        };
        let Some(request_id) = self.authenticity.request_id().map(str::to_owned) else {
            return;
        };
        match claim {
            Claim::Taken {
                token,
                evicted_unexpired,
            } => {
                self.evicted_unexpired = evicted_unexpired;
                self.ticket = Some(Ticket { request_id, token });
            }
            Claim::InFlight { lapses_in_seconds } => {
                self.verdict = Verdict::InFlight;
                self.retry_after_seconds = lapses_in_seconds.clamp(1, MAX_RETRY_AFTER_SECONDS);
            }
            Claim::Delivered => {
                self.authenticity = Authenticity::Replayed { request_id };
                self.verdict = match policy {
                    DuplicatePolicy::Acknowledge => Verdict::Duplicate,
                    DuplicatePolicy::Reject => Verdict::Replayed,
                    DuplicatePolicy::Pass => Verdict::Valid,
                };
            }
        }
    }

    /// The claim this delivery holds, once forwarded: settle it with the service's answer
    /// ([`Gate::settle`]), or with [`Outcome::Failed`] when it never comes.
    pub fn ticket(&self) -> Option<&Ticket> {
        self.ticket.as_ref()
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
    quarantine: Option<QuarantinePolicy>,
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
                    crate::gate::signature::Secrets::new(&policy.secrets)
                        .map_err(GateError::Secrets)?,
                    policy.tolerance_seconds,
                ),
                required: policy.required,
                on_replay: policy.on_replay,
                lifetimes: Lifetimes {
                    in_flight_seconds: policy.in_flight_seconds.max(1),
                    delivered_seconds: replay_window(policy.tolerance_seconds),
                },
            }),
        };
        if let Some(quarantine) = &config.quarantine {
            let refuse = |reason| Err(GateError::Quarantine { reason });
            if signing.is_none() && !quarantine.unsigned {
                return refuse(
                    "no signature is checked, so anyone could fill the quarantine; configure `signature`, or set `unsigned: true`",
                );
            }
            if quarantine.max_entries == 0
                || quarantine.max_bytes == 0
                || quarantine.keep_seconds == 0
            {
                return refuse("max_entries, max_bytes and keep_seconds must be above zero");
            }
        }
        Ok(Gate {
            validator,
            signing,
            normalize: config.normalize,
            allowed,
            problem: config.problem,
            quarantine: config.quarantine,
        })
    }

    /// The validator (for hosts that also validate bodies outside deliveries).
    pub fn validator(&self) -> &Validator {
        &self.validator
    }

    /// The largest body accepted.
    pub fn max_bytes(&self) -> u64 {
        self.validator.options().max_bytes
    }

    /// How many bytes of a body a host reads at most: one past [`Gate::max_bytes`], enough to
    /// know a body is too large without holding more of it.
    pub fn read_limit(&self) -> u64 {
        self.max_bytes().saturating_add(1)
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

    /// The quarantine, when configured.
    pub fn quarantine(&self) -> Option<&QuarantinePolicy> {
        self.quarantine.as_ref()
    }

    /// The entry to keep for a delivery [`Gate::examine`] refused, when the quarantine takes
    /// it: refused as `invalid` (unreadable, not an event, an unknown event, a schema
    /// violation; never for its size, method, media type or signature, never a copy), and
    /// authentic (a verified signature), or unsigned with the `unsigned` opt-in; small enough
    /// for the bounds. The host writes [`Entry::bytes`] to its store (unless an entry of that
    /// id is there already: a retry), then tells the admission: [`Gate::quarantined`], or
    /// [`Gate::quarantine_unreachable`] when the store could not take it.
    pub fn quarantine_entry(
        &self,
        admission: &Admission,
        received: &Received<'_>,
        now_unix_s: i64,
    ) -> Option<Entry> {
        let policy = self.quarantine.as_ref()?;
        let report = admission.report.as_ref()?;
        let authentic = match admission.authenticity {
            Authenticity::Verified { .. } => true,
            Authenticity::NotChecked | Authenticity::Unsigned => policy.unsigned,
            Authenticity::Replayed { .. } | Authenticity::Refused(_) => false,
        };
        if admission.verdict != Verdict::Invalid || !authentic {
            return None;
        }
        let entry = quarantine::entry(received, report, Verdict::Invalid.label(), now_unix_s);
        quarantine::fits(policy, entry.len()).then_some(entry)
    }

    /// Records that the delivery is kept as entry `entry_id` (kept now, or by an earlier
    /// attempt): its answer names the entry, and with `answer: accept` becomes 202
    /// `quarantined`.
    pub fn quarantined(&self, admission: &mut Admission, entry_id: &str) {
        let Some(policy) = &self.quarantine else {
            return;
        };
        admission.kept = Keeping::As(entry_id.to_owned());
        if policy.answer == QuarantineAnswer::Accept && admission.verdict == Verdict::Invalid {
            admission.verdict = Verdict::Quarantined;
        }
    }

    /// The answers a host sends for a delivery it keeps, without changing the admission:
    /// `(kept, unreachable)`, as [`Gate::quarantined`] and [`Gate::quarantine_unreachable`]
    /// would make them. For hosts that hand both to code that does the keeping (the npm and
    /// Python packages), so that keeping costs no second call into the core.
    pub fn quarantine_answers<'a>(
        &self,
        admission: &'a Admission,
        entry_id: &'a str,
    ) -> (Answer<'a>, Answer<'a>) {
        let refusal = admission.answer();
        let Some(policy) = &self.quarantine else {
            return (refusal.clone(), refusal);
        };
        let kept = match (policy.answer, &admission.report) {
            (QuarantineAnswer::Accept, Some(report)) if admission.verdict == Verdict::Invalid => {
                Answer::quarantined(report)
            }
            _ => refusal.clone(),
        }
        .kept_as(Some(entry_id));
        let unreachable = match policy.store_down {
            StorePolicy::Refuse if admission.verdict == Verdict::Invalid => {
                Answer::quarantine_unavailable()
            }
            _ => refusal,
        };
        (kept, unreachable)
    }

    /// Records that the store could not take the entry, under `store_down`: `refuse` answers
    /// 503 with `Retry-After` (the sender comes back; the delivery is not lost), `process`
    /// leaves the refusal as it is. Either way the host counts and logs it
    /// ([`quarantine::unreachable_line`]).
    pub fn quarantine_unreachable(&self, admission: &mut Admission) {
        let Some(policy) = &self.quarantine else {
            return;
        };
        if policy.store_down == StorePolicy::Refuse && admission.verdict == Verdict::Invalid {
            admission.verdict = Verdict::StoreUnavailable;
            admission.kept = Keeping::Unreachable;
        }
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

    /// How long request ids stay in flight and delivered, when signatures are checked (only
    /// then is a request id authentic, and remembered).
    pub fn lifetimes(&self) -> Option<Lifetimes> {
        self.signing.as_ref().map(|signing| signing.lifetimes)
    }

    /// The whole conclusion on one delivery, with a memory the host can ask at once:
    /// [`Gate::examine`], then the memory's claim on an authentic valid delivery
    /// ([`Admission::conclude`]). A delivery that passes holding a [`Admission::ticket`] must
    /// be settled ([`Gate::settle`]) when the service has answered.
    pub fn admit<M: DeliveryMemory>(
        &self,
        headers: &DeliveryHeaders<'_>,
        body: &[u8],
        now_unix_s: i64,
        memory: &mut M,
        allowed: Option<&EventFilter>,
    ) -> Result<Admission, M::Error> {
        let mut admission = self.examine(headers, body, now_unix_s, allowed);
        self.claim(&mut admission, now_unix_s, memory)?;
        Ok(admission)
    }

    /// Asks `memory` to claim the request id an admission of [`Gate::examine`] left pending,
    /// and concludes the admission with its answer ([`Admission::conclude`]); nothing happens
    /// without a pending claim. For hosts that examine first and pick the memory after (the
    /// gateway falls back to its shared data when its shared store cannot be reached).
    pub fn claim<M: DeliveryMemory>(
        &self,
        admission: &mut Admission,
        now_unix_s: i64,
        memory: &mut M,
    ) -> Result<(), M::Error> {
        if let (Some(request_id), Some(lifetimes)) = (admission.pending_claim(), self.lifetimes()) {
            let claim = memory.claim(request_id, now_unix_s, lifetimes)?;
            admission.conclude(claim);
        }
        Ok(())
    }

    /// A pending claim whose shared store could not be asked (an error, no answer in time, a
    /// reply that is not the protocol's), under `policy`: `Refuse` concludes the admission as
    /// `store_unavailable` (503 with `Retry-After`; it holds no claim); `Process` claims it in
    /// `memory`, the host's own. Either way the host counts and logs it
    /// ([`StorePolicy::claim_failed_line`]).
    pub fn store_unreachable<M: DeliveryMemory>(
        &self,
        admission: &mut Admission,
        policy: StorePolicy,
        now_unix_s: i64,
        memory: &mut M,
    ) -> Result<(), M::Error> {
        if admission.pending.is_none() {
            return Ok(());
        }
        match policy {
            StorePolicy::Refuse => {
                admission.pending = None;
                admission.verdict = Verdict::StoreUnavailable;
                Ok(())
            }
            StorePolicy::Process => self.claim(admission, now_unix_s, memory),
        }
    }

    /// Ends the claim a forwarded delivery holds, with the service's answer.
    pub fn settle<M: DeliveryMemory>(
        &self,
        ticket: &Ticket,
        outcome: Outcome,
        now_unix_s: i64,
        memory: &mut M,
    ) -> Result<(), M::Error> {
        match self.lifetimes() {
            Some(lifetimes) => memory.settle(ticket, outcome, now_unix_s, lifetimes),
            None => Ok(()),
        }
    }

    /// Everything but the memory: its size first (hosts stop reading one byte past the
    /// limit), then authenticity (an unsigned or forged delivery is not worth validating),
    /// then validation and the allowed events (`allowed` narrows or replaces the configured
    /// list, as a gateway route does). `now_unix_s` is the host's clock. An authentic valid
    /// delivery comes back with a [`Admission::pending_claim`], for hosts whose memory answers
    /// later (a store over the network): a delivery refused for what it carries is never
    /// claimed, so it can never be remembered as delivered.
    pub fn examine(
        &self,
        headers: &DeliveryHeaders<'_>,
        body: &[u8],
        now_unix_s: i64,
        allowed: Option<&EventFilter>,
    ) -> Admission {
        let mut admission = Admission {
            authenticity: Authenticity::NotChecked,
            report: None,
            evicted_unexpired: false,
            verdict: Verdict::Valid,
            max_bytes: self.max_bytes(),
            pending: None,
            ticket: None,
            retry_after_seconds: 0,
            kept: Keeping::Not,
        };
        if body.len() as u64 > self.max_bytes() {
            // Refused for its size before anything else, as a host that stops reading there
            // must (the bytes past the limit were never read, so no signature can match).
            admission.verdict = Verdict::TooLarge;
            return admission;
        }
        if let Some(signing) = &self.signing {
            admission.authenticity = self.authenticate(signing, headers, body, now_unix_s);
            if let Authenticity::Refused(_) = admission.authenticity {
                admission.verdict = Verdict::SignatureInvalid;
                return admission;
            }
        }
        let report = if self.normalize {
            self.validator.normalize(body)
        } else {
            self.validator.validate(body)
        };
        admission.verdict = if !report.valid {
            if refused_for_size(&report) {
                Verdict::TooLarge
            } else {
                Verdict::Invalid
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
        if admission.verdict == Verdict::Valid
            && let (Some(signing), Authenticity::Verified { .. }) =
                (&self.signing, &admission.authenticity)
        {
            admission.pending = Some(signing.on_replay);
        }
        admission
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
            quarantine: Some(QuarantinePolicy::default()),
            ..GateConfig::default()
        })
        .unwrap();
        assert_eq!(sorted_names(&value), sorted_names_of_config());
    }

    /// An object's member names, sorted.
    fn sorted_names(value: &Value) -> Vec<&str> {
        let mut names: Vec<&str> = value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        names.sort_unstable();
        names
    }

    /// [`GateConfig::NAMES`], sorted.
    fn sorted_names_of_config() -> Vec<&'static str> {
        let mut expected = GateConfig::NAMES.to_vec();
        expected.sort_unstable();
        expected
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
    fn the_description_names_every_setting_with_its_type_and_default() {
        let described = GateConfig::describe();
        assert_eq!(sorted_names(&described), sorted_names_of_config());
        assert_eq!(described["max_bytes"]["type"], "integer");
        assert_eq!(described["max_bytes"]["default"], 1024 * 1024);
        assert_eq!(described["max_bytes"]["maximum"], 8 * 1024 * 1024);
        assert_eq!(described["max_bytes"]["validation"], true);
        assert_eq!(described["strict"]["type"], "boolean");
        assert_eq!(described["overlay"]["type"], "object");
        assert_eq!(described["allowed_events"]["type"], "array");
        assert_eq!(described["normalize"]["validation"], false);
        let signature = &described["signature"]["members"];
        assert_eq!(signature["secrets"]["type"], "array");
        assert_eq!(signature["tolerance_seconds"]["default"], 300);
        assert_eq!(signature["on_replay"]["default"], "acknowledge");
        assert_eq!(
            described["problem"]["members"]["type_prefix"]["type"],
            "string"
        );
        // Every entry is what the defaults serialize to: the same default, its JSON type.
        let defaults = serde_json::to_value(GateConfig {
            signature: Some(SignaturePolicy::default()),
            ..GateConfig::default()
        })
        .unwrap();
        let kind = |value: &Value| match value {
            Value::Bool(_) => "boolean",
            Value::Number(_) => "integer",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
            Value::Null => "null",
        };
        let hold = |entry: &Value, default: &Value, name: &str| {
            assert_eq!(entry["type"], kind(default), "{name}");
            match entry.get("members") {
                Some(members) => {
                    let members = members.as_object().unwrap();
                    let serialized = default.as_object().unwrap();
                    assert_eq!(
                        members.keys().collect::<Vec<_>>(),
                        serialized.keys().collect::<Vec<_>>(),
                        "{name}"
                    );
                    for (member, described) in members {
                        assert_eq!(described["default"], serialized[member], "{name}.{member}");
                        assert_eq!(
                            described["type"],
                            kind(&serialized[member]),
                            "{name}.{member}"
                        );
                    }
                }
                None => assert_eq!(&entry["default"], default, "{name}"),
            }
        };
        for (name, default) in defaults.as_object().unwrap() {
            hold(&described[name.as_str()], default, name);
        }
        // Every member described is one the configuration reads, and no other.
        let config = serde_json::json!({
            "signature": signature.as_object().unwrap().iter()
                .map(|(name, entry)| (name.clone(), entry["default"].clone()))
                .collect::<Map<String, Value>>(),
        });
        assert!(GateConfig::from_json(config.to_string().as_bytes()).is_ok());
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
}
