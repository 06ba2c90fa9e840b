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

use hookguard::gate::{ReplayMemory, Seen};

use crate::host::{Host, HostError};

/// Entries per bucket (per shared-data key).
pub const BUCKET_ENTRIES: usize = 8;

/// How often a bucket update is retried when another VM wrote it at the same moment.
const CAS_ATTEMPTS: usize = 4;

/// The replay memory of one Envoy process: request ids in the plugin's shared data, seen by
/// every worker VM, at most `slots` of them.
pub struct SharedDataMemory<'h> {
    /// The host whose shared data holds the store.
    pub host: &'h mut dyn Host,
    /// How many ids the store holds at most.
    pub slots: u32,
}

impl ReplayMemory for SharedDataMemory<'_> {
    type Error = HostError;

    fn check_and_remember(
        &mut self,
        request_id: &str,
        now: i64,
        window_s: u64,
    ) -> Result<Seen, HostError> {
        // DefaultHasher::new() has fixed keys: every VM running this module computes the same
        // hash. Entries hold the hash, not the id: fixed size, whatever the header carried.
        let mut hasher = DefaultHasher::new();
        request_id.hash(&mut hasher);
        let fingerprint = hasher.finish();
        let buckets = u64::from(self.slots).div_ceil(BUCKET_ENTRIES as u64).max(1);
        let key = format!("hookguard.replay.{}", fingerprint % buckets);
        let is_live = |seen_at: i64| i128::from(now) - i128::from(seen_at) <= i128::from(window_s);
        for _ in 0..CAS_ATTEMPTS {
            let (stored, cas) = self.host.shared_get(&key)?;
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
            if self
                .host
                .shared_set(&key, format_bucket(&entries).as_bytes(), cas)?
            {
                return Ok(seen);
            }
        }
        // Still contended after several attempts: let the authentic delivery through rather
        // than refuse it; at worst one duplicate is not detected.
        Ok(Seen::First)
    }
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
    use std::collections::BTreeMap;
    use std::rc::Rc;

    use super::*;
    use crate::host::fake::FakeHost;

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

    #[test]
    fn replay_memory_is_bounded_and_forgets_only_what_expired_or_overflowed() {
        let shared = Rc::new(std::cell::RefCell::new(BTreeMap::new()));
        let mut host = FakeHost {
            shared: Rc::clone(&shared),
            ..FakeHost::default()
        };
        let mut memory = SharedDataMemory {
            host: &mut host,
            slots: 64,
        };
        let mut check = |id: &str, now: i64| memory.check_and_remember(id, now, 600).unwrap();
        // 64 slots = 8 buckets of 8: eight live ids fit even when they share a bucket...
        for id in 0..8 {
            assert_eq!(check(&format!("req-{id}"), 100), Seen::First);
        }
        for id in 0..8 {
            assert_eq!(check(&format!("req-{id}"), 200), Seen::Before, "req-{id}");
        }
        // ...unless a bucket overflows; then the oldest live id goes, and that is reported.
        let mut evictions = 0;
        for id in 8..1000 {
            if check(&format!("req-{id}"), 300) == Seen::FirstEvictingUnexpired {
                evictions += 1;
            }
        }
        assert!(evictions > 0);
        assert!(shared.borrow().len() <= 8);
        // Expired ids make room without evicting anything live, and are not replays: with
        // everything older expired, eight live ids fit again.
        assert_eq!(check("req-999", 300), Seen::Before);
        assert_eq!(check("req-999", 2000), Seen::First);
        for id in 2000..2007 {
            assert_eq!(check(&format!("req-{id}"), 2000), Seen::First, "req-{id}");
        }
        let stored: usize = shared
            .borrow()
            .values()
            .map(|(bucket, _)| bucket.iter().filter(|&&byte| byte == b'\n').count())
            .sum();
        assert!(stored <= 64, "{stored} entries");
    }
}
