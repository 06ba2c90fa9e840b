//! Schema overlays: what a team adds to the published contract when Ocrolus sends more than it
//! documents, without waiting for a hookguard release.
//!
//! An overlay can only add: optional fields with a type (anywhere a documented object is, array
//! items as `*`), and values to a documented enum. It is JSON, the `overlay` option of every
//! host:
//!
//! ```json
//! {
//!   "hookguard_overlay": 1,
//!   "events": {
//!     "book.verified": {
//!       "fields": { "/book_name": { "type": ["null", "string"] } },
//!       "enum_values": { "/mixed_uploaded_docs/*/status": ["ARCHIVED"] }
//!     }
//!   }
//! }
//! ```
//!
//! With it, an added field is known (no `unknown_field`, accepted in strict mode) and still
//! checked (its type); an added value is one of the enum's. One that would take anything away
//! (a requirement, a documented type) or names what the catalog does not have is refused whole,
//! with the offending entry named: an overlay that half applies would give two hosts two
//! contracts. Events are named as delivered (either naming scheme), as `schemas/` names them.
//!
//! [`Overlay::resolve`] checks a document against the compiled catalog once per configuration;
//! the checks consult the result only where a member is undeclared or a value is outside an enum,
//! so a delivery that needs no overlay costs what it did. [`Overlay::apply_to_schema`] writes the
//! effective schemas, for other tools (ajv, jsonschema-rs) to hold the same contract.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::{Map, Value, json};

use crate::contract::catalog;
use crate::contract::compiled::{self, Schema, Types};
use crate::json::pointer;

/// The overlay format this crate reads and writes (`hookguard_overlay`).
pub const FORMAT_VERSION: u64 = 1;

/// The most entries (fields and enum values as written, over all events) an overlay may hold: far more
/// than any drift, few enough that loading one stays instant in every host.
pub const MAX_ENTRIES: usize = 10_000;

/// An overlay checked against the catalog, ready for the checks to consult.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overlay {
    events: BTreeMap<&'static str, EventAdditions>,
}

/// What an overlay adds to one event's schema.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct EventAdditions {
    /// Sorted by (parent schema location, name), for binary search.
    fields: Vec<AddedField>,
    values: Vec<AddedValues>,
}

/// An optional field the overlay declares.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AddedField {
    /// Where the object schema it joins sits in the event's schema.
    parent_at: &'static str,
    name: String,
    /// Where its own schema sits in the effective schema (`{parent}/properties/{name}`): the
    /// prefix of its keyword locations.
    pub(crate) at: String,
    pub(crate) types: Types,
    description: Option<String>,
}

/// Values an overlay adds to one enum.
#[derive(Debug, Clone, PartialEq)]
struct AddedValues {
    /// Where the enum's schema sits.
    at: &'static str,
    /// The values the enum did not list, in the overlay's order.
    values: Vec<String>,
}

