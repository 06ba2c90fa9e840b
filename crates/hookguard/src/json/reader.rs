//! The one strict reader of request bodies: JSON over borrowed bytes, under intake's rules
//! (duplicate names, nesting, UTF-8, control characters, escapes, surrogates, the grammar,
//! I-JSON numbers). Member names are decoded when they hold escapes; values are kept as their
//! text, for the walk to judge without a tree.
//!
//! A body the reader refuses gets one [`Failure`]: its kind, the byte it points at and the
//! path to the value being read. Those are the places hookguard has always reported (they were
//! serde_json's, whose reader intake used until this one replaced it): an error about a byte
//! read points at that byte, one about a byte looked at but not taken points at the next byte,
//! and a few refusals made after a value was read point where serde_json then stood. The
//! oracle tests hold every refusal to the old reader's, byte for byte.

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::HashSet;
use std::ops::Deref;

use crate::json::error::IntakeErrorKind;
use crate::json::number::{self, ExactNumber};
use crate::json::pointer;

/// Up to this many members, an object's names are compared one by one for duplicates
/// (Ocrolus' objects have about a dozen); a larger object gets a set.
const LINEAR_MEMBERS: usize = 32;

/// One member of an object: its name (escapes decoded; borrowed from the body when it has
/// none) and its value's text.
#[derive(Clone)]
pub(crate) struct Member<'a> {
    pub(crate) key: Cow<'a, [u8]>,
    pub(crate) value: &'a [u8],
}

/// Why and where the reader refused a body.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Failure {
    pub(crate) kind: IntakeErrorKind,
    /// The byte the refusal points at.
    pub(crate) offset: usize,
    /// JSON Pointer tokens (escaped, each with its `/`) from the value being read out to the
    /// top-level member, innermost first: collected as the refusal unwinds, so a body read
    /// whole pays nothing for them.
    pub(crate) path: Vec<String>,
}

impl Failure {
    /// The JSON Pointer to the value being read when the reader stopped.
    pub(crate) fn pointer(&self) -> String {
        self.path.iter().rev().map(String::as_str).collect()
    }
}

/// A whole body read as one object: its text and its members.
pub(crate) struct Document<'a> {
    /// The top-level object's text, without the whitespace around it.
    pub(crate) root: &'a [u8],
    pub(crate) members: MemberList<'a>,
    /// The members and items of the values nested in it, when they were kept.
    pub(crate) tape: Tape<'a>,
}

/// At most one entry of a [`Tape`] (a member, an item or a container) per this many bytes of
/// the body, so that a tape stays within a small multiple of the body's size (an entry is 20
/// bytes on wasm32, 40 natively, and `[1,1,...]` has an item every two bytes). Ocrolus' bodies
/// have one member per 40-60 bytes: their tapes are always whole.
const BODY_BYTES_PER_TAPE_ENTRY: usize = 16;

/// The members of the objects and the items of the arrays nested in a body, as the strict pass
/// read them, so that a walk looks them up instead of reading every nested value again (once
/// per level it is nested at, before the tape). Bounded by the body's size
/// ([`BODY_BYTES_PER_TAPE_ENTRY`]): past the bound the containers not kept are read again
/// ([`Tape::members`] says `None`), which is what every lookup of an empty tape says too.
#[derive(Default)]
pub(crate) struct Tape<'a> {
    /// Every container in the order it opened (so in the order of where it starts).
    containers: Vec<Container>,
    /// The members of each kept object (its items for an array, with empty names), each
    /// container's together.
    entries: Vec<Member<'a>>,
    /// How many more entries and containers the bound allows.
    room: usize,
}

/// Where one container's entries are in [`Tape::entries`].
struct Container {
    /// The address of its first byte (`{` or `[`): a value's text is looked up by its slice.
    at: usize,
    first: u32,
    /// [`Container::NOT_KEPT`] until it closes with room on the tape.
    end: u32,
}

impl Container {
    const NOT_KEPT: u32 = u32::MAX;
}

impl<'a> Tape<'a> {
    /// A tape for a body of `body_len` bytes (allocating only once something nests).
    fn for_body(body_len: usize) -> Tape<'a> {
        Tape {
            containers: Vec::new(),
            entries: Vec::new(),
            room: body_len / BODY_BYTES_PER_TAPE_ENTRY + 16,
        }
    }

    /// The members (or items) of the object (or array) whose text is `value`, a slice of the
    /// body the tape was made from; `None` when the tape did not keep them.
    pub(crate) fn members(&self, value: &[u8]) -> Option<&[Member<'a>]> {
        let at = value.as_ptr() as usize;
        let index = self
            .containers
            .binary_search_by(|container| container.at.cmp(&at))
            .ok()?;
        let container = self.containers.get(index)?;
        if container.end == Container::NOT_KEPT {
            return None;
        }
        self.entries
            .get(usize::try_from(container.first).ok()?..usize::try_from(container.end).ok()?)
    }

    /// A container opens at `at`: its slot, if the tape has room for one.
    fn open(&mut self, at: usize) -> Option<usize> {
        self.room = self.room.checked_sub(1)?;
        self.containers.push(Container {
            at,
            first: 0,
            end: Container::NOT_KEPT,
        });
        Some(self.containers.len() - 1)
    }

    /// The container in `slot` closed with `entries` (taken off the reader's stack): kept if
    /// the tape has room, else the tape stops keeping anything.
    fn close(&mut self, slot: usize, entries: std::vec::Drain<'_, Member<'a>>) {
        let count = entries.len();
        let (Some(room), Ok(first), Ok(end)) = (
            self.room.checked_sub(count),
            u32::try_from(self.entries.len()),
            u32::try_from(self.entries.len() + count),
        ) else {
            self.room = 0;
            return;
        };
        self.room = room;
        self.entries.extend(entries);
        if let Some(container) = self.containers.get_mut(slot) {
            container.first = first;
            container.end = end;
        }
    }
}

