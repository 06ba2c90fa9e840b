//! The catalog of Ocrolus webhook events: names, where Ocrolus lists them, their payload type,
//! and how legacy names map to organization-level names.

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};

use crate::contract::events::*;
use crate::json::reader::same_bytes;

/// A document of Ocrolus' that lists an event name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Listing {
    /// The organization-level webhook events (dotted lower-case names).
    Organization,
    /// The account-level webhook events (some upper-case names).
    Account,
    /// The legacy webhook page.
    Legacy,
    /// Only Ocrolus' OpenAPI enum of subscribable events; no payload is documented.
    OpenApiOnly,
}

/// How an event name maps to its organization-level (canonical) name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Canonical {
    /// The name is already canonical.
    Itself,
    /// The name is an alias of another one.
    Renamed(&'static str),
    /// The canonical name depends on the payload's `status`: `(status, canonical name)` pairs.
    ByStatus(&'static [(&'static str, &'static str)]),
}

/// Two fields that carry the same value (Ocrolus keeps both for backward compatibility).
/// Normalization fills whichever is absent from the other.
pub type AliasPair = (&'static str, &'static str);

const DOC_UUID_ALIASES: &[AliasPair] = &[("doc_uuid", "uploaded_doc_uuid")];
const IMAGE_GROUP_UUID_ALIASES: &[AliasPair] = &[("image_group_uuid", "uploaded_image_group_uuid")];

/// One webhook event name and everything hookguard knows about it.
#[derive(Debug, Clone, Copy)]
pub struct EventSpec {
    /// The name as it appears in `event_name`.
    pub name: &'static str,
    /// The Ocrolus documents that list the name.
    pub listings: &'static [Listing],
    /// What the event means, from Ocrolus' docs.
    pub summary: &'static str,
    /// How the name maps to its organization-level name.
    pub canonical: Canonical,
    /// Fields that carry the same value; filled from each other on normalization.
    pub aliases: &'static [AliasPair],
}

impl EventSpec {
    /// Whether Ocrolus documents an example payload for this name (the organization- and
    /// account-level pages do; the legacy page and the OpenAPI enum list names only).
    pub fn payload_documented(&self) -> bool {
        self.listings
            .iter()
            .any(|listing| matches!(listing, Listing::Organization | Listing::Account))
    }

    /// The organization-level name for a delivery of this event with the given `status`;
    /// `None` when the name splits by status and `status` is not one of the mapped values.
    pub fn canonical_name(&self, status: Option<&str>) -> Option<&'static str> {
        match self.canonical {
            Canonical::Itself => Some(self.name),
            Canonical::Renamed(name) => Some(name),
            Canonical::ByStatus(table) => {
                let status = status?;
                table
                    .iter()
                    .find(|(value, _)| *value == status)
                    .map(|(_, name)| *name)
            }
        }
    }

    /// Every organization-level name this event can normalize to.
    pub fn canonical_names(&self) -> Vec<&'static str> {
        match self.canonical {
            Canonical::Itself => vec![self.name],
            Canonical::Renamed(name) => vec![name],
            Canonical::ByStatus(table) => table.iter().map(|(_, name)| *name).collect(),
        }
    }

    /// The payload schema generated from the event's Rust type (without `event_name`, which
    /// [`crate::contract::schema`] adds).
    pub fn payload_schema(&self, generator: &mut SchemaGenerator) -> Schema {
        // A match on the name rather than a function pointer in the table: the table is read
        // at request time, and a pointer would link the whole schema generator into every
        // module; only schema generation calls this.
        payload_schema_by_name(self.name, generator).unwrap_or_else(|| Schema::from(false))
    }
}

fn root_schema<T: JsonSchema>(generator: &mut SchemaGenerator) -> Schema {
    generator.root_schema_for::<T>()
}

/// A name Ocrolus lists that is never delivered by webhook.
#[derive(Debug, Clone, Copy)]
pub struct EmailOnlyEvent {
    /// The name.
    pub name: &'static str,
    /// Why it never arrives by webhook.
    pub explanation: &'static str,
}

/// Names that are notifications by e-mail only: a webhook delivery claiming one is rejected
/// with the explanation.
pub const EMAIL_ONLY_EVENTS: &[EmailOnlyEvent] = &[EmailOnlyEvent {
    name: "SUSPICIOUS_ACTIVITY",
    explanation: "SUSPICIOUS_ACTIVITY is an e-mail-only notification (FTD 1.0); Ocrolus never \
                  delivers it by webhook, and Detect reports suspicious activity as \
                  document.detect.signal_found",
}];

