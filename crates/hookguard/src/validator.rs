//! The validator: strict intake, dispatch on `event_name`, schema validation, normalization.

use std::fmt;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{PatternOptions, ValidationError};
use serde_json::{Map, Value};

use crate::catalog::{self, AliasPair, EVENTS, EventSpec};
use crate::events::UUID_PATTERN;
use crate::intake::{self, IntakeLimits, SERDE_JSON_DEPTH_LIMIT};
use crate::location::Position;
use crate::normalize::{disagreeing_aliases, normalize};
use crate::pointer;
use crate::report::{Delivery, Finding, FindingList, Omitted, Report};
use crate::schema::{TEST_DELIVERY, pointer_escape};

/// The deepest nesting [`Options::max_depth`] may allow: safely below serde_json's own limit,
/// and shallow enough that parsing never exhausts a WebAssembly stack.
pub const MAX_DEPTH_CEILING: u64 = 100;
const _: () = assert!(MAX_DEPTH_CEILING < SERDE_JSON_DEPTH_LIMIT as u64);

/// The largest body [`Options::max_bytes`] may allow: 8 MiB, 8 times the default. Checking
/// holds the body and the tree read from it, linear in the body but, for the costliest bodies
/// (a million one-member objects), about 65 times it in WebAssembly and 100 times natively
/// (RELIABILITY.md). Envoy gives each filter VM 1 GiB: a 16 MiB body of that kind made a VM
/// fail to allocate. A larger limit could not be honoured for every body, so it is refused when
/// it is set rather than discovered as a trap.
pub const MAX_BYTES_CEILING: u64 = 8 * 1024 * 1024;

/// How many errors, and how many warnings, a report lists by default ([`Options::max_findings`]).
pub const DEFAULT_MAX_FINDINGS: u64 = 20;

/// The most findings of each kind [`Options::max_findings`] may ask a report to list.
pub const MAX_FINDINGS_CEILING: u64 = 10_000;

/// How strictly to check deliveries. Every host exposes these same options, under these
/// names, and reads them from JSON with this one implementation (unknown names are refused, so
/// a typo cannot silently leave a default in place).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Options {
    /// Largest body accepted, in bytes. Default 1 MiB (Envoy's default buffer limit).
    pub max_bytes: u64,
    /// Deepest nesting of objects and arrays accepted; at most [`MAX_DEPTH_CEILING`].
    /// Default 32 (Ocrolus payloads nest three levels deep).
    pub max_depth: u64,
    /// Treat fields the event's schema does not declare as errors instead of warnings.
    pub strict: bool,
    /// Let messages quote the offending payload values. Off by default: webhook bodies carry
    /// customer data, and error messages end up in logs.
    pub reveal_values: bool,
    /// How many errors, and how many warnings, a report lists (the first ones by location);
    /// the rest are only counted ([`crate::Report::omitted`]). Default
    /// [`DEFAULT_MAX_FINDINGS`], at most [`MAX_FINDINGS_CEILING`]: a report stays small
    /// whatever a body holds, so a receiver that logs or returns findings cannot be made to
    /// send many times the bytes it was sent.
    pub max_findings: u64,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            max_bytes: 1024 * 1024,
            max_depth: 32,
            strict: false,
            reveal_values: false,
            max_findings: DEFAULT_MAX_FINDINGS,
        }
    }
}

impl Options {
    /// Checks that the options are usable: limits above zero and within their ceilings
    /// ([`MAX_DEPTH_CEILING`], [`MAX_BYTES_CEILING`], [`MAX_FINDINGS_CEILING`]).
    pub fn check(&self) -> Result<(), ConfigError> {
        let fail = |kind| Err(ConfigError { kind });
        if self.max_depth > MAX_DEPTH_CEILING {
            return fail(ConfigErrorKind::DepthLimitTooHigh {
                requested: self.max_depth,
            });
        }
        for (option, requested, ceiling) in [
            ("max_bytes", self.max_bytes, MAX_BYTES_CEILING),
            ("max_findings", self.max_findings, MAX_FINDINGS_CEILING),
        ] {
            if requested > ceiling {
                return fail(ConfigErrorKind::AboveCeiling {
                    option,
                    requested,
                    ceiling,
                });
            }
        }
        if self.max_depth == 0 {
            return fail(ConfigErrorKind::ZeroLimit {
                option: "max_depth",
            });
        }
        if self.max_bytes == 0 {
            return fail(ConfigErrorKind::ZeroLimit {
                option: "max_bytes",
            });
        }
        if self.max_findings == 0 {
            return fail(ConfigErrorKind::ZeroLimit {
                option: "max_findings",
            });
        }
        Ok(())
    }
}

