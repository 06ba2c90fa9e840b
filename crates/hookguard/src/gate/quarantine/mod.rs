//! The quarantine: authentic deliveries refused for what they carry, kept so that nothing is
//! lost to drift. Ocrolus retries a refused delivery a few times and then gives up; a body the
//! contract does not describe yet (a new status value, a renamed field) would be gone. With
//! `quarantine` configured the gate names such a delivery for keeping, the host keeps it, and
//! `hookguard quarantine replay` delivers it once the schemas or an overlay accept it.
//!
//! Decided here, for every host: which deliveries are kept ([`Gate::quarantine_entry`]: an
//! authentic delivery, or an unsigned one only with the `unsigned` opt-in, refused as
//! `invalid`; never one refused for its size, its method, its media type, its signature, or a
//! copy), the entry's name (one per request id, per body digest without one, so a retry is not
//! kept twice), the entry's bytes (an HTTP capture the command line reads like any other), what
//! the answer becomes ([`Gate::quarantined`]), what an unreachable store means
//! ([`Gate::quarantine_unreachable`]), and which entries make room ([`evictions`]). A host
//! writes the entry where it is told and answers what the admission says.
//!
//! [`Gate::quarantine_entry`]: crate::Gate::quarantine_entry
//! [`Gate::quarantined`]: crate::Gate::quarantined
//! [`Gate::quarantine_unreachable`]: crate::Gate::quarantine_unreachable

pub mod directory;
pub mod redis;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::check::report::Report;
use crate::contract::settings::Settings;
use crate::gate::signature::DeliveryHeaders;
use crate::gate::store::StorePolicy;

/// Default bound on the number of entries kept.
pub const DEFAULT_MAX_ENTRIES: u64 = 10_000;
/// Default bound on the bytes kept (entries whole, headers and bodies): 256 MiB.
pub const DEFAULT_MAX_BYTES: u64 = 256 * 1024 * 1024;
/// Default time an entry is kept: 7 days, longer than any sender's retries and a weekend.
pub const DEFAULT_KEEP_SECONDS: u64 = 7 * 24 * 60 * 60;

pub use crate::gate::answer::ENTRY_HEADER;
/// Header on a replayed delivery: it comes from the quarantine, not from the sender.
pub const REPLAY_HEADER: (&str, &str) = ("x-hookguard-replay", "quarantine");
/// Header of an entry (and of its replay): when the delivery was first refused, Unix seconds.
pub const FIRST_SEEN_HEADER: &str = "x-hookguard-first-seen";
/// Header of an entry: the verdict it was refused with.
pub const VERDICT_HEADER: &str = "x-hookguard-verdict";
/// Header of an entry: the event name as delivered, when it was one hookguard knows.
pub const EVENT_HEADER: &str = "x-hookguard-event";
/// Header of an entry: its errors as `[{"code":..,"instanceLocation":..}]`, no values.
pub const FINDINGS_HEADER: &str = "x-hookguard-findings";
/// The file extension of an entry in a directory store (the command line's HTTP captures).
pub const ENTRY_EXTENSION: &str = "http";
/// The request target written in an entry's request line (the route it came in on is not
/// kept: a query string may carry a token).
const ENTRY_TARGET: &str = "/hookguard/quarantine";

/// What the sender is answered when its delivery was kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QuarantineAnswer {
    /// The refusal, as without a quarantine, plus [`ENTRY_HEADER`]: the sender retries (each
    /// retry finds the entry kept) and then gives up, while the delivery waits.
    #[default]
    Refuse,
    /// 202 `quarantined`: the sender stops retrying at once; the delivery waits.
    Accept,
}

impl QuarantineAnswer {
    /// The answer's name in configurations.
    pub fn label(self) -> &'static str {
        match self {
            QuarantineAnswer::Refuse => "refuse",
            QuarantineAnswer::Accept => "accept",
        }
    }
}

/// The quarantine as configured (the `quarantine` option).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct QuarantinePolicy {
    /// The single-process store: a directory, one file per entry. Hosts with a shared store
    /// (Redis) keep entries there instead and may leave this out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub directory: Option<String>,
    /// At most this many entries; the oldest make room. Default 10,000.
    pub max_entries: u64,
    /// At most this many bytes of entries; the oldest make room. Default 256 MiB.
    pub max_bytes: u64,
    /// How long an entry is kept, in seconds. Default 7 days.
    pub keep_seconds: u64,
    /// Keep deliveries that carry no verified signature too. Off by default: where no
    /// signature is checked anyone can post, and would fill the quarantine.
    pub unsigned: bool,
    /// `refuse` (the refusal, naming the entry; the default) or `accept` (202).
    pub answer: QuarantineAnswer,
    /// When the store cannot take the entry: `refuse` (503 with `Retry-After`, so the sender
    /// comes back and the delivery stays recoverable; the default) or `process` (the refusal
    /// as without a quarantine).
    pub store_down: StorePolicy,
}

