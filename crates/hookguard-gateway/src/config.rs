//! The filter's configuration in two types: [`GatewayConfig`], the JSON an operator writes
//! (Envoy's `configuration`, Istio's `pluginConfig`), and [`Gateway`], the same checked
//! completely and built, which is what requests run on.
//!
//! Everything a delivery is judged by (limits, `strict`, `normalize`, `allowed_events`,
//! `signature`, `problem`) is the core's [`GateConfig`], read at the top level under the names
//! every host uses. Only what is a gateway's own is declared here: modes, routes, the failure
//! policy, the upstream header names, the replay store's size and whether headers are held.

use std::collections::BTreeSet;
use std::fmt;
use std::rc::Rc;

use hookguard::catalog::EVENTS;
use hookguard::gate::{
    EventFilter, GateConfig, GateError, configuration_members, without_quoted_values,
};
use hookguard::schema::TEST_DELIVERY;
use hookguard::{Gate, ProblemShape};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::store::SharedStore;

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

/// What the filter does when it cannot reach a verdict (a host call failed).
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

impl UpstreamHeaders {
    /// Every name, for removing forged copies.
    pub fn all(&self) -> [&str; 4] {
        [
            &self.event,
            &self.verdict,
            &self.signature,
            &self.request_id,
        ]
    }
}

/// The gateway's own settings as written, beside the core's [`GateConfig`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GatewaySettings {
    /// Mode for paths no route matches.
    pub mode: Mode,
    /// Per-path settings.
    pub routes: Vec<RouteConfig>,
    /// Header names set for the upstream.
    pub upstream_headers: UpstreamHeaders,
    /// What to do when no verdict can be reached.
    pub on_internal_error: FailurePolicy,
    /// Request ids remembered across all of Envoy's worker VMs (shared data): memory is bounded
    /// by this many entries. Size it at several times the signed deliveries expected per two
    /// tolerances (the replay window): ids spread over buckets of 8 unevenly, and
    /// `hookguard.replay.evicted_unexpired` counts those forgotten early.
    pub replay_slots: u32,
    /// Hold the request headers until the body's verdict (needs the wasm filter's
    /// `allow_on_headers_stop_iteration: true`, which Istio's WasmPlugin does not set). With
    /// `false`, headers go upstream at once, the body is held until it is checked, and a
    /// refused delivery is answered 4xx while the upstream request is reset before its body
    /// completes; the verdict headers cannot be added then.
    pub hold_headers: bool,
    /// A memory shared by every gateway (Redis through webdis): absent, request ids are kept
    /// in this Envoy's shared data.
    pub shared_store: Option<SharedStore>,
}

impl Default for GatewaySettings {
    fn default() -> GatewaySettings {
        GatewaySettings {
            mode: Mode::Enforce,
            routes: Vec::new(),
            upstream_headers: UpstreamHeaders::default(),
            on_internal_error: FailurePolicy::FailClosed,
            replay_slots: 16_384,
            hold_headers: true,
            shared_store: None,
        }
    }
}

impl GatewaySettings {
    /// The top-level names these settings take.
    pub const NAMES: [&'static str; 7] = [
        "mode",
        "routes",
        "upstream_headers",
        "on_internal_error",
        "replay_slots",
        "hold_headers",
        "shared_store",
    ];
}

/// The configuration as written: the core's settings and the gateway's, one flat object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GatewayConfig {
    /// What deliveries are judged by, as in every host.
    pub gate: GateConfig,
    /// What only a gateway has.
    pub gateway: GatewaySettings,
}

impl GatewayConfig {
    /// Reads a configuration; blank text means every default. Nothing is checked beyond the
    /// JSON's shape here ([`Gateway::new`] does that).
    pub fn from_json(bytes: &[u8]) -> Result<GatewayConfig, ConfigError> {
        let Some(members) = configuration_members(bytes)? else {
            return Ok(GatewayConfig::default());
        };
        let syntax = |message: String| ConfigError::Syntax { message };
        let (own, shared): (Map<String, Value>, Map<String, Value>) = members
            .into_iter()
            .partition(|(name, _)| GatewaySettings::NAMES.contains(&name.as_str()));
        let gate = GateConfig::from_members(shared, &GatewaySettings::NAMES)?;
        let gateway = serde_json::from_value(Value::Object(own))
            .map_err(|error| syntax(without_quoted_values(&error.to_string())))?;
        Ok(GatewayConfig { gate, gateway })
    }
}

