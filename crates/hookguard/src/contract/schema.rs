//! JSON Schema (2020-12) generation from the event types.
//!
//! The checked-in files under `schemas/` are produced from these functions by
//! `hookguard-schemagen` (`just schemas`), which also compiles them into the checks the
//! validator runs (`compiled/generated.rs`); a test fails when either drifts, so the schemas
//! other tools read say exactly what hookguard enforces.

use schemars::SchemaGenerator;
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

use crate::contract::catalog::{EMAIL_ONLY_EVENTS, EVENTS, EventSpec};
use crate::contract::events::TestDelivery;
use crate::contract::options::MAX_DEPTH_CEILING;
use crate::json::intake::{self, IntakeLimits};

/// The checked-in schema bundle (`schemas/bundle.json`) without its indentation (the same
/// JSON), which hosts hand out as the published contract. (Embedded from the crate's own
/// generated copy, `embedded/`, so that the packaged crate holds everything it needs.)
pub const BUNDLE_JSON: &str = include_str!("../../embedded/bundle.min.json");

/// The checked-in catalog (`schemas/catalog.json`): every event name, where Ocrolus lists it,
/// what it normalizes to. Hosts answer catalog queries with it.
pub const CATALOG_JSON: &str = include_str!("../../embedded/catalog.json");

/// The embedded schema of one event (or of [`TEST_DELIVERY`]), as published in `schemas/`.
pub fn embedded_schema(name: &str) -> Option<Value> {
    // Read by the core's own reader: serde_json's would bring its deserializer into every
    // WebAssembly module for this one call (the same tree: the bundle has no fractions).
    let limits = IntakeLimits {
        max_bytes: usize::MAX,
        max_depth: MAX_DEPTH_CEILING as usize,
    };
    let mut bundle = intake::parse(BUNDLE_JSON.as_bytes(), limits).ok()?;
    let Value::Object(mut definitions) = bundle.remove("$defs")? else {
        return None;
    };
    let mut schema = definitions.remove(name)?;
    if let Some(object) = schema.as_object_mut() {
        object.insert("$schema".into(), DIALECT.into());
    }
    Some(schema)
}

/// The JSON Schema dialect of every generated schema.
pub const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// Name of the test-delivery schema inside the bundle's `$defs`.
pub const TEST_DELIVERY: &str = "test-delivery";

/// `format` values defined by JSON Schema 2020-12; schemars also emits non-standard ones
/// (`uint64`, `int32`, ...) that strict validators such as ajv refuse.
const STANDARD_FORMATS: &[&str] = &[
    "date-time",
    "date",
    "time",
    "duration",
    "email",
    "idn-email",
    "hostname",
    "idn-hostname",
    "ipv4",
    "ipv6",
    "uri",
    "uri-reference",
    "iri",
    "iri-reference",
    "uuid",
    "uri-template",
    "json-pointer",
    "relative-json-pointer",
    "regex",
];

fn generator() -> SchemaGenerator {
    SchemaSettings::draft2020_12()
        .with(|settings| {
            // Self-contained schemas: no `$ref`s for other tools (or our error paths) to chase.
            settings.inline_subschemas = true;
        })
        .into_generator()
}

/// The schema of one webhook event, generated from its Rust type.
pub fn event_schema(spec: &EventSpec) -> Value {
    let mut schema = spec.payload_schema(&mut generator()).to_value();
    tidy(&mut schema);
    if let Some(object) = schema.as_object_mut() {
        object.insert("$schema".into(), DIALECT.into());
        object.insert("title".into(), spec.name.into());
        object.insert("description".into(), spec.summary.into());
        let properties = object.entry("properties").or_insert_with(|| json!({}));
        if let Some(properties) = properties.as_object_mut() {
            properties.insert(
                "event_name".into(),
                json!({ "const": spec.name, "description": "Name of the event." }),
            );
        }
        let mut required = vec![Value::from("event_name")];
        if let Some(Value::Array(fields)) = object.remove("required") {
            required.extend(fields);
        }
        // An alias pair carries one value under two names, and normalization completes each
        // from the other: either half satisfies the requirement.
        let mut either = Vec::new();
        for (first, second) in spec.aliases {
            let position = |name: &str| required.iter().position(|field| field == name);
            if let (Some(at), None) | (None, Some(at)) = (position(first), position(second)) {
                let named = required.remove(at);
                let other = if named == *first { second } else { first };
                // Each alternative names its member under `properties` too (with the schema
                // `true`, constraining nothing): strict validators such as ajv refuse a
                // `required` member that no `properties` beside it defines.
                let present = |name: &Value| {
                    let key = name.as_str().unwrap_or_default();
                    json!({ "properties": { key: true }, "required": [name] })
                };
                let other = Value::from(*other);
                either.push(json!({ "anyOf": [present(&named), present(&other)] }));
            }
        }
        object.insert("required".into(), Value::Array(required));
        match either.len() {
            0 => {}
            1 => {
                if let Some(Value::Object(alternatives)) = either.pop() {
                    object.extend(alternatives);
                }
            }
            _ => {
                object.insert("allOf".into(), Value::Array(either));
            }
        }
    }
    schema
}

