"""The payload of every organization-level event and of the test delivery, as TypedDicts.

Generated from schemas/ by crates/hookguard-py/scripts/generate_payloads.py (`scripts/just
python-types`). Do not edit: change the Rust event types and regenerate.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict, Union


class MiddeskVerifiedUploadedDocs(TypedDict):
    """An uploaded document of a verified Book."""

    status: Literal["QUEUED", "PROCESSING", "FAILED", "GROOMING", "VERIFYING", "VERIFICATION_COMPLETE", "REJECTED", "DELETED", "CLASSIFIED", "COMPLETED"]
    uuid: str


class MiddeskVerified(TypedDict):
    """Results are available for a POST Business API call (Middesk integration). Ocrolus documents no payload."""

    book_name: NotRequired[str]
    book_pk: NotRequired[int]
    book_uuid: NotRequired[str]
    event_name: Literal["MIDDESK_VERIFIED"]
    notification_reason: NotRequired[str]
    notification_type: NotRequired[Literal["STATUS", "ISSUE"]]
    severity: NotRequired[Literal["LOW", "MODERATE", "HIGH"]]
    status: NotRequired[str]
    tasks: NotRequired[list[Any]]
    uploaded_docs: NotRequired[list[MiddeskVerifiedUploadedDocs]]


class BookAnalyticsCompleted(TypedDict):
    """An asynchronous analytics request was fulfilled and its results are available (Legacy Analytics offering)."""

    analytics_request_id: str
    book_pk: int
    book_uuid: str
    event: Literal["ANALYTICS_COMPLETED"]
    event_name: Literal["book.analytics_completed"]
    notification_reason: NotRequired[str]
    notification_type: NotRequired[Literal["STATUS", "ISSUE"]]
    severity: NotRequired[Literal["LOW", "MODERATE", "HIGH"]]
    status: Literal["COMPLETED"]


class BookAnalyticsV2Generated(TypedDict):
    """The analytics data for a Book was generated using the v2 analytics engine."""

    book_uuid: str
    event_name: Literal["book.analytics_v2.generated"]
    notification_reason: str
    notification_type: Literal["STATUS", "ISSUE"]
    severity: Literal["LOW", "MODERATE", "HIGH"]


class BookClassifiedMixedUploadedDocs(TypedDict):
    """A mixed (multi-form) uploaded document and its classification status."""

    mixed_uploaded_doc_uuid: str
    status: Literal["QUEUED", "PROCESSING", "FAILED", "GROOMING", "VERIFYING", "VERIFICATION_COMPLETE", "REJECTED", "DELETED", "CLASSIFIED", "COMPLETED"]


class BookClassified(TypedDict):
    """A Book has been classified or categorized."""

    book_uuid: str
    event_name: Literal["book.classified"]
    mixed_uploaded_docs: list[BookClassifiedMixedUploadedDocs]
    notification_reason: str
    notification_type: Literal["STATUS", "ISSUE"]
    severity: Literal["LOW", "MODERATE", "HIGH"]


class BookCompletedUploadedDocs(TypedDict):
    """An uploaded document of a verified Book."""

    status: Literal["QUEUED", "PROCESSING", "FAILED", "GROOMING", "VERIFYING", "VERIFICATION_COMPLETE", "REJECTED", "DELETED", "CLASSIFIED", "COMPLETED"]
    uuid: str


class BookCompleted(TypedDict):
    """A Book completed processing. Listed only in Ocrolus' OpenAPI enum; no payload is documented."""

    book_name: NotRequired[str]
    book_pk: NotRequired[int]
    book_uuid: NotRequired[str]
    event_name: Literal["book.completed"]
    notification_reason: NotRequired[str]
    notification_type: NotRequired[Literal["STATUS", "ISSUE"]]
    severity: NotRequired[Literal["LOW", "MODERATE", "HIGH"]]
    status: NotRequired[str]
    tasks: NotRequired[list[Any]]
    uploaded_docs: NotRequired[list[BookCompletedUploadedDocs]]


