//! Validates and normalizes the files named on the command line with the native core, printing
//! one JSON report per line. Exits 0 when every file is valid, 1 when some are not, 2 on a
//! usage or I/O error (the conventions the `hookguard` command line will keep).
//!
//! `cargo run -p hookguard --example validate_files -- tests/fixtures/seeds/organization/*.json`

use std::process::ExitCode;

use hookguard::{Options, Validator};

fn main() -> ExitCode {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    if paths.is_empty() {
        eprintln!("usage: validate_files FILE...");
        return ExitCode::from(2);
    }
    let validator = match Validator::new(Options::default()) {
        Ok(validator) => validator,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    let mut all_valid = true;
    for path in paths {
        let body = match std::fs::read(&path) {
            Ok(body) => body,
            Err(error) => {
                eprintln!("error: cannot read {path}: {error}");
                return ExitCode::from(2);
            }
        };
        let report = validator.normalize(&body);
        all_valid &= report.valid;
        println!("{path}\t{}", report.to_json());
    }
    if all_valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
