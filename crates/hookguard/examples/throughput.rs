//! The native side of the throughput benchmark (`just bench`): reads an NDJSON capture into
//! memory, then times, one thread, best of three runs each, side by side on the same lines:
//! - `parse`: plain `serde_json` parsing into a `Value` (the floor no validator beats by much);
//! - `parse + jsonschema-rs`: what a user writes in ten lines: parse, pick the runtime validator
//!   compiled from `schemas/events/<event_name>.json`, `is_valid`;
//! - `validate`, `validate + report`, `normalize`, `normalize + report`: the core, with the
//!   report made a fresh `String` (`to_json`); `normalize + write_json`: written as the plugin
//!   module writes reports, into one buffer kept between bodies; and `normalize + serde`: the
//!   report serialized through serde, as a Rust user who embeds it in their own output does;
//! - `survey`: an observation per body added up (`Surveyor::observe` + `Survey::add`), the
//!   work of `hookguard survey` without the module's crossing, set against `validate`.
//!
//! `THROUGHPUT_ROUNDS` (default 3) sets how many rounds of every pass in turn are run.
//!
//! Prints payloads/s and each pass's ratio to the parse floor and to the jsonschema-rs baseline.
//! With an overlay file, two more passes: `validate` with the overlay in force, lenient and
//! strict (what an overlay costs, on deliveries that need it or not).
//!
//! `cargo run --release -p hookguard --example throughput -- CAPTURE.ndjson [OVERLAY.json]`

use std::cell::RefCell;
use std::collections::HashMap;
use std::process::ExitCode;
use std::time::Instant;

use hookguard::survey::{SeenPaths, Survey, Surveyor};
use hookguard::{Options, Validator};
use serde_json::Value;

type Pass<'a> = &'a dyn Fn(&[u8]) -> usize;

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: throughput CAPTURE.ndjson");
        return ExitCode::from(2);
    };
    let started = Instant::now();
    let validator = match Validator::new(Options::default()) {
        Ok(validator) => validator,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    println!(
        "native Validator::new: {:.1} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );
    let capture = match std::fs::read(&path) {
        Ok(capture) => capture,
        Err(error) => {
            eprintln!("error: {path}: {error}");
            return ExitCode::from(2);
        }
    };
    let lines: Vec<&[u8]> = capture
        .split(|&byte| byte == b'\n')
        .map(<[u8]>::trim_ascii)
        .filter(|line| !line.is_empty())
        .collect();
    let runtime = match runtime_validators() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: schemas/events: {error}");
            return ExitCode::from(2);
        }
    };

    let parse: Pass = &|line| serde_json::from_slice::<Value>(line).map_or(0, |_| 1);
    let jsonschema_rs: Pass = &|line| {
        let Ok(payload) = serde_json::from_slice::<Value>(line) else {
            return 0;
        };
        payload
            .get("event_name")
            .and_then(Value::as_str)
            .and_then(|name| runtime.get(name))
            .map_or(0, |schema| usize::from(schema.is_valid(&payload)))
    };
    let validate: Pass = &|line| usize::from(validator.validate(line).valid);
    let validate_report: Pass = &|line| validator.validate(line).to_json().len();
    let normalize: Pass = &|line| usize::from(validator.normalize(line).valid);
    let normalize_report: Pass = &|line| validator.normalize(line).to_json().len();
    // As the plugin module writes reports: into one buffer kept between bodies.
    let kept = RefCell::new(Vec::new());
    let normalize_write_json: Pass = &|line| {
        let mut out = kept.borrow_mut();
        validator.normalize(line).write_json(&mut out);
        out.len()
    };
    let normalize_serde: Pass =
        &|line| serde_json::to_vec(&validator.normalize(line)).map_or(0, |written| written.len());
    // The survey as the command line runs it: one observation per body, added up.
    let surveyor = Surveyor::new();
    let survey = RefCell::new(Survey::default());
    let seen = RefCell::new(SeenPaths::default());
    let observe: Pass = &|line| {
        let observation = surveyor.observe_new(line, &Options::default(), &mut seen.borrow_mut());
        let drifted = observation.undeclared.len() + observation.type_mismatches.len();
        survey.borrow_mut().add(observation);
        drifted
    };
    let mut passes: Vec<(&str, Pass)> = vec![
        ("serde_json parse to Value", parse),
        ("parse + jsonschema-rs per event (is_valid)", jsonschema_rs),
        ("Validator::validate", validate),
        ("Validator::validate + report serialized", validate_report),
        ("Validator::normalize", normalize),
        ("Validator::normalize + report serialized", normalize_report),
        (
            "Validator::normalize + write_json, buffer kept",
            normalize_write_json,
        ),
        (
            "Validator::normalize + report through serde",
            normalize_serde,
        ),
        ("Surveyor::observe + Survey::add", observe),
    ];
    let overlaid = match std::env::args()
        .nth(2)
        .map(|path| overlaid_validators(&path))
    {
        None => None,
        Some(Ok(overlaid)) => Some(overlaid),
        Some(Err(error)) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    let with_overlay = |strict: usize, line: &[u8]| {
        overlaid
            .as_ref()
            .and_then(|validators| validators.get(strict))
            .map_or(0, |validator| usize::from(validator.validate(line).valid))
    };
    let lenient_overlaid = |line: &[u8]| with_overlay(0, line);
    let strict_overlaid = |line: &[u8]| with_overlay(1, line);
    if overlaid.is_some() {
        passes.push(("Validator::validate, overlay in force", &lenient_overlaid));
        passes.push((
            "Validator::validate, strict, overlay in force",
            &strict_overlaid,
        ));
    }
    // `THROUGHPUT_ONLY=normalize` times only the passes whose name holds that text (for a
    // profiler); the ratios below then compare whatever passes ran.
    if let Ok(only) = std::env::var("THROUGHPUT_ONLY") {
        passes.retain(|(name, _)| name.contains(&only));
    }
    let megabytes = capture.len() as f64 / 1e6;
    // Rounds of every pass in turn, each pass's fastest run kept: on a shared machine whose
    // speed drifts over seconds, passes run side by side see the same machine, where passes
    // timed one after the other (the recipe's first way) could differ by 30% for nothing.
    let rounds: usize = std::env::var("THROUGHPUT_ROUNDS")
        .ok()
        .and_then(|rounds| rounds.parse().ok())
        .filter(|&rounds| rounds > 0)
        .unwrap_or(3);
    println!(
        "capture: {} payloads, {megabytes:.1} MB; the fastest of {rounds} rounds, every pass in turn",
        lines.len()
    );
    let mut best = vec![(f64::INFINITY, 0usize); passes.len()];
    for _ in 0..rounds {
        for ((_, pass), best) in passes.iter().zip(&mut best) {
            let (seconds, checksum) = run(&lines, *pass);
            *best = (best.0.min(seconds), checksum);
        }
    }
    let rates: Vec<_> = passes
        .iter()
        .zip(&best)
        .map(|((name, _), (seconds, checksum))| (name, lines.len() as f64 / seconds, *checksum))
        .collect();
    let rate_of = |index: usize| rates.get(index).map_or(f64::NAN, |(_, rate, _)| *rate);
    let rate_named = |wanted: &str| {
        rates
            .iter()
            .find(|(name, _, _)| **name == wanted)
            .map_or(f64::NAN, |(_, rate, _)| *rate)
    };
    let (floor, baseline) = (rate_of(0), rate_of(1));
    println!("| pass | payloads/s | vs parse | vs parse + jsonschema-rs |");
    println!("|---|---:|---:|---:|");
    for (name, rate, checksum) in &rates {
        println!(
            "| {name} | {:.0}k | {:.2}x | {:.2}x |",
            rate / 1000.0,
            rate / floor,
            rate / baseline
        );
        // Printed so that the work cannot be optimized away.
        eprintln!("{name}: checksum {checksum}");
    }
    println!(
        "survey: {:.2}x of Validator::validate",
        rate_named("Surveyor::observe + Survey::add") / rate_named("Validator::validate")
    );
    if overlaid.is_some() {
        println!(
            "overlay in force: {:.2}x of Validator::validate lenient, strict {:.2}x",
            rate_named("Validator::validate, overlay in force") / rate_named("Validator::validate"),
            rate_named("Validator::validate, strict, overlay in force")
                / rate_named("Validator::validate")
        );
    }
    // For the bench recipe, which sets the command line's rate beside it.
    println!("native validate: {:.0} payloads/s", rate_of(2));
    ExitCode::SUCCESS
}

