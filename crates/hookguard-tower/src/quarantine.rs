//! Where the layer keeps refused deliveries the gate's `quarantine` names: a directory for one
//! process (the core's directory store, its file writes off the async threads), or Redis for a
//! fleet (the core's keep command, the same as the gateway's and the npm and Python packages').
//! What is kept, under which name and with which answer is the core's; these only store.

use std::path::PathBuf;

use hookguard::gate::quarantine::directory::Directory;
use hookguard::gate::quarantine::{Entry, Keep, QuarantinePolicy, QuarantineStore};
use hookguard::store::{StoreError, StoreFuture};

/// The quarantine in a directory, one HTTP capture per entry (`hookguard validate DIR`,
/// `survey DIR` and `quarantine replay DIR` read it).
#[derive(Debug, Clone)]
pub struct DirectoryQuarantine {
    directory: Directory,
}

impl DirectoryQuarantine {
    /// The directory at `path`, created when missing and proven writable now.
    pub fn open(path: impl Into<PathBuf>) -> std::io::Result<DirectoryQuarantine> {
        Ok(DirectoryQuarantine {
            directory: Directory::open(path)?,
        })
    }
}

impl QuarantineStore for DirectoryQuarantine {
    fn keep<'a>(
        &'a self,
        entry: &'a Entry,
        body: &'a [u8],
        policy: &'a QuarantinePolicy,
        now_unix_s: i64,
    ) -> StoreFuture<'a, Keep> {
        let (directory, entry, body, policy) = (
            self.directory.clone(),
            entry.clone(),
            body.to_vec(),
            policy.clone(),
        );
        Box::pin(async move {
            // File writes and an fsync: off the threads that serve requests.
            tokio::task::spawn_blocking(move || directory.keep(&entry, &body, &policy, now_unix_s))
                .await
                .map_err(|error| StoreError::Unreachable {
                    reason: error.to_string(),
                })?
                .map_err(|error| StoreError::Unreachable {
                    reason: error.kind().to_string(),
                })
        })
    }
}

/// The quarantine of a fleet in Redis, through the `redis` crate's connection manager.
#[cfg(feature = "redis")]
#[derive(Clone)]
pub struct RedisQuarantine {
    connection: redis::aio::ConnectionManager,
    prefix: String,
}

#[cfg(feature = "redis")]
impl RedisQuarantine {
    /// A quarantine on a connected manager, with the keys every host uses.
    pub fn new(connection: redis::aio::ConnectionManager) -> RedisQuarantine {
        RedisQuarantine::with_prefix(
            connection,
            hookguard::gate::quarantine::redis::DEFAULT_QUARANTINE_PREFIX,
        )
    }

    /// The same, with the keys under another prefix (the same on every replica, and given to
    /// `hookguard quarantine --key-prefix`).
    pub fn with_prefix(connection: redis::aio::ConnectionManager, prefix: &str) -> RedisQuarantine {
        RedisQuarantine {
            connection,
            prefix: prefix.to_owned(),
        }
    }
}

#[cfg(feature = "redis")]
impl QuarantineStore for RedisQuarantine {
    fn keep<'a>(
        &'a self,
        entry: &'a Entry,
        body: &'a [u8],
        policy: &'a QuarantinePolicy,
        now_unix_s: i64,
    ) -> StoreFuture<'a, Keep> {
        use hookguard::gate::quarantine::redis::{keep_command, keep_of_reply};
        Box::pin(async move {
            let mut command = redis::Cmd::new();
            for argument in keep_command(&self.prefix, entry, body, policy, now_unix_s) {
                command.arg(argument);
            }
            let mut connection = self.connection.clone();
            let (state, evicted): (String, i64) = command
                .query_async(&mut connection)
                .await
                .map_err(|error| StoreError::Unreachable {
                    reason: error.to_string(),
                })?;
            keep_of_reply(&state, evicted).ok_or(StoreError::Unreadable)
        })
    }
}