class BookDetectSignalFoundUploadedDocs(TypedDict):
    """Detect's result for one uploaded document."""

    reason: NotRequired[str]
    signal_count: int
    uploaded_doc_detect_status: Literal["PENDING", "COMPLETED", "UNABLE_TO_PROCESS", "UNSUPPORTED", "DELETED"]
    uploaded_doc_uuid: str


class BookDetectSignalFound(TypedDict):
    """The Book contains at least one document with signals of suspicious activity."""

    book_uuid: str
    event_name: Literal["book.detect.signal_found"]
    notification_reason: str
    notification_type: Literal["STATUS", "ISSUE"]
    severity: Literal["LOW", "MODERATE", "HIGH"]
    uploaded_docs: list[BookDetectSignalFoundUploadedDocs]


class BookDetectSignalNotFoundUploadedDocs(TypedDict):
    """Detect's result for one uploaded document."""

    reason: NotRequired[str]
    signal_count: int
    uploaded_doc_detect_status: Literal["PENDING", "COMPLETED", "UNABLE_TO_PROCESS", "UNSUPPORTED", "DELETED"]
    uploaded_doc_uuid: str


class BookDetectSignalNotFound(TypedDict):
    """The Book contains no document with signals of suspicious activity."""

    book_uuid: str
    event_name: Literal["book.detect.signal_not_found"]
    notification_reason: str
    notification_type: Literal["STATUS", "ISSUE"]
    severity: Literal["LOW", "MODERATE", "HIGH"]
    uploaded_docs: list[BookDetectSignalNotFoundUploadedDocs]


class BookIncomeGeneratedUploadedDocs(TypedDict):
    """An uploaded document of a verified Book."""

    status: Literal["QUEUED", "PROCESSING", "FAILED", "GROOMING", "VERIFYING", "VERIFICATION_COMPLETE", "REJECTED", "DELETED", "CLASSIFIED", "COMPLETED"]
    uuid: str


class BookIncomeGenerated(TypedDict):
    """Income data was generated for a Book. Listed only in Ocrolus' OpenAPI enum; no payload is documented."""

    book_name: NotRequired[str]
    book_pk: NotRequired[int]
    book_uuid: NotRequired[str]
    event_name: Literal["book.income.generated"]
    notification_reason: NotRequired[str]
    notification_type: NotRequired[Literal["STATUS", "ISSUE"]]
    severity: NotRequired[Literal["LOW", "MODERATE", "HIGH"]]
    status: NotRequired[str]
    tasks: NotRequired[list[Any]]
    uploaded_docs: NotRequired[list[BookIncomeGeneratedUploadedDocs]]


class BookIncomeUpdatedUploadedDocs(TypedDict):
    """An uploaded document of a verified Book."""

    status: Literal["QUEUED", "PROCESSING", "FAILED", "GROOMING", "VERIFYING", "VERIFICATION_COMPLETE", "REJECTED", "DELETED", "CLASSIFIED", "COMPLETED"]
    uuid: str


class BookIncomeUpdated(TypedDict):
    """Income data of a Book was updated. Listed only in Ocrolus' OpenAPI enum; no payload is documented."""

    book_name: NotRequired[str]
    book_pk: NotRequired[int]
    book_uuid: NotRequired[str]
    event_name: Literal["book.income.updated"]
    notification_reason: NotRequired[str]
    notification_type: NotRequired[Literal["STATUS", "ISSUE"]]
    severity: NotRequired[Literal["LOW", "MODERATE", "HIGH"]]
    status: NotRequired[str]
    tasks: NotRequired[list[Any]]
    uploaded_docs: NotRequired[list[BookIncomeUpdatedUploadedDocs]]


