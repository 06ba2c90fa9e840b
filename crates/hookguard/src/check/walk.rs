//! The compiled schema checked over a value's text, keyword for keyword (the oracle's
//! `tree_check` checks the same keywords over a tree); a [`Judge`] decides what a failure does: [`Clean`] stops at the
//! first (and may write the normalized payload as it goes), [`Collect`] records every finding,
//! located where its value starts.

use std::borrow::Cow;

use crate::Position;
use crate::check::report::{Finding, FindingList};
use crate::contract::compiled::{self, Constant, Schema, Types, message};
use crate::contract::overlay::{self, AddedField, EventAdditions};
use crate::json::kind;
use crate::json::number::{self, ExactNumber};
use crate::json::pointer;
use crate::json::reader::{
    self, Member, Tape, decode, each_item, has_escape, loose_reader, same_bytes,
};
use crate::json::write;

/// What a failing keyword does to a walk.
pub(super) trait Judge<'a> {
    /// Records that `keyword` of the schema at `at` fails for `value`, at the current location;
    /// whether to walk on.
    fn error(
        &mut self,
        at: &str,
        keyword: &str,
        value: &'a [u8],
        message: impl FnOnce() -> String,
    ) -> bool;

    /// Records a member the closed `schema` does not declare (the current location); whether to
    /// walk on.
    fn unknown(&mut self, schema: &Schema, value: &'a [u8]) -> bool;

    /// Records that the object at the current location (its text `object_value`) lacks the
    /// member `name` its schema requires; whether to walk on.
    fn missing(&mut self, at: &str, name: &'static str, object_value: &'a [u8]) -> bool {
        self.error(at, "required", object_value, || message::required(name))
    }

    /// The member at the current location is one its schema declares (or an overlay adds).
    fn declared_member(&mut self) {}

    /// The current location moves into member `key`, or item `index`, and back.
    fn enter_member(&mut self, key: &[u8]);
    fn enter_item(&mut self, index: usize);
    fn leave(&mut self);

    /// Where the normalized payload is written, when it is.
    fn out(&mut self) -> Option<&mut Vec<u8>>;
}

/// Stops at the first failure; with `out`, writes the normalized form of what it walks.
pub(super) struct Clean<'o> {
    pub(super) out: Option<&'o mut Vec<u8>>,
    /// Undeclared members are not failures (lenient mode, once they are reported as warnings)
    /// and are written as they are.
    pub(super) tolerate_unknown: bool,
}

impl<'a> Judge<'a> for Clean<'_> {
    fn error(&mut self, _: &str, _: &str, _: &'a [u8], _: impl FnOnce() -> String) -> bool {
        false
    }

    fn unknown(&mut self, _: &Schema, _: &'a [u8]) -> bool {
        self.tolerate_unknown
    }

    fn enter_member(&mut self, _: &[u8]) {}

    fn enter_item(&mut self, _: usize) {}

    fn leave(&mut self) {}

    fn out(&mut self) -> Option<&mut Vec<u8>> {
        self.out.as_deref_mut()
    }
}

/// Records every finding, bounded like every report's ([`FindingList`]), each with the offset
/// of its value in the body (in `position.offset`, made a line and column at the end).
pub(super) struct Collect<'b> {
    pub(super) body: &'b [u8],
    pub(super) errors: FindingList,
    pub(super) warnings: FindingList,
    pub(super) strict: bool,
    /// Messages quote the offending values.
    pub(super) reveal_values: bool,
    /// The JSON Pointer of the current location, and where each level of it starts: bytes,
    /// made text only for a finding (member names are UTF-8, checked by the reader).
    pub(super) instance: Vec<u8>,
    pub(super) levels: Vec<usize>,
}

impl<'b> Collect<'b> {
    /// Collects the findings in `body` under `options` (mode, bound of each list).
    pub(super) fn new(body: &'b [u8], options: &crate::contract::options::Options) -> Collect<'b> {
        let limit = options.findings_limit();
        Collect {
            body,
            errors: FindingList::new(limit),
            warnings: FindingList::new(limit),
            strict: options.strict,
            reveal_values: options.reveal_values,
            instance: Vec::new(),
            levels: Vec::new(),
        }
    }

    pub(super) fn finding(
        &self,
        code: &'static str,
        keyword_location: String,
        value: &[u8],
        message: String,
    ) -> Finding {
        Finding {
            code,
            instance_location: String::from_utf8_lossy(&self.instance).into_owned(),
            keyword_location,
            error: message,
            position: Some(Position::unresolved(offset(self.body, value))),
        }
    }
}

impl<'a> Judge<'a> for Collect<'_> {
    fn error(
        &mut self,
        at: &str,
        keyword: &str,
        value: &'a [u8],
        message: impl FnOnce() -> String,
    ) -> bool {
        let mut message = message();
        // An alias pair's message names both members; it quotes nothing.
        if self.reveal_values && keyword != "anyOf" {
            message::revealed(&mut message, &printed(value));
        }
        let finding = self.finding(
            "schema_violation",
            format!("{at}/{keyword}"),
            value,
            message,
        );
        self.errors.push(finding);
        true
    }

