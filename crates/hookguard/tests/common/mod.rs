//! Helpers shared by the integration tests: the repository's fixture corpus and the schemas.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};

use hookguard::{Options, Report, Validator};
use serde_json::Value;

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// Every fixture file under `tests/fixtures/<folder>` (recursively), sorted, as paths relative
/// to the repository root with `/` separators.
pub fn fixtures(folder: &str) -> Vec<String> {
    fn walk(dir: &Path, into: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, into);
            } else if path.extension().is_some_and(|e| e == "json") {
                into.push(path);
            }
        }
    }
    let root = repo_root();
    let mut paths = Vec::new();
    walk(&root.join("tests/fixtures").join(folder), &mut paths);
    let mut relative: Vec<String> = paths
        .iter()
        .map(|path| {
            path.strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    relative.sort();
    assert!(
        !relative.is_empty(),
        "no fixtures under tests/fixtures/{folder}"
    );
    relative
}

pub fn read(relative: &str) -> Vec<u8> {
    std::fs::read(repo_root().join(relative)).unwrap()
}

/// Every body the tests hold every path to: the fixtures of the core's rules (seeds, schema,
/// numbers, intake) and the hostile corpus.
pub fn every_body() -> Vec<Vec<u8>> {
    let mut bodies: Vec<Vec<u8>> = ["seeds", "schema", "numbers", "intake"]
        .into_iter()
        .flat_map(fixtures)
        .map(|path| read(&path))
        .collect();
    bodies.extend(
        hostile::hostile_cases(&repo_root())
            .into_iter()
            .map(|case| case.body),
    );
    bodies
}

/// A fixture parsed leniently (for inspecting what it contains, not for validating it).
pub fn payload(relative: &str) -> Value {
    serde_json::from_slice(&read(relative)).unwrap()
}

/// One validator for the whole test binary: building one compiles every schema.
pub fn validator() -> &'static Validator {
    static VALIDATOR: std::sync::OnceLock<Validator> = std::sync::OnceLock::new();
    VALIDATOR.get_or_init(|| Validator::new(Options::default()).unwrap())
}

pub fn check(relative: &str) -> Report {
    validator().normalize(&read(relative))
}

/// The checked-in schema of one event.
pub fn event_schema(name: &str) -> Value {
    let path = repo_root()
        .join("schemas/events")
        .join(format!("{name}.json"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Seed fixtures whose two IMAGE_GROUP_VERIFIED examples carry Ocrolus' malformed UUID.
pub fn is_malformed_seed(relative: &str) -> bool {
    relative.contains("IMAGE_GROUP_VERIFIED")
}
pub mod hostile;
pub mod oracle;