/// Why a [`Validator`] could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// What is wrong.
    pub kind: ConfigErrorKind,
}

/// What is wrong with a validator's configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigErrorKind {
    /// `max_depth` is above [`MAX_DEPTH_CEILING`].
    DepthLimitTooHigh {
        /// The requested limit.
        requested: u64,
    },
    /// A limit is above the most this crate can honour in every host.
    AboveCeiling {
        /// The option's name.
        option: &'static str,
        /// The requested value.
        requested: u64,
        /// The largest value accepted.
        ceiling: u64,
    },
    /// A limit is zero, which would refuse every delivery (or list no finding).
    ZeroLimit {
        /// The option's name.
        option: &'static str,
    },
    /// The embedded schema bundle lacks or cannot compile an event's schema (a build defect:
    /// regenerate the schemas).
    EmbeddedSchema {
        /// The event whose schema is missing or broken.
        event: &'static str,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ConfigErrorKind::DepthLimitTooHigh { requested } => {
                write!(
                    f,
                    "max_depth {requested} is above the ceiling of {MAX_DEPTH_CEILING}"
                )
            }
            ConfigErrorKind::AboveCeiling {
                option,
                requested,
                ceiling,
            } => {
                write!(f, "{option} {requested} is above the ceiling of {ceiling}")
            }
            ConfigErrorKind::ZeroLimit { option } => {
                write!(f, "{option} must be greater than zero")
            }
            ConfigErrorKind::EmbeddedSchema { event } => {
                write!(
                    f,
                    "the embedded schema of {event} is missing or invalid (regenerate schemas/)"
                )
            }
        }
    }
}

impl std::error::Error for ConfigError {}

struct CompiledEvent {
    spec: &'static EventSpec,
    /// The event's schema with unknown properties forbidden: one pass finds both errors and
    /// unknown fields, which lenient mode then reports as warnings.
    schema: jsonschema::Validator,
    /// Where the event's UUIDs are, for normalization to write them in lower case.
    uuid_paths: Vec<SchemaPath>,
    /// The item schema of each top-level array member, checked one item at a time.
    item_schemas: Vec<ItemSchema>,
}

/// The schema of the items of one top-level array member (`uploaded_docs`, ...).
///
/// A general engine gathers every error of a call before returning any, so one call over an
/// array of a million broken items would hold millions of errors at once. The event's schema
/// is therefore run with such arrays set aside (empty), and each item against this schema:
/// the same findings, at the same locations, with memory bounded by one item's errors.
struct ItemSchema {
    member: String,
    /// `/properties/<member>/items`, the prefix of these findings' keyword locations.
    keyword_prefix: String,
    schema: jsonschema::Validator,
}

/// Validates and normalizes Ocrolus webhook deliveries. Build it once and reuse it: building
/// compiles every event's schema.
pub struct Validator {
    options: Options,
    events: Vec<CompiledEvent>,
    test_delivery: jsonschema::Validator,
}

impl fmt::Debug for Validator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Validator")
            .field("options", &self.options)
            .field("events", &self.events.len())
            .finish()
    }
}

