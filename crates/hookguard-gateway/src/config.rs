//! The filter's configuration: the JSON an operator writes (Envoy's `configuration`, Istio's
//! `pluginConfig`), checked completely before anything is applied.

use std::collections::BTreeSet;
use std::fmt;
use std::rc::Rc;

use hookguard::catalog::{self, EVENTS};
use hookguard::schema::TEST_DELIVERY;
use hookguard::signature::{Secrets, Verifier};
use hookguard::{Options, Validator};
use serde::Deserialize;

/// What the filter does with a delivery that fails a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Answer with a problem response; the delivery never reaches the upstream.
    Enforce,
    /// Log and count, then let the delivery through with its verdict in a header.
    Monitor,
    /// Do not look at the request at all (health checks, other APIs behind the same listener).
    Off,
}

/// What the filter does when it cannot reach a verdict (a host call failed, the validator
/// could not be built).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailurePolicy {
    /// Answer 500 (Ocrolus retries failed deliveries, so nothing is lost).
    FailClosed,
    /// Let the request through, marked `unchecked`.
    FailOpen,
}

/// Settings for requests whose path starts with `path_prefix`; the longest matching prefix
/// wins. Envoy cannot hand a wasm filter per-route configuration, so routes live here.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteConfig {
    /// Matched against the request path without its query string, byte for byte.
    pub path_prefix: String,
    /// Overrides the top-level mode on this route.
    #[serde(default)]
    pub mode: Option<Mode>,
    /// Overrides the top-level allowed events on this route.
    #[serde(default)]
    pub allowed_events: Option<Vec<String>>,
}

/// The shape of problem responses.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ResponseConfig {
    /// List the findings (`instanceLocation`, `keywordLocation`, `error`) in the problem body:
    /// at most `max_findings` of them, the rest counted in `errorsOmitted`.
    pub include_errors: bool,
    /// Prefix of the problem `type` URIs; the problem's name follows it.
    pub type_prefix: String,
}

impl Default for ResponseConfig {
    fn default() -> ResponseConfig {
        ResponseConfig {
            include_errors: true,
            type_prefix: String::from("urn:hookguard:problem:"),
        }
    }
}

/// What to do with an authentic delivery whose `Webhook-Request-Id` was already seen inside
/// the tolerance window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplayPolicy {
    /// Answer 409: the upstream already has it.
    Reject,
    /// Forward it marked with the duplicate header, for an upstream that deduplicates itself.
    Pass,
}

/// Signature checking (Ocrolus signs deliveries when a webhook secret is configured).
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignatureConfig {
    /// The webhook secrets: the current one, and the previous one during a rotation.
    pub secrets: Vec<String>,
    /// How far `Webhook-Timestamp` may be from Envoy's clock, either way.
    #[serde(default = "default_tolerance")]
    pub tolerance_s: u64,
    /// Refuse unsigned deliveries. When false, a delivery without any signature header passes
    /// unchecked (marked `unsigned`), but a signed one must still verify.
    #[serde(default = "default_true")]
    pub required: bool,
    /// What to do with a replayed delivery.
    #[serde(default = "default_replay_policy")]
    pub on_replay: ReplayPolicy,
    /// Request ids remembered across all of Envoy's worker VMs (shared data): memory is bounded
    /// by this many entries. Size it at several times the signed deliveries expected per two
    /// tolerances (the replay window): ids spread over buckets of 8 unevenly, and
    /// `hookguard.replay.evicted_unexpired` counts those forgotten early.
    #[serde(default = "default_replay_slots")]
    pub replay_slots: u32,
}

// Secrets stay out of logs, including Envoy's debug logs of a configuration.
impl std::fmt::Debug for SignatureConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignatureConfig")
            .field(
                "secrets",
                &format_args!("{} configured", self.secrets.len()),
            )
            .field("tolerance_s", &self.tolerance_s)
            .field("required", &self.required)
            .field("on_replay", &self.on_replay)
            .field("replay_slots", &self.replay_slots)
            .finish()
    }
}

fn default_tolerance() -> u64 {
    hookguard::signature::DEFAULT_TOLERANCE_S
}
fn default_true() -> bool {
    true
}
fn default_replay_policy() -> ReplayPolicy {
    ReplayPolicy::Reject
}
fn default_replay_slots() -> u32 {
    16_384
}

