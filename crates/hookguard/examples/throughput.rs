//! The native side of the throughput benchmark (`just bench`): reads an NDJSON capture one line
//! at a time, on one thread, and reports MB/s and payloads/s for
//! - `parse`: plain `serde_json` parsing into a `Value` (the floor no validator beats by much);
//! - `core`: the native core's validate + normalize, with the report serialized as the hosts
//!   emit it.
//!
//! `cargo run --release -p hookguard --example throughput -- CAPTURE.ndjson`

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::process::ExitCode;
use std::time::Instant;

use hookguard::{Options, Validator};

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

    // Read the capture once first, so neither pass pays for the disk and the first is not
    // penalized for filling the page cache.
    if let Err(error) = measure(&path, &|_| 0) {
        eprintln!("error: {path}: {error}");
        return ExitCode::from(2);
    }
    let parse: Pass = &|line| serde_json::from_slice::<serde_json::Value>(line).map_or(0, |_| 1);
    let core: Pass = &|line| validator.normalize(line).to_json().len();
    for (name, pass) in [("serde_json parse", parse), ("native core", core)] {
        match measure(&path, pass) {
            Ok(run) => println!(
                "{name}: {:.1} MB/s, {:.0} payloads/s ({} payloads, {:.1} MB in {:.2} s; checksum {})",
                run.bytes as f64 / 1e6 / run.seconds,
                run.payloads as f64 / run.seconds,
                run.payloads,
                run.bytes as f64 / 1e6,
                run.seconds,
                run.checksum
            ),
            Err(error) => {
                eprintln!("error: {path}: {error}");
                return ExitCode::from(2);
            }
        }
    }
    ExitCode::SUCCESS
}

struct Run {
    bytes: u64,
    payloads: u64,
    seconds: f64,
    /// Folds every pass's result, so the work cannot be optimized away.
    checksum: usize,
}

/// Runs `pass` over every non-blank line.
fn measure(path: &str, pass: Pass) -> std::io::Result<Run> {
    let mut reader = BufReader::with_capacity(256 * 1024, File::open(path)?);
    let mut line = Vec::new();
    let mut run = Run {
        bytes: 0,
        payloads: 0,
        seconds: 0.0,
        checksum: 0,
    };
    let started = Instant::now();
    loop {
        line.clear();
        let read = reader.read_until(b'\n', &mut line)?;
        if read == 0 {
            break;
        }
        run.bytes += read as u64;
        if line.trim_ascii().is_empty() {
            continue;
        }
        run.payloads += 1;
        run.checksum = run.checksum.wrapping_add(pass(line.trim_ascii_end()));
    }
    run.seconds = started.elapsed().as_secs_f64();
    Ok(run)
}
