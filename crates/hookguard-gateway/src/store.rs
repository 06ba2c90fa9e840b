//! The delivery memory shared by gateways: request ids in Redis, reached through Debian's
//! `webdis` (an HTTP front for Redis commands) with proxy-wasm's `dispatch_http_call`, because
//! stock Envoy gives a wasm filter no Redis call. The commands, keys and replies are the core's
//! ([`hookguard::store`]), the same as every host's, so gateways and Node receivers share one
//! store.
//!
//! This module only carries the core's commands in webdis' form and takes the Redis reply out
//! of webdis' envelope; the exchange sends them, and the core's [`StorePolicy`] says what a
//! failure means (`on_unavailable`).

use hookguard::delivery::{Claim, Lifetimes, Outcome, Ticket};
use hookguard::gate::quarantine::redis::{DEFAULT_QUARANTINE_PREFIX, keep_command, keep_of_reply};
use hookguard::gate::quarantine::{Entry, Keep, QuarantinePolicy};
pub use hookguard::store::StorePolicy;
use hookguard::store::{
    DEFAULT_KEY_PREFIX, claim_command, claim_of_reply, script_sha1, settle_command,
};
use serde::Deserialize;
use std::cell::Cell;

/// The `shared_store` setting: where webdis is, and what to do without it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SharedStore {
    /// The Envoy cluster that reaches webdis.
    pub cluster: String,
    /// The `:authority` of the calls. Default: the cluster's name.
    #[serde(default)]
    pub authority: Option<String>,
    /// How long a call may take, in milliseconds. Default 250.
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u64,
    /// What to do when the store cannot be reached. Default `refuse`.
    #[serde(default = "default_policy")]
    pub on_unavailable: StorePolicy,
    /// The keys' prefix, before the request id. Default `hookguard:delivery:`, as the npm
    /// package's.
    #[serde(default = "default_prefix")]
    pub key_prefix: String,
    /// The quarantine's keys' prefix. Default `hookguard:quarantine:`, as every host's and the
    /// command line's.
    #[serde(default = "default_quarantine_prefix")]
    pub quarantine_key_prefix: String,
    /// Whether claims and keeps name their script by digest (`EVALSHA`): until webdis refuses
    /// the command (its `acl` allowing `EVAL` only), then whole for the rest of this VM.
    #[serde(skip, default = "by_digest_at_first")]
    by_digest: Cell<bool>,
}

fn by_digest_at_first() -> Cell<bool> {
    Cell::new(true)
}

fn default_timeout_ms() -> u64 {
    250
}

fn default_policy() -> StorePolicy {
    StorePolicy::Refuse
}

fn default_prefix() -> String {
    String::from(DEFAULT_KEY_PREFIX)
}

fn default_quarantine_prefix() -> String {
    String::from(DEFAULT_QUARANTINE_PREFIX)
}

impl SharedStore {
    /// The call that claims `request_id` (POST `/`, the command in the body).
    pub fn claim_request(&self, request_id: &str, token: u64, lifetimes: Lifetimes) -> StoreCall {
        let command = claim_command(&self.key_prefix, request_id, token, lifetimes);
        store_call(command.map(String::into_bytes).into(), self.by_digest.get())
    }

    /// The call that settles `ticket`. Always with its script: a settle is sent on behalf of
    /// the VM once the response went on, so no one is left to send the script again if Redis
    /// did not know its digest.
    pub fn settle_request(
        &self,
        ticket: &Ticket,
        outcome: Outcome,
        lifetimes: Lifetimes,
    ) -> StoreCall {
        let command = settle_command(&self.key_prefix, ticket, outcome, lifetimes);
        store_call(command.map(String::into_bytes).into(), false)
    }

