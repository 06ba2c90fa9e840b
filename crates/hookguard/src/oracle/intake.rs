//! The oracle of intake: strict intake as it was written before hookguard had its own reader,
//! serde_json with a visitor that refuses what serde_json lets through (duplicate keys, numbers
//! beyond I-JSON, nesting beyond the limit). Tests and fuzz targets hold
//! [`crate::json::intake`] to it: the same refusal, position and pointer for every body.

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::json::intake::{
    IntakeError, IntakeErrorKind, IntakeLimits, JsonKind, SERDE_JSON_DEPTH_LIMIT,
};
use crate::json::number::{self, ExactNumber};
use crate::json::position::Position;

/// Parses `body` as one JSON object under the strict rules of this module.
pub fn parse(body: &[u8], limits: IntakeLimits) -> Result<Map<String, Value>, IntakeError> {
    read(body, limits, true)
}

/// Applies the rules of [`parse`] without building the object: the same error, or none, in
/// memory bounded by the largest object's member names instead of a tree many times the body.
pub fn check(body: &[u8], limits: IntakeLimits) -> Result<(), IntakeError> {
    read(body, limits, false).map(|_| ())
}

/// [`parse`], or with `build` off [`check`] (the object returned then is empty).
fn read(body: &[u8], limits: IntakeLimits, build: bool) -> Result<Map<String, Value>, IntakeError> {
    let whole_body = |kind| IntakeError {
        kind,
        position: None,
        instance_location: String::new(),
    };
    if body.len() > limits.max_bytes {
        return Err(whole_body(IntakeErrorKind::TooLarge {
            limit: limits.max_bytes as u64,
        }));
    }
    if body.starts_with(b"\xEF\xBB\xBF") {
        let position = Some(Position::at_offset(body, 0));
        return Err(IntakeError {
            position,
            ..whole_body(IntakeErrorKind::ByteOrderMark)
        });
    }
    let text = std::str::from_utf8(body).map_err(|error| IntakeError {
        position: Some(Position::at_offset(body, error.valid_up_to())),
        ..whole_body(IntakeErrorKind::InvalidUtf8)
    })?;
    let Some(first) = text.find(|c: char| !matches!(c, ' ' | '\t' | '\n' | '\r')) else {
        return Err(whole_body(IntakeErrorKind::Empty));
    };
    // Refuse a non-object before parsing it: no point building a large array only to drop it.
    let refused_start = match text.as_bytes().get(first) {
        Some(b'{') => None,
        Some(b'[') => Some(IntakeErrorKind::NotAnObject {
            found: JsonKind::Array,
        }),
        Some(b'"') => Some(IntakeErrorKind::NotAnObject {
            found: JsonKind::String,
        }),
        Some(b'-' | b'0'..=b'9') => Some(IntakeErrorKind::NotAnObject {
            found: JsonKind::Number,
        }),
        // A literal only when it is spelled out: `not json` is not `null`.
        Some(b't' | b'f') if rest_starts_with(text, first, &["true", "false"]) => {
            Some(IntakeErrorKind::NotAnObject {
                found: JsonKind::Boolean,
            })
        }
        Some(b'n') if rest_starts_with(text, first, &["null"]) => {
            Some(IntakeErrorKind::NotAnObject {
                found: JsonKind::Null,
            })
        }
        _ => Some(IntakeErrorKind::Syntax {
            expected: "body is not JSON (expected `{`)",
        }),
    };
    if let Some(kind) = refused_start {
        let position = Some(Position::at_offset(body, first));
        return Err(IntakeError {
            position,
            ..whole_body(kind)
        });
    }

    let failure = RefCell::new(None);
    let numbers = RefCell::new(NumberCursor::new(text.as_bytes()));
    let array_items = RefCell::new(Vec::new());
    let seed = StrictValue {
        depth: 1,
        build,
        limits: &limits,
        failure: &failure,
        numbers: &numbers,
        array_items: &array_items,
    };
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let parsed = seed.deserialize(&mut deserializer).and_then(|value| {
        deserializer.end()?;
        Ok(value)
    });
    match parsed {
        Ok(Value::Object(object)) => Ok(object),
        Ok(_) if !build => Ok(Map::new()),
        // Unreachable: the first byte was `{`. Kept as an error rather than a panic.
        Ok(_) => Err(whole_body(IntakeErrorKind::Syntax {
            expected: "expected `{`",
        })),
        Err(error) => {
            let Recorded { kind, mut path } = failure.into_inner().unwrap_or_default();
            path.reverse();
            let kind = kind.unwrap_or_else(|| classify_syntax_error(&error));
            let mut position = (error.line() > 0)
                .then(|| Position::at_line_column(body, error.line(), error.column()));
            if kind == IntakeErrorKind::TrailingComma {
                // serde_json stops at the closing bracket; the mistake is the comma before it.
                position = position.map(|at| comma_before(body, at));
            }
            if kind == IntakeErrorKind::DuplicateKey {
                // serde_json stops at the key's closing quote; point at the key itself.
                position = position.map(|at| key_start(body, at));
            }
            Err(IntakeError {
                kind,
                position,
                instance_location: path.concat(),
            })
        }
    }
}

