//! Compiles the published schemas into `crates/hookguard/src/contract/compiled/generated.rs`: static
//! data the core's check runs instead of a general JSON Schema engine.
//!
//! Every keyword of every schema is either translated or refused: a schema that said more than
//! the compiled form enforces would be a contract hookguard does not keep.

use std::fmt::Write as _;

use hookguard::events::UUID_PATTERN;
use hookguard::schema::{forbid_unknown_properties, pointer_escape};
use serde_json::{Map, Value};

use crate::Error;

/// Where the compiled catalog lives, relative to the repository root.
pub const COMPILED_PATH: &str = "crates/hookguard/src/contract/compiled/generated.rs";

/// Keywords that only annotate (nothing to enforce).
const ANNOTATIONS: &[&str] = &[
    "$schema",
    "$comment",
    "title",
    "description",
    "examples",
    "format",
];

/// The Rust source of the compiled catalog: one static [`Schema`] per event (in the order of
/// `events`), the test delivery's, and `EVENT_SCHEMAS`, the table `event_schema` looks names up in.
pub fn compiled_catalog(events: &[(&str, Value)], test_delivery: &Value) -> Result<String, Error> {
    let mut source = String::from(
        "//! The compiled catalog. Generated from the published schemas by `hookguard-schemagen`\n\
         //! (`just schemas`); do not edit by hand. A test fails when it drifts from `schemas/`.\n\n\
         use super::{Constant, Schema, Types};\n\n\
         /// Every event's compiled schema, by the name it is delivered under.\n\
         pub(super) static EVENT_SCHEMAS: &[(&str, &Schema)] = &[\n",
    );
    let mut statics = String::new();
    for (index, (name, schema)) in events.iter().enumerate() {
        let _ = writeln!(source, "    ({name:?}, &EVENT_{index}),");
        let _ = writeln!(statics, "\n/// `{name}`");
        let _ = writeln!(
            statics,
            "static EVENT_{index}: Schema = {};",
            compile(name, schema)?
        );
    }
    source.push_str("];\n");
    source.push_str(&statics);
    let _ = writeln!(
        source,
        "\n/// The account-level test delivery (a body without `event_name`).\n\
         pub(crate) static TEST_DELIVERY: Schema = {};",
        compile("test-delivery", test_delivery)?
    );
    Ok(source)
}

/// The compiled form of one published schema, strict (unknown members forbidden).
fn compile(name: &str, published: &Value) -> Result<String, Error> {
    let mut strict = published.clone();
    forbid_unknown_properties(&mut strict);
    let mut out = String::new();
    node(name, &strict, "", 0, &mut out)?;
    Ok(out)
}

fn unsupported(name: &str, at: &str, keyword: &str) -> Error {
    Error::Unsupported {
        event: name.to_owned(),
        location: format!("{at}/{keyword}"),
    }
}

