//! Payload shapes of Book-level events.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::{DetectStatus, DocumentStatus, Notification, NotificationType, Severity, Uuid};

/// A Book-level notification with no further data (`book.analytics_v2.generated`,
/// `network.book.created`, `network.book.funded`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct BookNotification {
    /// Unique identifier of the Book.
    pub book_uuid: Uuid,
    #[serde(flatten)]
    #[allow(missing_docs)]
    pub notification: Notification,
}

/// `book.classified`: every mixed document of a Book has been classified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct BookClassified {
    /// Unique identifier of the Book.
    pub book_uuid: Uuid,
    /// The mixed documents of the Book and their classification status.
    pub mixed_uploaded_docs: Vec<MixedUploadedDoc>,
    #[serde(flatten)]
    #[allow(missing_docs)]
    pub notification: Notification,
}

/// A mixed (multi-form) uploaded document and its classification status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct MixedUploadedDoc {
    /// Unique identifier of the mixed uploaded document.
    pub mixed_uploaded_doc_uuid: Uuid,
    /// Classification status of the document.
    pub status: DocumentStatus,
}

/// `book.detect.signal_found` / `book.detect.signal_not_found`: Detect finished for a Book.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct BookDetectResult {
    /// Unique identifier of the Book.
    pub book_uuid: Uuid,
    /// Detect's result for each uploaded document of the Book.
    pub uploaded_docs: Vec<DetectedDoc>,
    #[serde(flatten)]
    #[allow(missing_docs)]
    pub notification: Notification,
}

/// Detect's result for one uploaded document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DetectedDoc {
    /// Unique identifier of the uploaded document.
    pub uploaded_doc_uuid: Uuid,
    /// Status of Detect's run on the document.
    pub uploaded_doc_detect_status: DetectStatus,
    /// Number of suspicious-activity signals Detect found in the document.
    pub signal_count: u32,
    /// Why Detect could not run, when it could not (e.g. no forms found in the document).
    pub reason: Option<String>,
}

/// Status of a verified Book.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum BookStatus {
    /// Organization-level spelling.
    Complete,
    /// Account-level spelling (`BOOK_VERIFIED`), matching the Book status endpoint.
    BookComplete,
}

/// `book.verified`: every document of the Book has been verified or rejected.
///
/// Only the fields that the account-level `BOOK_VERIFIED` delivery also carries are required,
/// so that a `BOOK_VERIFIED` payload normalized to `book.verified` stays valid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct BookVerified {
    /// Unique identifier of the Book.
    pub book_uuid: Uuid,
    /// Primary key of the Book.
    pub book_pk: u64,
    /// Status of the Book: `COMPLETE` (organization-level) or `BOOK_COMPLETE` (account-level).
    pub status: BookStatus,
    /// The uploaded documents of the Book and their status.
    pub uploaded_docs: Option<Vec<VerifiedDoc>>,
    /// How urgent the notification is.
    pub severity: Option<Severity>,
    /// Whether the notification reports progress (`STATUS`) or a problem (`ISSUE`).
    pub notification_type: Option<NotificationType>,
    /// Human-readable reason for the notification.
    pub notification_reason: Option<String>,
}

/// An uploaded document of a verified Book.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct VerifiedDoc {
    /// Unique identifier of the uploaded document.
    pub uuid: Uuid,
    /// Status of the document (`COMPLETED` and `VERIFICATION_COMPLETE` are both seen).
    pub status: DocumentStatus,
}

/// The one status value `BOOK_VERIFIED` carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum BookCompleteStatus {
    /// All documents of the Book are verified or rejected.
    BookComplete,
}

/// `BOOK_VERIFIED` (account-level and legacy name of `book.verified`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct BookVerifiedLegacy {
    /// Unique identifier of the Book.
    pub book_uuid: Uuid,
    /// Primary key of the Book.
    pub book_pk: u64,
    /// Always `BOOK_COMPLETE`.
    pub status: BookCompleteStatus,
}

/// Status of a completed asynchronous analytics request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AnalyticsStatus {
    /// The analytics results are available.
    Completed,
}

/// The legacy event name that analytics payloads repeat in their `event` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum AnalyticsLegacyEvent {
    /// The only documented value.
    #[serde(rename = "ANALYTICS_COMPLETED")]
    AnalyticsCompleted,
}

/// `book.analytics_completed` / `ANALYTICS_COMPLETED`: an asynchronous analytics request has
/// been fulfilled (Legacy Analytics offering).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AnalyticsCompleted {
    /// Unique identifier of the Book.
    pub book_uuid: Uuid,
    /// Primary key of the Book.
    pub book_pk: u64,
    /// Identifier of the asynchronous analytics request that completed.
    pub analytics_request_id: Uuid,
    /// Always `COMPLETED`.
    pub status: AnalyticsStatus,
    /// The legacy event name, repeated in both catalogs' payloads.
    pub event: AnalyticsLegacyEvent,
    /// How urgent the notification is (organization-level deliveries only).
    pub severity: Option<Severity>,
    /// Whether the notification reports progress or a problem (organization-level only).
    pub notification_type: Option<NotificationType>,
    /// Human-readable reason for the notification (organization-level only).
    pub notification_reason: Option<String>,
}

/// An event whose name Ocrolus lists but whose payload it does not document
/// (`MIDDESK_VERIFIED`, `book.completed`, `book.income.*`, `mixed_document.rejected`).
///
/// Only the fields common to Ocrolus events are checked, and only when present.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct LooselyDocumentedEvent {
    /// Unique identifier of the Book.
    pub book_uuid: Option<Uuid>,
    /// Primary key of the Book.
    pub book_pk: Option<u64>,
    /// Name of the Book.
    pub book_name: Option<String>,
    /// Status reported with the event (no value set is documented).
    pub status: Option<String>,
    /// How urgent the notification is.
    pub severity: Option<Severity>,
    /// Whether the notification reports progress or a problem.
    pub notification_type: Option<NotificationType>,
    /// Human-readable reason for the notification.
    pub notification_reason: Option<String>,
    /// Uploaded documents and their status (seen on `book.completed`).
    pub uploaded_docs: Option<Vec<VerifiedDoc>>,
    /// Processing tasks of the Book (seen on `book.completed`; item shape undocumented).
    pub tasks: Option<Vec<serde_json::Value>>,
}