class BookVerifiedUploadedDocs(TypedDict):
    """An uploaded document of a verified Book."""

    status: Literal["QUEUED", "PROCESSING", "FAILED", "GROOMING", "VERIFYING", "VERIFICATION_COMPLETE", "REJECTED", "DELETED", "CLASSIFIED", "COMPLETED"]
    uuid: str


class BookVerified(TypedDict):
    """All documents within a Book have been verified or rejected (Book status BOOK_COMPLETE)."""

    book_pk: int
    book_uuid: str
    event_name: Literal["book.verified"]
    notification_reason: NotRequired[str]
    notification_type: NotRequired[Literal["STATUS", "ISSUE"]]
    severity: NotRequired[Literal["LOW", "MODERATE", "HIGH"]]
    status: Literal["COMPLETE", "BOOK_COMPLETE"]
    uploaded_docs: NotRequired[list[BookVerifiedUploadedDocs]]


class DocumentClassificationFailed(TypedDict):
    """The classification of a document failed."""

    book_uuid: str
    event_name: Literal["document.classification_failed"]
    mixed_uploaded_doc_uuid: str
    notification_reason: str
    notification_type: Literal["STATUS", "ISSUE"]
    severity: Literal["LOW", "MODERATE", "HIGH"]
    uploaded_image_group_uuid: str


class DocumentClassificationSucceeded(TypedDict):
    """The classification of a document succeeded."""

    book_uuid: str
    event_name: Literal["document.classification_succeeded"]
    mixed_uploaded_doc_uuid: str
    notification_reason: str
    notification_type: Literal["STATUS", "ISSUE"]
    severity: Literal["LOW", "MODERATE", "HIGH"]
    uploaded_image_group_uuid: str


class DocumentDetectSignalFound(TypedDict):
    """An uploaded document contains signals of suspicious activity."""

    book_name: str
    book_pk: int
    book_uuid: str
    doc_uuid: NotRequired[str]
    event_name: Literal["document.detect.signal_found"]
    is_cloud_compliant: bool
    mixed_uploaded_doc_pk: int | None
    mixed_uploaded_doc_uuid: str | None
    notification_reason: str
    notification_type: Literal["STATUS", "ISSUE"]
    severity: Literal["LOW", "MODERATE", "HIGH"]
    status: Literal["QUEUED", "PROCESSING", "FAILED", "GROOMING", "VERIFYING", "VERIFICATION_COMPLETE", "REJECTED", "DELETED", "CLASSIFIED", "COMPLETED"]
    uploaded_doc_name: str
    uploaded_doc_pk: int
    uploaded_doc_uuid: NotRequired[str]
    uploaded_image_group_pk: int | None
    uploaded_image_group_uuid: str | None


class DocumentDetectSignalNotFound(TypedDict):
    """An uploaded document does not contain signals of suspicious activity."""

    book_name: str
    book_pk: int
    book_uuid: str
    doc_uuid: NotRequired[str]
    event_name: Literal["document.detect.signal_not_found"]
    is_cloud_compliant: bool
    mixed_uploaded_doc_pk: int | None
    mixed_uploaded_doc_uuid: str | None
    notification_reason: str
    notification_type: Literal["STATUS", "ISSUE"]
    severity: Literal["LOW", "MODERATE", "HIGH"]
    status: Literal["QUEUED", "PROCESSING", "FAILED", "GROOMING", "VERIFYING", "VERIFICATION_COMPLETE", "REJECTED", "DELETED", "CLASSIFIED", "COMPLETED"]
    uploaded_doc_name: str
    uploaded_doc_pk: int
    uploaded_doc_uuid: NotRequired[str]
    uploaded_image_group_pk: int | None
    uploaded_image_group_uuid: str | None


