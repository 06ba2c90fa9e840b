//! The reference implementations the shipped code is held to, compiled only with the `oracle`
//! feature (tests and fuzz targets): no host module carries them.
//!
//! - [`intake`]: strict intake over serde_json, the one reader's oracle;
//! - `reference`: [`crate::Validator::reference_report`], the tree path, the walk's oracle;
//! - `tree_check`, `normalize`, `pointer`: its parts;
//! - [`survey`]: the survey's observation over a tree and the published schemas.

pub mod intake;
mod normalize;
mod pointer;
mod reference;
pub mod survey;
mod tree_check;
