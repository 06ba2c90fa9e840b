//! How strictly deliveries are checked: the validation [`Options`] every host exposes under the
//! same names, their limits and ceilings (one place for each), and why a set of options is
//! refused ([`ConfigError`]).

use std::fmt;

use serde_json::Value;

use crate::contract::overlay::{Overlay, OverlayError};
use crate::contract::settings::Settings;
use crate::json::intake::{IntakeLimits, SERDE_JSON_DEPTH_LIMIT};

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
    /// enum values ([`crate::contract::overlay`]). A JSON document, checked whole by [`Options::check`].
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

    /// The options among a configuration's settings (taken out of `settings`, whose names are
    /// already checked); absent ones keep their defaults. Their limits are checked apart
    /// ([`Options::check`]).
    pub(crate) fn read(settings: &mut Settings) -> Result<Options, String> {
        let defaults = Options::default();
        Ok(Options {
            max_bytes: settings.count("max_bytes", defaults.max_bytes)?,
            max_depth: settings.count("max_depth", defaults.max_depth)?,
            strict: settings.flag("strict", defaults.strict)?,
            reveal_values: settings.flag("reveal_values", defaults.reveal_values)?,
            max_findings: settings.count("max_findings", defaults.max_findings)?,
            overlay: settings.document("overlay"),
        })
    }

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

    /// The limits intake reads a body under. (Both are within their ceilings once checked,
    /// far below `usize::MAX`; the one place they become sizes.)
    pub(crate) fn intake_limits(&self) -> IntakeLimits {
        IntakeLimits {
            max_bytes: usize::try_from(self.max_bytes).unwrap_or(usize::MAX),
            max_depth: usize::try_from(self.max_depth).unwrap_or(usize::MAX),
        }
    }

    /// How many errors, and how many warnings, a report lists.
    pub(crate) fn findings_limit(&self) -> usize {
        usize::try_from(self.max_findings).unwrap_or(usize::MAX)
    }

    /// The limits' half of [`Options::check`].
    pub(crate) fn check_limits(&self) -> Result<(), ConfigError> {
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
    pub(crate) fn resolved_overlay(&self) -> Result<Option<Overlay>, ConfigError> {
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

/// Why a [`crate::Validator`] could not be built.
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
