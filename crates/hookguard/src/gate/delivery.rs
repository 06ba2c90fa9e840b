//! The delivery contract: a webhook is at-least-once, and hookguard must neither lose a delivery
//! nor forward one twice.
//!
//! An authentic request id moves through three states in a [`DeliveryMemory`]:
//!
//! ```text
//!              claim (valid, authentic)            settle: the service answered 2xx
//!   unknown ───────────────────────────▶ in flight ─────────────────────────────────▶ delivered
//!      ▲                                     │                                          │
//!      └──── settle: failed, timed out, ─────┘                                          │
//!      └──── reset, refused; or the claim lapsed (`in_flight_seconds`) ──────────────────┤
//!      └──── `delivered_seconds` after it was delivered ────────────────────────────────┘
//! ```
//!
//! - A copy of an id that is *unknown* (never received, forgotten after a failure, or expired)
//!   is checked as a new delivery: a retry of a delivery the service failed goes through.
//! - A copy that arrives while the id is *in flight* is not forwarded: it is told to come back
//!   (503 with `Retry-After`), because the first attempt may still fail.
//! - A copy of a *delivered* id is not forwarded either; by default it is acknowledged (2xx),
//!   since the sender's copy did arrive ([`DuplicatePolicy`]).
//!
//! A claim carries a token, so a late settle of a claim that lapsed cannot release the claim of
//! a later copy. The memories here are for one process ([`InProcessMemory`]) or none
//! ([`NoMemory`]); a host whose memory answers at once implements [`DeliveryMemory`] for its
//! reach (Envoy's shared data). A memory across the network answers later: its hosts carry the
//! commands of [`super::store`] and conclude the admission with the reply
//! ([`super::Admission::conclude`]).

use std::collections::{HashMap, VecDeque};

use serde::{Deserialize, Serialize};

/// What to do with an authentic copy of a delivery the service already took (2xx).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DuplicatePolicy {
    /// Answer 200 without forwarding it, saying it was a duplicate: the sender's copy was
    /// delivered, and any other answer would only make it retry until it gives up.
    Acknowledge,
    /// Refuse it (409 `signature_replayed`).
    Reject,
    /// Forward it marked `replayed`, for a service that deduplicates itself. The first copy
    /// is still claimed, and a copy arriving while it is in flight is still told to come back
    /// (503): only copies of a delivered id are forwarded.
    Pass,
}

impl DuplicatePolicy {
    /// The policy's name in configurations (`acknowledge`, `reject`, `pass`).
    pub fn label(self) -> &'static str {
        match self {
            DuplicatePolicy::Acknowledge => "acknowledge",
            DuplicatePolicy::Reject => "reject",
            DuplicatePolicy::Pass => "pass",
        }
    }
}

/// How long the states last, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifetimes {
    /// How long a forwarded delivery holds its id without an answer (a crashed host never
    /// settles): longer than the service's own timeout.
    pub in_flight_seconds: u64,
    /// How long a delivered id is remembered: at least the replay window (twice the signature
    /// tolerance), so a replayed copy is still recognised while its signature is fresh.
    pub delivered_seconds: u64,
}

/// What the memory answered to a claim on a request id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// Unknown until now: this caller holds it in flight and must settle it with `token`.
    Taken {
        /// Identifies this claim when it is settled.
        token: u64,
        /// The memory was full of live ids and forgot one to make room (it is too small for
        /// the traffic: a copy of the forgotten id would now be forwarded).
        evicted_unexpired: bool,
    },
    /// Another copy is in flight; its claim lapses in at most this many seconds.
    InFlight {
        /// Seconds until the other copy's claim lapses (at least 1).
        lapses_in_seconds: u64,
    },
    /// The service already took a copy.
    Delivered,
}

/// How the service answered a forwarded delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A 2xx: the service took it.
    Delivered,
    /// Anything else: a non-2xx answer, a timeout, a reset, a handler that threw. The id is
    /// forgotten, so the sender's retry is checked as a new delivery.
    Failed,
}