/// Names of the request headers the filter sets for the upstream. Incoming headers of these
/// names are always removed, so a sender cannot forge a verdict.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UpstreamHeaders {
    /// Carries the canonical (organization-level) event name, or `test-delivery`.
    pub event: String,
    /// Carries the verdict label (`valid`, or in monitor mode the failed check).
    pub verdict: String,
    /// Carries the signature's outcome: `verified`, `unsigned` (when not required), or
    /// `replayed` (a duplicate let through by `on_replay: pass`).
    pub signature: String,
    /// Carries the authenticated `Webhook-Request-Id` (with `verified` and `replayed`): replay
    /// memory is per Envoy process, so a receiver behind several gateways dedupes on it.
    pub request_id: String,
}

impl Default for UpstreamHeaders {
    fn default() -> UpstreamHeaders {
        UpstreamHeaders {
            event: String::from("x-hookguard-event"),
            verdict: String::from("x-hookguard-verdict"),
            signature: String::from("x-hookguard-signature"),
            request_id: String::from("x-hookguard-request-id"),
        }
    }
}

/// The configuration as written, before it is checked.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GatewayConfig {
    /// Mode for paths no route matches.
    pub mode: Mode,
    /// Forward the normalized payload instead of the original bytes.
    pub normalize: bool,
    /// Largest body accepted (413 above it). Keep Envoy's buffer limit above this.
    pub max_body_bytes: u64,
    /// Deepest nesting accepted.
    pub max_depth: u64,
    /// How many errors (and warnings) a verdict lists; problem bodies count the rest in
    /// `errorsOmitted`.
    pub max_findings: u64,
    /// Unknown fields are errors instead of warnings.
    pub strict: bool,
    /// Let error messages quote payload values (they are sent back and logged).
    pub reveal_values: bool,
    /// Event names accepted (either naming scheme, or `test-delivery`); absent means all.
    pub allowed_events: Option<Vec<String>>,
    /// Per-path settings.
    pub routes: Vec<RouteConfig>,
    /// Problem response shape.
    pub response: ResponseConfig,
    /// Header names set for the upstream.
    pub upstream_headers: UpstreamHeaders,
    /// What to do when no verdict can be reached.
    pub on_internal_error: FailurePolicy,
    /// Signature checking; absent means deliveries are not expected to be signed.
    pub signature: Option<SignatureConfig>,
}

impl Default for GatewayConfig {
    fn default() -> GatewayConfig {
        let core = Options::default();
        GatewayConfig {
            mode: Mode::Enforce,
            normalize: false,
            max_body_bytes: core.max_bytes,
            max_depth: core.max_depth,
            max_findings: core.max_findings,
            strict: core.strict,
            reveal_values: core.reveal_values,
            allowed_events: None,
            routes: Vec::new(),
            response: ResponseConfig::default(),
            upstream_headers: UpstreamHeaders::default(),
            on_internal_error: FailurePolicy::FailClosed,
            signature: None,
        }
    }
}

/// Why a configuration was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// What is wrong.
    pub kind: ConfigErrorKind,
}

/// What is wrong with a configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigErrorKind {
    /// The configuration is not JSON of the expected shape.
    Syntax {
        /// The JSON parser's message (it names the field, never a payload).
        message: String,
    },
    /// The core refused the limits.
    Limits {
        /// The core's message.
        message: String,
    },
    /// An allowed event name is not in the catalog.
    UnknownEvent {
        /// The name as configured.
        name: String,
    },
    /// A route's path prefix does not start with `/`.
    BadPathPrefix {
        /// The prefix as configured.
        prefix: String,
    },
    /// Two routes have the same path prefix.
    DuplicateRoute {
        /// The prefix.
        prefix: String,
    },
    /// A header name is not a lower-case HTTP token.
    BadHeaderName {
        /// The name as configured.
        name: String,
    },
    /// The signature secrets were refused.
    Secrets {
        /// Why (never the secret itself).
        message: String,
    },
    /// `signature.replay_slots` is zero.
    ZeroReplaySlots,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ConfigErrorKind::Syntax { message } => write!(f, "configuration: {message}"),
            ConfigErrorKind::Limits { message } => write!(f, "configuration: {message}"),
            ConfigErrorKind::UnknownEvent { name } => {
                write!(
                    f,
                    "configuration: allowed event {name:?} is not a known event name"
                )
            }
            ConfigErrorKind::BadPathPrefix { prefix } => {
                write!(
                    f,
                    "configuration: route path_prefix {prefix:?} must start with '/'"
                )
            }
            ConfigErrorKind::DuplicateRoute { prefix } => {
                write!(f, "configuration: two routes have path_prefix {prefix:?}")
            }
            ConfigErrorKind::BadHeaderName { name } => write!(
                f,
                "configuration: header name {name:?} must be a non-empty lower-case HTTP token"
            ),
            ConfigErrorKind::Secrets { message } => {
                write!(f, "configuration: signature: {message}")
            }
            ConfigErrorKind::ZeroReplaySlots => {
                write!(
                    f,
                    "configuration: signature.replay_slots must be above zero"
                )
            }
        }
    }
}

