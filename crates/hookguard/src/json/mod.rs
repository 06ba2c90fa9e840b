//! The JSON layer: everything hookguard knows about request bodies as bytes, below any schema.
//!
//! - [`reader`]: the one strict reader of request bodies, with the located failures intake
//!   reports;
//! - [`intake`]: a body read under intake's rules, with the refusal every host reports;
//! - [`number`]: exact reading of number literals (integers whatever their spelling, I-JSON's
//!   range);
//! - [`error`]: why a body was refused, in one wording;
//! - [`position`]: offsets, lines and columns;
//! - [`pointer`]: JSON Pointers;
//! - [`kind`]: the names of JSON types, as every message spells them;
//! - [`write`]: strings written as serde_json writes them.

pub(crate) mod error;
pub mod intake;
pub(crate) mod kind;
pub(crate) mod number;
pub(crate) mod pointer;
pub(crate) mod position;
pub(crate) mod reader;
pub(crate) mod write;
