//! Strict intake on arbitrary bytes: never panics, and whatever it accepts is a JSON object
//! that serde_json reads back to the same value (intake is stricter than serde_json, never
//! looser).
#![no_main]

use hookguard::intake::{IntakeLimits, parse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    let limits = IntakeLimits {
        max_bytes: 1 << 20,
        max_depth: 32,
    };
    if let Ok(object) = parse(body, limits) {
        let reparsed: serde_json::Value =
            serde_json::from_slice(body).expect("intake accepted what serde_json refuses");
        assert_eq!(reparsed, serde_json::Value::Object(object));
    }
});
