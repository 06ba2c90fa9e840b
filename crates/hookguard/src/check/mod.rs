//! The check layer: one body read once ([`crate::json::reader`]) and judged in one walk over
//! its bytes against the compiled schema of its event (`walk`), findings worded once
//! (`findings`), the report and its normalized payload (`report`); `judge` puts them together
//! for one body and `validator` holds the options and the overlay in force. `observe` is the
//! survey's look at a body: the same walk, with a judge that records instead of deciding.

pub(crate) mod findings;
pub(crate) mod judge;
pub(crate) mod observe;
pub(crate) mod report;
pub(crate) mod validator;
pub(crate) mod walk;
