//! The counters the filter keeps, named after the core's verdicts and codes.

use hookguard::Verdict;
use hookguard::delivery::Outcome;

/// Every signature code counted: the core's failure codes, and replays.
pub fn signature_codes() -> impl Iterator<Item = &'static str> {
    hookguard::signature::FAILURE_CODES
        .into_iter()
        .chain([hookguard::answer::REPLAYED_CODE])
}

/// What [`Metric::Quarantine`] counts.
pub const QUARANTINE_KEPT: &str = "kept";
/// A retry of a kept delivery.
pub const QUARANTINE_ALREADY_KEPT: &str = "already_kept";
/// An entry removed to make room.
pub const QUARANTINE_EVICTED: &str = "evicted";
/// A keep the store could not take.
pub const QUARANTINE_UNAVAILABLE: &str = "unavailable";

/// A counter the filter increments. Envoy shows each under `wasmcustom.<name>` in `/stats`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Metric {
    /// Requests with this verdict, whatever the mode (`hookguard.verdict.<label>`).
    Verdict(Verdict),
    /// Failed requests let through because the route is in monitor mode
    /// (`hookguard.monitor.passed`).
    MonitorPassed,
    /// Signature failures by reason (`hookguard.signature.<code>`), replays included.
    Signature(&'static str),
    /// Authentic deliveries remembered in place of a request id still inside the replay
    /// window (`hookguard.replay.evicted_unexpired`): `replay_slots` is too small
    /// for the traffic, and a replay of the forgotten id would pass.
    ReplayEvictedUnexpired,
    /// Deliveries of one event carrying fields its schema does not declare, seen on a monitor
    /// route (`hookguard.event.<name>.unknown_fields`): Ocrolus' payloads drifting.
    UnknownFields {
        /// The canonical event name (or `test-delivery`).
        name: &'static str,
    },
    /// Forwarded deliveries by the service's answer (`hookguard.delivery.delivered`: a 2xx;
    /// `hookguard.delivery.failed`: anything else, a reset or a timeout; the id is forgotten
    /// then, so the sender's retry goes through).
    Delivery(Outcome),
    /// Calls to the shared store that failed or timed out (`hookguard.store.unavailable`);
    /// `shared_store.on_unavailable` decided what the delivery got.
    StoreUnavailable,
    /// Refused deliveries kept in the quarantine (`hookguard.quarantine.kept`), found kept
    /// already (a retry: `hookguard.quarantine.already_kept`), entries removed to make room
    /// (`hookguard.quarantine.evicted`), and keeps the store could not take
    /// (`hookguard.quarantine.unavailable`; `quarantine.store_down` decided the answer).
    Quarantine(&'static str),
    /// Deliveries of one event by verdict: valid or not (`hookguard.event.<name>.<label>`).
    Event {
        /// The canonical event name (or `test-delivery`).
        name: &'static str,
        /// Whether the delivery was valid.
        valid: bool,
    },
}

impl Metric {
    /// The metric's name.
    pub fn name(self) -> String {
        match self {
            Metric::Verdict(verdict) => format!("hookguard.verdict.{}", verdict.label()),
            Metric::MonitorPassed => String::from("hookguard.monitor.passed"),
            Metric::ReplayEvictedUnexpired => String::from("hookguard.replay.evicted_unexpired"),
            Metric::Signature(code) => format!("hookguard.signature.{code}"),
            Metric::Delivery(outcome) => format!("hookguard.delivery.{}", outcome.label()),
            Metric::StoreUnavailable => String::from("hookguard.store.unavailable"),
            Metric::Quarantine(what) => format!("hookguard.quarantine.{what}"),
            Metric::UnknownFields { name } => format!("hookguard.event.{name}.unknown_fields"),
            Metric::Event { name, valid } => {
                let label = if valid { "valid" } else { "invalid" };
                format!("hookguard.event.{name}.{label}")
            }
        }
    }

    /// Every metric the filter may increment, for defining them once per VM.
    pub fn all() -> Vec<Metric> {
        let verdicts = Verdict::ALL.into_iter().map(Metric::Verdict);
        let events = crate::config::canonical_event_names()
            .into_iter()
            .flat_map(|name| {
                [
                    Metric::Event { name, valid: true },
                    Metric::Event { name, valid: false },
                    Metric::UnknownFields { name },
                ]
            });
        let signatures = signature_codes().map(Metric::Signature);
        verdicts
            .chain([
                Metric::MonitorPassed,
                Metric::ReplayEvictedUnexpired,
                Metric::Delivery(Outcome::Delivered),
                Metric::Delivery(Outcome::Failed),
                Metric::StoreUnavailable,
                Metric::Quarantine(QUARANTINE_KEPT),
                Metric::Quarantine(QUARANTINE_ALREADY_KEPT),
                Metric::Quarantine(QUARANTINE_EVICTED),
                Metric::Quarantine(QUARANTINE_UNAVAILABLE),
            ])
            .chain(signatures)
            .chain(events)
            .collect()
    }
}

#[cfg(test)]
mod tests {

    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn metric_names_are_distinct() {
        let all = Metric::all();
        let names: BTreeSet<String> = all.iter().map(|metric| metric.name()).collect();
        assert_eq!(names.len(), all.len());
        assert!(names.contains("hookguard.event.book.verified.valid"));
        assert!(names.contains("hookguard.event.test-delivery.invalid"));
        assert!(names.contains("hookguard.verdict.too_large"));
    }
}
