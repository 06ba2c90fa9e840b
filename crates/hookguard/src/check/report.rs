//! What validation says about one delivery.

use serde::Serialize;
use serde_json::Value;

use crate::contract::catalog::EventSpec;
use crate::json::intake::IntakeError;
use crate::json::position::Position;
use crate::json::reader::JsonText;
use crate::json::write;

/// One problem (or warning) with a delivery.
///
/// Field names follow JSON Schema's output format (`instanceLocation`, `keywordLocation`,
/// `error`) so that tools built for it read hookguard's results as they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable machine-readable kind of the finding (e.g. `duplicate_key`, `schema_violation`,
    /// `unknown_field`): what metrics and alerts should key on.
    pub code: &'static str,
    /// JSON Pointer (RFC 6901) to the offending value in the payload; `""` is the whole body.
    #[serde(rename = "instanceLocation")]
    pub instance_location: String,
    /// JSON Pointer to the failing keyword in the event's schema; `""` for findings made
    /// before schema validation (intake, event dispatch).
    #[serde(rename = "keywordLocation")]
    pub keyword_location: String,
    /// What is wrong, in words. Never quotes a payload value unless
    /// [`crate::Options::reveal_values`] is set.
    pub error: String,
    /// Where in the body, for findings made while reading it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
}

impl Finding {
    /// A finding about the delivery as a whole or a member of it, not tied to a schema keyword.
    pub fn at(
        code: &'static str,
        instance_location: impl Into<String>,
        error: impl Into<String>,
    ) -> Finding {
        Finding {
            code,
            instance_location: instance_location.into(),
            keyword_location: String::new(),
            error: error.into(),
            position: None,
        }
    }
}

impl From<&IntakeError> for Finding {
    fn from(error: &IntakeError) -> Finding {
        Finding {
            code: error.kind.code(),
            instance_location: error.instance_location.clone(),
            keyword_location: String::new(),
            error: error.kind.to_string(),
            position: error.position,
        }
    }
}

/// What kind of delivery a body is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// A webhook event (the body has an `event_name`).
    Event,
    /// Ocrolus' account-level test delivery (no `event_name`; fixed values).
    Test,
}

/// The verdict on one delivery.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Whether the delivery may be trusted: no errors (warnings do not count).
    pub valid: bool,
    /// What kind of delivery it is, once that is known.
    pub delivery: Option<Delivery>,
    /// The organization-level (canonical) event name, once it is known.
    pub event_name: Option<&'static str>,
    /// The event name as delivered, when it is one hookguard knows.
    pub source_event_name: Option<&'static str>,
    /// The errors, sorted by location: the first [`crate::Options::max_findings`] of them.
    pub errors: Vec<Finding>,
    /// The warnings (unknown fields, disagreeing aliases, ...), sorted by location: the first
    /// [`crate::Options::max_findings`] of them.
    pub warnings: Vec<Finding>,
    /// How many errors and warnings were found beyond those listed (serialized only when
    /// some were).
    #[serde(skip_serializing_if = "Omitted::is_none")]
    pub omitted: Omitted,
    /// The normalized payload, when normalization was asked for and the delivery is valid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub normalized: Option<Normalized>,
}

/// A normalized payload: compact JSON with object keys sorted, the same bytes for the same
/// input in every host. Held as that text, which is how normalization writes it and how hosts
/// forward it; [`Normalized::to_value`] reads it back when a tree is wanted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized(String);

impl Normalized {
    /// Takes compact JSON text the crate wrote itself.
    pub(crate) fn from_compact_json(text: String) -> Normalized {
        Normalized(text)
    }

    /// The payload from a tree, written as compact JSON with sorted keys.
    #[cfg(feature = "oracle")]
    pub(crate) fn from_value(value: &Value) -> Normalized {
        Normalized(serde_json::to_string(value).unwrap_or_else(|_| String::from("null")))
    }

    /// The JSON text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The JSON text, as bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// The JSON text, owned.
    pub fn into_string(self) -> String {
        self.0
    }

    /// The payload as a tree.
    pub fn to_value(&self) -> Value {
        serde_json::from_str(&self.0).unwrap_or(Value::Null)
    }
}

/// Serializes the payload itself (not a string holding it), in one pass over its text: each
/// value goes to the serializer as it is read, without a tree in between, so any serializer
/// (JSON, JavaScript values, CBOR, ...) gets the same payload [`Normalized::to_value`] holds.
/// [`Report::write_json`] copies the text instead, the cheapest way to JSON.
impl Serialize for Normalized {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        JsonText(self.0.as_bytes()).serialize(serializer)
    }
}

