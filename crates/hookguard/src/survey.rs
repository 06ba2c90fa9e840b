//! What deliveries really carry, set against what each event's published schema documents:
//! fields no page lists, documented fields that never come, required ones missing, values of
//! another type or format, values outside a documented enum, the naming scheme, unknown event
//! names. One [`Observation`] per body ([`Surveyor::observe`], run where the body is, in the
//! module for the command line), added up in a [`Survey`] (anywhere: counts only).
//!
//! A body is observed by the walk every report uses, over its bytes and the compiled schemas
//! (generated from the same types as the published ones), with the overlay's additions in
//! force; the tests hold it to the survey's reference over a tree and the published schemas.
//!
//! A survey is not a verdict: it reads every body intake accepts, valid or not, and reports
//! what it saw. Values are never kept unless `reveal_values` is set (then enum values and
//! unknown event names are shown); field names are keys of the payload, not values.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::check::observe;
pub use crate::check::observe::{Observation, SeenPaths};
use crate::contract::catalog;
use crate::contract::compiled::Types;
use crate::contract::options::Options;
use crate::contract::overlay::{FORMAT_VERSION, Overlay, OverlayError, type_names, types_named};

/// Observes bodies against the compiled schemas, with an overlay's additions when one is in
/// force.
#[derive(Debug, Default)]
pub struct Surveyor {
    overlay: Option<Overlay>,
}

impl Surveyor {
    /// A surveyor over the schemas compiled into this crate.
    pub fn new() -> Surveyor {
        Surveyor::default()
    }

    /// A surveyor over the effective schemas: the compiled-in ones with what `overlay` adds,
    /// so that a survey run with the overlay in force reports only the drift it does not
    /// accept yet.
    pub fn with_overlay(overlay: &Overlay) -> Surveyor {
        Surveyor {
            overlay: Some(overlay.clone()),
        }
    }

    /// What one body shows, read under `options`' limits (`reveal_values` decides whether
    /// enum values and unknown event names are kept).
    pub fn observe(&self, body: &[u8], options: &Options) -> Observation {
        observe::observe(body, options, self.overlay.as_ref(), None)
    }

    /// [`Surveyor::observe`] for an observer that adds every observation into one survey:
    /// [`Observation::declared`] lists only the paths `seen` did not hold for the event (and
    /// adds them to it). Added up, the survey is the same; the paths every body repeats are
    /// neither copied nor sent again (the command line's module observes this way).
    pub fn observe_new(&self, body: &[u8], options: &Options, seen: &mut SeenPaths) -> Observation {
        observe::observe(body, options, self.overlay.as_ref(), Some(seen))
    }

    /// Every member path an event's schema documents (array items as `*`), with the fields
    /// the overlay adds.
    pub fn documented(&self, event: &str) -> BTreeSet<String> {
        observe::documented(event, self.overlay.as_ref())
    }
}

/// One field not in its event's schema, over a survey.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldSeen {
    /// Deliveries that carried it.
    pub deliveries: u64,
    /// The JSON types seen (`null` among them when it was ever null).
    pub types: BTreeSet<String>,
}

/// Values outside a documented enum, over a survey.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutsideEnum {
    /// Deliveries with such a value.
    pub deliveries: u64,
    /// The values and how often, only when values may be revealed.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub values: BTreeMap<String, u64>,
}

/// One event name over a survey.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventSurvey {
    /// Deliveries of this name.
    pub deliveries: u64,
    /// Its naming scheme.
    pub scheme: String,
    /// Fields its schema does not declare, by path.
    pub undeclared: BTreeMap<String, FieldSeen>,
    /// Documented fields no delivery carried (filled by [`Survey::finish`]).
    pub never_seen: BTreeSet<String>,
    /// Required fields missing, by path: in how many deliveries.
    pub missing_required: BTreeMap<String, u64>,
    /// Values of another type than documented, by path: the types found and how often.
    pub type_mismatches: BTreeMap<String, BTreeMap<String, u64>>,
    /// Values not of their documented format (UUIDs), by path: how often.
    pub format_mismatches: BTreeMap<String, u64>,
    /// Values outside a documented enum, by path.
    pub outside_enum: BTreeMap<String, OutsideEnum>,
    #[serde(skip)]
    seen: BTreeSet<String>,
}

/// Observations added up.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Survey {
    /// Bodies observed.
    pub payloads: u64,
    /// Bodies that could not be read, by intake's code.
    pub unreadable: BTreeMap<String, u64>,
    /// Bodies naming an event the catalog does not know.
    pub unknown_events: u64,
    /// Those names and how often, only when values may be revealed.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub unknown_event_names: BTreeMap<String, u64>,
    /// Deliveries by naming scheme.
    pub schemes: BTreeMap<String, u64>,
    /// Per event name as delivered (`test-delivery` for the test delivery).
    pub events: BTreeMap<String, EventSurvey>,
}

