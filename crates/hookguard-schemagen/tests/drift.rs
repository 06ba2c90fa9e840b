//! The checked-in `schemas/` folder, `docs/events.md` and the compiled catalog are exactly what the
//! event types generate.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::Path;

#[test]
fn checked_in_schemas_match_the_generated_ones() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let files = hookguard_schemagen::render(&root).unwrap();
    assert_eq!(
        files.len(),
        hookguard::catalog::EVENTS.len() + 8,
        "events + test delivery + bundle + catalog + openapi.json + docs/events.md + the \
         compiled catalog + the core's embedded bundle and catalog"
    );
    for (path, generated) in &files {
        let on_disk = std::fs::read_to_string(root.join(path)).unwrap_or_default();
        assert!(
            on_disk == *generated,
            "{} drifted from the code: run `just schemas`",
            path.display()
        );
    }
    let stale = hookguard_schemagen::stale_files(&root, &files);
    assert!(
        stale.is_empty(),
        "files under schemas/ that the code does not generate: {stale:?}"
    );
}

#[test]
fn the_openapi_document_describes_every_delivered_name_with_the_published_schema() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let text = std::fs::read_to_string(root.join("schemas/openapi.json")).unwrap();
    let document: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(document["openapi"], "3.1.0");
    let webhooks = document["webhooks"].as_object().unwrap();
    // Every name of both catalogs, and the test delivery.
    assert_eq!(webhooks.len(), hookguard::catalog::EVENTS.len() + 1);
    for spec in hookguard::catalog::EVENTS {
        let post = &webhooks[spec.name]["post"];
        let reference = post["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            .as_str()
            .unwrap();
        assert!(
            root.join("schemas").join(reference).is_file(),
            "{}: {reference}",
            spec.name
        );
        for status in ["400", "401", "405", "409", "413", "415", "500"] {
            assert!(
                post["responses"][status]["$ref"].is_string(),
                "{} {status}",
                spec.name
            );
        }
        assert_eq!(post["parameters"].as_array().unwrap().len(), 3);
    }
    // The examples of refusals are the core's answers, byte for byte once re-serialized.
    let answers: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("tests/expected/answers.json")).unwrap(),
    )
    .unwrap();
    for (name, key) in [
        ("MethodNotAllowed", "method_not_allowed"),
        ("UnsupportedMediaType", "unsupported_media_type"),
        ("TooLarge", "too_large"),
    ] {
        let example = &document["components"]["responses"][name]["content"]["application/problem+json"]
            ["example"];
        let recorded: serde_json::Value =
            serde_json::from_str(answers["requests"][key]["problem"].as_str().unwrap()).unwrap();
        assert_eq!(example, &recorded, "{name}");
    }
}
