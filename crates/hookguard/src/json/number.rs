//! Exact reading of JSON number literals.
//!
//! A parser that converts every number to the nearest double loses two things a validator
//! needs: whether the number *is* an integer (`5984.9999999999999999` and `1e-400` round to
//! integral doubles, so an integer field would accept them), and one spelling per value
//! (`5.985e3`, `5985.0` and `5985` are the same integer but would normalize to different
//! bytes). This module decides both from the literal's digits, without floating point:
//!
//! - a literal whose mathematical value is an integer becomes that integer (so every spelling
//!   of it normalizes to the same bytes, `-0` included, which is `0`);
//! - any other literal becomes the nearest double, moved by one unit in the last place towards
//!   the true value when rounding made it integral, so that it still fails `type: integer`,
//!   `const` and `enum` exactly as its true value does;
//! - integers beyond I-JSON's exact range (±(2^53 - 1)) are out of range, as before, and so
//!   are fractions from ±2^52 on, where no double has a fractional part.

/// The largest integer magnitude I-JSON (RFC 7493) guarantees to be exact: 2^53 - 1.
pub const MAX_EXACT_INTEGER: u64 = (1 << 53) - 1;

/// What a number literal means to a validator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum ExactNumber {
    /// The literal's value is this integer, within ±(2^53 - 1).
    Integer(i64),
    /// The literal's value is not an integer; this double is never integral.
    Fraction(f64),
    /// An integer beyond ±(2^53 - 1), or a fraction beyond ±2^52 (where doubles hold no
    /// fractions), or a magnitude beyond a double altogether.
    OutOfRange,
}

/// The smallest magnitude at which doubles are all integers (2^52).
#[allow(clippy::cast_precision_loss)]
const FRACTION_LIMIT: f64 = (1u64 << 52) as f64;

/// Decimal digits that cover every integer up to [`MAX_EXACT_INTEGER`] (a 16-digit number).
const MAX_EXACT_DIGITS: i64 = 16;