/// Whether `text` from byte `at` starts with one of `words`.
fn rest_starts_with(text: &str, at: usize, words: &[&str]) -> bool {
    text.get(at..)
        .is_some_and(|rest| words.iter().any(|word| rest.starts_with(word)))
}

/// The position of the opening quote of the string whose closing quote is at or just before
/// `at`: the last quote before it that is not escaped (preceded by an even run of backslashes).
fn key_start(body: &[u8], at: Position) -> Position {
    // At the start of a line, serde_json's position is the next byte, not yet read (a
    // position needs a column): the key ends before it. (Searching from that byte found the
    // next member's opening quote, and called the duplicate's closing quote its start: the
    // fuzzer found it, the reader that replaced this intake points at the key.)
    let mut end = at.offset.min(body.len().saturating_sub(1));
    if end > 0 && body.get(end - 1) == Some(&b'\n') {
        end -= 1;
    }
    let Some(closing) = body
        .get(..=end)
        .and_then(|head| head.iter().rposition(|&b| b == b'"'))
    else {
        return at;
    };
    let mut cursor = closing;
    while let Some(quote) = body
        .get(..cursor)
        .and_then(|head| head.iter().rposition(|&b| b == b'"'))
    {
        let backslashes = body.get(..quote).map_or(0, |head| {
            head.iter().rev().take_while(|&&b| b == b'\\').count()
        });
        if backslashes % 2 == 0 {
            return Position::at_offset(body, quote);
        }
        cursor = quote;
    }
    at
}

/// The position of the last comma before `at` (skipping whitespace), or `at` itself.
fn comma_before(body: &[u8], at: Position) -> Position {
    let before = body.get(..at.offset).unwrap_or(body);
    match before.iter().rposition(|byte| !byte.is_ascii_whitespace()) {
        Some(comma) if before.get(comma) == Some(&b',') => Position::at_offset(body, comma),
        _ => at,
    }
}

/// Maps serde_json's error to a kind. serde_json exposes its error code only through its
/// message, whose phrases have been stable since 1.0; an unknown phrase falls back to a
/// generic syntax error, never to a leak of the message (which could change shape).
fn classify_syntax_error(error: &serde_json::Error) -> IntakeErrorKind {
    if error.is_eof() {
        return IntakeErrorKind::UnexpectedEnd;
    }
    let message = error.to_string();
    let has = |phrase: &str| message.starts_with(phrase);
    if has("trailing comma") {
        IntakeErrorKind::TrailingComma
    } else if has("trailing characters") {
        IntakeErrorKind::TrailingCharacters
    } else if has("lone leading surrogate")
        || has("unexpected end of hex escape")
        || has("invalid unicode code point")
    {
        IntakeErrorKind::LoneSurrogate
    } else if has("control character") {
        IntakeErrorKind::ControlCharacter
    } else if has("number out of range") {
        IntakeErrorKind::NumberOutOfRange
    } else if has("recursion limit exceeded") {
        IntakeErrorKind::TooDeep {
            limit: SERDE_JSON_DEPTH_LIMIT,
        }
    } else {
        let expected = [
            ("expected `:`", "expected `:` after an object key"),
            ("expected `,` or `]`", "expected `,` or `]` in an array"),
            ("expected `,` or `}`", "expected `,` or `}` in an object"),
            ("key must be a string", "object keys must be strings"),
            ("invalid escape", "invalid escape sequence in a string"),
            ("invalid number", "invalid number"),
            ("expected value", "expected a JSON value"),
            (
                "expected ident",
                "expected a JSON value (true, false or null)",
            ),
        ]
        .into_iter()
        .find(|(phrase, _)| has(phrase))
        .map_or("syntax error", |(_, expected)| expected);
        IntakeErrorKind::Syntax { expected }
    }
}