/// Finds a webhook event by its exact name.
pub fn event(name: &str) -> Option<&'static EventSpec> {
    // Compared word by word (`same_bytes`): `==` is a call to `memcmp` in the WebAssembly
    // modules, which compares a byte at a time.
    EVENTS
        .iter()
        .find(|spec| same_bytes(spec.name.as_bytes(), name.as_bytes()))
}

/// Finds an e-mail-only notification by its exact name.
pub fn email_only_event(name: &str) -> Option<&'static EmailOnlyEvent> {
    EMAIL_ONLY_EVENTS.iter().find(|spec| spec.name == name)
}

use Listing::{Account, Legacy, OpenApiOnly, Organization};

/// Declares the catalog table and the typed [`Event`] enum from one list, so they cannot drift.
macro_rules! catalog {
    ($(
        $(#[$doc:meta])*
        $variant:ident ($shape:ty) = $name:literal,
        listed in [$($listing:ident),+],
        canonical $canonical:expr,
        aliases $aliases:expr,
        summary $summary:literal;
    )+) => {
        /// Every webhook event hookguard knows, in the order of Ocrolus' organization-level list,
        /// then account-level, legacy and OpenAPI-only names.
        pub static EVENTS: &[EventSpec] = &[$(
            EventSpec {
                name: $name,
                listings: &[$($listing),+],
                summary: $summary,
                canonical: $canonical,
                aliases: $aliases,
            },
        )+];

        /// The payload schema of the event named `name`, from its Rust type.
        fn payload_schema_by_name(name: &str, generator: &mut SchemaGenerator) -> Option<Schema> {
            match name {
                $($name => Some(root_schema::<$shape>(generator)),)+
                _ => None,
            }
        }

        /// A webhook payload of any known event, tagged by `event_name`.
        ///
        /// Deserialize a payload into it only after [`crate::Validator`] accepted the payload:
        /// the types describe the shape but do not repeat every schema check.
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(tag = "event_name")]
        #[allow(clippy::large_enum_variant)]
        pub enum Event {$(
            $(#[$doc])*
            #[serde(rename = $name)]
            $variant($shape),
        )+}

        impl Event {
            /// The event's name, as in `event_name`.
            pub fn name(&self) -> &'static str {
                match self {$(Event::$variant(_) => $name,)+}
            }
        }
    };
}

const SUCCEEDED_OR_FAILED_DOC: &[(&str, &str)] = &[
    ("VERIFICATION_COMPLETE", "document.verification_succeeded"),
    ("REJECTED", "document.verification_failed"),
];
const SUCCEEDED_OR_FAILED_IMAGE_GROUP: &[(&str, &str)] = &[
    ("COMPLETED", "image_group.verification_succeeded"),
    ("REJECTED", "image_group.verification_failed"),
];

