/*!
Validate and normalize Ocrolus webhook deliveries before they are trusted.

Ocrolus POSTs JSON events (a Book was verified, a document failed to upload, Detect found
fraud signals, ...) in two naming schemes, organization-level (`book.verified`) and
account-level/legacy (`BOOK_VERIFIED`). This crate holds the whole catalog as Rust types
([`events`], [`catalog`]), generates a JSON Schema per event ([`schema`], checked into
`schemas/`), and checks raw delivery bodies against them ([`Validator`]).

A key design decision made in this crate is that **it takes bytes, never a parsed value**:
[`intake`] refuses duplicate keys, lone surrogates, numbers beyond I-JSON's range, excess
nesting and oversized bodies before any schema runs, because a parsed value has already hidden
them. The second is that it has **no host dependency**: the gateway filter, the JavaScript
package and the command line are thin adapters over this crate compiled to WebAssembly, so the
same bytes get the same verdict everywhere.

```
use hookguard::{Options, Validator};

let validator = Validator::new(Options::default())?;
let report = validator.normalize(br#"{
    "event_name": "BOOK_VERIFIED", "status": "BOOK_COMPLETE",
    "book_pk": 11917, "book_uuid": "35ef4501-b93d-4ce2-b766-b670a057c0fb"
}"#);
assert!(report.valid);
assert_eq!(report.event_name, Some("book.verified"));
assert_eq!(report.source_event_name, Some("BOOK_VERIFIED"));
# Ok::<(), hookguard::ConfigError>(())
```

Nothing in this crate panics on any input: hosts run it inside VMs where a panic is a trap.

# Layers

Each module imports only modules in the layers below it (no import circles), so the crate
reads top-down. A delivery goes from the top: [`gate`] (or [`Validator`] alone) asks the
layers below and answers.

| layer | modules | job |
|---|---|---|
| host | [`gate`], [`delivery`], [`survey`] | the gate every host calls (size, signature, validation, allowed events, the claim on the request id); the delivery contract's states and memories; surveys of drift and the overlays they draft |
| validation | `validator`, `express`, `tree_check`, `normalize` | the express lane judging a body from its bytes, the tree path (its oracle and fallback), normalization |
| findings and answers | [`answer`], `event_findings`, `report` | what a report and an answer say, in one wording |
| contract | [`overlay`], `options`, [`catalog`], [`schema`], [`events`], `compiled` | event types, the catalog, published and compiled schemas, overlays, options and limits |
| JSON and signatures | [`intake`], `number`, `pointer`, `location`, [`signature`] | strict reading of bytes, exact numbers, pointers and positions; HMAC signatures |
*/

pub mod answer;
pub mod catalog;
mod compiled;
pub mod delivery;
mod event_findings;
pub mod events;
mod express;
pub mod gate;
pub mod intake;
mod json;
mod options;
#[cfg(feature = "oracle")]
#[doc(hidden)]
pub mod oracle;
pub mod overlay;
mod report;
pub mod schema;
pub mod signature;
pub mod survey;
mod validator;

pub use answer::{Answer, ProblemShape, Verdict};
pub use catalog::Event;
pub use gate::{Admission, Authenticity, Gate, GateConfig, GateError};
pub use json::position::Position;
pub use options::{
    ConfigError, ConfigErrorKind, DEFAULT_MAX_FINDINGS, MAX_BYTES_CEILING, MAX_DEPTH_CEILING,
    MAX_FINDINGS_CEILING, OptionValue, Options,
};
pub use overlay::{Overlay, OverlayError};
pub use report::{Delivery, Finding, Normalized, Omitted, Report};
pub use validator::Validator;

/// The version of this crate, reported by every host.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