/// The schema of the account-level test delivery (no `event_name`).
pub fn test_delivery_schema() -> Value {
    let mut schema = generator()
        .into_root_schema_for::<TestDelivery>()
        .to_value();
    tidy(&mut schema);
    if let Some(object) = schema.as_object_mut() {
        object.insert("$schema".into(), DIALECT.into());
        object.insert("title".into(), "account-level test delivery".into());
    }
    schema
}

/// Every webhook event's schema, keyed by event name, in catalog order.
pub fn event_schemas() -> Vec<(&'static str, Value)> {
    EVENTS
        .iter()
        .map(|spec| (spec.name, event_schema(spec)))
        .collect()
}

/// One schema for any delivery: it dispatches on `event_name` to the event's schema in
/// `$defs` (an `if`/`then` per name rather than a `oneOf`, so a validator checks one branch and
/// reports that branch's errors), and falls back to the test delivery when `event_name` is
/// absent.
pub fn bundle(events: &[(&str, Value)], test_delivery: &Value) -> Value {
    let mut defs = Map::new();
    let mut dispatch = Vec::with_capacity(events.len());
    for (name, schema) in events {
        let mut embedded = schema.clone();
        if let Some(object) = embedded.as_object_mut() {
            object.remove("$schema");
        }
        defs.insert((*name).to_owned(), embedded);
        dispatch.push(json!({
            "if": { "properties": { "event_name": { "const": name } } },
            "then": { "$ref": format!("#/$defs/{}", pointer_escape(name)) },
        }));
    }
    let mut test_delivery = test_delivery.clone();
    if let Some(object) = test_delivery.as_object_mut() {
        object.remove("$schema");
    }
    defs.insert(TEST_DELIVERY.into(), test_delivery);
    let names: Vec<&str> = events.iter().map(|(name, _)| *name).collect();
    let email_only: Vec<&str> = EMAIL_ONLY_EVENTS.iter().map(|event| event.name).collect();
    json!({
        "$schema": DIALECT,
        "title": "Ocrolus webhook delivery",
        "description": format!(
            "Any Ocrolus webhook delivery: an event dispatched on event_name, or the account-level \
             test delivery when event_name is absent. E-mail-only notifications ({}) are never \
             valid webhook deliveries.",
            email_only.join(", ")
        ),
        "type": "object",
        "if": { "properties": { "event_name": true }, "required": ["event_name"] },
        "then": {
            "properties": { "event_name": { "enum": names } },
            "allOf": dispatch,
        },
        "else": { "$ref": format!("#/$defs/{TEST_DELIVERY}") },
        "$defs": defs,
    })
}

/// The strict form of a schema: forbids properties it does not declare, in every object
/// schema (the form hookguard checks; unknown fields become warnings unless `strict`). Walks
/// only the keywords that hold subschemas, and drops `examples` (instances, not schemas).
pub fn forbid_unknown_properties(schema: &mut Value) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    // A subschema whose properties are all `true` only names members (an alias pair's
    // "either half" alternatives): it describes no object, so it forbids nothing.
    let names_only = object
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|properties| {
            properties
                .values()
                .all(|property| property == &Value::Bool(true))
        });
    if object.contains_key("properties")
        && !names_only
        && !object.contains_key("additionalProperties")
    {
        object.insert("additionalProperties".into(), Value::Bool(false));
    }
    object.remove("examples");
    if let Some(Value::Object(properties)) = object.get_mut("properties") {
        properties.values_mut().for_each(forbid_unknown_properties);
    }
    if let Some(items) = object.get_mut("items") {
        forbid_unknown_properties(items);
    }
    for keyword in ["anyOf", "allOf", "oneOf"] {
        if let Some(Value::Array(branches)) = object.get_mut(keyword) {
            branches.iter_mut().for_each(forbid_unknown_properties);
        }
    }
}

