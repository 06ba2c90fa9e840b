//! Replay detection across Envoy's worker VMs: authentic deliveries' request ids, kept in
//! proxy-wasm shared data (one store for every VM of the same `vm_id`), so memory stays
//! bounded however many deliveries arrive.
//!
//! The store is `replay_slots / 8` buckets of up to 8 entries, one shared-data key each. An id
//! goes to the bucket its hash picks; entries older than the window are dropped first, so ids
//! that hash alike do not push each other out while they can still be replayed. Only when a
//! bucket holds 8 unexpired ids does the oldest give way; that is reported, so an operator can
//! size `replay_slots` above the number of signed deliveries per window.

use std::hash::{DefaultHasher, Hash, Hasher};

use crate::exchange::{Host, HostError};

/// Entries per bucket (per shared-data key).
pub const BUCKET_ENTRIES: usize = 8;

/// How often a bucket update is retried when another VM wrote it at the same moment.
const CAS_ATTEMPTS: usize = 4;

/// What the store knew of a request id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    /// Received before, inside the window: a replay.
    Before,
    /// Not received before; now remembered.
    First,
    /// Not received before; remembered in place of an id still inside the window (the store
    /// is too small for the traffic: a replay of the id it replaced would now pass).
    FirstEvictingUnexpired,
}

/// Whether `request_id` was already seen within `window_s` seconds of `now`; remembers it
/// otherwise.
pub fn check_and_remember(
    host: &mut dyn Host,
    request_id: &str,
    now: i64,
    window_s: u64,
    slots: u32,
) -> Result<Seen, HostError> {
    // DefaultHasher::new() has fixed keys: every VM running this module computes the same
    // hash. Entries hold the hash, not the id: fixed size, whatever the header carried.
    let mut hasher = DefaultHasher::new();
    request_id.hash(&mut hasher);
    let fingerprint = hasher.finish();
    let buckets = u64::from(slots).div_ceil(BUCKET_ENTRIES as u64).max(1);
    let key = format!("hookguard.replay.{}", fingerprint % buckets);
    let is_live = |seen_at: i64| i128::from(now) - i128::from(seen_at) <= i128::from(window_s);
    for _ in 0..CAS_ATTEMPTS {
        let (stored, cas) = host.shared_get(&key)?;
        let mut entries = stored.as_deref().map(parse_bucket).unwrap_or_default();
        if entries
            .iter()
            .any(|&(seen_at, seen)| seen == fingerprint && is_live(seen_at))
        {
            return Ok(Seen::Before);
        }
        entries.retain(|&(seen_at, _)| is_live(seen_at));
        let mut seen = Seen::First;
        if entries.len() >= BUCKET_ENTRIES {
            // Full of live ids: the oldest gives way.
            entries.sort_by_key(|&(seen_at, _)| seen_at);
            entries.drain(..=entries.len() - BUCKET_ENTRIES);
            seen = Seen::FirstEvictingUnexpired;
        }
        entries.push((now, fingerprint));
        if host.shared_set(&key, format_bucket(&entries).as_bytes(), cas)? {
            return Ok(seen);
        }
    }
    // Still contended after several attempts: let the authentic delivery through rather than
    // refuse it; at worst one duplicate is not detected.
    Ok(Seen::First)
}

/// Entries `"{seen_at} {fingerprint:016x}"`, one per line; unreadable lines are dropped.
fn parse_bucket(bucket: &[u8]) -> Vec<(i64, u64)> {
    let Ok(text) = std::str::from_utf8(bucket) else {
        return Vec::new();
    };
    text.lines()
        .filter_map(|line| {
            let (seen_at, fingerprint) = line.split_once(' ')?;
            Some((
                seen_at.parse().ok()?,
                u64::from_str_radix(fingerprint, 16).ok()?,
            ))
        })
        .collect()
}

fn format_bucket(entries: &[(i64, u64)]) -> String {
    entries
        .iter()
        .map(|(seen_at, fingerprint)| format!("{seen_at} {fingerprint:016x}\n"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_round_trip_and_skip_damaged_lines() {
        let entries = vec![(100, 0xdead_beef), (-5, u64::MAX)];
        assert_eq!(parse_bucket(format_bucket(&entries).as_bytes()), entries);
        assert_eq!(
            parse_bucket(b"12 00000000000000ff\nnonsense\n13\n"),
            [(12, 255)]
        );
        assert!(parse_bucket(&[0xff, 0xfe]).is_empty());
    }
}
