//! The verdict on one request, and the metrics that count verdicts.

/// What the filter concluded about one request. The label is what the upstream sees in the
/// verdict header and what the metrics are named after.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Verdict {
    /// The delivery is valid and its event accepted here.
    Valid,
    /// The body is not a valid delivery (intake, dispatch or schema errors).
    Invalid,
    /// A valid delivery of an event this route does not accept.
    EventNotAllowed,
    /// The body is larger than `max_body_bytes`.
    TooLarge,
    /// The content type is not JSON.
    UnsupportedMediaType,
    /// The method is not POST.
    MethodNotAllowed,
    /// No verdict could be reached, and the failure policy is fail-closed.
    InternalError,
    /// No verdict could be reached, and the failure policy let the request through.
    Unchecked,
    /// The delivery's signature is missing, malformed, out of the time window, or wrong.
    SignatureInvalid,
    /// An authentic delivery already received inside the tolerance window.
    Replayed,
}

impl Verdict {
    /// Every verdict, for metrics defined up front.
    pub const ALL: [Verdict; 10] = [
        Verdict::Valid,
        Verdict::Invalid,
        Verdict::EventNotAllowed,
        Verdict::TooLarge,
        Verdict::UnsupportedMediaType,
        Verdict::MethodNotAllowed,
        Verdict::InternalError,
        Verdict::Unchecked,
        Verdict::SignatureInvalid,
        Verdict::Replayed,
    ];

    /// The verdict's label in headers, metrics and logs.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Valid => "valid",
            Verdict::Invalid => "invalid",
            Verdict::EventNotAllowed => "event_not_allowed",
            Verdict::TooLarge => "too_large",
            Verdict::UnsupportedMediaType => "unsupported_media_type",
            Verdict::MethodNotAllowed => "method_not_allowed",
            Verdict::InternalError => "internal_error",
            Verdict::Unchecked => "unchecked",
            Verdict::SignatureInvalid => "signature_invalid",
            Verdict::Replayed => "replayed",
        }
    }
}

/// Every signature failure code, as the core names them, and replays.
pub const SIGNATURE_CODES: [&str; 7] = [
    "signature_missing_header",
    "signature_duplicate_header",
    "signature_malformed_header",
    "signature_stale",
    "signature_future",
    "signature_mismatch",
    "signature_replayed",
];

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
    /// window (`hookguard.replay.evicted_unexpired`): `signature.replay_slots` is too small
    /// for the traffic, and a replay of the forgotten id would pass.
    ReplayEvictedUnexpired,
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
            .flat_map(|name| [true, false].map(|valid| Metric::Event { name, valid }));
        let signatures = SIGNATURE_CODES.into_iter().map(Metric::Signature);
        verdicts
            .chain([Metric::MonitorPassed, Metric::ReplayEvictedUnexpired])
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