impl Report {
    /// The report on a body refused before it could be read: what hosts give when they find
    /// such a problem at their boundary (a JavaScript string that has no UTF-8 encoding).
    pub fn unreadable(error: &IntakeError) -> Report {
        Report::refused(Finding::from(error))
    }

    /// The report on an event delivery sent as `source`, normalizing to `canonical` (when its
    /// name and status say which): valid when it has no error.
    pub(crate) fn event(
        source: &EventSpec,
        canonical: Option<&EventSpec>,
        errors: Vec<Finding>,
        warnings: Vec<Finding>,
        omitted: Omitted,
        normalized: Option<Normalized>,
    ) -> Report {
        Report {
            valid: errors.is_empty(),
            delivery: Some(Delivery::Event),
            event_name: canonical.map(|canonical| canonical.name),
            source_event_name: Some(source.name),
            errors,
            warnings,
            omitted,
            normalized,
        }
    }

    /// Gives the findings whose position holds only an offset ([`Position::unresolved`])
    /// their line and column, in one pass over `body`.
    pub(crate) fn resolve_positions(&mut self, body: &[u8]) {
        let positions = self
            .errors
            .iter_mut()
            .chain(self.warnings.iter_mut())
            .filter_map(|finding| finding.position.as_mut());
        Position::resolve_all(body, positions);
    }

    /// The report on a recognised account-level test delivery.
    pub(crate) fn test_delivery(
        warnings: Vec<Finding>,
        omitted_warnings: usize,
        normalized: Option<Normalized>,
    ) -> Report {
        Report {
            valid: true,
            delivery: Some(Delivery::Test),
            event_name: None,
            source_event_name: None,
            errors: Vec::new(),
            warnings,
            omitted: Omitted {
                errors: 0,
                warnings: omitted_warnings,
            },
            normalized,
        }
    }

    /// A report for a body refused before it could be read as an event.
    pub(crate) fn refused(error: Finding) -> Report {
        Report {
            valid: false,
            delivery: None,
            event_name: None,
            source_event_name: None,
            errors: vec![error],
            warnings: Vec::new(),
            omitted: Omitted::default(),
            normalized: None,
        }
    }

    /// The normalized payload as bytes: compact JSON with object keys sorted, the same bytes
    /// for the same input in every host.
    pub fn normalized_bytes(&self) -> Option<Vec<u8>> {
        self.normalized
            .as_ref()
            .map(|normalized| normalized.as_bytes().to_vec())
    }

