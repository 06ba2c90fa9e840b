//! Every example payload in Ocrolus' documents (tests/fixtures/seeds) gets the verdict the
//! documents imply.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{check, fixtures, is_malformed_seed, payload};
use hookguard::catalog::{self, Listing};
use hookguard::{Delivery, Event};

#[test]
fn documented_examples_are_valid_without_warnings() {
    for path in fixtures("seeds") {
        if is_malformed_seed(&path) {
            continue;
        }
        let report = check(&path);
        assert!(report.valid, "{path}: {:?}", report.errors);
        assert!(
            report.errors.is_empty() && report.warnings.is_empty(),
            "{path}: {:?}",
            report.warnings
        );
    }
}

#[test]
fn the_malformed_uuid_in_ocrolus_image_group_examples_is_reported_at_its_location() {
    let malformed: Vec<String> = fixtures("seeds")
        .into_iter()
        .filter(|p| is_malformed_seed(p))
        .collect();
    assert_eq!(malformed.len(), 2);
    for path in malformed {
        let report = check(&path);
        assert!(!report.valid, "{path}");
        assert_eq!(report.errors.len(), 1, "{path}: {:?}", report.errors);
        let error = &report.errors[0];
        assert_eq!(error.code, "schema_violation");
        assert_eq!(error.instance_location, "/uploaded_image_group_uuid");
        assert_eq!(
            error.keyword_location,
            "/properties/uploaded_image_group_uuid/pattern"
        );
        assert!(error.error.contains("not a UUID"), "{}", error.error);
        assert!(
            !error.error.contains("93850c56"),
            "the message must not echo the value: {}",
            error.error
        );
        assert_eq!(report.source_event_name, Some("IMAGE_GROUP_VERIFIED"));
        assert!(
            report.normalized.is_none(),
            "invalid payloads are not normalized"
        );
    }
}

#[test]
fn account_level_names_normalize_to_organization_level_names() {
    let cases = [
        (
            "tests/fixtures/seeds/account/ANALYTICS_COMPLETED.json",
            "book.analytics_completed",
        ),
        (
            "tests/fixtures/seeds/account/BOOK_VERIFIED.json",
            "book.verified",
        ),
        (
            "tests/fixtures/seeds/account/DOC_VERIFIED.verification-succeeded.json",
            "document.verification_succeeded",
        ),
        (
            "tests/fixtures/seeds/account/DOC_VERIFIED.verification-failed.json",
            "document.verification_failed",
        ),
        (
            "tests/fixtures/schema/IMAGE_GROUP_VERIFIED-completed.json",
            "image_group.verification_succeeded",
        ),
        (
            "tests/fixtures/schema/IMAGE_GROUP_VERIFIED-rejected.json",
            "image_group.verification_failed",
        ),
    ];
    for (path, canonical) in cases {
        let report = check(path);
        let source = payload(path)["event_name"].as_str().unwrap().to_owned();
        assert!(report.valid, "{path}: {:?}", report.errors);
        assert_eq!(report.event_name, Some(canonical), "{path}");
        assert_eq!(report.source_event_name, Some(source.as_str()), "{path}");
        let normalized = report.normalized.unwrap().to_value();
        assert_eq!(normalized["event_name"], canonical, "{path}");
    }
}

