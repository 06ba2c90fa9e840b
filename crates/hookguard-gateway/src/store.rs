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
use hookguard::store::{DEFAULT_KEY_PREFIX, claim_command, claim_of_reply, settle_command};
use serde::Deserialize;

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
    /// The webdis request body that claims `request_id` (POST `/`, the command in the body).
    pub fn claim_request(&self, request_id: &str, token: u64, lifetimes: Lifetimes) -> Vec<u8> {
        command(&claim_command(
            &self.key_prefix,
            request_id,
            token,
            lifetimes,
        ))
    }

    /// The webdis request body that settles `ticket`.
    pub fn settle_request(
        &self,
        ticket: &Ticket,
        outcome: Outcome,
        lifetimes: Lifetimes,
    ) -> Vec<u8> {
        command(&settle_command(
            &self.key_prefix,
            ticket,
            outcome,
            lifetimes,
        ))
    }

    /// The webdis request body that keeps a refused delivery in the quarantine (its entry's
    /// bytes, head then `body`, as the last argument).
    pub fn keep_request(
        &self,
        entry: &Entry,
        body: &[u8],
        policy: &QuarantinePolicy,
        now_unix_s: i64,
    ) -> Vec<u8> {
        command(&keep_command(
            &self.quarantine_key_prefix,
            entry,
            body,
            policy,
            now_unix_s,
        ))
    }

    /// The authority the calls go to.
    pub fn authority(&self) -> &str {
        self.authority.as_deref().unwrap_or(&self.cluster)
    }
}

/// A command as webdis reads it: arguments joined by `/`, each percent-encoded (`.` too:
/// webdis reads a dot as the start of an extension choosing the answer's format).
fn command<A: AsRef<[u8]>>(arguments: &[A]) -> Vec<u8> {
    let mut out = Vec::new();
    for (index, argument) in arguments.iter().enumerate() {
        if index > 0 {
            out.push(b'/');
        }
        for &byte in argument.as_ref() {
            if byte.is_ascii_alphanumeric() || b"-_~".contains(&byte) {
                out.push(byte);
            } else {
                out.extend_from_slice(format!("%{byte:02X}").as_bytes());
            }
        }
    }
    out
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

/// The `[text, number]` reply of a script in webdis' envelope, `{"EVAL": [...]}`.
fn script_reply(status: Option<u16>, body: &[u8]) -> Result<(String, i64), StoreError> {
    match status {
        None => return Err(StoreError::NoAnswer),
        Some(200) => {}
        Some(other) => return Err(StoreError::Status(other)),
    }
    #[derive(Deserialize)]
    struct Answer {
        #[serde(rename = "EVAL")]
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
        let body = store().claim_request("req/1 x%", 42, lifetimes);
        let text = String::from_utf8(body).unwrap();
        let parts: Vec<&str> = text.split('/').collect();
        assert_eq!(parts.len(), 6);
        assert_eq!(parts[0], "EVAL");
        assert_eq!(parts[3], "hookguard%3Adelivery%3Areq%2F1%20x%25");
        assert_eq!(&parts[4..], ["42", "60000"]);
        let ticket = Ticket {
            request_id: "r".into(),
            token: 7,
        };
        let settle = store().settle_request(&ticket, Outcome::Delivered, lifetimes);
        assert!(
            String::from_utf8(settle)
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
        ] {
            assert_eq!(read_claim(Some(200), body, 9), Err(StoreError::Unreadable));
        }
    }

    #[test]
    fn the_default_prefix_is_the_cores_so_every_host_shares_one_store() {
        assert_eq!(store().key_prefix, DEFAULT_KEY_PREFIX);
        let text = String::from_utf8(store().claim_request(
            "r",
            1,
            Lifetimes {
                in_flight_seconds: 1,
                delivered_seconds: 1,
            },
        ))
        .unwrap();
        assert!(text.contains("hookguard%3Adelivery%3Ar/"), "{text}");
    }
}
