//! Renders the checked-in `schemas/` folder from hookguard's event types, with the seed
//! fixtures (`tests/fixtures/seeds/`) attached as `examples`.
//!
//! Rendering is pure (files in, file contents out) so that `--check` and the drift test compare
//! exactly what `just schemas` would write.

mod compile;
mod openapi;

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use hookguard::catalog::{EMAIL_ONLY_EVENTS, EVENTS};
use hookguard::schema::{self, TEST_DELIVERY};
use serde_json::{Value, json};

/// Folder of the generated files, relative to the repository root.
pub const SCHEMAS_DIR: &str = "schemas";
/// The generated catalog page, relative to the repository root.
pub const EVENTS_DOC: &str = "docs/events.md";

/// Where the core crate keeps the generated files it embeds (`BUNDLE_JSON`, `CATALOG_JSON`).
pub const EMBEDDED_DIR: &str = "crates/hookguard/embedded";
/// Folder of the seed fixtures (Ocrolus' documented examples), relative to the repository root.
pub const SEEDS_DIR: &str = "tests/fixtures/seeds";

/// Why rendering failed.
#[derive(Debug)]
pub enum Error {
    /// A fixture could not be read.
    Read(PathBuf, std::io::Error),
    /// A seed fixture is not valid JSON.
    Parse(PathBuf, serde_json::Error),
    /// A generated schema does not compile.
    Compile(String),
    /// A schema uses a keyword (or a form of one) the compiled catalog does not translate.
    Unsupported {
        /// The event.
        event: String,
        /// JSON Pointer to the keyword in the event's strict schema.
        location: String,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Read(path, error) => write!(f, "cannot read {}: {error}", path.display()),
            Error::Parse(path, error) => {
                write!(f, "seed fixture {} is not JSON: {error}", path.display())
            }
            Error::Compile(name) => write!(f, "generated schema of {name} does not compile"),
            Error::Unsupported { event, location } => write!(
                f,
                "the schema of {event} uses {location}, which the compiled catalog does not \
                 translate (teach crates/hookguard-schemagen/src/compile.rs and \
                 crates/hookguard/src/contract/compiled/ the keyword first)"
            ),
        }
    }
}

impl std::error::Error for Error {}

/// One seed example: where it came from and its payload.
struct Example {
    path: String,
    payload: Value,
}