impl Validator {
    /// Builds a validator, compiling every event's schema from the embedded bundle.
    pub fn new(options: Options) -> Result<Validator, ConfigError> {
        options.check()?;
        let bundle: Value =
            serde_json::from_str(crate::schema::BUNDLE_JSON).map_err(|_| ConfigError {
                kind: ConfigErrorKind::EmbeddedSchema { event: "bundle" },
            })?;
        let embedded = |name: &'static str| {
            bundle
                .get("$defs")
                .and_then(|defs| defs.get(name))
                .ok_or(ConfigError {
                    kind: ConfigErrorKind::EmbeddedSchema { event: name },
                })
        };
        let strict_schema = |name: &'static str| {
            let mut schema = embedded(name)?.clone();
            forbid_unknown_properties(&mut schema);
            Ok::<Value, ConfigError>(schema)
        };
        let compile = |name: &'static str, schema: &Value| {
            jsonschema::draft202012::options()
                // Linear-time matching: the patterns are ours, but the strings are not.
                .with_pattern_options(PatternOptions::regex())
                .build(schema)
                .map_err(|_| ConfigError {
                    kind: ConfigErrorKind::EmbeddedSchema { event: name },
                })
        };
        let events = EVENTS
            .iter()
            .map(|spec| {
                let schema = strict_schema(spec.name)?;
                let item_schemas = array_items(&schema)
                    .map(|(member, items)| {
                        Ok(ItemSchema {
                            keyword_prefix: format!("/properties/{}/items", pointer_escape(member)),
                            member: member.to_owned(),
                            schema: compile(spec.name, items)?,
                        })
                    })
                    .collect::<Result<Vec<_>, ConfigError>>()?;
                Ok(CompiledEvent {
                    spec,
                    schema: compile(spec.name, &schema)?,
                    uuid_paths: uuid_paths(&schema),
                    item_schemas,
                })
            })
            .collect::<Result<Vec<_>, ConfigError>>()?;
        let test_delivery = compile(TEST_DELIVERY, &strict_schema(TEST_DELIVERY)?)?;
        Ok(Validator {
            options,
            events,
            test_delivery,
        })
    }

    /// The options this validator applies.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Applies other options. Cheap: the compiled schemas do not depend on the options, so
    /// hosts reconfigure without rebuilding. On error the previous options stay in force.
    pub fn set_options(&mut self, options: Options) -> Result<(), ConfigError> {
        options.check()?;
        self.options = options;
        Ok(())
    }

    /// Validates one delivery body.
    pub fn validate(&self, body: &[u8]) -> Report {
        self.check(body, false)
    }

    /// Validates one delivery body and, when it is valid, normalizes it
    /// ([`Report::normalized`]).
    pub fn normalize(&self, body: &[u8]) -> Report {
        self.check(body, true)
    }

    fn check(&self, body: &[u8], want_normalized: bool) -> Report {
        // Both limits are within their ceilings (`Options::check`), far below `usize::MAX`.
        let limits = IntakeLimits {
            max_bytes: usize::try_from(self.options.max_bytes).unwrap_or(usize::MAX),
            max_depth: usize::try_from(self.options.max_depth).unwrap_or(usize::MAX),
        };
        let payload = match intake::parse(body, limits) {
            Ok(payload) => payload,
            Err(error) => return Report::refused(Finding::from(&error)),
        };
        let mut report = self.check_payload(payload, want_normalized);
        locate_findings(body, &mut report);
        report
    }

    fn check_payload(&self, payload: Map<String, Value>, want_normalized: bool) -> Report {
        let event_name = match payload.get("event_name") {
            None => return self.check_test_delivery(payload, want_normalized),
            Some(Value::String(name)) => name,
            Some(other) => {
                let message = format!("event_name must be a string, found {}", kind_of(other));
                return Report::refused(Finding::at("invalid_event_name", "/event_name", message));
            }
        };
        let Some(compiled) = self
            .events
            .iter()
            .find(|compiled| compiled.spec.name == event_name.as_str())
        else {
            return Report::refused(unknown_event(event_name));
        };
        let spec = compiled.spec;

        let mut instance = Value::Object(payload);
        let (errors, mut warnings) = self.schema_findings(compiled, &mut instance);
        let Value::Object(payload) = instance else {
            return Report::refused(Finding::at(
                "internal",
                "",
                "payload is no longer an object",
            ));
        };
        for (first, second) in disagreeing_aliases(&payload, spec) {
            let message = format!("{first} and {second} should carry the same value but differ");
            warnings.push(Finding::at("alias_mismatch", format!("/{second}"), message));
        }
        if !spec.payload_documented() {
            let message = format!(
                "Ocrolus documents no payload for {}; only the fields common to Ocrolus events were checked",
                spec.name
            );
            warnings.push(Finding::at("undocumented_payload", "", message));
        }
        let valid = errors.is_empty();
        let (errors, omitted_errors) = errors.finish();
        let (warnings, omitted_warnings) = warnings.finish();

        let status = payload.get("status").and_then(Value::as_str);
        let canonical = spec.canonical_name(status).and_then(catalog::event);
        let normalized = match canonical {
            Some(canonical) if valid && want_normalized => {
                Some(normalize(payload, canonical, &compiled.uuid_paths))
            }
            _ => None,
        };
        Report {
            valid,
            delivery: Some(Delivery::Event),
            event_name: canonical.map(|canonical| canonical.name),
            source_event_name: Some(spec.name),
            errors,
            warnings,
            omitted: Omitted {
                errors: omitted_errors,
                warnings: omitted_warnings,
            },
            normalized,
        }
    }

    /// A body without `event_name` is valid only as Ocrolus' account-level test delivery.
    fn check_test_delivery(&self, payload: Map<String, Value>, want_normalized: bool) -> Report {
        let instance = Value::Object(payload);
        let (errors, warnings) = self.findings(&self.test_delivery, &instance, Locations::ROOT);
        if !errors.is_empty() {
            return Report::refused(Finding::at(
                "missing_event_name",
                "",
                "event_name is missing, and the body is not Ocrolus' account-level test delivery",
            ));
        }
        let (warnings, omitted_warnings) = warnings.finish();
        Report {
            valid: true,
            delivery: Some(Delivery::Test),
            event_name: None,
            source_event_name: None,
            errors: Vec::new(),
            warnings,
            omitted: Omitted {
                errors: 0,
                warnings: omitted_warnings,
            },
            normalized: want_normalized.then_some(instance),
        }
    }

    /// Errors and warnings of an event's strict schema, each list bounded by
    /// [`Options::max_findings`]. Top-level arrays are checked item by item ([`ItemSchema`]).
    fn schema_findings(
        &self,
        event: &CompiledEvent,
        instance: &mut Value,
    ) -> (FindingList, FindingList) {
        if event.schema.is_valid(instance) {
            return self.findings_list_pair();
        }
        let mut set_aside = Vec::new();
        if let Value::Object(members) = &mut *instance {
            for item_schema in &event.item_schemas {
                if let Some(Value::Array(items)) = members.get_mut(&item_schema.member) {
                    set_aside.push((item_schema, std::mem::take(items)));
                }
            }
        }
        // The whole schema already failed `is_valid` above: gather its errors directly.
        let mut found = self.findings_list_pair();
        let root = Locations {
            aliases: event.spec.aliases,
            ..Locations::ROOT
        };
        self.findings_into(&event.schema, instance, root, &mut found);
        for (item_schema, items) in &set_aside {
            for (index, item) in items.iter().enumerate() {
                if item_schema.schema.is_valid(item) {
                    continue;
                }
                let instance_prefix = format!("/{}/{index}", pointer_escape(&item_schema.member));
                let locations = Locations {
                    instance: &instance_prefix,
                    keyword: &item_schema.keyword_prefix,
                    aliases: &[],
                };
                self.findings_into(&item_schema.schema, item, locations, &mut found);
            }
        }
        if let Value::Object(members) = instance {
            for (item_schema, items) in set_aside {
                if let Some(slot) = members.get_mut(&item_schema.member) {
                    *slot = Value::Array(items);
                }
            }
        }
        found
    }

    fn findings_list_pair(&self) -> (FindingList, FindingList) {
        let limit = usize::try_from(self.options.max_findings).unwrap_or(usize::MAX);
        (FindingList::new(limit), FindingList::new(limit))
    }

    /// Errors and warnings of one schema over one value, found below `locations`.
    fn findings(
        &self,
        schema: &jsonschema::Validator,
        instance: &Value,
        locations: Locations<'_>,
    ) -> (FindingList, FindingList) {
        let mut found = self.findings_list_pair();
        if !schema.is_valid(instance) {
            self.findings_into(schema, instance, locations, &mut found);
        }
        found
    }

    fn findings_into(
        &self,
        schema: &jsonschema::Validator,
        instance: &Value,
        locations: Locations<'_>,
        (errors, warnings): &mut (FindingList, FindingList),
    ) {
        for error in schema.iter_errors(instance) {
            let instance_location = format!("{}{}", locations.instance, error.instance_path());
            let keyword_location = format!("{}{}", locations.keyword, error.schema_path());
            if let ValidationErrorKind::AdditionalProperties { unexpected } = error.kind() {
                let findings = if self.options.strict {
                    &mut *errors
                } else {
                    &mut *warnings
                };
                for name in unexpected {
                    findings.push(Finding {
                        code: "unknown_field",
                        instance_location: format!("{instance_location}/{}", pointer_escape(name)),
                        keyword_location: keyword_location.clone(),
                        error: "field is not part of this event's schema".into(),
                        position: None,
                    });
                }
            } else {
                let message =
                    alias_requirement(locations.aliases, &instance_location, &keyword_location)
                        .unwrap_or_else(|| describe(&error, self.options.reveal_values));
                errors.push(Finding {
                    code: "schema_violation",
                    instance_location,
                    keyword_location,
                    error: message,
                    position: None,
                });
            }
        }
    }
}