/// A body's top-level members; their room goes back to the thread for the next body when the
/// list goes ([`keep_room`]).
pub(crate) struct MemberList<'a>(Vec<Member<'a>>);

impl<'a> Deref for MemberList<'a> {
    type Target = Vec<Member<'a>>;

    fn deref(&self) -> &Vec<Member<'a>> {
        &self.0
    }
}

impl Drop for MemberList<'_> {
    fn drop(&mut self) {
        keep_room(std::mem::take(&mut self.0));
    }
}

/// Hands a body's member list back to its thread as the next body's room ([`SPARE_MEMBERS`]):
/// the same allocation when it is still the first room, else a fresh first room (one grown for
/// a wider body is freed). So from its first body on, a thread holds exactly one first room
/// between bodies whatever it was sent, accepted or refused: the gateway soak holds every VM's
/// idle heap to what it held after warm-up, to the byte.
fn keep_room(mut members: Vec<Member<'_>>) {
    let spare: Vec<Member<'static>> = if members.capacity() == MEMBERS_ROOM {
        members.clear();
        // An empty list of one body's members made a list for any body's: the standard
        // library collects into the same allocation (elements of the same size), so no
        // member is copied and nothing is allocated. Should it ever not, the spare is only
        // a fresh list, as before.
        #[allow(
            clippy::unnecessary_filter_map,
            reason = "the element type changes (its lifetime), which `filter` cannot do"
        )]
        members.into_iter().filter_map(|_| None).collect()
    } else {
        drop(members);
        Vec::with_capacity(MEMBERS_ROOM)
    };
    // (`try_with`: a list dropped while the thread's storage is torn down is just freed.)
    let _ = SPARE_MEMBERS.try_with(|slot| slot.set(spare));
}

thread_local! {
    /// The room of the last body's member list, empty, for the next body on this thread: a
    /// list of some hundreds of bytes allocated and freed per body cost more than any other
    /// allocation of a validation (in the WebAssembly modules' allocator most of all). Always
    /// a first room ([`MEMBERS_ROOM`], see [`keep_room`]) once the thread has read a body.
    static SPARE_MEMBERS: Cell<Vec<Member<'static>>> = const { Cell::new(Vec::new()) };
}

/// An empty member list, with the room kept from the last body when there is one.
fn spare_members<'a>() -> Vec<Member<'a>> {
    let spare = SPARE_MEMBERS.try_with(Cell::take).unwrap_or_default();
    if spare.capacity() == 0 {
        Vec::with_capacity(MEMBERS_ROOM)
    } else {
        spare
    }
}

/// The members a body's reader makes room for at once: more than most deliveries hold, in under
/// 1 KB (24 members of 40 bytes), which common allocators serve from their per-thread caches
/// (glibc's stops at 1,032 bytes: room for 32 members cost some 600 more instructions per body
/// in `malloc` and `free`, 6% of a validation). A larger body grows the room once or twice.
const MEMBERS_ROOM: usize = 24;

/// Reads `body` as one JSON object nesting at most `max_depth` levels (the object is level 1).
/// The failure of a body that is not one is the reader's alone: what a host reports also
/// depends on checks made before reading (size, byte order mark, UTF-8, the first byte), which
/// [`crate::json::intake`] makes.
/// With `keep_nested`, the document's [`Tape`] holds what the values nested in it are made of.
pub(crate) fn read_object(
    body: &[u8],
    max_depth: usize,
    keep_nested: bool,
) -> Result<Document<'_>, Box<Failure>> {
    let mut reader = Reader {
        bytes: body,
        at: 0,
        max_depth,
        strict: true,
        members: spare_members(),
        tape: keep_nested.then(|| Tape::for_body(body.len())),
        failure: None,
        escaped: false,
    };
    reader.skip_whitespace();
    let root_start = reader.at;
    let read = match reader.peek() {
        Some(b'{') => reader.object(1),
        _ => reader.fail_peeked(IntakeErrorKind::Syntax {
            expected: "body is not JSON (expected `{`)",
        }),
    };
    let root_end = reader.at;
    reader.skip_whitespace();
    if read.is_some() && reader.at != body.len() {
        reader.fail_peeked::<()>(IntakeErrorKind::TrailingCharacters);
    }
    let failure = reader.failure.take();
    if let (Some(()), None, Some(root)) = (read, &failure, body.get(root_start..root_end)) {
        return Ok(Document {
            root,
            members: MemberList(reader.members),
            tape: reader.tape.unwrap_or_default(),
        });
    }
    keep_room(reader.members);
    Err(failure.unwrap_or_else(|| {
        // A stop without a recorded failure is a defect of the reader: never accept then.
        Box::new(Failure {
            kind: IntakeErrorKind::Syntax {
                expected: "syntax error",
            },
            offset: root_end,
            path: Vec::new(),
        })
    }))
}

