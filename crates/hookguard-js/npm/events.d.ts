// Generated from schemas/ by crates/hookguard-js/npm/scripts/generate-types.mjs
// (`scripts/just js-types`). Do not edit: change the Rust event types and regenerate.

/**
 * Results are available for a POST Business API call (Middesk integration). Ocrolus documents no payload.
 */
export interface MiddeskVerified {
  /**
   * Name of the Book.
   */
  book_name?: string;
  /**
   * Primary key of the Book.
   */
  book_pk?: number;
  /**
   * Unique identifier of the Book.
   */
  book_uuid?: string;
  /**
   * Name of the event.
   */
  event_name: 'MIDDESK_VERIFIED';
  /**
   * Human-readable reason for the notification.
   */
  notification_reason?: string;
  /**
   * Whether the notification reports progress or a problem.
   */
  notification_type?: 'STATUS' | 'ISSUE';
  /**
   * How urgent the notification is.
   */
  severity?: 'LOW' | 'MODERATE' | 'HIGH';
  /**
   * Status reported with the event (no value set is documented).
   */
  status?: string;
  /**
   * Processing tasks of the Book (seen on `book.completed`; item shape undocumented).
   */
  tasks?: unknown[];
  /**
   * Uploaded documents and their status (seen on `book.completed`).
   *
   * Items: An uploaded document of a verified Book.
   */
  uploaded_docs?: {
    /**
     * Status of the document (`COMPLETED` and `VERIFICATION_COMPLETE` are both seen).
     */
    status:
      | 'QUEUED'
      | 'PROCESSING'
      | 'FAILED'
      | 'GROOMING'
      | 'VERIFYING'
      | 'VERIFICATION_COMPLETE'
      | 'REJECTED'
      | 'DELETED'
      | 'CLASSIFIED'
      | 'COMPLETED';
    /**
     * Unique identifier of the uploaded document.
     */
    uuid: string;
  }[];
}

/**
 * An asynchronous analytics request was fulfilled and its results are available (Legacy Analytics offering).
 */
export interface BookAnalyticsCompleted {
  /**
   * Identifier of the asynchronous analytics request that completed.
   */
  analytics_request_id: string;
  /**
   * Primary key of the Book.
   */
  book_pk: number;
  /**
   * Unique identifier of the Book.
   */
  book_uuid: string;
  /**
   * The legacy event name, repeated in both catalogs' payloads.
   */
  event: 'ANALYTICS_COMPLETED';
  /**
   * Name of the event.
   */
  event_name: 'book.analytics_completed';
  /**
   * Human-readable reason for the notification (organization-level only).
   */
  notification_reason?: string;
  /**
   * Whether the notification reports progress or a problem (organization-level only).
   */
  notification_type?: 'STATUS' | 'ISSUE';
  /**
   * How urgent the notification is (organization-level deliveries only).
   */
  severity?: 'LOW' | 'MODERATE' | 'HIGH';
  /**
   * Always `COMPLETED`.
   */
  status: 'COMPLETED';
}

/**
 * The analytics data for a Book was generated using the v2 analytics engine.
 */
export interface BookAnalyticsV2Generated {
  /**
   * Unique identifier of the Book.
   */
  book_uuid: string;
  /**
   * Name of the event.
   */
  event_name: 'book.analytics_v2.generated';
  /**
   * Human-readable reason for the notification, e.g. "Book is verified" or "File is corrupt".
   */
  notification_reason: string;
  /**
   * Whether the notification reports progress (`STATUS`) or a problem (`ISSUE`).
   */
  notification_type: 'STATUS' | 'ISSUE';
  /**
   * How urgent the notification is.
   */
  severity: 'LOW' | 'MODERATE' | 'HIGH';
}

/**
 * A Book has been classified or categorized.
 */
export interface BookClassified {
  /**
   * Unique identifier of the Book.
   */
  book_uuid: string;
  /**
   * Name of the event.
   */
  event_name: 'book.classified';
  /**
   * The mixed documents of the Book and their classification status.
   *
   * Items: A mixed (multi-form) uploaded document and its classification status.
   */
  mixed_uploaded_docs: {
    /**
     * Unique identifier of the mixed uploaded document.
     */
    mixed_uploaded_doc_uuid: string;
    /**
     * Classification status of the document.
     */
    status:
      | 'QUEUED'
      | 'PROCESSING'
      | 'FAILED'
      | 'GROOMING'
      | 'VERIFYING'
      | 'VERIFICATION_COMPLETE'
      | 'REJECTED'
      | 'DELETED'
      | 'CLASSIFIED'
      | 'COMPLETED';
  }[];
  /**
   * Human-readable reason for the notification, e.g. "Book is verified" or "File is corrupt".
   */
  notification_reason: string;
  /**
   * Whether the notification reports progress (`STATUS`) or a problem (`ISSUE`).
   */
  notification_type: 'STATUS' | 'ISSUE';
  /**
   * How urgent the notification is.
   */
  severity: 'LOW' | 'MODERATE' | 'HIGH';
}

/**
 * A Book completed processing. Listed only in Ocrolus' OpenAPI enum; no payload is documented.
 */