    fn unknown(&mut self, schema: &Schema, value: &'a [u8]) -> bool {
        let finding = self.finding(
            "unknown_field",
            format!("{}/additionalProperties", schema.at),
            value,
            message::UNKNOWN_FIELD.into(),
        );
        if self.strict {
            self.errors.push(finding);
        } else {
            self.warnings.push(finding);
        }
        true
    }

    fn enter_member(&mut self, key: &[u8]) {
        self.levels.push(self.instance.len());
        pointer::push_token_bytes(&mut self.instance, key);
    }

    fn enter_item(&mut self, index: usize) {
        self.levels.push(self.instance.len());
        pointer::push_index_bytes(&mut self.instance, index);
    }

    fn leave(&mut self) {
        if let Some(length) = self.levels.pop() {
            self.instance.truncate(length);
        }
    }

    fn out(&mut self) -> Option<&mut Vec<u8>> {
        None
    }
}

/// A value's text as serde_json writes the value a tree holds (compact, keys sorted).
pub(super) fn printed(value: &[u8]) -> String {
    canonical_text(value)
        .and_then(|text| String::from_utf8(text).ok())
        .unwrap_or_default()
}

/// The canonical text of a value the reader accepted: compact, keys sorted, strings and
/// numbers spelled one way (as serde_json writes the value a tree holds), so that two equal
/// values have the same text. `None` only on an internal error.
pub(super) fn canonical_text(value: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(value.len());
    let mut write = Clean {
        out: Some(&mut out),
        tolerate_unknown: true,
    };
    let tape = Tape::default();
    self::value(&ANY, value, None, &mut Nested::on(&tape), &mut write).then_some(out)
}

/// Where a walk finds the members and items of nested values: the strict pass's [`Tape`]
/// (a value it did not keep is read again), and the lists it sorts members in, reused.
pub(super) struct Nested<'t, 'a> {
    tape: &'t Tape<'a>,
    lists: Vec<Vec<Member<'a>>>,
}

impl<'t, 'a> Nested<'t, 'a> {
    /// Nested values looked up on `tape` (an empty one: every nested value read again).
    pub(super) fn on(tape: &'t Tape<'a>) -> Nested<'t, 'a> {
        Nested {
            tape,
            lists: Vec::new(),
        }
    }

    fn list(&mut self) -> Vec<Member<'a>> {
        self.lists.pop().unwrap_or_default()
    }

    fn give_back(&mut self, mut list: Vec<Member<'a>>) {
        list.clear();
        self.lists.push(list);
    }
}

/// The schema `true`, for the members of objects whose schema declares none of them.
pub(super) static ANY: Schema = Schema::ANY;

/// The JSON type of a value's text, as a set bit, and its name in messages (never the value).
pub(super) fn kind_of(value: &[u8]) -> (u8, &'static str) {
    kind::of_text(value.first().copied(), number_in(value))
}

/// The number a value's text spells, read exactly; `None` when it is no number.
fn number_in(value: &[u8]) -> Option<ExactNumber> {
    match value.first()? {
        b'"' | b't' | b'f' | b'n' | b'{' | b'[' => None,
        _ => Some(number::read(value)),
    }
}

