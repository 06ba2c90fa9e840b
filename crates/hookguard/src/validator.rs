//! The validator: strict intake, dispatch on `event_name`, schema validation, normalization.

use serde_json::{Map, Value};

use crate::catalog;
use crate::compiled;
use crate::event_findings::{
    alias_mismatch, missing_event_name, undocumented_payload, unknown_event,
};
use crate::express;
use crate::intake::{self, IntakeLimits};
use crate::location::Position;
use crate::normalize::{disagreeing_aliases, normalize};
use crate::options::{ConfigError, Options};
use crate::overlay::Overlay;
use crate::pointer;
use crate::report::{Finding, FindingList, Normalized, Omitted, Report};
use crate::tree_check::{self, Findings};

/// Validates and normalizes Ocrolus webhook deliveries. Cheap to build and to reconfigure:
/// the event schemas are compiled into the crate (`compiled`), not at start-up.
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
                    tree_check::kind_of(other)
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
        tree_check::check(schema, &instance, &mut String::new(), &mut findings);
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
        tree_check::check(
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