export interface BookCompleted {
  /**
   * Name of the Book.
   */
  book_name?: string;
  /**
   * Primary key of the Book.
   */
  book_pk?: number;
  /**
   * Unique identifier of the Book.
   */
  book_uuid?: string;
  /**
   * Name of the event.
   */
  event_name: 'book.completed';
  /**
   * Human-readable reason for the notification.
   */
  notification_reason?: string;
  /**
   * Whether the notification reports progress or a problem.
   */
  notification_type?: 'STATUS' | 'ISSUE';
  /**
   * How urgent the notification is.
   */
  severity?: 'LOW' | 'MODERATE' | 'HIGH';
  /**
   * Status reported with the event (no value set is documented).
   */
  status?: string;
  /**
   * Processing tasks of the Book (seen on `book.completed`; item shape undocumented).
   */
  tasks?: unknown[];
  /**
   * Uploaded documents and their status (seen on `book.completed`).
   *
   * Items: An uploaded document of a verified Book.
   */
  uploaded_docs?: {
    /**
     * Status of the document (`COMPLETED` and `VERIFICATION_COMPLETE` are both seen).
     */
    status:
      | 'QUEUED'
      | 'PROCESSING'
      | 'FAILED'
      | 'GROOMING'
      | 'VERIFYING'
      | 'VERIFICATION_COMPLETE'
      | 'REJECTED'
      | 'DELETED'
      | 'CLASSIFIED'
      | 'COMPLETED';
    /**
     * Unique identifier of the uploaded document.
     */
    uuid: string;
  }[];
}

/**
 * The Book contains at least one document with signals of suspicious activity.
 */
export interface BookDetectSignalFound {
  /**
   * Unique identifier of the Book.
   */
  book_uuid: string;
  /**
   * Name of the event.
   */
  event_name: 'book.detect.signal_found';
  /**
   * Human-readable reason for the notification, e.g. "Book is verified" or "File is corrupt".
   */
  notification_reason: string;
  /**
   * Whether the notification reports progress (`STATUS`) or a problem (`ISSUE`).
   */
  notification_type: 'STATUS' | 'ISSUE';
  /**
   * How urgent the notification is.
   */
  severity: 'LOW' | 'MODERATE' | 'HIGH';
  /**
   * Detect's result for each uploaded document of the Book.
   *
   * Items: Detect's result for one uploaded document.
   */
  uploaded_docs: {
    /**
     * Why Detect could not run, when it could not (e.g. no forms found in the document).
     */
    reason?: string;
    /**
     * Number of suspicious-activity signals Detect found in the document.
     */
    signal_count: number;
    /**
     * Status of Detect's run on the document.
     */
    uploaded_doc_detect_status:
      'PENDING' | 'COMPLETED' | 'UNABLE_TO_PROCESS' | 'UNSUPPORTED' | 'DELETED';
    /**
     * Unique identifier of the uploaded document.
     */
    uploaded_doc_uuid: string;
  }[];
}

/**
 * The Book contains no document with signals of suspicious activity.
 */
export interface BookDetectSignalNotFound {
  /**
   * Unique identifier of the Book.
   */
  book_uuid: string;
  /**
   * Name of the event.
   */
  event_name: 'book.detect.signal_not_found';
  /**
   * Human-readable reason for the notification, e.g. "Book is verified" or "File is corrupt".
   */
  notification_reason: string;
  /**
   * Whether the notification reports progress (`STATUS`) or a problem (`ISSUE`).
   */
  notification_type: 'STATUS' | 'ISSUE';
  /**
   * How urgent the notification is.
   */
  severity: 'LOW' | 'MODERATE' | 'HIGH';
  /**
   * Detect's result for each uploaded document of the Book.
   *
   * Items: Detect's result for one uploaded document.
   */
  uploaded_docs: {
    /**
     * Why Detect could not run, when it could not (e.g. no forms found in the document).
     */
    reason?: string;
    /**
     * Number of suspicious-activity signals Detect found in the document.
     */
    signal_count: number;
    /**
     * Status of Detect's run on the document.
     */
    uploaded_doc_detect_status:
      'PENDING' | 'COMPLETED' | 'UNABLE_TO_PROCESS' | 'UNSUPPORTED' | 'DELETED';
    /**
     * Unique identifier of the uploaded document.
     */
    uploaded_doc_uuid: string;
  }[];
}

/**
 * Income data was generated for a Book. Listed only in Ocrolus' OpenAPI enum; no payload is documented.
 */
