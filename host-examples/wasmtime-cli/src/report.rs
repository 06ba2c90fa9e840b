//! The module's report, as this host reads it back and writes it out again.
//!
//! The module's text is kept: a report that lists no finding (most of them) is written out as
//! those very bytes, and only its head (verdict, delivery, event names) is read, borrowing from
//! the text. Findings are read only when there are some, because their positions are moved to
//! the file and a failed signature check is put first among them; such a report is written
//! again from its fields, in the module's field order. `normalized` is always the module's own
//! bytes, so the CLI prints the very bytes every other host produces.

use std::borrow::Cow;
use std::ops::Range;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::input::Origin;

/// The verdict on one payload.
#[derive(Debug)]
pub struct Report {
    /// The module's JSON text.
    text: String,
    pub valid: bool,
    pub delivery: Option<String>,
    pub event_name: Option<String>,
    pub source_event_name: Option<String>,
    pub errors: Vec<Finding>,
    pub warnings: Vec<Finding>,
    /// Findings beyond `max_findings`, counted but not listed.
    pub omitted: Omitted,
    /// Where the normalized payload is in `text`.
    normalized: Option<Range<usize>>,
    /// Whether `text` still says what the fields say: no finding moved or added.
    text_current: bool,
}

/// The module's report as read: strings borrowed unless escaped, findings left as text.
#[derive(Deserialize)]
struct Head<'a> {
    valid: bool,
    #[serde(borrow)]
    delivery: Option<Cow<'a, str>>,
    #[serde(borrow)]
    event_name: Option<Cow<'a, str>>,
    #[serde(borrow)]
    source_event_name: Option<Cow<'a, str>>,
    #[serde(borrow)]
    errors: &'a RawValue,
    #[serde(borrow)]
    warnings: &'a RawValue,
    #[serde(default)]
    omitted: Omitted,
    #[serde(default, borrow)]
    normalized: Option<&'a RawValue>,
}

/// A report written again from its fields (the module's field order and names).
#[derive(Serialize)]
struct Fields<'a> {
    valid: bool,
    delivery: &'a Option<String>,
    event_name: &'a Option<String>,
    source_event_name: &'a Option<String>,
    errors: &'a [Finding],
    warnings: &'a [Finding],
    #[serde(skip_serializing_if = "Omitted::is_none")]
    omitted: Omitted,
    #[serde(skip_serializing_if = "Option::is_none")]
    normalized: Option<&'a RawValue>,
}

impl Report {
    /// Reads the module's report text.
    pub fn from_module(text: String) -> serde_json::Result<Report> {
        let head: Head<'_> = serde_json::from_str(&text)?;
        let findings = |raw: &RawValue| -> serde_json::Result<Vec<Finding>> {
            if raw.get() == "[]" {
                Ok(Vec::new())
            } else {
                serde_json::from_str(raw.get())
            }
        };
        let errors = findings(head.errors)?;
        let warnings = findings(head.warnings)?;
        let normalized = head.normalized.and_then(|raw| {
            // The raw value borrows from `text`: its place there, as a range.
            let start = (raw.get().as_ptr() as usize).checked_sub(text.as_ptr() as usize)?;
            Some(start..start + raw.get().len())
        });
        Ok(Report {
            valid: head.valid,
            delivery: head.delivery.map(Cow::into_owned),
            event_name: head.event_name.map(Cow::into_owned),
            source_event_name: head.source_event_name.map(Cow::into_owned),
            errors,
            warnings,
            omitted: head.omitted,
            normalized,
            text_current: true,
            text,
        })
    }

    /// The normalized payload: the module's bytes.
    pub fn normalized(&self) -> Option<&str> {
        self.normalized
            .as_ref()
            .and_then(|range| self.text.get(range.clone()))
    }

    /// Puts a finding first among the errors; the delivery is then invalid.
    pub fn refuse_first(&mut self, finding: Finding) {
        self.valid = false;
        self.errors.insert(0, finding);
        self.text_current = false;
    }

    /// Adds a warning after the module's own.
    pub fn warn(&mut self, finding: Finding) {
        self.warnings.push(finding);
        self.text_current = false;
    }

    /// Writes the report's JSON members, without the opening brace (the caller has written
    /// its own members before them and a comma), through the closing one.
    pub fn write_members(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        if self.text_current {
            return out.write_all(self.text.get(1..).unwrap_or_default().as_bytes());
        }
        let normalized = self
            .normalized()
            .and_then(|text| serde_json::from_str::<&RawValue>(text).ok());
        let fields = Fields {
            valid: self.valid,
            delivery: &self.delivery,
            event_name: &self.event_name,
            source_event_name: &self.source_event_name,
            errors: &self.errors,
            warnings: &self.warnings,
            omitted: self.omitted,
            normalized,
        };
        let text = serde_json::to_string(&fields)?;
        out.write_all(text.get(1..).unwrap_or_default().as_bytes())
    }
}

/// How many errors and warnings a report found beyond those it lists.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub struct Omitted {
    pub errors: u64,
    pub warnings: u64,
}

impl Omitted {
    pub fn is_none(&self) -> bool {
        self.errors == 0 && self.warnings == 0
    }
}

/// One error or warning.
#[derive(Debug, Deserialize, Serialize)]
pub struct Finding {
    pub code: String,
    #[serde(rename = "instanceLocation")]
    pub instance_location: String,
    #[serde(rename = "keywordLocation")]
    pub keyword_location: String,
    pub error: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
}

/// A position, in the body as the module reports it, or in the file once [`Report::relocate`]
/// has run.
#[derive(Debug, Clone, Copy, Deserialize, Serialize)]
pub struct Position {
    pub offset: u64,
    pub line: u64,
    pub column: u64,
}

impl Report {
    /// Turns positions in the body into positions in the file the body came from.
    pub fn relocate(&mut self, origin: Origin) {
        for finding in self.errors.iter_mut().chain(self.warnings.iter_mut()) {
            if let Some(position) = finding.position.as_mut() {
                position.offset += origin.offset;
                position.line += origin.line - 1;
                self.text_current = false;
            }
        }
    }

    /// How the summary and the text output name the payload's event.
    pub fn event_label(&self) -> String {
        match (&self.source_event_name, &self.event_name) {
            (Some(source), Some(canonical)) if source != canonical => {
                format!("{source} → {canonical}")
            }
            (_, Some(canonical)) => canonical.clone(),
            (Some(source), None) => source.clone(),
            (None, None) if self.delivery.as_deref() == Some("test") => "test delivery".into(),
            (None, None) => self.refusal().into(),
        }
    }

    /// Why a body without a known event was refused, as a summary row.
    fn refusal(&self) -> &'static str {
        let first_code = self.errors.first().map(|finding| finding.code.as_str());
        match first_code {
            Some(
                "unknown_event" | "email_only_event" | "invalid_event_name" | "missing_event_name",
            ) => "(unknown event)",
            _ => "(unreadable body)",
        }
    }

    /// The row of the per-event summary this payload counts in.
    pub fn summary_key(&self) -> &str {
        match (&self.event_name, &self.source_event_name) {
            (Some(canonical), _) => canonical,
            (None, Some(source)) => source,
            (None, None) if self.delivery.as_deref() == Some("test") => "(test delivery)",
            (None, None) => self.refusal(),
        }
    }
}
