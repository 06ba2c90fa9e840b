//! The compiled catalog against the general engine (jsonschema-rs over the published schemas):
//! for the fuzzer's bytes read as a body, and for a delivery generated from them (a seed and an
//! event), both give the same verdict and the same findings (code, instance location, keyword
//! location, message), in lenient and strict mode.
#![no_main]

#[path = "../../../crates/hookguard/tests/common/oracle.rs"]
mod oracle;

use libfuzzer_sys::fuzz_target;
use oracle::{ORACLE, Rng, assert_agreement};

fuzz_target!(|data: &[u8]| {
    // Large inputs can hold more findings than a report lists: compared by verdict then.
    assert_agreement(data, false);
    if let Some((head, _)) = data.split_first_chunk::<9>() {
        let (seed, which) = head.split_at(8);
        let seed = u64::from_le_bytes(seed.try_into().unwrap_or_default());
        let events = hookguard::catalog::EVENTS;
        let name = events[usize::from(which[0]) % events.len()].name;
        assert_agreement(&oracle::delivery(ORACLE.schema(name), &mut Rng::new(seed)), false);
    }
});