class DocumentDetectUnableToProcess(TypedDict):
    """An uploaded document could not be processed through Detect; the reason is in notification_reason."""

    book_name: str
    book_pk: int
    book_uuid: str
    doc_uuid: NotRequired[str]
    event_name: Literal["document.detect.unable_to_process"]
    is_cloud_compliant: bool
    mixed_uploaded_doc_pk: int | None
    mixed_uploaded_doc_uuid: str | None
    notification_reason: str
    notification_type: Literal["STATUS", "ISSUE"]
    severity: Literal["LOW", "MODERATE", "HIGH"]
    status: Literal["QUEUED", "PROCESSING", "FAILED", "GROOMING", "VERIFYING", "VERIFICATION_COMPLETE", "REJECTED", "DELETED", "CLASSIFIED", "COMPLETED"]
    uploaded_doc_name: str
    uploaded_doc_pk: int
    uploaded_doc_uuid: NotRequired[str]
    uploaded_image_group_pk: int | None
    uploaded_image_group_uuid: str | None


class DocumentUploadFailed(TypedDict):
    """The upload of a document failed."""

    book_uuid: str
    event_name: Literal["document.upload_failed"]
    file_name: str
    notification_reason: str
    notification_type: Literal["STATUS", "ISSUE"]
    severity: Literal["LOW", "MODERATE", "HIGH"]


class DocumentUploadSucceeded(TypedDict):
    """The upload of a document succeeded."""

    book_uuid: str
    doc_uuid: str
    event_name: Literal["document.upload_succeeded"]
    notification_reason: str
    notification_type: Literal["STATUS", "ISSUE"]
    severity: Literal["LOW", "MODERATE", "HIGH"]


class DocumentVerificationFailed(TypedDict):
    """The verification of a single document within a Book failed (document status REJECTED)."""

    book_pk: int
    book_uuid: str
    doc_uuid: NotRequired[str]
    event_name: Literal["document.verification_failed"]
    mixed_uploaded_doc_pk: int | None
    mixed_uploaded_doc_uuid: str | None
    notification_reason: NotRequired[str]
    notification_type: NotRequired[Literal["STATUS", "ISSUE"]]
    severity: NotRequired[Literal["LOW", "MODERATE", "HIGH"]]
    status: Literal["REJECTED"]
    uploaded_doc_pk: int
    uploaded_doc_uuid: NotRequired[str]
    uploaded_image_group_pk: int | None
    uploaded_image_group_uuid: str | None


class DocumentVerificationSucceeded(TypedDict):
    """The verification of a single document within a Book succeeded (document status VERIFICATION_COMPLETE)."""

    book_pk: int
    book_uuid: str
    doc_uuid: NotRequired[str]
    event_name: Literal["document.verification_succeeded"]
    mixed_uploaded_doc_pk: int | None
    mixed_uploaded_doc_uuid: str | None
    notification_reason: NotRequired[str]
    notification_type: NotRequired[Literal["STATUS", "ISSUE"]]
    severity: NotRequired[Literal["LOW", "MODERATE", "HIGH"]]
    status: Literal["VERIFICATION_COMPLETE"]
    uploaded_doc_pk: int
    uploaded_doc_uuid: NotRequired[str]
    uploaded_image_group_pk: int | None
    uploaded_image_group_uuid: str | None


class ImageGroupUploadFailed(TypedDict):
    """The upload of an image group failed."""

    book_uuid: str
    event_name: Literal["image_group.upload_failed"]
    image_group_uuid: str
    notification_reason: str
    notification_type: Literal["STATUS", "ISSUE"]
    severity: Literal["LOW", "MODERATE", "HIGH"]


class ImageGroupUploadSucceeded(TypedDict):
    """The upload of an image group succeeded."""

    book_uuid: str
    event_name: Literal["image_group.upload_succeeded"]
    image_group_uuid: str
    notification_reason: str
    notification_type: Literal["STATUS", "ISSUE"]
    severity: Literal["LOW", "MODERATE", "HIGH"]


