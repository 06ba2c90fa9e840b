//! The shared signature vectors (tests/fixtures/signatures/vectors.json, HMACs computed by
//! Python's hmac module) give the recorded verdict through the core's verifier.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use hookguard::signature::{DeliveryHeaders, Secrets, SignatureErrorKind, Verifier};
use serde_json::Value;

fn vectors() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/signatures/vectors.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn verifier(vectors: &Value, case: &Value) -> Verifier {
    let secrets: Vec<&str> = case["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|name| vectors["secrets"][name.as_str().unwrap()].as_str().unwrap())
        .collect();
    Verifier::new(
        Secrets::new(secrets).unwrap(),
        vectors["tolerance_seconds"].as_u64().unwrap(),
    )
}

/// A vector's header fields as they are sent: `headers`, then `extra_headers` (which repeat
/// names).
fn case_headers(case: &Value) -> DeliveryHeaders<'_> {
    let extra = case["extra_headers"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    DeliveryHeaders::from_pairs(
        case["headers"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(name, value)| (name.as_str(), value))
            .chain(
                extra
                    .iter()
                    .map(|field| (field[0].as_str().unwrap(), &field[1])),
            )
            .map(|(name, value)| (name, value.as_str().unwrap().as_bytes())),
    )
}

#[test]
fn every_vector_gets_its_recorded_verdict() {
    let vectors = vectors();
    let now = vectors["now"].as_i64().unwrap();
    let cases = vectors["cases"].as_array().unwrap();
    assert!(cases.len() >= 20);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let headers = case_headers(case);
        let body = case["body"].as_str().unwrap().as_bytes();
        let verdict = verifier(&vectors, case).verify(&headers, body, now);
        let code = verdict.as_ref().err().map(|error| error.kind.code());
        assert_eq!(code, case["expected"]["code"].as_str(), "{name}");
        if let Ok(verified) = verdict {
            assert_eq!(
                verified.request_id, case["headers"]["Webhook-Request-Id"],
                "{name}"
            );
        }
    }
}

#[test]
fn the_matching_secret_is_reported_for_rotations() {
    let vectors = vectors();
    let case = vectors["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|case| case["name"] == "rotated-previous-secret")
        .unwrap();
    let verified = verifier(&vectors, case)
        .verify(
            &case_headers(case),
            case["body"].as_str().unwrap().as_bytes(),
            vectors["now"].as_i64().unwrap(),
        )
        .unwrap();
    assert_eq!(verified.secret_index, 1);
}

#[test]
fn header_names_are_case_insensitive_and_secrets_never_show() {
    let headers = DeliveryHeaders::from_pairs([
        ("webhook-signature", b"ab".as_slice()),
        ("WEBHOOK-TIMESTAMP", b"1"),
        ("Webhook-Request-Id", b"r"),
    ]);
    assert_eq!(headers.signature, Some(b"ab".as_slice()));
    assert_eq!(headers.timestamp, Some(b"1".as_slice()));
    let secrets = Secrets::new(["top-secret-value-1234"]).unwrap();
    assert_eq!(format!("{secrets:?}"), "Secrets(1 configured)");
    let verifier = Verifier::new(secrets, 300);
    assert!(!format!("{verifier:?}").contains("top-secret"));
    let error = verifier.verify(&headers, b"{}", 1).unwrap_err();
    assert_eq!(
        error.kind,
        SignatureErrorKind::MalformedHeader {
            header: "Webhook-Signature"
        }
    );
    assert!(!error.to_string().contains("top-secret"));
}

#[test]
fn secrets_are_checked() {
    assert!(Secrets::new(Vec::<&str>::new()).is_err());
    assert!(Secrets::new(["ok-secret", ""]).is_err());
    assert!(Secrets::new([vec![b'x'; 2000]]).is_err());
}

#[test]
fn extreme_clocks_do_not_overflow() {
    let verifier = Verifier::new(Secrets::new(["s"]).unwrap(), 300);
    let signature = [b'0'; 64];
    let headers = DeliveryHeaders {
        signature: Some(&signature),
        timestamp: Some(b"999999999999999999"),
        request_id: Some(b"r"),
        repeated: None,
    };
    for now in [i64::MIN, 0, i64::MAX] {
        assert!(verifier.verify(&headers, b"", now).is_err());
    }
}
