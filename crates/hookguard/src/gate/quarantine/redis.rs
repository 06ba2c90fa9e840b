//! The quarantine of a fleet, in Redis, as a protocol: written once for every host that keeps
//! entries there (the gateway through webdis, the npm and Python packages through their
//! clients) and for the command line that lists and replays them.
//!
//! Each entry is one key, `{prefix}entry:{id}`, holding the entry's bytes (head and body) and
//! expiring with `keep_seconds`; the sorted set `{prefix}index` orders the ids by when they
//! were first seen, and the hash `{prefix}sizes` holds each entry's size, so that keeping one
//! entry can make room under both bounds. Keeping is one Lua script, atomic in Redis: two
//! gateways keeping the same delivery at once keep it once, and the bounds hold whoever
//! keeps. (The script names entry keys it computes from the prefix: a single Redis, or keys
//! of one hash slot, as with the delivery memory.)

use super::{Entry, Keep, QuarantinePolicy};

/// Keeps an entry unless it is there, after removing the expired and, oldest first, enough
/// others for both bounds. KEYS: entry, index, sizes. ARGV: id, first seen (s), keep (ms), max
/// entries, max bytes, oldest first-seen still kept (s), prefix, the entry's bytes (last, so
/// that a host passing commands as text can send it as a request body).
pub const KEEP_SCRIPT: &str = "
if redis.call('EXISTS', KEYS[1]) == 1 then return {'already', 0} end
local size = string.len(ARGV[8])
local evicted = 0
local function drop(id)
  redis.call('ZREM', KEYS[2], id)
  redis.call('HDEL', KEYS[3], id)
  redis.call('DEL', ARGV[7] .. 'entry:' .. id)
  evicted = evicted + 1
end
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[6])) do drop(id) end
local total = 0
for _, bytes in ipairs(redis.call('HVALS', KEYS[3])) do total = total + tonumber(bytes) end
while redis.call('ZCARD', KEYS[2]) > 0 and (redis.call('ZCARD', KEYS[2]) + 1 > tonumber(ARGV[4]) or total + size > tonumber(ARGV[5])) do
  local oldest = redis.call('ZRANGE', KEYS[2], 0, 0)[1]
  total = total - tonumber(redis.call('HGET', KEYS[3], oldest) or '0')
  drop(oldest)
