//! One body judged: read once under intake's rules ([`crate::json::intake::read`], which lists
//! the top-level members, keeps those of nested values on a tape, or words the refusal), then
//! the event's compiled schema checked over the same bytes ([`walk`]), without a tree:
//!
//! - a clean delivery (valid, nothing to warn about) stops there, its normalized payload, when
//!   asked for, written in the same walk;
//! - any other gets a second walk that records every finding with the offset of its value,
//!   made a line and column in one pass at the end;
//! - a body without `event_name` is judged as the test delivery, and a name that is no event's
//!   is refused.
//!
//! Every body gets its report here; `None` only when the walk could not finish a body it read,
//! a defect the validator reports as `internal_error` (the fuzz targets look for one). The test
//! suite and the fuzz targets hold every report to the reference path's (`crate::oracle`, a
//! tree built by the old serde_json intake and checked another way), byte for byte.

use std::borrow::Cow;

use super::walk::{self, Clean, Collect, Nested, offset};

use crate::Position;
use crate::check::findings;
use crate::check::report::{Finding, Normalized, Omitted, Report};
use crate::contract::catalog::{self, EventSpec};
use crate::contract::compiled::{self, Schema};
use crate::contract::options::Options;
use crate::contract::overlay::{EventAdditions, Overlay};
use crate::json::intake;
use crate::json::number;
use crate::json::reader::{self, Document, Member, Tape, decoded, same_bytes, unescaped};

/// The report on `body`; `None` only on an internal error (see the module's doc).
pub(crate) fn report(
    body: &[u8],
    options: &Options,
    overlay: Option<&Overlay>,
    want_normalized: bool,
) -> Option<Report> {
    let limits = options.intake_limits();
    let Document {
        root,
        members,
        tape,
    } = match intake::read(body, limits, true) {
        Ok(document) => document,
        Err(refusal) => return Some(Report::refused(Finding::from(&refusal))),
    };

    let Some(event_value) = find(&members, "event_name") else {
        return test_delivery(body, root, &members, &tape, options, want_normalized);
    };
    let located = |code, message: String| {
        let mut finding = Finding::at(code, "/event_name", message);
        finding.position = Some(Position::at_offset(body, offset(body, event_value)));
        Some(Report::refused(finding))
    };
    if event_value.first() != Some(&b'"') {
        let (_, kind) = walk::kind_of(event_value);
        return located(
            "invalid_event_name",
            format!("event_name must be a string, found {kind}"),
        );
    }
    let event_name = reader::text(event_value)?;
    let event_name = std::str::from_utf8(&event_name).ok()?;
    let (Some(spec), Some(schema)) = (
        catalog::event(event_name),
        compiled::event_schema(event_name),
    ) else {
        let mut report = Report::refused(findings::unknown_event(event_name));
        for finding in &mut report.errors {
            finding.position = Some(Position::at_offset(body, offset(body, event_value)));
        }
        return Some(report);
    };
    let additions = overlay.and_then(|overlay| overlay.event(spec.name));
    let canonical = {
        let status = find(&members, "status")
            .filter(|value| value.first() == Some(&b'"'))
            .map(reader::text);
        match &status {
            // The reader accepted the string: it decodes.
            Some(None) => return None,
            Some(Some(status)) => spec.canonical_name(Some(std::str::from_utf8(status).ok()?)),
            None => spec.canonical_name(None),
        }
        .and_then(catalog::event)
    };
    let clean_report = |normalized| {
        Report::event(
            spec,
            canonical,
            Vec::new(),
            Vec::new(),
            Omitted::default(),
            normalized,
        )
    };

    let mut nested = Nested::on(&tape);
    let may_be_clean = spec.payload_documented() && aliases_agree(spec, &members);
    if may_be_clean {
        match canonical {
            Some(canonical) if want_normalized => {
                let checked = Checked {
                    schema,
                    additions,
                    tolerate_unknown: false,
                };
                if let Some(normalized) =
                    checked_and_normalized(&members, root, &checked, canonical, &mut nested)
                {
                    return Some(clean_report(Some(normalized)));
                }
            }
            _ => {
                let mut clean = Clean {
                    out: None,
                    tolerate_unknown: false,
                };
                if walk::object(schema, root, &members, additions, &mut nested, &mut clean) {
                    return Some(clean_report(None));
                }
            }
        }
    }

    let mut collect = Collect::new(body, options);
    walk::object(schema, root, &members, additions, &mut nested, &mut collect);
    for (first, second) in spec.aliases {
        let (Some(a), Some(b)) = (find(&members, first), find(&members, second)) else {
            continue;
        };
        if alias_values_differ(a, b)? {
            let mut finding = findings::alias_mismatch(first, second);
            finding.position = Some(Position::unresolved(offset(body, b)));
            collect.warnings.push(finding);
        }
    }
    if !spec.payload_documented() {
        let mut finding = findings::undocumented_payload(spec);
        finding.position = Some(Position::unresolved(offset(body, root)));
        collect.warnings.push(finding);
    }
    let valid = collect.errors.is_empty();
    let normalized = match canonical {
        // A valid delivery with warnings is normalized with its unknown members as they are.
        Some(canonical) if valid && want_normalized => {
            let checked = Checked {
                schema,
                additions,
                tolerate_unknown: !options.strict,
            };
            Some(checked_and_normalized(
                &members,
                root,
                &checked,
                canonical,
                &mut nested,
            )?)
        }
        _ => None,
    };
    let (errors, omitted_errors) = collect.errors.finish();
    let (warnings, omitted_warnings) = collect.warnings.finish();
    let omitted = Omitted {
        errors: omitted_errors,
        warnings: omitted_warnings,
    };
    let mut report = Report::event(spec, canonical, errors, warnings, omitted, normalized);
    report.resolve_positions(body);
    Some(report)
}