impl Survey {
    /// The survey with every payload value left out (enum values, unknown event names): what
    /// may be shown when values may not be revealed, after values were kept to draft an
    /// overlay.
    pub fn without_values(mut self) -> Survey {
        self.unknown_event_names.clear();
        for event in self.events.values_mut() {
            for outside in event.outside_enum.values_mut() {
                outside.values.clear();
            }
        }
        self
    }

    /// Adds one body's observation.
    pub fn add(&mut self, observation: Observation) {
        self.payloads += 1;
        if let Some(code) = observation.unreadable {
            *self.unreadable.entry(code).or_default() += 1;
            return;
        }
        if observation.unknown_event {
            self.unknown_events += 1;
            if let Some(name) = observation.unknown_event_name {
                *self.unknown_event_names.entry(name).or_default() += 1;
            }
            return;
        }
        let Some(name) = observation.event else {
            return;
        };
        let scheme = observation.scheme.unwrap_or_default();
        *self.schemes.entry(scheme.clone()).or_default() += 1;
        let event = self.events.entry(name).or_default();
        event.deliveries += 1;
        event.scheme = scheme;
        for (path, types) in observation.undeclared {
            let field = event.undeclared.entry(path).or_default();
            field.deliveries += 1;
            field.types.extend(types);
        }
        event.seen.extend(observation.declared);
        for path in observation.missing {
            *event.missing_required.entry(path).or_default() += 1;
        }
        for (path, types) in observation.type_mismatches {
            let found = event.type_mismatches.entry(path).or_default();
            for name in types {
                *found.entry(name).or_default() += 1;
            }
        }
        for path in observation.format_mismatches {
            *event.format_mismatches.entry(path).or_default() += 1;
        }
        for (path, values) in observation.outside_enum {
            let outside = event.outside_enum.entry(path).or_default();
            outside.deliveries += 1;
            for value in values {
                *outside.values.entry(value).or_default() += 1;
            }
        }
    }

    /// Fills in what needs every observation: the documented fields no delivery carried.
    pub fn finish(&mut self, surveyor: &Surveyor) {
        for (name, event) in &mut self.events {
            event.never_seen = surveyor
                .documented(name)
                .into_iter()
                .filter(|path| !event.seen.contains(path))
                // A member of an object never seen is no news beyond the object itself.
                .filter(|path| {
                    path.rsplit_once('/')
                        .is_none_or(|(parent, _)| parent.is_empty() || event.seen.contains(parent))
                })
                .collect();
        }
    }
}

/// An overlay drafted from a survey ([`draft_from_survey`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    /// The overlay document, ready to write and to load.
    pub document: Value,
    /// The same overlay, resolved (as every host will resolve it).
    pub overlay: Overlay,
    /// What the survey found that no overlay can accept, one line each (a missing required
    /// field, a value of another type), for the user to take up with Ocrolus.
    pub left_out: Vec<String>,
}

/// Drafts an overlay from a survey whose enum values were kept: per event, every undeclared
/// field with the types seen (`integer` folded into `number` when both were), and every value
/// outside a documented enum. `base`, an overlay already in force (the survey ran with it), is
/// kept and added to. Drift an overlay cannot accept goes to [`Draft::left_out`]; so does an
/// entry the catalog refuses (checked with [`Overlay::resolve`], as every host will).
pub fn draft_from_survey(survey: &Survey, base: Option<&Value>) -> Draft {
    let mut events: Map<String, Value> = base
        .and_then(|base| base.get("events"))
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut left_out = Vec::new();
    for (event_name, event) in &survey.events {
        if catalog::event(event_name).is_none() {
            continue;
        }
        let mut fields = Map::new();
        for (path, seen) in &event.undeclared {
            let mut names: BTreeSet<&str> = seen.types.iter().map(String::as_str).collect();
            if names.contains("number") {
                names.remove("integer");
            }
            let types = types_named(names).unwrap_or(Types::ANY);
            let field = json!({
                "type": type_names(types),
                "description": format!(
                    "Seen in {} of {} deliveries surveyed; not in Ocrolus' documentation.",
                    seen.deliveries, event.deliveries
                ),
            });
            fields.insert(path.clone(), field);
        }
        let mut enum_values = Map::new();
        for (path, outside) in &event.outside_enum {
            if outside.values.is_empty() {
                left_out.push(format!(
                    "{event_name} {path}: {} deliveries had values outside the enum, but the \
                     values were not kept",
                    outside.deliveries
                ));
                continue;
            }
            let values: Vec<Value> = outside.values.keys().cloned().map(Value::from).collect();
            enum_values.insert(path.clone(), Value::from(values));
        }
        for (path, deliveries) in &event.missing_required {
            left_out.push(format!(
                "{event_name} {path}: required but missing in {deliveries} deliveries (an \
                 overlay cannot remove a requirement)"
            ));
        }
        for (path, types) in &event.type_mismatches {
            let found: Vec<&str> = types.keys().map(String::as_str).collect();
            left_out.push(format!(
                "{event_name} {path}: sent as {} in {} deliveries (an overlay cannot change a \
                 documented type)",
                found.join(" or "),
                types.values().sum::<u64>()
            ));
        }
        for (path, deliveries) in &event.format_mismatches {
            left_out.push(format!(
                "{event_name} {path}: not a UUID in {deliveries} deliveries (an overlay cannot \
                 change a documented format)"
            ));
        }
        let mut additions = match events.remove(event_name) {
            Some(Value::Object(additions)) => additions,
            _ => Map::new(),
        };
        for (name, added) in [("fields", fields), ("enum_values", enum_values)] {
            if added.is_empty() {
                continue;
            }
            let merged = additions
                .entry(name)
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(merged) = merged {
                for (path, entry) in added {
                    match (merged.get_mut(&path), entry) {
                        (Some(Value::Array(kept)), Value::Array(new)) => {
                            for value in new {
                                if !kept.contains(&value) {
                                    kept.push(value);
                                }
                            }
                        }
                        (Some(_), _) => {}
                        (None, entry) => {
                            merged.insert(path, entry);
                        }
                    }
                }
            }
        }
        if !additions.is_empty() {
            events.insert(event_name.clone(), Value::Object(additions));
        }
    }
    // Every entry must load: one the catalog refuses is left out with the reason, so that the
    // draft as a whole is accepted by every host.
    loop {
        let document = overlay_document(&events, base);
        match Overlay::resolve(&document) {
            Ok(overlay) => {
                return Draft {
                    document,
                    overlay,
                    left_out,
                };
            }
            Err(error) => {
                if !remove_entry(&mut events, &error) {
                    left_out.push(format!("the overlay: {error}"));
                    return Draft {
                        document: overlay_document(&Map::new(), base),
                        overlay: Overlay::default(),
                        left_out,
                    };
                }
                left_out.push(error.to_string());
            }
        }
    }
}