impl Overlay {
    /// Checks an overlay document against the catalog. Refused whole, naming the first
    /// offending entry, when it would take anything away or names what the catalog lacks.
    pub fn resolve(document: &Value) -> Result<Overlay, OverlayError> {
        let members = document
            .as_object()
            .ok_or_else(|| OverlayError::at("", Problem::NotAnObject))?;
        for name in members.keys() {
            if !["hookguard_overlay", "description", "events"].contains(&name.as_str()) {
                return Err(OverlayError::at(
                    quoted(name),
                    Problem::UnknownMember {
                        known: "hookguard_overlay, description, events",
                    },
                ));
            }
        }
        match members.get("hookguard_overlay") {
            Some(version) if version.as_u64() == Some(FORMAT_VERSION) => {}
            found => {
                return Err(OverlayError::at(
                    "hookguard_overlay",
                    Problem::Version {
                        found: found.map(ToString::to_string),
                    },
                ));
            }
        }
        if let Some(description) = members.get("description")
            && !description.is_string()
        {
            return Err(OverlayError::at("description", Problem::NotA("a string")));
        }
        let mut overlay = Overlay::default();
        let mut entries = 0usize;
        let Some(events) = members.get("events") else {
            return Ok(overlay);
        };
        let events = events
            .as_object()
            .ok_or_else(|| OverlayError::at("events", Problem::NotAnObject))?;
        for (event_name, additions) in events {
            let entry = format!("events.{}", quoted(event_name));
            let (Some(spec), Some(root)) = (
                catalog::event(event_name),
                compiled::event_schema(event_name),
            ) else {
                return Err(OverlayError::at(entry, Problem::UnknownEvent).about(event_name, None));
            };
            let additions = additions.as_object().ok_or_else(|| {
                OverlayError::at(entry.clone(), Problem::NotAnObject).about(event_name, None)
            })?;
            let mut resolved = EventAdditions::default();
            for (name, member) in additions {
                let here = match name.as_str() {
                    "fields" | "enum_values" => format!("{entry}.{name}"),
                    _ => format!("{entry}.{}", quoted(name)),
                };
                let member = member.as_object().ok_or_else(|| {
                    OverlayError::at(here.clone(), Problem::NotAnObject).about(event_name, None)
                })?;
                // Counted as written, before any is resolved: a huge overlay is refused
                // without the work of reading it.
                entries = entries.saturating_add(match name.as_str() {
                    "enum_values" => member
                        .values()
                        .map(|values| values.as_array().map_or(1, Vec::len))
                        .sum(),
                    _ => member.len(),
                });
                if entries > MAX_ENTRIES {
                    return Err(OverlayError::at(entry, Problem::TooManyEntries));
                }
                match name.as_str() {
                    "fields" => {
                        for (path, field) in member {
                            let here = format!("{here}.{}", quoted(path));
                            let added = added_field(root, path, field, &here)
                                .map_err(|error| error.about(event_name, Some(("fields", path))))?;
                            if let Some(added) = added {
                                resolved.fields.push(added);
                            }
                        }
                    }
                    "enum_values" => {
                        for (path, values) in member {
                            let here = format!("{here}.{}", quoted(path));
                            let added =
                                added_values(root, path, values, &here).map_err(|error| {
                                    error.about(event_name, Some(("enum_values", path)))
                                })?;
                            if let Some(added) = added {
                                resolved.values.push(added);
                            }
                        }
                    }
                    _ => {
                        return Err(OverlayError::at(
                            here,
                            Problem::UnknownMember {
                                known: "fields, enum_values",
                            },
                        )
                        .about(event_name, None));
                    }
                }
            }
            crate::order::sort_by(&mut resolved.fields, |a, b| {
                (a.parent_at, &a.name).cmp(&(b.parent_at, &b.name))
            });
            if !resolved.fields.is_empty() || !resolved.values.is_empty() {
                overlay.events.insert(spec.name, resolved);
            }
        }
        Ok(overlay)
    }

    /// What the overlay adds to the event delivered as `event_name`, if anything.
    pub(crate) fn event(&self, event_name: &str) -> Option<&EventAdditions> {
        self.events.get(event_name)
    }

    /// Whether the overlay adds nothing.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// How many fields and enum values the overlay adds, over every event.
    pub fn counts(&self) -> (usize, usize) {
        self.events
            .values()
            .fold((0, 0), |(fields, values), event| {
                (
                    fields + event.fields.len(),
                    values
                        + event
                            .values
                            .iter()
                            .map(|added| added.values.len())
                            .sum::<usize>(),
                )
            })
    }

    /// Writes what the overlay adds to `event_name` into its published schema (as `schemas/`
    /// holds it): the effective schema every host checks, for other tools to read.
    pub fn apply_to_schema(&self, event_name: &str, schema: &mut Value) {
        let Some(additions) = self.events.get(event_name) else {
            return;
        };
        for field in &additions.fields {
            let Some(Value::Object(parent)) = schema.pointer_mut(field.parent_at) else {
                continue;
            };
            let Value::Object(properties) = parent
                .entry("properties")
                .or_insert_with(|| Value::Object(Map::new()))
            else {
                continue;
            };
            let description = field.description.clone().unwrap_or_else(|| {
                String::from("Not in Ocrolus' documentation: added by a hookguard overlay.")
            });
            let added = json!({ "type": type_names(field.types), "description": description });
            properties.insert(field.name.clone(), added);
        }
        for added in &additions.values {
            if let Some(Value::Array(listed)) = schema
                .pointer_mut(added.at)
                .and_then(|enum_schema| enum_schema.get_mut("enum"))
            {
                listed.extend(added.values.iter().cloned().map(Value::from));
            }
        }
    }
}

