//! The catalog compiled: every event's strict schema as static data, generated from the same
//! types as `schemas/` (by `hookguard-schemagen`, into `generated.rs`), and the check that runs
//! it ([`check`]).
//!
//! The schemas are ours and fixed at build time, and they use a handful of keywords (`type`,
//! `const`, `enum`, the UUID `pattern`, `minimum`, `properties`, `required`, `items`, the alias
//! pairs' `anyOf`, and `additionalProperties: false` in their strict form). A general JSON
//! Schema engine would compile them again at every start-up, walk them through dynamic
//! dispatch at every request and link two regex engines and their Unicode tables into every
//! module for one UUID rule. Here each keyword is one field of [`Schema`], checked by plain
//! code; the generator refuses any keyword it does not translate, so a schema can never say
//! more than what is enforced. jsonschema-rs, run over `schemas/`, remains the oracle: the test
//! suite and a fuzz target require the same verdicts and the same
//! `(instanceLocation, keywordLocation)` pairs from both.

pub(crate) mod message;
#[rustfmt::skip]
mod generated;

pub(crate) use crate::json::kind::Types;
use crate::json::reader::same_bytes;
pub(crate) use generated::TEST_DELIVERY;

/// The compiled schema of an event, by the name it is delivered under. A table compared with
/// [`same_bytes`] rather than a `match` on the name: the WebAssembly modules compiled the
/// match's comparisons into calls to `memcmp`, which they run a byte at a time.
pub(crate) fn event_schema(event_name: &str) -> Option<&'static Schema> {
    generated::EVENT_SCHEMAS
        .iter()
        .find(|(name, _)| same_bytes(name.as_bytes(), event_name.as_bytes()))
        .map(|(_, schema)| *schema)
}

/// One schema (or subschema) of an event, compiled.
#[derive(Debug)]
pub(crate) struct Schema {
    /// Where this schema sits in its event's schema (a JSON Pointer, `""` for the root): the
    /// prefix of its keyword locations.
    pub(crate) at: &'static str,
    /// The JSON types `type` admits; [`Types::ANY`] when there is no `type`.
    pub(crate) types: Types,
    /// `const`.
    pub(crate) constant: Option<Constant>,
    /// `enum` (every enum of the catalog lists strings).
    pub(crate) one_of: Option<&'static [&'static str]>,
    /// The UUID `pattern` (RFC 9562 text form), checked by hand: the only pattern there is.
    pub(crate) uuid: bool,
    /// `minimum` (every minimum of the catalog is an integer).
    pub(crate) minimum: Option<i64>,
    /// `properties`, sorted by name.
    pub(crate) properties: &'static [(&'static str, &'static Schema)],
    /// `required`, in the schema's order.
    pub(crate) required: &'static [&'static str],
    /// `required` as bits over `properties` (bit `i`: the `i`-th property is required).
    pub(crate) required_mask: u64,
    /// `additionalProperties: false`: members not in `properties` are unknown fields.
    pub(crate) closed: bool,
    /// `items`.
    pub(crate) items: Option<&'static Schema>,
    /// An alias pair's `anyOf`: the object must have one of these two members.
    pub(crate) either: Option<(&'static str, &'static str)>,
}

impl Schema {
    /// The schema `true`: admits everything.
    pub(crate) const ANY: Schema = Schema {
        at: "",
        types: Types::ANY,
        constant: None,
        one_of: None,
        uuid: false,
        minimum: None,
        properties: &[],
        required: &[],
        required_mask: 0,
        closed: false,
        items: None,
        either: None,
    };

    /// The schema of member `name`, when `properties` declares it.
    pub(crate) fn property(&self, name: &str) -> Option<&'static Schema> {
        self.property_index(name.as_bytes())
            .and_then(|index| self.properties.get(index))
            .map(|(_, schema)| *schema)
    }

    /// The index of member `name` in `properties`. A linear scan: an object declares a dozen
    /// members at most, names mostly differ in length or first byte, and short comparisons
    /// written out beat calls to `memcmp`.
    pub(crate) fn property_index(&self, name: &[u8]) -> Option<usize> {
        self.properties
            .iter()
            .position(|(declared, _)| same_bytes(declared.as_bytes(), name))
    }
}

/// A `const` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Constant {
    /// A string.
    Text(&'static str),
    /// An integer.
    Integer(i64),
}

/// The RFC 9562 text form the schemas' UUID `pattern` describes:
/// `^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`.
pub(crate) fn is_uuid(text: &[u8]) -> bool {
    let Ok(bytes) = <&[u8; 36]>::try_from(text) else {
        return false;
    };
    let mut expected = UUID_SHAPE.iter();
    bytes.iter().all(|&byte| {
        let class = UUID_CLASS.get(usize::from(byte)).copied().unwrap_or(0);
        expected.next() == Some(&class)
    })
}

/// Byte classes of the UUID text form: 1 a hexadecimal digit, 2 a dash, 0 anything else.
#[allow(clippy::indexing_slicing)] // A constant: an index out of bounds fails the build.
static UUID_CLASS: [u8; 256] = {
    let mut class = [0u8; 256];
    let mut byte = 0;
    while byte < 256 {
        let c = byte as u8;
        if c.is_ascii_hexdigit() {
            class[byte] = 1;
        }
        byte += 1;
    }
    class[b'-' as usize] = 2;
    class
};

/// The classes a UUID's 36 bytes must have, in order (8-4-4-4-12 digits).
#[allow(clippy::indexing_slicing)]
const UUID_SHAPE: [u8; 36] = {
    let mut shape = [1u8; 36];
    shape[8] = 2;
    shape[13] = 2;
    shape[18] = 2;
    shape[23] = 2;
    shape
};
