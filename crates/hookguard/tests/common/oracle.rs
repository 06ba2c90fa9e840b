//! The oracle for the compiled catalog: jsonschema-rs, a general JSON Schema engine, run over
//! the published schemas (strict form), and a generator of deliveries that go wrong in every
//! way a schema can tell (wrong types, nulls, missing and unknown members, values outside an
//! enum, malformed UUIDs, negative, huge and tiny numbers).
//!
//! Shared by the differential property test (`tests/compiled_oracle.rs`) and the fuzz target
//! `compiled_vs_engine`, so both hold the compiled path to the same reading of the schemas.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::collections::{BTreeSet, HashMap};
use std::sync::LazyLock;

use hookguard::intake::{self, IntakeLimits};
use hookguard::schema::{
    TEST_DELIVERY, embedded_schema, forbid_unknown_properties, pointer_escape,
};
use hookguard::{Finding, MAX_FINDINGS_CEILING, Options, Overlay, Report, Validator};
use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde_json::{Map, Value};

/// One schema finding: `(code, instanceLocation, keywordLocation, message)`.
pub type SchemaFinding = (String, String, String, String);

/// What the general engine says about one delivery.
#[derive(Debug, PartialEq, Eq)]
pub struct Verdict {
    /// The delivery's kind: an event (by the name it was sent under) or the test delivery.
    pub delivery: String,
    pub valid: bool,
    pub findings: BTreeSet<SchemaFinding>,
}

/// The general engine over every published schema, in the strict form hookguard checks.
pub struct Oracle {
    events: HashMap<&'static str, (Value, jsonschema::Validator)>,
    test_delivery: (Value, jsonschema::Validator),
}

fn strict(name: &str, overlay: Option<&Overlay>) -> (Value, jsonschema::Validator) {
    let mut schema = embedded_schema(name).expect("published schema");
    if let Some(overlay) = overlay {
        overlay.apply_to_schema(name, &mut schema);
    }
    forbid_unknown_properties(&mut schema);
    let validator = jsonschema::draft202012::new(&schema).expect("schema compiles");
    (schema, validator)
}

impl Oracle {
    pub fn new() -> Oracle {
        Oracle::effective(None)
    }

    /// The engine over the effective schemas: the published ones with what `overlay` adds,
    /// as `hookguard schemas --overlay` writes them.
    pub fn effective(overlay: Option<&Overlay>) -> Oracle {
        Oracle {
            events: hookguard::catalog::EVENTS
                .iter()
                .map(|spec| (spec.name, strict(spec.name, overlay)))
                .collect(),
            test_delivery: strict(TEST_DELIVERY, None),
        }
    }

    /// The strict schema of an event (or of the test delivery).
    pub fn schema(&self, name: &str) -> &Value {
        match self.events.get(name) {
            Some((schema, _)) => schema,
            None => &self.test_delivery.0,
        }
    }

    /// The engine's verdict on `body`, or `None` when the body never reaches a schema (intake
    /// refuses it, or `event_name` is not the name of an event).
    pub fn verdict(&self, body: &[u8], strict: bool) -> Option<Verdict> {
        let limits = IntakeLimits {
            max_bytes: 8 << 20,
            max_depth: 32,
        };
        let payload = Value::Object(intake::parse(body, limits).ok()?);
        let (delivery, validator, aliases) = match payload.get("event_name") {
            None => (TEST_DELIVERY.to_owned(), &self.test_delivery.1, &[][..]),
            Some(Value::String(name)) => {
                let (_, validator) = self.events.get(name.as_str())?;
                let spec = hookguard::catalog::event(name)?;
                (name.clone(), validator, spec.aliases)
            }
            Some(_) => return None,
        };
        let mut findings = BTreeSet::new();
        let mut valid = true;
        for error in validator.iter_errors(&payload) {
            let instance = error.instance_path().to_string();
            let keyword = error.schema_path().to_string();
            if let ValidationErrorKind::AdditionalProperties { unexpected } = error.kind() {
                valid &= !strict;
                for name in unexpected {
                    findings.insert((
                        "unknown_field".to_owned(),
                        format!("{instance}/{}", pointer_escape(name)),
                        keyword.clone(),
                        "field is not part of this event's schema".to_owned(),
                    ));
                }
            } else {
                valid = false;
                let message = alias_requirement(aliases, &instance, &keyword)
                    .unwrap_or_else(|| describe(&error));
                findings.insert(("schema_violation".to_owned(), instance, keyword, message));
            }
        }
        Some(Verdict {
            delivery,
            valid,
            findings,
        })
    }
}

/// The oracle, built once (compiling every schema takes a while).
pub static ORACLE: LazyLock<Oracle> = LazyLock::new(Oracle::new);

/// hookguard in lenient and in strict mode, listing as many findings as it may.
static VALIDATORS: LazyLock<[(bool, Validator); 2]> = LazyLock::new(|| validators_with(None));