/// Why a configuration was refused. Never carries a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// Not JSON of the expected shape (the message names the field, never a value).
    Syntax {
        /// The JSON reader's message.
        message: String,
    },
    /// The core refused the settings every host shares (options, events, secrets).
    Gate(GateError),
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
    /// `replay_slots` is zero.
    ZeroReplaySlots,
    /// `normalize` changes the body's length, which needs the headers held.
    NormalizeNeedsHeldHeaders,
    /// `shared_store` without `signature`: only authenticated request ids are remembered.
    StoreNeedsSignatures,
    /// `shared_store.timeout_ms` is zero or above a minute.
    StoreTimeout,
    /// `quarantine` without `shared_store`: a gateway has no files; it keeps entries in Redis.
    QuarantineNeedsStore,
    /// `quarantine.directory` on a gateway, which keeps entries in `shared_store`.
    QuarantineDirectory,
}

impl From<GateError> for ConfigError {
    fn from(error: GateError) -> ConfigError {
        ConfigError::Gate(error)
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("configuration: ")?;
        match self {
            ConfigError::Syntax { message } => f.write_str(message),
            ConfigError::Gate(error) => error.fmt(f),
            ConfigError::BadPathPrefix { prefix } => {
                write!(f, "route path_prefix {prefix:?} must start with '/'")
            }
            ConfigError::DuplicateRoute { prefix } => {
                write!(f, "two routes have path_prefix {prefix:?}")
            }
            ConfigError::BadHeaderName { name } => write!(
                f,
                "header name {name:?} must be a non-empty lower-case HTTP token"
            ),
            ConfigError::ZeroReplaySlots => f.write_str("replay_slots must be above zero"),
            ConfigError::NormalizeNeedsHeldHeaders => f.write_str(
                "normalize needs hold_headers: the upstream must get the normalized body's length",
            ),
            ConfigError::StoreNeedsSignatures => f.write_str(
                "shared_store needs signature: only authenticated request ids are remembered",
            ),
            ConfigError::StoreTimeout => {
                f.write_str("shared_store.timeout_ms must be between 1 and 60000")
            }
            ConfigError::QuarantineNeedsStore => f.write_str(
                "quarantine needs shared_store: a gateway has no files, and keeps its quarantine in Redis (through webdis)",
            ),
            ConfigError::QuarantineDirectory => f.write_str(
                "quarantine.directory is the single-process store; a gateway keeps its quarantine in shared_store: leave directory out",
            ),
        }
    }
}

impl std::error::Error for ConfigError {}

/// What applies to one request path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutePolicy {
    /// What to do with a failed check.
    pub mode: Mode,
    /// Accepted events; `None` accepts every event.
    pub allowed: Option<EventFilter>,
}

/// A checked configuration with its gate built: what the filter runs on. Secrets live only
/// inside the gate's verifier.
#[derive(Debug)]
pub struct Gateway {
    /// Judges deliveries, as in every host.
    pub gate: Gate,
    /// Names of the headers set for the upstream.
    pub upstream_headers: UpstreamHeaders,
    /// What to do when no verdict can be reached.
    pub on_internal_error: FailurePolicy,
    /// Size of the replay store in shared data.
    pub replay_slots: u32,
    /// Whether headers are held until the verdict.
    pub hold_headers: bool,
    /// The memory shared by gateways, when configured.
    pub shared_store: Option<SharedStore>,
    /// Policy for paths no route matches.
    default_route: Rc<RoutePolicy>,
    /// `(prefix, policy)`, as configured (prefixes are distinct).
    routes: Vec<(String, Rc<RoutePolicy>)>,
    /// The unknown fields this VM has named in its log (state, not configuration: a new
    /// configuration starts it afresh).
    pub drift: crate::drift::DriftLog,
}

impl Gateway {
    /// Reads, checks and builds a configuration. Nothing is applied unless all of it is valid.
    pub fn from_json(bytes: &[u8]) -> Result<Gateway, ConfigError> {
        Gateway::new(GatewayConfig::from_json(bytes)?)
    }