impl Outcome {
    /// The outcome an HTTP status means.
    pub fn of_status(status: u16) -> Outcome {
        if (200..300).contains(&status) {
            Outcome::Delivered
        } else {
            Outcome::Failed
        }
    }

    /// The outcome named `label` (`delivered` or `failed`), as hosts receive it.
    pub fn of_label(label: &str) -> Option<Outcome> {
        [Outcome::Delivered, Outcome::Failed]
            .into_iter()
            .find(|outcome| outcome.label() == label)
    }

    /// `delivered` or `failed`.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Delivered => "delivered",
            Outcome::Failed => "failed",
        }
    }
}

/// A claim held on a forwarded delivery, to settle when the service has answered. Hosts that
/// hand it across a boundary (the plugin ABI) write it as JSON `{"request_id", "token"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ticket {
    /// The delivery's authenticated `Webhook-Request-Id`.
    pub request_id: String,
    /// The claim's token ([`Claim::Taken`]).
    pub token: u64,
}

/// Where a host keeps the states of request ids. Its reach is the host's: one process, every
/// worker of one Envoy, or a fleet sharing one store. Both steps must be atomic within that
/// reach: two copies claimed at once must not both be taken.
pub trait DeliveryMemory {
    /// Why the memory could not be consulted.
    type Error;

    /// Takes `request_id` in flight when it is unknown (or its state expired); otherwise says
    /// what state it is in.
    fn claim(
        &mut self,
        request_id: &str,
        now_unix_s: i64,
        lifetimes: Lifetimes,
    ) -> Result<Claim, Self::Error>;

    /// Ends a claim: `Delivered` keeps the id for `delivered_seconds`, `Failed` forgets it.
    /// Does nothing when the claim is no longer the ticket's (it lapsed and another copy took
    /// the id).
    fn settle(
        &mut self,
        ticket: &Ticket,
        outcome: Outcome,
        now_unix_s: i64,
        lifetimes: Lifetimes,
    ) -> Result<(), Self::Error>;
}

/// Seconds until `expires_at`, at least 1 (a claim read as live lapses no sooner).
pub fn seconds_until(expires_at: i64, now_unix_s: i64) -> u64 {
    u64::try_from(i128::from(expires_at) - i128::from(now_unix_s))
        .unwrap_or(0)
        .max(1)
}

/// `now + seconds`, saturating.
pub fn expiry(now_unix_s: i64, seconds: u64) -> i64 {
    now_unix_s.saturating_add(i64::try_from(seconds).unwrap_or(i64::MAX))
}

/// The state of an id as a memory holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Held {
    /// Claimed by the copy holding this token.
    InFlight {
        /// The claim's token.
        token: u64,
    },
    /// Taken by the service.
    Delivered,
}

impl Held {
    /// What a claim on an id in this state, live until `expires_at`, answers.
    pub fn claim_answer(self, expires_at: i64, now_unix_s: i64) -> Claim {
        match self {
            Held::InFlight { .. } => Claim::InFlight {
                lapses_in_seconds: seconds_until(expires_at, now_unix_s),
            },
            Held::Delivered => Claim::Delivered,
        }
    }

    /// The state after `ticket`'s settle with `outcome`, live until the returned time; `None`
    /// forgets the id. A state the ticket does not hold is left as it is.
    pub fn settled(
        self,
        expires_at: i64,
        ticket_token: u64,
        outcome: Outcome,
        now_unix_s: i64,
        lifetimes: Lifetimes,
    ) -> Option<(Held, i64)> {
        match (self, outcome) {
            (Held::InFlight { token }, Outcome::Delivered) if token == ticket_token => Some((
                Held::Delivered,
                expiry(now_unix_s, lifetimes.delivered_seconds),
            )),
            (Held::InFlight { token }, Outcome::Failed) if token == ticket_token => None,
            _ => Some((self, expires_at)),
        }
    }
}