catalog! {
    /// `book.analytics_v2.generated`
    BookAnalyticsV2Generated(BookNotification) = "book.analytics_v2.generated",
        listed in [Organization, Account], canonical Canonical::Itself, aliases &[],
        summary "The analytics data for a Book was generated using the v2 analytics engine.";
    /// `book.classified`
    BookClassified(BookClassified) = "book.classified",
        listed in [Organization, Account], canonical Canonical::Itself, aliases &[],
        summary "A Book has been classified or categorized.";
    /// `book.detect.signal_found`
    BookDetectSignalFound(BookDetectResult) = "book.detect.signal_found",
        listed in [Organization, Account], canonical Canonical::Itself, aliases &[],
        summary "The Book contains at least one document with signals of suspicious activity.";
    /// `book.detect.signal_not_found`
    BookDetectSignalNotFound(BookDetectResult) = "book.detect.signal_not_found",
        listed in [Organization, Account], canonical Canonical::Itself, aliases &[],
        summary "The Book contains no document with signals of suspicious activity.";
    /// `book.verified`
    BookVerified(BookVerified) = "book.verified",
        listed in [Organization], canonical Canonical::Itself, aliases &[],
        summary "All documents within a Book have been verified or rejected (Book status BOOK_COMPLETE).";
    /// `document.classification_failed`
    DocumentClassificationFailed(DocumentClassification) = "document.classification_failed",
        listed in [Organization, Account], canonical Canonical::Itself, aliases &[],
        summary "The classification of a document failed.";
    /// `document.classification_succeeded`
    DocumentClassificationSucceeded(DocumentClassification) = "document.classification_succeeded",
        listed in [Organization, Account], canonical Canonical::Itself, aliases &[],
        summary "The classification of a document succeeded.";
    /// `document.detect.signal_found`
    DocumentDetectSignalFound(DocumentDetectResult) = "document.detect.signal_found",
        listed in [Organization, Account, Legacy], canonical Canonical::Itself, aliases DOC_UUID_ALIASES,
        summary "An uploaded document contains signals of suspicious activity.";
    /// `document.detect.signal_not_found`
    DocumentDetectSignalNotFound(DocumentDetectResult) = "document.detect.signal_not_found",
        listed in [Organization, Account, Legacy], canonical Canonical::Itself, aliases DOC_UUID_ALIASES,
        summary "An uploaded document does not contain signals of suspicious activity.";
    /// `document.detect.unable_to_process`
    DocumentDetectUnableToProcess(DocumentDetectResult) = "document.detect.unable_to_process",
        listed in [Organization, Account, Legacy], canonical Canonical::Itself, aliases DOC_UUID_ALIASES,
        summary "An uploaded document could not be processed through Detect; the reason is in notification_reason.";
    /// `document.upload_failed`
    DocumentUploadFailed(UploadFailed) = "document.upload_failed",
        listed in [Organization, Account], canonical Canonical::Itself, aliases &[],
        summary "The upload of a document failed.";
    /// `document.upload_succeeded`
    DocumentUploadSucceeded(UploadSucceeded) = "document.upload_succeeded",
        listed in [Organization, Account], canonical Canonical::Itself, aliases &[],
        summary "The upload of a document succeeded.";
    /// `document.verification_failed`
    DocumentVerificationFailed(DocumentVerification<RejectedStatus>) = "document.verification_failed",
        listed in [Organization], canonical Canonical::Itself, aliases DOC_UUID_ALIASES,
        summary "The verification of a single document within a Book failed (document status REJECTED).";
    /// `document.verification_succeeded`
    DocumentVerificationSucceeded(DocumentVerification<VerificationCompleteStatus>) = "document.verification_succeeded",
        listed in [Organization], canonical Canonical::Itself, aliases DOC_UUID_ALIASES,
        summary "The verification of a single document within a Book succeeded (document status VERIFICATION_COMPLETE).";
    /// `image_group.upload_failed`
    ImageGroupUploadFailed(ImageGroupUpload) = "image_group.upload_failed",
        listed in [Organization, Account], canonical Canonical::Itself, aliases &[],
        summary "The upload of an image group failed.";
    /// `image_group.upload_succeeded`
    ImageGroupUploadSucceeded(ImageGroupUpload) = "image_group.upload_succeeded",
        listed in [Organization, Account], canonical Canonical::Itself, aliases &[],
        summary "The upload of an image group succeeded.";
    /// `image_group.verification_failed`
    ImageGroupVerificationFailed(ImageGroupVerification<ImageGroupFailedStatus>) = "image_group.verification_failed",
        listed in [Organization], canonical Canonical::Itself, aliases IMAGE_GROUP_UUID_ALIASES,
        summary "The verification of an image group failed.";
    /// `image_group.verification_succeeded`
    ImageGroupVerificationSucceeded(ImageGroupVerification<ImageGroupSucceededStatus>) = "image_group.verification_succeeded",
        listed in [Organization], canonical Canonical::Itself, aliases IMAGE_GROUP_UUID_ALIASES,
        summary "The verification of an image group succeeded.";
    /// `plaid.upload_failed`
    PlaidUploadFailed(UploadFailed) = "plaid.upload_failed",
        listed in [Organization, Account], canonical Canonical::Itself, aliases &[],
        summary "The upload of Plaid data failed.";
    /// `plaid.upload_succeeded`
    PlaidUploadSucceeded(UploadSucceeded) = "plaid.upload_succeeded",
        listed in [Organization, Account], canonical Canonical::Itself, aliases &[],
        summary "The upload of Plaid data succeeded.";
    /// `book.analytics_completed`
    BookAnalyticsCompleted(AnalyticsCompleted) = "book.analytics_completed",
        listed in [Organization], canonical Canonical::Itself, aliases &[],
        summary "An asynchronous analytics request was fulfilled and its results are available (Legacy Analytics offering).";
    /// `network.book.created`
    NetworkBookCreated(BookNotification) = "network.book.created",
        listed in [Organization, Account], canonical Canonical::Itself, aliases &[],
        summary "(BETA) Another Network customer submitted an application for a borrower you are monitoring (SMB only).";
    /// `network.book.funded`
    NetworkBookFunded(BookNotification) = "network.book.funded",
        listed in [Organization, Account], canonical Canonical::Itself, aliases &[],
        summary "(BETA) Another Network customer funded a borrower you are reviewing or monitoring (SMB only).";
    /// `ANALYTICS_COMPLETED` (account-level name of `book.analytics_completed`)
    AnalyticsCompletedLegacy(AnalyticsCompleted) = "ANALYTICS_COMPLETED",
        listed in [Account, Legacy], canonical Canonical::Renamed("book.analytics_completed"), aliases &[],
        summary "Account-level name of book.analytics_completed: an asynchronous analytics request was fulfilled.";
    /// `BOOK_VERIFIED` (account-level name of `book.verified`)
    BookVerifiedLegacy(BookVerifiedLegacy) = "BOOK_VERIFIED",
        listed in [Account, Legacy], canonical Canonical::Renamed("book.verified"), aliases &[],
        summary "Account-level name of book.verified: all documents within a Book have been verified or rejected.";
    /// `DOC_VERIFIED` (account-level name of both `document.verification_*` events)
    DocVerified(DocumentVerification<DocVerifiedStatus>) = "DOC_VERIFIED",
        listed in [Account, Legacy], canonical Canonical::ByStatus(SUCCEEDED_OR_FAILED_DOC), aliases DOC_UUID_ALIASES,
        summary "Account-level name of document.verification_succeeded (status VERIFICATION_COMPLETE) and document.verification_failed (status REJECTED).";
    /// `IMAGE_GROUP_VERIFIED` (account-level name of both `image_group.verification_*` events)
    ImageGroupVerified(ImageGroupVerification<ImageGroupVerifiedStatus>) = "IMAGE_GROUP_VERIFIED",
        listed in [Account, Legacy], canonical Canonical::ByStatus(SUCCEEDED_OR_FAILED_IMAGE_GROUP), aliases IMAGE_GROUP_UUID_ALIASES,
        summary "Account-level name of image_group.verification_succeeded (status COMPLETED) and image_group.verification_failed (status REJECTED).";
    /// `MIDDESK_VERIFIED` (legacy; payload undocumented)
    MiddeskVerified(LooselyDocumentedEvent) = "MIDDESK_VERIFIED",
        listed in [Legacy], canonical Canonical::Itself, aliases &[],
        summary "Results are available for a POST Business API call (Middesk integration). Ocrolus documents no payload.";
    /// `book.completed` (OpenAPI only; payload undocumented)
    BookCompleted(LooselyDocumentedEvent) = "book.completed",
        listed in [OpenApiOnly], canonical Canonical::Itself, aliases &[],
        summary "A Book completed processing. Listed only in Ocrolus' OpenAPI enum; no payload is documented.";
    /// `book.income.generated` (OpenAPI only; payload undocumented)
    BookIncomeGenerated(LooselyDocumentedEvent) = "book.income.generated",
        listed in [OpenApiOnly], canonical Canonical::Itself, aliases &[],
        summary "Income data was generated for a Book. Listed only in Ocrolus' OpenAPI enum; no payload is documented.";
    /// `book.income.updated` (OpenAPI only; payload undocumented)
    BookIncomeUpdated(LooselyDocumentedEvent) = "book.income.updated",
        listed in [OpenApiOnly], canonical Canonical::Itself, aliases &[],
        summary "Income data of a Book was updated. Listed only in Ocrolus' OpenAPI enum; no payload is documented.";
    /// `mixed_document.rejected` (OpenAPI only; payload undocumented)
    MixedDocumentRejected(LooselyDocumentedEvent) = "mixed_document.rejected",
        listed in [OpenApiOnly], canonical Canonical::Itself, aliases &[],
        summary "A mixed document was rejected. Listed only in Ocrolus' OpenAPI enum; no payload is documented.";
}
