//! Signature verification on arbitrary header fields (repeats and other spellings included),
//! bodies and clocks: never panics, a repeated signature header is always refused as
//! ambiguous, only the right secret over the exact message verifies, and one flipped byte of
//! the body fails.
#![no_main]

use arbitrary::Arbitrary;
use hmac::{Hmac, Mac};
use hookguard::signature::{DeliveryHeaders, Secrets, Verifier};
use libfuzzer_sys::fuzz_target;
use sha2::Sha256;

#[derive(Debug, Arbitrary)]
struct Input<'a> {
    /// Header fields as `(name pick, value)`, in the order they arrive.
    fields: Vec<(u8, &'a [u8])>,
    body: &'a [u8],
    now: i64,
    tolerance: u16,
    /// Which header a signed delivery repeats (0-2), or none.
    repeat: u8,
}

/// Names a field may have: the three signature headers in several spellings, and another.
const NAMES: [&str; 7] = [
    "Webhook-Signature",
    "Webhook-Timestamp",
    "Webhook-Request-Id",
    "webhook-signature",
    "WEBHOOK-TIMESTAMP",
    "webhook-request-id",
    "x-other",
];

fuzz_target!(|input: Input<'_>| {
    let verifier = Verifier::new(
        Secrets::new(["fuzz-secret-0123456789"]).expect("valid"),
        u64::from(input.tolerance),
    );
    let fields: Vec<(&str, &[u8])> = input
        .fields
        .iter()
        .map(|&(pick, value)| (NAMES[usize::from(pick) % NAMES.len()], value))
        .collect();
    let repeated = ["webhook-signature", "webhook-timestamp", "webhook-request-id"]
        .iter()
        .any(|header| {
            fields
                .iter()
                .filter(|(name, _)| name.eq_ignore_ascii_case(header))
                .count()
                > 1
        });
    let headers = DeliveryHeaders::from_pairs(fields.iter().copied());
    match verifier.verify(&headers, input.body, input.now) {
        Err(error) => {
            assert!(!error.to_string().contains("fuzz-secret"));
            if repeated {
                assert_eq!(error.kind.code(), "signature_duplicate_header");
            }
        }
        Ok(_) => assert!(!repeated, "a repeated signature header verified"),
    }

    // A delivery signed correctly for this clock verifies; one flipped body byte does not.
    // (Timestamps are at most 18 digits by design; clocks up to the year 2100 are enough.)
    let now = input.now.rem_euclid(4_102_444_800);
    let timestamp = now.to_string();
    let mut mac = Hmac::<Sha256>::new_from_slice(b"fuzz-secret-0123456789").expect("any key");
    mac.update(format!("{timestamp}.req-1.").as_bytes());
    mac.update(input.body);
    let signature = hex::encode(mac.finalize().into_bytes());
    let signed_fields = [
        ("Webhook-Signature", signature.as_bytes()),
        ("Webhook-Timestamp", timestamp.as_bytes()),
        ("Webhook-Request-Id", b"req-1".as_slice()),
    ];
    let signed = DeliveryHeaders::from_pairs(signed_fields);
    assert!(verifier.verify(&signed, input.body, now).is_ok());
    // The same delivery with one header sent twice (even with the same value) is refused.
    if let Some(&(name, value)) = signed_fields.get(usize::from(input.repeat)) {
        let twice = DeliveryHeaders::from_pairs(signed_fields.into_iter().chain([(name, value)]));
        let refused = verifier.verify(&twice, input.body, now).map(|_| ()).unwrap_err();
        assert_eq!(refused.kind.code(), "signature_duplicate_header");
    }
    if let Some((first, rest)) = input.body.split_first() {
        let mut tampered = vec![first ^ 1];
        tampered.extend_from_slice(rest);
        assert!(verifier.verify(&signed, &tampered, now).is_err());
    }
});
