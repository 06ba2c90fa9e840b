//! Signature verification on arbitrary headers, bodies and clocks: never panics, only the
//! right secret over the exact message verifies, and one flipped byte of the body fails.
#![no_main]

use arbitrary::Arbitrary;
use hmac::{Hmac, Mac};
use hookguard::signature::{DeliveryHeaders, Secrets, Verifier};
use libfuzzer_sys::fuzz_target;
use sha2::Sha256;

#[derive(Debug, Arbitrary)]
struct Input<'a> {
    signature: Option<&'a [u8]>,
    timestamp: Option<&'a [u8]>,
    request_id: Option<&'a [u8]>,
    body: &'a [u8],
    now: i64,
    tolerance: u16,
}

fuzz_target!(|input: Input<'_>| {
    let verifier = Verifier::new(
        Secrets::new(["fuzz-secret-0123456789"]).expect("valid"),
        u64::from(input.tolerance),
    );
    let headers = DeliveryHeaders {
        signature: input.signature,
        timestamp: input.timestamp,
        request_id: input.request_id,
    };
    if let Err(error) = verifier.verify(&headers, input.body, input.now) {
        let text = error.to_string();
        assert!(!text.contains("fuzz-secret"));
    }

    // A delivery signed correctly for this clock verifies; one flipped body byte does not.
    // (Timestamps are at most 18 digits by design; clocks up to the year 2100 are enough.)
    let now = input.now.rem_euclid(4_102_444_800);
    let timestamp = now.to_string();
    let mut mac = Hmac::<Sha256>::new_from_slice(b"fuzz-secret-0123456789").expect("any key");
    mac.update(format!("{timestamp}.req-1.").as_bytes());
    mac.update(input.body);
    let signature = hex::encode(mac.finalize().into_bytes());
    let signed = DeliveryHeaders {
        signature: Some(signature.as_bytes()),
        timestamp: Some(timestamp.as_bytes()),
        request_id: Some(b"req-1"),
    };
    assert!(verifier.verify(&signed, input.body, now).is_ok());
    if let Some((first, rest)) = input.body.split_first() {
        let mut tampered = vec![first ^ 1];
        tampered.extend_from_slice(rest);
        assert!(verifier.verify(&signed, &tampered, now).is_err());
    }
});