/// Escapes a name for use as a JSON Pointer reference token (RFC 6901).
pub fn pointer_escape(token: &str) -> String {
    crate::json::pointer::escape(token)
}

/// Adjusts what schemars generates to what the types mean (see [`strip_null_from_optional`])
/// and to what every 2020-12 validator accepts.
fn tidy(schema: &mut Value) {
    strip_null_from_optional(schema);
    collapse_const_alternatives(schema);
    strip_non_standard_formats(schema);
}

/// schemars renders an enum whose variants carry doc comments as a `oneOf` of `const`s. A
/// validator must then try every branch and can only say "not valid under any of the schemas
/// listed in oneOf"; a plain `enum` is checked in one step and names the allowed values.
fn collapse_const_alternatives(schema: &mut Value) {
    match schema {
        Value::Object(object) => {
            let constants: Option<Vec<Value>> = object
                .get("oneOf")
                .and_then(Value::as_array)
                .and_then(|branches| {
                    branches
                        .iter()
                        .map(|branch| {
                            let branch = branch.as_object()?;
                            let only_annotations = branch.keys().all(|key| {
                                matches!(key.as_str(), "const" | "description" | "type")
                            });
                            let is_string = branch.get("type").is_none_or(|kind| kind == "string");
                            (only_annotations && is_string)
                                .then(|| branch.get("const").cloned())
                                .flatten()
                        })
                        .collect()
                });
            if let Some(constants) =
                constants.filter(|constants| constants.iter().all(Value::is_string))
            {
                object.remove("oneOf");
                object.insert("type".into(), "string".into());
                object.insert("enum".into(), Value::Array(constants));
            }
            object.values_mut().for_each(collapse_const_alternatives);
        }
        Value::Array(items) => items.iter_mut().for_each(collapse_const_alternatives),
        _ => {}
    }
}

/// schemars lets every `Option<T>` field be `null`; in these types `Option<T>` means only
/// "may be absent" (Ocrolus omits such fields, it does not send them as `null`). Fields the
/// docs show as `null` are required [`crate::contract::events::Nullable`]s, so admitting `null` on
/// optional properties only would be wrong.
fn strip_null_from_optional(schema: &mut Value) {
    match schema {
        Value::Object(object) => {
            let required: Vec<String> = object
                .get("required")
                .and_then(Value::as_array)
                .map(|fields| {
                    fields
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default();
            if let Some(Value::Object(properties)) = object.get_mut("properties") {
                for (name, property) in properties.iter_mut() {
                    if !required.contains(name) {
                        reject_null(property);
                    }
                }
            }
            object.values_mut().for_each(strip_null_from_optional);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_null_from_optional),
        _ => {}
    }
}

/// Undoes schemars' `allow_null`: `type: [T, "null"]` becomes `type: T`, a `null` enum member
/// goes, and `anyOf: [S, {type: null}]` becomes `S` (keeping the wrapper's annotations, such
/// as the field's `description`).
fn reject_null(schema: &mut Value) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    let is_null = |alternative: &Value| alternative == &json!({ "type": "null" });
    let kept = match object.get("anyOf") {
        Some(Value::Array(alternatives))
            if alternatives.len() == 2 && alternatives.iter().any(is_null) =>
        {
            alternatives
                .iter()
                .find(|alternative| !is_null(alternative))
                .cloned()
        }
        _ => None,
    };
    if let Some(Value::Object(kept)) = kept {
        object.remove("anyOf");
        for (keyword, value) in kept {
            // The field's own annotations win over the type's (e.g. its description).
            object.entry(keyword).or_insert(value);
        }
        return;
    }
    if let Some(Value::Array(types)) = object.get_mut("type") {
        types.retain(|kind| kind != "null");
        if let [single] = types.as_slice() {
            let single = single.clone();
            object.insert("type".into(), single);
        }
    }
    if let Some(Value::Array(options)) = object.get_mut("enum") {
        options.retain(|option| !option.is_null());
    }
}

fn strip_non_standard_formats(schema: &mut Value) {
    match schema {
        Value::Object(object) => {
            let non_standard = object
                .get("format")
                .and_then(Value::as_str)
                .is_some_and(|format| !STANDARD_FORMATS.contains(&format));
            if non_standard {
                object.remove("format");
            }
            object.values_mut().for_each(strip_non_standard_formats);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_non_standard_formats),
        _ => {}
    }
}