/// The first failure found while building the value, with the path back to the top level
/// (collected innermost first while the error unwinds, so a successful parse pays nothing).
/// `kind` is `None` for serde_json's own syntax errors, classified once parsing has stopped.
#[derive(Default)]
struct Recorded {
    kind: Option<IntakeErrorKind>,
    path: Vec<String>,
}

#[derive(Clone, Copy)]
struct StrictValue<'a> {
    depth: usize,
    /// Whether to build the value; without, every value read is `null` and only the rules run.
    build: bool,
    limits: &'a IntakeLimits,
    failure: &'a RefCell<Option<Recorded>>,
    /// The literals behind the numbers serde_json hands over as doubles.
    numbers: &'a RefCell<NumberCursor<'a>>,
    /// Items of the arrays being read, innermost last.
    array_items: &'a RefCell<Vec<Value>>,
}

impl StrictValue<'_> {
    fn fail<E: de::Error>(&self, kind: IntakeErrorKind) -> E {
        *self.failure.borrow_mut() = Some(Recorded {
            kind: Some(kind),
            path: Vec::new(),
        });
        E::custom("refused by strict intake")
    }

    /// Adds `segment` to the path of a failure that is unwinding through this level.
    fn locate<E>(&self, error: E, segment: impl FnOnce() -> String) -> E {
        self.failure
            .borrow_mut()
            .get_or_insert_with(Recorded::default)
            .path
            .push(segment());
        error
    }

    fn nested(self) -> Self {
        StrictValue {
            depth: self.depth + 1,
            ..self
        }
    }

    /// The number serde_json just read, from its literal: integers exact whatever their
    /// spelling, fractions never integral, magnitudes beyond I-JSON refused ([`crate::json::number`]).
    fn exact_number<E: de::Error>(&self, parsed: Value) -> Result<Value, E> {
        let literal = self.numbers.borrow_mut().next_literal();
        let Some(literal) = literal else {
            // Unreachable while the cursor and serde_json agree on the text; keep the parsed
            // value rather than fail a delivery on a defect of ours.
            return Ok(parsed);
        };
        match number::read(literal) {
            ExactNumber::Integer(value) => Ok(Value::from(value)),
            ExactNumber::Fraction(value) => {
                Ok(serde_json::Number::from_f64(value).map_or(Value::Null, Value::Number))
            }
            ExactNumber::OutOfRange => Err(self.fail(IntakeErrorKind::NumberOutOfRange)),
        }
    }
}

impl<'de> DeserializeSeed<'de> for StrictValue<'_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StrictValue<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Value, E> {
        self.exact_number(Value::from(value))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Value, E> {
        self.exact_number(Value::from(value))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Value, E> {
        // serde_json also lands here for integer literals beyond u64 and for every spelling
        // with a fraction or an exponent: the literal decides what the number is.
        self.exact_number(serde_json::Number::from_f64(value).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(if self.build {
            Value::String(value.to_owned())
        } else {
            Value::Null
        })
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        if self.depth > self.limits.max_depth {
            return Err(self.fail(IntakeErrorKind::TooDeep {
                limit: self.limits.max_depth,
            }));
        }
        // Items of small arrays wait on one stack shared by the whole parse, and each array gets
        // a buffer of exactly its length at the end: a `Vec` per array grown by pushing would
        // start at four slots, and a body of many small arrays would cost twice its tree. A
        // large array moves to a buffer of its own, which grows in place.
        const SHARED_STACK_ITEMS: usize = 1024;
        if !self.build {
            let mut index = 0;
            loop {
                match seq.next_element_seed(self.nested()) {
                    Ok(Some(_)) => index += 1,
                    Ok(None) => return Ok(Value::Null),
                    Err(error) => return Err(self.locate(error, || format!("/{index}"))),
                }
            }
        }
        let start = self.array_items.borrow().len();
        let mut own: Option<Vec<Value>> = None;
        let mut index = 0;
        loop {
            match seq.next_element_seed(self.nested()) {
                Ok(Some(item)) => match &mut own {
                    Some(own) => own.push(item),
                    None => {
                        let mut stack = self.array_items.borrow_mut();
                        stack.push(item);
                        if stack.len() - start >= SHARED_STACK_ITEMS {
                            own = Some(stack.drain(start..).collect());
                        }
                    }
                },
                Ok(None) => break,
                Err(error) => {
                    self.array_items.borrow_mut().truncate(start);
                    return Err(self.locate(error, || format!("/{index}")));
                }
            }
            index += 1;
        }
        let items = match own {
            Some(mut own) => {
                own.shrink_to_fit();
                own
            }
            None => self.array_items.borrow_mut().drain(start..).collect(),
        };
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        if self.depth > self.limits.max_depth {
            return Err(self.fail(IntakeErrorKind::TooDeep {
                limit: self.limits.max_depth,
            }));
        }
        let mut object = Map::new();
        // Without building, the member names alone, for duplicates.
        let mut names = std::collections::HashSet::new();
        loop {
            let key = match map.next_key::<String>() {
                Ok(Some(key)) => key,
                Ok(None) => break,
                Err(error) => return Err(self.locate(error, String::new)),
            };
            // The pointer token is written only when a failure unwinds through this member.
            let token = |key: &str| format!("/{}", crate::json::pointer::escape(key));
            let repeated = if self.build {
                object.contains_key(&key)
            } else {
                names.contains(&key)
            };
            if repeated {
                let error = self.fail(IntakeErrorKind::DuplicateKey);
                return Err(self.locate(error, || token(&key)));
            }
            match map.next_value_seed(self.nested()) {
                Ok(value) if self.build => {
                    object.insert(key, value);
                }
                Ok(_) => {
                    names.insert(key);
                }
                Err(error) => return Err(self.locate(error, || token(&key))),
            }
        }
        Ok(if self.build {
            Value::Object(object)
        } else {
            Value::Null
        })
    }
}

/// Finds number literals in a JSON text in document order, skipping strings: the parser's
/// visitor sees each number only as a double, so it asks this cursor for the literal behind
/// it. Numbers are visited in the order they appear, and keys are never numbers, so the n-th
/// number visited is the n-th literal found here (the text is valid JSON up to every number
/// the parser has accepted).
#[derive(Debug)]
pub(crate) struct NumberCursor<'a> {
    text: &'a [u8],
    at: usize,
}

