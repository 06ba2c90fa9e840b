//! The delivery memory shared by gateways: request ids in Redis, reached through Debian's
//! `webdis` (an HTTP front for Redis commands) with proxy-wasm's `dispatch_http_call`, because
//! stock Envoy gives a wasm filter no Redis call. Each claim and settle is one Lua script, run
//! atomically by Redis: the same scripts, keys and states as the npm package's `RedisMemory`,
//! so gateways and Node receivers can share one store.
//!
//! This module only writes the requests and reads the answers; the exchange sends them and
//! decides what a failure means (`on_unavailable`).

use hookguard::delivery::{Claim, Lifetimes, Outcome, Ticket};
use serde::Deserialize;

/// Claims a request id: unknown -> in flight with a token for `PX` ms; else says the state.
pub const CLAIM_SCRIPT: &str = "
local held = redis.call('GET', KEYS[1])
if not held then
  redis.call('SET', KEYS[1], 'f' .. ARGV[1], 'PX', ARGV[2])
  return {'taken', 0}
end
if held == 'd' then return {'delivered', 0} end
return {'in_flight', redis.call('PTTL', KEYS[1])}
";

/// Settles the claim a token holds: delivered (kept for `PX` ms) or failed (forgotten).
pub const SETTLE_SCRIPT: &str = "
if redis.call('GET', KEYS[1]) ~= 'f' .. ARGV[1] then return 0 end
if ARGV[2] == 'delivered' then
  redis.call('SET', KEYS[1], 'd', 'PX', ARGV[3])
else
  redis.call('DEL', KEYS[1])
end
return 1
";

/// What to do when the shared store cannot be reached (an error, a timeout, an answer that
/// is not webdis').
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StorePolicy {
    /// Answer 503 `store_unavailable` with `Retry-After`: the sender comes back.
    Refuse,
    /// Claim in this Envoy's shared data instead (a copy sent to another gateway may then be
    /// forwarded twice).
    Process,
}

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
}

fn default_timeout_ms() -> u64 {
    250
}

fn default_policy() -> StorePolicy {
    StorePolicy::Refuse
}

fn default_prefix() -> String {
    String::from("hookguard:delivery:")
}

impl SharedStore {
    /// The webdis request body that claims `request_id` (POST `/`, the command in the body).
    pub fn claim_request(&self, request_id: &str, token: u64, lifetimes: Lifetimes) -> Vec<u8> {
        let in_flight_ms = lifetimes.in_flight_seconds.saturating_mul(1000).to_string();
        command(&[
            "EVAL",
            CLAIM_SCRIPT,
            "1",
            &format!("{}{request_id}", self.key_prefix),
            &token.to_string(),
            &in_flight_ms,
        ])
    }

    /// The webdis request body that settles `ticket`.
    pub fn settle_request(
        &self,
        ticket: &Ticket,
        outcome: Outcome,
        lifetimes: Lifetimes,
    ) -> Vec<u8> {
        let delivered_ms = lifetimes.delivered_seconds.saturating_mul(1000).to_string();
        command(&[
            "EVAL",
            SETTLE_SCRIPT,
            "1",
            &format!("{}{}", self.key_prefix, ticket.request_id),
            &ticket.token.to_string(),
            outcome.label(),
            &delivered_ms,
        ])
    }

    /// The authority the calls go to.
    pub fn authority(&self) -> &str {
        self.authority.as_deref().unwrap_or(&self.cluster)
    }
}

/// A command as webdis reads it: arguments joined by `/`, each percent-encoded (`.` too:
/// webdis reads a dot as the start of an extension choosing the answer's format).
fn command(arguments: &[&str]) -> Vec<u8> {
    let mut out = Vec::new();
    for (index, argument) in arguments.iter().enumerate() {
        if index > 0 {
            out.push(b'/');
        }
        for &byte in argument.as_bytes() {
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

/// Reads webdis' answer to a claim: `{"EVAL": ["taken", 0]}`, `["delivered", 0]` or
/// `["in_flight", milliseconds left]`.
pub fn read_claim(status: Option<u16>, body: &[u8], token: u64) -> Result<Claim, StoreError> {
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
    let Ok(Answer {
        eval: (state, milliseconds),
    }) = serde_json::from_slice::<Answer>(body)
    else {
        return Err(StoreError::Unreadable);
    };
    match state.as_str() {
        "taken" => Ok(Claim::Taken {
            token,
            evicted_unexpired: false,
        }),
        "delivered" => Ok(Claim::Delivered),
        "in_flight" => Ok(Claim::InFlight {
            lapses_in_seconds: u64::try_from(milliseconds)
                .unwrap_or(0)
                .div_ceil(1000)
                .max(1),
        }),
        _ => Err(StoreError::Unreadable),
    }
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
    fn the_scripts_are_the_npm_packages_so_both_hosts_share_one_store() {
        let shared = include_str!("../../hookguard-js/npm/shared.cjs");
        for script in [CLAIM_SCRIPT, SETTLE_SCRIPT] {
            assert!(shared.contains(script.trim()), "{script}");
        }
        assert!(shared.contains("prefix = 'hookguard:delivery:'"));
    }
}
