//! The delivery memory of one Envoy process: the states of authentic request ids (in flight,
//! delivered; [`hookguard::delivery`]) in proxy-wasm shared data, one store for every worker VM
//! of the same `vm_id`, bounded however many deliveries arrive.
//!
//! The store is `replay_slots / 8` buckets of up to 8 entries, one shared-data key each. An id
//! goes to the bucket its hash picks; expired entries are dropped first, so ids that hash alike
//! do not push each other out while they are live. Only when a bucket holds 8 live ids does
//! the one expiring first give way; that is reported, so an operator can size `replay_slots`.
//!
//! Every write compares versions, so two workers claiming one id at once cannot both take it.
//! The first write of a bucket is the exception Envoy makes: a key that does not exist is
//! written whatever version is given. So a bucket that does not exist yet is written with a
//! version no key holds ([`CREATE_ONLY`]): Envoy creates it when it is still missing, and
//! refuses the write (`CasMismatch`) when another worker created it first.

use std::hash::{DefaultHasher, Hash, Hasher};

use hookguard::delivery::{Claim, DeliveryMemory, Held, Lifetimes, Outcome, Ticket, expiry};

use crate::host::{Host, HostError};

/// Entries per bucket (per shared-data key).
pub const BUCKET_ENTRIES: usize = 8;

/// How often a bucket update is tried again when another VM wrote it at the same moment.
const CAS_ATTEMPTS: usize = 8;

/// The version a bucket that does not exist yet is written with. Envoy numbers writes from 1,
/// one counter for the whole process, so an existing key holds this version only after four
/// billion writes, and then for one write: a write with it creates a missing key and is
/// refused for an existing one.
pub const CREATE_ONLY: u32 = u32::MAX;

/// The delivery memory of one Envoy process: request ids in the plugin's shared data, seen by
/// every worker VM, at most `slots` of them.
pub struct SharedDataMemory<'h> {
    /// The host whose shared data holds the store.
    pub host: &'h mut dyn Host,
    /// How many ids the store holds at most.
    pub slots: u32,
}

/// One entry: until when it holds, the id's fingerprint, its state.
type Entry = (i64, u64, Held);

impl SharedDataMemory<'_> {
    /// The bucket's key and the id's fingerprint. `DefaultHasher::new()` has fixed keys: every
    /// VM running this module computes the same hash. Entries hold the hash, not the id: fixed
    /// size, whatever the header carried.
    fn locate(&self, request_id: &str) -> (String, u64) {
        let mut hasher = DefaultHasher::new();
        request_id.hash(&mut hasher);
        let fingerprint = hasher.finish();
        let buckets = u64::from(self.slots).div_ceil(BUCKET_ENTRIES as u64).max(1);
        (
            format!("hookguard.delivery.{}", fingerprint % buckets),
            fingerprint,
        )
    }

    /// Reads a bucket: its live entries and the version to write it back at.
    fn read(&self, key: &str, now: i64) -> Result<(Vec<Entry>, u32), HostError> {
        let (stored, version) = self.host.shared_get(key)?;
        let mut entries = stored.as_deref().map(parse_bucket).unwrap_or_default();
        entries.retain(|&(expires_at, _, _)| expires_at >= now);
        Ok((entries, version.unwrap_or(CREATE_ONLY)))
    }
}

