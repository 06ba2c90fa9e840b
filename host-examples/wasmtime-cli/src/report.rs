//! The module's report, as this host reads it back and writes it out again.
//!
//! The fields mirror the core's `Report` exactly; `normalized` is kept as the raw bytes the
//! module produced, so the CLI prints the very bytes every other host produces.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::input::Origin;

/// The verdict on one payload.
#[derive(Debug, Deserialize, Serialize)]
pub struct Report {
    pub valid: bool,
    pub delivery: Option<String>,
    pub event_name: Option<String>,
    pub source_event_name: Option<String>,
    pub errors: Vec<Finding>,
    pub warnings: Vec<Finding>,
    /// Findings beyond `max_findings`, counted but not listed.
    #[serde(default, skip_serializing_if = "Omitted::is_none")]
    pub omitted: Omitted,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub normalized: Option<Box<RawValue>>,
}

/// How many errors and warnings a report found beyond those it lists.
#[derive(Debug, Default, Clone, Copy, Deserialize, Serialize)]
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
    pub fn summary_key(&self) -> String {
        match (&self.event_name, &self.source_event_name) {
            (Some(canonical), _) => canonical.clone(),
            (None, Some(source)) => source.clone(),
            (None, None) if self.delivery.as_deref() == Some("test") => "(test delivery)".into(),
            (None, None) => self.refusal().into(),
        }
    }
}
