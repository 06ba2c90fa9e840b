//! Normalization properties, over the documented examples and generated variations of them:
//! valid in, valid out; idempotent; deterministic whatever the key order.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{fixtures, is_malformed_seed, payload, validator};
use proptest::prelude::*;
use serde_json::{Map, Value};

/// The valid documented examples, parsed.
fn valid_examples() -> Vec<Map<String, Value>> {
    fixtures("seeds")
        .into_iter()
        .filter(|path| !is_malformed_seed(path))
        .map(|path| payload(&path).as_object().cloned().unwrap())
        .collect()
}

/// Writes an object with its members in the given order (serde_json would sort them).
fn write_in_order(members: &[(String, Value)]) -> Vec<u8> {
    let body: Vec<String> = members
        .iter()
        .map(|(key, value)| format!("{}:{}", Value::from(key.as_str()), value))
        .collect();
    format!("{{{}}}", body.join(",")).into_bytes()
}

/// A documented example, with some members dropped, unknown ones added, and shuffled.
fn variation() -> impl Strategy<Value = Vec<u8>> {
    let examples = valid_examples();
    (
        prop::sample::select(examples),
        prop::collection::vec(any::<bool>(), 20),
        prop::collection::btree_map("x_[a-z]{1,8}", any::<i32>(), 0..3),
    )
        .prop_flat_map(|(example, keep, extra)| {
            let mut members: Vec<(String, Value)> = example
                .into_iter()
                .zip(keep.into_iter().chain(std::iter::repeat(true)))
                .filter(|((key, _), keep)| *keep || key == "event_name")
                .map(|(member, _)| member)
                .collect();
            members.extend(
                extra
                    .into_iter()
                    .map(|(key, value)| (key, Value::from(value))),
            );
            Just(members).prop_shuffle()
        })
        .prop_map(|members| write_in_order(&members))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn valid_in_valid_out_and_idempotent(body in variation()) {
        let validator = validator();
        let report = validator.normalize(&body);
        if report.valid {
            let once = report.normalized_bytes().unwrap();
            let again = validator.normalize(&once);
            prop_assert!(again.valid, "normalized payload invalid: {:?}", again.errors);
            prop_assert_eq!(again.event_name, report.event_name);
            prop_assert_eq!(again.normalized_bytes().unwrap(), once.clone(), "not idempotent");
            // Unknown fields survive normalization, and are still only warnings.
            prop_assert_eq!(again.warnings.len(), report.warnings.len());
        } else {
            prop_assert!(report.normalized.is_none());
            // Dropping members can only break the schema (or, for the test delivery, its
            // recognition); the body itself stays readable.
            let expected = ["schema_violation", "missing_event_name"];
            prop_assert!(report.errors.iter().all(|e| expected.contains(&e.code)), "{:?}", report.errors);
        }
    }

    #[test]
    fn output_is_the_same_whatever_the_key_order(
        example in prop::sample::select(valid_examples()),
        seed in any::<u64>(),
    ) {
        let mut members: Vec<(String, Value)> = example.into_iter().collect();
        let sorted = validator().normalize(&write_in_order(&members));
        // A deterministic shuffle driven by `seed`.
        let len = members.len();
        for i in (1..len).rev() {
            members.swap(i, (seed as usize).wrapping_mul(i + 7) % (i + 1));
        }
        let shuffled = validator().normalize(&write_in_order(&members));
        prop_assert_eq!(sorted.normalized_bytes(), shuffled.normalized_bytes());
        prop_assert_eq!(sorted.to_json(), shuffled.to_json());
    }
}

#[test]
fn normalized_bytes_are_compact_with_sorted_keys() {
    let report = common::check("tests/fixtures/seeds/account/BOOK_VERIFIED.json");
    let bytes = String::from_utf8(report.normalized_bytes().unwrap()).unwrap();
    assert_eq!(
        bytes,
        r#"{"book_pk":11917,"book_uuid":"35ef4501-b93d-4ce2-b766-b670a057c0fb","event_name":"book.verified","status":"BOOK_COMPLETE"}"#
    );
}

#[test]
fn strict_mode_turns_unknown_fields_into_errors() {
    let strict = hookguard::Validator::new(hookguard::Options {
        strict: true,
        ..Default::default()
    })
    .unwrap();
    let body = common::read("tests/fixtures/schema/unknown-fields.json");
    let lenient = validator().validate(&body);
    assert!(lenient.valid);
    assert_eq!(lenient.warnings.len(), 2);
    let report = strict.validate(&body);
    assert!(!report.valid);
    let locations: Vec<&str> = report
        .errors
        .iter()
        .map(|e| e.instance_location.as_str())
        .collect();
    assert_eq!(locations, ["/borrower_score", "/webhook_version"]);
    assert!(report.errors.iter().all(|e| e.code == "unknown_field"));
    // Documented examples have no unknown fields, so strict mode accepts them all.
    for path in fixtures("seeds")
        .into_iter()
        .filter(|p| !is_malformed_seed(p))
    {
        assert!(strict.validate(&common::read(&path)).valid, "{path}");
    }
}

