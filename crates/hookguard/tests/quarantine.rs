//! The quarantine through the gate: which refused deliveries are kept (authentic ones refused
//! for their content), under which name (one per request id, whatever the retry), with which
//! bytes (an HTTP capture that reads back), and what the sender is answered.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use hmac::{Hmac, Mac};
use hookguard::gate::quarantine::{self, Kept};
use hookguard::gate::{InProcessMemory, Received};
use hookguard::signature::DeliveryHeaders;
use hookguard::{Admission, Gate, GateConfig, GateError, ProblemShape, Verdict};
use sha2::Sha256;

const SECRET: &str = "whsec_quarantine";
/// The README's drift: a status value the documents do not list.
const DRIFTED: &[u8] = br#"{"event_name": "book.verified", "status": "BOOK_PARTIALLY_VERIFIED", "book_pk": 1, "book_uuid": "8ef7a1e1-fc97-42f9-81ea-ef357b333117"}"#;
const VALID: &[u8] = br#"{"event_name": "book.verified", "status": "BOOK_COMPLETE", "book_pk": 1, "book_uuid": "8ef7a1e1-fc97-42f9-81ea-ef357b333117"}"#;
const NOW: i64 = 1_800_000_000;

fn gate_with(quarantine: &str) -> Gate {
    let config =
        format!(r#"{{"signature": {{"secrets": ["{SECRET}"]}}, "quarantine": {quarantine}}}"#);
    Gate::new(GateConfig::from_json(config.as_bytes()).unwrap()).unwrap()
}

/// The three signature headers of `body` signed at `timestamp` (`secret` lets a forger sign).
fn signed(secret: &str, request_id: &str, body: &[u8], timestamp: i64) -> [(String, String); 3] {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{timestamp}.{request_id}.").as_bytes());
    mac.update(body);
    [
        (
            "Webhook-Signature".to_owned(),
            hex::encode(mac.finalize().into_bytes()),
        ),
        ("Webhook-Timestamp".to_owned(), timestamp.to_string()),
        ("Webhook-Request-Id".to_owned(), request_id.to_owned()),
    ]
}

/// Admits a delivery and asks for its quarantine entry, as a host does.
fn deliver(
    gate: &Gate,
    pairs: &[(String, String)],
    body: &[u8],
) -> (Admission, Option<hookguard::gate::Entry>) {
    let headers = DeliveryHeaders::from_pairs(
        pairs
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_bytes())),
    );
    let mut memory = InProcessMemory::default();
    let Ok(admission) = gate.admit(&headers, body, NOW, &mut memory, None);
    let received = Received {
        headers: &headers,
        content_type: Some(b"application/json; charset=utf-8"),
        body,
    };
    let entry = gate.quarantine_entry(&admission, &received, NOW);
    (admission, entry)
}