export interface BookIncomeGenerated {
  /**
   * Name of the Book.
   */
  book_name?: string;
  /**
   * Primary key of the Book.
   */
  book_pk?: number;
  /**
   * Unique identifier of the Book.
   */
  book_uuid?: string;
  /**
   * Name of the event.
   */
  event_name: 'book.income.generated';
  /**
   * Human-readable reason for the notification.
   */
  notification_reason?: string;
  /**
   * Whether the notification reports progress or a problem.
   */
  notification_type?: 'STATUS' | 'ISSUE';
  /**
   * How urgent the notification is.
   */
  severity?: 'LOW' | 'MODERATE' | 'HIGH';
  /**
   * Status reported with the event (no value set is documented).
   */
  status?: string;
  /**
   * Processing tasks of the Book (seen on `book.completed`; item shape undocumented).
   */
  tasks?: unknown[];
  /**
   * Uploaded documents and their status (seen on `book.completed`).
   *
   * Items: An uploaded document of a verified Book.
   */
  uploaded_docs?: {
    /**
     * Status of the document (`COMPLETED` and `VERIFICATION_COMPLETE` are both seen).
     */
    status:
      | 'QUEUED'
      | 'PROCESSING'
      | 'FAILED'
      | 'GROOMING'
      | 'VERIFYING'
      | 'VERIFICATION_COMPLETE'
      | 'REJECTED'
      | 'DELETED'
      | 'CLASSIFIED'
      | 'COMPLETED';
    /**
     * Unique identifier of the uploaded document.
     */
    uuid: string;
  }[];
}

/**
 * Income data of a Book was updated. Listed only in Ocrolus' OpenAPI enum; no payload is documented.
 */
export interface BookIncomeUpdated {
  /**
   * Name of the Book.
   */
  book_name?: string;
  /**
   * Primary key of the Book.
   */
  book_pk?: number;
  /**
   * Unique identifier of the Book.
   */
  book_uuid?: string;
  /**
   * Name of the event.
   */
  event_name: 'book.income.updated';
  /**
   * Human-readable reason for the notification.
   */
  notification_reason?: string;
  /**
   * Whether the notification reports progress or a problem.
   */
  notification_type?: 'STATUS' | 'ISSUE';
  /**
   * How urgent the notification is.
   */
  severity?: 'LOW' | 'MODERATE' | 'HIGH';
  /**
   * Status reported with the event (no value set is documented).
   */
  status?: string;
  /**
   * Processing tasks of the Book (seen on `book.completed`; item shape undocumented).
   */
  tasks?: unknown[];
  /**
   * Uploaded documents and their status (seen on `book.completed`).
   *
   * Items: An uploaded document of a verified Book.
   */
  uploaded_docs?: {
    /**
     * Status of the document (`COMPLETED` and `VERIFICATION_COMPLETE` are both seen).
     */
    status:
      | 'QUEUED'
      | 'PROCESSING'
      | 'FAILED'
      | 'GROOMING'
      | 'VERIFYING'
      | 'VERIFICATION_COMPLETE'
      | 'REJECTED'
      | 'DELETED'
      | 'CLASSIFIED'
      | 'COMPLETED';
    /**
     * Unique identifier of the uploaded document.
     */
    uuid: string;
  }[];
}

/**
 * All documents within a Book have been verified or rejected (Book status BOOK_COMPLETE).
 */
export interface BookVerified {
  /**
   * Primary key of the Book.
   */
  book_pk: number;
  /**
   * Unique identifier of the Book.
   */
  book_uuid: string;
  /**
   * Name of the event.
   */
  event_name: 'book.verified';
  /**
   * Human-readable reason for the notification.
   */
  notification_reason?: string;
  /**
   * Whether the notification reports progress (`STATUS`) or a problem (`ISSUE`).
   */
  notification_type?: 'STATUS' | 'ISSUE';
  /**
   * How urgent the notification is.
   */
  severity?: 'LOW' | 'MODERATE' | 'HIGH';
  /**
   * Status of the Book: `COMPLETE` (organization-level) or `BOOK_COMPLETE` (account-level).
   */
  status: 'COMPLETE' | 'BOOK_COMPLETE';
  /**
   * The uploaded documents of the Book and their status.
   *
   * Items: An uploaded document of a verified Book.
   */
  uploaded_docs?: {
    /**
     * Status of the document (`COMPLETED` and `VERIFICATION_COMPLETE` are both seen).
     */
    status:
      | 'QUEUED'
      | 'PROCESSING'
      | 'FAILED'
      | 'GROOMING'
      | 'VERIFYING'
      | 'VERIFICATION_COMPLETE'
      | 'REJECTED'
      | 'DELETED'
      | 'CLASSIFIED'
      | 'COMPLETED';
    /**
     * Unique identifier of the uploaded document.
     */
    uuid: string;
  }[];
}

/**
 * The classification of a document failed.
 */
export interface DocumentClassificationFailed {
  /**
   * Unique identifier of the Book.
   */
  book_uuid: string;
  /**
   * Name of the event.
   */
  event_name: 'document.classification_failed';
  /**
   * Unique identifier of the mixed (multi-form) uploaded document that was classified.
   */
  mixed_uploaded_doc_uuid: string;
  /**
   * Human-readable reason for the notification, e.g. "Book is verified" or "File is corrupt".
   */
  notification_reason: string;
  /**
   * Whether the notification reports progress (`STATUS`) or a problem (`ISSUE`).
   */
  notification_type: 'STATUS' | 'ISSUE';
  /**
   * How urgent the notification is.
   */
  severity: 'LOW' | 'MODERATE' | 'HIGH';
  /**
   * Unique identifier of the image group the document belongs to.
   */
  uploaded_image_group_uuid: string;
}

