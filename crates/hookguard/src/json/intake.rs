//! Strict intake: raw bytes to a JSON object, refusing everything a lenient parser would let
//! through and another parser might read differently.
//!
//! Validation happens after parsing, so anything the parser hides is invisible to the schema:
//! `serde_json::Value` silently keeps the last of duplicate keys (the classic
//! parser-differential attack), JavaScript accepts lone surrogates that serde_json refuses, and
//! integers beyond 2^53 lose precision in half the world's JSON parsers. Intake therefore takes
//! bytes, never a parsed value, and rejects each of these with a located error.

use serde_json::{Map, Value};

use crate::json::position::Position;
use crate::json::reader::{self, Document, Failure, JsonText};

pub use crate::json::error::{IntakeError, IntakeErrorKind, JsonKind};
pub use crate::json::number::MAX_EXACT_INTEGER;

/// Limits applied during intake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntakeLimits {
    /// Largest body accepted, in bytes.
    pub max_bytes: usize,
    /// Deepest nesting of objects and arrays accepted (the top-level object is level 1).
    pub max_depth: usize,
}

/// Parses `body` as one JSON object under the strict rules of this module.
pub fn parse(body: &[u8], limits: IntakeLimits) -> Result<Map<String, Value>, IntakeError> {
    let document = read(body, limits, false)?;
    // Serializing the text into serde_json's tree cannot fail for an object the reader accepted.
    match serde_json::to_value(JsonText(document.root)) {
        Ok(Value::Object(object)) => Ok(object),
        _ => Ok(Map::new()),
    }
}

/// Applies the rules of [`parse`] without building the object: the same error, or none, in
/// memory bounded by the largest object's member names instead of a tree many times the body.
pub fn check(body: &[u8], limits: IntakeLimits) -> Result<(), IntakeError> {
    read(body, limits, false).map(drop)
}

/// Reads `body` under intake's rules: its top-level members (and, with `keep_nested`, those
/// of the values nested in them: see [`reader::Tape`]), or the refusal every host reports.
pub(crate) fn read(
    body: &[u8],
    limits: IntakeLimits,
    keep_nested: bool,
) -> Result<Document<'_>, IntakeError> {
    if body.len() > limits.max_bytes {
        return Err(IntakeError {
            kind: IntakeErrorKind::TooLarge {
                limit: limits.max_bytes as u64,
            },
            position: None,
            instance_location: String::new(),
        });
    }
    reader::read_object(body, limits.max_depth, keep_nested)
        .map_err(|failure| refusal(body, &failure))
}

/// Serde_json's own nesting limit, below which [`crate::Options::max_depth`]'s ceiling was set
/// while serde_json read request bodies; kept, as that ceiling's reason and for the hosts that
/// name it.
pub const SERDE_JSON_DEPTH_LIMIT: usize = 128;

/// The refusal of a body the reader stopped on. What is wrong with the body as a whole is
/// reported before what the reader met: a byte order mark, bytes that are not UTF-8 (anywhere,
/// even past the reader's stop), an empty body, a first value that is no object.
pub(crate) fn refusal(body: &[u8], failure: &Failure) -> IntakeError {
    let whole_body = |kind, offset: Option<usize>| IntakeError {
        kind,
        position: offset.map(|offset| Position::at_offset(body, offset)),
        instance_location: String::new(),
    };
    if body.starts_with(b"\xEF\xBB\xBF") {
        return whole_body(IntakeErrorKind::ByteOrderMark, Some(0));
    }
    if let Err(error) = std::str::from_utf8(body) {
        return whole_body(IntakeErrorKind::InvalidUtf8, Some(error.valid_up_to()));
    }
    let Some(first) = body
        .iter()
        .position(|byte| !matches!(byte, b' ' | b'\t' | b'\n' | b'\r'))
    else {
        return whole_body(IntakeErrorKind::Empty, None);
    };
    let refused_start = match body.get(first..).unwrap_or_default() {
        [b'{', ..] => None,
        [b'[', ..] => Some(JsonKind::Array),
        [b'"', ..] => Some(JsonKind::String),
        [b'-' | b'0'..=b'9', ..] => Some(JsonKind::Number),
        // A literal only when it is spelled out: `not json` is not `null`.
        rest if rest.starts_with(b"true") || rest.starts_with(b"false") => Some(JsonKind::Boolean),
        rest if rest.starts_with(b"null") => Some(JsonKind::Null),
        _ => {
            return whole_body(
                IntakeErrorKind::Syntax {
                    expected: "body is not JSON (expected `{`)",
                },
                Some(first),
            );
        }
    };
    if let Some(found) = refused_start {
        return whole_body(IntakeErrorKind::NotAnObject { found }, Some(first));
    }
    IntakeError {
        kind: failure.kind.clone(),
        position: Some(Position::at_offset(body, failure.offset)),
        instance_location: failure.pointer(),
    }
}
