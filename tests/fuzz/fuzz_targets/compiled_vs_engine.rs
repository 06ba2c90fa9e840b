//! The compiled catalog against the general engine (jsonschema-rs over the published schemas):
//! for the fuzzer's bytes read as a body, and for a delivery generated from them (a seed and an
//! event), both give the same verdict and the same findings (code, instance location, keyword
//! location, message), in lenient and strict mode.
#![no_main]

#[path = "../../../crates/hookguard/tests/common/oracle.rs"]
mod oracle;

use std::sync::LazyLock;

use hookguard::{MAX_FINDINGS_CEILING, Options, Validator};
use libfuzzer_sys::fuzz_target;
use oracle::{Oracle, Rng};

static ORACLE: LazyLock<Oracle> = LazyLock::new(Oracle::new);
static VALIDATORS: LazyLock<[(bool, Validator); 2]> = LazyLock::new(|| {
    [false, true].map(|strict| {
        let options = Options {
            strict,
            max_findings: MAX_FINDINGS_CEILING,
            ..Options::default()
        };
        (strict, Validator::new(options).expect("options are valid"))
    })
});

fn agree(body: &[u8]) {
    for (strict, validator) in VALIDATORS.iter() {
        let Some(expected) = ORACLE.verdict(body, *strict) else {
            continue;
        };
        let report = validator.validate(body);
        if expected.delivery == hookguard::schema::TEST_DELIVERY {
            assert_eq!(report.valid, expected.valid, "test delivery, strict={strict}");
            continue;
        }
        if !report.omitted.is_none() {
            // Beyond the ceiling of listed findings the sets cannot be compared.
            continue;
        }
        assert_eq!(report.valid, expected.valid, "strict={strict}");
        assert_eq!(oracle::schema_findings(&report), expected.findings, "strict={strict}");
    }
}

fuzz_target!(|data: &[u8]| {
    agree(data);
    if let Some((head, _)) = data.split_first_chunk::<9>() {
        let (seed, which) = head.split_at(8);
        let seed = u64::from_le_bytes(seed.try_into().unwrap_or_default());
        let events = hookguard::catalog::EVENTS;
        let name = events[usize::from(which[0]) % events.len()].name;
        agree(&oracle::delivery(ORACLE.schema(name), &mut Rng::new(seed)));
    }
});
