//! The express lane: most deliveries are clean (valid, and nothing to warn about), and for them
//! the verdict needs no tree, no finding and no position. This lane reads the borrowed bytes
//! once under intake's rules, then checks the event's compiled schema over the same bytes,
//! allocating nothing but a stack of member names.
//!
//! It only ever answers "clean". Anything else (a syntax error, an intake rule broken, a schema
//! finding, an unknown field, an alias mismatch, a `\u` escape, an undocumented or test
//! delivery) makes it step aside, and the reference path (strict intake into a tree, then the
//! compiled check) writes the report with every finding located. The lane is therefore
//! allowed to be stricter than the reference path, never laxer: the test suite and the fuzz
//! targets hold every body the lane accepts to the reference path's report, byte for byte.

use crate::catalog::{self, EventSpec};
use crate::compiled::{self, Constant, Schema, Types};
use crate::number::{self, ExactNumber};
use crate::report::{Delivery, Normalized, Omitted, Report};

/// The report on `body` when it is a clean event delivery; `None` when the reference path
/// must decide.
pub(crate) fn clean_report(
    body: &[u8],
    max_bytes: usize,
    max_depth: usize,
    want_normalized: bool,
) -> Option<Report> {
    if body.len() > max_bytes {
        return None;
    }
    // Outside strings, the grammar allows ASCII only; each string with other bytes is
    // checked as UTF-8 where it is read, so the body is UTF-8 once the reader accepts it.
    let mut reader = Reader {
        bytes: body,
        at: 0,
        max_depth,
        check_duplicates: true,
        plain_numbers: true,
        members: Vec::with_capacity(32),
    };
    reader.skip_whitespace();
    reader.object(1)?;
    reader.skip_whitespace();
    if reader.at != reader.bytes.len() {
        return None;
    }
    let members = std::mem::take(&mut reader.members);

    let member = |name: &str| {
        members
            .iter()
            .find(|member| compiled::same_bytes(member.key, name.as_bytes()))
            .map(|member| member.value)
    };
    let event_name = plain_string(member("event_name")?)?;
    let spec = catalog::event(event_name)?;
    let schema = compiled::event_schema(event_name)?;
    if !spec.payload_documented() {
        return None;
    }
    if !schema_allows(schema, Types::OBJECT)
        || !object_is_clean(schema, &members, &mut Vec::new())
        || !aliases_agree(spec, &member)
    {
        return None;
    }
    let status = match member("status") {
        Some(value) => Some(plain_string(value)?),
        None => None,
    };
    let canonical = spec.canonical_name(status).and_then(catalog::event);
    let normalized = match canonical {
        Some(canonical) if want_normalized => {
            // Numbers are copied as written: only plain integers are written the way serde_json
            // writes their value.
            if !reader.plain_numbers {
                return None;
            }
            Some(write_normalized(&members, schema, canonical)?)
        }
        _ => None,
    };
    Some(Report {
        valid: true,
        delivery: Some(Delivery::Event),
        event_name: canonical.map(|canonical| canonical.name),
        source_event_name: Some(spec.name),
        errors: Vec::new(),
        warnings: Vec::new(),
        omitted: Omitted::default(),
        normalized,
    })
}

/// The most members an object may have in the lane (Ocrolus' objects have about a dozen).
const MAX_MEMBERS: usize = 64;

/// One member of an object: its name (raw bytes between the quotes, which hold no escape)
/// and its value's text.
#[derive(Clone, Copy)]
struct Member<'a> {
    key: &'a [u8],
    value: &'a [u8],
}

