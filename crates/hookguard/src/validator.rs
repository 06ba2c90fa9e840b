//! The validator: strict intake, dispatch on `event_name`, schema validation, normalization.

use std::fmt;

use serde_json::{Map, Value};

use crate::catalog::{self, EVENTS, EventSpec};
use crate::compiled::{self, Findings};
use crate::express;
use crate::intake::{self, IntakeLimits, SERDE_JSON_DEPTH_LIMIT};
use crate::location::Position;
use crate::normalize::{disagreeing_aliases, normalize};
use crate::overlay::{Overlay, OverlayError};
use crate::pointer;
use crate::report::{Finding, FindingList, Normalized, Omitted, Report};

/// The deepest nesting [`Options::max_depth`] may allow: safely below serde_json's own limit,
/// and shallow enough that parsing never exhausts a WebAssembly stack.
pub const MAX_DEPTH_CEILING: u64 = 100;
const _: () = assert!(MAX_DEPTH_CEILING < SERDE_JSON_DEPTH_LIMIT as u64);

/// The largest body [`Options::max_bytes`] may allow: 8 MiB, 8 times the default. Checking
/// holds the body and the tree read from it, linear in the body but, for the costliest bodies
/// (a million one-member objects), about 65 times it in WebAssembly and 100 times natively
/// (RELIABILITY.md). Envoy gives each filter VM 1 GiB: a 16 MiB body of that kind made a VM
/// fail to allocate. A larger limit could not be honoured for every body, so it is refused when
/// it is set rather than discovered as a trap.
pub const MAX_BYTES_CEILING: u64 = 8 * 1024 * 1024;

/// How many errors, and how many warnings, a report lists by default ([`Options::max_findings`]).
pub const DEFAULT_MAX_FINDINGS: u64 = 20;

/// The most findings of each kind [`Options::max_findings`] may ask a report to list.
pub const MAX_FINDINGS_CEILING: u64 = 10_000;

/// How strictly to check deliveries. Every host exposes these same options, under these
/// names, and reads them from JSON with this one implementation (unknown names are refused, so
/// a typo cannot silently leave a default in place).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Options {
    /// Largest body accepted, in bytes. Default 1 MiB (Envoy's default buffer limit).
    pub max_bytes: u64,
    /// Deepest nesting of objects and arrays accepted; at most [`MAX_DEPTH_CEILING`].
    /// Default 32 (Ocrolus payloads nest three levels deep).
    pub max_depth: u64,
    /// Treat fields the event's schema does not declare as errors instead of warnings.
    pub strict: bool,
    /// Let messages quote the offending payload values. Off by default: webhook bodies carry
    /// customer data, and error messages end up in logs.
    pub reveal_values: bool,
    /// How many errors, and how many warnings, a report lists (the first ones by location);
    /// the rest are only counted ([`crate::Report::omitted`]). Default
    /// [`DEFAULT_MAX_FINDINGS`], at most [`MAX_FINDINGS_CEILING`]: a report stays small
    /// whatever a body holds, so a receiver that logs or returns findings cannot be made to
    /// send many times the bytes it was sent.
    pub max_findings: u64,
    /// What the team accepts beyond the published schemas: optional fields with a type, and
    /// enum values ([`crate::overlay`]). A JSON document, checked whole by [`Options::check`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overlay: Option<Value>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            max_bytes: 1024 * 1024,
            max_depth: 32,
            strict: false,
            reveal_values: false,
            max_findings: DEFAULT_MAX_FINDINGS,
            overlay: None,
        }
    }
}

impl Options {
    /// Every option's name, as JSON and Rust spell it (the npm package derives camelCase
    /// names from these, the command line `--kebab-case` flags).
    pub const NAMES: [&'static str; 6] = [
        "max_bytes",
        "max_depth",
        "strict",
        "reveal_values",
        "max_findings",
        "overlay",
    ];

    /// Whether the option named `name` (one of [`Options::NAMES`]) is a flag.
    pub fn is_flag(name: &str) -> bool {
        matches!(name, "strict" | "reveal_values")
    }