/// Requires hookguard and the oracle to agree on `body` in both modes: the same verdict and the
/// same findings (a test delivery is recognised or refused as a whole). With
/// `every_finding_listed`, hookguard must also have listed all its findings; without, a report
/// that left some out is compared by its verdict only. Returns whether the oracle reached a
/// verdict (the body reached a schema).
pub fn assert_agreement(body: &[u8], every_finding_listed: bool) -> bool {
    assert_agreement_under(&ORACLE, VALIDATORS.as_slice(), body, every_finding_listed)
}

/// hookguard in lenient and in strict mode with `overlay` in force, listing as many findings
/// as it may.
pub fn validators_with(overlay: Option<&Value>) -> [(bool, Validator); 2] {
    [false, true].map(|strict| {
        let options = Options {
            strict,
            max_findings: MAX_FINDINGS_CEILING,
            overlay: overlay.cloned(),
            ..Options::default()
        };
        (strict, Validator::new(options).expect("options are valid"))
    })
}

/// [`assert_agreement`] between `oracle` and `validators` (one lenient, one strict), which
/// must have the same overlay in force.
pub fn assert_agreement_under(
    oracle: &Oracle,
    validators: &[(bool, Validator)],
    body: &[u8],
    every_finding_listed: bool,
) -> bool {
    let mut reached = false;
    for (strict, validator) in validators {
        let Some(expected) = oracle.verdict(body, *strict) else {
            continue;
        };
        reached = true;
        let report = validator.validate(body);
        let text = String::from_utf8_lossy(body);
        assert_eq!(
            report.valid, expected.valid,
            "strict={strict} {text}: {report:?}"
        );
        if expected.delivery == TEST_DELIVERY {
            if report.valid {
                assert_eq!(schema_findings(&report), expected.findings, "{text}");
            } else {
                assert_eq!(report.errors[0].code, "missing_event_name", "{text}");
            }
            continue;
        }
        assert_eq!(
            report.source_event_name,
            Some(expected.delivery.as_str()),
            "{text}"
        );
        if every_finding_listed {
            assert!(report.omitted.is_none(), "{text}");
        } else if !report.omitted.is_none() {
            // Beyond the ceiling of listed findings the sets cannot be compared.
            continue;
        }
        assert_eq!(
            schema_findings(&report),
            expected.findings,
            "strict={strict} {text}"
        );
    }
    reached
}

/// The schema findings of a report, as the oracle lists them.
pub fn schema_findings(report: &Report) -> BTreeSet<SchemaFinding> {
    report
        .errors
        .iter()
        .chain(&report.warnings)
        .filter(|finding| matches!(finding.code, "schema_violation" | "unknown_field"))
        .map(
            |Finding {
                 code,
                 instance_location,
                 keyword_location,
                 error,
                 ..
             }| {
                (
                    (*code).to_owned(),
                    instance_location.clone(),
                    keyword_location.clone(),
                    error.clone(),
                )
            },
        )
        .collect()
}

/// The words hookguard has always used for an alias pair's either-or requirement.
fn alias_requirement(
    aliases: &[(&str, &str)],
    instance_location: &str,
    keyword_location: &str,
) -> Option<String> {
    if !instance_location.is_empty() || keyword_location != "/anyOf" {
        return None;
    }
    let (first, second) = aliases.first()?;
    Some(format!(
        "missing required property {second} (or its alias {first}, which carries the same value)"
    ))
}

/// The words hookguard has always used for each keyword's failure, from the engine's error.
fn describe(error: &jsonschema::ValidationError<'_>) -> String {
    let found = match error.instance().as_ref() {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(number) if number.is_f64() => "a number",
        Value::Number(_) => "an integer",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    };
    match error.kind() {
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
        ValidationErrorKind::Enum { options } => {
            let listed: Vec<String> = options
                .as_array()
                .into_iter()
                .flatten()
                .map(Value::to_string)
                .collect();
            format!("value is not one of {}", listed.join(", "))
        }
        ValidationErrorKind::Constant { expected_value } => {
            format!("value must be {expected_value}")
        }
        ValidationErrorKind::Pattern { .. } => {
            "value is not a UUID (RFC 9562 text form: 8-4-4-4-12 hexadecimal digits)".to_owned()
        }
        ValidationErrorKind::Minimum { limit } => format!("value is below the minimum of {limit}"),
        other => format!("unexpected keyword failure: {other:?}"),
    }
}

/// A small deterministic generator (xorshift64*), so a failing case is its seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed | 1)
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound.max(1) as u64) as usize
    }

    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }

    fn pick<'a, T>(&mut self, from: &'a [T]) -> &'a T {
        &from[self.below(from.len())]
    }
}

const NUMBER_LITERALS: &[&str] = &[
    "0",
    "1",
    "5985",
    "-1",
    "-0",
    "9007199254740991",
    "-9007199254740991",
    "1.5",
    "-0.5",
    "1e-300",
    "5.985e3",
    "3.0",
    "2.5e-1",
    "4503599627370495.5",
];