/// Spells the integer `value` as a JSON number literal: its digits followed by `zeros` more,
/// the decimal point moved `shift` places left (the exponent makes up for both), `padding`
/// zeros after the fraction, the exponent written with `exponent_style` (0: `e`, 1: `E+`,
/// 2: `e` with leading zeros) or left out when it is zero and `exponent_style` is 3.
fn spell_integer(
    value: i64,
    zeros: usize,
    shift: usize,
    padding: usize,
    exponent_style: u8,
) -> String {
    let digits = if value == 0 {
        "0".to_owned()
    } else {
        format!("{}{}", value.unsigned_abs(), "0".repeat(zeros))
    };
    let zeros = if value == 0 { 0 } else { zeros };
    let (whole, fraction) = if shift >= digits.len() {
        (
            "0".to_owned(),
            format!("{}{digits}", "0".repeat(shift - digits.len())),
        )
    } else {
        let (whole, fraction) = digits.split_at(digits.len() - shift);
        (whole.to_owned(), fraction.to_owned())
    };
    let fraction = format!("{fraction}{}", "0".repeat(padding));
    let mut literal = if value < 0 {
        "-".to_owned()
    } else {
        String::new()
    };
    literal.push_str(&whole);
    if !fraction.is_empty() {
        literal.push('.');
        literal.push_str(&fraction);
    }
    let exponent = shift as i64 - zeros as i64;
    match exponent_style {
        3 if exponent == 0 => {}
        0 => literal.push_str(&format!("e{exponent}")),
        1 => literal.push_str(&format!(
            "E{}{exponent}",
            if exponent >= 0 { "+" } else { "" }
        )),
        _ => literal.push_str(&format!(
            "e{}00{}",
            if exponent < 0 { "-" } else { "" },
            exponent.unsigned_abs()
        )),
    }
    literal
}

/// A `book.verified` delivery with `book_pk` and an unknown field `x_value` spelled as given.
fn book_with_numbers(book_pk: &str, x_value: &str) -> Vec<u8> {
    format!(
        r#"{{"event_name":"book.verified","book_pk":{book_pk},"x_value":{x_value},"status":"COMPLETE","book_uuid":"1e03d9cd-7d84-4672-bc3d-c19cd19c500b","severity":"LOW","notification_type":"STATUS","notification_reason":"Book is verified","uploaded_docs":[]}}"#
    )
    .into_bytes()
}

const MAX_EXACT: i64 = (1 << 53) - 1;

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    #[test]
    fn every_spelling_of_an_integer_normalizes_to_the_same_bytes(
        book_pk in 0..=MAX_EXACT,
        x_value in -MAX_EXACT..=MAX_EXACT,
        zeros in 0usize..6,
        shift in 0usize..24,
        padding in 0usize..4,
        exponent_style in 0u8..4,
    ) {
        let plain = validator().normalize(&book_with_numbers(&book_pk.to_string(), &x_value.to_string()));
        prop_assert!(plain.valid, "{:?}", plain.errors);
        let spelled_pk = spell_integer(book_pk, zeros, shift, padding, exponent_style);
        let spelled_x = spell_integer(x_value, zeros, shift, padding, exponent_style);
        let spelled = validator().normalize(&book_with_numbers(&spelled_pk, &spelled_x));
        prop_assert!(spelled.valid, "{spelled_pk} / {spelled_x}: {:?}", spelled.errors);
        prop_assert_eq!(spelled.normalized_bytes(), plain.normalized_bytes(), "{} / {}", spelled_pk, spelled_x);
        // The normalized integer reads back into Rust's integer types.
        let normalized: Value = serde_json::from_slice(&spelled.normalized_bytes().unwrap()).unwrap();
        prop_assert_eq!(normalized["book_pk"].as_u64(), Some(book_pk as u64));
        prop_assert_eq!(normalized["x_value"].as_i64(), Some(x_value));
    }

    #[test]
    fn a_fraction_is_never_an_integer_however_close(
        book_pk in 0..(1i64 << 40),
        fraction in "[0-9]{0,30}[1-9]",
        exponent in -3i64..=0,
    ) {
        // book_pk.FRACTION (a fraction that is not all zeros) times 10^exponent: a negative
        // exponent only moves the point left, so the value stays a non-integer.
        let literal = format!("{book_pk}.{fraction}e{exponent}");
        let report = validator().validate(&book_with_numbers(&literal, "0"));
        prop_assert!(!report.valid, "{literal} accepted as an integer");
        prop_assert_eq!(report.errors[0].code, "schema_violation");
        prop_assert_eq!(report.errors[0].instance_location.as_str(), "/book_pk");
    }
}
