//! `hookguard survey`'s text output: a section per event name, listing only what differs from
//! the documentation. The figures are the core's (`hookguard::survey`); this only lays them out.

use std::io::{self, Write};

use hookguard::survey::Survey;

/// Writes the survey for a person. Values appear only when they were revealed.
pub fn write_text(out: &mut dyn Write, survey: &Survey, revealed: bool) -> io::Result<()> {
    writeln!(out, "{} payloads surveyed", survey.payloads)?;
    if !survey.schemes.is_empty() {
        let schemes: Vec<String> = survey
            .schemes
            .iter()
            .map(|(scheme, count)| format!("{scheme} {count}"))
            .collect();
        writeln!(out, "naming schemes: {}", schemes.join(", "))?;
    }
    for (name, event) in &survey.events {
        writeln!(
            out,
            "\n{name} ({}): {} deliveries",
            event.scheme, event.deliveries
        )?;
        let mut quiet = true;
        if !event.undeclared.is_empty() {
            quiet = false;
            writeln!(out, "  fields the schema does not declare:")?;
            for (path, field) in &event.undeclared {
                let types: Vec<&str> = field.types.iter().map(String::as_str).collect();
                writeln!(
                    out,
                    "    {path:<40} {:>7} deliveries  {}",
                    field.deliveries,
                    types.join(", ")
                )?;
            }
        }
        if !event.missing_required.is_empty() {
            quiet = false;
            writeln!(out, "  required fields missing:")?;
            for (path, count) in &event.missing_required {
                writeln!(out, "    {path:<40} {count:>7} deliveries")?;
            }
        }
        if !event.type_mismatches.is_empty() {
            quiet = false;
            writeln!(out, "  values of another type than documented:")?;
            for (path, types) in &event.type_mismatches {
                let found: Vec<String> = types
                    .iter()
                    .map(|(name, count)| format!("{name} {count}"))
                    .collect();
                writeln!(out, "    {path:<40} {}", found.join(", "))?;
            }
        }
        if !event.format_mismatches.is_empty() {
            quiet = false;
            writeln!(out, "  values not of their documented format:")?;
            for (path, count) in &event.format_mismatches {
                writeln!(out, "    {path:<40} {count:>7} deliveries")?;
            }
        }
        if !event.outside_enum.is_empty() {
            quiet = false;
            writeln!(out, "  values outside the documented ones:")?;
            for (path, outside) in &event.outside_enum {
                let values: Vec<String> = outside
                    .values
                    .iter()
                    .map(|(value, count)| format!("{value:?} {count}"))
                    .collect();
                let shown = if revealed {
                    values.join(", ")
                } else {
                    String::from("(values with --reveal-values)")
                };
                writeln!(
                    out,
                    "    {path:<40} {:>7} deliveries  {shown}",
                    outside.deliveries
                )?;
            }
        }
        if !event.never_seen.is_empty() {
            quiet = false;
            let paths: Vec<&str> = event.never_seen.iter().map(String::as_str).collect();
            writeln!(out, "  documented fields never seen: {}", paths.join(", "))?;
        }
        if quiet {
            writeln!(out, "  as documented")?;
        }
    }
    if survey.unknown_events > 0 {
        writeln!(
            out,
            "\nunknown event names: {} deliveries",
            survey.unknown_events
        )?;
        if revealed {
            for (name, count) in &survey.unknown_event_names {
                writeln!(out, "    {name:?} {count}")?;
            }
        } else {
            writeln!(out, "  (the names with --reveal-values)")?;
        }
    }
    if !survey.unreadable.is_empty() {
        let codes: Vec<String> = survey
            .unreadable
            .iter()
            .map(|(code, count)| format!("{code} {count}"))
            .collect();
        writeln!(out, "\nbodies that could not be read: {}", codes.join(", "))?;
    }
    Ok(())
}