end
redis.call('SET', KEYS[1], ARGV[8], 'PX', ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
redis.call('HSET', KEYS[3], ARGV[1], size)
return {'kept', evicted}
";

/// Removes an entry (a replay delivered it). KEYS: entry, index, sizes. ARGV: id.
pub const REMOVE_SCRIPT: &str = "
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
return redis.call('DEL', KEYS[1])
";

/// [`KEEP_SCRIPT`]'s SHA-1, its name in Redis' script cache (`EVALSHA`).
pub const KEEP_SCRIPT_SHA1: &str = "1884ce9b2ac391bd4fbaffabbabfc6942efd3210";

/// [`REMOVE_SCRIPT`]'s SHA-1.
pub const REMOVE_SCRIPT_SHA1: &str = "1926dc2b7c4581451432ec51988c72f310af9825";

/// The keys' prefix unless a host is configured otherwise.
pub const DEFAULT_QUARANTINE_PREFIX: &str = "hookguard:quarantine:";

/// The key holding entry `id`'s bytes.
pub fn entry_key(prefix: &str, id: &str) -> String {
    format!("{prefix}entry:{id}")
}

/// The sorted set of entry ids by first-seen time.
pub fn index_key(prefix: &str) -> String {
    format!("{prefix}index")
}

/// The hash of entry sizes.
pub fn sizes_key(prefix: &str) -> String {
    format!("{prefix}sizes")
}

/// The command (arguments as Redis reads them; the last is the entry's bytes, `head` then
/// `body`) that keeps `entry` under `policy` at `now_unix_s`. Its reply goes to
/// [`keep_of_reply`].
pub fn keep_command(
    prefix: &str,
    entry: &Entry,
    body: &[u8],
    policy: &QuarantinePolicy,
    now_unix_s: i64,
) -> Vec<Vec<u8>> {
    let mut command: Vec<Vec<u8>> = keep_arguments(prefix, entry, policy, now_unix_s)
        .into_iter()
        .map(String::into_bytes)
        .collect();
    command.push(entry.bytes(body));
    command
}

/// [`keep_command`] but its last argument: for hosts that hold the body themselves and append
/// the entry's bytes (`head`, then the body) to these, so the body never crosses into a
/// module and back.
pub fn keep_arguments(
    prefix: &str,
    entry: &Entry,
    policy: &QuarantinePolicy,
    now_unix_s: i64,
) -> [String; 13] {
    let keep = i64::try_from(policy.keep_seconds).unwrap_or(i64::MAX);
    [
        String::from("EVAL"),
        KEEP_SCRIPT.to_owned(),
        String::from("3"),
        entry_key(prefix, &entry.id),
        index_key(prefix),
        sizes_key(prefix),
        entry.id.clone(),
        entry.first_seen.to_string(),
        policy.keep_seconds.saturating_mul(1000).to_string(),
        policy.max_entries.to_string(),
        policy.max_bytes.to_string(),
        // Entries first seen before this are expired (the script keeps those seen at it).
        now_unix_s
            .saturating_sub(keep)
            .saturating_add(1)
            .to_string(),
        prefix.to_owned(),
    ]
}

/// What a reply of [`KEEP_SCRIPT`] means: `["kept", evicted]` or `["already", 0]`; `None` for
/// anything else (a store that is not this protocol's is treated as unreachable).
pub fn keep_of_reply(state: &str, evicted: i64) -> Option<Keep> {
    match state {
        "kept" => Some(Keep::Kept {
            evicted: usize::try_from(evicted).unwrap_or(0),
        }),
        "already" => Some(Keep::AlreadyKept),
        _ => None,
    }
}

/// The command that lists the entry ids, oldest first, with their first-seen times
/// (`ZRANGE ... WITHSCORES`: id, seconds, id, seconds, ...).
pub fn list_command(prefix: &str) -> [String; 5] {
    [
        String::from("ZRANGE"),
        index_key(prefix),
        String::from("0"),
        String::from("-1"),
        String::from("WITHSCORES"),
    ]
}

/// The command that reads entry `id`'s bytes (nil once it expired).
pub fn read_command(prefix: &str, id: &str) -> [String; 2] {
    [String::from("GET"), entry_key(prefix, id)]
}

/// The command that removes entry `id` (from the index and sizes too).
pub fn remove_command(prefix: &str, id: &str) -> [String; 7] {
    [
        String::from("EVAL"),
        REMOVE_SCRIPT.to_owned(),
        String::from("3"),
        entry_key(prefix, id),
        index_key(prefix),
        sizes_key(prefix),
        id.to_owned(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_entry_travels_last_and_the_expiry_bound_is_exclusive() {
        let entry = Entry {
            id: String::from("abc"),
            first_seen: 1_000,
            head: String::from("POST / HTTP/1.1\r\n\r\n"),
            body_len: 2,
        };
        let policy = QuarantinePolicy {
            keep_seconds: 100,
            ..QuarantinePolicy::default()
        };
        let command = keep_command("p:", &entry, b"{}", &policy, 1_200);
        assert_eq!(command[3], b"p:entry:abc");
        assert_eq!(command[8], b"100000");
        // Kept while first_seen + keep > now: first seen at 1,101 or later (ZRANGEBYSCORE's
        // exclusive "(1101" removes those before).
        assert_eq!(command[11], b"1101");
        assert_eq!(command[12], b"p:");
        assert_eq!(command[13], b"POST / HTTP/1.1\r\n\r\n{}");
        assert_eq!(keep_of_reply("kept", 2), Some(Keep::Kept { evicted: 2 }));
        assert_eq!(keep_of_reply("already", 0), Some(Keep::AlreadyKept));
        assert_eq!(keep_of_reply("other", 0), None);
    }
}