/// A delivery memory inside one process: at most `capacity` ids, the oldest forgotten first
/// when it is full, expired ones as they are met.
#[derive(Debug, Clone)]
pub struct InProcessMemory {
    capacity: usize,
    /// Request id -> state, until when, and the generation that wrote it.
    ids: HashMap<String, (Held, i64, u64)>,
    /// Ids in the order they were written, with the generation written: an entry whose
    /// generation is not the id's current one is stale and skipped.
    order: VecDeque<(u64, String)>,
    /// Counts writes; also the claims' tokens (unique within this memory).
    generation: u64,
}

impl InProcessMemory {
    /// A memory of at most `capacity` ids (at least one).
    pub fn new(capacity: usize) -> InProcessMemory {
        InProcessMemory {
            capacity: capacity.max(1),
            ids: HashMap::new(),
            order: VecDeque::new(),
            generation: 0,
        }
    }

    /// How many ids are held (in flight or delivered, expired ones not yet met included).
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether no id is held.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    fn write(&mut self, request_id: &str, held: Held, expires_at: i64) -> u64 {
        self.generation += 1;
        let generation = self.generation;
        self.ids
            .insert(request_id.to_owned(), (held, expires_at, generation));
        self.order.push_back((generation, request_id.to_owned()));
        generation
    }

    /// Drops the oldest write; returns whether it was a live id (forgotten before its time).
    fn forget_oldest(&mut self, now_unix_s: i64) -> bool {
        while let Some((generation, id)) = self.order.pop_front() {
            match self.ids.get(&id) {
                Some(&(_, expires_at, current)) if current == generation => {
                    self.ids.remove(&id);
                    return expires_at >= now_unix_s;
                }
                // Rewritten or removed since: a stale place in the queue.
                _ => continue,
            }
        }
        false
    }

    /// Drops expired and stale writes from the front of the queue.
    fn forget_expired(&mut self, now_unix_s: i64) {
        while let Some((generation, id)) = self.order.front() {
            match self.ids.get(id) {
                Some(&(_, expires_at, current)) if current == *generation => {
                    if expires_at >= now_unix_s {
                        return;
                    }
                    self.ids.remove(id);
                }
                _ => {}
            }
            self.order.pop_front();
        }
    }
}

impl Default for InProcessMemory {
    /// Room for 100,000 ids: a receiver's traffic over the replay window, many times over.
    fn default() -> InProcessMemory {
        InProcessMemory::new(100_000)
    }
}

impl DeliveryMemory for InProcessMemory {
    type Error = std::convert::Infallible;

    fn claim(
        &mut self,
        request_id: &str,
        now_unix_s: i64,
        lifetimes: Lifetimes,
    ) -> Result<Claim, Self::Error> {
        self.forget_expired(now_unix_s);
        if let Some(&(held, expires_at, _)) = self.ids.get(request_id)
            && expires_at >= now_unix_s
        {
            return Ok(held.claim_answer(expires_at, now_unix_s));
        }
        self.ids.remove(request_id);
        let mut evicted_unexpired = false;
        while self.ids.len() >= self.capacity && !self.order.is_empty() {
            evicted_unexpired |= self.forget_oldest(now_unix_s);
        }
        // The token is the generation of the write that takes the claim.
        let token = self.generation + 1;
        let expires_at = expiry(now_unix_s, lifetimes.in_flight_seconds);
        self.write(request_id, Held::InFlight { token }, expires_at);
        Ok(Claim::Taken {
            token,
            evicted_unexpired,
        })
    }

    fn settle(
        &mut self,
        ticket: &Ticket,
        outcome: Outcome,
        now_unix_s: i64,
        lifetimes: Lifetimes,
    ) -> Result<(), Self::Error> {
        let Some(&(held, expires_at, _)) = self.ids.get(&ticket.request_id) else {
            return Ok(());
        };
        match held.settled(expires_at, ticket.token, outcome, now_unix_s, lifetimes) {
            None => {
                self.ids.remove(&ticket.request_id);
            }
            Some((next, until)) if (next, until) != (held, expires_at) => {
                self.write(&ticket.request_id, next, until);
            }
            Some(_) => {}
        }
        Ok(())
    }
}

/// A memory that remembers nothing: every id is unknown, and settling does nothing. For hosts
/// that look for duplicates themselves, in an order of their own (the command line, in input
/// order across workers).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoMemory;

