//! The express lane's reader: strict JSON over borrowed bytes, giving up (`None`) on anything
//! intake would refuse (intake words and places those errors). Member names are decoded when
//! they hold escapes; values are kept as their text.

use std::borrow::Cow;
use std::collections::HashSet;

use crate::compiled;
use crate::number::{self, ExactNumber};

/// Up to this many members, an object's names are compared one by one for duplicates
/// (Ocrolus' objects have about a dozen); a larger object gets a set.
const LINEAR_MEMBERS: usize = 32;

/// One member of an object: its name (escapes decoded; borrowed from the body when it has
/// none) and its value's text.
#[derive(Clone)]
pub(super) struct Member<'a> {
    pub(super) key: Cow<'a, [u8]>,
    pub(super) value: &'a [u8],
}

/// A strict JSON reader.
pub(super) struct Reader<'a> {
    pub(super) bytes: &'a [u8],
    pub(super) at: usize,
    pub(super) max_depth: usize,
    /// Off when re-reading a value the strict pass already accepted.
    pub(super) check_duplicates: bool,
    /// The members of the objects being read, innermost last; after the top-level object,
    /// its members.
    pub(super) members: Vec<Member<'a>>,
}

impl<'a> Reader<'a> {
    pub(super) fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    pub(super) fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.at += 1;
        }
    }

    pub(super) fn expect(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.at += 1)
    }

    /// Reads an object at nesting level `depth`, leaving its members on top of
    /// [`Reader::members`].
    pub(super) fn object(&mut self, depth: usize) -> Option<()> {
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
        let mut names: Option<HashSet<Cow<'a, [u8]>>> = None;
        loop {
            self.skip_whitespace();
            let raw = self.string()?;
            let key = if has_escape(raw) {
                Cow::Owned(decode(raw)?)
            } else {
                Cow::Borrowed(raw)
            };
            if self.check_duplicates {
                let earlier = self.members.get(first..)?;
                let repeated = match &mut names {
                    Some(names) => !names.insert(key.clone()),
                    None if earlier.len() < LINEAR_MEMBERS => earlier
                        .iter()
                        .any(|member| compiled::same_bytes(&member.key, &key)),
                    None => {
                        // Comparing one by one would be quadratic in the object's size.
                        let mut set: HashSet<Cow<'a, [u8]>> =
                            earlier.iter().map(|member| member.key.clone()).collect();
                        let repeated = !set.insert(key.clone());
                        names = Some(set);
                        repeated
                    }
                };
                if repeated {
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
    pub(super) fn value(&mut self, depth: usize) -> Option<()> {
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
                    ExactNumber::Integer(_) | ExactNumber::Fraction(_) => Some(()),
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

    /// The code unit of a `uXXXX` escape (the reader at its `u`).
    fn hex_escape(&mut self) -> Option<u32> {
        self.expect(b'u')?;
        let unit = code_unit(self.bytes.get(self.at..self.at + 4)?)?;
        self.at += 4;
        Some(unit)
    }

    /// A string's raw contents (between the quotes, escapes left as written). Refuses raw
    /// control characters, unknown escapes, a lone surrogate (intake's to explain) and contents
    /// that are not UTF-8.
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
                        b'u' => {
                            // A character, or a surrogate pair; a lone surrogate is intake's to
                            // explain.
                            let unit = self.hex_escape()?;
                            if (0xDC00..0xE000).contains(&unit) {
                                return None;
                            }
                            if (0xD800..0xDC00).contains(&unit) {
                                self.expect(b'\\')?;
                                let low = self.hex_escape()?;
                                if !(0xDC00..0xE000).contains(&low) {
                                    return None;
                                }
                            }
                        }
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
pub(super) fn unescaped(value: &[u8]) -> Option<&[u8]> {
    let contents = value.strip_prefix(b"\"")?.strip_suffix(b"\"")?;
    (!has_escape(contents)).then_some(contents)
}

/// Whether string contents hold an escape. Written out: on strings this short a loop the
/// compiler unrolls beats a call to `memchr`, which `contains` makes (measured: 5% of the lane).
#[allow(clippy::manual_contains)]
pub(super) fn has_escape(contents: &[u8]) -> bool {
    contents.iter().any(|&byte| byte == b'\\')
}

/// A reader over a value the strict pass has already accepted: only its structure is read
/// again (nesting, duplicates and UTF-8 were checked).
pub(super) fn loose_reader<'a>(value: &'a [u8], members: Vec<Member<'a>>) -> Reader<'a> {
    Reader {
        bytes: value,
        at: 0,
        max_depth: usize::MAX,
        check_duplicates: false,
        members,
    }
}

/// Calls `clean` with the text of each item of the array `reader` is at, until one is not:
/// `Some` when every item is clean.
pub(super) fn each_item<'a>(
    reader: &mut Reader<'a>,
    mut clean: impl FnMut(&'a [u8]) -> bool,
) -> Option<()> {
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

/// The UTF-16 code unit four hexadecimal digits spell.
fn code_unit(digits: &[u8]) -> Option<u32> {
    if digits.len() != 4 {
        return None;
    }
    digits.iter().try_fold(0, |unit, &digit| {
        Some(unit * 16 + char::from(digit).to_digit(16)?)
    })
}

/// The contents of a string value the reader accepted, its escapes decoded.
pub(super) fn decoded(value: &[u8]) -> Option<Vec<u8>> {
    decode(value.strip_prefix(b"\"")?.strip_suffix(b"\"")?)
}

/// The text of a string value the reader accepted: borrowed from the body unless it holds
/// escapes (most do not, and this runs for every delivery's `event_name`).
pub(super) fn text(value: &[u8]) -> Option<Cow<'_, [u8]>> {
    match unescaped(value) {
        Some(text) => Some(Cow::Borrowed(text)),
        None => decoded(value).map(Cow::Owned),
    }
}

/// String contents the reader accepted, escapes decoded (surrogate pairs joined: the reader
/// lets no lone surrogate through).
pub(super) fn decode(contents: &[u8]) -> Option<Vec<u8>> {
    let mut text = Vec::with_capacity(contents.len());
    let mut bytes = contents.iter();
    let hex = |bytes: &mut std::slice::Iter<'_, u8>| -> Option<u32> {
        let digits = bytes.as_slice().get(..4)?;
        bytes.nth(3)?;
        code_unit(digits)
    };
    while let Some(&byte) = bytes.next() {
        if byte != b'\\' {
            text.push(byte);
            continue;
        }
        let character = match bytes.next()? {
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let unit = hex(&mut bytes)?;
                let code = if (0xD800..0xDC00).contains(&unit) {
                    // `\uD83D\uDE00`: skip the second backslash and `u`.
                    bytes.next()?;
                    bytes.next()?;
                    let low = hex(&mut bytes)?;
                    0x10000 + ((unit - 0xD800) << 10) + (low.checked_sub(0xDC00)?)
                } else {
                    unit
                };
                char::from_u32(code)?
            }
            other => char::from(*other),
        };
        let mut buffer = [0; 4];
        text.extend_from_slice(character.encode_utf8(&mut buffer).as_bytes());
    }
    Some(text)
}
