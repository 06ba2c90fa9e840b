//! Why a body was refused as JSON, and where: the refusals every host reports in one wording.

use std::fmt;

use crate::json::position::Position;

/// Why intake refused a body.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum IntakeErrorKind {
    /// The body is larger than the configured limit. The message names the limit, not the
    /// size: hosts stop reading a body one byte past the limit (a gateway cannot buffer an
    /// unbounded body), and the verdict must not depend on how much a host read.
    TooLarge {
        /// The configured limit in bytes.
        limit: u64,
    },
    /// The body is empty or whitespace only.
    Empty,
    /// The body starts with a UTF-8 byte order mark, which JSON forbids (RFC 8259 §8.1).
    ByteOrderMark,
    /// The body is not valid UTF-8.
    InvalidUtf8,
    /// The top-level value is not an object.
    NotAnObject {
        /// What the top-level value is.
        found: JsonKind,
    },
    /// An object repeats a member name.
    DuplicateKey,
    /// Objects and arrays nest deeper than the configured limit.
    TooDeep {
        /// The configured limit.
        limit: usize,
    },
    /// A number lies outside I-JSON's range: an integer beyond ±(2^53 - 1), a fraction beyond
    /// ±2^52 (no double holds its fractional part), or beyond a double altogether.
    NumberOutOfRange,
    /// A `\u` escape encodes half of a UTF-16 surrogate pair without the other half.
    LoneSurrogate,
    /// A comma stands right before `}` or `]`, as in several of Ocrolus' printed examples.
    TrailingComma,
    /// Something other than whitespace follows the JSON value.
    TrailingCharacters,
    /// The body ends inside a value.
    UnexpectedEnd,
    /// A string contains a raw control character (U+0000 to U+001F); JSON needs them escaped.
    ControlCharacter,
    /// Any other JSON syntax error.
    Syntax {
        /// What the parser expected or found, from a fixed set of phrases.
        expected: &'static str,
    },
}

/// The kind of a JSON value, named without revealing the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonKind {
    /// An array.
    Array,
    /// A string.
    String,
    /// A number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// `null`.
    Null,
}

impl fmt::Display for JsonKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            JsonKind::Array => "an array",
            JsonKind::String => "a string",
            JsonKind::Number => "a number",
            JsonKind::Boolean => "a boolean",
            JsonKind::Null => "null",
        })
    }
}

impl IntakeErrorKind {
    /// A stable, machine-readable name for the error (used as the finding's `code`).
    pub fn code(&self) -> &'static str {
        match self {
            IntakeErrorKind::TooLarge { .. } => "body_too_large",
            IntakeErrorKind::Empty => "empty_body",
            IntakeErrorKind::ByteOrderMark => "byte_order_mark",
            IntakeErrorKind::InvalidUtf8 => "invalid_utf8",
            IntakeErrorKind::NotAnObject { .. } => "not_an_object",
            IntakeErrorKind::DuplicateKey => "duplicate_key",
            IntakeErrorKind::TooDeep { .. } => "too_deep",
            IntakeErrorKind::NumberOutOfRange => "number_out_of_range",
            IntakeErrorKind::LoneSurrogate => "lone_surrogate",
            IntakeErrorKind::TrailingComma => "trailing_comma",
            IntakeErrorKind::TrailingCharacters => "trailing_characters",
            IntakeErrorKind::UnexpectedEnd => "unexpected_end",
            IntakeErrorKind::ControlCharacter => "control_character",
            IntakeErrorKind::Syntax { .. } => "invalid_json",
        }
    }
}

impl fmt::Display for IntakeErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IntakeErrorKind::TooLarge { limit } => {
                write!(f, "body is larger than the limit of {limit} bytes")
            }
            IntakeErrorKind::Empty => {
                f.write_str("body is empty; a webhook delivery is a JSON object")
            }
            IntakeErrorKind::ByteOrderMark => {
                f.write_str("body starts with a UTF-8 byte order mark, which JSON does not allow")
            }
            IntakeErrorKind::InvalidUtf8 => f.write_str("body is not valid UTF-8"),
            IntakeErrorKind::NotAnObject { found } => {
                write!(
                    f,
                    "top-level value is {found}; a webhook delivery is a JSON object"
                )
            }
            IntakeErrorKind::DuplicateKey => f.write_str(
                "object has this member more than once; parsers disagree on which value wins, so \
                 duplicate keys are refused",
            ),
            IntakeErrorKind::TooDeep { limit } => {
                write!(
                    f,
                    "objects and arrays nest deeper than the limit of {limit} levels"
                )
            }
            IntakeErrorKind::NumberOutOfRange => f.write_str(
                "number is outside I-JSON's range (integers beyond 2^53-1 and fractions beyond \
                 2^52 cannot be represented exactly by every parser)",
            ),
            IntakeErrorKind::LoneSurrogate => f.write_str(
                "string escape encodes a lone UTF-16 surrogate, which is not a Unicode character",
            ),
            IntakeErrorKind::TrailingComma => {
                f.write_str("trailing comma before a closing bracket or brace is not valid JSON")
            }
            IntakeErrorKind::TrailingCharacters => {
                f.write_str("unexpected characters after the end of the JSON value")
            }
            IntakeErrorKind::UnexpectedEnd => {
                f.write_str("body ends in the middle of a JSON value")
            }
            IntakeErrorKind::ControlCharacter => {
                f.write_str("string contains an unescaped control character")
            }
            IntakeErrorKind::Syntax { expected } => write!(f, "invalid JSON: {expected}"),
        }
    }
}

/// A refused body: what is wrong and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntakeError {
    /// What is wrong.
    pub kind: IntakeErrorKind,
    /// Where in the body, when a position applies.
    pub position: Option<Position>,
    /// JSON Pointer to the value being read when the error struck ("" for the whole body).
    pub instance_location: String,
}

impl fmt::Display for IntakeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind)?;
        if let Some(position) = &self.position {
            write!(f, " at {position}")?;
        }
        Ok(())
    }
}

impl std::error::Error for IntakeError {}
