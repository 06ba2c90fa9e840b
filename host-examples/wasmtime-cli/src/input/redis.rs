//! A quarantine kept in Redis as a source (`redis://HOST:PORT[/DB]`): its entries, oldest
//! first, read with the core's commands (`hookguard::gate::quarantine::redis`), so drift is
//! surveyed and replayed where a fleet caught it. Only commands a quarantine's keys answer are
//! sent; nothing is written but a replayed entry's removal.

use hookguard::gate::quarantine::redis::{list_command, read_command, remove_command};

/// Whether a command-line source names a Redis server.
pub fn is_redis_source(source: &str) -> bool {
    source.starts_with("redis://") || source.starts_with("rediss://")
}

/// One entry read from Redis: its id and its bytes (`None` once it expired between the
/// listing and the read). When it was first seen is in its head.
pub struct RedisEntry {
    pub id: String,
    pub bytes: Option<Vec<u8>>,
}

/// A connection to a quarantine in Redis.
pub struct RedisQuarantine {
    connection: redis::Connection,
    url: String,
    prefix: String,
}

/// An error in words that names the server, never a value (a URL's password is left out).
fn message(url: &str, error: &redis::RedisError) -> String {
    let what = if error.is_connection_refusal() {
        String::from("connection refused (is redis-server running there?)")
    } else if error.is_timeout() {
        String::from("timed out")
    } else {
        format!("{:?}", error.kind())
    };
    format!("{}: {what}", without_password(url))
}

/// The URL without a password (`redis://user:secret@host` -> `redis://user@host`).
pub fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((credentials, host)) => {
            let user = credentials.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}@{host}")
        }
        None => url.to_owned(),
    }
}

impl RedisQuarantine {
    /// Connects to the quarantine at `url` whose keys start with `prefix`.
    pub fn connect(url: &str, prefix: &str) -> Result<RedisQuarantine, String> {
        let client = redis::Client::open(url).map_err(|error| message(url, &error))?;
        let connection = client
            .get_connection_with_timeout(std::time::Duration::from_secs(5))
            .map_err(|error| message(url, &error))?;
        Ok(RedisQuarantine {
            connection,
            url: without_password(url),
            prefix: prefix.to_owned(),
        })
    }

    /// Where entry `id` is, for messages: the server and the key.
    pub fn label(&self, id: &str) -> String {
        format!(
            "{}#{}",
            self.url,
            hookguard::gate::quarantine::redis::entry_key(&self.prefix, id)
        )
    }

    /// Every entry, oldest first.
    pub fn entries(&mut self) -> Result<Vec<RedisEntry>, String> {
        let listing: Vec<(String, f64)> = run(&list_command(&self.prefix))
            .query(&mut self.connection)
            .map_err(|error| message(&self.url, &error))?;
        let mut entries = Vec::with_capacity(listing.len());
        for (id, _first_seen) in listing {
            let bytes: Option<Vec<u8>> = run(&read_command(&self.prefix, &id))
                .query(&mut self.connection)
                .map_err(|error| message(&self.url, &error))?;
            entries.push(RedisEntry { id, bytes });
        }
        Ok(entries)
    }

    /// Removes entry `id`.
    pub fn remove(&mut self, id: &str) -> Result<(), String> {
        run(&remove_command(&self.prefix, id))
            .query::<i64>(&mut self.connection)
            .map(|_| ())
            .map_err(|error| message(&self.url, &error))
    }
}

/// A command from the core's arguments.
fn run(arguments: &[String]) -> redis::Cmd {
    let mut command = redis::Cmd::new();
    for argument in arguments {
        command.arg(argument.as_str());
    }
    command
}