impl DeliveryMemory for SharedDataMemory<'_> {
    type Error = HostError;

    fn claim(
        &mut self,
        request_id: &str,
        now: i64,
        lifetimes: Lifetimes,
    ) -> Result<Claim, HostError> {
        let (key, fingerprint) = self.locate(request_id);
        let token = self.host.unique_token();
        for _ in 0..CAS_ATTEMPTS {
            let (mut entries, version) = self.read(&key, now)?;
            if let Some(&(expires_at, _, held)) =
                entries.iter().find(|(_, seen, _)| *seen == fingerprint)
            {
                return Ok(held.claim_answer(expires_at, now));
            }
            let mut evicted_unexpired = false;
            // Full of live ids: the ones expiring first give way (found by a scan, not a sort:
            // a bucket holds a handful, and a sort is kilobytes of module).
            while entries.len() >= BUCKET_ENTRIES {
                let Some(first_expiring) = entries
                    .iter()
                    .enumerate()
                    .min_by_key(|&(_, &(expires_at, _, _))| expires_at)
                    .map(|(index, _)| index)
                else {
                    break;
                };
                entries.remove(first_expiring);
                evicted_unexpired = true;
            }
            let in_flight = Held::InFlight { token };
            entries.push((
                expiry(now, lifetimes.in_flight_seconds),
                fingerprint,
                in_flight,
            ));
            if self
                .host
                .shared_set(&key, format_bucket(&entries).as_bytes(), Some(version))?
            {
                return Ok(Claim::Taken {
                    token,
                    evicted_unexpired,
                });
            }
        }
        // Still contended after every attempt: other copies are being claimed this very
        // moment. Neither forward (it could be a second copy) nor refuse: come back.
        Ok(Claim::InFlight {
            lapses_in_seconds: 1,
        })
    }

    fn settle(
        &mut self,
        ticket: &Ticket,
        outcome: Outcome,
        now: i64,
        lifetimes: Lifetimes,
    ) -> Result<(), HostError> {
        let (key, fingerprint) = self.locate(&ticket.request_id);
        for _ in 0..CAS_ATTEMPTS {
            let (mut entries, version) = self.read(&key, now)?;
            let Some(place) = entries.iter().position(|(_, seen, _)| *seen == fingerprint) else {
                // Lapsed and dropped already: nothing is held.
                return Ok(());
            };
            let (expires_at, _, held) = entries.remove(place);
            match held.settled(expires_at, ticket.token, outcome, now, lifetimes) {
                Some(next) if next == (held, expires_at) => return Ok(()),
                Some((next, until)) => entries.push((until, fingerprint, next)),
                None => {}
            }
            if self
                .host
                .shared_set(&key, format_bucket(&entries).as_bytes(), Some(version))?
            {
                return Ok(());
            }
        }
        Err(HostError {
            call: "set_shared_data (contended)",
        })
    }
}

/// Entries `"{expires_at} {fingerprint:016x} {state}"`, one per line, the state `d` (delivered)
/// or `f{token:x}` (in flight); unreadable lines are dropped.
fn parse_bucket(bucket: &[u8]) -> Vec<Entry> {
    let Ok(text) = std::str::from_utf8(bucket) else {
        return Vec::new();
    };
    text.lines()
        .filter_map(|line| {
            let mut fields = line.split(' ');
            let expires_at = fields.next()?.parse().ok()?;
            let fingerprint = u64::from_str_radix(fields.next()?, 16).ok()?;
            let held = match fields.next()? {
                "d" => Held::Delivered,
                state => Held::InFlight {
                    token: u64::from_str_radix(state.strip_prefix('f')?, 16).ok()?,
                },
            };
            fields
                .next()
                .is_none()
                .then_some((expires_at, fingerprint, held))
        })
        .collect()
}

