//! Writes results: human text (coloured on a terminal) or NDJSON, and the per-event summary.

use std::collections::BTreeMap;
use std::io::{self, Write};

use anstyle::{AnsiColor, Style};

use crate::input::{InputProblem, RequestLine};
use crate::pipeline::CheckedPayload;
use crate::report::{Finding, Report};

/// The colours of the text output; all plain when colour is off.
#[derive(Clone, Copy)]
pub struct Palette {
    source: Style,
    valid: Style,
    invalid: Style,
    warning: Style,
    dim: Style,
}

impl Palette {
    pub fn new(colour: bool) -> Palette {
        if !colour {
            let plain = Style::new();
            return Palette {
                source: plain,
                valid: plain,
                invalid: plain,
                warning: plain,
                dim: plain,
            };
        }
        Palette {
            source: Style::new().bold(),
            valid: AnsiColor::Green.on_default(),
            invalid: AnsiColor::Red.on_default().bold(),
            warning: AnsiColor::Yellow.on_default(),
            dim: Style::new().dimmed(),
        }
    }
}

/// Which payloads the text output lists (the summary always counts them all).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Only the summary.
    Quiet,
    /// Payloads with errors or warnings.
    Problems,
    /// Every payload.
    All,
}

/// Writes one checked payload as text: a header line, then one line per finding, each
/// starting with `file:line:column:` so editors and terminals can jump to it.
pub fn write_text(
    out: &mut dyn Write,
    checked: &CheckedPayload,
    report: &Report,
    detail: Detail,
    palette: Palette,
) -> io::Result<()> {
    let has_findings = !report.errors.is_empty() || !report.warnings.is_empty();
    if detail == Detail::Quiet || (detail == Detail::Problems && !has_findings) {
        return Ok(());
    }
    let Palette {
        source,
        valid,
        invalid,
        dim,
        ..
    } = palette;
    let verdict = if report.valid {
        format!("{valid}valid{valid:#}")
    } else {
        format!("{invalid}invalid{invalid:#}")
    };
    write!(
        out,
        "{source}{}{source:#}: {verdict} {}",
        checked.source,
        report.event_label()
    )?;
    if let Some(RequestLine { method, target, .. }) = &checked.request {
        write!(out, " {dim}({method} {target}){dim:#}")?;
    }
    writeln!(out)?;
    for finding in &report.errors {
        write_finding(out, checked, finding, "error", palette.invalid, palette)?;
    }
    for finding in &report.warnings {
        write_finding(out, checked, finding, "warning", palette.warning, palette)?;
    }
    let omitted = report.omitted;
    if !omitted.is_none() {
        let dim = palette.dim;
        writeln!(
            out,
            "  {dim}{}: {} more error{} and {} more warning{} not listed (--max-findings){dim:#}",
            checked.source,
            omitted.errors,
            if omitted.errors == 1 { "" } else { "s" },
            omitted.warnings,
            if omitted.warnings == 1 { "" } else { "s" },
        )?;
    }
    Ok(())
}

fn write_finding(
    out: &mut dyn Write,
    checked: &CheckedPayload,
    finding: &Finding,
    severity: &str,
    style: Style,
    palette: Palette,
) -> io::Result<()> {
    let location = match (finding.position, checked.origin) {
        (Some(position), Some(_)) => {
            format!("{}:{}:{}", checked.file, position.line, position.column)
        }
        (Some(position), None) => {
            format!("{}:{}:{}", checked.source, position.line, position.column)
        }
        (None, _) => checked.source.to_string(),
    };
    let pointer = match finding.instance_location.as_str() {
        "" => String::new(),
        pointer => format!(" at {pointer}"),
    };
    let dim = palette.dim;
    writeln!(
        out,
        "  {location}: {style}{severity}{style:#}{dim}[{}]{dim:#}{pointer}: {}",
        finding.code, finding.error
    )
}

/// Writes one checked payload as a line of JSON: where it came from, the problem document a
/// receiver would answer a refused delivery with (the core's, as the gateway sends it), then
/// the report's members (the module's own bytes when nothing in them changed).
pub fn write_ndjson(
    out: &mut dyn Write,
    checked: &CheckedPayload,
    report: &Report,
) -> io::Result<()> {
    out.write_all(b"{\"source\":")?;
    serde_json::to_writer(&mut *out, &*checked.source)?;
    if let Some(request) = &checked.request {
        out.write_all(b",\"request\":")?;
        serde_json::to_writer(&mut *out, request)?;
    }
    if let Some(problem) = checked
        .admission
        .as_ref()
        .and_then(|admission| admission.problem.as_ref())
    {
        out.write_all(b",\"problem\":")?;
        out.write_all(problem.get().as_bytes())?;
    }
    out.write_all(b",")?;
    report.write_members(out)?;
    out.write_all(b"\n")
}

