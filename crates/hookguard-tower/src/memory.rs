//! Where a fleet keeps the states of request ids: a store every replica reaches, asked
//! asynchronously. The core's [`hookguard::gate::DeliveryMemory`] answers at once (a process's
//! memory); a store across the network answers later, so it is asked between
//! [`hookguard::Gate::examine`] and [`hookguard::Admission::conclude`] through this trait, and
//! the in-process path keeps calling the core's synchronous memory, at no cost of its own.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use hookguard::gate::{Claim, Lifetimes, Outcome, Ticket};

/// What a [`SharedMemory`] call returns: a future the layer awaits (within its store timeout).
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// A delivery memory shared by replicas: claim a request id atomically, settle a claim by its
/// token. [`crate::RedisMemory`] runs the core's commands ([`hookguard::store`]), the same as
/// the gateway's and the npm package's, so one store serves every host.
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

/// Why a store gave no usable answer. Names no request id and no value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StoreError {
    /// The store could not be reached or refused the command (the client's own words, which
    /// carry no payload).
    Unreachable {
        /// What the client said.
        reason: String,
    },
    /// No answer within the layer's store timeout.
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