impl Default for QuarantinePolicy {
    fn default() -> QuarantinePolicy {
        QuarantinePolicy {
            directory: None,
            max_entries: DEFAULT_MAX_ENTRIES,
            max_bytes: DEFAULT_MAX_BYTES,
            keep_seconds: DEFAULT_KEEP_SECONDS,
            unsigned: false,
            answer: QuarantineAnswer::Refuse,
            store_down: StorePolicy::Refuse,
        }
    }
}

impl QuarantinePolicy {
    /// Reads a `quarantine` object's members (the object at `scope`); absent settings keep
    /// their defaults.
    pub(crate) fn read(
        members: serde_json::Map<String, serde_json::Value>,
        scope: &'static str,
    ) -> Result<QuarantinePolicy, String> {
        let mut settings = Settings::new(
            members,
            &[
                "directory",
                "max_entries",
                "max_bytes",
                "keep_seconds",
                "unsigned",
                "answer",
                "store_down",
            ],
            scope,
        )?;
        let defaults = QuarantinePolicy::default();
        let answers = [QuarantineAnswer::Refuse, QuarantineAnswer::Accept]
            .map(|answer| (answer.label(), answer));
        let store_policies =
            [StorePolicy::Refuse, StorePolicy::Process].map(|policy| (policy.label(), policy));
        Ok(QuarantinePolicy {
            directory: settings.optional_text("directory")?,
            max_entries: settings.count("max_entries", defaults.max_entries)?,
            max_bytes: settings.count("max_bytes", defaults.max_bytes)?,
            keep_seconds: settings.count("keep_seconds", defaults.keep_seconds)?,
            unsigned: settings.flag("unsigned", defaults.unsigned)?,
            answer: settings.choice("answer", defaults.answer, &answers)?,
            store_down: settings.choice("store_down", defaults.store_down, &store_policies)?,
        })
    }
}

/// What a delivery arrived with, as a quarantine entry keeps it.
#[derive(Debug, Clone, Copy)]
pub struct Received<'a> {
    /// The signature headers as received.
    pub headers: &'a DeliveryHeaders<'a>,
    /// The `Content-Type` as received.
    pub content_type: Option<&'a [u8]>,
    /// The body, exactly.
    pub body: &'a [u8],
}

/// A delivery to keep: its name and the head of its capture (request line and headers, ASCII,
/// ending in the blank line). The entry's bytes are `head` followed by the body exactly as
/// received: hosts already hold the body, so it never crosses into or out of a module again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The entry's name: 32 hex digits, a file name and a key part in every store.
    pub id: String,
    /// When it was refused, Unix seconds.
    pub first_seen: i64,
    /// The capture's request line and headers, `\r\n`-separated, ending in `\r\n\r\n`.
    pub head: String,
    /// The body's length (the entry is `head.len() + body_len` bytes).
    pub body_len: u64,
}

impl Entry {
    /// The whole entry's size in bytes.
    pub fn len(&self) -> u64 {
        self.head.len() as u64 + self.body_len
    }

    /// Whether the entry is empty (never: it always has a head).
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The entry's bytes: the head, then the body.
    pub fn bytes(&self, body: &[u8]) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(self.head.len() + body.len());
        bytes.extend_from_slice(self.head.as_bytes());
        bytes.extend_from_slice(body);
        bytes
    }

    /// The file name of the entry in a directory store.
    pub fn file_name(&self) -> String {
        file_name(&self.id)
    }
}

/// The file name of entry `id` in a directory store.
pub fn file_name(id: &str) -> String {
    format!("{id}.{ENTRY_EXTENSION}")
}

/// The entry id of a delivery: a digest of its request id when it carries one (every retry,
/// re-signed or not, names the same entry), of its body otherwise. Hex, so it is a safe file
/// name and key whatever the sender put in the header.
pub fn entry_id(request_id: Option<&[u8]>, body: &[u8]) -> String {
    let mut digest = Sha256::new();
    match request_id {
        Some(request_id) => {
            digest.update(b"request-id\0");
            digest.update(request_id);
        }
        None => {
            digest.update(b"body\0");
            digest.update(body);
        }
    }
    let digest = digest.finalize();
    hex::encode(digest.get(..16).unwrap_or_default())
}