/// Walks `value` (a value the strict pass accepted) against `schema`; whether to walk on.
pub(super) fn value<'a, J: Judge<'a>>(
    schema: &Schema,
    value: &'a [u8],
    additions: Option<&EventAdditions>,
    nested: &mut Nested<'_, 'a>,
    judge: &mut J,
) -> bool {
    let Some(&first) = value.first() else {
        return false;
    };
    // A number is read once, for its type and for the keywords that compare it.
    let integer = number_in(value);
    let (kind, kind_name) = kind::of_text(Some(first), integer);
    if schema.types != Types::ANY && schema.types.0 & kind == 0 {
        let go = judge.error(schema.at, "type", value, || {
            message::type_mismatch(schema.types, kind_name)
        });
        if !go {
            return false;
        }
    }
    // The text of a string, escapes decoded, when a keyword compares it.
    let compares_text = schema.uuid || schema.constant.is_some() || schema.one_of.is_some();
    let text: Option<Cow<'a, [u8]>> = match first {
        b'"' if compares_text => reader::text(value),
        _ => None,
    };
    if let Some(constant) = schema.constant {
        let equal = match (constant, &text, integer) {
            (Constant::Text(expected), Some(text), _) => same_bytes(expected.as_bytes(), text),
            (Constant::Integer(expected), _, Some(ExactNumber::Integer(found))) => {
                expected == found
            }
            _ => false,
        };
        if !equal {
            let go = judge.error(schema.at, "const", value, || message::constant(constant));
            if !go {
                return false;
            }
        }
    }
    if let Some(options) = schema.one_of {
        let listed = text.as_ref().is_some_and(|text| {
            options
                .iter()
                .any(|option| same_bytes(option.as_bytes(), text))
                || additions.is_some_and(|additions| additions.lists(schema, text))
        });
        if !listed {
            let go = judge.error(schema.at, "enum", value, || {
                overlay::one_of_message(additions, schema, options)
            });
            if !go {
                return false;
            }
        }
    }
    match first {
        b'"' => {
            if schema.uuid && !text.as_ref().is_some_and(|text| compiled::is_uuid(text)) {
                let go = judge.error(schema.at, "pattern", value, || message::UUID.to_owned());
                if !go {
                    return false;
                }
            }
            if let Some(out) = judge.out() {
                return write_string(out, value, schema.uuid).is_some();
            }
            true
        }
        // Nothing below to check and nothing to write: no need to read it again. (Descending
        // anyway would read deep values once per level.)
        b'{' | b'[' if judge.out().is_none() && !checks_below(schema) => true,
        b'{' => {
            let tape = nested.tape;
            if let Some(members) = tape.members(value) {
                return object(schema, value, members, additions, nested, judge);
            }
            let mut reader = loose_reader(value, nested.list());
            if reader.object(0).is_none() {
                return false;
            }
            let members = reader.members;
            let go = object(schema, value, &members, additions, nested, judge);
            nested.give_back(members);
            go
        }
        b'[' => array(schema, value, additions, nested, judge),
        _ => {
            if let (Some(minimum), Some(number)) = (schema.minimum, integer) {
                #[allow(clippy::cast_precision_loss)]
                let below = match number {
                    ExactNumber::Integer(found) => found < minimum,
                    ExactNumber::Fraction(found) => found < minimum as f64,
                    ExactNumber::OutOfRange => true,
                };
                if below {
                    let go = judge.error(schema.at, "minimum", value, || message::minimum(minimum));
                    if !go {
                        return false;
                    }
                }
            }
            if let Some(out) = judge.out() {
                write_number(out, value, integer);
            }
            true
        }
    }
}

/// Whether `schema` has keywords that look inside an object or an array.
fn checks_below(schema: &Schema) -> bool {
    !schema.properties.is_empty()
        || !schema.required.is_empty()
        || schema.closed
        || schema.either.is_some()
        || schema.items.is_some()
}

fn array<'a, J: Judge<'a>>(
    schema: &Schema,
    value: &'a [u8],
    additions: Option<&EventAdditions>,
    nested: &mut Nested<'_, 'a>,
    judge: &mut J,
) -> bool {
    let writing = judge.out().is_some();
    let item_schema = match (schema.items, writing) {
        (Some(items), _) => items,
        // Unchecked items are still written normalized.
        (None, true) => &ANY,
        (None, false) => return true,
    };
    if let Some(out) = judge.out() {
        out.push(b'[');
    }
    let tape = nested.tape;
    let mut index = 0;
    let mut walk_item = |item: &'a [u8]| {
        if index > 0
            && let Some(out) = judge.out()
        {
            out.push(b',');
        }
        judge.enter_item(index);
        let go = self::value(item_schema, item, additions, nested, judge);
        judge.leave();
        index += 1;
        go
    };
    let walked = match tape.members(value) {
        Some(items) => items.iter().all(|item| walk_item(item.value)),
        None => each_item(&mut loose_reader(value, Vec::new()), walk_item).is_some(),
    };
    if let Some(out) = judge.out() {
        out.push(b']');
    }
    walked
}

