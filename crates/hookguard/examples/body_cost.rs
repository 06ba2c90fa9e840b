//! Time and memory of checking one large body (RELIABILITY.md's per-size table): normalizes
//! (or with `--validate` only validates) the file once under the highest body limit and prints the time and the report's
//! size. Run it under `/usr/bin/time -v` (or `scripts/just body-cost`) for the peak memory.
//!
//! `cargo run --release -p hookguard --example body_cost -- [--strict] [--validate] BODY`

use std::process::ExitCode;
use std::time::Instant;

use hookguard::{MAX_BYTES_CEILING, Options, Validator};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let strict = args.iter().any(|arg| arg == "--strict");
    let validate_only = args.iter().any(|arg| arg == "--validate");
    let Some(path) = args.iter().find(|arg| !arg.starts_with("--")) else {
        eprintln!("usage: body_cost [--strict] [--validate] BODY");
        return ExitCode::from(2);
    };
    let body = match std::fs::read(path) {
        Ok(body) => body,
        Err(error) => {
            eprintln!("error: {path}: {error}");
            return ExitCode::from(2);
        }
    };
    let options = Options {
        max_bytes: MAX_BYTES_CEILING,
        strict,
        ..Options::default()
    };
    let validator = match Validator::new(options) {
        Ok(validator) => validator,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    let started = Instant::now();
    let report = if validate_only {
        validator.validate(&body)
    } else {
        validator.normalize(&body)
    };
    let json = report.to_json();
    let elapsed = started.elapsed();
    println!(
        "{path}: {} bytes, valid {}, {} errors + {} warnings listed ({} + {} omitted), report {} bytes, {:.0} ms",
        body.len(),
        report.valid,
        report.errors.len(),
        report.warnings.len(),
        report.omitted.errors,
        report.omitted.warnings,
        json.len(),
        elapsed.as_secs_f64() * 1000.0
    );
    ExitCode::SUCCESS
}