/// A strict JSON reader that gives up (`None`) on anything intake would refuse, and on a few
/// things it would accept but that are rare enough to leave to it (`\u` escapes, escaped member
/// names, objects of more than [`MAX_MEMBERS`] members).
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    max_depth: usize,
    /// Off when re-reading a value the strict pass already accepted.
    check_duplicates: bool,
    /// Every number so far is a plain integer literal (no fraction, exponent or `-0`).
    plain_numbers: bool,
    /// The members of the objects being read, innermost last; after the top-level object,
    /// its members.
    members: Vec<Member<'a>>,
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.at += 1;
        }
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.at += 1)
    }

    /// Reads an object at nesting level `depth`, leaving its members on top of
    /// [`Reader::members`].
    fn object(&mut self, depth: usize) -> Option<()> {
        if depth > self.max_depth {
            return None;
        }
        self.expect(b'{')?;
        self.skip_whitespace();
        if self.peek()? == b'}' {
            self.at += 1;
            return Some(());
        }
        let first = self.members.len();
        loop {
            self.skip_whitespace();
            let key = self.string()?;
            if has_escape(key) {
                return None;
            }
            if self.check_duplicates {
                // Duplicates are found by comparing names, quadratic in an object's size:
                // objects larger than any Ocrolus sends are left to intake, which uses a map.
                let earlier = self.members.get(first..)?;
                if earlier.len() >= MAX_MEMBERS
                    || earlier
                        .iter()
                        .any(|member| compiled::same_bytes(member.key, key))
                {
                    return None;
                }
            }
            self.skip_whitespace();
            self.expect(b':')?;
            self.skip_whitespace();
            let start = self.at;
            self.value(depth)?;
            let value = self.bytes.get(start..self.at)?;
            self.members.push(Member { key, value });
            self.skip_whitespace();
            match self.peek()? {
                b',' => self.at += 1,
                b'}' => {
                    self.at += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    fn array(&mut self, depth: usize) -> Option<()> {
        if depth > self.max_depth {
            return None;
        }
        self.expect(b'[')?;
        self.skip_whitespace();
        if self.peek()? == b']' {
            self.at += 1;
            return Some(());
        }
        loop {
            self.skip_whitespace();
            self.value(depth)?;
            self.skip_whitespace();
            match self.peek()? {
                b',' => self.at += 1,
                b']' => {
                    self.at += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// Reads one value inside a container at level `depth`.
    fn value(&mut self, depth: usize) -> Option<()> {
        match self.peek()? {
            b'{' => {
                // A nested object's members go on the stack above the outer object's, and go.
                let outer = self.members.len();
                let read = self.object(depth + 1);
                self.members.truncate(outer);
                read
            }
            b'[' => self.array(depth + 1),
            b'"' => self.string().map(|_| ()),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            _ => {
                let literal = self.number()?;
                match number::read(literal) {
                    ExactNumber::OutOfRange => None,
                    ExactNumber::Integer(_) => {
                        let plain = literal.iter().all(|&b| b.is_ascii_digit() || b == b'-')
                            && !literal.starts_with(b"-0");
                        self.plain_numbers &= plain;
                        Some(())
                    }
                    ExactNumber::Fraction(_) => {
                        self.plain_numbers = false;
                        Some(())
                    }
                }
            }
        }
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let end = self.at + word.len();
        (self.bytes.get(self.at..end)? == word).then(|| self.at = end)
    }

    /// A number literal, by JSON's grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    fn number(&mut self) -> Option<&'a [u8]> {
        let start = self.at;
        if self.peek()? == b'-' {
            self.at += 1;
        }
        match self.peek()? {
            b'0' => self.at += 1,
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            self.at_least_one_digit()?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.at += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.at += 1;
            }
            self.at_least_one_digit()?;
        }
        self.bytes.get(start..self.at)
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.at += 1;
        }
    }

    fn at_least_one_digit(&mut self) -> Option<()> {
        let start = self.at;
        self.digits();
        (self.at > start).then_some(())
    }

    /// A string's raw contents (between the quotes, escapes left as written). Refuses raw
    /// control characters, unknown escapes, every `\u` escape (lone surrogates are intake's
    /// to explain) and contents that are not UTF-8.
    fn string(&mut self) -> Option<&'a [u8]> {
        self.expect(b'"')?;
        let start = self.at;
        let mut ascii = true;
        loop {
            // Skip the bytes that need no attention, eight at a time while there are eight.
            while let Some(chunk) = self
                .bytes
                .get(self.at..self.at + 8)
                .and_then(|chunk| <[u8; 8]>::try_from(chunk).ok())
            {
                if needs_attention(u64::from_le_bytes(chunk)) {
                    break;
                }
                self.at += 8;
            }
            while let Some(&byte) = self.bytes.get(self.at) {
                if PLAIN_STRING_BYTE.get(usize::from(byte)) != Some(&true) {
                    break;
                }
                self.at += 1;
            }
            match self.peek()? {
                b'"' => {
                    let contents = self.bytes.get(start..self.at)?;
                    self.at += 1;
                    if !ascii && std::str::from_utf8(contents).is_err() {
                        return None;
                    }
                    return Some(contents);
                }
                b'\\' => {
                    self.at += 1;
                    match self.peek()? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.at += 1,
                        _ => return None,
                    }
                }
                0x80..=0xFF => {
                    ascii = false;
                    self.at += 1;
                }
                _ => return None,
            }
        }
    }
}

/// Whether any of the eight bytes in `word` is one a string cannot hold as it is: a quote, a
/// backslash, a control character, or a byte of a multi-byte character (checked as UTF-8 by
/// the byte loop). Bit tricks from "Bit Twiddling Hacks" (`haszero`, `hasless`): exact for
/// "any byte", which is all this asks.
fn needs_attention(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let has_zero = |value: u64| value.wrapping_sub(ONES) & !value & HIGH;
    let quote = has_zero(word ^ (ONES * u64::from(b'"')));
    let backslash = has_zero(word ^ (ONES * u64::from(b'\\')));
    let control = word.wrapping_sub(ONES * 0x20) & !word & HIGH;
    (quote | backslash | control | (word & HIGH)) != 0
}

/// The bytes a string may hold as they are: printable ASCII but `"` and `\`.
#[allow(clippy::indexing_slicing)] // A constant: an index out of bounds fails the build.
static PLAIN_STRING_BYTE: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0x20;
    while byte < 0x80 {
        table[byte] = byte != b'"' as usize && byte != b'\\' as usize;
        byte += 1;
    }
    table
};

/// The contents of a string value the reader accepted, when it has no escape.
fn unescaped(value: &[u8]) -> Option<&[u8]> {
    let contents = value.strip_prefix(b"\"")?.strip_suffix(b"\"")?;
    (!has_escape(contents)).then_some(contents)
}

/// Whether string contents hold an escape. Written out: on strings this short a loop the
/// compiler unrolls beats a call to `memchr`, which `contains` makes (measured: 5% of the lane).
#[allow(clippy::manual_contains)]
fn has_escape(contents: &[u8]) -> bool {
    contents.iter().any(|&byte| byte == b'\\')
}

/// The text of a string value without escapes; `None` for anything else.
fn plain_string(value: &[u8]) -> Option<&str> {
    std::str::from_utf8(unescaped(value)?).ok()
}

fn schema_allows(schema: &Schema, kind: u8) -> bool {
    schema.types == Types::ANY || schema.types.0 & kind != 0
}

/// Whether the members of an object are clean against `schema` (the object's own type
/// already checked): every required member present, no unknown member, every value clean.
/// `scratch` holds the members of nested objects while they are checked.
fn object_is_clean<'a>(
    schema: &Schema,
    members: &[Member<'a>],
    scratch: &mut Vec<Member<'a>>,
) -> bool {
    if schema.constant.is_some() || schema.one_of.is_some() {
        return false;
    }
    let mut seen: u64 = 0;
    for member in members {
        match schema.property_index(member.key) {
            Some(index) => {
                seen |= 1u64
                    .checked_shl(u32::try_from(index).unwrap_or(u32::MAX))
                    .unwrap_or(0);
                let Some((_, member_schema)) = schema.properties.get(index) else {
                    return false;
                };
                if !value_is_clean(member_schema, member.value, scratch) {
                    return false;
                }
            }
            None if schema.closed => return false,
            None => {}
        }
    }
    if seen & schema.required_mask != schema.required_mask {
        return false;
    }
    match schema.either {
        Some((named, alias)) => members.iter().any(|member| {
            compiled::same_bytes(member.key, named.as_bytes())
                || compiled::same_bytes(member.key, alias.as_bytes())
        }),
        None => true,
    }
}

/// Whether a value (already read strictly) is clean against `schema`.
fn value_is_clean<'a>(schema: &Schema, value: &'a [u8], scratch: &mut Vec<Member<'a>>) -> bool {
    let Some(&first) = value.first() else {
        return false;
    };
    let no_literal = schema.constant.is_none() && schema.one_of.is_none();
    match first {
        b'"' => {
            if !schema_allows(schema, Types::STRING) {
                return false;
            }
            if !schema.uuid && no_literal {
                return true;
            }
            let Some(text) = unescaped(value) else {
                return false;
            };
            (!schema.uuid || compiled::is_uuid(text))
                && schema.one_of.is_none_or(|options| {
                    options
                        .iter()
                        .any(|option| compiled::same_bytes(option.as_bytes(), text))
                })
                && schema.constant.is_none_or(|constant| {
                    matches!(constant, Constant::Text(expected) if compiled::same_bytes(expected.as_bytes(), text))
                })
        }
        b't' | b'f' => schema_allows(schema, Types::BOOLEAN) && no_literal,
        b'n' => schema_allows(schema, Types::NULL) && no_literal,
        b'{' => {
            if !schema_allows(schema, Types::OBJECT) {
                return false;
            }
            let mut reader = loose_reader(value, std::mem::take(scratch));
            let read = reader.object(0).is_some();
            let members = reader.members;
            let clean = read && object_is_clean(schema, &members, &mut Vec::new());
            *scratch = members;
            scratch.clear();
            clean
        }
        b'[' => {
            if !schema_allows(schema, Types::ARRAY) || !no_literal {
                return false;
            }
            let Some(item_schema) = schema.items else {
                return true;
            };
            let mut reader = loose_reader(value, Vec::new());
            each_item(&mut reader, |item| {
                value_is_clean(item_schema, item, scratch)
            })
            .is_some()
        }
        _ => {
            if schema.one_of.is_some() {
                return false;
            }
            match number::read(value) {
                ExactNumber::Integer(integer) => {
                    schema_allows(schema, Types::INTEGER | Types::NUMBER)
                        && schema
                            .constant
                            .is_none_or(|constant| constant == Constant::Integer(integer))
                        && schema.minimum.is_none_or(|minimum| integer >= minimum)
                }
                ExactNumber::Fraction(fraction) => {
                    #[allow(clippy::cast_precision_loss)]
                    let above_minimum = schema
                        .minimum
                        .is_none_or(|minimum| fraction >= minimum as f64);
                    schema_allows(schema, Types::NUMBER)
                        && schema.constant.is_none()
                        && above_minimum
                }
                ExactNumber::OutOfRange => false,
            }
        }
    }
}

