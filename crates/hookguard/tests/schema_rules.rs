//! The generated schemas say what Ocrolus' documents say, derived mechanically from the seed
//! examples: required = present in every documented example of the event (and of every
//! legacy name that normalizes to it, so normalized legacy payloads stay valid); nullable =
//! shown as `null` in one of those examples.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::BTreeSet;

use common::{event_schema, fixtures, payload};
use hookguard::catalog::{EVENTS, EventSpec};
use hookguard::events::UUID_PATTERN;
use serde_json::{Map, Value};

/// The documented examples that speak for `spec`'s schema.
fn evidence(spec: &EventSpec) -> Vec<Map<String, Value>> {
    let examples: Vec<Map<String, Value>> = fixtures("seeds")
        .iter()
        .filter_map(|path| payload(path).as_object().cloned())
        .collect();
    examples
        .into_iter()
        .filter(|example| {
            let Some(name) = example.get("event_name").and_then(Value::as_str) else {
                return false;
            };
            name == spec.name
                || hookguard::catalog::event(name).is_some_and(|source| {
                    source.name != spec.name && source.canonical_names().contains(&spec.name)
                })
        })
        .collect()
}

fn strings(value: &Value) -> BTreeSet<String> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

fn admits_null(property: &Value) -> bool {
    match &property["type"] {
        Value::Array(types) => types.iter().any(|t| t == "null"),
        Value::String(t) => t == "null",
        _ => property.get("anyOf").is_some_and(|alternatives| {
            alternatives
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a["type"] == "null")
        }),
    }
}

#[test]
fn required_fields_are_those_present_in_every_documented_example() {
    for spec in EVENTS.iter().filter(|spec| spec.payload_documented()) {
        let examples = evidence(spec);
        assert!(!examples.is_empty(), "{}: no documented example", spec.name);
        let mut present_everywhere: BTreeSet<String> = examples[0].keys().cloned().collect();
        for example in &examples[1..] {
            present_everywhere.retain(|key| example.contains_key(key));
        }
        let schema = event_schema(spec.name);
        // A field of an alias pair is required through `anyOf`: it or its alias.
        let mut required = strings(&schema["required"]);
        if let Some(alternatives) = schema.get("anyOf") {
            let first = &alternatives[0]["required"];
            required.extend(strings(first));
            let pair: BTreeSet<String> = alternatives
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|alternative| strings(&alternative["required"]))
                .collect();
            let aliases: BTreeSet<String> = spec
                .aliases
                .iter()
                .flat_map(|(a, b)| [a.to_string(), b.to_string()])
                .collect();
            assert_eq!(pair, aliases, "{}: anyOf is not an alias pair", spec.name);
        }
        assert_eq!(required, present_everywhere, "{}", spec.name);
    }
}

#[test]
fn fields_admit_null_exactly_where_an_example_shows_null() {
    for spec in EVENTS.iter().filter(|spec| spec.payload_documented()) {
        let examples = evidence(spec);
        let schema = event_schema(spec.name);
        for (field, property) in schema["properties"].as_object().unwrap() {
            let shown_null = examples
                .iter()
                .any(|example| example.get(field).is_some_and(Value::is_null));
            assert_eq!(admits_null(property), shown_null, "{}.{field}", spec.name);
        }
    }
}

#[test]
fn every_documented_field_is_declared() {
    for spec in EVENTS.iter().filter(|spec| spec.payload_documented()) {
        let schema = event_schema(spec.name);
        let declared = schema["properties"].as_object().unwrap();
        for example in evidence(spec)
            .iter()
            .filter(|e| e["event_name"] == spec.name)
        {
            for key in example.keys() {
                assert!(
                    declared.contains_key(key),
                    "{}: {key} not declared",
                    spec.name
                );
            }
        }
    }
}

/// Visits every (property name, property schema) pair at any depth.
fn walk_properties(schema: &Value, visit: &mut dyn FnMut(&str, &Value)) {
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        for (name, property) in properties {
            visit(name, property);
            walk_properties(property, visit);
        }
    }
    if let Some(items) = schema.get("items") {
        walk_properties(items, visit);
    }
}

#[test]
fn identifiers_and_counts_have_their_documented_forms() {
    for spec in EVENTS {
        walk_properties(&event_schema(spec.name), &mut |name, property| {
            if name.ends_with("_uuid") || name == "uuid" || name == "analytics_request_id" {
                assert_eq!(property["pattern"], UUID_PATTERN, "{}.{name}", spec.name);
            }
            if name.ends_with("_pk") || name == "signal_count" {
                let types = match &property["type"] {
                    Value::String(t) => vec![t.clone()],
                    other => strings(other).into_iter().collect(),
                };
                assert!(
                    types.contains(&"integer".to_owned()),
                    "{}.{name}",
                    spec.name
                );
                assert_eq!(property["minimum"], 0, "{}.{name}", spec.name);
            }
            if name == "severity" {
                assert_eq!(
                    property["enum"],
                    serde_json::json!(["LOW", "MODERATE", "HIGH"]),
                    "{}",
                    spec.name
                );
            }
            if name == "notification_type" {
                assert_eq!(
                    property["enum"],
                    serde_json::json!(["STATUS", "ISSUE"]),
                    "{}",
                    spec.name
                );
            }
        });
    }
}

#[test]
fn only_required_fields_admit_null() {
    for spec in EVENTS {
        let schema = event_schema(spec.name);
        let required = strings(&schema["required"]);
        for (field, property) in schema["properties"].as_object().unwrap() {
            if admits_null(property) {
                assert!(
                    required.contains(field),
                    "{}.{field} is optional yet nullable",
                    spec.name
                );
            }
        }
    }
}

#[test]
fn every_schema_is_valid_against_the_2020_12_metaschema() {
    let root = common::repo_root().join("schemas");
    let mut files = vec![root.join("bundle.json"), root.join("test-delivery.json")];
    files.extend(
        std::fs::read_dir(root.join("events"))
            .unwrap()
            .map(|e| e.unwrap().path()),
    );
    assert_eq!(files.len(), EVENTS.len() + 2);
    for file in files {
        let schema: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        assert_eq!(
            schema["$schema"],
            "https://json-schema.org/draft/2020-12/schema",
            "{}",
            file.display()
        );
        if let Err(error) = jsonschema::meta::validate(&schema) {
            panic!("{}: {error}", file.display());
        }
    }
}

#[test]
fn schema_examples_are_the_valid_documented_examples() {
    for spec in EVENTS.iter().filter(|spec| spec.payload_documented()) {
        let schema = event_schema(spec.name);
        let own: Vec<Value> = fixtures("seeds")
            .iter()
            .map(|path| payload(path))
            .filter(|example| example["event_name"] == spec.name)
            .collect();
        let compiled = jsonschema::draft202012::new(&schema).unwrap();
        let examples = schema
            .get("examples")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for example in &own {
            assert_eq!(
                examples.contains(example),
                compiled.is_valid(example),
                "{}",
                spec.name
            );
        }
    }
}

#[test]
fn the_embedded_bundle_is_the_published_one_without_indentation() {
    let published: serde_json::Value =
        serde_json::from_slice(&common::read("schemas/bundle.json")).unwrap();
    let embedded: serde_json::Value = serde_json::from_str(hookguard::schema::BUNDLE_JSON).unwrap();
    assert_eq!(embedded, published);
    assert!(!hookguard::schema::BUNDLE_JSON.contains('\n'));
    assert!(hookguard::schema::BUNDLE_JSON.len() < common::read("schemas/bundle.json").len());
}