/// A strict JSON reader.
pub(crate) struct Reader<'a> {
    pub(crate) bytes: &'a [u8],
    pub(crate) at: usize,
    pub(crate) max_depth: usize,
    /// Whether the rules a value's structure does not show are checked: duplicate names and
    /// UTF-8. Off when re-reading a value the strict pass already accepted.
    pub(crate) strict: bool,
    /// The members of the objects being read, innermost last (and, while a tape is kept, the
    /// items of the arrays being read); after the top-level object, its members.
    pub(crate) members: Vec<Member<'a>>,
    /// Where the members and items of nested values are kept, when they are.
    tape: Option<Tape<'a>>,
    /// Why the reader stopped, once it has.
    failure: Option<Box<Failure>>,
    /// Whether the last string read held an escape (a member name is decoded only then).
    escaped: bool,
}

impl<'a> Reader<'a> {
    pub(crate) fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    pub(crate) fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.at += 1;
        }
    }

    pub(crate) fn expect(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.at += 1)
    }

    /// Stops at a refusal about the byte just read (or the end, when there is none).
    #[cold]
    fn fail_read<T>(&mut self, kind: IntakeErrorKind) -> Option<T> {
        let offset = self.offset_before(self.at);
        self.fail_at(kind, offset)
    }

    /// Stops at a refusal about the next byte, not read (or the end, when there is none).
    #[cold]
    fn fail_peeked<T>(&mut self, kind: IntakeErrorKind) -> Option<T> {
        let offset = self.offset_before((self.at + 1).min(self.bytes.len()));
        self.fail_at(kind, offset)
    }

    /// The byte before `index`, where a refusal made with the reader at `index` points; at the
    /// start of a line, the line's first byte (a position needs a column).
    fn offset_before(&self, index: usize) -> usize {
        match index.checked_sub(1) {
            Some(before) if self.bytes.get(before) != Some(&b'\n') => before,
            _ => index,
        }
    }

    #[cold]
    fn fail_at<T>(&mut self, kind: IntakeErrorKind, offset: usize) -> Option<T> {
        if self.failure.is_none() {
            self.failure = Some(Box::new(Failure {
                kind,
                offset,
                path: Vec::new(),
            }));
        }
        None
    }

    /// Adds the token of the value a failure is unwinding through.
    #[cold]
    fn unwind<T>(&mut self, token: impl FnOnce() -> String) -> Option<T> {
        if let Some(failure) = &mut self.failure {
            failure.path.push(token());
        }
        None
    }

    /// A container nested beyond the limit, its opening bracket read: the refusal points where
    /// serde_json stood after checking the container's end, as intake has always reported it
    /// (past the whitespace after the bracket, and past the closing bracket of an empty one).
    #[cold]
    fn too_deep<T>(&mut self, close: u8) -> Option<T> {
        self.skip_whitespace();
        match self.peek() {
            Some(byte) if byte == close => self.at += 1,
            Some(b',') if close == b']' => {
                self.at += 1;
                self.skip_whitespace();
            }
            _ => {}
        }
        let limit = self.max_depth;
        self.fail_read(IntakeErrorKind::TooDeep { limit })
    }

    /// Reads an object at nesting level `depth` (the reader at its `{`), leaving its members
    /// on top of [`Reader::members`].
    pub(crate) fn object(&mut self, depth: usize) -> Option<()> {
        self.expect(b'{')?;
        if depth > self.max_depth {
            return self.too_deep(b'}');
        }
        let first = self.members.len();
        let mut names: Option<HashSet<Cow<'a, [u8]>>> = None;
        loop {
            self.skip_whitespace();
            match self.peek() {
                Some(b'}') => {
                    self.at += 1;
                    return Some(());
                }
                Some(b'"') if self.members.len() == first => {}
                Some(b',') if self.members.len() > first => {
                    let comma = self.at;
                    self.at += 1;
                    self.skip_whitespace();
                    match self.peek() {
                        Some(b'"') => {}
                        Some(b'}') => return self.fail_at(IntakeErrorKind::TrailingComma, comma),
                        Some(_) => return self.fail_peeked(KEY_MUST_BE_A_STRING),
                        None => return self.fail_peeked(IntakeErrorKind::UnexpectedEnd),
                    }
                }
                Some(_) if self.members.len() == first => {
                    return self.fail_peeked(KEY_MUST_BE_A_STRING);
                }
                Some(_) => {
                    return self.fail_peeked(IntakeErrorKind::Syntax {
                        expected: "expected `,` or `}` in an object",
                    });
                }
                None => return self.fail_peeked(IntakeErrorKind::UnexpectedEnd),
            }
            let key_start = self.at;
            let raw = self.string()?;
            let key = if self.escaped {
                Cow::Owned(decode(raw)?)
            } else {
                Cow::Borrowed(raw)
            };
            if self.strict && self.repeats(first, &mut names, &key)? {
                self.fail_at::<()>(IntakeErrorKind::DuplicateKey, key_start);
                return self.unwind(|| token(&key));
            }
            self.skip_whitespace();
            let colon = match self.peek() {
                Some(b':') => {
                    self.at += 1;
                    Some(())
                }
                Some(_) => self.fail_peeked(IntakeErrorKind::Syntax {
                    expected: "expected `:` after an object key",
                }),
                None => self.fail_peeked(IntakeErrorKind::UnexpectedEnd),
            };
            self.skip_whitespace();
            let start = self.at;
            if colon.is_none() || self.value(depth).is_none() {
                return self.unwind(|| token(&key));
            }
            let value = self.bytes.get(start..self.at)?;
            self.members.push(Member { key, value });
        }
    }

    /// Whether `key` names a member already read into the object whose members start at
    /// `first` (`names` holds them once the object is large).
    // The `Cow` itself, not its bytes: a borrowed name goes into the set without a copy.
    #[allow(clippy::ptr_arg)]
    fn repeats(
        &self,
        first: usize,
        names: &mut Option<HashSet<Cow<'a, [u8]>>>,
        key: &Cow<'a, [u8]>,
    ) -> Option<bool> {
        let earlier = self.members.get(first..)?;
        Some(match names {
            Some(names) => !names.insert(key.clone()),
            None if earlier.len() < LINEAR_MEMBERS => {
                earlier.iter().any(|member| same_bytes(&member.key, key))
            }
            None => {
                // Comparing one by one would be quadratic in the object's size.
                let mut set: HashSet<Cow<'a, [u8]>> =
                    earlier.iter().map(|member| member.key.clone()).collect();
                let repeated = !set.insert(key.clone());
                *names = Some(set);
                repeated
            }
        })
    }

    /// Reads an array at nesting level `depth` (the reader at its `[`).
    fn array(&mut self, depth: usize) -> Option<()> {
        self.expect(b'[')?;
        if depth > self.max_depth {
            return self.too_deep(b']');
        }
        let mut index = 0usize;
        loop {
            self.skip_whitespace();
            let next = match self.peek() {
                Some(b']') => {
                    self.at += 1;
                    return Some(());
                }
                Some(_) if index == 0 => Some(()),
                Some(b',') => {
                    let comma = self.at;
                    self.at += 1;
                    self.skip_whitespace();
                    match self.peek() {
                        Some(b']') => self.fail_at(IntakeErrorKind::TrailingComma, comma),
                        Some(_) => Some(()),
                        None => self.fail_peeked(IntakeErrorKind::UnexpectedEnd),
                    }
                }
                Some(_) => self.fail_peeked(IntakeErrorKind::Syntax {
                    expected: "expected `,` or `]` in an array",
                }),
                None => self.fail_peeked(IntakeErrorKind::UnexpectedEnd),
            };
            // Whitespace is behind: the item starts here.
            let start = self.at;
            if next.is_none() || self.value(depth).is_none() {
                return self.unwind(|| format!("/{index}"));
            }
            if self.tape.is_some() {
                let value = self.bytes.get(start..self.at)?;
                self.members.push(Member {
                    key: Cow::Borrowed(&[]),
                    value,
                });
            }
            index += 1;
        }
    }

    /// Reads one value inside a container at level `depth`.
    pub(crate) fn value(&mut self, depth: usize) -> Option<()> {
        self.skip_whitespace();
        match self.peek() {
            // A nested container's members (or items) go on the stack above the outer
            // object's, and go: onto the tape, when one is kept.
            Some(b'{') => self.nested(|reader| reader.object(depth + 1)),
            Some(b'[') => self.nested(|reader| reader.array(depth + 1)),
            Some(b'"') => self.string().map(|_| ()),
            Some(b't') => self.literal(b"true"),
            Some(b'f') => self.literal(b"false"),
            Some(b'n') => self.literal(b"null"),
            Some(b'-' | b'0'..=b'9') => {
                let literal = self.number()?;
                match number::read(literal) {
                    ExactNumber::OutOfRange => self.fail_read(IntakeErrorKind::NumberOutOfRange),
                    ExactNumber::Integer(_) | ExactNumber::Fraction(_) => Some(()),
                }
            }
            Some(_) => self.fail_peeked(IntakeErrorKind::Syntax {
                expected: "expected a JSON value",
            }),
            None => self.fail_peeked(IntakeErrorKind::UnexpectedEnd),
        }
    }

    /// Reads a nested container with `read` (the reader at its first byte), its members or
    /// items kept on the tape when one is kept.
    fn nested(&mut self, read: impl FnOnce(&mut Reader<'a>) -> Option<()>) -> Option<()> {
        let outer = self.members.len();
        let at = self.bytes.get(self.at)? as *const u8 as usize;
        let slot = self.tape.as_mut().and_then(|tape| tape.open(at));
        let read = read(self);
        if let (Some(()), Some(slot), Some(tape)) = (read, slot, self.tape.as_mut()) {
            tape.close(slot, self.members.drain(outer..));
        }
        self.members.truncate(outer);
        read
    }

    /// `true`, `false` or `null`, the reader at its first letter.
    fn literal(&mut self, word: &[u8]) -> Option<()> {
        for &expected in word {
            match self.peek() {
                Some(byte) => {
                    self.at += 1;
                    if byte != expected {
                        return self.fail_read(IntakeErrorKind::Syntax {
                            expected: "expected a JSON value (true, false or null)",
                        });
                    }
                }
                None => return self.fail_read(IntakeErrorKind::UnexpectedEnd),
            }
        }
        Some(())
    }

    /// A number literal, by JSON's grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    fn number(&mut self) -> Option<&'a [u8]> {
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.at += 1;
                if self.peek().is_some_and(|b| b.is_ascii_digit()) {
                    return self.fail_peeked(INVALID_NUMBER);
                }
            }
            Some(b'1'..=b'9') => self.digits(),
            Some(_) => {
                self.at += 1;
                return self.fail_read(INVALID_NUMBER);
            }
            None => return self.fail_read(IntakeErrorKind::UnexpectedEnd),
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            let fraction = self.at;
            self.digits();
            if self.at == fraction {
                return match self.peek() {
                    Some(_) => self.fail_peeked(INVALID_NUMBER),
                    None => self.fail_peeked(IntakeErrorKind::UnexpectedEnd),
                };
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            let mantissa = self.bytes.get(start..self.at)?;
            self.at += 1;
            let mut positive = true;
            if let Some(sign @ (b'+' | b'-')) = self.peek() {
                positive = sign == b'+';
                self.at += 1;
            }
            match self.peek() {
                Some(b'0'..=b'9') => {}
                Some(_) => {
                    self.at += 1;
                    return self.fail_read(INVALID_NUMBER);
                }
                None => return self.fail_read(IntakeErrorKind::UnexpectedEnd),
            }
            // An exponent beyond `i32` is refused at the digit that overflows it (where
            // serde_json stops), unless it makes the number 0.
            let zero = mantissa.iter().all(|&b| matches!(b, b'0' | b'.' | b'-'));
            let mut exponent: i32 = 0;
            while let Some(digit @ b'0'..=b'9') = self.peek() {
                self.at += 1;
                match exponent
                    .checked_mul(10)
                    .and_then(|e| e.checked_add(i32::from(digit - b'0')))
                {
                    Some(next) => exponent = next,
                    None if positive && !zero => {
                        return self.fail_read(IntakeErrorKind::NumberOutOfRange);
                    }
                    None => {
                        self.digits();
                        break;
                    }
                }
            }
        }
        self.bytes.get(start..self.at)
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.at += 1;
        }
    }

    /// The code unit of a `\u` escape's four digits (the reader past its `u`).
    fn hex_escape(&mut self) -> Option<u32> {
        let Some(digits) = self.bytes.get(self.at..self.at + 4) else {
            self.at = self.bytes.len();
            return self.fail_read(IntakeErrorKind::UnexpectedEnd);
        };
        self.at += 4;
        match code_unit(digits) {
            Some(unit) => Some(unit),
            None => self.fail_read(INVALID_ESCAPE),
        }
    }

    /// A string's raw contents (between the quotes, escapes left as written), the reader at
    /// its opening quote. Refuses raw control characters, unknown escapes, lone surrogates
    /// and contents that are not UTF-8.
    pub(crate) fn string(&mut self) -> Option<&'a [u8]> {
        self.expect(b'"')?;
        let start = self.at;
        let mut ascii = true;
        self.escaped = false;
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
            match self.peek() {
                Some(b'"') => {
                    let contents = self.bytes.get(start..self.at)?;
                    self.at += 1;
                    if !ascii && self.strict && std::str::from_utf8(contents).is_err() {
                        // Intake reports the first byte that is not UTF-8, in the whole body.
                        return self.fail_read(IntakeErrorKind::InvalidUtf8);
                    }
                    return Some(contents);
                }
                Some(b'\\') => {
                    self.at += 1;
                    self.escaped = true;
                    self.escape()?;
                }
                Some(0x80..=0xFF) => {
                    ascii = false;
                    self.at += 1;
                }
                Some(_) => {
                    self.at += 1;
                    return self.fail_read(IntakeErrorKind::ControlCharacter);
                }
                None => return self.fail_read(IntakeErrorKind::UnexpectedEnd),
            }
        }
    }

    /// One escape, the reader past its backslash.
    fn escape(&mut self) -> Option<()> {
        let Some(byte) = self.peek() else {
            return self.fail_read(IntakeErrorKind::UnexpectedEnd);
        };
        self.at += 1;
        match byte {
            b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => Some(()),
            b'u' => {
                let unit = self.hex_escape()?;
                if (0xDC00..0xE000).contains(&unit) {
                    return self.fail_read(IntakeErrorKind::LoneSurrogate);
                }
                if (0xD800..0xDC00).contains(&unit) {
                    // The low half must follow as `\uXXXX`.
                    for expected in [b'\\', b'u'] {
                        match self.peek() {
                            Some(next) => {
                                self.at += 1;
                                if next != expected {
                                    return self.fail_read(IntakeErrorKind::LoneSurrogate);
                                }
                            }
                            None => return self.fail_read(IntakeErrorKind::UnexpectedEnd),
                        }
                    }
                    let low = self.hex_escape()?;
                    if !(0xDC00..0xE000).contains(&low) {
                        return self.fail_read(IntakeErrorKind::LoneSurrogate);
                    }
                }
                Some(())
            }
            _ => self.fail_read(INVALID_ESCAPE),
        }
    }
}