/// A body without `event_name`: valid only as Ocrolus' account-level test delivery (its
/// normalized payload is the body with sorted keys).
fn test_delivery<'a>(
    body: &'a [u8],
    root: &'a [u8],
    members: &[Member<'a>],
    tape: &Tape<'a>,
    options: &Options,
    want_normalized: bool,
) -> Option<Report> {
    let mut collect = Collect::new(body, options);
    let mut nested = Nested::on(tape);
    walk::object(
        &compiled::TEST_DELIVERY,
        root,
        members,
        None,
        &mut nested,
        &mut collect,
    );
    if !collect.errors.is_empty() {
        let mut finding = findings::missing_event_name();
        finding.position = Some(Position::at_offset(body, offset(body, root)));
        return Some(Report::refused(finding));
    }
    let normalized = if want_normalized {
        let mut out = Vec::with_capacity(body.len());
        let mut write = Clean {
            out: Some(&mut out),
            tolerate_unknown: true,
        };
        if !walk::object(&walk::ANY, root, members, None, &mut nested, &mut write) {
            return None;
        }
        Some(Normalized::from_compact_json(String::from_utf8(out).ok()?))
    } else {
        None
    };
    let (warnings, omitted_warnings) = collect.warnings.finish();
    let mut report = Report::test_delivery(warnings, omitted_warnings, normalized);
    report.resolve_positions(body);
    Some(report)
}

/// The value of the member `name`, if present.
fn find<'a>(members: &[Member<'a>], name: &str) -> Option<&'a [u8]> {
    members
        .iter()
        .find(|member| same_bytes(&member.key, name.as_bytes()))
        .map(|member| member.value)
}

/// Whether every alias pair whose halves are both present carries one value.
fn aliases_agree(spec: &EventSpec, members: &[Member<'_>]) -> bool {
    spec.aliases.iter().all(
        |(first, second)| match (find(members, first), find(members, second)) {
            (Some(a), Some(b)) => alias_values_differ(a, b) == Some(false),
            _ => true,
        },
    )
}

/// Whether two alias values differ: strings without regard to case (they are UUIDs), `null`
/// never, other values by equality (objects and arrays by their canonical text: keys sorted,
/// numbers by value). `None` only on an internal error.
fn alias_values_differ(a: &[u8], b: &[u8]) -> Option<bool> {
    let kind = |value: &[u8]| match value.first() {
        Some(b'"') => 0,
        Some(b'n') => 1,
        Some(b't' | b'f') => 2,
        Some(b'{' | b'[') => 3,
        _ => 4,
    };
    Some(match (kind(a), kind(b)) {
        (1, _) | (_, 1) => false,
        (0, 0) => match (unescaped(a), unescaped(b)) {
            (Some(a), Some(b)) => !a.eq_ignore_ascii_case(b),
            _ => !decoded(a)?.eq_ignore_ascii_case(&decoded(b)?),
        },
        (2, 2) => a != b,
        (4, 4) => number::read(a) != number::read(b),
        (3, 3) => walk::canonical_text(a)? != walk::canonical_text(b)?,
        _ => true,
    })
}

/// What [`checked_and_normalized`] checks against: the event's schema, what an overlay adds to
/// it, and whether undeclared members are tolerated (written as they are).
#[derive(Clone, Copy)]
struct Checked<'o> {
    schema: &'static Schema,
    additions: Option<&'o EventAdditions>,
    tolerate_unknown: bool,
}