    /// The call that keeps a refused delivery in the quarantine (its entry's bytes, head then
    /// `body`, as the last argument).
    pub fn keep_request(
        &self,
        entry: &Entry,
        body: &[u8],
        policy: &QuarantinePolicy,
        now_unix_s: i64,
    ) -> StoreCall {
        let command = keep_command(&self.quarantine_key_prefix, entry, body, policy, now_unix_s);
        store_call(command, self.by_digest.get())
    }

    /// The authority the calls go to.
    pub fn authority(&self) -> &str {
        self.authority.as_deref().unwrap_or(&self.cluster)
    }

    /// The call to send again, with its script, when an answer asks for it: Redis does not
    /// know the digest (restarted, or its script cache flushed), or webdis may not run
    /// `EVALSHA` (then this VM sends scripts whole from now on). `None` when it does not, or
    /// when the call already carried its script.
    pub fn again_with_script(
        &self,
        call: &StoreCall,
        status: Option<u16>,
        body: &[u8],
    ) -> Option<Again> {
        call.script.as_ref()?;
        let refused = status == Some(WEBDIS_REFUSED);
        if !(refused || status == Some(200) && unknown_script(body)) {
            return None;
        }
        let first_refusal = refused && self.by_digest.replace(false);
        Some(Again {
            call: call.with_script()?,
            first_refusal,
        })
    }
}

/// A command as a call, its script named by digest when `by_digest` and the script is one
/// of the protocol's.
fn store_call(mut arguments: Vec<Vec<u8>>, by_digest: bool) -> StoreCall {
    let digest = by_digest
        .then(|| arguments.get(1))
        .flatten()
        .and_then(|script| std::str::from_utf8(script).ok())
        .and_then(script_sha1);
    let mut script = None;
    if let (Some(sha1), [verb, named, ..]) = (digest, arguments.as_mut_slice())
        && verb.as_slice() == b"EVAL"
    {
        *verb = b"EVALSHA".to_vec();
        script = Some(std::mem::replace(named, sha1.as_bytes().to_vec()));
    }
    StoreCall {
        body: command(&arguments),
        script,
    }
}

/// A call to send again with its script.
pub struct Again {
    /// The call, its script carried.
    pub call: StoreCall,
    /// webdis refused `EVALSHA` for the first time in this VM: worth one log line.
    pub first_refusal: bool,
}

/// The status webdis answers a command its `acl` does not allow.
const WEBDIS_REFUSED: u16 = 403;

/// A call to the store: the body webdis is sent, and the script it names by digest, if it
/// does, to send it whole when the store does not know the digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreCall {
    /// The command as webdis reads it (POST `/`).
    pub body: Vec<u8>,
    script: Option<Vec<u8>>,
}

impl StoreCall {
    /// The same command carrying its script (`EVAL`), which also puts it in Redis' cache.
    fn with_script(&self) -> Option<StoreCall> {
        let script = self.script.as_ref()?;
        // The body is `EVALSHA/{40 hex digits}/{the other arguments}`.
        let rest = self.body.get(DIGEST_PREFIX_LEN..)?;
        let mut body = b"EVAL/".to_vec();
        push_argument(&mut body, script);
        body.extend_from_slice(rest);
        Some(StoreCall { body, script: None })
    }
}

/// `EVALSHA/` and a SHA-1 in hex.
const DIGEST_PREFIX_LEN: usize = "EVALSHA/".len() + 40;

/// A command as webdis reads it: arguments joined by `/`, each percent-encoded (`.` too:
/// webdis reads a dot as the start of an extension choosing the answer's format).
fn command<A: AsRef<[u8]>>(arguments: &[A]) -> Vec<u8> {
    let mut out = Vec::new();
    for (index, argument) in arguments.iter().enumerate() {
        if index > 0 {
            out.push(b'/');
        }
        push_argument(&mut out, argument.as_ref());
    }
    out
}