/// A reader over a value the strict pass has already accepted: only its structure is read
/// again (nesting, duplicates and UTF-8 were checked).
fn loose_reader<'a>(value: &'a [u8], members: Vec<Member<'a>>) -> Reader<'a> {
    Reader {
        bytes: value,
        at: 0,
        max_depth: usize::MAX,
        check_duplicates: false,
        plain_numbers: true,
        members,
    }
}

/// Calls `clean` with the text of each item of the array `reader` is at, until one is not:
/// `Some` when every item is clean.
fn each_item<'a>(reader: &mut Reader<'a>, mut clean: impl FnMut(&'a [u8]) -> bool) -> Option<()> {
    reader.expect(b'[')?;
    reader.skip_whitespace();
    if reader.peek()? == b']' {
        return Some(());
    }
    loop {
        reader.skip_whitespace();
        let start = reader.at;
        reader.value(0)?;
        if !clean(reader.bytes.get(start..reader.at)?) {
            return None;
        }
        reader.skip_whitespace();
        match reader.peek()? {
            b',' => reader.at += 1,
            b']' => return Some(()),
            _ => return None,
        }
    }
}

/// Whether every alias pair whose halves are both present carries one value (compared as
/// UUIDs are, without regard to case). Anything the lane cannot compare exactly steps aside.
fn aliases_agree<'a>(spec: &EventSpec, member: &impl Fn(&str) -> Option<&'a [u8]>) -> bool {
    spec.aliases
        .iter()
        .all(|(first, second)| match (member(first), member(second)) {
            (Some(a), Some(b)) => {
                if a == b"null" || b == b"null" {
                    return true;
                }
                match (plain_string(a), plain_string(b)) {
                    (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
                    _ => false,
                }
            }
            _ => true,
        })
}

/// A member of an object of the normalized payload.
#[derive(Clone, Copy)]
struct Output<'a> {
    key: &'a [u8],
    /// The value's text as sent (for [`Output::name`], the text of a catalog name).
    value: &'a [u8],
    /// The schema the value was checked against (for its UUIDs).
    schema: Option<&'static Schema>,
    /// The value is a catalog name, to be written as a string.
    name: bool,
}