const KEY_MUST_BE_A_STRING: IntakeErrorKind = IntakeErrorKind::Syntax {
    expected: "object keys must be strings",
};
const INVALID_NUMBER: IntakeErrorKind = IntakeErrorKind::Syntax {
    expected: "invalid number",
};
const INVALID_ESCAPE: IntakeErrorKind = IntakeErrorKind::Syntax {
    expected: "invalid escape sequence in a string",
};

/// Whether two short byte strings (member names, mostly) are equal, compared inline: cheaper
/// than a call to `memcmp` for names this short. Eight bytes at a time, the last eight (which
/// may overlap the words before) closing the comparison: a name of 9 to 16 bytes is two word
/// comparisons instead of up to sixteen byte comparisons.
pub(crate) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && same_length_bytes(a, b)
}

/// [`same_bytes`] for two strings of one length. Out of line in the WebAssembly modules:
/// inlined at every comparison of names, the word loop cost them 7 KB each (the length check,
/// which settles most comparisons, stays inline); native code leaves it to the compiler (up to
/// 4% fewer instructions per validated body than a call).
#[cfg_attr(target_arch = "wasm32", inline(never))]
fn same_length_bytes(a: &[u8], b: &[u8]) -> bool {
    let (Some(a_last), Some(b_last)) = (a.last_chunk::<8>(), b.last_chunk::<8>()) else {
        return a.iter().zip(b).all(|(x, y)| x == y);
    };
    let (mut a_rest, mut b_rest) = (a, b);
    while let (Some((a_word, a_after)), Some((b_word, b_after))) = (
        a_rest.split_first_chunk::<8>(),
        b_rest.split_first_chunk::<8>(),
    ) {
        if as_word(a_word) != as_word(b_word) {
            return false;
        }
        a_rest = a_after;
        b_rest = b_after;
    }
    as_word(a_last) == as_word(b_last)
}