/// Checks a delivery and writes its normalized payload in the same walk (as the oracle's
/// `normalize` rewrites a tree and serde_json then writes it): compact,
/// keys sorted, `event_name` the canonical name, UUIDs in lower case, alias pairs completed.
/// `None` at the first finding (but for undeclared members when `tolerate_unknown`: they are
/// written as they are).
fn checked_and_normalized<'a>(
    members: &[Member<'a>],
    root: &'a [u8],
    checked: &Checked<'_>,
    canonical: &EventSpec,
    nested: &mut Nested<'_, 'a>,
) -> Option<Normalized> {
    let Checked {
        schema: source,
        additions,
        tolerate_unknown,
    } = *checked;
    let mut check = Clean {
        out: None,
        tolerate_unknown,
    };
    // The top level's members as written: `event_name` replaced, aliases completed from their
    // other half (the copy keeps its source's schema, as a tree's copy keeps its lowered text).
    struct Output<'k, 'a> {
        key: &'k [u8],
        /// The name needs no escaping (as the body spelled it, without escapes).
        plain_key: bool,
        /// The value's text and schema; `None` for `event_name`, the canonical name.
        value: Option<(&'a [u8], &'static Schema)>,
    }
    let mut outputs: Vec<Output<'_, 'a>> = Vec::with_capacity(members.len() + 4);
    let mut seen: u64 = 0;
    for member in members {
        let (declared, mut schema) = walk::declared(source, &member.key);
        if declared.is_none() && source.closed {
            // A member an overlay adds is checked here and written as it is, like an unknown
            // one tolerated.
            match additions.and_then(|additions| additions.field(source, &member.key)) {
                Some(added) => {
                    if !walk::added_member(added, member.value, nested, &mut check) {
                        return None;
                    }
                    schema = &walk::ANY;
                }
                None if !tolerate_unknown => return None,
                None => {}
            }
        }
        seen |= declared.map_or(0, walk::bit);
        if &*member.key == b"event_name" {
            if !walk::value(schema, member.value, additions, nested, &mut check) {
                return None;
            }
        } else {
            outputs.push(Output {
                key: &member.key,
                plain_key: matches!(member.key, Cow::Borrowed(_)),
                value: Some((member.value, schema)),
            });
        }
    }
    if !walk::required(source, root, seen, members, &mut check) {
        return None;
    }
    outputs.push(Output {
        key: b"event_name",
        plain_key: true,
        value: None,
    });
    for (first, second) in canonical.aliases {
        for (missing, present) in [(first, second), (second, first)] {
            let find = |name: &str| {
                outputs
                    .iter()
                    .find(|output| same_bytes(output.key, name.as_bytes()))
                    .map(|output| output.value)
            };
            if find(missing).is_some() {
                continue;
            }
            if let Some(Some(copied)) = find(present)
                && copied.0 != b"null"
            {
                outputs.push(Output {
                    key: missing.as_bytes(),
                    plain_key: true,
                    value: Some(copied),
                });
            }
        }
    }
    let in_order = crate::order::order_by_bytes(&outputs, |output| output.key);
    let size: usize = members
        .iter()
        .map(|member| member.key.len() + member.value.len() + 4)
        .sum();
    let mut out = Vec::with_capacity(size + 64);
    out.push(b'{');
    for (index, output) in in_order.filter_map(|index| outputs.get(index)).enumerate() {
        walk::write_key(&mut out, index, output.key, output.plain_key);
        match output.value {
            None => {
                out.push(b'"');
                out.extend_from_slice(canonical.name.as_bytes());
                out.push(b'"');
            }
            Some((value, schema)) => {
                let mut write = Clean {
                    out: Some(&mut out),
                    tolerate_unknown,
                };
                if !walk::value(schema, value, additions, nested, &mut write) {
                    return None;
                }
            }
        }
    }
    out.push(b'}');
    String::from_utf8(out)
        .ok()
        .map(Normalized::from_compact_json)
}
