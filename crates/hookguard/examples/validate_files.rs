//! Validates the files named on the command line and prints one JSON report per line.
//!
//! `cargo run -p hookguard --example validate_files -- tests/fixtures/seeds/organization/*.json`

use hookguard::{Options, Validator};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let validator = Validator::new(Options::default())?;
    for path in std::env::args().skip(1) {
        let body = std::fs::read(&path)?;
        println!("{path}\t{}", validator.normalize(&body).to_json());
    }
    Ok(())
}