impl EventAdditions {
    /// The field the overlay adds as member `name` of the object whose schema is `parent`.
    pub(crate) fn field(&self, parent: &Schema, name: &[u8]) -> Option<&AddedField> {
        self.fields
            .binary_search_by(|field| {
                (field.parent_at, field.name.as_bytes()).cmp(&(parent.at, name))
            })
            .ok()
            .and_then(|index| self.fields.get(index))
    }

    /// The names of the fields the overlay adds to the object `parent`, sorted.
    pub(crate) fn field_names<'s>(&'s self, parent: &Schema) -> impl Iterator<Item = &'s str> {
        let at = parent.at;
        self.fields
            .iter()
            .filter(move |field| field.parent_at == at)
            .map(|field| field.name.as_str())
    }

    /// Whether the overlay adds `text` to the enum of `schema`.
    pub(crate) fn lists(&self, schema: &Schema, text: &[u8]) -> bool {
        self.values_of(schema)
            .is_some_and(|values| values.iter().any(|value| value.as_bytes() == text))
    }

    fn values_of(&self, schema: &Schema) -> Option<&[String]> {
        self.values
            .iter()
            .find(|added| added.at == schema.at)
            .map(|added| added.values.as_slice())
    }
}

/// The `enum` message for `schema`: its documented values, then those an overlay adds.
pub(crate) fn one_of_message(
    additions: Option<&EventAdditions>,
    schema: &Schema,
    documented: &[&str],
) -> String {
    let mut listed: Vec<&str> = documented.to_vec();
    if let Some(added) = additions.and_then(|additions| additions.values_of(schema)) {
        listed.extend(added.iter().map(String::as_str));
    }
    compiled::message::one_of(&listed)
}

/// Resolves one `fields` entry; `None` when it adds nothing the schema lacks (a field a later
/// release documents with a type that admits the overlay's).
fn added_field(
    root: &'static Schema,
    path: &str,
    field: &Value,
    entry: &str,
) -> Result<Option<AddedField>, OverlayError> {
    let fail = |problem| Err(OverlayError::at(entry, problem));
    let Some(field) = field.as_object() else {
        return fail(Problem::NotAnObject);
    };
    for name in field.keys() {
        if !["type", "required", "description"].contains(&name.as_str()) {
            return Err(OverlayError::at(
                format!("{entry}.{}", quoted(name)),
                Problem::UnknownMember {
                    known: "type, required, description",
                },
            ));
        }
    }
    let types = match field.get("type") {
        None => return fail(Problem::NoType),
        Some(types) => parse_types(types).map_err(|problem| OverlayError::at(entry, problem))?,
    };
    let required = match field.get("required") {
        None => None,
        Some(Value::Bool(required)) => Some(*required),
        Some(_) => return fail(Problem::NotA("`required`: a boolean")),
    };
    let description = match field.get("description") {
        None => None,
        Some(Value::String(text)) => Some(text.clone()),
        Some(_) => return fail(Problem::NotA("`description`: a string")),
    };
    let segments = segments(path).map_err(|problem| OverlayError::at(entry, problem))?;
    let Some((name, parents)) = segments.split_last() else {
        return fail(Problem::NotAFieldPath);
    };
    let parent = walk(root, parents).map_err(|problem| OverlayError::at(entry, problem))?;
    if !parent.closed {
        return fail(Problem::NoFieldsThere {
            parent: parent_path(path),
        });
    }
    let documented_required = parent.required.contains(&name.as_str());
    if let Some(documented) = parent.property(name) {
        if required == Some(false) && documented_required {
            return fail(Problem::RemovesRequirement);
        }
        if !admits_all(documented.types, types) {
            return fail(Problem::ChangesType {
                documented: documented_type(documented.types),
            });
        }
        if required == Some(true) && !documented_required {
            return fail(Problem::AddsRequirement);
        }
        return Ok(None);
    }
    if required == Some(true) {
        return fail(Problem::AddsRequirement);
    }
    Ok(Some(AddedField {
        parent_at: parent.at,
        name: name.clone(),
        at: format!("{}/properties/{}", parent.at, pointer::escape(name)),
        types,
        description,
    }))
}

