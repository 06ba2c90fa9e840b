//! Runs a compiled [`Schema`] over a payload, the way JSON Schema 2020-12 evaluates the same
//! keywords: each applies to the types it is defined for (`pattern` to strings, `minimum` to
//! numbers, `required` to objects, ...), `type`, `const` and `enum` to every value, and every
//! failing keyword is one finding. Messages name what was expected and never quote what was
//! sent, unless values may be revealed.

use std::fmt::Write as _;

use serde_json::{Map, Value};

use crate::check::report::{Finding, FindingList};
use crate::contract::compiled::{Constant, Schema, Types, is_uuid, message};
use crate::contract::overlay::{self, EventAdditions};
use crate::json::pointer::escape as pointer_escape;

/// Where the findings of one check go, and how to word them.
pub(crate) struct Findings<'o> {
    pub(crate) errors: FindingList,
    pub(crate) warnings: FindingList,
    /// Unknown fields are errors rather than warnings.
    pub(crate) strict: bool,
    /// Messages may quote the offending values.
    pub(crate) reveal_values: bool,
    /// What an overlay adds to the event's schema.
    pub(crate) additions: Option<&'o EventAdditions>,
}

/// Checks `value` (found at the JSON Pointer `instance`) against `schema`. `instance` is
/// extended and restored while descending, so a valid payload allocates nothing.
pub(crate) fn check(schema: &Schema, value: &Value, instance: &mut String, out: &mut Findings) {
    if schema.types != Types::ANY && !admits(schema.types, value) {
        let message = message::type_mismatch(schema.types, kind_of(value));
        out.error(schema, "type", instance, value, message);
    }
    if let Some(constant) = schema.constant
        && !equals(constant, value)
    {
        let message = message::constant(constant);
        out.error(schema, "const", instance, value, message);
    }
    if let Some(options) = schema.one_of
        && !value.as_str().is_some_and(|text| {
            options.contains(&text)
                || out
                    .additions
                    .is_some_and(|additions| additions.lists(schema, text.as_bytes()))
        })
    {
        let message = overlay::one_of_message(out.additions, schema, options);
        out.error(schema, "enum", instance, value, message);
    }
    match value {
        Value::String(text) if schema.uuid && !is_uuid(text.as_bytes()) => {
            out.error(schema, "pattern", instance, value, message::UUID.to_owned());
        }
        Value::Number(number) => {
            if let Some(minimum) = schema.minimum
                && below(number, minimum)
            {
                out.error(
                    schema,
                    "minimum",
                    instance,
                    value,
                    message::minimum(minimum),
                );
            }
        }
        Value::Object(members) => check_object(schema, members, value, instance, out),
        Value::Array(items) => {
            if let Some(item_schema) = schema.items {
                for (index, item) in items.iter().enumerate() {
                    let length = instance.len();
                    let _ = write!(instance, "/{index}");
                    check(item_schema, item, instance, out);
                    instance.truncate(length);
                }
            }
        }
        _ => {}
    }
}

fn check_object(
    schema: &Schema,
    members: &Map<String, Value>,
    value: &Value,
    instance: &mut String,
    out: &mut Findings,
) {
    for name in schema.required {
        if !members.contains_key(*name) {
            out.error(schema, "required", instance, value, message::required(name));
        }
    }
    if let Some((named, alias)) = schema.either
        && !members.contains_key(named)
        && !members.contains_key(alias)
    {
        // Never revealed: the message names both members and quotes nothing.
        out.push_error(Finding {
            code: "schema_violation",
            instance_location: instance.clone(),
            keyword_location: format!("{}/anyOf", schema.at),
            error: message::either(named, alias),
            position: None,
        });
    }
    for (name, member) in members {
        let length = instance.len();
        instance.push('/');
        instance.push_str(&pointer_escape(name));
        match schema.property(name) {
            Some(member_schema) => check(member_schema, member, instance, out),
            None if schema.closed => {
                match out
                    .additions
                    .and_then(|additions| additions.field(schema, name.as_bytes()))
                {
                    Some(added) if !admits(added.types, member) => {
                        let message = message::type_mismatch(added.types, kind_of(member));
                        out.error_at(&added.at, "type", instance, member, message);
                    }
                    Some(_) => {}
                    None => out.unknown_field(schema, instance),
                }
            }
            None => {}
        }
        instance.truncate(length);
    }
}

impl Findings<'_> {
    fn error(
        &mut self,
        schema: &Schema,
        keyword: &str,
        instance: &str,
        value: &Value,
        message: String,
    ) {
        self.error_at(schema.at, keyword, instance, value, message);
    }

    /// An error of `keyword` of the schema at `at` (a compiled schema's, or an added field's).
    fn error_at(
        &mut self,
        at: &str,
        keyword: &str,
        instance: &str,
        value: &Value,
        mut message: String,
    ) {
        if self.reveal_values {
            message::revealed(&mut message, &value.to_string());
        }
        self.push_error(Finding {
            code: "schema_violation",
            instance_location: instance.to_owned(),
            keyword_location: format!("{at}/{keyword}"),
            error: message,
            position: None,
        });
    }

    fn push_error(&mut self, finding: Finding) {
        self.errors.push(finding);
    }

    fn unknown_field(&mut self, schema: &Schema, instance: &str) {
        let findings = if self.strict {
            &mut self.errors
        } else {
            &mut self.warnings
        };
        findings.push(Finding {
            code: "unknown_field",
            instance_location: instance.to_owned(),
            keyword_location: format!("{}/additionalProperties", schema.at),
            error: message::UNKNOWN_FIELD.into(),
            position: None,
        });
    }
}

/// Whether `value` has one of the JSON types in `types`. A number with no fractional part is
/// an integer, as JSON Schema says (intake already reads every integral literal as an
/// integer, and no fraction as one).
fn admits(types: Types, value: &Value) -> bool {
    let bit = match value {
        Value::Null => Types::NULL,
        Value::Bool(_) => Types::BOOLEAN,
        Value::Number(number) if is_integer(number) => Types::INTEGER | Types::NUMBER,
        Value::Number(_) => Types::NUMBER,
        Value::String(_) => Types::STRING,
        Value::Array(_) => Types::ARRAY,
        Value::Object(_) => Types::OBJECT,
    };
    types.0 & bit != 0
}

fn is_integer(number: &serde_json::Number) -> bool {
    number.is_i64() || number.is_u64() || number.as_f64().is_some_and(|float| float.fract() == 0.0)
}

fn equals(constant: Constant, value: &Value) -> bool {
    match (constant, value) {
        (Constant::Text(text), Value::String(found)) => text == found,
        (Constant::Integer(integer), Value::Number(number)) => {
            if let Some(found) = number.as_i64() {
                found == integer
            } else if number.is_u64() {
                false
            } else {
                // Numbers compare by value: a fraction never equals an integer.
                #[allow(clippy::cast_precision_loss)]
                let expected = integer as f64;
                number.as_f64() == Some(expected)
            }
        }
        _ => false,
    }
}

fn below(number: &serde_json::Number, minimum: i64) -> bool {
    if let Some(integer) = number.as_i64() {
        integer < minimum
    } else if number.is_u64() {
        false
    } else {
        #[allow(clippy::cast_precision_loss)]
        let minimum = minimum as f64;
        number.as_f64().is_some_and(|float| float < minimum)
    }
}

/// Names a value's JSON type without revealing the value.
pub(crate) fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(number) if number.is_f64() => "a number",
        Value::Number(_) => "an integer",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