/// Where the findings of one schema call sit in the payload and in the event's schema, and
/// the alias pairs whose either-or requirement that schema expresses at its top.
#[derive(Clone, Copy)]
struct Locations<'a> {
    instance: &'a str,
    keyword: &'a str,
    aliases: &'a [AliasPair],
}

impl Locations<'_> {
    const ROOT: Locations<'static> = Locations {
        instance: "",
        keyword: "",
        aliases: &[],
    };
}

/// The top-level members of a strict event schema that are arrays of items with a schema of
/// their own: `(member, items schema)`. Only plain `{"type": "array", "items": {...}}`
/// members qualify, so checking their items one by one finds exactly what one call would.
fn array_items(schema: &Value) -> impl Iterator<Item = (&str, &Value)> {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(member, property)| {
            let property = property.as_object()?;
            let plain = property
                .keys()
                .all(|key| matches!(key.as_str(), "type" | "items" | "description"));
            let items = property.get("items").filter(|items| items.is_object())?;
            (plain && property.get("type")? == "array").then_some((member.as_str(), items))
        })
}

/// Gives schema and dispatch findings the line and column of the value they point at, as
/// intake findings already have: one pass over the body for all of them.
fn locate_findings(body: &[u8], report: &mut Report) {
    let mut unlocated: Vec<&mut Finding> = report
        .errors
        .iter_mut()
        .chain(report.warnings.iter_mut())
        .filter(|finding| finding.position.is_none())
        .collect();
    if unlocated.is_empty() {
        return;
    }
    let pointers: Vec<&str> = unlocated
        .iter()
        .map(|finding| finding.instance_location.as_str())
        .collect();
    let offsets = pointer::value_offsets(body, &pointers);
    let found: Vec<usize> = offsets.iter().flatten().copied().collect();
    let mut positions = Position::at_offsets(body, &found).into_iter();
    for (finding, offset) in unlocated.iter_mut().zip(offsets) {
        if offset.is_some() {
            finding.position = positions.next();
        }
    }
}