impl<'a> NumberCursor<'a> {
    pub(crate) fn new(text: &'a [u8]) -> NumberCursor<'a> {
        NumberCursor { text, at: 0 }
    }

    /// The next number literal after the previous one.
    pub(crate) fn next_literal(&mut self) -> Option<&'a [u8]> {
        let mut at = self.at;
        while let Some(&byte) = self.text.get(at) {
            match byte {
                b'"' => at = self.string_end(at + 1),
                b'-' | b'0'..=b'9' => {
                    let start = at;
                    // The literal as JSON's grammar spells it, as serde_json read it: a sign,
                    // digits, a fraction, an exponent. (Taking every byte that may occur in a
                    // number would take `1-` whole, and call a syntax error a number out of
                    // range.)
                    let rest = self.text.get(start..).unwrap_or_default();
                    let mut length = usize::from(rest.first() == Some(&b'-'));
                    let digits = |from: usize| {
                        rest.get(from..)
                            .unwrap_or_default()
                            .iter()
                            .take_while(|b| b.is_ascii_digit())
                            .count()
                    };
                    length += if rest.get(length) == Some(&b'0') {
                        1
                    } else {
                        digits(length)
                    };
                    if rest.get(length) == Some(&b'.') && digits(length + 1) > 0 {
                        length += 1 + digits(length + 1);
                    }
                    if let Some(b'e' | b'E') = rest.get(length) {
                        let sign = usize::from(matches!(rest.get(length + 1), Some(b'+' | b'-')));
                        if digits(length + 1 + sign) > 0 {
                            length += 1 + sign + digits(length + 1 + sign);
                        }
                    }
                    self.at = start + length;
                    return self.text.get(start..self.at);
                }
                _ => at += 1,
            }
        }
        self.at = at;
        None
    }

    /// The offset just past the closing quote of the string whose content starts at `at`.
    fn string_end(&self, mut at: usize) -> usize {
        while let Some(&byte) = self.text.get(at) {
            match byte {
                b'\\' => at += 2,
                b'"' => return at + 1,
                _ => at += 1,
            }
        }
        at
    }
}

#[cfg(test)]
mod tests {
    use super::NumberCursor;

    #[test]
    fn the_cursor_skips_strings_and_escapes() {
        let text = br#"{"a\"1": -2.5e3, "b": ["3\\", 4], "c": true, "d": null, "e": 0}"#;
        let mut cursor = NumberCursor::new(text);
        let found: Vec<&[u8]> = std::iter::from_fn(|| cursor.next_literal()).collect();
        assert_eq!(found, [&b"-2.5e3"[..], b"4", b"0"]);
    }
}
