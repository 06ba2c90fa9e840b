//! The delivery memory of a fleet in Redis, through the `redis` crate's tokio connection
//! manager. The commands are the core's ([`hookguard::store`]): the same scripts, keys and
//! replies as the gateway (through webdis) and the npm package (through node-redis).

use hookguard::gate::{Claim, Lifetimes, Outcome, Ticket};
use hookguard::store::{
    DEFAULT_KEY_PREFIX, SharedMemory, StoreError, StoreFuture, claim_command, claim_of_reply,
    settle_command,
};
use redis::aio::ConnectionManager;

/// Request ids in Redis: one key per id, `{prefix}{request_id}`, expiring by itself.
#[derive(Clone)]
pub struct RedisMemory {
    connection: ConnectionManager,
    prefix: String,
    tokens: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl RedisMemory {
    /// A memory on a connected manager (`redis::Client::open(url)?.get_connection_manager()`),
    /// with the keys every host uses.
    pub fn new(connection: ConnectionManager) -> RedisMemory {
        RedisMemory::with_prefix(connection, DEFAULT_KEY_PREFIX)
    }

    /// The same, with the keys under another prefix (it must be the same on every replica).
    pub fn with_prefix(connection: ConnectionManager, prefix: &str) -> RedisMemory {
        RedisMemory {
            connection,
            prefix: prefix.to_owned(),
            tokens: std::sync::Arc::new(std::sync::atomic::AtomicU64::new(first_token())),
        }
    }

    /// A fresh claim token: unique among this memory's claims, and unlikely to be another
    /// replica's (it starts from the clock's nanoseconds, below 2^53 as every host's tokens).
    fn token(&self) -> u64 {
        self.tokens
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            .wrapping_add(1)
            & ((1 << 53) - 1)
    }
}

fn first_token() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos());
    // Mixed with the process id: two replicas started in the same nanosecond still differ.
    (nanos as u64 ^ (u64::from(std::process::id()) << 32)) & ((1 << 53) - 1)
}

/// A command of the core's, as the `redis` crate sends it.
fn command(arguments: &[String]) -> redis::Cmd {
    let mut arguments = arguments.iter();
    let mut command = redis::cmd(arguments.next().map_or("", String::as_str));
    for argument in arguments {
        command.arg(argument);
    }
    command
}

fn unreachable(error: &redis::RedisError) -> StoreError {
    StoreError::Unreachable {
        reason: error.to_string(),
    }
}

impl SharedMemory for RedisMemory {
    fn claim<'a>(&'a self, request_id: &'a str, lifetimes: Lifetimes) -> StoreFuture<'a, Claim> {
        Box::pin(async move {
            let token = self.token();
            let mut connection = self.connection.clone();
            let (state, milliseconds): (String, i64) =
                command(&claim_command(&self.prefix, request_id, token, lifetimes))
                    .query_async(&mut connection)
                    .await
                    .map_err(|error| unreachable(&error))?;
            claim_of_reply(&state, milliseconds, token).ok_or(StoreError::Unreadable)
        })
    }

    fn settle<'a>(
        &'a self,
        ticket: &'a Ticket,
        outcome: Outcome,
        lifetimes: Lifetimes,
    ) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            let _settled: i64 = command(&settle_command(&self.prefix, ticket, outcome, lifetimes))
                .query_async(&mut connection)
                .await
                .map_err(|error| unreachable(&error))?;
            Ok(())
        })
    }
}