/// The message for an alias pair's either-or requirement (`anyOf` at the top of the event's
/// schema, or `allOf/N/anyOf` when an event has several pairs): a general engine can only say
/// that no alternative matched.
fn alias_requirement(
    aliases: &[AliasPair],
    instance_location: &str,
    keyword_location: &str,
) -> Option<String> {
    if !instance_location.is_empty() {
        return None;
    }
    let index = match keyword_location {
        "/anyOf" => 0,
        other => other
            .strip_prefix("/allOf/")?
            .strip_suffix("/anyOf")?
            .parse()
            .ok()?,
    };
    let (first, second) = aliases.get(index)?;
    Some(format!(
        "missing required property {second} (or its alias {first}, which carries the same value)"
    ))
}

/// A path through an event's payload: member names, and `None` for "any array element".
type SchemaPath = Vec<Option<String>>;

/// The paths of every UUID field in an event's schema (`format: uuid`), through nested
/// objects, arrays and the `null` alternatives of nullable fields.
fn uuid_paths(schema: &Value) -> Vec<SchemaPath> {
    fn walk(schema: &Value, path: &mut SchemaPath, found: &mut Vec<SchemaPath>) {
        let Some(object) = schema.as_object() else {
            return;
        };
        if object.get("format").and_then(Value::as_str) == Some("uuid") {
            found.push(path.clone());
        }
        if let Some(Value::Object(properties)) = object.get("properties") {
            for (name, property) in properties {
                path.push(Some(name.clone()));
                walk(property, path, found);
                path.pop();
            }
        }
        if let Some(items) = object.get("items") {
            path.push(None);
            walk(items, path, found);
            path.pop();
        }
        if let Some(Value::Array(branches)) = object.get("anyOf") {
            for branch in branches {
                walk(branch, path, found);
            }
        }
    }
    let mut found = Vec::new();
    walk(schema, &mut Vec::new(), &mut found);
    found
}