    /// Whether the option named `name` (one of [`Options::NAMES`]) is a JSON document (the
    /// overlay) rather than a flag or a count.
    pub fn is_document(name: &str) -> bool {
        name == "overlay"
    }

    /// Sets the option named `name` (one of [`Options::NAMES`]), for hosts that read options
    /// one by one rather than from JSON. `false` when no option of that name and kind exists.
    pub fn set(&mut self, name: &str, value: OptionValue) -> bool {
        match (name, value) {
            ("max_bytes", OptionValue::Count(count)) => self.max_bytes = count,
            ("max_depth", OptionValue::Count(count)) => self.max_depth = count,
            ("max_findings", OptionValue::Count(count)) => self.max_findings = count,
            ("strict", OptionValue::Flag(flag)) => self.strict = flag,
            ("reveal_values", OptionValue::Flag(flag)) => self.reveal_values = flag,
            _ => return false,
        }
        true
    }

    /// Checks that the options are usable: limits above zero and within their ceilings
    /// ([`MAX_DEPTH_CEILING`], [`MAX_BYTES_CEILING`], [`MAX_FINDINGS_CEILING`]), and the
    /// overlay, if any, accepted by the catalog.
    pub fn check(&self) -> Result<(), ConfigError> {
        self.check_limits()?;
        self.resolved_overlay().map(drop)
    }

    /// The limits' half of [`Options::check`].
    fn check_limits(&self) -> Result<(), ConfigError> {
        let fail = |kind| Err(ConfigError { kind });
        if self.max_depth > MAX_DEPTH_CEILING {
            return fail(ConfigErrorKind::DepthLimitTooHigh {
                requested: self.max_depth,
            });
        }
        for (option, requested, ceiling) in [
            ("max_bytes", self.max_bytes, MAX_BYTES_CEILING),
            ("max_findings", self.max_findings, MAX_FINDINGS_CEILING),
        ] {
            if requested > ceiling {
                return fail(ConfigErrorKind::AboveCeiling {
                    option,
                    requested,
                    ceiling,
                });
            }
        }
        if self.max_depth == 0 {
            return fail(ConfigErrorKind::ZeroLimit {
                option: "max_depth",
            });
        }
        if self.max_bytes == 0 {
            return fail(ConfigErrorKind::ZeroLimit {
                option: "max_bytes",
            });
        }
        if self.max_findings == 0 {
            return fail(ConfigErrorKind::ZeroLimit {
                option: "max_findings",
            });
        }
        Ok(())
    }

    /// The overlay, checked against the catalog; `None` when there is none.
    fn resolved_overlay(&self) -> Result<Option<Overlay>, ConfigError> {
        self.overlay
            .as_ref()
            .map(Overlay::resolve)
            .transpose()
            .map_err(|error| ConfigError {
                kind: ConfigErrorKind::Overlay(error),
            })
    }
}

/// The value of one option, for [`Options::set`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionValue {
    /// A flag's value.
    Flag(bool),
    /// A count's value.
    Count(u64),
}

/// Why a [`Validator`] could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// What is wrong.
    pub kind: ConfigErrorKind,
}

/// What is wrong with a validator's configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigErrorKind {
    /// `max_depth` is above [`MAX_DEPTH_CEILING`].
    DepthLimitTooHigh {
        /// The requested limit.
        requested: u64,
    },
    /// A limit is above the most this crate can honour in every host.
    AboveCeiling {
        /// The option's name.
        option: &'static str,
        /// The requested value.
        requested: u64,
        /// The largest value accepted.
        ceiling: u64,
    },
    /// A limit is zero, which would refuse every delivery (or list no finding).
    ZeroLimit {
        /// The option's name.
        option: &'static str,
    },
    /// The overlay was refused: it would take something away, or names what the catalog
    /// does not have.
    Overlay(OverlayError),
}

