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
    if !schema_allows(schema, Types::OBJECT) || !aliases_agree(spec, &member) {
        return None;
    }
    let status = match member("status") {
        Some(value) => Some(plain_string(value)?),
        None => None,
    };
    let canonical = spec.canonical_name(status).and_then(catalog::event);
    let mut scratch = Vec::new();
    let normalized =
        match canonical {
            // Numbers are copied as written: only plain integers are written the way serde_json
            // writes their value.
            Some(canonical) if want_normalized && reader.plain_numbers => Some(
                checked_and_normalized(&members, schema, canonical, &mut scratch)?,
            ),
            Some(_) if want_normalized => return None,
            _ => {
                let mut members = members;
                if !object_is_clean(schema, &mut members, &mut scratch, None) {
                    return None;
                }
                None
            }
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

/// The schema `true`, for the members of objects whose schema declares none of them.
static ANY: Schema = Schema::ANY;

/// The schema of member `name` under `schema`: its declared one, or `true` when undeclared
/// (an open object; a closed one refuses the member before asking).
fn member_schema(schema: &Schema, name: &[u8]) -> &'static Schema {
    schema
        .property_index(name)
        .and_then(|index| schema.properties.get(index))
        .map_or(&ANY, |(_, member)| *member)
}

/// Whether an object's members fit `schema`'s shape: every required member present, one of an
/// alias pair, none undeclared when the schema is closed. Values are not looked at.
fn members_fit(schema: &Schema, members: &[Member<'_>]) -> bool {
    if schema.constant.is_some() || schema.one_of.is_some() {
        return false;
    }
    let mut seen: u64 = 0;
    for member in members {
        match schema.property_index(member.key) {
            Some(index) => seen |= bit(index),
            None if schema.closed => return false,
            None => {}
        }
    }
    has_required(schema, seen, members)
}

/// Whether the members of an object are clean against `schema` (the object's own type
/// already checked). With `out`, also writes the object normalized: members sorted by name,
/// as serde_json's maps are. `scratch` holds the members of nested objects.
fn object_is_clean<'a>(
    schema: &Schema,
    members: &mut [Member<'a>],
    scratch: &mut Vec<Member<'a>>,
    mut out: Option<&mut Vec<u8>>,
) -> bool {
    if schema.constant.is_some() || schema.one_of.is_some() {
        return false;
    }
    if let Some(out) = out.as_deref_mut() {
        members.sort_unstable_by(|a, b| a.key.cmp(b.key));
        out.push(b'{');
    }
    let mut seen: u64 = 0;
    for (index, member) in members.iter().enumerate() {
        let member_schema = match schema.property_index(member.key) {
            Some(declared) => {
                seen |= bit(declared);
                schema
                    .properties
                    .get(declared)
                    .map_or(&ANY, |(_, member)| *member)
            }
            None if schema.closed => return false,
            None => &ANY,
        };
        if let Some(out) = out.as_deref_mut() {
            write_key(out, index, member.key);
        }
        if !value_is_clean(member_schema, member.value, scratch, out.as_deref_mut()) {
            return false;
        }
    }
    if let Some(out) = out {
        out.push(b'}');
    }
    has_required(schema, seen, members)
}

/// The bit of the `index`-th property in [`Schema::required_mask`] (none beyond 64).
fn bit(index: usize) -> u64 {
    1u64.checked_shl(u32::try_from(index).unwrap_or(u32::MAX))
        .unwrap_or(0)
}

/// Whether the members (whose declared properties are the bits of `seen`) include every
/// required one, and one of an alias pair.
fn has_required(schema: &Schema, seen: u64, members: &[Member<'_>]) -> bool {
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

/// Writes `"key":`, after a comma unless it is the object's first member.
fn write_key(out: &mut Vec<u8>, index: usize, key: &[u8]) {
    if index > 0 {
        out.push(b',');
    }
    out.push(b'"');
    out.extend_from_slice(key);
    out.extend_from_slice(b"\":");
}

/// Whether a value (already read strictly) is clean against `schema`; with `out`, also writes
/// it normalized: compact, objects' members sorted, strings as serde_json escapes them, UUIDs
/// in lower case.
fn value_is_clean<'a>(
    schema: &Schema,
    value: &'a [u8],
    scratch: &mut Vec<Member<'a>>,
    mut out: Option<&mut Vec<u8>>,
) -> bool {
    let Some(&first) = value.first() else {
        return false;
    };
    let no_literal = schema.constant.is_none() && schema.one_of.is_none();
    let clean = match first {
        b'"' => {
            if !schema_allows(schema, Types::STRING) {
                return false;
            }
            if schema.uuid || !no_literal {
                let Some(text) = unescaped(value) else {
                    return false;
                };
                let clean = (!schema.uuid || compiled::is_uuid(text))
                    && schema.one_of.is_none_or(|options| {
                        options
                            .iter()
                            .any(|option| compiled::same_bytes(option.as_bytes(), text))
                    })
                    && schema.constant.is_none_or(|constant| {
                        matches!(constant, Constant::Text(expected) if compiled::same_bytes(expected.as_bytes(), text))
                    });
                if !clean {
                    return false;
                }
            }
            if let Some(out) = out {
                return write_string(out, value, schema.uuid).is_some();
            }
            true
        }
        b't' | b'f' => schema_allows(schema, Types::BOOLEAN) && no_literal,
        b'n' => schema_allows(schema, Types::NULL) && no_literal,
        b'{' => {
            if !schema_allows(schema, Types::OBJECT) {
                return false;
            }
            let mut reader = loose_reader(value, std::mem::take(scratch));
            let read = reader.object(0).is_some();
            let mut members = reader.members;
            let clean = read && object_is_clean(schema, &mut members, &mut Vec::new(), out);
            *scratch = members;
            scratch.clear();
            return clean;
        }
        b'[' => {
            if !schema_allows(schema, Types::ARRAY) || !no_literal {
                return false;
            }
            let item_schema = match (schema.items, out.is_some()) {
                (Some(items), _) => items,
                // Unchecked items are still written normalized.
                (None, true) => &ANY,
                (None, false) => return true,
            };
            let mut reader = loose_reader(value, Vec::new());
            if let Some(out) = out.as_deref_mut() {
                out.push(b'[');
            }
            let mut index = 0;
            let clean = each_item(&mut reader, |item| {
                if let Some(out) = out.as_deref_mut()
                    && index > 0
                {
                    out.push(b',');
                }
                index += 1;
                value_is_clean(item_schema, item, scratch, out.as_deref_mut())
            })
            .is_some();
            if let Some(out) = out {
                out.push(b']');
            }
            return clean;
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
    };
    // Literals and numbers are written as sent: only plain integers reach a writing walk.
    if clean && let Some(out) = out {
        out.extend_from_slice(value);
    }
    clean
}

/// Writes a string value as serde_json writes the string it holds, in lower case for a UUID.
fn write_string(out: &mut Vec<u8>, value: &[u8], uuid: bool) -> Option<()> {
    let contents = value.get(1..value.len().checked_sub(1)?)?;
    out.push(b'"');
    let start = out.len();
    if has_escape(contents) {
        let mut bytes = contents.iter();
        while let Some(&byte) = bytes.next() {
            if byte == b'\\' {
                // The escapes the reader accepts; serde_json writes each the same way but
                // `\/`, which it writes as `/`.
                let escaped = *bytes.next()?;
                if escaped != b'/' {
                    out.push(b'\\');
                }
                out.push(escaped);
            } else {
                out.push(byte);
            }
        }
    } else {
        out.extend_from_slice(contents);
    }
    if uuid {
        // As a tree would be lowered before serde_json writes it: the letters of escapes
        // (`\n`, `\t`, ...) are lower case already.
        if let Some(written) = out.get_mut(start..) {
            written.make_ascii_lowercase();
        }
    }
    out.push(b'"');
    Some(())
}

/// Checks a clean-looking delivery and writes its normalized payload in the same walk, as
/// [`crate::normalize::normalize`] rewrites a tree and serde_json then writes it: compact,
/// keys sorted, `event_name` the canonical name, UUIDs in lower case, alias pairs completed.
fn checked_and_normalized<'a>(
    members: &[Member<'a>],
    source: &'static Schema,
    canonical: &EventSpec,
    scratch: &mut Vec<Member<'a>>,
) -> Option<Normalized> {
    if !members_fit(source, members) {
        return None;
    }
    // The top level's members as written: `event_name` replaced, aliases completed from their
    // other half (the copy keeps its source's schema, as a tree's copy keeps its lowered text).
    let mut outputs: Vec<(&[u8], Option<Member<'a>>)> = Vec::with_capacity(members.len() + 4);
    for member in members {
        if member.key == b"event_name" {
            let event_name_schema = member_schema(source, member.key);
            if !value_is_clean(event_name_schema, member.value, scratch, None) {
                return None;
            }
        } else {
            outputs.push((member.key, Some(*member)));
        }
    }
    outputs.push((b"event_name", None));
    for (first, second) in canonical.aliases {
        for (missing, present) in [(first, second), (second, first)] {
            let find = |name: &str| {
                outputs
                    .iter()
                    .find(|(key, _)| compiled::same_bytes(key, name.as_bytes()))
                    .map(|(_, member)| *member)
            };
            if find(missing).is_some() {
                continue;
            }
            if let Some(Some(copied)) = find(present)
                && copied.value != b"null"
            {
                outputs.push((missing.as_bytes(), Some(copied)));
            }
        }
    }
    outputs.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let size: usize = members
        .iter()
        .map(|member| member.key.len() + member.value.len() + 4)
        .sum();
    let mut out = Vec::with_capacity(size + 64);
    out.push(b'{');
    for (index, (key, member)) in outputs.iter().enumerate() {
        write_key(&mut out, index, key);
        match member {
            None => {
                out.push(b'"');
                out.extend_from_slice(canonical.name.as_bytes());
                out.push(b'"');
            }
            Some(member) => {
                let schema = member_schema(source, member.key);
                if !value_is_clean(schema, member.value, scratch, Some(&mut out)) {
                    return None;
                }
            }
        }
    }
    out.push(b'}');
    String::from_utf8(out)
        .ok()
        .map(Normalized::from_compact_json)
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
