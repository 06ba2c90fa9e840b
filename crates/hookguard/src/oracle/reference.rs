//! The reference path, the walk's oracle: the oracle's intake builds a tree, the compiled
//! schemas are checked over it ([`super::tree_check`]), normalization rewrites it
//! ([`super::normalize`]) and findings are located by a second scan of the body
//! ([`super::pointer`]). This was hookguard's first validator; it is kept, out of every host's
//! build, because a second implementation written another way is the best test of the first.

use serde_json::{Map, Value};

use super::intake;
use super::normalize::{disagreeing_aliases, normalize};
use super::pointer;
use super::tree_check::{self, Findings};
use crate::check::findings::{
    alias_mismatch, missing_event_name, undocumented_payload, unknown_event,
};
use crate::check::report::{Finding, FindingList, Normalized, Omitted, Report};
use crate::check::validator::Validator;
use crate::contract::catalog;
use crate::contract::compiled;
use crate::json::intake::IntakeLimits;
use crate::json::position::Position;

impl Validator {
    /// What [`Validator::normalize`] (`want_normalized`) or [`Validator::validate`] reports:
    /// the walk's report, for the tests that hold it to [`Validator::reference_report`].
    pub fn walked_report(&self, body: &[u8], want_normalized: bool) -> Report {
        if want_normalized {
            self.normalize(body)
        } else {
            self.validate(body)
        }
    }

    /// The report of the reference path: the oracle's intake into a tree, the compiled schema
    /// checked over the tree, every finding located by a second scan. [`Validator::validate`]
    /// and [`Validator::normalize`] must give the same report as this for every body, which
    /// the test suite and the fuzz targets check through this method.
    pub fn reference_report(&self, body: &[u8], want_normalized: bool) -> Report {
        // For a large body, find a refusal without a tree, which for the costliest bodies is a
        // hundred times their size.
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
        self.options().intake_limits()
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
        findings.additions = self.overlay().and_then(|overlay| overlay.event(spec.name));
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
        let limit = self.options().findings_limit();
        Findings {
            errors: FindingList::new(limit),
            warnings: FindingList::new(limit),
            strict: self.options().strict,
            reveal_values: self.options().reveal_values,
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
