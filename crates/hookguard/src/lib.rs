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

The folders are the layers. Each imports only the layers below it, and no module imports one
that imports it back (no import circles), so the crate reads top-down:

| layer (folder) | modules | job |
|---|---|---|
| gate (`gate/`), survey | [`gate`], [`answer`], [`delivery`], [`store`], [`signature`]; [`survey`] | what every host calls: size, signature, validation, allowed events, the claim on the request id, the answer; the delivery contract's states and memories, and the protocol of the store a fleet shares; HMAC signatures. Surveys of drift and the overlays they draft |
| check (`check/`) | `judge`, `walk`, `findings`, `report`, [`Validator`], `observe` | one body judged in one walk over its bytes; findings and reports, each worded once; the survey's observation, made by the same walk |
| contract (`contract/`) | [`catalog`], [`events`], [`schema`], `compiled`, [`overlay`], `options` | event types and names, published and compiled schemas, overlays, options and limits |
| JSON (`json/`) | `reader`, [`intake`], `number`, `kind`, `pointer`, `position`, `error` | the one strict reader of request bodies and its refusals; exact numbers; type names, pointers, positions |

The path of a delivery: a host calls [`Gate::admit`] (or [`Validator::validate`] alone);
the gate screens the request and verifies its signature, then the validator's `judge` has
[`intake`] read the body once (its top-level members, or the refusal), finds the event in the
[`catalog`] and its compiled schema, and `walk`s the members against it, writing the
normalized payload as it goes; the gate turns the [`Report`] into an [`Answer`] and claims the
delivery's id in a [`delivery::DeliveryMemory`]; the host settles the claim with the service's
outcome ([`Gate::settle`]).

`oracle/` (the `oracle` feature, tests and fuzz targets only) holds what the shipped code is
held to: the serde_json intake the reader replaced, and the tree path the walk replaced.
*/

mod check;
mod contract;
pub mod gate;
mod json;
#[cfg(feature = "oracle")]
#[doc(hidden)]
pub mod oracle;
mod order;
pub mod survey;

pub use check::report::{Delivery, Finding, Normalized, Omitted, Report};
pub use check::validator::Validator;
pub use contract::options::{
    ConfigError, ConfigErrorKind, DEFAULT_MAX_FINDINGS, MAX_BYTES_CEILING, MAX_DEPTH_CEILING,
    MAX_FINDINGS_CEILING, OptionValue, Options,
};
pub use contract::overlay::{Overlay, OverlayError};
pub use contract::{catalog, events, overlay, schema};
pub use gate::answer::{Answer, ProblemShape, Reply, Verdict};
pub use gate::{Admission, Authenticity, Gate, GateConfig, GateError};
pub use gate::{answer, delivery, signature, store};
pub use json::intake;
pub use json::position::Position;

pub use catalog::Event;

/// The version of this crate, reported by every host.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