/// Appends one argument, percent-encoded.
fn push_argument(out: &mut Vec<u8>, argument: &[u8]) {
    let hex_digit = |nibble: u8| match nibble {
        0..=9 => b'0' + nibble,
        _ => b'A' + nibble - 10,
    };
    for &byte in argument {
        if byte.is_ascii_alphanumeric() || b"-_~".contains(&byte) {
            out.push(byte);
        } else {
            out.extend_from_slice(&[b'%', hex_digit(byte >> 4), hex_digit(byte & 15)]);
        }
    }
}

/// Whether webdis' answer is Redis' `NOSCRIPT` error, `{"EVALSHA":[false,"NOSCRIPT ..."]}`
/// (webdis writes its envelope without spaces).
fn unknown_script(body: &[u8]) -> bool {
    body.starts_with(br#"{"EVALSHA":[false,"NOSCRIPT"#)
}

/// Why a store call gave no answer the exchange can use. Names no id and no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreError {
    /// The call could not be sent (no such cluster, the host refused).
    NotSent,
    /// No answer in time, or the connection failed (Envoy answers without a status).
    NoAnswer,
    /// webdis answered with another status (Redis down: 503).
    Status(u16),
    /// An answer that is not a claim's.
    Unreadable,
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::NotSent => f.write_str("the call could not be sent"),
            StoreError::NoAnswer => f.write_str("no answer in time"),
            StoreError::Status(status) => write!(f, "answered {status}"),
            StoreError::Unreadable => f.write_str("an answer that is not a claim's"),
        }
    }
}

/// The `[text, number]` reply of a script in webdis' envelope, `{"EVAL": [...]}` (or
/// `{"EVALSHA": [...]}`).
fn script_reply(status: Option<u16>, body: &[u8]) -> Result<(String, i64), StoreError> {
    match status {
        None => return Err(StoreError::NoAnswer),
        Some(200) => {}
        Some(other) => return Err(StoreError::Status(other)),
    }
    #[derive(Deserialize)]
    struct Answer {
        #[serde(rename = "EVAL", alias = "EVALSHA")]
        eval: (String, i64),
    }
    serde_json::from_slice::<Answer>(body)
        .map(|answer| answer.eval)
        .map_err(|_| StoreError::Unreadable)
}

/// Reads webdis' answer to a claim: `{"EVAL": ["taken", 0]}`, `["delivered", 0]` or
/// `["in_flight", milliseconds left]`.
pub fn read_claim(status: Option<u16>, body: &[u8], token: u64) -> Result<Claim, StoreError> {
    let (state, milliseconds) = script_reply(status, body)?;
    claim_of_reply(&state, milliseconds, token).ok_or(StoreError::Unreadable)
}