impl std::error::Error for ConfigError {}

fn refuse<T>(kind: ConfigErrorKind) -> Result<T, ConfigError> {
    Err(ConfigError { kind })
}

/// A set of accepted event names, in canonical form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventFilter {
    names: BTreeSet<&'static str>,
}

impl EventFilter {
    /// Resolves configured names: a legacy name stands for every canonical name it maps to.
    fn resolve(configured: &[String]) -> Result<EventFilter, ConfigError> {
        let mut names = BTreeSet::new();
        for name in configured {
            if name == TEST_DELIVERY {
                names.insert(TEST_DELIVERY);
                continue;
            }
            let Some(spec) = catalog::event(name) else {
                return refuse(ConfigErrorKind::UnknownEvent { name: name.clone() });
            };
            names.insert(spec.name);
            names.extend(spec.canonical_names());
        }
        Ok(EventFilter { names })
    }

    /// Whether a delivery with this canonical name (or, when the canonical name is unknown,
    /// this delivered name) is accepted.
    pub fn allows(&self, name: &str) -> bool {
        self.names.contains(name)
    }
}

/// What applies to one request path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutePolicy {
    /// What to do with a failed check.
    pub mode: Mode,
    /// Accepted events; `None` accepts every event.
    pub allowed: Option<EventFilter>,
}

/// A checked configuration with its compiled validator: what the filter runs on.
#[derive(Debug)]
pub struct Gateway {
    /// The configuration as written (after defaults).
    pub config: GatewayConfig,
    /// Policy for paths no route matches.
    default_route: Rc<RoutePolicy>,
    /// `(prefix, policy)`, longest prefix first.
    routes: Vec<(String, Rc<RoutePolicy>)>,
    /// The core validator, built once per VM.
    pub validator: Validator,
    /// Signature checking, when configured.
    pub signing: Option<Signing>,
}

/// Signature checking as configured: the verifier built from `signature`'s secrets, with the
/// settings each request needs. One value, so that neither half can be present alone.
/// (Both halves' Debug output leave the secrets out.)
#[derive(Debug)]
pub struct Signing {
    /// Checks `Webhook-Signature` against the secrets, within the tolerance.
    pub verifier: Verifier,
    /// The configuration it was built from (required, on_replay, replay_slots).
    pub settings: SignatureConfig,
}

impl Gateway {
    /// Checks a configuration and builds the validator. An empty configuration means every
    /// default. Nothing is applied unless everything is valid.
    pub fn from_json(bytes: &[u8]) -> Result<Gateway, ConfigError> {
        let config = if bytes.iter().all(u8::is_ascii_whitespace) {
            GatewayConfig::default()
        } else {
            serde_json::from_slice(bytes).or_else(|error| {
                refuse(ConfigErrorKind::Syntax {
                    message: without_quoted_values(&error.to_string()),
                })
            })?
        };
        Gateway::new(config)
    }