impl ConfigError {
    /// The message with the option named as a host spells it (`maxDepth` in JavaScript,
    /// `--max-depth` on the command line).
    pub fn message_naming(&self, spell: impl Fn(&str) -> String) -> String {
        match &self.kind {
            ConfigErrorKind::DepthLimitTooHigh { requested } => format!(
                "{} {requested} is above the ceiling of {MAX_DEPTH_CEILING}",
                spell("max_depth")
            ),
            ConfigErrorKind::AboveCeiling {
                option,
                requested,
                ceiling,
            } => format!(
                "{} {requested} is above the ceiling of {ceiling}",
                spell(option)
            ),
            ConfigErrorKind::ZeroLimit { option } => {
                format!("{} must be greater than zero", spell(option))
            }
            ConfigErrorKind::Overlay(error) => format!("{}: {error}", spell("overlay")),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message_naming(str::to_owned))
    }
}

impl std::error::Error for ConfigError {}

/// Validates and normalizes Ocrolus webhook deliveries. Cheap to build and to reconfigure:
/// the event schemas are compiled into the crate ([`crate::compiled`]), not at start-up.
#[derive(Debug, Clone)]
pub struct Validator {
    options: Options,
    /// `options.overlay`, resolved against the catalog.
    overlay: Option<Overlay>,
}

impl Validator {
    /// Builds a validator applying `options`, once they pass [`Options::check`].
    pub fn new(options: Options) -> Result<Validator, ConfigError> {
        // `check`, with the overlay resolved once and kept.
        options.check_limits()?;
        let overlay = options.resolved_overlay()?;
        Ok(Validator { options, overlay })
    }

    /// The overlay in force, resolved; `None` when there is none.
    pub fn overlay(&self) -> Option<&Overlay> {
        self.overlay.as_ref()
    }

    /// The options this validator applies.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Applies other options. Cheap: the compiled schemas do not depend on the options, so
    /// hosts reconfigure without rebuilding. On error the previous options stay in force.
    pub fn set_options(&mut self, options: Options) -> Result<(), ConfigError> {
        // `check`, resolving the overlay only when it changed (the one in force was checked).
        options.check_limits()?;
        if options.overlay != self.options.overlay {
            self.overlay = options.resolved_overlay()?;
        }
        self.options = options;
        Ok(())
    }

    /// Validates one delivery body.
    pub fn validate(&self, body: &[u8]) -> Report {
        self.check(body, false)
    }

    /// Validates one delivery body and, when it is valid, normalizes it
    /// ([`Report::normalized`]).
    pub fn normalize(&self, body: &[u8]) -> Report {
        self.check(body, true)
    }

    fn check(&self, body: &[u8], want_normalized: bool) -> Report {
        self.express_report(body, want_normalized)
            .unwrap_or_else(|| self.reference_report(body, want_normalized))
    }

    /// The express lane's report ([`crate::express`]), when the lane can write it.
    #[doc(hidden)]
    pub fn express_report(&self, body: &[u8], want_normalized: bool) -> Option<Report> {
        express::report(body, &self.options, self.overlay.as_ref(), want_normalized)
    }

    /// The report of the reference path alone: strict intake into a tree, the compiled check,
    /// every finding located. [`Validator::validate`] and [`Validator::normalize`] take the
    /// express lane first ([`crate::express`]) and fall back to this path for the bodies the
    /// lane steps aside from (those intake refuses); they must give the same report as this does
    /// for every body, which the test suite and the fuzz targets check through this method.
    #[doc(hidden)]
    pub fn reference_report(&self, body: &[u8], want_normalized: bool) -> Report {
        // A body the express lane left here is one intake refuses (the lane reads every other
        // one): for a large body, find that out without a tree, which for the costliest bodies
        // is a hundred times their size.
        const CHECK_FIRST_FROM: usize = 64 * 1024;
        if body.len() >= CHECK_FIRST_FROM
            && let Err(error) = intake::check(body, self.limits())
        {
            return Report::refused(Finding::from(&error));
        }
        let payload = match intake::parse(body, self.limits()) {
            Ok(payload) => payload,
            Err(error) => return Report::refused(Finding::from(&error)),
        };
        let mut report = self.check_payload(payload, want_normalized);
        locate_findings(body, &mut report);
        report
    }