/// Reads `literal`, a number as JSON's grammar spells it
/// (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`). Anything else is out of range rather
/// than a panic: callers pass only literals their JSON parser accepted.
pub(crate) fn read(literal: &[u8]) -> ExactNumber {
    let (negative, unsigned) = match literal.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, literal),
    };
    if let Some(value) = plain_integer(unsigned) {
        return ExactNumber::Integer(if negative { -value } else { value });
    }
    let (mantissa, exponent) = match unsigned.iter().position(|&b| b == b'e' || b == b'E') {
        Some(at) => (
            unsigned.get(..at).unwrap_or_default(),
            unsigned.get(at + 1..).unwrap_or_default(),
        ),
        None => (unsigned, &b""[..]),
    };
    let (whole, fraction) = match mantissa.iter().position(|&b| b == b'.') {
        Some(at) => (
            mantissa.get(..at).unwrap_or_default(),
            mantissa.get(at + 1..).unwrap_or_default(),
        ),
        None => (mantissa, &b""[..]),
    };
    let all_digits = |part: &[u8]| part.iter().all(u8::is_ascii_digit);
    if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) {
        return ExactNumber::OutOfRange;
    }
    let Some(exponent) = parse_exponent(exponent) else {
        return ExactNumber::OutOfRange;
    };

    // The value is `significant × 10^scale`, `significant` without leading or trailing zeros.
    let digits = || whole.iter().chain(fraction.iter()).copied();
    let leading_zeros = digits().take_while(|&d| d == b'0').count();
    let total = whole.len() + fraction.len();
    if leading_zeros == total {
        // Every spelling of zero (`-0`, `0.000`, `0e999`) is the integer 0.
        return ExactNumber::Integer(0);
    }
    let trailing_zeros = digits().rev().take_while(|&d| d == b'0').count();
    let significant_len = total - leading_zeros - trailing_zeros;
    let scale = exponent
        .saturating_sub(len_i64(fraction.len()))
        .saturating_add(len_i64(trailing_zeros));
    // Digits of the integer part: how far the decimal point sits right of the first digit.
    let integer_digits = len_i64(significant_len).saturating_add(scale);
    let significant = || digits().skip(leading_zeros).take(significant_len);

    if scale >= 0 {
        if integer_digits > MAX_EXACT_DIGITS {
            return ExactNumber::OutOfRange;
        }
        let mut value: u64 = significant().fold(0, |value, d| value * 10 + u64::from(d - b'0'));
        for _ in 0..scale {
            value *= 10;
        }
        return match i64::try_from(value) {
            Ok(value) if value.unsigned_abs() <= MAX_EXACT_INTEGER => {
                ExactNumber::Integer(if negative { -value } else { value })
            }
            _ => ExactNumber::OutOfRange,
        };
    }

    // Not an integer: `significant` has no trailing zero, so `10^-scale` cannot divide it.
    if integer_digits > MAX_EXACT_DIGITS {
        return ExactNumber::OutOfRange;
    }
    // The standard library's parser rounds correctly from any number of digits.
    let Some(magnitude) = std::str::from_utf8(unsigned)
        .ok()
        .and_then(|text| text.parse::<f64>().ok())
    else {
        return ExactNumber::OutOfRange;
    };
    // From 2^52 on, every double is an integer: no double can hold a fraction that large.
    if !magnitude.is_finite() || magnitude >= FRACTION_LIMIT {
        return ExactNumber::OutOfRange;
    }
    let magnitude = if magnitude.fract() == 0.0 {
        // Rounding landed on an integer (or underflowed to 0). The true value lies strictly
        // between `floor` and `floor + 1`; step from the integer towards it.
        let floor = u64::try_from(integer_digits)
            .ok()
            .filter(|&len| len > 0)
            .map_or(0, |len| {
                significant()
                    .take(usize::try_from(len).unwrap_or(0))
                    .fold(0u64, |value, d| value * 10 + u64::from(d - b'0'))
            });
        #[allow(clippy::cast_precision_loss)]
        if magnitude == floor as f64 {
            magnitude.next_up()
        } else {
            magnitude.next_down()
        }
    } else {
        magnitude
    };
    ExactNumber::Fraction(if negative { -magnitude } else { magnitude })
}

/// Digits without a fraction or an exponent, few enough to be exact ([`PLAIN_DIGITS`]): the
/// integer they spell, in one loop. Most numbers in deliveries are such (record keys, counts),
/// and every literal is read twice (its range by the reader, its type by the walk); the general
/// reading below gives the same integer for them, and takes everything else.
fn plain_integer(digits: &[u8]) -> Option<i64> {
    if digits.is_empty() || digits.len() > PLAIN_DIGITS {
        return None;
    }
    digits.iter().try_fold(0_i64, |value, &digit| {
        digit
            .is_ascii_digit()
            .then(|| value * 10 + i64::from(digit - b'0'))
    })
}

/// Up to 15 decimal digits always spell an integer within [`MAX_EXACT_INTEGER`] (10^15 - 1 is
/// below 2^53 - 1).
const PLAIN_DIGITS: usize = 15;

/// The exponent's value, saturated far beyond any meaningful scale (a literal may spell
/// `1e000…0001` with a million zeros, which is still 10).
fn parse_exponent(exponent: &[u8]) -> Option<i64> {
    if exponent.is_empty() {
        return Some(0);
    }
    let (negative, digits) = match exponent.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, exponent),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    // Saturate well inside i64 so later additions of digit counts cannot overflow.
    const SATURATED: i64 = i64::MAX / 4;
    let value = digits
        .iter()
        .skip_while(|&&d| d == b'0')
        .try_fold(0i64, |value, &d| {
            value
                .checked_mul(10)
                .and_then(|value| value.checked_add(i64::from(d - b'0')))
                .filter(|&value| value <= SATURATED)
        })
        .unwrap_or(SATURATED);
    Some(if negative { -value } else { value })
}

