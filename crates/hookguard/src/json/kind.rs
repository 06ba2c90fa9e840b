//! The names of JSON's types, spelled in one place: as a schema's `type` lists them
//! (`"integer"`) and as a message names what it found (`"an integer"`).

use crate::json::number::ExactNumber;

/// A set of JSON types, as `type` lists them. The bit order is JSON Schema's (and
/// jsonschema-rs's): messages list expected types in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Types(pub(crate) u8);

impl Types {
    pub(crate) const NULL: u8 = 1;
    pub(crate) const BOOLEAN: u8 = 1 << 1;
    pub(crate) const INTEGER: u8 = 1 << 2;
    pub(crate) const NUMBER: u8 = 1 << 3;
    pub(crate) const STRING: u8 = 1 << 4;
    pub(crate) const ARRAY: u8 = 1 << 5;
    pub(crate) const OBJECT: u8 = 1 << 6;
    /// No `type` keyword.
    pub(crate) const ANY: Types = Types(0);

    /// The names of the types in the set, in bit order.
    pub(crate) fn names(self) -> impl Iterator<Item = &'static str> {
        NAMES
            .into_iter()
            .filter(move |(bit, _, _)| self.0 & bit != 0)
            .map(|(_, name, _)| name)
    }
}

/// Each type's bit, its name in a schema and its name in a message, in bit order.
const NAMES: [(u8, &str, &str); 7] = [
    (Types::NULL, "null", "null"),
    (Types::BOOLEAN, "boolean", "a boolean"),
    (Types::INTEGER, "integer", "an integer"),
    (Types::NUMBER, "number", "a number"),
    (Types::STRING, "string", "a string"),
    (Types::ARRAY, "array", "an array"),
    (Types::OBJECT, "object", "an object"),
];

impl Types {
    /// The bit of the type a schema names, e.g. `"integer"`.
    pub(crate) fn bit_named(name: &str) -> Option<u8> {
        NAMES
            .iter()
            .find(|(_, schema_name, _)| *schema_name == name)
            .map(|(bit, _, _)| *bit)
    }
}

/// The type of a value the reader accepted, from its text (an integer is also a number), and
/// the words a message uses for it.
pub(crate) fn of_text(first: Option<u8>, number: Option<ExactNumber>) -> (u8, &'static str) {
    let bit = match (first, number) {
        (Some(b'"'), _) => Types::STRING,
        (Some(b't' | b'f'), _) => Types::BOOLEAN,
        (Some(b'n'), _) => Types::NULL,
        (Some(b'{'), _) => Types::OBJECT,
        (Some(b'['), _) => Types::ARRAY,
        (_, Some(ExactNumber::Integer(_))) => Types::INTEGER,
        _ => Types::NUMBER,
    };
    let phrase = NAMES
        .iter()
        .find(|(named, _, _)| *named == bit)
        .map_or("a number", |(_, _, phrase)| phrase);
    let bits = if bit == Types::INTEGER {
        Types::INTEGER | Types::NUMBER
    } else {
        bit
    };
    (bits, phrase)
}