class ImageGroupVerificationFailed(TypedDict):
    """The verification of an image group failed."""

    book_pk: int
    book_uuid: str
    event_name: Literal["image_group.verification_failed"]
    image_group_uuid: NotRequired[str]
    notification_reason: NotRequired[str]
    notification_type: NotRequired[Literal["STATUS", "ISSUE"]]
    severity: NotRequired[Literal["LOW", "MODERATE", "HIGH"]]
    status: Literal["REJECTED"]
    uploaded_image_group_pk: int
    uploaded_image_group_uuid: NotRequired[str]


class ImageGroupVerificationSucceeded(TypedDict):
    """The verification of an image group succeeded."""

    book_pk: int
    book_uuid: str
    event_name: Literal["image_group.verification_succeeded"]
    image_group_uuid: NotRequired[str]
    notification_reason: NotRequired[str]
    notification_type: NotRequired[Literal["STATUS", "ISSUE"]]
    severity: NotRequired[Literal["LOW", "MODERATE", "HIGH"]]
    status: Literal["VERIFICATION_COMPLETED", "COMPLETED"]
    uploaded_image_group_pk: int
    uploaded_image_group_uuid: NotRequired[str]


class MixedDocumentRejectedUploadedDocs(TypedDict):
    """An uploaded document of a verified Book."""

    status: Literal["QUEUED", "PROCESSING", "FAILED", "GROOMING", "VERIFYING", "VERIFICATION_COMPLETE", "REJECTED", "DELETED", "CLASSIFIED", "COMPLETED"]
    uuid: str


class MixedDocumentRejected(TypedDict):
    """A mixed document was rejected. Listed only in Ocrolus' OpenAPI enum; no payload is documented."""

    book_name: NotRequired[str]
    book_pk: NotRequired[int]
    book_uuid: NotRequired[str]
    event_name: Literal["mixed_document.rejected"]
    notification_reason: NotRequired[str]
    notification_type: NotRequired[Literal["STATUS", "ISSUE"]]
    severity: NotRequired[Literal["LOW", "MODERATE", "HIGH"]]
    status: NotRequired[str]
    tasks: NotRequired[list[Any]]
    uploaded_docs: NotRequired[list[MixedDocumentRejectedUploadedDocs]]


class NetworkBookCreated(TypedDict):
    """(BETA) Another Network customer submitted an application for a borrower you are monitoring (SMB only)."""

    book_uuid: str
    event_name: Literal["network.book.created"]
    notification_reason: str
    notification_type: Literal["STATUS", "ISSUE"]
    severity: Literal["LOW", "MODERATE", "HIGH"]


class NetworkBookFunded(TypedDict):
    """(BETA) Another Network customer funded a borrower you are reviewing or monitoring (SMB only)."""

    book_uuid: str
    event_name: Literal["network.book.funded"]
    notification_reason: str
    notification_type: Literal["STATUS", "ISSUE"]
    severity: Literal["LOW", "MODERATE", "HIGH"]


class PlaidUploadFailed(TypedDict):
    """The upload of Plaid data failed."""

    book_uuid: str
    event_name: Literal["plaid.upload_failed"]
    file_name: str
    notification_reason: str
    notification_type: Literal["STATUS", "ISSUE"]
    severity: Literal["LOW", "MODERATE", "HIGH"]


class PlaidUploadSucceeded(TypedDict):
    """The upload of Plaid data succeeded."""

    book_uuid: str
    doc_uuid: str
    event_name: Literal["plaid.upload_succeeded"]
    notification_reason: str
    notification_type: Literal["STATUS", "ISSUE"]
    severity: Literal["LOW", "MODERATE", "HIGH"]


class TestDelivery(TypedDict):
    """The fixed body Ocrolus sends when an account-level webhook is tested: it has no
`event_name`, so it is recognised by its exact values."""

    book_pk: Literal[0]
    status: Literal["VERIFICATION_COMPLETE"]
    uploaded_doc_pk: Literal[0]