/// Eight bytes as one number, for comparing them in one instruction: comparing the arrays
/// themselves is a call to `memcmp` in the WebAssembly modules (which compare byte by byte),
/// where native code compares them as this number anyway.
fn as_word(bytes: &[u8; 8]) -> u64 {
    u64::from_ne_bytes(*bytes)
}

/// The pointer token of a member name (decoded, hence UTF-8: the reader checked it).
fn token(key: &[u8]) -> String {
    format!("/{}", pointer::escape(&String::from_utf8_lossy(key)))
}

/// Whether any of the eight bytes in `word` is one a string cannot hold as it is: a quote, a
/// backslash, a control character, or a byte of a multi-byte character (checked as UTF-8 by
/// the byte loop). Bit tricks from "Bit Twiddling Hacks" (`haszero`, `hasless`): exact for
/// "any byte", which is all this asks.
fn needs_attention(word: u64) -> bool {
    let quote = has_zero_byte(word ^ (ONES * u64::from(b'"')));
    let backslash = has_backslash(word);
    let control = word.wrapping_sub(ONES * 0x20) & !word & HIGH;
    (quote | backslash | control | (word & HIGH)) != 0
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// Nonzero exactly when some byte of `word` is a backslash (what both the string reader's and
/// [`has_escape`]'s word loops look for).
fn has_backslash(word: u64) -> u64 {
    has_zero_byte(word ^ (ONES * b'\\' as u64))
}

/// Nonzero exactly when some byte of `word` is zero (`haszero`; which high bits it sets is exact
/// only up to the first zero byte, whether any is set is exact).
fn has_zero_byte(word: u64) -> u64 {
    word.wrapping_sub(ONES) & !word & HIGH
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
pub(crate) fn unescaped(value: &[u8]) -> Option<&[u8]> {
    let contents = value.strip_prefix(b"\"")?.strip_suffix(b"\"")?;
    (!has_escape(contents)).then_some(contents)
}

/// Whether string contents hold an escape. Eight bytes at a time, then byte by byte: on
/// strings this short (names, UUIDs) that beats both a byte loop and a call to `memchr`, which
/// `contains` makes (measured: 5% of the lane).
#[allow(clippy::manual_contains)]
#[inline(never)] // One copy: the word loop is larger than a call (and the modules are sized).
pub(crate) fn has_escape(contents: &[u8]) -> bool {
    let mut rest = contents;
    while let Some((word, after)) = rest.split_first_chunk::<8>() {
        if has_backslash(u64::from_le_bytes(*word)) != 0 {
            return true;
        }
        rest = after;
    }
    rest.iter().any(|&byte| byte == b'\\')
}

/// A reader over a value the strict pass has already accepted: only its structure is read
/// again (nesting, duplicates and UTF-8 were checked).
pub(crate) fn loose_reader<'a>(value: &'a [u8], members: Vec<Member<'a>>) -> Reader<'a> {
    Reader {
        bytes: value,
        at: 0,
        max_depth: usize::MAX,
        strict: false,
        members,
        tape: None,
        failure: None,
        escaped: false,
    }
}

/// Calls `clean` with the text of each item of the array `reader` is at, until one is not:
/// `Some` when every item is clean.
pub(crate) fn each_item<'a>(
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
pub(crate) fn code_unit(digits: &[u8]) -> Option<u32> {
    if digits.len() != 4 {
        return None;
    }
    digits.iter().try_fold(0, |unit, &digit| {
        Some(unit * 16 + char::from(digit).to_digit(16)?)
    })
}

/// The contents of a string value the reader accepted, its escapes decoded.
pub(crate) fn decoded(value: &[u8]) -> Option<Vec<u8>> {
    decode(value.strip_prefix(b"\"")?.strip_suffix(b"\"")?)
}

/// The text of a string value the reader accepted: borrowed from the body unless it holds
/// escapes (most do not, and this runs for every delivery's `event_name`).
pub(crate) fn text(value: &[u8]) -> Option<Cow<'_, [u8]>> {
    match unescaped(value) {
        Some(text) => Some(Cow::Borrowed(text)),
        None => decoded(value).map(Cow::Owned),
    }
}

/// String contents the reader accepted, escapes decoded (surrogate pairs joined: the reader
/// lets no lone surrogate through).
pub(crate) fn decode(contents: &[u8]) -> Option<Vec<u8>> {
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

/// A value the reader accepted (or JSON hookguard wrote), serialized from its text in one pass:
/// each value goes to the serializer as it is read, without a tree in between. Integers are
/// exact whatever their spelling; every serializer sees the values serde_json's `Value` would
/// hold (`serde_json::to_value` of it is the tree intake builds).
pub(crate) struct JsonText<'a>(pub(crate) &'a [u8]);

impl serde::Serialize for JsonText<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeMap, SerializeSeq};
        let text = self.0;
        let unreadable = || S::Error::custom("not JSON the reader accepted");
        match text.first() {
            Some(b'{') => {
                let mut reader = loose_reader(text, Vec::new());
                reader.object(0).ok_or_else(unreadable)?;
                let mut map = serializer.serialize_map(Some(reader.members.len()))?;
                for member in &reader.members {
                    let key = std::str::from_utf8(&member.key).map_err(|_| unreadable())?;
                    map.serialize_entry(key, &JsonText(member.value))?;
                }
                map.end()
            }
            Some(b'[') => {
                let mut items = Vec::new();
                let mut reader = loose_reader(text, Vec::new());
                each_item(&mut reader, |item| {
                    items.push(item);
                    true
                })
                .ok_or_else(unreadable)?;
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&JsonText(item))?;
                }
                seq.end()
            }
            Some(b'"') => {
                let contents = self::text(text).ok_or_else(unreadable)?;
                serializer.serialize_str(std::str::from_utf8(&contents).map_err(|_| unreadable())?)
            }
            Some(b't') => serializer.serialize_bool(true),
            Some(b'f') => serializer.serialize_bool(false),
            Some(b'n') => serializer.serialize_unit(),
            _ => match number::read(text) {
                // serde_json's `Value` holds non-negative integers as unsigned: the same here,
                // so that every serializer sees what serializing `to_value()` showed it.
                ExactNumber::Integer(value) => match u64::try_from(value) {
                    Ok(unsigned) => serializer.serialize_u64(unsigned),
                    Err(_) => serializer.serialize_i64(value),
                },
                ExactNumber::Fraction(value) => serializer.serialize_f64(value),
                ExactNumber::OutOfRange => Err(unreadable()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The word-wise comparisons and searches agree with the plain ones, at every length
        /// around a word and on strings that differ in one byte anywhere.
        #[test]
        fn word_wise_comparisons_agree_with_plain_ones(
            text in proptest::collection::vec(prop_oneof![Just(b'a'), Just(b'\\'), any::<u8>()], 0..40),
            flip in any::<proptest::sample::Index>(),
        ) {
            prop_assert_eq!(has_escape(&text), text.contains(&b'\\'));
            prop_assert!(same_bytes(&text, &text));
            let mut other = text.clone();
            if !other.is_empty() {
                let at = flip.index(other.len());
                other[at] ^= 1;
            }
            prop_assert_eq!(same_bytes(&text, &other), text == other);
            prop_assert_eq!(same_bytes(&text, &text[..text.len() / 2]), text.is_empty());
        }
    }

    /// A body's member list goes back to its thread when the document goes, and the next
    /// body's reader starts in the same room: no allocation per body for it.
    #[test]
    fn the_next_body_reads_its_members_into_the_last_ones_room() {
        let first = read_object(br#"{"a": 1, "b": [2, {"c": 3}]}"#, 10, true).unwrap();
        let room = (first.members.as_ptr() as usize, first.members.capacity());
        drop(first);
        // Had the room been freed, the allocator would give it to this list of its size.
        let squatter: Vec<Member<'_>> = Vec::with_capacity(room.1);
        let second = read_object(br#"{"d": "e"}"#, 10, true).unwrap();
        assert_eq!(
            (second.members.as_ptr() as usize, second.members.capacity()),
            room
        );
        drop(squatter);
        assert_eq!(second.members.len(), 1);
        assert_eq!(&*second.members[0].key, b"d");
        // A room grown for a wide body is freed, and a first room kept in its place.
        drop(second);
        let wide: String = (0..MEMBERS_ROOM + 1)
            .map(|index| format!("\"m{index}\": {index}"))
            .collect::<Vec<_>>()
            .join(", ");
        let wide = read_object(format!("{{{wide}}}").as_bytes(), 10, true)
            .map(|document| document.members.capacity())
            .unwrap();
        assert!(wide > MEMBERS_ROOM);
        let second = read_object(br#"{"d": "e"}"#, 10, true).unwrap();
        assert_eq!(second.members.capacity(), MEMBERS_ROOM);
        // A refused body hands its room back too: the next is read into it.
        let room = (second.members.as_ptr() as usize, second.members.capacity());
        drop(second);
        assert!(read_object(b"{\"f\": 1, ", 10, true).is_err());
        let squatter: Vec<Member<'_>> = Vec::with_capacity(room.1);
        let third = read_object(br#"{"g": null}"#, 10, true).unwrap();
        assert_eq!(
            (third.members.as_ptr() as usize, third.members.capacity()),
            room
        );
        drop(squatter);
        assert_eq!(third.members.len(), 1);
    }

    /// The members (or items) a loose read of `value` finds, as (name, value) texts.
    fn read_again(value: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
        let mut reader = loose_reader(value, Vec::new());
        if value.first() == Some(&b'{') {
            reader.object(0).unwrap();
            reader
                .members
                .iter()
                .map(|member| (member.key.to_vec(), member.value.to_vec()))
                .collect()
        } else {
            let mut items = Vec::new();
            each_item(&mut reader, |item| {
                items.push((Vec::new(), item.to_vec()));
                true
            })
            .unwrap();
            items
        }
    }

    fn kept(tape: &Tape<'_>, value: &[u8]) -> Option<Vec<(Vec<u8>, Vec<u8>)>> {
        tape.members(value).map(|members| {
            members
                .iter()
                .map(|member| (member.key.to_vec(), member.value.to_vec()))
                .collect()
        })
    }

    #[test]
    fn the_tape_keeps_what_reading_each_nested_value_again_finds() {
        let body = br#" { "a" : { "b\u0041" : [ 1 , { "c" : [ ] } , "x" ] , "d" : { } } , "e" : [ [ ] ] } "#;
        let document = read_object(body, 10, true).unwrap();
        let text = String::from_utf8_lossy(body);
        let mut containers = 0;
        for (at, byte) in body.iter().enumerate() {
            if !matches!(byte, b'{' | b'[') || at == 1 {
                continue;
            }
            // The value starting here: its text as the strict pass saw it.
            let mut reader = loose_reader(&body[at..], Vec::new());
            reader.value(0).unwrap();
            let value = &body[at..at + reader.at];
            assert_eq!(
                kept(&document.tape, value),
                Some(read_again(value)),
                "{}",
                &text[at..]
            );
            containers += 1;
        }
        assert_eq!(containers, 7);
        // The top-level object is the document's own members; slices that are no container's
        // text are not on the tape.
        assert!(kept(&document.tape, document.root).is_none());
        assert!(kept(&document.tape, &body[2..]).is_none());
        // No tape unless asked for: every lookup says "read it again".
        let skimmed = read_object(body, 10, false).unwrap();
        assert!(kept(&skimmed.tape, &body[9..]).is_none());
    }

    #[test]
    fn a_tape_past_its_bound_keeps_what_fit_and_nothing_after() {
        let items = vec!["[0]"; 1_000].join(",");
        let body = format!(r#"{{"first":{{"x":1}},"many":[{items}],"last":{{"y":2}}}}"#);
        let body = body.as_bytes();
        let document = read_object(body, 10, true).unwrap();
        let at = |needle: &[u8]| {
            let start = body
                .windows(needle.len())
                .position(|w| w == needle)
                .unwrap();
            &body[start..start + needle.len()]
        };
        assert!(kept(&document.tape, at(br#"{"x":1}"#)).is_some());
        // Within the bound (one entry per 16 bytes), the first items' containers were kept.
        assert_eq!(kept(&document.tape, at(b"[0]")).unwrap().len(), 1);
        let many = &body[body.windows(2).position(|w| w == b":[").unwrap() + 1..];
        let many = &many[..many.windows(2).position(|w| w == b"],").unwrap() + 1];
        assert!(kept(&document.tape, many).is_none());
        assert!(kept(&document.tape, at(br#"{"y":2}"#)).is_none());
        // Bounded: entries and containers together within one per 16 bytes of body.
        assert!(
            document.tape.entries.len() + document.tape.containers.len()
                <= body.len() / BODY_BYTES_PER_TAPE_ENTRY + 16
        );
    }
}
