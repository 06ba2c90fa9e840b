//! The delivery contract through the gate, as a sender delivers: a delivery whose service
//! fails is retried and goes through (identical or re-signed), a copy of a delivered one is
//! acknowledged (or refused, or passed, as configured), a copy in flight is told to come back,
//! and a delivery refused for its content is never remembered.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use hmac::{Hmac, Mac};
use hookguard::gate::{InProcessMemory, Outcome};
use hookguard::signature::DeliveryHeaders;
use hookguard::{Admission, Gate, GateConfig, Verdict};
use sha2::Sha256;

const SECRET: &str = "whsec_contract";
const BODY: &[u8] = br#"{"event_name": "book.verified", "status": "BOOK_COMPLETE", "book_pk": 1, "book_uuid": "8ef7a1e1-fc97-42f9-81ea-ef357b333117"}"#;
const INVALID: &[u8] = br#"{"event_name": "book.verified", "status": "BOOK_COMPLETE", "book_pk": "one", "book_uuid": "8ef7a1e1-fc97-42f9-81ea-ef357b333117"}"#;

fn gate(on_replay: &str) -> Gate {
    let config = format!(
        r#"{{"signature": {{"secrets": ["{SECRET}"], "on_replay": "{on_replay}", "in_flight_seconds": 30}}}}"#
    );
    Gate::new(GateConfig::from_json(config.as_bytes()).unwrap()).unwrap()
}

/// A delivery as a sender signs it at `timestamp`.
fn send(
    gate: &Gate,
    memory: &mut InProcessMemory,
    request_id: &str,
    body: &[u8],
    timestamp: i64,
    now: i64,
) -> Admission {
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(format!("{timestamp}.{request_id}.").as_bytes());
    mac.update(body);
    let signature = hex::encode(mac.finalize().into_bytes());
    let timestamp = timestamp.to_string();
    let headers = DeliveryHeaders::from_pairs([
        ("Webhook-Signature", signature.as_bytes()),
        ("Webhook-Timestamp", timestamp.as_bytes()),
        ("Webhook-Request-Id", request_id.as_bytes()),
    ]);
    let Ok(admission) = gate.admit(&headers, body, now, memory, None);
    admission
}

/// The service's answer to a forwarded delivery, `now`.
fn settle(
    gate: &Gate,
    memory: &mut InProcessMemory,
    admission: &Admission,
    outcome: Outcome,
    now: i64,
) {
    let ticket = admission
        .ticket()
        .expect("a forwarded delivery holds a ticket");
    let Ok(()) = gate.settle(ticket, outcome, now, memory);
}

#[test]
fn a_retry_of_a_failed_delivery_goes_through_identical_or_re_signed() {
    let gate = gate("acknowledge");
    let mut memory = InProcessMemory::default();
    let first = send(&gate, &mut memory, "req-1", BODY, 1000, 1000);
    assert_eq!(first.verdict(), Verdict::Valid);
    settle(&gate, &mut memory, &first, Outcome::Failed, 1001);
    // The identical request...
    let identical = send(&gate, &mut memory, "req-1", BODY, 1000, 1010);
    assert_eq!(identical.verdict(), Verdict::Valid);
    assert!(identical.ticket().is_some());
    settle(&gate, &mut memory, &identical, Outcome::Failed, 1011);
    // ...and one signed again with a fresh timestamp.
    let re_signed = send(&gate, &mut memory, "req-1", BODY, 1060, 1060);
    assert_eq!(re_signed.verdict(), Verdict::Valid);
    settle(&gate, &mut memory, &re_signed, Outcome::Delivered, 1061);
    // Delivered now: both kinds of copy are acknowledged, not forwarded.
    for (timestamp, now) in [(1000, 1100), (1200, 1200)] {
        let copy = send(&gate, &mut memory, "req-1", BODY, timestamp, now);
        assert_eq!(copy.verdict(), Verdict::Duplicate);
        assert!(copy.ticket().is_none());
        let answer = copy.answer();
        assert_eq!(answer.status(), 200);
        assert_eq!(answer.content_type(), "application/json");
        assert!(
            answer
                .headers()
                .contains(&("x-hookguard-duplicate", "delivered".to_owned()))
        );
        assert_eq!(copy.authenticity.label(), Some("replayed"));
    }
}

