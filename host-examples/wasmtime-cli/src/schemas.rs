//! `hookguard schemas`: the event catalog and the JSON Schemas, as the module publishes them.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

use anyhow::{Context, Result, anyhow};
use serde::Deserialize;

use crate::advice::Advise;
use crate::cli::SchemasArgs;
use crate::exit;
use crate::plugin::PluginModule;

/// Name of the account-level test delivery's schema.
const TEST_DELIVERY: &str = "test-delivery";

#[derive(Deserialize)]
struct Catalog {
    events: Vec<CatalogEvent>,
    email_only: Vec<EmailOnly>,
}

#[derive(Deserialize)]
struct CatalogEvent {
    name: String,
    listings: Vec<String>,
    canonical_names: Vec<String>,
    payload_documented: bool,
    schema: String,
}

#[derive(Deserialize)]
struct EmailOnly {
    name: String,
}

pub fn run(module: &PluginModule, args: &SchemasArgs) -> Result<u8> {
    // With an overlay the module answers the effective schemas: what it checks.
    let config = match &args.overlay {
        Some(path) => serde_json::json!({ "overlay": crate::overlay::read(path)? }).to_string(),
        None => String::from("{}"),
    };
    let mut plugin = module.instantiate(&config)?;
    let catalog_json = plugin.catalog()?;
    let catalog: Catalog = serde_json::from_str(&catalog_json)
        .map_err(|error| anyhow!("the module's catalog is not in the expected shape: {error}"))?;
    let mut out = io::stdout().lock();

    if let Some(directory) = &args.out_dir {
        write_all(&mut plugin, &catalog, &catalog_json, directory)?;
        writeln!(
            out,
            "wrote {} schemas and catalog.json to {}",
            catalog.events.len() + 1,
            directory.display()
        )?;
        return Ok(exit::ALL_VALID);
    }
    if !args.names.is_empty() {
        let mut missing = Vec::new();
        for name in &args.names {
            match plugin.schema(name)? {
                Some(schema) => write!(out, "{}", pretty(&schema)?)?,
                None => missing.push(name.as_str()),
            }
        }
        if !missing.is_empty() {
            return Err(anyhow::anyhow!("no schema named {}", missing.join(", "))).advise(
                "`hookguard schemas` lists the names (either naming scheme, or test-delivery)",
            );
        }
        return Ok(exit::ALL_VALID);
    }
    if args.json {
        write!(out, "{}", pretty(&catalog_json)?)?;
    } else {
        write_table(&mut out, &catalog)?;
    }
    Ok(exit::ALL_VALID)
}

fn write_table(out: &mut dyn Write, catalog: &Catalog) -> io::Result<()> {
    let width = catalog
        .events
        .iter()
        .map(|event| event.name.len())
        .max()
        .unwrap_or(0);
    writeln!(
        out,
        "{:<width$}  {:<22}  normalizes to",
        "event", "listed in"
    )?;
    for event in &catalog.events {
        let mut canonical = event.canonical_names.join(" | ");
        if !event.payload_documented {
            canonical.push_str("  (no documented payload)");
        }
        writeln!(
            out,
            "{:<width$}  {:<22}  {canonical}",
            event.name,
            event.listings.join(", ")
        )?;
    }
    let email_only: Vec<&str> = catalog
        .email_only
        .iter()
        .map(|event| event.name.as_str())
        .collect();
    writeln!(
        out,
        "\n{} webhook events, and the account-level test delivery ({TEST_DELIVERY}). \
         E-mail only, refused as webhooks: {}.\n`hookguard schemas NAME` prints a schema.",
        catalog.events.len(),
        email_only.join(", ")
    )
}

/// Writes the layout of the repository's `schemas/`: `events/NAME.json`, `test-delivery.json`
/// and `catalog.json`.
fn write_all(
    plugin: &mut crate::plugin::PluginInstance,
    catalog: &Catalog,
    catalog_json: &str,
    directory: &Path,
) -> Result<()> {
    let write = |relative: &str, text: &str| -> Result<()> {
        // The names come from the module, which `--module` lets anyone supply: stay inside.
        let inside = Path::new(relative)
            .components()
            .all(|component| matches!(component, std::path::Component::Normal(_)));
        if !inside {
            return Err(anyhow::anyhow!(
                "the module names a schema file outside the directory: {relative}"
            ))
            .advise("use the module built by `scripts/just plugin`, or leave out --module");
        }
        let path = directory.join(relative);
        let unwritable = "choose an --out-dir that can be created and written";
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))
                .advise(unwritable)?;
        }
        fs::write(&path, text)
            .with_context(|| format!("writing {}", path.display()))
            .advise(unwritable)
    };
    for event in &catalog.events {
        let schema = plugin
            .schema(&event.name)?
            .ok_or_else(|| anyhow!("the module lists {} but has no schema for it", event.name))?;
        write(&event.schema, &pretty(&schema)?)?;
    }
    let test_delivery = plugin
        .schema(TEST_DELIVERY)?
        .ok_or_else(|| anyhow!("the module has no {TEST_DELIVERY} schema"))?;
    write(&format!("{TEST_DELIVERY}.json"), &pretty(&test_delivery)?)?;
    write("catalog.json", &pretty(catalog_json)?)
}

/// The module answers compact JSON; files and terminals get it indented, as in `schemas/`.
fn pretty(json: &str) -> Result<String> {
    let value: serde_json::Value = serde_json::from_str(json)
        .map_err(|error| anyhow!("the module answered malformed JSON: {error}"))?;
    let mut text = serde_json::to_string_pretty(&value)?;
    text.push('\n');
    Ok(text)
}
