//! Strict intake on arbitrary bytes: never panics, and whatever it accepts is a JSON object
//! that serde_json also reads, to the same value (intake is stricter than serde_json, never
//! looser). Numbers are the one difference by design: intake reads them from their literal, so
//! an integral value is an integer however it is spelled (`5.985e3` is 5985, which serde_json
//! reads as the float 5985.0), and a fraction that a double rounds to an integer is moved one
//! unit in the last place back towards its true value (`1e-400` is the smallest double, not 0).
//! And `check`, the same rules without a tree, gives exactly `parse`'s verdict and error; and
//! both are the oracle's (intake over serde_json, as it was before hookguard had its own
//! reader): the same tree, or the same refusal at the same position and pointer.
#![no_main]

use hookguard::intake::{IntakeLimits, check, parse};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|body: &[u8]| {
    let limits = IntakeLimits {
        max_bytes: 1 << 20,
        max_depth: 32,
    };
    let parsed = parse(body, limits);
    assert_eq!(
        parsed,
        hookguard::oracle::intake::parse(body, limits),
        "the reader and its oracle disagree"
    );
    assert_eq!(
        check(body, limits),
        parsed.as_ref().map(|_| ()).map_err(Clone::clone)
    );
    if let Ok(object) = parsed {
        let reparsed: Value =
            serde_json::from_slice(body).expect("intake accepted what serde_json refuses");
        let intake = Value::Object(object);
        assert!(same(&reparsed, &intake), "{reparsed} != {intake}");
    }
});

/// Equal values, numbers compared as described above.
fn same(serde: &Value, intake: &Value) -> bool {
    match (serde, intake) {
        (Value::Number(serde), Value::Number(intake)) => {
            let (Some(expected), Some(exact)) = (serde.as_f64(), intake.as_f64()) else {
                return false;
            };
            if intake.is_i64() || intake.is_u64() {
                // An integer: serde_json's double is that integer (both within 2^53).
                expected == exact
            } else {
                // A fraction: the same double, or one step from it towards the true value,
                // and never integral.
                exact.fract() != 0.0
                    && (exact == expected || exact == expected.next_up() || exact == expected.next_down())
            }
        }
        (Value::Array(serde), Value::Array(intake)) => {
            serde.len() == intake.len() && serde.iter().zip(intake).all(|(a, b)| same(a, b))
        }
        (Value::Object(serde), Value::Object(intake)) => {
            serde.len() == intake.len()
                && serde
                    .iter()
                    .all(|(key, value)| intake.get(key).is_some_and(|other| same(value, other)))
        }
        _ => serde == intake,
    }
}