/**
 * The classification of a document succeeded.
 */
export interface DocumentClassificationSucceeded {
  /**
   * Unique identifier of the Book.
   */
  book_uuid: string;
  /**
   * Name of the event.
   */
  event_name: 'document.classification_succeeded';
  /**
   * Unique identifier of the mixed (multi-form) uploaded document that was classified.
   */
  mixed_uploaded_doc_uuid: string;
  /**
   * Human-readable reason for the notification, e.g. "Book is verified" or "File is corrupt".
   */
  notification_reason: string;
  /**
   * Whether the notification reports progress (`STATUS`) or a problem (`ISSUE`).
   */
  notification_type: 'STATUS' | 'ISSUE';
  /**
   * How urgent the notification is.
   */
  severity: 'LOW' | 'MODERATE' | 'HIGH';
  /**
   * Unique identifier of the image group the document belongs to.
   */
  uploaded_image_group_uuid: string;
}

/**
 * An uploaded document contains signals of suspicious activity.
 */
export type DocumentDetectSignalFound = (
  | {
      uploaded_doc_uuid: unknown;
    }
  | {
      doc_uuid: unknown;
    }
) & {
  /**
   * Name of the Book.
   */
  book_name: string;
  /**
   * Primary key of the Book.
   */
  book_pk: number;
  /**
   * Unique identifier of the Book.
   */
  book_uuid: string;
  /**
   * Same value as `uploaded_doc_uuid`, kept by Ocrolus for backward compatibility
   * (organization-level deliveries only).
   */
  doc_uuid?: string;
  /**
   * Name of the event.
   */
  event_name: 'document.detect.signal_found';
  /**
   * Whether the document is cloud compliant.
   */
  is_cloud_compliant: boolean;
  /**
   * Primary key of the mixed uploaded document the document came from, if any.
   */
  mixed_uploaded_doc_pk: number | null;
  /**
   * Unique identifier of the mixed uploaded document the document came from, if any.
   */
  mixed_uploaded_doc_uuid: string | null;
  /**
   * Human-readable reason for the notification, e.g. "Book is verified" or "File is corrupt".
   */
  notification_reason: string;
  /**
   * Whether the notification reports progress (`STATUS`) or a problem (`ISSUE`).
   */
  notification_type: 'STATUS' | 'ISSUE';
  /**
   * How urgent the notification is.
   */
  severity: 'LOW' | 'MODERATE' | 'HIGH';
  /**
   * Processing status of the document.
   */
  status:
    | 'QUEUED'
    | 'PROCESSING'
    | 'FAILED'
    | 'GROOMING'
    | 'VERIFYING'
    | 'VERIFICATION_COMPLETE'
    | 'REJECTED'
    | 'DELETED'
    | 'CLASSIFIED'
    | 'COMPLETED';
  /**
   * File name of the uploaded document.
   */
  uploaded_doc_name: string;
  /**
   * Primary key of the uploaded document.
   */
  uploaded_doc_pk: number;
  /**
   * Unique identifier of the uploaded document.
   */
  uploaded_doc_uuid?: string;
  /**
   * Primary key of the image group the document came from, if any.
   */
  uploaded_image_group_pk: number | null;
  /**
   * Unique identifier of the image group the document came from, if any.
   */
  uploaded_image_group_uuid: string | null;
};

/**
 * An uploaded document does not contain signals of suspicious activity.
 */
export type DocumentDetectSignalNotFound = (
  | {
      uploaded_doc_uuid: unknown;
    }
  | {
      doc_uuid: unknown;
    }
) & {
  /**
   * Name of the Book.
   */
  book_name: string;
  /**
   * Primary key of the Book.
   */
  book_pk: number;
  /**
   * Unique identifier of the Book.
   */
  book_uuid: string;
  /**
   * Same value as `uploaded_doc_uuid`, kept by Ocrolus for backward compatibility
   * (organization-level deliveries only).
   */
  doc_uuid?: string;
  /**
   * Name of the event.
   */
  event_name: 'document.detect.signal_not_found';
  /**
   * Whether the document is cloud compliant.
   */
  is_cloud_compliant: boolean;
  /**
   * Primary key of the mixed uploaded document the document came from, if any.
   */
  mixed_uploaded_doc_pk: number | null;
  /**
   * Unique identifier of the mixed uploaded document the document came from, if any.
   */
  mixed_uploaded_doc_uuid: string | null;
  /**
   * Human-readable reason for the notification, e.g. "Book is verified" or "File is corrupt".
   */
  notification_reason: string;
  /**
   * Whether the notification reports progress (`STATUS`) or a problem (`ISSUE`).
   */
  notification_type: 'STATUS' | 'ISSUE';
  /**
   * How urgent the notification is.
   */
  severity: 'LOW' | 'MODERATE' | 'HIGH';
  /**
   * Processing status of the document.
   */
  status:
    | 'QUEUED'
    | 'PROCESSING'
    | 'FAILED'
    | 'GROOMING'
    | 'VERIFYING'
    | 'VERIFICATION_COMPLETE'
    | 'REJECTED'
    | 'DELETED'
    | 'CLASSIFIED'
    | 'COMPLETED';
  /**
   * File name of the uploaded document.
   */
  uploaded_doc_name: string;
  /**
   * Primary key of the uploaded document.
   */
  uploaded_doc_pk: number;
  /**
   * Unique identifier of the uploaded document.
   */
  uploaded_doc_uuid?: string;
  /**
   * Primary key of the image group the document came from, if any.
   */
  uploaded_image_group_pk: number | null;
  /**
   * Unique identifier of the image group the document came from, if any.
   */
  uploaded_image_group_uuid: string | null;
};