/// Validators with the overlay in `path` in force, lenient and strict.
fn overlaid_validators(path: &str) -> Result<[Validator; 2], String> {
    let text = std::fs::read_to_string(path).map_err(|error| format!("{path}: {error}"))?;
    let overlay: Value = serde_json::from_str(&text).map_err(|error| format!("{path}: {error}"))?;
    let build = |strict| {
        Validator::new(Options {
            strict,
            overlay: Some(overlay.clone()),
            ..Options::default()
        })
        .map_err(|error| format!("{path}: {error}"))
    };
    Ok([build(false)?, build(true)?])
}

/// One runtime validator per `schemas/events/*.json`, keyed by event name, as a user builds
/// them (jsonschema's defaults).
fn runtime_validators() -> Result<HashMap<String, jsonschema::Validator>, String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../schemas/events");
    let mut validators = HashMap::new();
    for entry in std::fs::read_dir(dir).map_err(|error| error.to_string())? {
        let path = entry.map_err(|error| error.to_string())?.path();
        let Some(name) = path.file_stem().and_then(|stem| stem.to_str()) else {
            continue;
        };
        let text = std::fs::read_to_string(&path).map_err(|error| error.to_string())?;
        let schema: Value = serde_json::from_str(&text).map_err(|error| error.to_string())?;
        let validator =
            jsonschema::validator_for(&schema).map_err(|error| format!("{name}: {error}"))?;
        validators.insert(name.to_owned(), validator);
    }
    Ok(validators)
}

/// One run of `pass` over every line: (seconds, checksum).
fn run(lines: &[&[u8]], pass: Pass) -> (f64, usize) {
    let started = Instant::now();
    let checksum = lines
        .iter()
        .fold(0usize, |sum, line| sum.wrapping_add(pass(line)));
    (started.elapsed().as_secs_f64(), checksum)
}
