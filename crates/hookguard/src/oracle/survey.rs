//! The survey's reference: what one body shows, found over a tree (the body read by the
//! oracle's serde_json intake) against the published schemas as JSON, with an overlay applied
//! to them ([`Overlay::apply_to_schema`]). This is how the survey observed before it walked the
//! compiled schemas over the body's bytes; the tests hold the shipped walk to it.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::check::observe::scheme;
use crate::contract::catalog;
use crate::contract::compiled;
use crate::contract::options::Options;
use crate::contract::overlay::Overlay;
use crate::contract::schema::{BUNDLE_JSON, TEST_DELIVERY, pointer_escape};
use crate::survey::Observation;

/// The published schemas, keyed by event name (and [`TEST_DELIVERY`]), with `overlay` applied.
pub fn schemas(overlay: Option<&Overlay>) -> Map<String, Value> {
    let mut schemas = serde_json::from_str::<Value>(BUNDLE_JSON)
        .ok()
        .and_then(|bundle| bundle.get("$defs")?.as_object().cloned())
        .unwrap_or_default();
    if let Some(overlay) = overlay {
        for (name, schema) in &mut schemas {
            overlay.apply_to_schema(name, schema);
        }
    }
    schemas
}

/// What one body shows against `schemas` ([`schemas`]).
pub fn observe(schemas: &Map<String, Value>, body: &[u8], options: &Options) -> Observation {
    let mut observation = Observation::default();
    let payload = match super::intake::parse(body, options.intake_limits()) {
        Ok(payload) => payload,
        Err(error) => {
            observation.unreadable = Some(error.kind.code().to_owned());
            return observation;
        }
    };
    let name = match payload.get("event_name") {
        None => TEST_DELIVERY,
        Some(Value::String(name)) if catalog::event(name).is_some() => name.as_str(),
        Some(other) => {
            observation.unknown_event = true;
            if options.reveal_values {
                observation.unknown_event_name = Some(match other {
                    Value::String(name) => name.clone(),
                    other => other.to_string(),
                });
            }
            return observation;
        }
    };
    observation.scheme = Some(
        catalog::event(name)
            .map_or("account", |spec| scheme(spec.listings))
            .to_owned(),
    );
    observation.event = Some(name.to_owned());
    let Some(schema) = schemas.get(name) else {
        return observation;
    };
    let mut walk = Walk {
        observation: &mut observation,
        reveal_values: options.reveal_values,
    };
    walk.object(&payload, schema, "");
    observation
}

/// Every member path an event's schema in `schemas` documents (array items as `*`).
pub fn documented(schemas: &Map<String, Value>, event: &str) -> BTreeSet<String> {
    let mut paths = BTreeSet::new();
    if let Some(schema) = schemas.get(event) {
        documented_paths(schema, "", &mut paths);
    }
    paths
}

fn documented_paths(schema: &Value, path: &str, into: &mut BTreeSet<String>) {
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        for (name, property) in properties {
            let here = format!("{path}/{}", pointer_escape(name));
            into.insert(here.clone());
            documented_paths(property, &here, into);
        }
    }
    if let Some(items) = schema.get("items") {
        documented_paths(items, &format!("{path}/*"), into);
    }
}

/// The JSON type of a value, `integer` for numbers with no fractional part.
fn type_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(number) if number.is_i64() || number.is_u64() => "integer",
        Value::Number(number) if number.as_f64().is_some_and(|float| float.fract() == 0.0) => {
            "integer"
        }
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Whether a value's type is one a schema's `type` allows.
fn type_allowed(schema_type: &Value, found: &str) -> bool {
    let allows = |name: &str| name == found || (name == "number" && found == "integer");
    match schema_type {
        Value::String(name) => allows(name),
        Value::Array(names) => names.iter().filter_map(Value::as_str).any(allows),
        _ => true,
    }
}

struct Walk<'a> {
    observation: &'a mut Observation,
    reveal_values: bool,
}

impl Walk<'_> {
    fn object(&mut self, members: &Map<String, Value>, schema: &Value, path: &str) {
        let properties = schema.get("properties").and_then(Value::as_object);
        for required in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if !members.contains_key(required) {
                self.observation
                    .missing
                    .insert(format!("{path}/{}", pointer_escape(required)));
            }
        }
        for (name, value) in members {
            let here = format!("{path}/{}", pointer_escape(name));
            match properties.and_then(|properties| properties.get(name)) {
                Some(property) => {
                    self.observation.declared.insert(here.clone());
                    self.value(value, property, &here);
                }
                // An object schema without `properties` (a field an overlay adds as an
                // object) declares nothing and forbids nothing: its members are not drift.
                None if properties.is_none() => {}
                None => {
                    self.observation
                        .undeclared
                        .entry(here)
                        .or_default()
                        .insert(type_of(value).to_owned());
                }
            }
        }
    }

    fn value(&mut self, value: &Value, schema: &Value, path: &str) {
        let found = type_of(value);
        if let Some(schema_type) = schema.get("type")
            && !type_allowed(schema_type, found)
        {
            self.observation
                .type_mismatches
                .entry(path.to_owned())
                .or_default()
                .insert(found.to_owned());
            return;
        }
        if let (Some(allowed), false) = (
            schema.get("enum").and_then(Value::as_array),
            value.is_null(),
        ) && !allowed.contains(value)
        {
            let values = self
                .observation
                .outside_enum
                .entry(path.to_owned())
                .or_default();
            if self.reveal_values {
                values.insert(match value {
                    Value::String(text) => text.clone(),
                    other => other.to_string(),
                });
            }
        }
        if schema.get("format").and_then(Value::as_str) == Some("uuid")
            && let Value::String(text) = value
            && !compiled::is_uuid(text.as_bytes())
        {
            self.observation.format_mismatches.insert(path.to_owned());
        }
        match value {
            Value::Object(members) => self.object(members, schema, path),
            Value::Array(items) => {
                if let Some(item_schema) = schema.get("items") {
                    let here = format!("{path}/*");
                    for item in items {
                        self.value(item, item_schema, &here);
                    }
                }
            }
            _ => {}
        }
    }
}