/// Every generated file: path relative to the repository root, and its contents.
pub fn render(root: &Path) -> Result<BTreeMap<PathBuf, String>, Error> {
    let examples = load_examples(&root.join(SEEDS_DIR))?;
    let mut files = BTreeMap::new();
    let mut event_schemas = Vec::new();
    for (name, mut schema) in schema::event_schemas() {
        attach_examples(
            &mut schema,
            examples.get(name).map(Vec::as_slice).unwrap_or_default(),
            name,
        )?;
        files.insert(event_path(name), pretty(&schema));
        event_schemas.push((name, schema));
    }
    let mut test_delivery = schema::test_delivery_schema();
    let test_examples = examples
        .get(TEST_DELIVERY)
        .map(Vec::as_slice)
        .unwrap_or_default();
    attach_examples(&mut test_delivery, test_examples, TEST_DELIVERY)?;
    files.insert(
        Path::new(SCHEMAS_DIR).join("test-delivery.json"),
        pretty(&test_delivery),
    );
    let examples_of = |name: &str| -> Vec<Value> {
        let schema = if name == TEST_DELIVERY {
            Some(&test_delivery)
        } else {
            event_schemas
                .iter()
                .find(|(event, _)| *event == name)
                .map(|(_, schema)| schema)
        };
        schema
            .and_then(|schema| schema.get("examples"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    files.insert(
        Path::new(SCHEMAS_DIR).join("openapi.json"),
        pretty(&openapi::document(&examples_of)),
    );
    let bundle = schema::bundle(&event_schemas, &test_delivery);
    files.insert(Path::new(SCHEMAS_DIR).join("bundle.json"), pretty(&bundle));
    // The core embeds the bundle (without indentation: 40% of the pretty file is spaces) and the
    // catalog; copies inside its own folder keep `cargo package -p hookguard` self-contained.
    files.insert(
        Path::new(EMBEDDED_DIR).join("bundle.min.json"),
        serde_json::to_string(&bundle).unwrap_or_default(),
    );
    let catalog = pretty(&catalog());
    files.insert(
        Path::new(EMBEDDED_DIR).join("catalog.json"),
        catalog.clone(),
    );
    files.insert(Path::new(SCHEMAS_DIR).join("catalog.json"), catalog);
    files.insert(PathBuf::from(EVENTS_DOC), events_doc());
    files.insert(
        PathBuf::from(compile::COMPILED_PATH),
        compile::compiled_catalog(&event_schemas, &test_delivery)?,
    );
    Ok(files)
}

/// Where an event's schema lives, relative to the repository root.
pub fn event_path(name: &str) -> PathBuf {
    Path::new(SCHEMAS_DIR)
        .join("events")
        .join(format!("{name}.json"))
}

/// Paths under `schemas/` that exist on disk but would not be generated (stale files).
pub fn stale_files(root: &Path, files: &BTreeMap<PathBuf, String>) -> Vec<PathBuf> {
    let mut stale = Vec::new();
    for folder in [
        PathBuf::from(SCHEMAS_DIR),
        Path::new(SCHEMAS_DIR).join("events"),
    ] {
        let Ok(entries) = fs::read_dir(root.join(&folder)) else {
            continue;
        };
        for entry in entries.flatten() {
            let relative = folder.join(entry.file_name());
            if entry.path().is_file() && !files.contains_key(&relative) {
                stale.push(relative);
            }
        }
    }
    stale.sort();
    stale
}

fn pretty(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

/// Seed examples grouped by the event they claim (`test-delivery` when `event_name` is absent).
fn load_examples(seeds: &Path) -> Result<BTreeMap<String, Vec<Example>>, Error> {
    let mut paths = Vec::new();
    collect_json_files(seeds, &mut paths)?;
    paths.sort();
    let mut grouped: BTreeMap<String, Vec<Example>> = BTreeMap::new();
    for path in paths {
        let text = fs::read_to_string(&path).map_err(|error| Error::Read(path.clone(), error))?;
        let payload: Value =
            serde_json::from_str(&text).map_err(|error| Error::Parse(path.clone(), error))?;
        let event = payload
            .get("event_name")
            .and_then(Value::as_str)
            .unwrap_or(TEST_DELIVERY)
            .to_owned();
        let relative = path
            .strip_prefix(seeds)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        grouped.entry(event).or_default().push(Example {
            path: format!("{SEEDS_DIR}/{relative}"),
            payload,
        });
    }
    Ok(grouped)
}

fn collect_json_files(folder: &Path, into: &mut Vec<PathBuf>) -> Result<(), Error> {
    let entries = fs::read_dir(folder).map_err(|error| Error::Read(folder.to_owned(), error))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_json_files(&path, into)?;
        } else if path
            .extension()
            .is_some_and(|extension| extension == "json")
        {
            into.push(path);
        }
    }
    Ok(())
}

/// Attaches the examples that are valid against `schema` (once each), and names the ones
/// that are not in `$comment`: an `examples` entry that fails its own schema would mislead.
fn attach_examples(schema: &mut Value, examples: &[Example], name: &str) -> Result<(), Error> {
    let validator =
        jsonschema::draft202012::new(schema).map_err(|_| Error::Compile(name.to_owned()))?;
    let mut valid: Vec<Value> = Vec::new();
    let mut invalid: Vec<&str> = Vec::new();
    for example in examples {
        if !validator.is_valid(&example.payload) {
            invalid.push(&example.path);
        } else if !valid.contains(&example.payload) {
            valid.push(example.payload.clone());
        }
    }
    let Some(object) = schema.as_object_mut() else {
        return Ok(());
    };
    if !valid.is_empty() {
        object.insert("examples".into(), Value::Array(valid));
    }
    if !invalid.is_empty() {
        object.insert(
            "$comment".into(),
            format!(
                "Ocrolus' documented example(s) of this event fail this schema and are not attached: {}. \
                 They are kept as fixtures, and hookguard reports exactly where they go wrong.",
                invalid.join(", ")
            )
            .into(),
        );
    }
    Ok(())
}

/// The catalog as a Markdown page (docs/events.md).
fn events_doc() -> String {
    use hookguard::catalog::Listing;
    let mut page = String::from(
        "# Event catalog\n\n\
         Generated from `crates/hookguard/src/contract/catalog.rs` by `just schemas`; do not edit by hand.\n\n\
         | event_name | listed in | normalizes to | payload | schema | what it means |\n\
         |---|---|---|---|---|---|\n",
    );
    for spec in EVENTS {
        let listings: Vec<&str> = spec
            .listings
            .iter()
            .map(|listing| match listing {
                Listing::Organization => "organization",
                Listing::Account => "account",
                Listing::Legacy => "legacy",
                Listing::OpenApiOnly => "OpenAPI only",
            })
            .collect();
        let canonical = match spec.canonical {
            hookguard::catalog::Canonical::Itself => "itself".to_owned(),
            hookguard::catalog::Canonical::Renamed(name) => format!("`{name}`"),
            hookguard::catalog::Canonical::ByStatus(table) => table
                .iter()
                .map(|(status, name)| format!("`{name}` (status `{status}`)"))
                .collect::<Vec<_>>()
                .join("<br>"),
        };
        let payload = if spec.payload_documented() {
            "documented"
        } else {
            "undocumented"
        };
        page.push_str(&format!(
            "| `{}` | {} | {} | {} | [schema](../schemas/events/{}.json) | {} |\n",
            spec.name,
            listings.join(", "),
            canonical,
            payload,
            spec.name,
            spec.summary
        ));
    }
    page.push_str("\nNever delivered by webhook (a delivery claiming one is refused with `email_only_event`):\n\n");
    for event in EMAIL_ONLY_EVENTS {
        page.push_str(&format!("- `{}`: {}\n", event.name, event.explanation));
    }
    page.push_str(
        "\nA body without `event_name` is valid only as the account-level test delivery \
         `{\"status\":\"VERIFICATION_COMPLETE\",\"uploaded_doc_pk\":0,\"book_pk\":0}` \
         ([schema](../schemas/test-delivery.json)); its report has `delivery: \"test\"`.\n",
    );
    page
}

/// The catalog as data, for tools and documentation.
fn catalog() -> Value {
    let events: Vec<Value> = EVENTS
        .iter()
        .map(|spec| {
            json!({
                "name": spec.name,
                "listings": spec.listings,
                "summary": spec.summary,
                "canonical_names": spec.canonical_names(),
                "payload_documented": spec.payload_documented(),
                "aliases": spec.aliases.iter().map(|(a, b)| [a, b]).collect::<Vec<_>>(),
                "schema": event_path(spec.name).strip_prefix(SCHEMAS_DIR).map(|p| p.to_string_lossy().into_owned()).unwrap_or_default(),
            })
        })
        .collect();
    let email_only: Vec<Value> = EMAIL_ONLY_EVENTS
        .iter()
        .map(|event| json!({ "name": event.name, "explanation": event.explanation }))
        .collect();
    json!({ "events": events, "email_only": email_only })
}
