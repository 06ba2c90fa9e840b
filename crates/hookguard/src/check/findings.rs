//! The findings about which event a body is, made before any schema runs: no `event_name`, a
//! name that is not a webhook event, an event Ocrolus documents no payload for, alias halves
//! that disagree. The express lane and the tree path both report them from here.

use crate::check::report::Finding;
use crate::contract::catalog::{self, EVENTS, EventSpec};

/// The refusal of a body without `event_name` that is not the test delivery.
pub(crate) fn missing_event_name() -> Finding {
    Finding::at(
        "missing_event_name",
        "",
        "event_name is missing, and the body is not Ocrolus' account-level test delivery",
    )
}

/// The warning for an alias pair whose halves differ (at the second half).
pub(crate) fn alias_mismatch(first: &str, second: &str) -> Finding {
    let message = format!("{first} and {second} should carry the same value but differ");
    Finding::at("alias_mismatch", format!("/{second}"), message)
}

/// The warning for an event whose payload Ocrolus does not document.
pub(crate) fn undocumented_payload(spec: &EventSpec) -> Finding {
    let message = format!(
        "Ocrolus documents no payload for {}; only the fields common to Ocrolus events were checked",
        spec.name
    );
    Finding::at("undocumented_payload", "", message)
}

/// The refusal of an `event_name` that names no webhook event (at `/event_name`).
pub(crate) fn unknown_event(name: &str) -> Finding {
    if let Some(email_only) = catalog::email_only_event(name) {
        return Finding::at("email_only_event", "/event_name", email_only.explanation);
    }
    // Suggest a catalog name that differs only in case or surrounding blanks: that quotes our
    // catalog, not the payload. Every catalog name is ASCII, so a name with other characters
    // is most likely a look-alike (Cyrillic letters, fullwidth dots, zero-width spaces): say
    // so, without quoting it.
    let folded = name.trim().to_ascii_lowercase();
    let suggestion = EVENTS
        .iter()
        .map(|spec| spec.name)
        .find(|known| known.to_ascii_lowercase() == folded)
        .map(|known| format!(" (did you mean {known}?)"))
        .or_else(|| {
            (!name.is_ascii()).then(|| {
                String::from(
                    " (it has characters outside ASCII, which no event name has: look-alike \
                     letters or invisible characters?)",
                )
            })
        })
        .unwrap_or_default();
    Finding::at(
        "unknown_event",
        "/event_name",
        format!("event_name is not an Ocrolus webhook event{suggestion}"),
    )
}