/// Walks an object's members (`object_value` is its text, where its own findings point) against
/// `schema`. When writing, members are sorted by name, as serde_json's maps are.
pub(super) fn object<'a, J: Judge<'a>>(
    schema: &Schema,
    object_value: &'a [u8],
    members: &[Member<'a>],
    additions: Option<&EventAdditions>,
    nested: &mut Nested<'_, 'a>,
    judge: &mut J,
) -> bool {
    if judge.out().is_none() {
        return members_in_order(schema, object_value, members, additions, nested, judge);
    }
    let mut sorted = nested.list();
    sorted.extend(
        crate::order::order_by_bytes(members, |member| &member.key)
            .filter_map(|index| members.get(index).cloned()),
    );
    let go = members_in_order(schema, object_value, &sorted, additions, nested, judge);
    nested.give_back(sorted);
    go
}

/// [`object`]'s walk, over `members` in the order given.
fn members_in_order<'a, J: Judge<'a>>(
    schema: &Schema,
    object_value: &'a [u8],
    members: &[Member<'a>],
    additions: Option<&EventAdditions>,
    nested: &mut Nested<'_, 'a>,
    judge: &mut J,
) -> bool {
    if let Some(out) = judge.out() {
        out.push(b'{');
    }
    let mut seen: u64 = 0;
    for (index, member) in members.iter().enumerate() {
        if let Some(out) = judge.out() {
            write_key(
                out,
                index,
                &member.key,
                matches!(member.key, Cow::Borrowed(_)),
            );
        }
        judge.enter_member(&member.key);
        let (declared, member_schema) = declared(schema, &member.key);
        seen |= declared.map_or(0, bit);
        let go = if declared.is_none() && schema.closed {
            match additions.and_then(|additions| additions.field(schema, &member.key)) {
                Some(added) => {
                    judge.declared_member();
                    added_member(added, member.value, nested, judge)
                }
                None => {
                    judge.unknown(schema, member.value)
                        && (judge.out().is_none() || value(&ANY, member.value, None, nested, judge))
                }
            }
        } else {
            if declared.is_some() {
                judge.declared_member();
            }
            value(member_schema, member.value, additions, nested, judge)
        };
        judge.leave();
        if !go {
            return false;
        }
    }
    if let Some(out) = judge.out() {
        out.push(b'}');
    }
    required(schema, object_value, seen, members, judge)
}

/// Walks a member an overlay adds: its type is checked, then it is written as it is (an added
/// field declares nothing below it).
pub(super) fn added_member<'a, J: Judge<'a>>(
    added: &AddedField,
    member: &'a [u8],
    nested: &mut Nested<'_, 'a>,
    judge: &mut J,
) -> bool {
    let (kind, kind_name) = kind_of(member);
    if added.types.0 & kind == 0
        && !judge.error(&added.at, "type", member, || {
            message::type_mismatch(added.types, kind_name)
        })
    {
        return false;
    }
    judge.out().is_none() || value(&ANY, member, None, nested, judge)
}

/// Checks `required` (against the bits of the declared members present) and an alias pair's
/// either-or requirement.
pub(super) fn required<'a, J: Judge<'a>>(
    schema: &Schema,
    object_value: &'a [u8],
    seen: u64,
    members: &[Member<'a>],
    judge: &mut J,
) -> bool {
    if seen & schema.required_mask != schema.required_mask {
        for name in schema.required {
            let present = members
                .iter()
                .any(|member| same_bytes(&member.key, name.as_bytes()));
            if !present && !judge.missing(schema.at, name, object_value) {
                return false;
            }
        }
    }
    if let Some((named, alias)) = schema.either {
        let present = members.iter().any(|member| {
            same_bytes(&member.key, named.as_bytes()) || same_bytes(&member.key, alias.as_bytes())
        });
        if !present {
            return judge.error(schema.at, "anyOf", object_value, || {
                message::either(named, alias)
            });
        }
    }
    true
}

/// Where member `name` is declared in `schema`'s `properties`, and its schema (`true` when it
/// is not declared).
pub(super) fn declared(schema: &Schema, name: &[u8]) -> (Option<usize>, &'static Schema) {
    let index = schema.property_index(name);
    let member = index
        .and_then(|index| schema.properties.get(index))
        .map_or(&ANY, |(_, member)| *member);
    (index, member)
}

/// The bit of the `index`-th property in [`Schema::required_mask`] (none beyond 64).
pub(super) fn bit(index: usize) -> u64 {
    1u64.checked_shl(u32::try_from(index).unwrap_or(u32::MAX))
        .unwrap_or(0)
}

/// Writes `"key":`, after a comma unless it is the object's first member. `key` is a name as
/// decoded, escaped again as serde_json escapes it; a `plain` one (spelled without escapes in
/// the body) holds nothing to escape.
pub(super) fn write_key(out: &mut Vec<u8>, index: usize, key: &[u8], plain: bool) {
    if index > 0 {
        out.push(b',');
    }
    if plain {
        out.push(b'"');
        out.extend_from_slice(key);
        out.push(b'"');
    } else {
        write::string(out, key);
    }
    out.push(b':');
}

/// Writes a number as serde_json writes the number intake reads from it: an integer in its
/// plain spelling (`5.985e3` is `5985`, `-0` is `0`), a fraction as the shortest text of its
/// double.
fn write_number(out: &mut Vec<u8>, literal: &[u8], read: Option<ExactNumber>) {
    let plain = literal.first().is_some_and(u8::is_ascii_digit)
        && literal.iter().all(u8::is_ascii_digit)
        || literal.starts_with(b"-")
            && !literal.starts_with(b"-0")
            && literal.iter().skip(1).all(u8::is_ascii_digit);
    match read {
        _ if plain => out.extend_from_slice(literal),
        Some(ExactNumber::Integer(integer)) => {
            out.extend_from_slice(integer.to_string().as_bytes())
        }
        Some(ExactNumber::Fraction(fraction)) => {
            // Writing a number into a `Vec` cannot fail.
            let _ = serde_json::to_writer(&mut *out, &fraction);
        }
        // `true`, `false` and `null` are written as they are.
        _ => out.extend_from_slice(literal),
    }
}

/// Writes string contents the reader accepted (escapes as the sender wrote them) as the
/// string serde_json writes for their decoded text, in one pass without a decoded copy:
/// `\"`, `\\` and the short escapes kept, `\/` written `/`, a `\u` escape written as its
/// character (or as serde_json escapes that character, for a quote, a backslash or a control
/// character).
fn write_escapes_as_serde_json(out: &mut Vec<u8>, contents: &[u8]) -> Option<()> {
    out.push(b'"');
    let mut rest = contents;
    while let Some(at) = rest.iter().position(|&byte| byte == b'\\') {
        out.extend_from_slice(rest.get(..at)?);
        let length = match rest.get(at + 1)? {
            b'u' => {
                // A pair of `\uXXXX` for a character beyond the Basic Multilingual Plane.
                let high = reader::code_unit(rest.get(at + 2..at + 6)?)?;
                let length = if (0xD800..0xDC00).contains(&high) {
                    12
                } else {
                    6
                };
                let decoded = decode(rest.get(at..at + length)?)?;
                match decoded.as_slice() {
                    [byte] => write_character(out, *byte),
                    text => out.extend_from_slice(text),
                }
                length
            }
            b'/' => {
                out.push(b'/');
                2
            }
            // `\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`: serde_json's own spelling.
            _ => {
                out.extend_from_slice(rest.get(at..at + 2)?);
                2
            }
        };
        rest = rest.get(at + length..)?;
    }
    out.extend_from_slice(rest);
    out.push(b'"');
    Some(())
}

/// Writes one ASCII character inside a string, escaped as serde_json escapes it (its own
/// writer, the quotes it adds left out).
fn write_character(out: &mut Vec<u8>, byte: u8) {
    let mut quoted = Vec::with_capacity(8);
    write::string(&mut quoted, &[byte]);
    out.extend_from_slice(
        quoted
            .get(1..quoted.len().saturating_sub(1))
            .unwrap_or_default(),
    );
}

/// Writes a string value as serde_json writes the string it holds, in lower case for a UUID
/// (as a tree is lowered before serde_json writes it).
fn write_string(out: &mut Vec<u8>, value: &[u8], uuid: bool) -> Option<()> {
    let contents = value.get(1..value.len().checked_sub(1)?)?;
    if has_escape(contents) {
        if uuid {
            let mut text = decode(contents)?;
            text.make_ascii_lowercase();
            write::string(out, &text);
        } else {
            write_escapes_as_serde_json(out, contents)?;
        }
        return Some(());
    }
    out.push(b'"');
    let start = out.len();
    out.extend_from_slice(contents);
    if uuid && let Some(written) = out.get_mut(start..) {
        written.make_ascii_lowercase();
    }
    out.push(b'"');
    Some(())
}

/// The offset of `value` (a slice of `body`) in `body`.
pub(super) fn offset(body: &[u8], value: &[u8]) -> usize {
    (value.as_ptr() as usize).saturating_sub(body.as_ptr() as usize)
}
