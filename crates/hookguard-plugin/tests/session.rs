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
