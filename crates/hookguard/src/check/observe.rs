//! What one body carries, set against its event's compiled schema with the overlay in force:
//! the survey's look at a body, made by the same walk as every report ([`walk`]) with a judge
//! that records instead of deciding ([`Observe`]). Members no schema declares, declared ones
//! present, required ones missing, values of another type, not UUIDs where UUIDs are documented,
//! outside a documented enum; the event name and its naming scheme.
//!
//! Paths are JSON Pointers with every array index written `*`: a survey adds up what the
//! deliveries of an event share, not where one delivery put it.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::walk::{self, Judge};
use crate::contract::catalog::{self, Listing};
use crate::contract::compiled::{self, Schema, Types};
use crate::contract::options::Options;
use crate::contract::overlay::{EventAdditions, Overlay};
use crate::contract::schema::TEST_DELIVERY;
use crate::json::intake;
use crate::json::pointer;
use crate::json::reader::{self, Document, same_bytes};

/// What one body showed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observation {
    /// The event name as delivered, when the catalog knows it; `test-delivery` for Ocrolus'
    /// test delivery.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    /// The naming scheme of that name: `organization`, `account`, `legacy` or `openapi_only`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme: Option<String>,
    /// Why the body could not be read (intake's code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unreadable: Option<String>,
    /// The body names an event the catalog does not know.
    #[serde(default, skip_serializing_if = "is_false")]
    pub unknown_event: bool,
    /// That name, only when values may be revealed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unknown_event_name: Option<String>,
    /// Members the schema does not declare: path (array indexes as `*`) and JSON types seen.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub undeclared: BTreeMap<String, BTreeSet<String>>,
    /// Declared members present.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub declared: BTreeSet<String>,
    /// Required members absent.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub missing: BTreeSet<String>,
    /// Values of another type than documented: path and the types found.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub type_mismatches: BTreeMap<String, BTreeSet<String>>,
    /// Values not of their documented format (UUIDs).
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub format_mismatches: BTreeSet<String>,
    /// Values outside a documented enum: path and, when values may be revealed, the values.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub outside_enum: BTreeMap<String, BTreeSet<String>>,
}

fn is_false(value: &bool) -> bool {
    !*value
}

/// The declared paths already listed, per event: what an observer that adds its observations
/// into one survey need not list again ([`crate::survey::Surveyor::observe_new`] lists only
/// the paths new to it). A survey keeps the union of the paths seen, so leaving out those it
/// has changes nothing in it; what goes is a copy of every declared member's path of every
/// body (and, in the command line, writing and reading them across the module's boundary).
#[derive(Debug, Clone, Default)]
pub struct SeenPaths(BTreeMap<String, BTreeSet<Vec<u8>>>);

impl SeenPaths {
    /// The set for `event`, made on first use (the name copied once per event, not per body).
    fn of(&mut self, event: &str) -> Option<&mut BTreeSet<Vec<u8>>> {
        if !self.0.contains_key(event) {
            self.0.insert(event.to_owned(), BTreeSet::new());
        }
        self.0.get_mut(event)
    }
}

/// What `body` shows, read under `options`' limits, against the compiled schemas with what
/// `overlay` adds (`reveal_values` decides whether enum values and unknown event names are
/// kept). With `seen`, [`Observation::declared`] lists only the paths `seen` did not hold for
/// the event, and they are added to it.
pub(crate) fn observe(
    body: &[u8],
    options: &Options,
    overlay: Option<&Overlay>,
    seen: Option<&mut SeenPaths>,
) -> Observation {
    let mut observation = Observation::default();
    let Document {
        root,
        members,
        tape,
    } = match intake::read(body, options.intake_limits(), true) {
        Ok(document) => document,
        Err(refusal) => {
            observation.unreadable = Some(refusal.kind.code().to_owned());
            return observation;
        }
    };
    let event_value = members
        .iter()
        .find(|member| same_bytes(&member.key, b"event_name"))
        .map(|member| member.value);
    let (name, scheme_name, schema, additions) = match event_value {
        // The test delivery is Ocrolus' account-level one.
        None => (TEST_DELIVERY, "account", &compiled::TEST_DELIVERY, None),
        Some(value) => {
            let text = match value.first() {
                Some(b'"') => reader::text(value),
                _ => None,
            };
            let known = text
                .as_deref()
                .and_then(|text| std::str::from_utf8(text).ok())
                .and_then(|name| Some((catalog::event(name)?, compiled::event_schema(name)?)));
            let Some((spec, schema)) = known else {
                observation.unknown_event = true;
                if options.reveal_values {
                    observation.unknown_event_name = Some(match text {
                        Some(text) => String::from_utf8_lossy(&text).into_owned(),
                        None => walk::printed(value),
                    });
                }
                return observation;
            };
            let additions = overlay.and_then(|overlay| overlay.event(spec.name));
            (spec.name, scheme(spec.listings), schema, additions)
        }
    };
    observation.scheme = Some(scheme_name.to_owned());
    observation.event = Some(name.to_owned());
    let mut judge = Observe {
        observation: &mut observation,
        seen: seen.and_then(|seen| seen.of(name)),
        reveal_values: options.reveal_values,
        path: Vec::new(),
        levels: Vec::new(),
    };
    walk::object(
        schema,
        root,
        &members,
        additions,
        &mut walk::Nested::on(&tape),
        &mut judge,
    );
    observation
}

