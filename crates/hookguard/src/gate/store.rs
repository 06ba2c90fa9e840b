//! The delivery memory a fleet shares, as a protocol: how the states of [`super::delivery`]
//! are kept in Redis, written once for every host that reaches one (the gateway through
//! webdis, the npm package through node-redis, and whatever comes next).
//!
//! Each request id is one key, `{prefix}{request_id}`, whose value is the state (`f{token}`
//! in flight, `d` delivered) and whose expiry is the state's lifetime, so Redis forgets by
//! itself. A claim and a settle are each one Lua script, atomic in Redis: two replicas claiming
//! the same id at once cannot both take it, and a settle changes the state only while the
//! claim is still the token's (the rule [`super::delivery::Held::settled`] applies in process).
//!
//! Hosts only carry the commands this module builds to the store and hand its reply back
//! ([`claim_of_reply`]); what a store that cannot be reached means is [`StorePolicy`]'s. A
//! native host that awaits its store implements [`SharedMemory`], the asynchronous twin of
//! [`super::delivery::DeliveryMemory`]: the in-process path keeps the synchronous trait and
//! pays nothing for this one.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use serde::{Deserialize, Serialize};

use crate::gate::delivery::{Claim, Lifetimes, Outcome, Ticket};

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

/// [`CLAIM_SCRIPT`]'s SHA-1, the name Redis gives it in its script cache (`EVALSHA`).
pub const CLAIM_SCRIPT_SHA1: &str = "5e02fbea89411dfadf47b3b1d0997b8f3c4420f3";

/// [`SETTLE_SCRIPT`]'s SHA-1.
pub const SETTLE_SCRIPT_SHA1: &str = "b516c656573159f759a3133776df8de7410cca03";

/// The SHA-1 Redis names one of the protocol's scripts by (this module's and the
/// quarantine's), so a host can send `EVALSHA` with it instead of carrying the script each
/// time (Redis then neither receives nor hashes it); `None` for any other text. A store that
/// answers `NOSCRIPT` (restarted, or its cache flushed) needs the script once more by `EVAL`,
/// which caches it again.
pub fn script_sha1(script: &str) -> Option<&'static str> {
    use crate::gate::quarantine::redis::{
        KEEP_SCRIPT, KEEP_SCRIPT_SHA1, REMOVE_SCRIPT, REMOVE_SCRIPT_SHA1,
    };
    [
        (CLAIM_SCRIPT, CLAIM_SCRIPT_SHA1),
        (SETTLE_SCRIPT, SETTLE_SCRIPT_SHA1),
        (KEEP_SCRIPT, KEEP_SCRIPT_SHA1),
        (REMOVE_SCRIPT, REMOVE_SCRIPT_SHA1),
    ]
    .into_iter()
    .find_map(|(text, sha1)| (text == script).then_some(sha1))
}

/// The keys' prefix, before the request id, unless a host is configured otherwise.
pub const DEFAULT_KEY_PREFIX: &str = "hookguard:delivery:";

/// The store's key of a request id.
pub fn key(prefix: &str, request_id: &str) -> String {
    format!("{prefix}{request_id}")
}

/// The command (its arguments, as Redis reads them) that claims `request_id` for the claim
/// `token` identifies; its reply goes to [`claim_of_reply`].
pub fn claim_command(
    prefix: &str,
    request_id: &str,
    token: u64,
    lifetimes: Lifetimes,
) -> [String; 6] {
    [
        String::from("EVAL"),
        CLAIM_SCRIPT.to_owned(),
        String::from("1"),
        key(prefix, request_id),
        token.to_string(),
        milliseconds(lifetimes.in_flight_seconds),
    ]
}

/// The command that ends `ticket`'s claim with `outcome` (a delivered id kept for the replay
/// window). Its reply says nothing a host needs: the claim lapsed, or it did not.
pub fn settle_command(
    prefix: &str,
    ticket: &Ticket,
    outcome: Outcome,
    lifetimes: Lifetimes,
) -> [String; 7] {
    [
        String::from("EVAL"),
        SETTLE_SCRIPT.to_owned(),
        String::from("1"),
        key(prefix, &ticket.request_id),
        ticket.token.to_string(),
        outcome.label().to_owned(),
        milliseconds(lifetimes.delivered_seconds),
    ]
}

fn milliseconds(seconds: u64) -> String {
    seconds.saturating_mul(1000).to_string()
}

/// The claim a reply of [`CLAIM_SCRIPT`] means: `["taken", 0]`, `["delivered", 0]` or
/// `["in_flight", milliseconds left]`; `None` for anything else (a store that is not this
/// protocol's is treated as unreachable).
pub fn claim_of_reply(state: &str, milliseconds_left: i64, token: u64) -> Option<Claim> {
    match state {
        "taken" => Some(Claim::Taken {
            token,
            evicted_unexpired: false,
        }),
        "delivered" => Some(Claim::Delivered),
        "in_flight" => Some(Claim::InFlight {
            lapses_in_seconds: u64::try_from(milliseconds_left)
                .unwrap_or(0)
                .div_ceil(1000)
                .max(1),
        }),
        _ => None,
    }
}

/// What to do when the shared store cannot be reached (an error, no answer within the host's
/// timeout, a reply that is not this protocol's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StorePolicy {
    /// Answer 503 `store_unavailable` with `Retry-After`: the sender comes back, and the
    /// delivery is neither lost nor forwarded twice.
    Refuse,
    /// Claim in this host's own memory instead (a copy sent to another replica may then be
    /// forwarded twice).
    Process,
}