    /// Checks a configuration and builds the validator.
    pub fn new(config: GatewayConfig) -> Result<Gateway, ConfigError> {
        let options = Options {
            max_bytes: config.max_body_bytes,
            max_depth: config.max_depth,
            max_findings: config.max_findings,
            strict: config.strict,
            reveal_values: config.reveal_values,
        };
        options.check().or_else(|error| {
            refuse(ConfigErrorKind::Limits {
                message: error.to_string(),
            })
        })?;
        for name in [
            &config.upstream_headers.event,
            &config.upstream_headers.verdict,
            &config.upstream_headers.signature,
            &config.upstream_headers.request_id,
        ] {
            if !is_lowercase_token(name) {
                return refuse(ConfigErrorKind::BadHeaderName { name: name.clone() });
            }
        }
        let allowed =
            |names: &Option<Vec<String>>| names.as_deref().map(EventFilter::resolve).transpose();
        let default_route = RoutePolicy {
            mode: config.mode,
            allowed: allowed(&config.allowed_events)?,
        };
        let mut routes = Vec::with_capacity(config.routes.len());
        for route in &config.routes {
            if !route.path_prefix.starts_with('/') {
                return refuse(ConfigErrorKind::BadPathPrefix {
                    prefix: route.path_prefix.clone(),
                });
            }
            if routes
                .iter()
                .any(|(prefix, _)| prefix == &route.path_prefix)
            {
                return refuse(ConfigErrorKind::DuplicateRoute {
                    prefix: route.path_prefix.clone(),
                });
            }
            let policy = RoutePolicy {
                mode: route.mode.unwrap_or(config.mode),
                allowed: match &route.allowed_events {
                    Some(_) => allowed(&route.allowed_events)?,
                    None => default_route.allowed.clone(),
                },
            };
            routes.push((route.path_prefix.clone(), Rc::new(policy)));
        }
        routes.sort_by_key(|(prefix, _)| std::cmp::Reverse(prefix.len()));
        let signing = match &config.signature {
            None => None,
            Some(signature) => {
                if signature.replay_slots == 0 {
                    return refuse(ConfigErrorKind::ZeroReplaySlots);
                }
                let secrets = Secrets::new(&signature.secrets).or_else(|error| {
                    refuse(ConfigErrorKind::Secrets {
                        message: error.to_string(),
                    })
                })?;
                Some(Signing {
                    verifier: Verifier::new(secrets, signature.tolerance_s),
                    settings: signature.clone(),
                })
            }
        };
        let validator = Validator::new(options).or_else(|error| {
            refuse(ConfigErrorKind::Limits {
                message: error.to_string(),
            })
        })?;
        Ok(Gateway {
            config,
            default_route: Rc::new(default_route),
            routes,
            validator,
            signing,
        })
    }

    /// The policy for a request path (`:path`, query string included or not).
    pub fn route(&self, path: &[u8]) -> Rc<RoutePolicy> {
        let path = match path.iter().position(|&byte| byte == b'?') {
            Some(end) => path.get(..end).unwrap_or(path),
            None => path,
        };
        self.routes
            .iter()
            .find(|(prefix, _)| path.starts_with(prefix.as_bytes()))
            .map_or(&self.default_route, |(_, policy)| policy)
            .clone()
    }
}

/// serde's messages quote the offending value (`invalid type: string "..."`), which for a
/// mistyped `secrets` would print a secret into Envoy's log. Field and variant names are in
/// backticks and stay.
fn without_quoted_values(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut inside = false;
    for character in message.chars() {
        if character == '"' {
            if !inside {
                out.push_str("\"…");
            } else {
                out.push('"');
            }
            inside = !inside;
        } else if !inside {
            out.push(character);
        }
    }
    out
}

/// Header names must be valid HTTP tokens, and lower-case because HTTP/2 requires it.
fn is_lowercase_token(name: &str) -> bool {
    !name.is_empty()
        && name.bytes().all(|byte| {
            byte.is_ascii_lowercase() || byte.is_ascii_digit() || b"!#$%&'*+-.^_`|~".contains(&byte)
        })
}

/// Every canonical event name, for metrics defined up front.
pub fn canonical_event_names() -> BTreeSet<&'static str> {
    let mut names: BTreeSet<&'static str> = EVENTS
        .iter()
        .flat_map(|spec| spec.canonical_names())
        .collect();
    names.insert(TEST_DELIVERY);
    names
}

#[cfg(test)]
mod tests {

    use super::*;

    fn refused(json: &str) -> ConfigErrorKind {
        Gateway::from_json(json.as_bytes())
            .expect_err("refused")
            .kind
    }

    #[test]
    fn empty_configuration_means_defaults() {
        let gateway = Gateway::from_json(b"  ").unwrap();
        assert_eq!(gateway.config, GatewayConfig::default());
        assert_eq!(gateway.route(b"/anything").mode, Mode::Enforce);
        assert!(gateway.route(b"/anything").allowed.is_none());
    }