/// A header value fit to write into a capture: visible ASCII and spaces only. Anything else
/// (a control character, a byte a capture reader would choke on) leaves the header out, and
/// what checks the entry later sees the delivery as it would without it.
fn header_value(value: &[u8]) -> Option<&str> {
    value
        .iter()
        .all(|&byte| byte == b' ' || byte == b'\t' || byte.is_ascii_graphic())
        .then(|| std::str::from_utf8(value).ok())
        .flatten()
}

/// The findings of a report as an entry records them: code and location only. The locations
/// are JSON pointers into the body (member names, never values); `serde_json` escapes every
/// control character, and non-ASCII is escaped here, so the header stays one ASCII line.
fn findings_json(report: &Report) -> String {
    #[derive(Serialize)]
    struct Recorded<'a> {
        code: &'a str,
        #[serde(rename = "instanceLocation")]
        instance_location: &'a str,
    }
    let recorded: Vec<Recorded<'_>> = report
        .errors
        .iter()
        .map(|finding| Recorded {
            code: finding.code,
            instance_location: &finding.instance_location,
        })
        .collect();
    let text = serde_json::to_string(&recorded).unwrap_or_else(|_| String::from("[]"));
    let mut ascii = String::with_capacity(text.len());
    for character in text.chars() {
        if character.is_ascii() {
            ascii.push(character);
        } else {
            let mut units = [0u16; 2];
            for unit in character.encode_utf16(&mut units) {
                ascii.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    ascii
}

/// Builds the entry of a refused delivery (the gate has decided it is to be kept).
pub(crate) fn entry(
    received: &Received<'_>,
    report: &Report,
    verdict_label: &str,
    now_unix_s: i64,
) -> Entry {
    let headers = received.headers;
    let mut head = format!("POST {ENTRY_TARGET} HTTP/1.1\r\n");
    let mut field = |name: &str, value: &str| {
        head.push_str(name);
        head.push_str(": ");
        head.push_str(value);
        head.push_str("\r\n");
    };
    if let Some(content_type) = received.content_type.and_then(header_value) {
        field("content-type", content_type);
    }
    field("content-length", &received.body.len().to_string());
    for (name, value) in [
        ("webhook-request-id", headers.request_id),
        ("webhook-timestamp", headers.timestamp),
        ("webhook-signature", headers.signature),
    ] {
        if let Some(value) = value.and_then(header_value) {
            field(name, value);
        }
    }
    field(FIRST_SEEN_HEADER, &now_unix_s.to_string());
    field(VERDICT_HEADER, verdict_label);
    if let Some(name) = report.source_event_name {
        field(EVENT_HEADER, name);
    }
    field(FINDINGS_HEADER, &findings_json(report));
    head.push_str("\r\n");
    Entry {
        id: entry_id(headers.request_id, received.body),
        first_seen: now_unix_s,
        head,
        body_len: received.body.len() as u64,
    }
}

/// The line every host logs when the quarantine's store could not take an entry (`reason`
/// names the failure, never a value or a request id).
pub fn unreachable_line(policy: StorePolicy, reason: &dyn std::fmt::Display) -> String {
    let consequence = match policy {
        StorePolicy::Refuse => "refused with 503 so that the sender comes back",
        StorePolicy::Process => "refused without keeping it (store_down: process)",
    };
    format!("hookguard: the quarantine could not keep a refused delivery ({reason}); {consequence}")
}

/// What keeping an entry did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// Written now, after removing `evicted` entries to make room.
    Kept {
        /// Entries removed to make room (expired or the oldest), to count.
        evicted: usize,
    },
    /// An entry of this id was there already (a retry of a kept delivery).
    AlreadyKept,
}

/// A quarantine store a native host awaits (the tower layer's directory and Redis stores):
/// keeps `entry` (its head, then `body`) under `policy`, or says it was kept already. A failure
/// goes to [`crate::Gate::quarantine_unreachable`].
pub trait QuarantineStore: Send + Sync + 'static {
    /// Keeps the entry unless one of its id is there.
    fn keep<'a>(
        &'a self,
        entry: &'a Entry,
        body: &'a [u8],
        policy: &'a QuarantinePolicy,
        now_unix_s: i64,
    ) -> crate::gate::store::StoreFuture<'a, Keep>;
}

/// One entry a store holds, as [`evictions`] weighs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    /// The entry's id.
    pub id: String,
    /// When it was first seen, Unix seconds.
    pub first_seen: i64,
    /// Its size in bytes.
    pub bytes: u64,
}