/**
 * An uploaded document could not be processed through Detect; the reason is in notification_reason.
 */
export type DocumentDetectUnableToProcess = (
  | {
      uploaded_doc_uuid: unknown;
    }
  | {
      doc_uuid: unknown;
    }
) & {
  /**
   * Name of the Book.
   */
  book_name: string;
  /**
   * Primary key of the Book.
   */
  book_pk: number;
  /**
   * Unique identifier of the Book.
   */
  book_uuid: string;
  /**
   * Same value as `uploaded_doc_uuid`, kept by Ocrolus for backward compatibility
   * (organization-level deliveries only).
   */
  doc_uuid?: string;
  /**
   * Name of the event.
   */
  event_name: 'document.detect.unable_to_process';
  /**
   * Whether the document is cloud compliant.
   */
  is_cloud_compliant: boolean;
  /**
   * Primary key of the mixed uploaded document the document came from, if any.
   */
  mixed_uploaded_doc_pk: number | null;
  /**
   * Unique identifier of the mixed uploaded document the document came from, if any.
   */
  mixed_uploaded_doc_uuid: string | null;
  /**
   * Human-readable reason for the notification, e.g. "Book is verified" or "File is corrupt".
   */
  notification_reason: string;
  /**
   * Whether the notification reports progress (`STATUS`) or a problem (`ISSUE`).
   */
  notification_type: 'STATUS' | 'ISSUE';
  /**
   * How urgent the notification is.
   */
  severity: 'LOW' | 'MODERATE' | 'HIGH';
  /**
   * Processing status of the document.
   */
  status:
    | 'QUEUED'
    | 'PROCESSING'
    | 'FAILED'
    | 'GROOMING'
    | 'VERIFYING'
    | 'VERIFICATION_COMPLETE'
    | 'REJECTED'
    | 'DELETED'
    | 'CLASSIFIED'
    | 'COMPLETED';
  /**
   * File name of the uploaded document.
   */
  uploaded_doc_name: string;
  /**
   * Primary key of the uploaded document.
   */
  uploaded_doc_pk: number;
  /**
   * Unique identifier of the uploaded document.
   */
  uploaded_doc_uuid?: string;
  /**
   * Primary key of the image group the document came from, if any.
   */
  uploaded_image_group_pk: number | null;
  /**
   * Unique identifier of the image group the document came from, if any.
   */
  uploaded_image_group_uuid: string | null;
};

/**
 * The upload of a document failed.
 */
export interface DocumentUploadFailed {
  /**
   * Unique identifier of the Book.
   */
  book_uuid: string;
  /**
   * Name of the event.
   */
  event_name: 'document.upload_failed';
  /**
   * Name of the file that failed to upload.
   */
  file_name: string;
  /**
   * Human-readable reason for the notification, e.g. "Book is verified" or "File is corrupt".
   */
  notification_reason: string;
  /**
   * Whether the notification reports progress (`STATUS`) or a problem (`ISSUE`).
   */
  notification_type: 'STATUS' | 'ISSUE';
  /**
   * How urgent the notification is.
   */
  severity: 'LOW' | 'MODERATE' | 'HIGH';
}

/**
 * The upload of a document succeeded.
 */
export interface DocumentUploadSucceeded {
  /**
   * Unique identifier of the Book.
   */
  book_uuid: string;
  /**
   * Unique identifier of the uploaded document.
   */
  doc_uuid: string;
  /**
   * Name of the event.
   */
  event_name: 'document.upload_succeeded';
  /**
   * Human-readable reason for the notification, e.g. "Book is verified" or "File is corrupt".
   */
  notification_reason: string;
  /**
   * Whether the notification reports progress (`STATUS`) or a problem (`ISSUE`).
   */
  notification_type: 'STATUS' | 'ISSUE';
  /**
   * How urgent the notification is.
   */
  severity: 'LOW' | 'MODERATE' | 'HIGH';
}

/**
 * The verification of a single document within a Book failed (document status REJECTED).
 */