/// Every member path `schema` documents (array items as `*`), with the fields `overlay` adds
/// to `event`.
pub(crate) fn documented(event: &str, overlay: Option<&Overlay>) -> BTreeSet<String> {
    let mut paths = BTreeSet::new();
    let schema = if event == TEST_DELIVERY {
        Some(&compiled::TEST_DELIVERY)
    } else {
        compiled::event_schema(event)
    };
    if let Some(schema) = schema {
        let additions = overlay.and_then(|overlay| overlay.event(event));
        documented_below(schema, additions, &mut String::new(), &mut paths);
    }
    paths
}

fn documented_below(
    schema: &Schema,
    additions: Option<&EventAdditions>,
    path: &mut String,
    into: &mut BTreeSet<String>,
) {
    let length = path.len();
    for (name, property) in schema.properties {
        pointer::push_token(path, name);
        into.insert(path.clone());
        documented_below(property, additions, path, into);
        path.truncate(length);
    }
    for name in additions
        .into_iter()
        .flat_map(|additions| additions.field_names(schema))
    {
        pointer::push_token(path, name);
        into.insert(path.clone());
        path.truncate(length);
    }
    if let Some(items) = schema.items {
        path.push_str("/*");
        documented_below(items, additions, path, into);
        path.truncate(length);
    }
}

/// The scheme a name belongs to, by the first listing that has it.
pub(crate) fn scheme(listings: &[Listing]) -> &'static str {
    if listings.contains(&Listing::Organization) {
        "organization"
    } else if listings.contains(&Listing::Account) {
        "account"
    } else if listings.contains(&Listing::Legacy) {
        "legacy"
    } else {
        "openapi_only"
    }
}

/// The name of a value's JSON type as a schema's `type` spells it (`integer` for a number with
/// no fractional part).
fn type_name(value: &[u8]) -> &'static str {
    let (bits, _) = walk::kind_of(value);
    // An integer is also a number: the first name in bit order is the narrower one.
    Types(bits).names().next().unwrap_or("number")
}

/// Records what a walk finds instead of deciding on it; never stops the walk.
struct Observe<'o> {
    observation: &'o mut Observation,
    /// The event's paths listed before, when only new ones are to be listed.
    seen: Option<&'o mut BTreeSet<Vec<u8>>>,
    reveal_values: bool,
    /// The current location, array indexes as `*`, and where each level of it starts: bytes,
    /// made text only for what is recorded (member names are UTF-8, checked by the reader).
    path: Vec<u8>,
    levels: Vec<usize>,
}

impl Observe<'_> {
    /// The current location as text.
    fn path(&self) -> String {
        String::from_utf8_lossy(&self.path).into_owned()
    }
}

impl<'a> Judge<'a> for Observe<'_> {
    fn error(
        &mut self,
        _: &str,
        keyword: &str,
        value: &'a [u8],
        _: impl FnOnce() -> String,
    ) -> bool {
        let path = self.path();
        let observation = &mut *self.observation;
        match keyword {
            "type" => {
                observation
                    .type_mismatches
                    .entry(path)
                    .or_default()
                    .insert(type_name(value).to_owned());
            }
            // Every enum of the catalog lists strings and admits no other type: a value of
            // another type is a type mismatch, recorded as one. (The walk goes on checking a
            // mistyped value, as a report lists every failing keyword; with the catalog's
            // schemas nothing else fails on it that a survey records.)
            "enum" if value.first() == Some(&b'"') => {
                let values = observation.outside_enum.entry(path).or_default();
                if self.reveal_values
                    && let Some(text) = reader::text(value)
                {
                    values.insert(String::from_utf8_lossy(&text).into_owned());
                }
            }
            "pattern" => {
                observation.format_mismatches.insert(path);
            }
            // `const`, `minimum` and an alias pair's either-or are a report's business; a
            // survey compares fields and types with the documentation.
            _ => {}
        }
        true
    }

    fn unknown(&mut self, _: &Schema, value: &'a [u8]) -> bool {
        self.observation
            .undeclared
            .entry(self.path())
            .or_default()
            .insert(type_name(value).to_owned());
        true
    }

    fn missing(&mut self, _: &str, name: &'static str, _: &'a [u8]) -> bool {
        let mut path = self.path();
        pointer::push_token(&mut path, name);
        self.observation.missing.insert(path);
        true
    }

    fn declared_member(&mut self) {
        if let Some(seen) = &mut self.seen {
            // Once a path is listed, a lookup: no copy, nothing to send or add up again.
            if seen.contains(self.path.as_slice()) {
                return;
            }
            seen.insert(self.path.clone());
        }
        self.observation.declared.insert(self.path());
    }

    fn enter_member(&mut self, key: &[u8]) {
        self.levels.push(self.path.len());
        // Member names the reader accepted are UTF-8 (their escapes decoded).
        pointer::push_token_bytes(&mut self.path, key);
    }

    fn enter_item(&mut self, _: usize) {
        self.levels.push(self.path.len());
        self.path.extend_from_slice(b"/*");
    }

    fn leave(&mut self) {
        if let Some(length) = self.levels.pop() {
            self.path.truncate(length);
        }
    }

    fn out(&mut self) -> Option<&mut Vec<u8>> {
        None
    }
}
