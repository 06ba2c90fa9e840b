//! Overlays on arbitrary input: an overlay document and a delivery, separated by a NUL byte
//! (which JSON text never holds). Beyond "no panic" when reading, resolving and applying the
//! overlay: with an overlay in force, the express lane gives the reference path's report
//! whenever it answers; in strict mode an overlay only adds, so a delivery valid without it gets
//! the same report with it; and the effective schemas can be written for every event.
#![no_main]

use std::sync::LazyLock;

use hookguard::schema::embedded_schema;
use hookguard::{Options, Overlay, Validator};
use libfuzzer_sys::fuzz_target;

/// Every event's published schema, read once (the bundle is parsed per `embedded_schema` call).
static PUBLISHED: LazyLock<Vec<(&'static str, serde_json::Value)>> = LazyLock::new(|| {
    hookguard::catalog::EVENTS
        .iter()
        .filter_map(|spec| Some((spec.name, embedded_schema(spec.name)?)))
        .collect()
});

static STRICT: LazyLock<Validator> = LazyLock::new(|| {
    Validator::new(Options {
        strict: true,
        ..Options::default()
    })
    .expect("the defaults are valid")
});

fuzz_target!(|data: &[u8]| {
    let (document, body) = match data.iter().position(|&byte| byte == 0) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &b"{}"[..]),
    };
    let Ok(document) = serde_json::from_slice::<serde_json::Value>(document) else {
        return;
    };
    let resolved = Overlay::resolve(&document);
    let Ok(overlay) = resolved else {
        // Refused as a whole, by every host the same way.
        let refused = Validator::new(Options {
            overlay: Some(document),
            ..Options::default()
        });
        assert!(refused.is_err(), "a refused overlay was accepted by Validator::new");
        return;
    };
    for (name, published) in PUBLISHED.iter() {
        overlay.apply_to_schema(name, &mut published.clone());
    }
    for strict in [false, true] {
        let validator = Validator::new(Options {
            strict,
            overlay: Some(document.clone()),
            ..Options::default()
        })
        .expect("a resolved overlay is accepted");
        for normalize in [false, true] {
            {
            let express = validator.walked_report(body, normalize);
                assert_eq!(
                    express,
                    validator.reference_report(body, normalize),
                    "the walk disagrees with the reference path under an overlay"
                );
            }
        }
        if strict {
            let without = STRICT.normalize(body);
            if without.valid {
                assert_eq!(validator.normalize(body), without, "an overlay took something away");
            }
        }
    }
});