/// Which entries a store removes before keeping one more of `incoming_bytes` at `now_unix_s`:
/// every expired one (older than `keep_seconds`), then the oldest until one more entry fits
/// both bounds. Returned as indexes into `held`: the expired in their order there, then the
/// oldest of the rest, oldest first. An entry too large for the quarantine on its own is not
/// kept at all: see [`fits`].
///
/// (No sort: the expired go in one pass, and making room usually takes one or two of the
/// rest, each found in one more pass; a sort routine costs every module some 10 KB.)
pub fn evictions(
    held: &[Held],
    policy: &QuarantinePolicy,
    incoming_bytes: u64,
    now_unix_s: i64,
) -> Vec<usize> {
    let keep = i64::try_from(policy.keep_seconds).unwrap_or(i64::MAX);
    let mut gone = vec![false; held.len()];
    let mut evicted = Vec::new();
    let mut count = held.len() as u64;
    let mut bytes: u64 = 0;
    for (index, entry) in held.iter().enumerate() {
        if entry.first_seen.saturating_add(keep) <= now_unix_s {
            evicted.push(index);
            count -= 1;
            if let Some(flag) = gone.get_mut(index) {
                *flag = true;
            }
        } else {
            bytes = bytes.saturating_add(entry.bytes);
        }
    }
    while count > 0
        && (count.saturating_add(1) > policy.max_entries
            || bytes.saturating_add(incoming_bytes) > policy.max_bytes)
    {
        let oldest = held
            .iter()
            .enumerate()
            .filter(|(index, _)| !gone.get(*index).copied().unwrap_or(true))
            .min_by(|(_, left), (_, right)| {
                (left.first_seen, &left.id).cmp(&(right.first_seen, &right.id))
            });
        let Some((index, entry)) = oldest else {
            break;
        };
        evicted.push(index);
        count -= 1;
        bytes = bytes.saturating_sub(entry.bytes);
        if let Some(flag) = gone.get_mut(index) {
            *flag = true;
        }
    }
    evicted
}

/// Whether an entry of `bytes` can be kept at all under the bounds.
pub fn fits(policy: &QuarantinePolicy, bytes: u64) -> bool {
    policy.max_entries > 0 && bytes <= policy.max_bytes
}

/// An entry read back from a store, with the facts its head records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept<'a> {
    /// The header fields, names lower-cased, in order.
    pub headers: Vec<(String, &'a str)>,
    /// The body, exactly as received.
    pub body: &'a [u8],
}

/// Why an entry could not be read back (it was truncated, edited, or is not an entry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryError {
    /// What is wrong, without quoting the entry.
    pub reason: &'static str,
}

impl std::fmt::Display for EntryError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.reason)
    }
}

impl std::error::Error for EntryError {}

impl<'a> Kept<'a> {
    /// Reads an entry's bytes: a request line, header lines, a blank line, and exactly
    /// `content-length` bytes of body.
    pub fn read(bytes: &'a [u8]) -> Result<Kept<'a>, EntryError> {
        let error = |reason| EntryError { reason };
        let end = bytes
            .windows(4)
            .position(|window| window == b"\r\n\r\n")
            .ok_or(error("the entry has no end of headers (truncated?)"))?;
        let head = std::str::from_utf8(bytes.get(..end).unwrap_or_default())
            .map_err(|_| error("the entry's headers are not text"))?;
        let body = bytes.get(end + 4..).unwrap_or_default();
        let mut lines = head.split("\r\n");
        let request_line = lines.next().unwrap_or_default();
        if !request_line.starts_with("POST ") || !request_line.ends_with(" HTTP/1.1") {
            return Err(error("the entry does not start with a POST request line"));
        }
        let mut headers = Vec::new();
        for line in lines {
            let (name, value) = line
                .split_once(':')
                .ok_or(error("the entry has a header line without a colon"))?;
            headers.push((name.trim().to_ascii_lowercase(), value.trim()));
        }
        let kept = Kept { headers, body };
        let declared: u64 = kept
            .header("content-length")
            .and_then(|length| length.parse().ok())
            .ok_or(error("the entry has no content-length"))?;
        if declared != body.len() as u64 {
            return Err(error(
                "the entry's body is not as long as its content-length (truncated?)",
            ));
        }
        if kept.first_seen().is_none() {
            return Err(error("the entry has no first-seen time"));
        }
        Ok(kept)
    }

    /// The first header field named `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&'a str> {
        self.headers
            .iter()
            .find(|(field, _)| field == name)
            .map(|(_, value)| *value)
    }