    /// Checks a configuration and builds the gate.
    pub fn new(config: GatewayConfig) -> Result<Gateway, ConfigError> {
        let GatewayConfig { gate, gateway } = config;
        for name in gateway.upstream_headers.all() {
            if !is_lowercase_token(name) {
                return Err(ConfigError::BadHeaderName {
                    name: name.to_owned(),
                });
            }
        }
        if gateway.replay_slots == 0 {
            return Err(ConfigError::ZeroReplaySlots);
        }
        if gate.normalize && !gateway.hold_headers {
            return Err(ConfigError::NormalizeNeedsHeldHeaders);
        }
        if let Some(store) = &gateway.shared_store {
            if gate.signature.is_none() {
                return Err(ConfigError::StoreNeedsSignatures);
            }
            if !(1..=60_000).contains(&store.timeout_ms) {
                return Err(ConfigError::StoreTimeout);
            }
        }
        if let Some(quarantine) = &gate.quarantine {
            if quarantine.directory.is_some() {
                return Err(ConfigError::QuarantineDirectory);
            }
            if gateway.shared_store.is_none() {
                return Err(ConfigError::QuarantineNeedsStore);
            }
        }
        let gate = Gate::new(gate)?;
        let default_route = RoutePolicy {
            mode: gateway.mode,
            allowed: gate.allowed_events().cloned(),
        };
        let mut routes: Vec<(String, Rc<RoutePolicy>)> = Vec::with_capacity(gateway.routes.len());
        for route in &gateway.routes {
            if !route.path_prefix.starts_with('/') {
                return Err(ConfigError::BadPathPrefix {
                    prefix: route.path_prefix.clone(),
                });
            }
            if routes
                .iter()
                .any(|(prefix, _)| prefix == &route.path_prefix)
            {
                return Err(ConfigError::DuplicateRoute {
                    prefix: route.path_prefix.clone(),
                });
            }
            let allowed = match &route.allowed_events {
                Some(names) => Some(EventFilter::resolve(names)?),
                None => default_route.allowed.clone(),
            };
            let policy = RoutePolicy {
                mode: route.mode.unwrap_or(gateway.mode),
                allowed,
            };
            routes.push((route.path_prefix.clone(), Rc::new(policy)));
        }
        Ok(Gateway {
            gate,
            upstream_headers: gateway.upstream_headers,
            on_internal_error: gateway.on_internal_error,
            replay_slots: gateway.replay_slots,
            hold_headers: gateway.hold_headers,
            shared_store: gateway.shared_store,
            default_route: Rc::new(default_route),
            routes,
            drift: crate::drift::DriftLog::default(),
        })
    }

    /// The policy for a request path (`:path`, query string included or not).
    pub fn route(&self, path: &[u8]) -> Rc<RoutePolicy> {
        let path = match path.iter().position(|&byte| byte == b'?') {
            Some(end) => path.get(..end).unwrap_or(path),
            None => path,
        };
        // The longest matching prefix wins. A scan, not a sorted list: a handful of routes, and
        // a sort would link one more sort routine into the module for them.
        self.routes
            .iter()
            .filter(|(prefix, _)| path.starts_with(prefix.as_bytes()))
            .max_by_key(|(prefix, _)| prefix.len())
            .map_or(&self.default_route, |(_, policy)| policy)
            .clone()
    }

    /// How problem documents are written.
    pub fn problem_shape(&self) -> &ProblemShape {
        self.gate.problem_shape()
    }
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
    // Inserted one by one: collecting into a set sorts the items first, a whole stable sort
    // (kilobytes of module) for a few dozen names.
    let mut names = BTreeSet::new();
    names.insert(TEST_DELIVERY);
    for name in EVENTS.iter().flat_map(|spec| spec.canonical_names()) {
        names.insert(name);
    }
    names
}

#[cfg(test)]
mod tests {

    use super::*;

    fn refused(json: &str) -> ConfigError {
        Gateway::from_json(json.as_bytes()).expect_err("refused")
    }

