//! Normalization: the organization-level event name and every alias field filled, so handlers
//! see one shape whichever catalog the sender used.

use serde_json::{Map, Value};

use crate::catalog::EventSpec;

/// Rewrites a *valid* payload of `source` into its canonical form, named `canonical`.
///
/// - `event_name` becomes the organization-level name (the original stays in the report's
///   `source_event_name`; other fields, such as analytics' `event`, are kept as sent);
/// - each alias pair of the canonical event is completed from its other half, when that half
///   holds a value (never from `null`, and nothing is invented: a value that cannot be
///   derived stays absent).
///
/// Normalizing a normalized payload changes nothing.
pub fn normalize(mut normalized: Map<String, Value>, canonical: &EventSpec) -> Value {
    normalized.insert("event_name".into(), Value::from(canonical.name));
    for (first, second) in canonical.aliases {
        fill_alias(&mut normalized, first, second);
        fill_alias(&mut normalized, second, first);
    }
    Value::Object(normalized)
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
pub fn disagreeing_aliases<'a>(
    payload: &Map<String, Value>,
    spec: &'a EventSpec,
) -> impl Iterator<Item = (&'a str, &'a str)> {
    spec.aliases.iter().copied().filter(move |(first, second)| {
        match (payload.get(*first), payload.get(*second)) {
            (Some(a), Some(b)) => !a.is_null() && !b.is_null() && a != b,
            _ => false,
        }
    })
}