    /// When the delivery was first refused, Unix seconds.
    pub fn first_seen(&self) -> Option<i64> {
        self.header(FIRST_SEEN_HEADER)?.parse().ok()
    }

    /// The event name as delivered, when it was known.
    pub fn event_name(&self) -> Option<&'a str> {
        self.header(EVENT_HEADER)
    }

    /// The finding codes it was refused with (each once, in order).
    pub fn finding_codes(&self) -> Vec<String> {
        #[derive(Deserialize)]
        struct Recorded {
            code: String,
        }
        let recorded: Vec<Recorded> = self
            .header(FINDINGS_HEADER)
            .and_then(|text| serde_json::from_str(text).ok())
            .unwrap_or_default();
        let mut codes: Vec<String> = Vec::new();
        for Recorded { code } in recorded {
            if !codes.contains(&code) {
                codes.push(code);
            }
        }
        codes
    }

    /// The headers a replay sends to the service: the content type, the signature headers as
    /// received, [`REPLAY_HEADER`] and [`FIRST_SEEN_HEADER`].
    pub fn replay_headers(&self) -> Vec<(&'static str, &'a str)> {
        let mut headers = Vec::new();
        for name in [
            "content-type",
            "webhook-request-id",
            "webhook-timestamp",
            "webhook-signature",
            FIRST_SEEN_HEADER,
        ] {
            if let Some(value) = self.header(name) {
                headers.push((name, value));
            }
        }
        headers.push(REPLAY_HEADER);
        headers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held(id: &str, first_seen: i64, bytes: u64) -> Held {
        Held {
            id: id.to_owned(),
            first_seen,
            bytes,
        }
    }

    #[test]
    fn the_oldest_make_room_and_the_expired_go_first() {
        let policy = QuarantinePolicy {
            max_entries: 3,
            max_bytes: 1_000,
            keep_seconds: 100,
            ..QuarantinePolicy::default()
        };
        let entries = [held("c", 30, 10), held("a", 10, 10), held("b", 20, 10)];
        // Room for one more: the oldest goes.
        assert_eq!(evictions(&entries, &policy, 10, 50), vec![1]);
        // The bytes bound: 30 held + 985 incoming needs two to go.
        assert_eq!(evictions(&entries, &policy, 985, 50), vec![1, 2]);
        // At 125 the first two have expired (listed in their order), and the third is left.
        assert_eq!(evictions(&entries, &policy, 10, 125), vec![1, 2]);
        assert_eq!(evictions(&entries, &policy, 10, 131), vec![0, 1, 2]);
        let roomy = QuarantinePolicy {
            max_entries: 10,
            ..policy
        };
        assert!(evictions(&entries, &roomy, 10, 50).is_empty());
        assert_eq!(evictions(&entries, &roomy, 10, 110), vec![1]);
    }

    #[test]
    fn an_entry_is_named_by_its_request_id_or_else_its_body() {
        let by_id = entry_id(Some(b"msg_1"), b"{}");
        assert_eq!(by_id, entry_id(Some(b"msg_1"), b"{\"other\":1}"));
        assert_ne!(by_id, entry_id(Some(b"msg_2"), b"{}"));
        assert_ne!(entry_id(None, b"{}"), entry_id(None, b"[]"));
        assert_ne!(entry_id(None, b"msg_1"), entry_id(Some(b"msg_1"), b"msg_1"));
        assert_eq!(by_id.len(), 32);
        assert!(by_id.bytes().all(|byte| byte.is_ascii_hexdigit()));
    }

    #[test]
    fn unwritable_header_values_are_left_out() {
        assert_eq!(header_value(b"application/json"), Some("application/json"));
        assert_eq!(header_value(b"a\r\nb"), None);
        assert_eq!(header_value("caf\u{e9}".as_bytes()), None);
    }

    #[test]
    fn a_truncated_or_foreign_entry_is_refused_with_its_reason() {
        let entry = b"POST /hookguard/quarantine HTTP/1.1\r\ncontent-length: 4\r\nx-hookguard-first-seen: 5\r\n\r\n{}{}";
        let kept = Kept::read(entry).unwrap();
        assert_eq!(kept.body, b"{}{}");
        assert_eq!(kept.first_seen(), Some(5));
        let truncated = entry.get(..entry.len() - 1).unwrap();
        assert!(
            Kept::read(truncated)
                .unwrap_err()
                .reason
                .contains("truncated")
        );
        assert!(Kept::read(b"{\"event_name\":1}").is_err());
        assert!(Kept::read(b"GET / HTTP/1.1\r\n\r\n").is_err());
    }
}
