//! Payload shapes of image-group events.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::{Notification, NotificationType, Severity, Uuid};

/// `image_group.upload_failed` / `image_group.upload_succeeded`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ImageGroupUpload {
    /// Unique identifier of the Book.
    pub book_uuid: Uuid,
    /// Unique identifier of the image group.
    pub image_group_uuid: Uuid,
    #[serde(flatten)]
    #[allow(missing_docs)]
    pub notification: Notification,
}

/// Status of an image group whose verification succeeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ImageGroupSucceededStatus {
    /// Organization-level spelling.
    VerificationCompleted,
    /// Account-level spelling (`IMAGE_GROUP_VERIFIED`).
    Completed,
}

/// Status of an image group whose verification failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ImageGroupFailedStatus {
    /// The image group was rejected.
    Rejected,
}

/// Status carried by `IMAGE_GROUP_VERIFIED`, which reports both outcomes.
///
/// Ocrolus documents only `COMPLETED` (on both its "failed" and "succeeded" examples, which
/// are identical); `REJECTED` is the failure status of the organization-level event it maps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ImageGroupVerifiedStatus {
    /// Verification finished (normalizes to `image_group.verification_succeeded`).
    Completed,
    /// The image group was rejected (normalizes to `image_group.verification_failed`).
    Rejected,
}

/// `image_group.verification_succeeded`, `image_group.verification_failed` and the
/// account-level `IMAGE_GROUP_VERIFIED`, which differ only in the status values they admit.
///
/// The notification fields and `image_group_uuid` are optional because `IMAGE_GROUP_VERIFIED`
/// deliveries do not carry them and must stay valid once normalized.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ImageGroupVerification<Status> {
    /// Unique identifier of the Book.
    pub book_uuid: Uuid,
    /// Primary key of the Book.
    pub book_pk: u64,
    /// Outcome of the verification.
    pub status: Status,
    /// Unique identifier of the image group.
    pub uploaded_image_group_uuid: Uuid,
    /// Same value as `uploaded_image_group_uuid`, kept by Ocrolus for backward compatibility.
    pub image_group_uuid: Option<Uuid>,
    /// Primary key of the image group.
    pub uploaded_image_group_pk: u64,
    /// How urgent the notification is (organization-level deliveries only).
    pub severity: Option<Severity>,
    /// Whether the notification reports progress or a problem (organization-level only).
    pub notification_type: Option<NotificationType>,
    /// Human-readable reason, e.g. "Image Group verified" or "File is corrupt".
    pub notification_reason: Option<String>,
}