/// Writes an input problem (an unreadable file, a broken capture) for a person.
pub fn write_problem(
    out: &mut dyn Write,
    problem: &InputProblem,
    palette: Palette,
) -> io::Result<()> {
    let Palette {
        source, invalid, ..
    } = palette;
    writeln!(
        out,
        "{source}{}{source:#}: {invalid}error{invalid:#}: {}",
        problem.source, problem.message
    )
}

/// Counts for the summary.
#[derive(Default)]
pub struct Tally {
    events: BTreeMap<String, Counts>,
    /// Inputs (or parts) that could not be read.
    pub problems: u64,
    /// Payloads the module failed on (trapped); each is reported.
    pub failures: u64,
    /// Payloads observed without a verdict (a survey that does not judge).
    pub observed: u64,
}

#[derive(Default, Clone, Copy)]
struct Counts {
    payloads: u64,
    valid: u64,
    invalid: u64,
    warned: u64,
}

impl Counts {
    fn add(&mut self, other: Counts) {
        self.payloads += other.payloads;
        self.valid += other.valid;
        self.invalid += other.invalid;
        self.warned += other.warned;
    }
}

impl Tally {
    pub fn count(&mut self, report: &Report) {
        let key = report.summary_key();
        // Looked up before inserting: a key is allocated once per event, not per payload.
        if !self.events.contains_key(key) {
            self.events.insert(key.to_owned(), Counts::default());
        }
        let Some(counts) = self.events.get_mut(key) else {
            return;
        };
        counts.payloads += 1;
        if report.valid {
            counts.valid += 1;
        } else {
            counts.invalid += 1;
        }
        if !report.warnings.is_empty() {
            counts.warned += 1;
        }
    }

    fn total(&self) -> Counts {
        let mut total = Counts::default();
        self.events.values().for_each(|counts| total.add(*counts));
        total
    }

    pub fn payloads(&self) -> u64 {
        self.total().payloads + self.observed
    }

    pub fn invalid(&self) -> u64 {
        self.total().invalid
    }

    /// The summary table, one row per event (bracketed rows, like `(not an event)`, last).
    pub fn write_summary(&self, out: &mut dyn Write, palette: Palette) -> io::Result<()> {
        let total = self.total();
        let width = self
            .events
            .keys()
            .map(|name| name.chars().count())
            .max()
            .unwrap_or(0)
            .max("event".len());
        let dim = palette.dim;
        writeln!(out)?;
        writeln!(
            out,
            "{dim}{:<width$}  {:>8}  {:>6}  {:>7}  {:>13}{dim:#}",
            "event", "payloads", "valid", "invalid", "with warnings"
        )?;
        let (named, bracketed): (Vec<_>, Vec<_>) = self
            .events
            .iter()
            .partition(|(name, _)| !name.starts_with('('));
        for (name, counts) in named.into_iter().chain(bracketed) {
            write_row(out, name, *counts, width)?;
        }
        write_row(out, "total", total, width)?;
        let Palette {
            valid,
            invalid,
            warning,
            ..
        } = palette;
        let mut verdict = if total.invalid == 0 {
            format!(
                "{valid}{} of {} payloads valid{valid:#}",
                total.valid, total.payloads
            )
        } else {
            format!(
                "{invalid}{} of {} payloads invalid{invalid:#}",
                total.invalid, total.payloads
            )
        };
        if self.problems > 0 {
            let inputs = plural(self.problems, "input", "inputs");
            verdict.push_str(&format!("; {warning}{inputs} could not be read{warning:#}"));
        }
        if self.failures > 0 {
            let payloads = plural(self.failures, "payload", "payloads");
            verdict.push_str(&format!(
                "; {invalid}the module failed on {payloads}{invalid:#}"
            ));
        }
        writeln!(out, "{verdict}")
    }
}

fn write_row(out: &mut dyn Write, name: &str, counts: Counts, width: usize) -> io::Result<()> {
    let padding = width.saturating_sub(name.chars().count());
    writeln!(
        out,
        "{name}{:padding$}  {:>8}  {:>6}  {:>7}  {:>13}",
        "", counts.payloads, counts.valid, counts.invalid, counts.warned
    )
}

fn plural(count: u64, one: &str, many: &str) -> String {
    if count == 1 {
        format!("1 {one}")
    } else {
        format!("{count} {many}")
    }
}