fn len_i64(len: usize) -> i64 {
    i64::try_from(len).unwrap_or(i64::MAX / 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_str(literal: &str) -> ExactNumber {
        read(literal.as_bytes())
    }

    #[test]
    fn every_spelling_of_an_integer_is_that_integer() {
        for literal in [
            "5985",
            "5985.0",
            "5.985e3",
            "5.985E+3",
            "59850e-1",
            "0.5985e4",
            "5985.000000000000000000000",
            "000.0",
        ] {
            let expected = if literal == "000.0" { 0 } else { 5985 };
            assert_eq!(
                read_str(literal),
                ExactNumber::Integer(expected),
                "{literal}"
            );
        }
        assert_eq!(read_str("-0"), ExactNumber::Integer(0));
        assert_eq!(read_str("-0.0e-7"), ExactNumber::Integer(0));
        assert_eq!(read_str("-12e1"), ExactNumber::Integer(-120));
        let ten = format!("1e{}1", "0".repeat(100_000));
        assert_eq!(read_str(&ten), ExactNumber::Integer(10));
    }

    #[test]
    fn a_fraction_never_becomes_an_integer() {
        for literal in [
            "5984.9999999999999999",
            "5985.0000000000000001",
            "1e-400",
            "2e-324",
            "5e-324",
            "-1e-400",
            "0.5",
            "4503599627370495.5",
        ] {
            match read_str(literal) {
                ExactNumber::Fraction(value) => {
                    assert!(
                        value.is_finite() && value.fract() != 0.0,
                        "{literal}: {value}"
                    )
                }
                other => panic!("{literal}: {other:?}"),
            }
        }
        let ExactNumber::Fraction(below) = read_str("5984.9999999999999999") else {
            panic!()
        };
        assert!(below < 5985.0 && below > 5984.99);
        let ExactNumber::Fraction(above) = read_str("5985.0000000000000001") else {
            panic!()
        };
        assert!(above > 5985.0 && above < 5985.01);
        assert_eq!(read_str("-1e-400"), ExactNumber::Fraction(-5e-324));
        assert_eq!(read_str("0.1"), ExactNumber::Fraction(0.1));
    }

    #[test]
    fn magnitudes_beyond_2_53_are_out_of_range() {
        assert_eq!(
            read_str("9007199254740991"),
            ExactNumber::Integer(9_007_199_254_740_991)
        );
        assert_eq!(
            read_str("-9.007199254740991e15"),
            ExactNumber::Integer(-9_007_199_254_740_991)
        );
        for literal in [
            "9007199254740992",
            "9.007199254740992e15",
            "1e16",
            "1e400",
            "-1e400",
            "123456789012345678901234567890",
            "9007199254740991.5",
            "9007199254740990.5",
            "4503599627370496.5",
            "1e99999999999999999999999",
        ] {
            assert_eq!(read_str(literal), ExactNumber::OutOfRange, "{literal}");
        }
    }

    proptest::proptest! {
        /// The plain-integer loop and the general reading agree: a literal of digits reads as
        /// the same spelling with `.0` added (which only the general reading takes), at every
        /// length around the loop's limit, signs and leading zeros included.
        #[test]
        fn plain_integers_read_as_the_general_reading_does(
            negative in proptest::bool::ANY,
            digits in "[0-9]{1,18}",
        ) {
            let literal = format!("{}{digits}", if negative { "-" } else { "" });
            proptest::prop_assert_eq!(read_str(&literal), read_str(&format!("{literal}.0")));
            if digits.len() <= PLAIN_DIGITS {
                let value: i64 = literal.parse().unwrap_or(i64::MAX);
                proptest::prop_assert_eq!(read_str(&literal), ExactNumber::Integer(value));
            }
        }
    }
}