export type DocumentVerificationFailed = (
  | {
      uploaded_doc_uuid: unknown;
    }
  | {
      doc_uuid: unknown;
    }
) & {
  /**
   * Primary key of the Book.
   */
  book_pk: number;
  /**
   * Unique identifier of the Book.
   */
  book_uuid: string;
  /**
   * Same value as `uploaded_doc_uuid`, kept by Ocrolus for backward compatibility.
   */
  doc_uuid?: string;
  /**
   * Name of the event.
   */
  event_name: 'document.verification_failed';
  /**
   * Primary key of the mixed uploaded document the document came from, if any.
   */
  mixed_uploaded_doc_pk: number | null;
  /**
   * Unique identifier of the mixed uploaded document the document came from, if any.
   */
  mixed_uploaded_doc_uuid: string | null;
  /**
   * Human-readable reason, e.g. "Document verified" or "File is corrupt".
   */
  notification_reason?: string;
  /**
   * Whether the notification reports progress or a problem (organization-level only).
   */
  notification_type?: 'STATUS' | 'ISSUE';
  /**
   * How urgent the notification is (organization-level deliveries only).
   */
  severity?: 'LOW' | 'MODERATE' | 'HIGH';
  /**
   * Outcome of the verification.
   */
  status: 'REJECTED';
  /**
   * Primary key of the uploaded document.
   */
  uploaded_doc_pk: number;
  /**
   * Unique identifier of the uploaded document.
   */
  uploaded_doc_uuid?: string;
  /**
   * Primary key of the image group the document came from, if any.
   */
  uploaded_image_group_pk: number | null;
  /**
   * Unique identifier of the image group the document came from, if any.
   */
  uploaded_image_group_uuid: string | null;
};

/**
 * The verification of a single document within a Book succeeded (document status VERIFICATION_COMPLETE).
 */
export type DocumentVerificationSucceeded = (
  | {
      uploaded_doc_uuid: unknown;
    }
  | {
      doc_uuid: unknown;
    }
) & {
  /**
   * Primary key of the Book.
   */
  book_pk: number;
  /**
   * Unique identifier of the Book.
   */
  book_uuid: string;
  /**
   * Same value as `uploaded_doc_uuid`, kept by Ocrolus for backward compatibility.
   */
  doc_uuid?: string;
  /**
   * Name of the event.
   */
  event_name: 'document.verification_succeeded';
  /**
   * Primary key of the mixed uploaded document the document came from, if any.
   */
  mixed_uploaded_doc_pk: number | null;
  /**
   * Unique identifier of the mixed uploaded document the document came from, if any.
   */
  mixed_uploaded_doc_uuid: string | null;
  /**
   * Human-readable reason, e.g. "Document verified" or "File is corrupt".
   */
  notification_reason?: string;
  /**
   * Whether the notification reports progress or a problem (organization-level only).
   */
  notification_type?: 'STATUS' | 'ISSUE';
  /**
   * How urgent the notification is (organization-level deliveries only).
   */
  severity?: 'LOW' | 'MODERATE' | 'HIGH';
  /**
   * Outcome of the verification.
   */
  status: 'VERIFICATION_COMPLETE';
  /**
   * Primary key of the uploaded document.
   */
  uploaded_doc_pk: number;
  /**
   * Unique identifier of the uploaded document.
   */
  uploaded_doc_uuid?: string;
  /**
   * Primary key of the image group the document came from, if any.
   */
  uploaded_image_group_pk: number | null;
  /**
   * Unique identifier of the image group the document came from, if any.
   */
  uploaded_image_group_uuid: string | null;
};

/**
 * The upload of an image group failed.
 */
export interface ImageGroupUploadFailed {
  /**
   * Unique identifier of the Book.
   */
  book_uuid: string;
  /**
   * Name of the event.
   */
  event_name: 'image_group.upload_failed';
  /**
   * Unique identifier of the image group.
   */
  image_group_uuid: string;
  /**
   * Human-readable reason for the notification, e.g. "Book is verified" or "File is corrupt".
   */
  notification_reason: string;
  /**
   * Whether the notification reports progress (`STATUS`) or a problem (`ISSUE`).
   */
  notification_type: 'STATUS' | 'ISSUE';
  /**
   * How urgent the notification is.
   */
  severity: 'LOW' | 'MODERATE' | 'HIGH';
}

/**
 * The upload of an image group succeeded.
 */
export interface ImageGroupUploadSucceeded {
  /**
   * Unique identifier of the Book.
   */
  book_uuid: string;
  /**
   * Name of the event.
   */
  event_name: 'image_group.upload_succeeded';
  /**
   * Unique identifier of the image group.
   */
  image_group_uuid: string;
  /**
   * Human-readable reason for the notification, e.g. "Book is verified" or "File is corrupt".
   */
  notification_reason: string;
  /**
   * Whether the notification reports progress (`STATUS`) or a problem (`ISSUE`).
   */
  notification_type: 'STATUS' | 'ISSUE';
  /**
   * How urgent the notification is.
   */
  severity: 'LOW' | 'MODERATE' | 'HIGH';
}

/**
 * The verification of an image group failed.
 */