/// Reads webdis' answer to a keep: `{"EVAL": ["kept", evicted]}` or `["already", 0]`.
pub fn read_keep(status: Option<u16>, body: &[u8]) -> Result<Keep, StoreError> {
    let (state, evicted) = script_reply(status, body)?;
    keep_of_reply(&state, evicted).ok_or(StoreError::Unreadable)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> SharedStore {
        serde_json::from_str(r#"{"cluster": "webdis"}"#).unwrap()
    }

    #[test]
    fn commands_are_percent_encoded_so_any_request_id_stays_one_argument() {
        let lifetimes = Lifetimes {
            in_flight_seconds: 60,
            delivered_seconds: 600,
        };
        let call = store().claim_request("req/1 x%", 42, lifetimes);
        let text = String::from_utf8(call.body).unwrap();
        let parts: Vec<&str> = text.split('/').collect();
        assert_eq!(parts.len(), 6);
        assert_eq!(parts[0], "EVALSHA");
        assert_eq!(parts[1], hookguard::store::CLAIM_SCRIPT_SHA1);
        assert_eq!(parts[3], "hookguard%3Adelivery%3Areq%2F1%20x%25");
        assert_eq!(&parts[4..], ["42", "60000"]);
        let ticket = Ticket {
            request_id: "r".into(),
            token: 7,
        };
        let settle = store().settle_request(&ticket, Outcome::Delivered, lifetimes);
        assert!(
            String::from_utf8(settle.body)
                .unwrap()
                .ends_with("/7/delivered/600000")
        );
    }

    #[test]
    fn answers_read_as_claims_and_anything_else_as_an_error() {
        assert_eq!(
            read_claim(Some(200), br#"{"EVAL":["taken",0]}"#, 9),
            Ok(Claim::Taken {
                token: 9,
                evicted_unexpired: false
            })
        );
        assert_eq!(
            read_claim(Some(200), br#"{"EVAL":["in_flight",1500]}"#, 9),
            Ok(Claim::InFlight {
                lapses_in_seconds: 2
            })
        );
        assert_eq!(
            read_claim(Some(200), br#"{"EVAL":["delivered",0]}"#, 9),
            Ok(Claim::Delivered)
        );
        assert_eq!(read_claim(None, b"", 9), Err(StoreError::NoAnswer));
        assert_eq!(read_claim(Some(503), b"", 9), Err(StoreError::Status(503)));
        for body in [
            &b"{}"[..],
            br#"{"EVAL":["other",0]}"#,
            b"\xff",
            br#"{"EVAL":[false,"x"]}"#,
            br#"{"EVALSHA":[false,"NOSCRIPT No matching script. Please use EVAL."]}"#,
        ] {
            assert_eq!(read_claim(Some(200), body, 9), Err(StoreError::Unreadable));
        }
        assert_eq!(
            read_claim(Some(200), br#"{"EVALSHA":["delivered",0]}"#, 9),
            Ok(Claim::Delivered)
        );
    }

    #[test]
    fn a_call_by_digest_is_sent_again_whole_only_when_the_store_asks() {
        let store = store();
        let lifetimes = Lifetimes {
            in_flight_seconds: 60,
            delivered_seconds: 600,
        };
        let call = store.claim_request("req.1", 42, lifetimes);
        let noscript = br#"{"EVALSHA":[false,"NOSCRIPT No matching script. Please use EVAL."]}"#;
        for (status, body) in [
            (Some(200), &br#"{"EVALSHA":["taken",0]}"#[..]),
            (Some(200), br#"{"EVALSHA":[false,"ERR something else"]}"#),
            (Some(503), noscript),
            (None, b""),
        ] {
            assert!(store.again_with_script(&call, status, body).is_none());
        }
        let again = store.again_with_script(&call, Some(200), noscript).unwrap();
        assert!(!again.first_refusal);
        let expected =
            hookguard::store::claim_command("hookguard:delivery:", "req.1", 42, lifetimes);
        assert_eq!(again.call.body, command(&expected));
        assert!(
            store
                .again_with_script(&again.call, Some(200), noscript)
                .is_none(),
            "once"
        );
        // The next call still names the digest: only webdis refusing EVALSHA changes that.
        assert!(
            store
                .claim_request("r", 1, lifetimes)
                .body
                .starts_with(b"EVALSHA/")
        );
        assert!(
            store
                .again_with_script(&call, Some(403), b"")
                .unwrap()
                .first_refusal
        );
        assert!(
            !store
                .again_with_script(&call, Some(403), b"")
                .unwrap()
                .first_refusal
        );
        assert!(
            store
                .claim_request("r", 1, lifetimes)
                .body
                .starts_with(b"EVAL/")
        );
    }

    #[test]
    fn the_default_prefix_is_the_cores_so_every_host_shares_one_store() {
        assert_eq!(store().key_prefix, DEFAULT_KEY_PREFIX);
        let text = String::from_utf8(
            store()
                .claim_request(
                    "r",
                    1,
                    Lifetimes {
                        in_flight_seconds: 1,
                        delivered_seconds: 1,
                    },
                )
                .body,
        )
        .unwrap();
        assert!(text.contains("hookguard%3Adelivery%3Ar/"), "{text}");
    }
}