#[test]
fn a_copy_in_flight_is_told_to_come_back_and_a_lapsed_claim_frees_the_id() {
    let gate = gate("acknowledge");
    let mut memory = InProcessMemory::default();
    let first = send(&gate, &mut memory, "req-2", BODY, 1000, 1000);
    assert_eq!(first.verdict(), Verdict::Valid);
    let copy = send(&gate, &mut memory, "req-2", BODY, 1000, 1002);
    assert_eq!(copy.verdict(), Verdict::InFlight);
    let answer = copy.answer();
    assert_eq!(answer.status(), 503);
    assert_eq!(answer.content_type(), "application/problem+json");
    // 28 s of the 30 s claim are left; a sender is told to come back within 10.
    assert!(answer.headers().contains(&("retry-after", "10".to_owned())));
    let problem: serde_json::Value =
        serde_json::from_slice(&answer.problem_json(gate.problem_shape())).unwrap();
    assert_eq!(problem["type"], "urn:hookguard:problem:delivery-in-flight");
    assert_eq!(problem["eventName"], "book.verified");
    let near_lapse = send(&gate, &mut memory, "req-2", BODY, 1000, 1028);
    assert!(
        near_lapse
            .answer()
            .headers()
            .contains(&("retry-after", "2".to_owned()))
    );
    // The first attempt's host died: the claim lapses and the next copy is taken.
    let after = send(&gate, &mut memory, "req-2", BODY, 1000, 1031);
    assert_eq!(after.verdict(), Verdict::Valid);
    assert!(after.ticket().is_some());
}

#[test]
fn the_duplicate_policies_answer_as_configured() {
    for (policy, verdict, status) in [
        ("acknowledge", Verdict::Duplicate, 200),
        ("reject", Verdict::Replayed, 409),
        ("pass", Verdict::Valid, 200),
    ] {
        let gate = gate(policy);
        let mut memory = InProcessMemory::default();
        let first = send(&gate, &mut memory, "req-3", BODY, 1000, 1000);
        settle(&gate, &mut memory, &first, Outcome::Delivered, 1000);
        let copy = send(&gate, &mut memory, "req-3", BODY, 1000, 1001);
        assert_eq!(copy.verdict(), verdict, "{policy}");
        assert_eq!(copy.answer().status(), status, "{policy}");
        assert_eq!(copy.authenticity.label(), Some("replayed"), "{policy}");
        assert!(copy.ticket().is_none(), "{policy}");
    }
}

#[test]
fn a_delivery_refused_for_its_content_is_never_remembered() {
    let gate = gate("reject");
    let mut memory = InProcessMemory::default();
    let invalid = send(&gate, &mut memory, "req-4", INVALID, 1000, 1000);
    assert_eq!(invalid.verdict(), Verdict::Invalid);
    assert!(invalid.ticket().is_none());
    assert!(memory.is_empty());
    // The sender fixes nothing and retries: the same answer, never a replay refusal.
    let again = send(&gate, &mut memory, "req-4", INVALID, 1000, 1001);
    assert_eq!(again.verdict(), Verdict::Invalid);
    // A valid delivery under the same id is then taken.
    assert_eq!(
        send(&gate, &mut memory, "req-4", BODY, 1000, 1002).verdict(),
        Verdict::Valid
    );
}

#[test]
fn examine_then_conclude_is_admit_for_a_memory_that_answers_later() {
    let gate = gate("acknowledge");
    let mut memory = InProcessMemory::default();
    let first = send(&gate, &mut memory, "req-5", BODY, 1000, 1000);
    let mut signature_headers = Vec::new();
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(b"1000.req-5.");
    mac.update(BODY);
    signature_headers.push(hex::encode(mac.finalize().into_bytes()));
    let headers = DeliveryHeaders::from_pairs([
        ("Webhook-Signature", signature_headers[0].as_bytes()),
        ("Webhook-Timestamp", b"1000".as_slice()),
        ("Webhook-Request-Id", b"req-5".as_slice()),
    ]);
    let mut examined = gate.examine(&headers, BODY, 1001, None);
    assert_eq!(examined.pending_claim(), Some("req-5"));
    assert_eq!(examined.verdict(), Verdict::Valid);
    let Ok(claim) = hookguard::gate::DeliveryMemory::claim(
        &mut memory,
        "req-5",
        1001,
        gate.lifetimes().unwrap(),
    );
    examined.conclude(claim);
    assert_eq!(examined.verdict(), Verdict::InFlight);
    assert_eq!(examined.pending_claim(), None);
    settle(&gate, &mut memory, &first, Outcome::Delivered, 1002);
    let mut examined = gate.examine(&headers, BODY, 1003, None);
    let Ok(claim) = hookguard::gate::DeliveryMemory::claim(
        &mut memory,
        "req-5",
        1003,
        gate.lifetimes().unwrap(),
    );
    examined.conclude(claim);
    assert_eq!(examined.verdict(), Verdict::Duplicate);
}