    fn limits(&self) -> IntakeLimits {
        // Both limits are within their ceilings (`Options::check`), far below `usize::MAX`.
        IntakeLimits {
            max_bytes: usize::try_from(self.options.max_bytes).unwrap_or(usize::MAX),
            max_depth: usize::try_from(self.options.max_depth).unwrap_or(usize::MAX),
        }
    }

    fn check_payload(&self, payload: Map<String, Value>, want_normalized: bool) -> Report {
        let event_name = match payload.get("event_name") {
            None => return self.check_test_delivery(payload, want_normalized),
            Some(Value::String(name)) => name,
            Some(other) => {
                let message = format!(
                    "event_name must be a string, found {}",
                    compiled::kind_of(other)
                );
                return Report::refused(Finding::at("invalid_event_name", "/event_name", message));
            }
        };
        let (Some(spec), Some(schema)) = (
            catalog::event(event_name),
            compiled::event_schema(event_name),
        ) else {
            return Report::refused(unknown_event(event_name));
        };

        let instance = Value::Object(payload);
        let mut findings = self.findings();
        findings.additions = self
            .overlay
            .as_ref()
            .and_then(|overlay| overlay.event(spec.name));
        compiled::check(schema, &instance, &mut String::new(), &mut findings);
        let Value::Object(payload) = instance else {
            return Report::refused(Finding::at(
                "internal",
                "",
                "payload is no longer an object",
            ));
        };
        let Findings {
            errors,
            mut warnings,
            ..
        } = findings;
        for (first, second) in disagreeing_aliases(&payload, spec) {
            warnings.push(alias_mismatch(first, second));
        }
        if !spec.payload_documented() {
            warnings.push(undocumented_payload(spec));
        }
        let valid = errors.is_empty();
        let (errors, omitted_errors) = errors.finish();
        let (warnings, omitted_warnings) = warnings.finish();

        let status = payload.get("status").and_then(Value::as_str);
        let canonical = spec.canonical_name(status).and_then(catalog::event);
        let normalized = match canonical {
            Some(canonical) if valid && want_normalized => Some(Normalized::from_value(
                &normalize(payload, canonical, schema),
            )),
            _ => None,
        };
        let omitted = Omitted {
            errors: omitted_errors,
            warnings: omitted_warnings,
        };
        Report::event(spec, canonical, errors, warnings, omitted, normalized)
    }

    /// A body without `event_name` is valid only as Ocrolus' account-level test delivery.
    fn check_test_delivery(&self, payload: Map<String, Value>, want_normalized: bool) -> Report {
        let instance = Value::Object(payload);
        let mut findings = self.findings();
        compiled::check(
            &compiled::TEST_DELIVERY,
            &instance,
            &mut String::new(),
            &mut findings,
        );
        if !findings.errors.is_empty() {
            return Report::refused(missing_event_name());
        }
        let (warnings, omitted_warnings) = findings.warnings.finish();
        Report::test_delivery(
            warnings,
            omitted_warnings,
            want_normalized.then(|| Normalized::from_value(&instance)),
        )
    }

    /// Empty finding lists, each bounded by [`Options::max_findings`].
    fn findings(&self) -> Findings<'_> {
        let limit = usize::try_from(self.options.max_findings).unwrap_or(usize::MAX);
        Findings {
            errors: FindingList::new(limit),
            warnings: FindingList::new(limit),
            strict: self.options.strict,
            reveal_values: self.options.reveal_values,
            additions: None,
        }
    }
}