const STRINGS: &[&str] = &[
    "",
    "COMPLETE",
    "x",
    "35ef4501-b93d-4ce2-b766-b670a057c0fb",
    "35EF4501-B93D-4CE2-B766-B670A057C0FB",
    "35ef4501-b93d-4ce2-b766-b670a057c0f",
    "35ef4501-b93d-4ce2-b766-b670a057c0fbb",
    "035ef4501-b93d-4ce2-b766-b670a057c0fb",
    "35ef4501-b93d-4ce2-b766-b670a057c0fb-",
    "35ef4501b93d4ce2b766b670a057c0fb0000",
    "{35ef4501-b93d-4ce2-b766-b670a057c0f}",
    "35ef4501-b93d-4ce2-b766-b670a057c0fg",
    "35ef4501-b93d-4ce2-b766-b670a057c0fb\n",
    "\u{0663}5ef4501-b93d-4ce2-b766-b670a057c0f",
];

fn number_literal(rng: &mut Rng) -> &'static str {
    NUMBER_LITERALS[rng.below(NUMBER_LITERALS.len())]
}

/// Writes a generated delivery for the schema `schema` (an event's or the test delivery's).
pub fn delivery(schema: &Value, rng: &mut Rng) -> Vec<u8> {
    let mut out = String::new();
    write_for(schema, rng, 0, &mut out);
    out.into_bytes()
}

/// A value for `schema`: mostly of the declared shape, sometimes anything at all.
fn write_for(schema: &Value, rng: &mut Rng, depth: usize, out: &mut String) {
    if depth > 0 && rng.chance(8) {
        return write_any(rng, depth, out);
    }
    if let Some(constant) = schema.get("const")
        && !rng.chance(10)
    {
        return out.push_str(&constant.to_string());
    }
    if let Some(Value::Array(options)) = schema.get("enum")
        && !rng.chance(8)
    {
        return out.push_str(&rng.pick(options).to_string());
    }
    let declared: Vec<&str> = match schema.get("type") {
        Some(Value::String(one)) => vec![one.as_str()],
        Some(Value::Array(several)) => several.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    let Some(chosen) = (!declared.is_empty()).then(|| *rng.pick(&declared)) else {
        return write_any(rng, depth, out);
    };
    match chosen {
        "null" => out.push_str("null"),
        "boolean" => out.push_str(if rng.chance(2) { "true" } else { "false" }),
        "integer" | "number" => out.push_str(number_literal(rng)),
        "string" => out.push_str(&Value::from(STRINGS[rng.below(STRINGS.len())]).to_string()),
        "array" => {
            out.push('[');
            let items = schema.get("items").unwrap_or(&Value::Bool(true));
            for index in 0..rng.below(4) {
                if index > 0 {
                    out.push(',');
                }
                write_for(items, rng, depth + 1, out);
            }
            out.push(']');
        }
        _ => write_object(schema, rng, depth, out),
    }
}

fn write_object(schema: &Value, rng: &mut Rng, depth: usize, out: &mut String) {
    let empty = Map::new();
    let properties = schema
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let mut members: Vec<String> = Vec::new();
    for (name, property) in properties {
        // The event name is dropped rarely: without it a body is read as the test delivery.
        let keep = if name == "event_name" {
            !rng.chance(20)
        } else {
            !rng.chance(5)
        };
        if keep {
            let mut member = format!("{}:", Value::from(name.as_str()));
            write_for(property, rng, depth + 1, &mut member);
            members.push(member);
        }
    }
    for index in 0..(if rng.chance(3) { rng.below(3) + 1 } else { 0 }) {
        let mut member = format!("{}:", Value::from(format!("x_{depth}_{index}/~")));
        write_any(rng, depth + 1, &mut member);
        members.push(member);
    }
    // Shuffle: the order members arrive in must not matter.
    for index in (1..members.len()).rev() {
        let other = rng.below(index + 1);
        members.swap(index, other);
    }
    out.push('{');
    out.push_str(&members.join(","));
    out.push('}');
}

fn write_any(rng: &mut Rng, depth: usize, out: &mut String) {
    let choice = if depth > 3 {
        rng.below(5)
    } else {
        rng.below(7)
    };
    match choice {
        0 => out.push_str("null"),
        1 => out.push_str(if rng.chance(2) { "true" } else { "false" }),
        2 => out.push_str(number_literal(rng)),
        3 | 4 => out.push_str(&Value::from(STRINGS[rng.below(STRINGS.len())]).to_string()),
        5 => {
            out.push('[');
            for index in 0..rng.below(3) {
                if index > 0 {
                    out.push(',');
                }
                write_any(rng, depth + 1, out);
            }
            out.push(']');
        }
        _ => write_object(&Value::Bool(true), rng, depth + 1, out),
    }
}
