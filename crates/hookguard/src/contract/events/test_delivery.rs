//! The account-level test delivery.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The fixed body Ocrolus sends when an account-level webhook is tested: it has no
/// `event_name`, so it is recognised by its exact values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TestDelivery {
    /// Always `VERIFICATION_COMPLETE`.
    #[schemars(extend("const" = "VERIFICATION_COMPLETE"))]
    pub status: String,
    /// Always `0`.
    #[schemars(extend("const" = 0))]
    pub uploaded_doc_pk: u64,
    /// Always `0`.
    #[schemars(extend("const" = 0))]
    pub book_pk: u64,
}