export type ImageGroupVerificationFailed = (
  | {
      uploaded_image_group_uuid: unknown;
    }
  | {
      image_group_uuid: unknown;
    }
) & {
  /**
   * Primary key of the Book.
   */
  book_pk: number;
  /**
   * Unique identifier of the Book.
   */
  book_uuid: string;
  /**
   * Name of the event.
   */
  event_name: 'image_group.verification_failed';
  /**
   * Same value as `uploaded_image_group_uuid`, kept by Ocrolus for backward compatibility.
   */
  image_group_uuid?: string;
  /**
   * Human-readable reason, e.g. "Image Group verified" or "File is corrupt".
   */
  notification_reason?: string;
  /**
   * Whether the notification reports progress or a problem (organization-level only).
   */
  notification_type?: 'STATUS' | 'ISSUE';
  /**
   * How urgent the notification is (organization-level deliveries only).
   */
  severity?: 'LOW' | 'MODERATE' | 'HIGH';
  /**
   * Outcome of the verification.
   */
  status: 'REJECTED';
  /**
   * Primary key of the image group.
   */
  uploaded_image_group_pk: number;
  /**
   * Unique identifier of the image group.
   */
  uploaded_image_group_uuid?: string;
};

/**
 * The verification of an image group succeeded.
 */
export type ImageGroupVerificationSucceeded = (
  | {
      uploaded_image_group_uuid: unknown;
    }
  | {
      image_group_uuid: unknown;
    }
) & {
  /**
   * Primary key of the Book.
   */
  book_pk: number;
  /**
   * Unique identifier of the Book.
   */
  book_uuid: string;
  /**
   * Name of the event.
   */
  event_name: 'image_group.verification_succeeded';
  /**
   * Same value as `uploaded_image_group_uuid`, kept by Ocrolus for backward compatibility.
   */
  image_group_uuid?: string;
  /**
   * Human-readable reason, e.g. "Image Group verified" or "File is corrupt".
   */
  notification_reason?: string;
  /**
   * Whether the notification reports progress or a problem (organization-level only).
   */
  notification_type?: 'STATUS' | 'ISSUE';
  /**
   * How urgent the notification is (organization-level deliveries only).
   */
  severity?: 'LOW' | 'MODERATE' | 'HIGH';
  /**
   * Outcome of the verification.
   */
  status: 'VERIFICATION_COMPLETED' | 'COMPLETED';
  /**
   * Primary key of the image group.
   */
  uploaded_image_group_pk: number;
  /**
   * Unique identifier of the image group.
   */
  uploaded_image_group_uuid?: string;
};

/**
 * A mixed document was rejected. Listed only in Ocrolus' OpenAPI enum; no payload is documented.
 */
export interface MixedDocumentRejected {
  /**
   * Name of the Book.
   */
  book_name?: string;
  /**
   * Primary key of the Book.
   */
  book_pk?: number;
  /**
   * Unique identifier of the Book.
   */
  book_uuid?: string;
  /**
   * Name of the event.
   */
  event_name: 'mixed_document.rejected';
  /**
   * Human-readable reason for the notification.
   */
  notification_reason?: string;
  /**
   * Whether the notification reports progress or a problem.
   */
  notification_type?: 'STATUS' | 'ISSUE';
  /**
   * How urgent the notification is.
   */
  severity?: 'LOW' | 'MODERATE' | 'HIGH';
  /**
   * Status reported with the event (no value set is documented).
   */
  status?: string;
  /**
   * Processing tasks of the Book (seen on `book.completed`; item shape undocumented).
   */
  tasks?: unknown[];
  /**
   * Uploaded documents and their status (seen on `book.completed`).
   *
   * Items: An uploaded document of a verified Book.
   */
  uploaded_docs?: {
    /**
     * Status of the document (`COMPLETED` and `VERIFICATION_COMPLETE` are both seen).
     */
    status:
      | 'QUEUED'
      | 'PROCESSING'
      | 'FAILED'
      | 'GROOMING'
      | 'VERIFYING'
      | 'VERIFICATION_COMPLETE'
      | 'REJECTED'
      | 'DELETED'
      | 'CLASSIFIED'
      | 'COMPLETED';
    /**
     * Unique identifier of the uploaded document.
     */
    uuid: string;
  }[];
}

/**
 * (BETA) Another Network customer submitted an application for a borrower you are monitoring (SMB only).
 */
export interface NetworkBookCreated {
  /**
   * Unique identifier of the Book.
   */
  book_uuid: string;
  /**
   * Name of the event.
   */
  event_name: 'network.book.created';
  /**
   * Human-readable reason for the notification, e.g. "Book is verified" or "File is corrupt".
   */
  notification_reason: string;
  /**
   * Whether the notification reports progress (`STATUS`) or a problem (`ISSUE`).
   */
  notification_type: 'STATUS' | 'ISSUE';
  /**
   * How urgent the notification is.
   */
  severity: 'LOW' | 'MODERATE' | 'HIGH';
}

/**
 * (BETA) Another Network customer funded a borrower you are reviewing or monitoring (SMB only).
 */
export interface NetworkBookFunded {
  /**
   * Unique identifier of the Book.
   */
  book_uuid: string;
  /**
   * Name of the event.
   */
  event_name: 'network.book.funded';
  /**
   * Human-readable reason for the notification, e.g. "Book is verified" or "File is corrupt".
   */
  notification_reason: string;
  /**
   * Whether the notification reports progress (`STATUS`) or a problem (`ISSUE`).
   */
  notification_type: 'STATUS' | 'ISSUE';
  /**
   * How urgent the notification is.
   */
  severity: 'LOW' | 'MODERATE' | 'HIGH';
}

