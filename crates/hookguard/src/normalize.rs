//! Normalization: the organization-level event name and every alias field filled, so handlers
//! see one shape whichever catalog the sender used.

use serde_json::{Map, Value};

use crate::catalog::EventSpec;

/// Rewrites a *valid* payload of `source` into its canonical form, named `canonical`.
///
/// - `event_name` becomes the organization-level name (the original stays in the report's
///   `source_event_name`; other fields, such as analytics' `event`, are kept as sent);
/// - every UUID (at `uuid_paths`) is written in lower case, as RFC 9562 asks of UUID text:
///   UUIDs are case-insensitive, and one value must have one spelling;
/// - each alias pair of the canonical event is completed from its other half, when that half
///   holds a value (never from `null`, and nothing is invented: a value that cannot be
///   derived stays absent).
///
/// Normalizing a normalized payload changes nothing.
pub fn normalize(
    mut normalized: Map<String, Value>,
    canonical: &EventSpec,
    uuid_paths: &[Vec<Option<String>>],
) -> Value {
    for path in uuid_paths {
        if let Some((Some(name), rest)) = path.split_first()
            && let Some(member) = normalized.get_mut(name)
        {
            lower_case_at(member, rest);
        }
    }
    normalized.insert("event_name".into(), Value::from(canonical.name));
    for (first, second) in canonical.aliases {
        fill_alias(&mut normalized, first, second);
        fill_alias(&mut normalized, second, first);
    }
    Value::Object(normalized)
}

/// Lower-cases the strings at `path` below `value` (`None`: every array element).
fn lower_case_at(value: &mut Value, path: &[Option<String>]) {
    match (path.split_first(), value) {
        (None, Value::String(text)) => text.make_ascii_lowercase(),
        (Some((Some(name), rest)), Value::Object(object)) => {
            if let Some(member) = object.get_mut(name) {
                lower_case_at(member, rest);
            }
        }
        (Some((None, rest)), Value::Array(items)) => {
            items.iter_mut().for_each(|item| lower_case_at(item, rest));
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