#[test]
fn an_authentic_drifted_delivery_is_kept_once_whatever_the_retry() {
    let gate = gate_with("{}");
    let sent = signed(SECRET, "msg_drift", DRIFTED, NOW);
    let (mut admission, entry) = deliver(&gate, &sent, DRIFTED);
    assert_eq!(admission.verdict(), Verdict::Invalid);
    let entry = entry.expect("an authentic delivery refused for its content is kept");
    // A retry, identical or signed again later, names the same entry: it is not kept twice.
    let (_, identical) = deliver(&gate, &signed(SECRET, "msg_drift", DRIFTED, NOW), DRIFTED);
    let (_, re_signed) = deliver(
        &gate,
        &signed(SECRET, "msg_drift", DRIFTED, NOW - 60),
        DRIFTED,
    );
    assert_eq!(identical.unwrap().id, entry.id);
    assert_eq!(re_signed.unwrap().id, entry.id);
    let (_, other) = deliver(&gate, &signed(SECRET, "msg_other", DRIFTED, NOW), DRIFTED);
    assert_ne!(other.unwrap().id, entry.id);

    // The entry reads back: the body exact, the headers to verify it again, the facts.
    let bytes = entry.bytes(DRIFTED);
    assert_eq!(bytes.len() as u64, entry.len());
    let kept = Kept::read(&bytes).unwrap();
    assert_eq!(kept.body, DRIFTED);
    assert_eq!(
        kept.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    assert_eq!(kept.header("webhook-request-id"), Some("msg_drift"));
    assert_eq!(
        kept.header("webhook-timestamp"),
        Some(NOW.to_string().as_str())
    );
    assert_eq!(kept.header("webhook-signature"), Some(sent[0].1.as_str()));
    assert_eq!(kept.first_seen(), Some(NOW));
    assert_eq!(kept.event_name(), Some("book.verified"));
    assert_eq!(kept.finding_codes(), vec!["schema_violation".to_owned()]);
    assert_eq!(
        kept.header("x-hookguard-findings"),
        Some(r#"[{"code":"schema_violation","instanceLocation":"/status"}]"#)
    );
    // No value of the payload is in the head.
    assert!(!entry.head.contains("BOOK_PARTIALLY_VERIFIED"));
    let replay = kept.replay_headers();
    assert!(replay.contains(&("x-hookguard-replay", "quarantine")));
    assert!(replay.contains(&("webhook-request-id", "msg_drift")));

    // The answer stays the refusal, naming the entry.
    let before = admission.answer().reply(&ProblemShape::default());
    gate.quarantined(&mut admission, &entry.id);
    let after = admission.answer().reply(&ProblemShape::default());
    assert_eq!(admission.verdict(), Verdict::Invalid);
    assert_eq!(after.status, 400);
    assert_eq!(after.body, before.body);
    assert_eq!(
        after.headers.last(),
        Some(&("x-hookguard-quarantine", entry.id.clone()))
    );
    assert_eq!(admission.quarantine_entry(), Some(entry.id.as_str()));
}

#[test]
fn forged_valid_oversized_or_unwanted_deliveries_are_never_kept() {
    let gate = gate_with("{}");
    let forged = deliver(
        &gate,
        &signed("whsec_forger", "msg_forged", DRIFTED, NOW),
        DRIFTED,
    );
    assert_eq!(forged.0.verdict(), Verdict::SignatureInvalid);
    assert!(forged.1.is_none());
    let stale = deliver(
        &gate,
        &signed(SECRET, "msg_stale", DRIFTED, NOW - 3600),
        DRIFTED,
    );
    assert!(
        stale.1.is_none(),
        "a signature out of its window is not authentic now"
    );
    let valid = deliver(&gate, &signed(SECRET, "msg_valid", VALID, NOW), VALID);
    assert_eq!(valid.0.verdict(), Verdict::Valid);
    assert!(valid.1.is_none());
    // Signatures optional, none sent: not kept without the opt-in.
    let optional = Gate::new(
        GateConfig::from_json(
            format!(r#"{{"signature": {{"secrets": ["{SECRET}"], "required": false}}, "quarantine": {{}}}}"#).as_bytes(),
        )
        .unwrap(),
    )
    .unwrap();
    let unsigned = deliver(&optional, &[], DRIFTED);
    assert_eq!(unsigned.0.verdict(), Verdict::Invalid);
    assert!(unsigned.1.is_none());
    // Too large for the quarantine's bytes on its own: not kept (and still refused).
    let small = gate_with(r#"{"max_bytes": 64}"#);
    let (admission, entry) = deliver(&small, &signed(SECRET, "msg_big", DRIFTED, NOW), DRIFTED);
    assert_eq!(admission.verdict(), Verdict::Invalid);
    assert!(entry.is_none());
    // Refused for its size before validation: never kept.
    let limited = Gate::new(
        GateConfig::from_json(
            format!(r#"{{"max_bytes": 16, "signature": {{"secrets": ["{SECRET}"]}}, "quarantine": {{}}}}"#).as_bytes(),
        )
        .unwrap(),
    )
    .unwrap();
    let (admission, entry) = deliver(&limited, &signed(SECRET, "msg_huge", DRIFTED, NOW), DRIFTED);
    assert_eq!(admission.verdict(), Verdict::TooLarge);
    assert!(entry.is_none());
}

#[test]
fn unsigned_routes_keep_only_with_the_opt_in() {
    let refused = GateConfig::from_json(br#"{"quarantine": {"directory": "/tmp/q"}}"#).unwrap();
    let error = Gate::new(refused).unwrap_err();
    assert!(matches!(error, GateError::Quarantine { .. }));
    assert!(error.to_string().contains("unsigned: true"), "{error}");
    let opted = Gate::new(GateConfig::from_json(br#"{"quarantine": {"unsigned": true}}"#).unwrap())
        .unwrap();
    let (admission, entry) = deliver(&opted, &[], DRIFTED);
    assert_eq!(admission.verdict(), Verdict::Invalid);
    let entry = entry.expect("kept with the opt-in");
    // Without a request id the body names the entry.
    assert_eq!(entry.id, quarantine::entry_id(None, DRIFTED));
    let kept_bytes = entry.bytes(DRIFTED);
    let kept = Kept::read(&kept_bytes).unwrap();
    assert_eq!(kept.header("webhook-request-id"), None);
}

#[test]
fn bad_quarantine_settings_are_refused_at_configuration() {
    for bad in [
        r#"{"max_entries": 0}"#,
        r#"{"keep_seconds": 0}"#,
        r#"{"max_bytes": 0}"#,
    ] {
        let config = GateConfig::from_json(
            format!(r#"{{"signature": {{"secrets": ["{SECRET}"]}}, "quarantine": {bad}}}"#)
                .as_bytes(),
        )
        .unwrap();
        assert!(
            matches!(Gate::new(config), Err(GateError::Quarantine { .. })),
            "{bad}"
        );
    }
    for bad in [
        r#"{"kept_seconds": 5}"#,
        r#"{"answer": "maybe"}"#,
        r#"{"store_down": 1}"#,
    ] {
        let config =
            format!(r#"{{"signature": {{"secrets": ["{SECRET}"]}}, "quarantine": {bad}}}"#);
        assert!(GateConfig::from_json(config.as_bytes()).is_err(), "{bad}");
    }
}

#[test]
fn accept_answers_202_and_an_unreachable_store_follows_store_down() {
    let accepting = gate_with(r#"{"answer": "accept"}"#);
    let (mut admission, entry) =
        deliver(&accepting, &signed(SECRET, "msg_a", DRIFTED, NOW), DRIFTED);
    let entry = entry.unwrap();
    accepting.quarantined(&mut admission, &entry.id);
    assert_eq!(admission.verdict(), Verdict::Quarantined);
    assert!(
        !admission.verdict().passes(),
        "a kept delivery is not handed to the service"
    );
    let reply = admission.answer().reply(&ProblemShape::default());
    assert_eq!(reply.status, 202);
    assert_eq!(
        reply.headers[0],
        ("content-type", "application/json".to_owned())
    );
    assert!(
        reply
            .headers
            .contains(&("x-hookguard-quarantine", entry.id.clone()))
    );
    let document: serde_json::Value = serde_json::from_slice(&reply.body).unwrap();
    assert_eq!(document["status"], 202);
    assert_eq!(document["errors"][0]["instanceLocation"], "/status");

    let refusing = gate_with("{}");
    let (mut admission, _) = deliver(&refusing, &signed(SECRET, "msg_b", DRIFTED, NOW), DRIFTED);
    refusing.quarantine_unreachable(&mut admission);
    assert_eq!(admission.verdict(), Verdict::StoreUnavailable);
    let reply = admission.answer().reply(&ProblemShape::default());
    assert_eq!(reply.status, 503);
    assert!(reply.headers.contains(&("retry-after", "10".to_owned())));
    assert!(
        String::from_utf8(reply.body)
            .unwrap()
            .contains("quarantine")
    );

    // The answers a host is handed up front are the ones the admission would give.
    for config in [
        "{}",
        r#"{"answer": "accept"}"#,
        r#"{"store_down": "process"}"#,
    ] {
        let gate = gate_with(config);
        let (admission, entry) = deliver(&gate, &signed(SECRET, "msg_d", DRIFTED, NOW), DRIFTED);
        let entry = entry.unwrap();
        let shape = ProblemShape::default();
        let (kept, unreachable) = gate.quarantine_answers(&admission, &entry.id);
        let (kept, unreachable) = (kept.reply(&shape), unreachable.reply(&shape));
        let mut after = admission.clone();
        gate.quarantined(&mut after, &entry.id);
        assert_eq!(kept, after.answer().reply(&shape), "{config}");
        let mut after = admission.clone();
        gate.quarantine_unreachable(&mut after);
        assert_eq!(unreachable, after.answer().reply(&shape), "{config}");
    }

    let processing = gate_with(r#"{"store_down": "process"}"#);
    let (mut admission, _) = deliver(&processing, &signed(SECRET, "msg_c", DRIFTED, NOW), DRIFTED);
    let before = admission.answer().reply(&ProblemShape::default());
    processing.quarantine_unreachable(&mut admission);
    assert_eq!(admission.answer().reply(&ProblemShape::default()), before);
}
