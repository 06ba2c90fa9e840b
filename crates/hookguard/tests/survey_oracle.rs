//! The survey held to its reference: the shipped survey observes a body in the walk every report
//! uses, over its bytes and the compiled schemas; the oracle observes the tree serde_json builds
//! against the published schemas as JSON, the overlay applied to them. Every body of the corpora
//! and thousands generated from every event's schema (drifting on purpose) get the same
//! observation from both, with and without the drift overlay, values kept or not; every event
//! documents the same paths. Observed only for what is new to an observer (as the command
//! line's module observes), the survey added up is the same.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use common::oracle::{Rng, delivery};
use hookguard::oracle::survey as reference;
use std::collections::{BTreeMap, BTreeSet};

use hookguard::survey::{Observation, SeenPaths, Survey, Surveyor};
use hookguard::{Options, Overlay};
use serde_json::{Map, Value};

fn drift_overlay() -> Overlay {
    let document: Value =
        serde_json::from_slice(&common::read("tests/fixtures/drift/overlay.json")).unwrap();
    Overlay::resolve(&document).unwrap()
}

/// The fixtures, the hostile corpus, each delivery of the captures and the drift capture.
fn corpus() -> Vec<Vec<u8>> {
    let mut bodies = common::every_body();
    for capture in [
        "tests/fixtures/captures/ocrolus-deliveries.ndjson",
        "tests/fixtures/drift/capture.ndjson",
    ] {
        let text = common::read(capture);
        bodies.extend(
            text.split(|&b| b == b'\n')
                .filter(|line| !line.is_empty())
                .map(<[u8]>::to_vec),
        );
    }
    bodies
}

/// Every event's name and the test delivery's.
fn names() -> Vec<&'static str> {
    let mut names: Vec<&str> = hookguard::catalog::EVENTS
        .iter()
        .map(|spec| spec.name)
        .collect();
    names.push(hookguard::schema::TEST_DELIVERY);
    names
}

fn both_ways(overlay: Option<&Overlay>) -> (Surveyor, Map<String, Value>) {
    let surveyor = overlay.map_or_else(Surveyor::new, Surveyor::with_overlay);
    (surveyor, reference::schemas(overlay))
}

fn assert_same_observations(bodies: &[Vec<u8>], overlay: Option<&Overlay>) -> usize {
    let (surveyor, schemas) = both_ways(overlay);
    let mut drifted = 0;
    for reveal_values in [false, true] {
        let options = Options {
            reveal_values,
            ..Options::default()
        };
        // Observed as the command line's module observes, into one survey: only paths new to
        // the observer are listed, and the survey added up is the same.
        let mut seen = SeenPaths::default();
        let mut listed: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let (mut whole, mut new_only) = (Survey::default(), Survey::default());
        for body in bodies {
            let ours = surveyor.observe(body, &options);
            let new = surveyor.observe_new(body, &options, &mut seen);
            let before = listed
                .entry(ours.event.clone().unwrap_or_default())
                .or_default();
            let expected: BTreeSet<String> = ours.declared.difference(before).cloned().collect();
            assert_eq!(new.declared, expected);
            before.extend(new.declared.iter().cloned());
            assert_eq!(
                Observation {
                    declared: ours.declared.clone(),
                    ..new.clone()
                },
                ours
            );
            whole.add(ours.clone());
            new_only.add(new);
            let oracle = reference::observe(&schemas, body, &options);
            assert_eq!(
                ours,
                oracle,
                "overlay {}, reveal_values {reveal_values}: {}",
                overlay.is_some(),
                String::from_utf8_lossy(&body[..body.len().min(300)])
            );
            drifted += usize::from(
                !ours.undeclared.is_empty()
                    || !ours.type_mismatches.is_empty()
                    || !ours.outside_enum.is_empty()
                    || !ours.missing.is_empty()
                    || !ours.format_mismatches.is_empty(),
            );
        }
        whole.finish(&surveyor);
        new_only.finish(&surveyor);
        assert_eq!(new_only, whole);
        // A body observed again lists nothing new.
        if let Some(body) = bodies.first() {
            let again = surveyor.observe_new(body, &options, &mut seen);
            assert!(again.declared.is_empty(), "{:?}", again.declared);
        }
    }
    drifted
}

#[test]
fn every_body_of_the_corpora_is_observed_as_the_reference_observes_it() {
    let bodies = corpus();
    assert!(bodies.len() > 300, "only {} bodies", bodies.len());
    let overlay = drift_overlay();
    let drifted = assert_same_observations(&bodies, None);
    assert!(drifted > 50, "only {drifted} drifted observations");
    assert_same_observations(&bodies, Some(&overlay));
}

#[test]
fn generated_deliveries_of_every_event_are_observed_as_the_reference_observes_them() {
    let overlay = drift_overlay();
    for overlay in [None, Some(&overlay)] {
        // Generated from the effective schemas, so that the overlay's fields come too.
        let schemas = reference::schemas(overlay);
        let mut bodies = Vec::new();
        for name in names() {
            for seed in 0..60 {
                bodies.push(delivery(&schemas[name], &mut Rng::new(seed * 7919 + 13)));
            }
        }
        let drifted = assert_same_observations(&bodies, overlay);
        assert!(drifted > bodies.len() / 4, "only {drifted} drifted");
    }
}

#[test]
fn every_event_documents_the_same_paths_as_its_published_schema() {
    let overlay = drift_overlay();
    for overlay in [None, Some(&overlay)] {
        let (surveyor, schemas) = both_ways(overlay);
        for name in names() {
            let ours = surveyor.documented(name);
            assert!(!ours.is_empty() || name == hookguard::schema::TEST_DELIVERY);
            assert_eq!(
                ours,
                reference::documented(&schemas, name),
                "{name}, overlay {}",
                overlay.is_some()
            );
        }
    }
}
