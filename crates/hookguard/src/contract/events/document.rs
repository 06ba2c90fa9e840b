//! Payload shapes of document-level events.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::{DocumentStatus, Notification, NotificationType, Nullable, Severity, Uuid};

/// `document.classification_failed` / `document.classification_succeeded`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DocumentClassification {
    /// Unique identifier of the Book.
    pub book_uuid: Uuid,
    /// Unique identifier of the mixed (multi-form) uploaded document that was classified.
    pub mixed_uploaded_doc_uuid: Uuid,
    /// Unique identifier of the image group the document belongs to.
    pub uploaded_image_group_uuid: Uuid,
    #[serde(flatten)]
    #[allow(missing_docs)]
    pub notification: Notification,
}

/// `document.detect.signal_found`, `document.detect.signal_not_found` and
/// `document.detect.unable_to_process`: Detect finished for one document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DocumentDetectResult {
    /// Unique identifier of the Book.
    pub book_uuid: Uuid,
    /// Primary key of the Book.
    pub book_pk: u64,
    /// Name of the Book.
    pub book_name: String,
    /// Unique identifier of the uploaded document.
    pub uploaded_doc_uuid: Uuid,
    /// Same value as `uploaded_doc_uuid`, kept by Ocrolus for backward compatibility
    /// (organization-level deliveries only).
    pub doc_uuid: Option<Uuid>,
    /// Primary key of the uploaded document.
    pub uploaded_doc_pk: u64,
    /// File name of the uploaded document.
    pub uploaded_doc_name: String,
    /// Processing status of the document.
    pub status: DocumentStatus,
    /// Whether the document is cloud compliant.
    pub is_cloud_compliant: bool,
    /// Primary key of the mixed uploaded document the document came from, if any.
    pub mixed_uploaded_doc_pk: Nullable<u64>,
    /// Unique identifier of the mixed uploaded document the document came from, if any.
    pub mixed_uploaded_doc_uuid: Nullable<Uuid>,
    /// Primary key of the image group the document came from, if any.
    pub uploaded_image_group_pk: Nullable<u64>,
    /// Unique identifier of the image group the document came from, if any.
    pub uploaded_image_group_uuid: Nullable<Uuid>,
    #[serde(flatten)]
    #[allow(missing_docs)]
    pub notification: Notification,
}

/// `document.upload_failed` / `plaid.upload_failed`: a file could not be uploaded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct UploadFailed {
    /// Unique identifier of the Book.
    pub book_uuid: Uuid,
    /// Name of the file that failed to upload.
    pub file_name: String,
    #[serde(flatten)]
    #[allow(missing_docs)]
    pub notification: Notification,
}

/// `document.upload_succeeded` / `plaid.upload_succeeded`: a file was uploaded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct UploadSucceeded {
    /// Unique identifier of the Book.
    pub book_uuid: Uuid,
    /// Unique identifier of the uploaded document.
    pub doc_uuid: Uuid,
    #[serde(flatten)]
    #[allow(missing_docs)]
    pub notification: Notification,
}

/// Status of a document whose verification succeeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum VerificationCompleteStatus {
    /// Verification finished.
    VerificationComplete,
}

/// Status of a document whose verification failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RejectedStatus {
    /// The document was rejected.
    Rejected,
}

/// Status carried by `DOC_VERIFIED`, which reports both outcomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DocVerifiedStatus {
    /// Verification finished (normalizes to `document.verification_succeeded`).
    VerificationComplete,
    /// The document was rejected (normalizes to `document.verification_failed`).
    Rejected,
}

/// `document.verification_succeeded`, `document.verification_failed` and the account-level
/// `DOC_VERIFIED`, which differ only in the status values they admit.
///
/// The notification fields and `doc_uuid` are optional because `DOC_VERIFIED` deliveries do
/// not carry them and must stay valid once normalized.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DocumentVerification<Status> {
    /// Unique identifier of the Book.
    pub book_uuid: Uuid,
    /// Primary key of the Book.
    pub book_pk: u64,
    /// Outcome of the verification.
    pub status: Status,
    /// Unique identifier of the uploaded document.
    pub uploaded_doc_uuid: Uuid,
    /// Same value as `uploaded_doc_uuid`, kept by Ocrolus for backward compatibility.
    pub doc_uuid: Option<Uuid>,
    /// Primary key of the uploaded document.
    pub uploaded_doc_pk: u64,
    /// Primary key of the mixed uploaded document the document came from, if any.
    pub mixed_uploaded_doc_pk: Nullable<u64>,
    /// Unique identifier of the mixed uploaded document the document came from, if any.
    pub mixed_uploaded_doc_uuid: Nullable<Uuid>,
    /// Primary key of the image group the document came from, if any.
    pub uploaded_image_group_pk: Nullable<u64>,
    /// Unique identifier of the image group the document came from, if any.
    pub uploaded_image_group_uuid: Nullable<Uuid>,
    /// How urgent the notification is (organization-level deliveries only).
    pub severity: Option<Severity>,
    /// Whether the notification reports progress or a problem (organization-level only).
    pub notification_type: Option<NotificationType>,
    /// Human-readable reason, e.g. "Document verified" or "File is corrupt".
    pub notification_reason: Option<String>,
}