    #[test]
    fn unknown_fields_and_values_are_refused() {
        assert!(matches!(
            refused(r#"{"mode": "enforcing"}"#),
            ConfigErrorKind::Syntax { .. }
        ));
        assert!(matches!(
            refused(r#"{"max_body": 10}"#),
            ConfigErrorKind::Syntax { .. }
        ));
        assert!(matches!(
            refused(r#"{"response": {"include_error": true}}"#),
            ConfigErrorKind::Syntax { .. }
        ));
        assert!(matches!(refused("{"), ConfigErrorKind::Syntax { .. }));
    }

    #[test]
    fn limits_are_checked_by_the_core() {
        assert!(matches!(
            refused(r#"{"max_body_bytes": 0}"#),
            ConfigErrorKind::Limits { .. }
        ));
        assert!(matches!(
            refused(r#"{"max_depth": 1000}"#),
            ConfigErrorKind::Limits { .. }
        ));
    }

    #[test]
    fn allowed_events_must_exist_and_legacy_names_stand_for_their_canonical_names() {
        assert_eq!(
            refused(r#"{"allowed_events": ["book.verifyed"]}"#),
            ConfigErrorKind::UnknownEvent {
                name: String::from("book.verifyed")
            }
        );
        let gateway =
            Gateway::from_json(br#"{"allowed_events": ["BOOK_VERIFIED", "test-delivery"]}"#)
                .unwrap();
        let route = gateway.route(b"/");
        let allowed = route.allowed.as_ref().unwrap();
        assert!(allowed.allows("book.verified"));
        assert!(allowed.allows("test-delivery"));
        assert!(!allowed.allows("book.classified"));
    }

    #[test]
    fn the_longest_route_prefix_wins_and_the_query_string_is_ignored() {
        let gateway = Gateway::from_json(
            br#"{"mode": "enforce", "allowed_events": ["book.verified"], "routes": [
                {"path_prefix": "/hooks", "mode": "monitor"},
                {"path_prefix": "/hooks/detect", "allowed_events": ["document.detect.signal_found"]},
                {"path_prefix": "/health", "mode": "off"}
            ]}"#,
        )
        .unwrap();
        assert_eq!(gateway.route(b"/hooks/x").mode, Mode::Monitor);
        // A route inherits what it does not set.
        assert!(
            gateway
                .route(b"/hooks/x")
                .allowed
                .as_ref()
                .unwrap()
                .allows("book.verified")
        );
        let detect = gateway.route(b"/hooks/detect?x=/health");
        assert_eq!(detect.mode, Mode::Enforce);
        assert!(!detect.allowed.as_ref().unwrap().allows("book.verified"));
        assert_eq!(gateway.route(b"/health").mode, Mode::Off);
        assert_eq!(gateway.route(b"/other?/hooks").mode, Mode::Enforce);
    }

    #[test]
    fn signature_settings_are_checked_and_secrets_never_echoed() {
        let gateway =
            Gateway::from_json(br#"{"signature": {"secrets": ["whsec_current_0123456789"]}}"#)
                .unwrap();
        let signature = gateway.config.signature.as_ref().unwrap();
        assert_eq!(signature.tolerance_s, 300);
        assert!(signature.required);
        assert!(!format!("{:?}", gateway.config).contains("whsec_current"));
        let kind = refused(r#"{"signature": {"secrets": "whsec_mistyped_secret"}}"#);
        assert!(!format!("{kind:?}").contains("whsec_mistyped"), "{kind:?}");
        assert!(matches!(
            refused(r#"{"signature": {"secrets": []}}"#),
            ConfigErrorKind::Secrets { .. }
        ));
        assert_eq!(
            refused(r#"{"signature": {"secrets": ["s"], "replay_slots": 0}}"#),
            ConfigErrorKind::ZeroReplaySlots
        );
    }

    #[test]
    fn routes_and_header_names_are_checked() {
        assert!(matches!(
            refused(r#"{"routes": [{"path_prefix": "hooks"}]}"#),
            ConfigErrorKind::BadPathPrefix { .. }
        ));
        assert!(matches!(
            refused(r#"{"routes": [{"path_prefix": "/a"}, {"path_prefix": "/a"}]}"#),
            ConfigErrorKind::DuplicateRoute { .. }
        ));
        assert!(matches!(
            refused(r#"{"upstream_headers": {"event": "X-Event"}}"#),
            ConfigErrorKind::BadHeaderName { .. }
        ));
        assert!(matches!(
            refused(r#"{"upstream_headers": {"verdict": "a b"}}"#),
            ConfigErrorKind::BadHeaderName { .. }
        ));
        // Every name is checked (the signature's was not, once).
        for header in ["signature", "request_id"] {
            let config = format!(r#"{{"upstream_headers": {{"{header}": "Not Lower"}}}}"#);
            assert!(
                matches!(refused(&config), ConfigErrorKind::BadHeaderName { .. }),
                "{header}"
            );
        }
        for limits in [
            r#"{"max_findings": 0}"#,
            r#"{"max_findings": 10001}"#,
            r#"{"max_body_bytes": 4294967296}"#,
        ] {
            assert!(
                matches!(refused(limits), ConfigErrorKind::Limits { .. }),
                "{limits}"
            );
        }
    }
}