/// Writes the `Schema { ... }` expression of the schema at `at`.
fn node(name: &str, schema: &Value, at: &str, depth: usize, out: &mut String) -> Result<(), Error> {
    let object = match schema {
        Value::Bool(true) => {
            out.push_str("Schema::ANY");
            return Ok(());
        }
        Value::Object(object) => object,
        _ => return Err(unsupported(name, at, "")),
    };
    let indent = "    ".repeat(depth + 1);
    let fail = |keyword: &str| unsupported(name, at, keyword);
    for keyword in object.keys() {
        let known = ANNOTATIONS.contains(&keyword.as_str())
            || matches!(
                keyword.as_str(),
                "type"
                    | "const"
                    | "enum"
                    | "pattern"
                    | "minimum"
                    | "properties"
                    | "required"
                    | "additionalProperties"
                    | "items"
                    | "anyOf"
            );
        if !known {
            return Err(fail(keyword));
        }
    }
    if object.get("format").is_some_and(|format| format != "uuid") {
        return Err(fail("format"));
    }
    // Only what differs from the schema `true` is written: `..Schema::ANY` fills the rest.
    let mut fields: Vec<String> = vec![format!("at: {at:?}")];
    let types = types(object.get("type")).ok_or_else(|| fail("type"))?;
    if types != "Types::ANY" {
        fields.push(format!("types: {types}"));
    }
    match object.get("const") {
        None => {}
        Some(Value::String(text)) => {
            fields.push(format!("constant: Some(Constant::Text({text:?}))"))
        }
        Some(Value::Number(number)) if number.is_i64() => {
            fields.push(format!("constant: Some(Constant::Integer({number}))"));
        }
        Some(_) => return Err(fail("const")),
    }
    if let Some(options) = object.get("enum") {
        let texts = options
            .as_array()
            .into_iter()
            .flatten()
            .map(|option| option.as_str().map(|text| format!("{text:?}")))
            .collect::<Option<Vec<_>>>()
            .filter(|texts| !texts.is_empty())
            .ok_or_else(|| fail("enum"))?;
        fields.push(format!("one_of: Some(&[{}])", texts.join(", ")));
    }
    match object.get("pattern") {
        None => {}
        Some(pattern) if pattern == UUID_PATTERN => fields.push("uuid: true".to_owned()),
        Some(_) => return Err(fail("pattern")),
    }
    match object.get("minimum") {
        None => {}
        Some(Value::Number(number)) if number.is_i64() => {
            fields.push(format!("minimum: Some({number})"));
        }
        Some(_) => return Err(fail("minimum")),
    }
    let empty = Map::new();
    let properties = match object.get("properties") {
        None => &empty,
        Some(Value::Object(properties)) => properties,
        Some(_) => return Err(fail("properties")),
    };
    if !properties.is_empty() {
        let mut sorted: Vec<(&String, &Value)> = properties.iter().collect();
        sorted.sort_by(|a, b| a.0.cmp(b.0));
        let mut list = String::from("properties: &[");
        for (member, subschema) in sorted {
            let _ = write!(list, "\n{indent}    ({member:?}, &");
            let member_at = format!("{at}/properties/{}", pointer_escape(member));
            node(name, subschema, &member_at, depth + 2, &mut list)?;
            list.push_str("),");
        }
        let _ = write!(list, "\n{indent}]");
        fields.push(list);
    }
    match object.get("required") {
        None => {}
        Some(Value::Array(names)) => {
            let names = names
                .iter()
                .map(Value::as_str)
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| fail("required"))?;
            // The express lane tracks required members as bits over `properties` (in name
            // order): each must be declared, and there can be at most 64 properties.
            let mut sorted: Vec<&String> = properties.keys().collect();
            sorted.sort();
            let mut mask: u64 = 0;
            for name in &names {
                let index = sorted
                    .iter()
                    .position(|declared| declared.as_str() == *name)
                    .filter(|&index| index < 64)
                    .ok_or_else(|| fail("required"))?;
                mask |= 1 << index;
            }
            let quoted: Vec<String> = names.iter().map(|name| format!("{name:?}")).collect();
            fields.push(format!("required: &[{}]", quoted.join(", ")));
            fields.push(format!("required_mask: {mask:#x}"));
        }
        Some(_) => return Err(fail("required")),
    }
    match object.get("additionalProperties") {
        None => {}
        Some(Value::Bool(false)) => fields.push("closed: true".to_owned()),
        Some(_) => return Err(fail("additionalProperties")),
    }
    if let Some(items) = object.get("items") {
        let mut item = String::from("items: Some(&");
        node(name, items, &format!("{at}/items"), depth + 1, &mut item)?;
        item.push(')');
        fields.push(item);
    }
    if let Some(alternatives) = object.get("anyOf") {
        let (named, alias) = alias_pair(alternatives).ok_or_else(|| fail("anyOf"))?;
        fields.push(format!("either: Some(({named:?}, {alias:?}))"));
    }
    out.push_str("Schema {\n");
    for field in fields {
        let _ = writeln!(out, "{indent}{field},");
    }
    let _ = write!(out, "{indent}..Schema::ANY\n{}}}", "    ".repeat(depth));
    Ok(())
}

/// The `Types(...)` expression for a `type` keyword (absent: any type).
fn types(keyword: Option<&Value>) -> Option<String> {
    let names: Vec<&str> = match keyword {
        None => return Some("Types::ANY".to_owned()),
        Some(Value::String(single)) => vec![single.as_str()],
        Some(Value::Array(several)) => several.iter().map(Value::as_str).collect::<Option<_>>()?,
        Some(_) => return None,
    };
    let bits = names
        .iter()
        .map(|name| {
            Some(match *name {
                "null" => "Types::NULL",
                "boolean" => "Types::BOOLEAN",
                "integer" => "Types::INTEGER",
                "number" => "Types::NUMBER",
                "string" => "Types::STRING",
                "array" => "Types::ARRAY",
                "object" => "Types::OBJECT",
                _ => return None,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    Some(format!("Types({})", bits.join(" | ")))
}

/// The two member names of an alias pair's `anyOf`: exactly two alternatives, each
/// `{"properties": {NAME: true}, "required": [NAME]}`.
fn alias_pair(alternatives: &Value) -> Option<(String, String)> {
    let member = |alternative: &Value| {
        let object = alternative.as_object()?;
        let [required] = object.get("required")?.as_array()?.as_slice() else {
            return None;
        };
        let name = required.as_str()?;
        let properties = object.get("properties")?.as_object()?;
        let only_name = properties.len() == 1 && properties.get(name) == Some(&Value::Bool(true));
        (object.len() == 2 && only_name).then(|| name.to_owned())
    };
    match alternatives.as_array()?.as_slice() {
        [named, alias] => Some((member(named)?, member(alias)?)),
        _ => None,
    }
}