#: Organization-level (canonical) event names: what a valid report's ``event_name`` holds.
EventName = Literal[
    "MIDDESK_VERIFIED",
    "book.analytics_completed",
    "book.analytics_v2.generated",
    "book.classified",
    "book.completed",
    "book.detect.signal_found",
    "book.detect.signal_not_found",
    "book.income.generated",
    "book.income.updated",
    "book.verified",
    "document.classification_failed",
    "document.classification_succeeded",
    "document.detect.signal_found",
    "document.detect.signal_not_found",
    "document.detect.unable_to_process",
    "document.upload_failed",
    "document.upload_succeeded",
    "document.verification_failed",
    "document.verification_succeeded",
    "image_group.upload_failed",
    "image_group.upload_succeeded",
    "image_group.verification_failed",
    "image_group.verification_succeeded",
    "mixed_document.rejected",
    "network.book.created",
    "network.book.funded",
    "plaid.upload_failed",
    "plaid.upload_succeeded",
]

#: The normalized payload type of each organization-level event name.
EVENT_PAYLOADS: dict[str, type] = {
    "MIDDESK_VERIFIED": MiddeskVerified,
    "book.analytics_completed": BookAnalyticsCompleted,
    "book.analytics_v2.generated": BookAnalyticsV2Generated,
    "book.classified": BookClassified,
    "book.completed": BookCompleted,
    "book.detect.signal_found": BookDetectSignalFound,
    "book.detect.signal_not_found": BookDetectSignalNotFound,
    "book.income.generated": BookIncomeGenerated,
    "book.income.updated": BookIncomeUpdated,
    "book.verified": BookVerified,
    "document.classification_failed": DocumentClassificationFailed,
    "document.classification_succeeded": DocumentClassificationSucceeded,
    "document.detect.signal_found": DocumentDetectSignalFound,
    "document.detect.signal_not_found": DocumentDetectSignalNotFound,
    "document.detect.unable_to_process": DocumentDetectUnableToProcess,
    "document.upload_failed": DocumentUploadFailed,
    "document.upload_succeeded": DocumentUploadSucceeded,
    "document.verification_failed": DocumentVerificationFailed,
    "document.verification_succeeded": DocumentVerificationSucceeded,
    "image_group.upload_failed": ImageGroupUploadFailed,
    "image_group.upload_succeeded": ImageGroupUploadSucceeded,
    "image_group.verification_failed": ImageGroupVerificationFailed,
    "image_group.verification_succeeded": ImageGroupVerificationSucceeded,
    "mixed_document.rejected": MixedDocumentRejected,
    "network.book.created": NetworkBookCreated,
    "network.book.funded": NetworkBookFunded,
    "plaid.upload_failed": PlaidUploadFailed,
    "plaid.upload_succeeded": PlaidUploadSucceeded,
}

#: Any normalized event payload.
HookguardEvent = Union[
    MiddeskVerified,
    BookAnalyticsCompleted,
    BookAnalyticsV2Generated,
    BookClassified,
    BookCompleted,
    BookDetectSignalFound,
    BookDetectSignalNotFound,
    BookIncomeGenerated,
    BookIncomeUpdated,
    BookVerified,
    DocumentClassificationFailed,
    DocumentClassificationSucceeded,
    DocumentDetectSignalFound,
    DocumentDetectSignalNotFound,
    DocumentDetectUnableToProcess,
    DocumentUploadFailed,
    DocumentUploadSucceeded,
    DocumentVerificationFailed,
    DocumentVerificationSucceeded,
    ImageGroupUploadFailed,
    ImageGroupUploadSucceeded,
    ImageGroupVerificationFailed,
    ImageGroupVerificationSucceeded,
    MixedDocumentRejected,
    NetworkBookCreated,
    NetworkBookFunded,
    PlaidUploadFailed,
    PlaidUploadSucceeded,
]