/**
 * The upload of Plaid data failed.
 */
export interface PlaidUploadFailed {
  /**
   * Unique identifier of the Book.
   */
  book_uuid: string;
  /**
   * Name of the event.
   */
  event_name: 'plaid.upload_failed';
  /**
   * Name of the file that failed to upload.
   */
  file_name: string;
  /**
   * Human-readable reason for the notification, e.g. "Book is verified" or "File is corrupt".
   */
  notification_reason: string;
  /**
   * Whether the notification reports progress (`STATUS`) or a problem (`ISSUE`).
   */
  notification_type: 'STATUS' | 'ISSUE';
  /**
   * How urgent the notification is.
   */
  severity: 'LOW' | 'MODERATE' | 'HIGH';
}

/**
 * The upload of Plaid data succeeded.
 */
export interface PlaidUploadSucceeded {
  /**
   * Unique identifier of the Book.
   */
  book_uuid: string;
  /**
   * Unique identifier of the uploaded document.
   */
  doc_uuid: string;
  /**
   * Name of the event.
   */
  event_name: 'plaid.upload_succeeded';
  /**
   * Human-readable reason for the notification, e.g. "Book is verified" or "File is corrupt".
   */
  notification_reason: string;
  /**
   * Whether the notification reports progress (`STATUS`) or a problem (`ISSUE`).
   */
  notification_type: 'STATUS' | 'ISSUE';
  /**
   * How urgent the notification is.
   */
  severity: 'LOW' | 'MODERATE' | 'HIGH';
}

/**
 * The fixed body Ocrolus sends when an account-level webhook is tested: it has no
 * `event_name`, so it is recognised by its exact values.
 */
export interface TestDelivery {
  /**
   * Always `0`.
   */
  book_pk: 0;
  /**
   * Always `VERIFICATION_COMPLETE`.
   */
  status: 'VERIFICATION_COMPLETE';
  /**
   * Always `0`.
   */
  uploaded_doc_pk: 0;
}

/** Organization-level (canonical) event names: what a valid result's `eventName` holds. */
export type EventName =
  | 'MIDDESK_VERIFIED'
  | 'book.analytics_completed'
  | 'book.analytics_v2.generated'
  | 'book.classified'
  | 'book.completed'
  | 'book.detect.signal_found'
  | 'book.detect.signal_not_found'
  | 'book.income.generated'
  | 'book.income.updated'
  | 'book.verified'
  | 'document.classification_failed'
  | 'document.classification_succeeded'
  | 'document.detect.signal_found'
  | 'document.detect.signal_not_found'
  | 'document.detect.unable_to_process'
  | 'document.upload_failed'
  | 'document.upload_succeeded'
  | 'document.verification_failed'
  | 'document.verification_succeeded'
  | 'image_group.upload_failed'
  | 'image_group.upload_succeeded'
  | 'image_group.verification_failed'
  | 'image_group.verification_succeeded'
  | 'mixed_document.rejected'
  | 'network.book.created'
  | 'network.book.funded'
  | 'plaid.upload_failed'
  | 'plaid.upload_succeeded';

/** The normalized payload type of each organization-level event name. */
export interface EventPayloads {
  'MIDDESK_VERIFIED': MiddeskVerified;
  'book.analytics_completed': BookAnalyticsCompleted;
  'book.analytics_v2.generated': BookAnalyticsV2Generated;
  'book.classified': BookClassified;
  'book.completed': BookCompleted;
  'book.detect.signal_found': BookDetectSignalFound;
  'book.detect.signal_not_found': BookDetectSignalNotFound;
  'book.income.generated': BookIncomeGenerated;
  'book.income.updated': BookIncomeUpdated;
  'book.verified': BookVerified;
  'document.classification_failed': DocumentClassificationFailed;
  'document.classification_succeeded': DocumentClassificationSucceeded;
  'document.detect.signal_found': DocumentDetectSignalFound;
  'document.detect.signal_not_found': DocumentDetectSignalNotFound;
  'document.detect.unable_to_process': DocumentDetectUnableToProcess;
  'document.upload_failed': DocumentUploadFailed;
  'document.upload_succeeded': DocumentUploadSucceeded;
  'document.verification_failed': DocumentVerificationFailed;
  'document.verification_succeeded': DocumentVerificationSucceeded;
  'image_group.upload_failed': ImageGroupUploadFailed;
  'image_group.upload_succeeded': ImageGroupUploadSucceeded;
  'image_group.verification_failed': ImageGroupVerificationFailed;
  'image_group.verification_succeeded': ImageGroupVerificationSucceeded;
  'mixed_document.rejected': MixedDocumentRejected;
  'network.book.created': NetworkBookCreated;
  'network.book.funded': NetworkBookFunded;
  'plaid.upload_failed': PlaidUploadFailed;
  'plaid.upload_succeeded': PlaidUploadSucceeded;
}

/** Any normalized event payload, discriminated by `event_name`. */
export type HookguardEvent = EventPayloads[EventName];
