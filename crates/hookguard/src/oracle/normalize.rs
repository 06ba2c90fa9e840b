//! Normalization: the organization-level event name and every alias field filled, so handlers
//! see one shape whichever catalog the sender used.

use serde_json::{Map, Value};

use crate::contract::catalog::EventSpec;
use crate::contract::compiled::Schema;

/// Rewrites a *valid* payload of `source` into its canonical form, named `canonical`.
///
/// - `event_name` becomes the organization-level name (the original stays in the report's
///   `source_event_name`; other fields, such as analytics' `event`, are kept as sent);
/// - every UUID (a string under the UUID `pattern` of `schema`, the source event's) is written in lower case, as RFC 9562 asks of UUID text:
///   UUIDs are case-insensitive, and one value must have one spelling;
/// - each alias pair of the canonical event is completed from its other half, when that half
///   holds a value (never from `null`, and nothing is invented: a value that cannot be
///   derived stays absent).
///
/// Normalizing a normalized payload changes nothing.
pub fn normalize(
    mut normalized: Map<String, Value>,
    canonical: &EventSpec,
    schema: &Schema,
) -> Value {
    for (name, member) in &mut normalized {
        if let Some(member_schema) = schema.property(name) {
            lower_case_uuids(member, member_schema);
        }
    }
    normalized.insert("event_name".into(), Value::from(canonical.name));
    for (first, second) in canonical.aliases {
        fill_alias(&mut normalized, first, second);
        fill_alias(&mut normalized, second, first);
    }
    Value::Object(normalized)
}

/// Lower-cases the UUIDs in `value`, whose schema is `schema`.
fn lower_case_uuids(value: &mut Value, schema: &Schema) {
    match value {
        Value::String(text) if schema.uuid => text.make_ascii_lowercase(),
        Value::Object(members) => {
            for (name, member) in members {
                if let Some(member_schema) = schema.property(name) {
                    lower_case_uuids(member, member_schema);
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.items {
                items
                    .iter_mut()
                    .for_each(|item| lower_case_uuids(item, item_schema));
            }
        }
        _ => {}
    }
}

fn fill_alias(payload: &mut Map<String, Value>, missing: &str, present: &str) {
    if payload.contains_key(missing) {
        return;
    }
    if let Some(value) = payload
        .get(present)
        .filter(|value| !value.is_null())
        .cloned()
    {
        payload.insert(missing.to_owned(), value);
    }
}

/// Alias pairs of `spec` whose halves both hold values that differ: `(first, second)` names.
/// The halves are UUIDs, which compare without regard to letter case.
pub fn disagreeing_aliases<'a>(
    payload: &Map<String, Value>,
    spec: &'a EventSpec,
) -> impl Iterator<Item = (&'a str, &'a str)> {
    spec.aliases.iter().copied().filter(move |(first, second)| {
        match (payload.get(*first), payload.get(*second)) {
            (Some(Value::String(a)), Some(Value::String(b))) => !a.eq_ignore_ascii_case(b),
            (Some(a), Some(b)) => !a.is_null() && !b.is_null() && a != b,
            _ => false,
        }
    })
}
