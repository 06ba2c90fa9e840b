//! Replay detection across Envoy's worker VMs: authentic deliveries' request ids, kept in
//! proxy-wasm shared data (one store for every VM of the same `vm_id`) in a fixed number of
//! slots, so memory stays bounded however many deliveries arrive.

use std::hash::{DefaultHasher, Hash, Hasher};

use crate::exchange::{Host, HostError};

/// How often a slot update is retried when another VM wrote it at the same moment.
const CAS_ATTEMPTS: usize = 4;

/// Whether `request_id` was already seen within `window_s` seconds of `now`; remembers it
/// otherwise. A slot holds one id: a newer id that hashes to an occupied slot replaces the
/// older one (which then can no longer be detected), the price of bounded memory.
pub fn seen_before(
    host: &mut dyn Host,
    request_id: &str,
    now: i64,
    window_s: u64,
    slots: u32,
) -> Result<bool, HostError> {
    // DefaultHasher::new() has fixed keys: every VM running this module picks the same slot.
    let mut hasher = DefaultHasher::new();
    request_id.hash(&mut hasher);
    let slot = hasher.finish() % u64::from(slots.max(1));
    let key = format!("hookguard.replay.{slot}");
    let entry = format!("{now} {request_id}");
    for _ in 0..CAS_ATTEMPTS {
        let (stored, cas) = host.shared_get(&key)?;
        if let Some((seen_at, id)) = stored.as_deref().and_then(parse_entry) {
            let age = i128::from(now) - i128::from(seen_at);
            if id == request_id.as_bytes() && age <= i128::from(window_s) {
                return Ok(true);
            }
        }
        if host.shared_set(&key, entry.as_bytes(), cas)? {
            return Ok(false);
        }
    }
    // Still contended after several attempts: let the authentic delivery through rather than
    // refuse it; at worst one duplicate is not detected.
    Ok(false)
}

/// `"{seen_at} {request_id}"`.
fn parse_entry(entry: &[u8]) -> Option<(i64, &[u8])> {
    let space = entry.iter().position(|&byte| byte == b' ')?;
    let (seen_at, rest) = entry.split_at(space);
    let seen_at = std::str::from_utf8(seen_at).ok()?.parse().ok()?;
    Some((seen_at, rest.get(1..)?))
}