#[test]
fn normalization_fills_alias_fields_from_each_other_and_invents_nothing() {
    // DOC_VERIFIED carries uploaded_doc_uuid only; its canonical events also know doc_uuid.
    let report = check("tests/fixtures/seeds/account/DOC_VERIFIED.verification-failed.json");
    let normalized = report.normalized.unwrap().to_value();
    assert_eq!(normalized["doc_uuid"], normalized["uploaded_doc_uuid"]);
    assert_eq!(
        normalized["doc_uuid"],
        "b0bf0eb7-c1fd-4473-aba3-ea93dd619a22"
    );
    // Nothing that cannot be derived appears: no severity, no notification fields.
    for absent in ["severity", "notification_type", "notification_reason"] {
        assert!(normalized.get(absent).is_none(), "{absent} was invented");
    }
    // IMAGE_GROUP_VERIFIED carries uploaded_image_group_uuid only.
    let report = check("tests/fixtures/schema/IMAGE_GROUP_VERIFIED-completed.json");
    let normalized = report.normalized.unwrap().to_value();
    assert_eq!(
        normalized["image_group_uuid"],
        normalized["uploaded_image_group_uuid"]
    );
    // A null half is not copied (it would make a non-null field null).
    let report = check("tests/fixtures/seeds/account/document.detect.signal_found.json");
    let normalized = report.normalized.unwrap().to_value();
    assert_eq!(
        normalized["doc_uuid"],
        "63231617-d558-4838-ab4c-699b392f0c17"
    );
    assert!(normalized["uploaded_image_group_uuid"].is_null());
}

#[test]
fn normalized_payloads_are_valid_as_their_canonical_event_and_deserialize_as_types() {
    let validator = common::validator();
    for path in fixtures("seeds") {
        let report = check(&path);
        let Some(normalized) = report.normalized_bytes() else {
            continue;
        };
        let again = validator.validate(&normalized);
        assert!(
            again.valid,
            "{path}: normalized payload invalid: {:?}",
            again.errors
        );
        assert!(again.warnings.is_empty(), "{path}: {:?}", again.warnings);
        assert_eq!(again.event_name, report.event_name, "{path}");
        assert_eq!(
            again.source_event_name, report.event_name,
            "{path}: not canonical"
        );
        if report.delivery == Some(Delivery::Event) {
            let event: Event =
                serde_json::from_slice(&normalized).unwrap_or_else(|e| panic!("{path}: {e}"));
            assert_eq!(Some(event.name()), report.event_name, "{path}");
        }
    }
}

#[test]
fn the_account_level_test_delivery_is_recognised_as_a_test() {
    let report = check("tests/fixtures/seeds/account/test-delivery.json");
    assert!(report.valid);
    assert_eq!(report.delivery, Some(Delivery::Test));
    assert_eq!(report.event_name, None);
    // Same keys with other values are not a test delivery.
    let report = check("tests/fixtures/schema/test-delivery-wrong-values.json");
    assert!(!report.valid);
    assert_eq!(report.errors[0].code, "missing_event_name");
}

#[test]
fn every_documented_event_name_is_in_the_catalog_under_its_listing() {
    for (folder, listing) in [
        ("seeds/organization", Listing::Organization),
        ("seeds/account", Listing::Account),
    ] {
        for path in fixtures(folder) {
            let Some(name) = payload(&path)
                .get("event_name")
                .and_then(|n| n.as_str())
                .map(str::to_owned)
            else {
                continue;
            };
            let spec =
                catalog::event(&name).unwrap_or_else(|| panic!("{name} missing from the catalog"));
            assert!(
                spec.listings.contains(&listing),
                "{name} should be listed as {listing:?}"
            );
            assert!(spec.payload_documented(), "{name}");
        }
    }
    let organization = catalog::EVENTS
        .iter()
        .filter(|e| e.listings.contains(&Listing::Organization))
        .count();
    let account = catalog::EVENTS
        .iter()
        .filter(|e| e.listings.contains(&Listing::Account))
        .count();
    assert_eq!(
        organization, 23,
        "seed 001 lists 23 organization-level events"
    );
    assert_eq!(account, 21, "seed 000 lists 21 account-level events");
    for legacy in [
        "BOOK_VERIFIED",
        "DOC_VERIFIED",
        "IMAGE_GROUP_VERIFIED",
        "ANALYTICS_COMPLETED",
        "MIDDESK_VERIFIED",
    ] {
        assert!(
            catalog::event(legacy)
                .unwrap()
                .listings
                .contains(&Listing::Legacy),
            "{legacy}"
        );
    }
    assert!(catalog::email_only_event("SUSPICIOUS_ACTIVITY").is_some());
}