fn unknown_event(name: &str) -> Finding {
    if let Some(email_only) = catalog::email_only_event(name) {
        return Finding::at("email_only_event", "/event_name", email_only.explanation);
    }
    // Suggest a catalog name that differs only in case or surrounding blanks: that quotes our
    // catalog, not the payload. Every catalog name is ASCII, so a name with other characters
    // is most likely a look-alike (Cyrillic letters, fullwidth dots, zero-width spaces): say
    // so, without quoting it.
    let folded = name.trim().to_ascii_lowercase();
    let suggestion = EVENTS
        .iter()
        .map(|spec| spec.name)
        .find(|known| known.to_ascii_lowercase() == folded)
        .map(|known| format!(" (did you mean {known}?)"))
        .or_else(|| {
            (!name.is_ascii()).then(|| {
                String::from(
                    " (it has characters outside ASCII, which no event name has: look-alike \
                     letters or invisible characters?)",
                )
            })
        })
        .unwrap_or_default();
    Finding::at(
        "unknown_event",
        "/event_name",
        format!("event_name is not an Ocrolus webhook event{suggestion}"),
    )
}

/// Forbids properties the schema does not declare, in every object schema. Walks only the
/// keywords that hold subschemas, so `examples` (instances, not schemas) stay untouched.
fn forbid_unknown_properties(schema: &mut Value) {
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

/// The message for a schema error, written here rather than taken from the engine so that it
/// names what was expected without quoting what was sent.
fn describe(error: &ValidationError<'_>, reveal_values: bool) -> String {
    let found = kind_of(error.instance());
    let mut message = match error.kind() {
        ValidationErrorKind::Required { property } => {
            format!(
                "missing required property {}",
                property.as_str().unwrap_or("?")
            )
        }
        ValidationErrorKind::Type { kind } => {
            let expected = match kind {
                TypeKind::Single(single) => single.to_string(),
                TypeKind::Multiple(set) => set
                    .iter()
                    .map(|one| one.to_string())
                    .collect::<Vec<_>>()
                    .join(" or "),
            };
            format!("expected {expected}, found {found}")
        }
        ValidationErrorKind::Enum { options } => format!("value is not one of {}", list(options)),
        ValidationErrorKind::Constant { expected_value } => {
            format!("value must be {expected_value}")
        }
        ValidationErrorKind::Pattern { pattern } if pattern == UUID_PATTERN => {
            "value is not a UUID (RFC 9562 text form: 8-4-4-4-12 hexadecimal digits)".to_owned()
        }
        ValidationErrorKind::Pattern { pattern } => {
            format!("value does not match the pattern {pattern}")
        }
        ValidationErrorKind::Minimum { limit } => format!("value is below the minimum of {limit}"),
        ValidationErrorKind::Maximum { limit } => format!("value is above the maximum of {limit}"),
        _ => error.masked().to_string(),
    };
    if reveal_values {
        message.push_str(&format!(" (got {})", truncated(error.instance())));
    }
    message
}

fn list(options: &Value) -> String {
    match options.as_array() {
        Some(values) => values
            .iter()
            .map(Value::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        None => options.to_string(),
    }
}

fn truncated(value: &Value) -> String {
    const LIMIT: usize = 80;
    let text = value.to_string();
    match text.char_indices().nth(LIMIT) {
        Some((cut, _)) => format!("{}…", text.get(..cut).unwrap_or_default()),
        None => text,
    }
}

/// Names a value's JSON type without revealing the value.
fn kind_of(value: &Value) -> &'static str {
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