impl StorePolicy {
    /// The policy's name in configurations (`refuse`, `process`).
    pub fn label(self) -> &'static str {
        match self {
            StorePolicy::Refuse => "refuse",
            StorePolicy::Process => "process",
        }
    }

    /// The policy named `label`.
    pub fn of_label(label: &str) -> Option<StorePolicy> {
        match label {
            "refuse" => Some(StorePolicy::Refuse),
            "process" => Some(StorePolicy::Process),
            _ => None,
        }
    }

    /// The line every host logs when a claim could not be asked (`reason` names the failure,
    /// never a request id or a value).
    pub fn claim_failed_line(self, reason: &dyn fmt::Display) -> String {
        let consequence = match self {
            StorePolicy::Refuse => "refused with 503",
            StorePolicy::Process => "claimed in this process",
        };
        format!("hookguard: the shared memory could not be asked ({reason}); {consequence}")
    }
}

/// The line every host logs when a settle could not be recorded: nothing is lost, the claim
/// lapses by itself (copies meanwhile are told to come back).
pub fn settle_failed_line(reason: &dyn fmt::Display) -> String {
    format!(
        "hookguard: a delivery could not be settled in the shared memory ({reason}); its claim lapses by itself"
    )
}

/// What a [`SharedMemory`] call returns: a future the host awaits (within its own timeout).
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// A delivery memory every replica shares, asked asynchronously: claim a request id atomically,
/// settle a claim by its token. Asked between [`super::Gate::examine`] and
/// [`super::Admission::conclude`]; a failure goes to [`super::Gate::store_unreachable`].
/// (`hookguard_tower::RedisMemory` implements it with this module's commands.)
pub trait SharedMemory: Send + Sync + 'static {
    /// Takes `request_id` in flight when it is unknown; otherwise says its state.
    fn claim<'a>(&'a self, request_id: &'a str, lifetimes: Lifetimes) -> StoreFuture<'a, Claim>;

    /// Ends the claim `ticket` holds with `outcome`.
    fn settle<'a>(
        &'a self,
        ticket: &'a Ticket,
        outcome: Outcome,
        lifetimes: Lifetimes,
    ) -> StoreFuture<'a, ()>;
}

/// Why a shared store gave no usable answer. Names no request id and no value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StoreError {
    /// The store could not be reached or refused the command (the client's own words, which
    /// carry no payload).
    Unreachable {
        /// What the client said.
        reason: String,
    },
    /// No answer within the host's timeout.
    TimedOut,
    /// A reply that is not the protocol's.
    Unreadable,
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Unreachable { reason } => write!(f, "unreachable: {reason}"),
            StoreError::TimedOut => f.write_str("no answer in time"),
            StoreError::Unreadable => f.write_str("a reply that is not a claim's"),
        }
    }
}

impl std::error::Error for StoreError {}

#[cfg(test)]
mod tests {
    use super::*;

    const LIFETIMES: Lifetimes = Lifetimes {
        in_flight_seconds: 60,
        delivered_seconds: 600,
    };

    #[test]
    fn each_scripts_digest_is_its_sha1_as_redis_computes_it() {
        use crate::gate::quarantine::redis::{KEEP_SCRIPT, REMOVE_SCRIPT};
        for script in [CLAIM_SCRIPT, SETTLE_SCRIPT, KEEP_SCRIPT, REMOVE_SCRIPT] {
            let computed = sha1_smol::Sha1::from(script).digest().to_string();
            assert_eq!(script_sha1(script), Some(computed.as_str()));
        }
        assert_eq!(script_sha1("return 1"), None);
    }

    #[test]
    fn commands_carry_the_key_the_token_and_the_lifetime_in_milliseconds() {
        let claim = claim_command(DEFAULT_KEY_PREFIX, "req/1", 42, LIFETIMES);
        assert_eq!(claim[0], "EVAL");
        assert_eq!(claim[1], CLAIM_SCRIPT);
        assert_eq!(
            &claim[2..],
            ["1", "hookguard:delivery:req/1", "42", "60000"]
        );
        let ticket = Ticket {
            request_id: String::from("r"),
            token: 7,
        };
        let settle = settle_command("p:", &ticket, Outcome::Delivered, LIFETIMES);
        assert_eq!(settle[1], SETTLE_SCRIPT);
        assert_eq!(&settle[2..], ["1", "p:r", "7", "delivered", "600000"]);
    }

    #[test]
    fn replies_read_as_claims_rounding_the_time_left_up() {
        assert_eq!(
            claim_of_reply("taken", 0, 9),
            Some(Claim::Taken {
                token: 9,
                evicted_unexpired: false
            })
        );
        assert_eq!(claim_of_reply("delivered", 0, 9), Some(Claim::Delivered));
        assert_eq!(
            claim_of_reply("in_flight", 1500, 9),
            Some(Claim::InFlight {
                lapses_in_seconds: 2
            })
        );
        // A key without expiry (-1) or gone since (-2) still says: come back in a second.
        assert_eq!(
            claim_of_reply("in_flight", -2, 9),
            Some(Claim::InFlight {
                lapses_in_seconds: 1
            })
        );
        assert_eq!(claim_of_reply("other", 0, 9), None);
    }

    #[test]
    fn failure_lines_name_the_reason_and_the_consequence_only() {
        assert_eq!(
            StorePolicy::Refuse.claim_failed_line(&"timed out"),
            "hookguard: the shared memory could not be asked (timed out); refused with 503"
        );
        assert!(
            StorePolicy::Process
                .claim_failed_line(&"x")
                .ends_with("claimed in this process")
        );
        for policy in [StorePolicy::Refuse, StorePolicy::Process] {
            assert_eq!(StorePolicy::of_label(policy.label()), Some(policy));
        }
    }
}
