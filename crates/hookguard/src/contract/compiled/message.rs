//! The words of each keyword's failure, one place for both the check over a tree and the walk
//! over bytes: they name what was expected and the JSON type found, never the value (unless
//! values may be revealed, [`revealed`]).

use serde_json::Value;

use super::{Constant, Types};

/// `type`: the types admitted, in JSON Schema's order, and the type found (`"an integer"`).
pub(crate) fn type_mismatch(expected: Types, found: &str) -> String {
    let expected: Vec<&str> = expected.names().collect();
    format!("expected {}, found {found}", expected.join(" or "))
}

/// `const`.
pub(crate) fn constant(constant: Constant) -> String {
    let expected = match constant {
        Constant::Text(text) => Value::from(text).to_string(),
        Constant::Integer(integer) => integer.to_string(),
    };
    format!("value must be {expected}")
}

/// `enum`: the options, as JSON strings.
pub(crate) fn one_of(options: &[&str]) -> String {
    let listed: Vec<String> = options
        .iter()
        .map(|option| Value::from(*option).to_string())
        .collect();
    format!("value is not one of {}", listed.join(", "))
}

/// The UUID `pattern`.
pub(crate) const UUID: &str =
    "value is not a UUID (RFC 9562 text form: 8-4-4-4-12 hexadecimal digits)";

/// `minimum`.
pub(crate) fn minimum(minimum: i64) -> String {
    format!("value is below the minimum of {minimum}")
}

/// `required`, one missing member.
pub(crate) fn required(name: &str) -> String {
    format!("missing required property {name}")
}

/// An alias pair's `anyOf`: a general engine could only say that no alternative matched.
pub(crate) fn either(named: &str, alias: &str) -> String {
    format!(
        "missing required property {named} (or its alias {alias}, which carries the same value)"
    )
}

/// `additionalProperties: false`.
pub(crate) const UNKNOWN_FIELD: &str = "field is not part of this event's schema";

/// Appends the offending value to a message, when values may be revealed: its JSON text as a
/// tree prints it, cut after 80 characters.
pub(crate) fn revealed(message: &mut String, printed: &str) {
    const LIMIT: usize = 80;
    let shown = match printed.char_indices().nth(LIMIT) {
        Some((cut, _)) => format!("{}…", printed.get(..cut).unwrap_or_default()),
        None => printed.to_owned(),
    };
    message.push_str(&format!(" (got {shown})"));
}
