//! Every Ocrolus webhook payload as a Rust type.
//!
//! Types model payload *shapes*; several event names share one shape (the three
//! `document.detect.*` events, for instance). [`crate::contract::catalog`] maps names to shapes, and the
//! JSON Schemas in `schemas/` are generated from these types: doc comments become
//! `description`s, `Option<T>` marks a field that may be absent and [`Nullable<T>`] one that
//! may be `null`.
//!
//! A type does not carry `event_name`: the [`crate::contract::catalog::Event`] enum is tagged by it, and the generated
//! schemas pin it with `const`.

mod book;
mod common;
mod document;
mod image_group;
mod test_delivery;

pub use book::*;
pub use common::*;
pub use document::*;
pub use image_group::*;
pub use test_delivery::*;