fn format_bucket(entries: &[Entry]) -> String {
    entries
        .iter()
        .map(|(expires_at, fingerprint, held)| match held {
            Held::Delivered => format!("{expires_at} {fingerprint:016x} d\n"),
            Held::InFlight { token } => format!("{expires_at} {fingerprint:016x} f{token:x}\n"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use super::*;
    use crate::host::fake::{FakeHost, SharedData};

    const LIFETIMES: Lifetimes = Lifetimes {
        in_flight_seconds: 60,
        delivered_seconds: 600,
    };

    fn memory_on(shared: &SharedData) -> FakeHost {
        FakeHost {
            shared: Rc::clone(shared),
            ..FakeHost::default()
        }
    }

    #[test]
    fn buckets_round_trip_and_skip_damaged_lines() {
        let entries = vec![
            (100, 0xdead_beef, Held::Delivered),
            (-5, u64::MAX, Held::InFlight { token: 42 }),
        ];
        assert_eq!(parse_bucket(format_bucket(&entries).as_bytes()), entries);
        assert_eq!(
            parse_bucket(b"12 00000000000000ff d\nnonsense\n13\n14 ff\n15 ff x\n16 ff d extra\n"),
            [(12, 255, Held::Delivered)]
        );
        assert!(parse_bucket(&[0xff, 0xfe]).is_empty());
    }

    #[test]
    fn the_memory_is_bounded_and_forgets_only_what_expired_or_overflowed() {
        let shared = SharedData::default();
        let mut host = memory_on(&shared);
        let mut memory = SharedDataMemory {
            host: &mut host,
            slots: 64,
        };
        let mut claim = |id: &str, now: i64| memory.claim(id, now, LIFETIMES).unwrap();
        // 64 slots = 8 buckets of 8: eight live ids fit even when they share a bucket...
        for id in 0..8 {
            assert!(matches!(
                claim(&format!("req-{id}"), 100),
                Claim::Taken {
                    evicted_unexpired: false,
                    ..
                }
            ));
        }
        for id in 0..8 {
            assert!(
                matches!(claim(&format!("req-{id}"), 110), Claim::InFlight { .. }),
                "req-{id}"
            );
        }
        // ...unless a bucket overflows; then the entry expiring first goes, and that is said.
        let mut evictions = 0;
        for id in 8..1000 {
            if let Claim::Taken {
                evicted_unexpired: true,
                ..
            } = claim(&format!("req-{id}"), 120)
            {
                evictions += 1;
            }
        }
        assert!(evictions > 0);
        assert!(shared.borrow().len() <= 8);
        // Expired claims make room without evicting anything live.
        assert!(matches!(claim("req-999", 150), Claim::InFlight { .. }));
        assert!(matches!(claim("req-999", 2000), Claim::Taken { .. }));
        let stored: usize = shared
            .borrow()
            .values()
            .map(|(bucket, _)| bucket.iter().filter(|&&byte| byte == b'\n').count())
            .sum();
        assert!(stored <= 64, "{stored} entries");
    }

    #[test]
    fn settling_moves_a_claim_to_delivered_or_forgets_it_across_vms() {
        let shared = SharedData::default();
        let (mut first_vm, mut second_vm) = (memory_on(&shared), memory_on(&shared));
        let mut first = SharedDataMemory {
            host: &mut first_vm,
            slots: 64,
        };
        let Claim::Taken { token, .. } = first.claim("req-a", 100, LIFETIMES).unwrap() else {
            panic!("not taken");
        };
        let ticket = Ticket {
            request_id: "req-a".into(),
            token,
        };
        let mut second = SharedDataMemory {
            host: &mut second_vm,
            slots: 64,
        };
        assert!(matches!(
            second.claim("req-a", 101, LIFETIMES).unwrap(),
            Claim::InFlight { .. }
        ));
        // A stranger's ticket settles nothing.
        let stranger = Ticket {
            request_id: "req-a".into(),
            token: token + 1,
        };
        second
            .settle(&stranger, Outcome::Failed, 102, LIFETIMES)
            .unwrap();
        assert!(matches!(
            second.claim("req-a", 103, LIFETIMES).unwrap(),
            Claim::InFlight { .. }
        ));
        first
            .settle(&ticket, Outcome::Failed, 104, LIFETIMES)
            .unwrap();
        let mut second = SharedDataMemory {
            host: &mut second_vm,
            slots: 64,
        };
        let Claim::Taken { token, .. } = second.claim("req-a", 105, LIFETIMES).unwrap() else {
            panic!("a failed delivery's retry must be taken");
        };
        let retry = Ticket {
            request_id: "req-a".into(),
            token,
        };
        second
            .settle(&retry, Outcome::Delivered, 106, LIFETIMES)
            .unwrap();
        let mut first = SharedDataMemory {
            host: &mut first_vm,
            slots: 64,
        };
        assert_eq!(
            first.claim("req-a", 700, LIFETIMES).unwrap(),
            Claim::Delivered
        );
        assert!(matches!(
            first.claim("req-a", 707, LIFETIMES).unwrap(),
            Claim::Taken { .. }
        ));
    }

    #[test]
    fn two_vms_creating_one_bucket_at_once_do_not_both_take_the_id() {
        // The race Envoy allows: both VMs read the bucket missing, then both write it. The
        // second VM's write lands between the first VM's read and write.
        let shared = SharedData::default();
        let mut first_vm = memory_on(&shared);
        let second_shared = Rc::clone(&shared);
        first_vm.between_get_and_set = Some(Box::new(move || {
            let mut second_vm = memory_on(&second_shared);
            let mut second = SharedDataMemory {
                host: &mut second_vm,
                slots: 64,
            };
            assert!(matches!(
                second.claim("req-race", 100, LIFETIMES).unwrap(),
                Claim::Taken { .. }
            ));
        }));
        let mut first = SharedDataMemory {
            host: &mut first_vm,
            slots: 64,
        };
        assert!(matches!(
            first.claim("req-race", 100, LIFETIMES).unwrap(),
            Claim::InFlight { .. }
        ));
    }
}