    #[test]
    fn empty_configuration_means_defaults() {
        assert_eq!(
            GatewayConfig::from_json(b"  ").unwrap(),
            GatewayConfig::default()
        );
        let gateway = Gateway::from_json(b"  ").unwrap();
        assert_eq!(gateway.route(b"/anything").mode, Mode::Enforce);
        assert!(gateway.route(b"/anything").allowed.is_none());
        assert!(gateway.hold_headers);
    }

    #[test]
    fn unknown_names_are_refused_by_the_cores_check_listing_the_gateways_too() {
        let ConfigError::Gate(GateError::UnknownOption { name, known }) =
            refused(r#"{"max_body": 10}"#)
        else {
            panic!("not an unknown option");
        };
        assert_eq!(name, "max_body");
        assert!(
            known.contains("max_bytes") && known.contains("routes"),
            "{known}"
        );
        assert!(matches!(
            refused(r#"{"mode": "enforcing"}"#),
            ConfigError::Syntax { .. }
        ));
        assert!(matches!(
            refused(r#"{"problem": {"include_error": true}}"#),
            ConfigError::Gate(GateError::Syntax { .. })
        ));
        // Not a JSON object at all: read by the core's reader, as every host reads it.
        for text in ["{", "[]"] {
            assert!(matches!(
                refused(text),
                ConfigError::Gate(GateError::Syntax { .. })
            ));
        }
    }

    #[test]
    fn limits_are_checked_by_the_core() {
        for limits in [
            r#"{"max_bytes": 0}"#,
            r#"{"max_depth": 1000}"#,
            r#"{"max_findings": 0}"#,
            r#"{"max_findings": 10001}"#,
            r#"{"max_bytes": 4294967296}"#,
        ] {
            assert!(
                matches!(refused(limits), ConfigError::Gate(GateError::Options(_))),
                "{limits}"
            );
        }
    }

    #[test]
    fn allowed_events_must_exist_and_legacy_names_stand_for_their_canonical_names() {
        assert_eq!(
            refused(r#"{"allowed_events": ["book.verifyed"]}"#),
            ConfigError::Gate(GateError::UnknownEvent {
                name: String::from("book.verifyed")
            })
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
        let config = GatewayConfig::from_json(
            br#"{"signature": {"secrets": ["whsec_current_0123456789"]}}"#,
        )
        .unwrap();
        let signature = config.gate.signature.as_ref().unwrap();
        assert_eq!(signature.tolerance_seconds, 300);
        assert!(signature.required);
        assert!(!format!("{config:?}").contains("whsec_current"));
        let gateway = Gateway::new(config).unwrap();
        assert!(!format!("{gateway:?}").contains("whsec_current"));
        let error = refused(r#"{"signature": {"secrets": "whsec_mistyped_secret"}}"#);
        assert!(
            !format!("{error:?}").contains("whsec_mistyped"),
            "{error:?}"
        );
        assert!(!error.to_string().contains("whsec_mistyped"), "{error}");
        assert!(matches!(
            refused(r#"{"signature": {"secrets": []}}"#),
            ConfigError::Gate(GateError::Secrets(_))
        ));
        assert_eq!(
            refused(r#"{"signature": {"secrets": ["s"]}, "replay_slots": 0}"#),
            ConfigError::ZeroReplaySlots
        );
    }

    #[test]
    fn routes_header_names_and_modes_are_checked() {
        assert!(matches!(
            refused(r#"{"routes": [{"path_prefix": "hooks"}]}"#),
            ConfigError::BadPathPrefix { .. }
        ));
        assert!(matches!(
            refused(r#"{"routes": [{"path_prefix": "/a"}, {"path_prefix": "/a"}]}"#),
            ConfigError::DuplicateRoute { .. }
        ));
        for header in ["event", "verdict", "signature", "request_id"] {
            for bad in ["Not Lower", "a b", ""] {
                let config = format!(r#"{{"upstream_headers": {{"{header}": "{bad}"}}}}"#);
                assert!(
                    matches!(refused(&config), ConfigError::BadHeaderName { .. }),
                    "{header}: {bad:?}"
                );
            }
        }
        assert_eq!(
            refused(r#"{"normalize": true, "hold_headers": false}"#),
            ConfigError::NormalizeNeedsHeldHeaders
        );
    }
}