    /// The report as one line of JSON (the shape every host emits).
    pub fn to_json(&self) -> String {
        // The report's head and findings, and the normalized payload, in one allocation (a
        // buffer grown while the payload is copied in would copy it twice).
        let head =
            160 + self.event_name.map_or(0, str::len) + self.source_event_name.map_or(0, str::len);
        let findings = (self.errors.len() + self.warnings.len()) * 192;
        let normalized = self.normalized.as_ref().map_or(0, |text| text.0.len());
        let mut out = Vec::with_capacity(head + findings + normalized);
        self.append_head(&mut out);
        // Only the head is checked as UTF-8: the normalized payload is a `String` already.
        let Ok(mut text) = String::from_utf8(out) else {
            return String::from(r#"{"valid":false}"#);
        };
        if let Some(normalized) = &self.normalized {
            text.push_str(",\"normalized\":");
            text.push_str(normalized.as_str());
        }
        text.push('}');
        text
    }

    /// Writes [`Report::to_json`]'s bytes into `out` (cleared first), reusing its capacity:
    /// hosts that check many bodies keep one buffer instead of allocating per report.
    ///
    /// Written field by field rather than through a serializer: the normalized payload is
    /// copied as the text it already is. The bytes are those `serde_json` writes for
    /// [`Report`]'s `Serialize` (a test holds the two together).
    pub fn write_json(&self, out: &mut Vec<u8>) {
        out.clear();
        self.append_json(out);
    }

    /// Appends the report's JSON to `out` (what [`Report::write_json`] writes), for a host
    /// that writes it inside a larger document.
    pub fn append_json(&self, out: &mut Vec<u8>) {
        self.append_head(out);
        if let Some(normalized) = &self.normalized {
            out.extend_from_slice(b",\"normalized\":");
            out.extend_from_slice(normalized.as_bytes());
        }
        out.push(b'}');
    }

    /// The report's JSON up to its normalized payload (the closing brace left off).
    fn append_head(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(if self.valid {
            b"{\"valid\":true,\"delivery\":"
        } else {
            b"{\"valid\":false,\"delivery\":"
        });
        match self.delivery {
            None => out.extend_from_slice(b"null"),
            Some(Delivery::Event) => out.extend_from_slice(b"\"event\""),
            Some(Delivery::Test) => out.extend_from_slice(b"\"test\""),
        }
        out.extend_from_slice(b",\"event_name\":");
        write_optional_string(out, self.event_name);
        out.extend_from_slice(b",\"source_event_name\":");
        write_optional_string(out, self.source_event_name);
        out.extend_from_slice(b",\"errors\":");
        write_findings(out, &self.errors);
        out.extend_from_slice(b",\"warnings\":");
        write_findings(out, &self.warnings);
        if !self.omitted.is_none() {
            out.extend_from_slice(b",\"omitted\":{\"errors\":");
            write_number(out, self.omitted.errors);
            out.extend_from_slice(b",\"warnings\":");
            write_number(out, self.omitted.warnings);
            out.push(b'}');
        }
    }
}

/// A JSON string, escaped as serde_json escapes it.
fn write_string(out: &mut Vec<u8>, text: &str) {
    write::string(out, text.as_bytes());
}

fn write_optional_string(out: &mut Vec<u8>, text: Option<&str>) {
    match text {
        Some(text) => write_string(out, text),
        None => out.extend_from_slice(b"null"),
    }
}

fn write_number(out: &mut Vec<u8>, number: usize) {
    out.extend_from_slice(number.to_string().as_bytes());
}

fn write_findings(out: &mut Vec<u8>, findings: &[Finding]) {
    out.push(b'[');
    for (index, finding) in findings.iter().enumerate() {
        if index > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"code\":");
        write_string(out, finding.code);
        out.extend_from_slice(b",\"instanceLocation\":");
        write_string(out, &finding.instance_location);
        out.extend_from_slice(b",\"keywordLocation\":");
        write_string(out, &finding.keyword_location);
        out.extend_from_slice(b",\"error\":");
        write_string(out, &finding.error);
        if let Some(position) = finding.position {
            out.extend_from_slice(b",\"position\":{\"offset\":");
            write_number(out, position.offset);
            out.extend_from_slice(b",\"line\":");
            write_number(out, position.line);
            out.extend_from_slice(b",\"column\":");
            write_number(out, position.column);
            out.push(b'}');
        }
        out.push(b'}');
    }
    out.push(b']');
}

/// Findings found but not listed in a report, because of [`crate::Options::max_findings`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Omitted {
    /// Errors beyond those listed.
    pub errors: usize,
    /// Warnings beyond those listed.
    pub warnings: usize,
}

impl Omitted {
    /// Whether nothing was left out.
    pub fn is_none(&self) -> bool {
        self.errors == 0 && self.warnings == 0
    }
}

/// Findings of one kind as they are found: keeps the first `limit` by location (the order a
/// report lists them in) and counts the rest, in memory bounded by `limit` whatever the body
/// holds.
pub(crate) struct FindingList {
    kept: Vec<Finding>,
    limit: usize,
    dropped: usize,
}

impl FindingList {
    pub(crate) fn new(limit: usize) -> FindingList {
        FindingList {
            kept: Vec::new(),
            limit,
            dropped: 0,
        }
    }

    pub(crate) fn push(&mut self, finding: Finding) {
        self.kept.push(finding);
        // Trim once the list doubles: sorting stays amortized O(log limit) per finding.
        if self.kept.len() >= self.limit.saturating_mul(2).max(64) {
            self.trim();
        }
    }

    /// Whether nothing has been found.
    pub(crate) fn is_empty(&self) -> bool {
        self.kept.is_empty() && self.dropped == 0
    }

    fn trim(&mut self) {
        sort_findings(&mut self.kept);
        if self.kept.len() > self.limit {
            self.dropped += self.kept.len() - self.limit;
            self.kept.truncate(self.limit);
        }
    }

    /// The listed findings, sorted, and how many were left out.
    pub(crate) fn finish(mut self) -> (Vec<Finding>, usize) {
        self.trim();
        (self.kept, self.dropped)
    }
}

/// Sorts findings so that reports are identical however the schema engine ordered them (and
/// so that the findings a capped report lists are always the same ones).
pub(crate) fn sort_findings(findings: &mut [Finding]) {
    crate::order::sort_by(findings, |a, b| {
        (&a.instance_location, &a.keyword_location, a.code, &a.error).cmp(&(
            &b.instance_location,
            &b.keyword_location,
            b.code,
            &b.error,
        ))
    });
}