/// Gives schema and dispatch findings the line and column of the value they point at, as
/// intake findings already have: one pass over the body for all of them.
fn locate_findings(body: &[u8], report: &mut Report) {
    let mut unlocated: Vec<&mut Finding> = report
        .errors
        .iter_mut()
        .chain(report.warnings.iter_mut())
        .filter(|finding| finding.position.is_none())
        .collect();
    if unlocated.is_empty() {
        return;
    }
    let pointers: Vec<&str> = unlocated
        .iter()
        .map(|finding| finding.instance_location.as_str())
        .collect();
    let offsets = pointer::value_offsets(body, &pointers);
    for (finding, offset) in unlocated.iter_mut().zip(offsets) {
        finding.position = offset.map(Position::unresolved);
    }
    report.resolve_positions(body);
}

/// The refusal of a body without `event_name` that is not the test delivery.
pub(crate) fn missing_event_name() -> Finding {
    Finding::at(
        "missing_event_name",
        "",
        "event_name is missing, and the body is not Ocrolus' account-level test delivery",
    )
}

/// The warning for an alias pair whose halves differ (at the second half).
pub(crate) fn alias_mismatch(first: &str, second: &str) -> Finding {
    let message = format!("{first} and {second} should carry the same value but differ");
    Finding::at("alias_mismatch", format!("/{second}"), message)
}

/// The warning for an event whose payload Ocrolus does not document.
pub(crate) fn undocumented_payload(spec: &EventSpec) -> Finding {
    let message = format!(
        "Ocrolus documents no payload for {}; only the fields common to Ocrolus events were checked",
        spec.name
    );
    Finding::at("undocumented_payload", "", message)
}

/// The refusal of an `event_name` that names no webhook event (at `/event_name`).
pub(crate) fn unknown_event(name: &str) -> Finding {
    if let Some(email_only) = catalog::email_only_event(name) {
        return Finding::at("email_only_event", "/event_name", email_only.explanation);
    }
    // Suggest a catalog name that differs only in case or surrounding blanks: that quotes our
    // catalog, not the payload. Every catalog name is ASCII, so a name with other characters
    // is most likely a look-alike (Cyrillic letters, fullwidth dots, zero-width spaces): say
    // so, without quoting it.
    let folded = name.trim().to_ascii_lowercase();
    let suggestion = EVENTS
        .iter()
        .map(|spec| spec.name)
        .find(|known| known.to_ascii_lowercase() == folded)
        .map(|known| format!(" (did you mean {known}?)"))
        .or_else(|| {
            (!name.is_ascii()).then(|| {
                String::from(
                    " (it has characters outside ASCII, which no event name has: look-alike \
                     letters or invisible characters?)",
                )
            })
        })
        .unwrap_or_default();
    Finding::at(
        "unknown_event",
        "/event_name",
        format!("event_name is not an Ocrolus webhook event{suggestion}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_names_are_the_serialized_names_with_their_kinds_and_each_can_be_set() {
        let with_overlay = Options {
            overlay: Some(serde_json::json!({ "hookguard_overlay": 1 })),
            ..Options::default()
        };
        let serialized = serde_json::to_value(with_overlay).unwrap();
        let serialized = serialized.as_object().unwrap();
        assert_eq!(serialized.len(), Options::NAMES.len());
        for name in Options::NAMES {
            if Options::is_document(name) {
                assert!(serialized[name].is_object(), "{name}");
                assert!(!Options::is_flag(name));
                assert!(!Options::default().set(name, OptionValue::Flag(true)));
                continue;
            }
            let flag = Options::is_flag(name);
            assert_eq!(serialized[name].is_boolean(), flag, "{name}");
            let mut options = Options::default();
            let value = if flag {
                OptionValue::Flag(true)
            } else {
                OptionValue::Count(7)
            };
            assert!(options.set(name, value), "{name}");
            let changed = serde_json::to_value(&options).unwrap();
            let expected = if flag {
                serde_json::json!(true)
            } else {
                serde_json::json!(7)
            };
            assert_eq!(changed[name], expected, "{name}");
            let wrong_kind = if flag {
                OptionValue::Count(1)
            } else {
                OptionValue::Flag(true)
            };
            assert!(!Options::default().set(name, wrong_kind), "{name}");
        }
        assert!(!Options::default().set("max_body_bytes", OptionValue::Count(1)));
    }
}