/// Resolves one `enum_values` entry; `None` when every value is already listed.
fn added_values(
    root: &'static Schema,
    path: &str,
    values: &Value,
    entry: &str,
) -> Result<Option<AddedValues>, OverlayError> {
    let fail = |problem| Err(OverlayError::at(entry, problem));
    let Some(values) = values.as_array() else {
        return fail(Problem::NotA("an array of strings"));
    };
    let segments = segments(path).map_err(|problem| OverlayError::at(entry, problem))?;
    if segments.is_empty() {
        return fail(Problem::NotAFieldPath);
    }
    let schema = walk(root, &segments).map_err(|problem| OverlayError::at(entry, problem))?;
    let documented = match (schema.one_of, schema.constant) {
        (Some(documented), _) => documented,
        (None, Some(_)) => return fail(Problem::Constant),
        (None, None) => return fail(Problem::NoEnum),
    };
    let mut added: Vec<String> = Vec::new();
    for (index, value) in values.iter().enumerate() {
        let Some(text) = value.as_str() else {
            return Err(OverlayError::at(
                format!("{entry}[{index}]"),
                Problem::NotA("a string (every enum of the catalog lists strings)"),
            ));
        };
        if !documented.contains(&text) && !added.iter().any(|seen| seen == text) {
            added.push(text.to_owned());
        }
    }
    Ok((!added.is_empty()).then_some(AddedValues {
        at: schema.at,
        values: added,
    }))
}

/// The schema at `segments` below `root`: each a documented member, or `*` for the items of a
/// documented array.
fn walk(root: &'static Schema, segments: &[String]) -> Result<&'static Schema, Problem> {
    let mut schema = root;
    let mut walked = String::new();
    for segment in segments {
        let next = match (segment.as_str(), schema.items) {
            ("*", Some(items)) => {
                walked.push_str("/*");
                Some(items)
            }
            _ => {
                pointer::push_token(&mut walked, segment);
                schema.property(segment)
            }
        };
        schema = next.ok_or(Problem::NotDocumented {
            path: walked.clone(),
        })?;
    }
    Ok(schema)
}

/// The reference tokens of a path written as a JSON Pointer (RFC 6901), `~1` and `~0` decoded.
fn segments(path: &str) -> Result<Vec<String>, Problem> {
    let Some(rest) = path.strip_prefix('/') else {
        return Err(Problem::NotAFieldPath);
    };
    rest.split('/')
        .map(|token| pointer::unescape(token).ok_or(Problem::NotAFieldPath))
        .collect()
}

fn parent_path(path: &str) -> String {
    match path.rsplit_once('/') {
        Some(("", _)) | None => String::from("the payload"),
        Some((parent, _)) => parent.to_owned(),
    }
}

/// Reads `type`: one JSON type name or a non-empty list of them.
/// The JSON types these names name (`"string"`, `"integer"`, ...); `None` when one is not a
/// JSON type's name.
pub(crate) fn types_named<'a>(names: impl IntoIterator<Item = &'a str>) -> Option<Types> {
    parse_types(&Value::from(names.into_iter().collect::<Vec<_>>())).ok()
}

fn parse_types(value: &Value) -> Result<Types, Problem> {
    let names: Vec<&Value> = match value {
        Value::Array(names) if !names.is_empty() => names.iter().collect(),
        Value::String(_) => vec![value],
        _ => return Err(Problem::NoType),
    };
    let mut bits = 0u8;
    for name in names {
        bits |= match name.as_str().and_then(Types::bit_named) {
            Some(bit) => bit,
            _ => return Err(Problem::UnknownType),
        };
    }
    Ok(Types(bits))
}

/// Whether every value `added` admits, `documented` admits too (an integer is a number).
fn admits_all(documented: Types, added: Types) -> bool {
    if documented == Types::ANY {
        return true;
    }
    let mut admitted = documented.0;
    if admitted & Types::NUMBER != 0 {
        admitted |= Types::INTEGER;
    }
    added.0 & !admitted == 0
}

fn documented_type(types: Types) -> String {
    let names: Vec<&str> = types.names().collect();
    names.join(" or ")
}

/// `type` as JSON Schema writes it: one name, or a list in JSON Schema's order.
pub(crate) fn type_names(types: Types) -> Value {
    let names: Vec<&str> = types.names().collect();
    match names.as_slice() {
        [one] => Value::from(*one),
        _ => Value::from(names),
    }
}

fn quoted(name: &str) -> String {
    Value::from(name).to_string()
}