/// Writes the normalized payload of a clean delivery straight from its text, as
/// [`crate::normalize::normalize`] rewrites a tree and serde_json then writes it: compact, keys
/// sorted, `event_name` the canonical name, UUIDs in lower case, alias pairs completed.
fn write_normalized(
    members: &[Member<'_>],
    source: &'static Schema,
    canonical: &EventSpec,
) -> Option<Normalized> {
    let mut stack: Vec<Output<'_>> = Vec::with_capacity(members.len() + 8);
    stack.extend(
        members
            .iter()
            .filter(|member| member.key != b"event_name")
            .map(|member| Output {
                key: member.key,
                value: member.value,
                schema: member_schema(Some(source), member.key),
                name: false,
            }),
    );
    stack.push(Output {
        key: b"event_name",
        value: canonical.name.as_bytes(),
        schema: None,
        name: true,
    });
    for (first, second) in canonical.aliases {
        for (missing, present) in [(first, second), (second, first)] {
            let find = |name: &str| {
                stack
                    .iter()
                    .find(|output| compiled::same_bytes(output.key, name.as_bytes()))
                    .copied()
            };
            if find(missing).is_some() {
                continue;
            }
            if let Some(source_member) = find(present).filter(|output| output.value != b"null") {
                stack.push(Output {
                    key: missing.as_bytes(),
                    ..source_member
                });
            }
        }
    }
    let size: usize = members
        .iter()
        .map(|member| member.key.len() + member.value.len() + 4)
        .sum();
    let mut out = Vec::with_capacity(size + 64);
    let mut writer = Writer {
        out: &mut out,
        stack,
        members: Vec::new(),
    };
    writer.object(0)?;
    String::from_utf8(out)
        .ok()
        .map(Normalized::from_compact_json)
}

/// The schema of member `name` under `schema`, if any.
fn member_schema(schema: Option<&'static Schema>, name: &[u8]) -> Option<&'static Schema> {
    let schema = schema?;
    let index = schema.property_index(name)?;
    schema.properties.get(index).map(|(_, member)| *member)
}

/// Writes values compactly: objects with sorted keys, strings as serde_json escapes them,
/// UUIDs in lower case.
struct Writer<'o, 'a> {
    out: &'o mut Vec<u8>,
    /// The members of the objects being written, innermost on top.
    stack: Vec<Output<'a>>,
    /// Scratch for re-reading a nested object's members.
    members: Vec<Member<'a>>,
}

impl<'a> Writer<'_, 'a> {
    /// Writes the object whose members are on the stack from `start`, sorted by name as
    /// serde_json's maps are, and takes them off.
    fn object(&mut self, start: usize) -> Option<()> {
        self.stack
            .get_mut(start..)?
            .sort_unstable_by(|a, b| a.key.cmp(b.key));
        let end = self.stack.len();
        self.out.push(b'{');
        for index in start..end {
            let member = *self.stack.get(index)?;
            if index > start {
                self.out.push(b',');
            }
            self.out.push(b'"');
            self.out.extend_from_slice(member.key);
            self.out.extend_from_slice(b"\":");
            if member.name {
                self.out.push(b'"');
                self.out.extend_from_slice(member.value);
                self.out.push(b'"');
            } else {
                self.value(member.value, member.schema)?;
            }
        }
        self.out.push(b'}');
        self.stack.truncate(start);
        Some(())
    }

    fn value(&mut self, value: &'a [u8], schema: Option<&'static Schema>) -> Option<()> {
        match value.first()? {
            b'"' => {
                let uuid = schema.is_some_and(|schema| schema.uuid);
                self.string(value.get(1..value.len().checked_sub(1)?)?, uuid)
            }
            b'{' => {
                let mut reader = loose_reader(value, std::mem::take(&mut self.members));
                reader.object(0)?;
                let start = self.stack.len();
                self.stack
                    .extend(reader.members.iter().map(|member| Output {
                        key: member.key,
                        value: member.value,
                        schema: member_schema(schema, member.key),
                        name: false,
                    }));
                self.members = reader.members;
                self.members.clear();
                self.object(start)
            }
            b'[' => {
                let item_schema = schema.and_then(|schema| schema.items);
                let mut reader = loose_reader(value, Vec::new());
                let mut first = true;
                self.out.push(b'[');
                each_item(&mut reader, |item| {
                    if !first {
                        self.out.push(b',');
                    }
                    first = false;
                    self.value(item, item_schema).is_some()
                })?;
                self.out.push(b']');
                Some(())
            }
            // Literals and plain integers are written as sent (whitespace is outside values).
            _ => {
                self.out.extend_from_slice(value);
                Some(())
            }
        }
    }

    fn string(&mut self, contents: &[u8], uuid: bool) -> Option<()> {
        self.out.push(b'"');
        let start = self.out.len();
        if has_escape(contents) {
            let mut bytes = contents.iter();
            while let Some(&byte) = bytes.next() {
                if byte == b'\\' {
                    // The escapes the reader accepts; serde_json writes each the same way but
                    // `\/`, which it writes as `/`.
                    let escaped = *bytes.next()?;
                    if escaped != b'/' {
                        self.out.push(b'\\');
                    }
                    self.out.push(escaped);
                } else {
                    self.out.push(byte);
                }
            }
        } else {
            self.out.extend_from_slice(contents);
        }
        if uuid {
            // As a tree would be lowered before serde_json writes it: the letters of escapes
            // (`\n`, `\t`, ...) are lower case already.
            if let Some(written) = self.out.get_mut(start..) {
                written.make_ascii_lowercase();
            }
        }
        self.out.push(b'"');
        Some(())
    }
}
