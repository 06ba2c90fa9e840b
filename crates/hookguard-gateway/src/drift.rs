//! What the gateway notices of Ocrolus' payloads drifting from the docs, in monitor mode:
//! deliveries carrying fields their event's schema does not declare are counted per event, and
//! each such field is named in Envoy's log once per VM. Both stay bounded whatever the traffic:
//! a report lists at most `max_findings` fields, array indexes are folded (`/uploaded_docs/*/x`,
//! not one field per index), and the VM remembers at most [`REMEMBERED_FIELDS`] of them.

use std::cell::RefCell;
use std::collections::BTreeSet;

use hookguard::Report;

/// The most unknown fields one VM remembers (and so names in its log); past it, one more line
/// says so, and further fields are only counted.
pub const REMEMBERED_FIELDS: usize = 256;

/// The unknown fields one VM has already named in its log.
#[derive(Debug, Default)]
pub struct DriftLog {
    named: RefCell<BTreeSet<String>>,
}

impl DriftLog {
    /// The log lines a report calls for: its unknown fields not named before, for `event`, and
    /// the line that says the VM stopped remembering. Empty when nothing is new. Field names
    /// are keys of the payload, never its values.
    pub fn new_fields(&self, event: &str, report: &Report) -> Vec<String> {
        let Ok(mut named) = self.named.try_borrow_mut() else {
            return Vec::new();
        };
        let mut fresh = Vec::new();
        let mut full = false;
        for finding in unknown_fields(report) {
            let field = folded(&finding.instance_location);
            let key = format!("{event} {field}");
            if named.contains(&key) {
                continue;
            }
            if named.len() >= REMEMBERED_FIELDS {
                full = true;
                break;
            }
            named.insert(key);
            fresh.push(field);
        }
        let mut lines = Vec::new();
        if !fresh.is_empty() {
            lines.push(format!(
                "hookguard: drift: {event} carries fields its schema does not declare: {}",
                fresh.join(", ")
            ));
        }
        if full && named.len() == REMEMBERED_FIELDS {
            // Said once: the set stays full, and `full` is only reached again past it.
            named.insert(String::from("\u{0}full"));
            lines.push(format!(
                "hookguard: drift: {REMEMBERED_FIELDS} unknown fields named in this VM's log; \
                 further ones are only counted (hookguard.event.<event>.unknown_fields)"
            ));
        }
        lines
    }
}

/// Whether a report has fields its event's schema does not declare.
pub fn has_unknown_fields(report: &Report) -> bool {
    unknown_fields(report).next().is_some()
}

/// A report's findings of fields its event's schema does not declare (errors in strict mode,
/// warnings otherwise).
fn unknown_fields(report: &Report) -> impl Iterator<Item = &hookguard::Finding> {
    report
        .errors
        .iter()
        .chain(&report.warnings)
        .filter(|finding| finding.code == "unknown_field")
}

/// A JSON Pointer with its array indexes folded to `*`.
fn folded(pointer: &str) -> String {
    pointer
        .split('/')
        .map(|segment| {
            if !segment.is_empty() && segment.bytes().all(|byte| byte.is_ascii_digit()) {
                "*"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use hookguard::{Options, Validator};

    #[test]
    fn each_field_is_named_once_and_memory_stays_bounded() {
        let validator = Validator::new(Options::default()).unwrap();
        let log = DriftLog::default();
        let body = br#"{"event_name": "book.verified", "status": "BOOK_COMPLETE", "book_pk": 1, "book_uuid": "35ef4501-b93d-4ce2-b766-b670a057c0fb", "book_name": "x"}"#;
        let report = validator.validate(body);
        assert!(has_unknown_fields(&report));
        let lines = log.new_fields("book.verified", &report);
        assert_eq!(
            lines,
            [
                "hookguard: drift: book.verified carries fields its schema does not declare: /book_name"
            ]
        );
        assert!(
            log.new_fields("book.verified", &report).is_empty(),
            "said once"
        );

        // A hostile body with thousands of unknown fields: the report lists max_findings of
        // them, and the VM remembers at most REMEMBERED_FIELDS across bodies.
        for round in 0..40 {
            let mut body = String::from(
                r#"{"event_name": "book.verified", "status": "BOOK_COMPLETE", "book_pk": 1, "book_uuid": "35ef4501-b93d-4ce2-b766-b670a057c0fb""#,
            );
            for field in 0..5000 {
                body.push_str(&format!(r#", "f{round}_{field}": 1"#));
            }
            body.push('}');
            let report = validator.validate(body.as_bytes());
            let lines = log.new_fields("book.verified", &report);
            assert!(lines.len() <= 2);
            assert!(lines.iter().all(|line| line.len() < 2000));
        }
        assert!(log.named.borrow().len() <= REMEMBERED_FIELDS + 1);
        assert_eq!(folded("/uploaded_docs/12/extra"), "/uploaded_docs/*/extra");
    }
}
