//! Overlays on the command line: `--overlay FILE` read and checked before any module starts
//! (with the core's own rules, so the error names the entry and says what to do), and
//! `survey --emit-overlay FILE` written from a survey.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result, anyhow};
use hookguard::survey::Draft;
use serde_json::Value;

use crate::advice::Advise;

const ADVICE: &str = "an overlay only adds optional fields with a type and enum values to \
                      documented events: correct or remove the entry named (README, \"Drift\")";

/// Reads and checks the overlay in `path`: JSON, accepted whole by the core.
pub fn read(path: &Path) -> Result<Value> {
    let text = std::fs::read(path)
        .with_context(|| format!("reading the overlay {}", path.display()))
        .advise(
            "give --overlay a file written by `hookguard survey --emit-overlay` (or by hand)",
        )?;
    let document: Value = serde_json::from_slice(&text)
        .map_err(|error| {
            anyhow!(
                "the overlay {}:{}:{} is not JSON ({})",
                path.display(),
                error.line(),
                error.column(),
                error.classify_name()
            )
        })
        .advise("an overlay is one JSON object; check the file at that line")?;
    hookguard::Overlay::resolve(&document)
        .map_err(|error| anyhow!("the overlay {} was refused: {error}", path.display()))
        .advise(ADVICE)?;
    Ok(document)
}

/// Writes a drafted overlay to `path`, and says on stderr what it holds and what drift it
/// could not take (for the user to take up with Ocrolus).
pub fn write_draft(path: &Path, draft: &Draft, stderr: &mut dyn Write) -> Result<()> {
    let mut text = serde_json::to_string_pretty(&draft.document)?;
    text.push('\n');
    std::fs::write(path, text)
        .with_context(|| format!("writing the overlay {}", path.display()))
        .advise("choose an --emit-overlay path that can be written")?;
    let (fields, values) = draft.overlay.counts();
    writeln!(
        stderr,
        "wrote {}: {fields} added fields and {values} enum values (review it: it holds the enum \
         values as sent)",
        path.display()
    )?;
    if !draft.left_out.is_empty() {
        writeln!(
            stderr,
            "not in the overlay (an overlay only adds; these stay refused):"
        )?;
        for line in &draft.left_out {
            writeln!(stderr, "  {line}")?;
        }
    }
    Ok(())
}

/// What `Value::classify` says, in words.
trait ClassifyName {
    fn classify_name(&self) -> &'static str;
}

impl ClassifyName for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "could not be read",
            serde_json::error::Category::Syntax => "a syntax error",
            serde_json::error::Category::Data => "unexpected data",
            serde_json::error::Category::Eof => "it ends too early",
        }
    }
}
