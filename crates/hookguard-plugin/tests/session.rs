//! The ABI logic, natively: buffers are honoured only inside live allocations, and results
//! are the core's reports.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use hookguard_plugin::{MAX_ALLOCATION, Session, status};

fn write(session: &mut Session, bytes: &[u8]) -> usize {
    let address = session.alloc(bytes.len()).unwrap();
    session.buffer_mut(address).unwrap()[..bytes.len()].copy_from_slice(bytes);
    address
}

#[test]
fn a_body_in_a_live_allocation_is_validated_like_the_core_does() {
    let mut session = Session::new();
    let body = br#"{"status":"VERIFICATION_COMPLETE","uploaded_doc_pk":0,"book_pk":0}"#;
    let address = write(&mut session, body);
    assert_eq!(session.validate(address, body.len(), true), status::OK);
    let report: serde_json::Value = serde_json::from_slice(session.result()).unwrap();
    assert_eq!(report["delivery"], "test");
    let expected = hookguard::Validator::new(hookguard::Options::default())
        .unwrap()
        .normalize(body)
        .to_json();
    assert_eq!(session.result(), expected.as_bytes());
}

#[test]
fn ranges_outside_live_allocations_are_refused() {
    let mut session = Session::new();
    let address = write(&mut session, b"{}");
    for (start, len) in [
        (0, 1),
        (address, 3),
        (address + 1, 2),
        (address - 1, 1),
        (usize::MAX, 2),
        (address, usize::MAX),
    ] {
        assert_eq!(
            session.validate(start, len, false),
            status::BAD_BUFFER,
            "{start}+{len}"
        );
    }
    // A sub-range of a live allocation is fine (here: the empty body `{` alone is invalid JSON).
    assert_eq!(session.validate(address, 1, false), status::INVALID);
    assert_eq!(
        session.free(address, 1),
        status::UNKNOWN_ALLOCATION,
        "wrong length"
    );
    assert_eq!(session.free(address, 2), status::OK);
    assert_eq!(
        session.free(address, 2),
        status::UNKNOWN_ALLOCATION,
        "double free"
    );
    assert_eq!(
        session.validate(address, 2, false),
        status::BAD_BUFFER,
        "use after free"
    );
    assert_eq!(session.alloc(MAX_ALLOCATION + 1), None);
}

#[test]
fn options_are_refused_whole_and_keep_the_previous_ones() {
    let mut session = Session::new();
    let body = br#"{"event_name":"BOOK_VERIFIED","status":"BOOK_COMPLETE","book_pk":1,"book_uuid":"35ef4501-b93d-4ce2-b766-b670a057c0fb","extra":1}"#;
    let body_at = write(&mut session, body);
    assert_eq!(session.validate(body_at, body.len(), false), status::OK);
    let strict = write(&mut session, br#"{"strict": true}"#);
    assert_eq!(session.configure(strict, 16), status::OK);
    assert_eq!(
        session.validate(body_at, body.len(), false),
        status::INVALID
    );
    let typo = write(&mut session, br#"{"strikt": false}"#);
    assert_eq!(session.configure(typo, 17), status::BAD_OPTIONS);
    assert!(String::from_utf8_lossy(session.result()).contains("strikt"));
    assert_eq!(
        session.validate(body_at, body.len(), false),
        status::INVALID,
        "still strict"
    );
}

#[test]
fn signatures_are_verified_like_the_core_does_and_secrets_never_come_back() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/signatures/vectors.json"
    );
    let vectors: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut session = Session::new();
    for case in vectors["cases"].as_array().unwrap() {
        let secrets: Vec<&serde_json::Value> = case["secrets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|name| &vectors["secrets"][name.as_str().unwrap()])
            .collect();
        // Every header field as sent, repeats included.
        let mut fields: Vec<serde_json::Value> = case["headers"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(name, value)| serde_json::json!([name, value]))
            .collect();
        fields.extend(
            case["extra_headers"]
                .as_array()
                .cloned()
                .unwrap_or_default(),
        );
        let request = serde_json::json!({
            "secrets": secrets,
            "tolerance_s": vectors["tolerance_s"],
            "now": vectors["now"],
            "headers": fields,
        })
        .to_string();
        // Request and body in one allocation, as the command line passes them.
        let mut both = request.clone().into_bytes();
        both.extend_from_slice(case["body"].as_str().unwrap().as_bytes());
        let address = write(&mut session, &both);
        let code = session.verify(
            (address, request.len()),
            (address + request.len(), both.len() - request.len()),
        );
        let verdict: serde_json::Value = serde_json::from_slice(session.result()).unwrap();
        let expected = &case["expected"]["code"];
        assert_eq!(&verdict["code"], expected, "{}", case["name"]);
        assert_eq!(
            code,
            if expected.is_null() {
                status::OK
            } else {
                status::INVALID
            }
        );
        for secret in &secrets {
            let secret = secret.as_str().unwrap();
            assert!(!String::from_utf8_lossy(session.result()).contains(secret));
        }
    }
    let bad = write(&mut session, br#"{"secrets": "oops-a-secret", "now": 0}"#);
    assert_eq!(session.verify((bad, 38), (bad, 0)), status::BAD_OPTIONS);
    assert!(!String::from_utf8_lossy(session.result()).contains("oops"));
}