impl DeliveryMemory for NoMemory {
    type Error = std::convert::Infallible;

    fn claim(&mut self, _: &str, _: i64, _: Lifetimes) -> Result<Claim, Self::Error> {
        Ok(Claim::Taken {
            token: 0,
            evicted_unexpired: false,
        })
    }

    fn settle(&mut self, _: &Ticket, _: Outcome, _: i64, _: Lifetimes) -> Result<(), Self::Error> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIFETIMES: Lifetimes = Lifetimes {
        in_flight_seconds: 60,
        delivered_seconds: 600,
    };

    fn take(memory: &mut InProcessMemory, id: &str, now: i64) -> Ticket {
        match memory.claim(id, now, LIFETIMES).unwrap() {
            Claim::Taken { token, .. } => Ticket {
                request_id: id.into(),
                token,
            },
            other => panic!("{id} not taken: {other:?}"),
        }
    }

    #[test]
    fn a_failed_delivery_is_forgotten_and_its_retry_taken() {
        let mut memory = InProcessMemory::new(10);
        let first = take(&mut memory, "a", 100);
        assert_eq!(
            memory.claim("a", 101, LIFETIMES).unwrap(),
            Claim::InFlight {
                lapses_in_seconds: 59
            }
        );
        memory
            .settle(&first, Outcome::Failed, 102, LIFETIMES)
            .unwrap();
        let retry = take(&mut memory, "a", 103);
        assert_ne!(retry.token, first.token);
        memory
            .settle(&retry, Outcome::Delivered, 104, LIFETIMES)
            .unwrap();
        assert_eq!(memory.claim("a", 700, LIFETIMES).unwrap(), Claim::Delivered);
        // `delivered_seconds` after the settle, the id is unknown again.
        take(&mut memory, "a", 705);
    }

    #[test]
    fn a_claim_that_lapsed_cannot_be_settled_over_a_later_one() {
        let mut memory = InProcessMemory::new(10);
        let lapsed = take(&mut memory, "a", 100);
        let later = take(&mut memory, "a", 161);
        // The first copy's host answers at last: it must not release the later claim...
        memory
            .settle(&lapsed, Outcome::Failed, 162, LIFETIMES)
            .unwrap();
        assert!(matches!(
            memory.claim("a", 163, LIFETIMES).unwrap(),
            Claim::InFlight { .. }
        ));
        // ...nor mark it delivered.
        memory
            .settle(&lapsed, Outcome::Delivered, 164, LIFETIMES)
            .unwrap();
        memory
            .settle(&later, Outcome::Failed, 165, LIFETIMES)
            .unwrap();
        take(&mut memory, "a", 166);
    }

    #[test]
    fn the_memory_stays_bounded_and_says_when_it_forgot_a_live_id() {
        let mut memory = InProcessMemory::new(3);
        for id in ["a", "b", "c"] {
            let ticket = take(&mut memory, id, 100);
            memory
                .settle(&ticket, Outcome::Delivered, 100, LIFETIMES)
                .unwrap();
        }
        assert_eq!(memory.len(), 3);
        assert_eq!(
            memory.claim("d", 101, LIFETIMES).unwrap(),
            Claim::Taken {
                token: 7,
                evicted_unexpired: true
            }
        );
        assert_eq!(memory.len(), 3);
        // Expired ids make room without forgetting anything live.
        let mut fresh = InProcessMemory::new(2);
        take(&mut fresh, "x", 0);
        take(&mut fresh, "y", 0);
        assert!(matches!(
            fresh.claim("z", 61, LIFETIMES).unwrap(),
            Claim::Taken {
                evicted_unexpired: false,
                ..
            }
        ));
        assert!(fresh.len() <= 2);
    }

    #[test]
    fn statuses_map_to_outcomes() {
        assert_eq!(Outcome::of_status(200), Outcome::Delivered);
        assert_eq!(Outcome::of_status(204), Outcome::Delivered);
        for status in [0, 199, 301, 409, 500, 503, 504] {
            assert_eq!(Outcome::of_status(status), Outcome::Failed, "{status}");
        }
    }
}
