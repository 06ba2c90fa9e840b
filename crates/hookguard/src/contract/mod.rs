//! The contract layer: what a delivery may be. The event types ([`events`]) and the catalog of
//! names ([`catalog`]), the JSON Schemas generated from them ([`schema`]) and compiled into
//! static data (`compiled`, what the walk checks), overlays that accept documented drift
//! ([`overlay`]), the options every host configures (`options`), and how a configuration's
//! settings are read (`settings`). Below it: only the JSON layer.

pub mod catalog;
pub(crate) mod compiled;
pub mod events;
pub(crate) mod options;
pub mod overlay;
pub mod schema;
pub(crate) mod settings;