fn overlay_document(events: &Map<String, Value>, base: Option<&Value>) -> Value {
    let mut document = Map::new();
    document.insert("hookguard_overlay".into(), Value::from(FORMAT_VERSION));
    if let Some(description) = base.and_then(|base| base.get("description")) {
        document.insert("description".into(), description.clone());
    }
    document.insert("events".into(), Value::Object(events.clone()));
    Value::Object(document)
}

/// Removes the entry an [`OverlayError`] is about, if it is one event's or one path's.
fn remove_entry(events: &mut Map<String, Value>, error: &OverlayError) -> bool {
    let Some(event) = &error.event else {
        return false;
    };
    let Some((group, path)) = &error.path else {
        return events.remove(event).is_some();
    };
    let Some(Value::Object(additions)) = events.get_mut(event) else {
        return false;
    };
    let removed = additions
        .get_mut(*group)
        .and_then(Value::as_object_mut)
        .and_then(|entries| entries.remove(path))
        .is_some();
    if additions
        .get(*group)
        .and_then(Value::as_object)
        .is_some_and(Map::is_empty)
    {
        additions.remove(*group);
    }
    if additions.is_empty() {
        events.remove(event);
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_drifted_delivery_is_observed_field_by_field() {
        let surveyor = Surveyor::new();
        let body = br#"{"event_name": "DOC_VERIFIED", "status": "ARCHIVED", "book_pk": "12",
            "book_uuid": "not-a-uuid", "uploaded_doc_uuid": "b0bf0eb7-c1fd-4473-aba3-ea93dd619a22",
            "new_field": null, "nested": {"a": 1}}"#;
        let observation = surveyor.observe(body, &Options::default());
        assert_eq!(observation.event.as_deref(), Some("DOC_VERIFIED"));
        assert_eq!(observation.scheme.as_deref(), Some("account"));
        assert_eq!(
            observation.undeclared.keys().collect::<Vec<_>>(),
            ["/nested", "/new_field"]
        );
        assert!(observation.undeclared["/new_field"].contains("null"));
        assert!(observation.type_mismatches["/book_pk"].contains("string"));
        assert!(observation.format_mismatches.contains("/book_uuid"));
        assert!(
            observation.outside_enum["/status"].is_empty(),
            "values hidden"
        );
        assert!(observation.missing.contains("/uploaded_doc_pk"));
        let revealed = surveyor.observe(
            body,
            &Options {
                reveal_values: true,
                ..Options::default()
            },
        );
        assert!(revealed.outside_enum["/status"].contains("ARCHIVED"));

        let mut survey = Survey::default();
        survey.add(observation.clone());
        survey.add(observation);
        survey.add(surveyor.observe(b"{", &Options::default()));
        survey.add(surveyor.observe(br#"{"event_name": "book.burned"}"#, &Options::default()));
        survey.finish(&surveyor);
        assert_eq!(survey.payloads, 4);
        assert_eq!(survey.unknown_events, 1);
        assert!(survey.unknown_event_names.is_empty());
        assert_eq!(survey.unreadable.values().sum::<u64>(), 1);
        let event = &survey.events["DOC_VERIFIED"];
        assert_eq!(event.deliveries, 2);
        assert_eq!(event.undeclared["/new_field"].deliveries, 2);
        assert!(event.never_seen.contains("/notification_type"));
        assert!(!event.never_seen.contains("/book_pk"));
    }
}