/// Why an overlay was refused, and the entry that was (`events."book.verified".fields."/x"`).
/// Entries are the overlay's own names, paths and values, never a payload's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverlayError {
    /// The offending entry, as a path into the overlay document (empty for the document).
    pub entry: String,
    problem: Problem,
    /// The event the entry is under, and its group (`fields`, `enum_values`) and path.
    pub(crate) event: Option<String>,
    pub(crate) path: Option<(&'static str, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Problem {
    NotAnObject,
    NotA(&'static str),
    UnknownMember { known: &'static str },
    Version { found: Option<String> },
    UnknownEvent,
    TooManyEntries,
    NotAFieldPath,
    NotDocumented { path: String },
    NoFieldsThere { parent: String },
    NoType,
    UnknownType,
    ChangesType { documented: String },
    RemovesRequirement,
    AddsRequirement,
    Constant,
    NoEnum,
}

impl OverlayError {
    fn at(entry: impl Into<String>, problem: Problem) -> OverlayError {
        OverlayError {
            entry: entry.into(),
            problem,
            event: None,
            path: None,
        }
    }

    fn about(mut self, event: &str, path: Option<(&'static str, &str)>) -> OverlayError {
        self.event = Some(event.to_owned());
        self.path = path.map(|(group, path)| (group, path.to_owned()));
        self
    }

    /// The problem's code, for tests and tools: `changes_type`, `removes_requirement`, ...
    pub fn code(&self) -> &'static str {
        match self.problem {
            Problem::NotAnObject | Problem::NotA(_) => "wrong_shape",
            Problem::UnknownMember { .. } => "unknown_member",
            Problem::Version { .. } => "version",
            Problem::UnknownEvent => "unknown_event",
            Problem::TooManyEntries => "too_many_entries",
            Problem::NotAFieldPath => "not_a_field_path",
            Problem::NotDocumented { .. } => "not_documented",
            Problem::NoFieldsThere { .. } => "no_fields_there",
            Problem::NoType | Problem::UnknownType => "type",
            Problem::ChangesType { .. } => "changes_type",
            Problem::RemovesRequirement => "removes_requirement",
            Problem::AddsRequirement => "adds_requirement",
            Problem::Constant | Problem::NoEnum => "not_an_enum",
        }
    }
}

impl fmt::Display for OverlayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.entry.is_empty() {
            write!(f, "{}: ", self.entry)?;
        }
        match &self.problem {
            Problem::NotAnObject => f.write_str("must be a JSON object"),
            Problem::NotA(what) => write!(f, "must be {what}"),
            Problem::UnknownMember { known } => {
                write!(f, "is not a member an overlay has (known: {known})")
            }
            Problem::Version { found: None } => write!(
                f,
                "is missing: an overlay starts with \"hookguard_overlay\": {FORMAT_VERSION}"
            ),
            Problem::Version { found: Some(found) } => write!(
                f,
                "{found} is not a format this hookguard reads (it reads {FORMAT_VERSION})"
            ),
            Problem::UnknownEvent => f.write_str(
                "is not an event of the catalog (events are named as delivered, either naming \
                 scheme; `hookguard schemas` lists them)",
            ),
            Problem::TooManyEntries => write!(
                f,
                "the overlay adds more than {MAX_ENTRIES} fields and enum values in all"
            ),
            Problem::NotAFieldPath => f.write_str(
                "is not a field path (a JSON Pointer such as \"/book_name\", array items as \"*\")",
            ),
            Problem::NotDocumented { path } => write!(
                f,
                "{path} is not a documented field of this event (an overlay adds to documented \
                 objects and enums only)"
            ),
            Problem::NoFieldsThere { parent } => write!(
                f,
                "{parent} is not a documented object, so no field can be added to it"
            ),
            Problem::NoType => f.write_str(
                "needs a \"type\": a JSON type name or a list of them (an added field is checked)",
            ),
            Problem::UnknownType => f.write_str(
                "\"type\" names a type JSON does not have (null, boolean, integer, number, \
                 string, array, object)",
            ),
            Problem::ChangesType { documented } => write!(
                f,
                "would change a documented type (documented: {documented}); an overlay only adds"
            ),
            Problem::RemovesRequirement => f.write_str(
                "would remove a requirement (the field is documented as required); an overlay \
                 only adds",
            ),
            Problem::AddsRequirement => f.write_str(
                "would add a requirement; an overlay adds optional fields only, so deliveries \
                 valid without it stay valid",
            ),
            Problem::Constant => f.write_str(
                "is a constant, not an enum: an overlay adds values to documented enums only",
            ),
            Problem::NoEnum => f.write_str(
                "has no documented enum: an overlay adds values to documented enums only",
            ),
        }
    }
}

impl std::error::Error for OverlayError {}
