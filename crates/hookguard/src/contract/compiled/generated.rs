//! The compiled catalog. Generated from the published schemas by `hookguard-schemagen`
//! (`just schemas`); do not edit by hand. A test fails when it drifts from `schemas/`.

use super::{Constant, Schema, Types};

/// Every event's compiled schema, by the name it is delivered under.
pub(super) static EVENT_SCHEMAS: &[(&str, &Schema)] = &[
    ("book.analytics_v2.generated", &EVENT_0),
    ("book.classified", &EVENT_1),
    ("book.detect.signal_found", &EVENT_2),
    ("book.detect.signal_not_found", &EVENT_3),
    ("book.verified", &EVENT_4),
    ("document.classification_failed", &EVENT_5),
    ("document.classification_succeeded", &EVENT_6),
    ("document.detect.signal_found", &EVENT_7),
    ("document.detect.signal_not_found", &EVENT_8),
    ("document.detect.unable_to_process", &EVENT_9),
    ("document.upload_failed", &EVENT_10),
    ("document.upload_succeeded", &EVENT_11),
    ("document.verification_failed", &EVENT_12),
    ("document.verification_succeeded", &EVENT_13),
    ("image_group.upload_failed", &EVENT_14),
    ("image_group.upload_succeeded", &EVENT_15),
    ("image_group.verification_failed", &EVENT_16),
    ("image_group.verification_succeeded", &EVENT_17),
    ("plaid.upload_failed", &EVENT_18),
    ("plaid.upload_succeeded", &EVENT_19),
    ("book.analytics_completed", &EVENT_20),
    ("network.book.created", &EVENT_21),
    ("network.book.funded", &EVENT_22),
    ("ANALYTICS_COMPLETED", &EVENT_23),
    ("BOOK_VERIFIED", &EVENT_24),
    ("DOC_VERIFIED", &EVENT_25),
    ("IMAGE_GROUP_VERIFIED", &EVENT_26),
    ("MIDDESK_VERIFIED", &EVENT_27),
    ("book.completed", &EVENT_28),
    ("book.income.generated", &EVENT_29),
    ("book.income.updated", &EVENT_30),
    ("mixed_document.rejected", &EVENT_31),
];

/// `book.analytics_v2.generated`
static EVENT_0: Schema = Schema {
    at: "",
    types: Types(Types::OBJECT),
    properties: &[
        ("book_uuid", &Schema {
            at: "/properties/book_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("event_name", &Schema {
            at: "/properties/event_name",
            constant: Some(Constant::Text("book.analytics_v2.generated")),
            ..Schema::ANY
        }),
        ("notification_reason", &Schema {
            at: "/properties/notification_reason",
            types: Types(Types::STRING),
            ..Schema::ANY
        }),
        ("notification_type", &Schema {
            at: "/properties/notification_type",
            types: Types(Types::STRING),
            one_of: Some(&["STATUS", "ISSUE"]),
            ..Schema::ANY
        }),
        ("severity", &Schema {
            at: "/properties/severity",
            types: Types(Types::STRING),
            one_of: Some(&["LOW", "MODERATE", "HIGH"]),
            ..Schema::ANY
        }),
    ],
    required: &["event_name", "book_uuid", "severity", "notification_type", "notification_reason"],
    required_mask: 0x1f,
    closed: true,
    ..Schema::ANY
};

/// `book.classified`
static EVENT_1: Schema = Schema {
    at: "",
    types: Types(Types::OBJECT),
    properties: &[
        ("book_uuid", &Schema {
            at: "/properties/book_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("event_name", &Schema {
            at: "/properties/event_name",
            constant: Some(Constant::Text("book.classified")),
            ..Schema::ANY
        }),
        ("mixed_uploaded_docs", &Schema {
            at: "/properties/mixed_uploaded_docs",
            types: Types(Types::ARRAY),
            items: Some(&Schema {
                at: "/properties/mixed_uploaded_docs/items",
                types: Types(Types::OBJECT),
                properties: &[
                    ("mixed_uploaded_doc_uuid", &Schema {
                        at: "/properties/mixed_uploaded_docs/items/properties/mixed_uploaded_doc_uuid",
                        types: Types(Types::STRING),
                        uuid: true,
                        ..Schema::ANY
                    }),
                    ("status", &Schema {
                        at: "/properties/mixed_uploaded_docs/items/properties/status",
                        types: Types(Types::STRING),
                        one_of: Some(&["QUEUED", "PROCESSING", "FAILED", "GROOMING", "VERIFYING", "VERIFICATION_COMPLETE", "REJECTED", "DELETED", "CLASSIFIED", "COMPLETED"]),
                        ..Schema::ANY
                    }),
                ],
                required: &["mixed_uploaded_doc_uuid", "status"],
                required_mask: 0x3,
                closed: true,
                ..Schema::ANY
            }),
            ..Schema::ANY
        }),
        ("notification_reason", &Schema {
            at: "/properties/notification_reason",
            types: Types(Types::STRING),
            ..Schema::ANY
        }),
        ("notification_type", &Schema {
            at: "/properties/notification_type",
            types: Types(Types::STRING),
            one_of: Some(&["STATUS", "ISSUE"]),
            ..Schema::ANY
        }),
        ("severity", &Schema {
            at: "/properties/severity",
            types: Types(Types::STRING),
            one_of: Some(&["LOW", "MODERATE", "HIGH"]),
            ..Schema::ANY
        }),
    ],
    required: &["event_name", "book_uuid", "mixed_uploaded_docs", "severity", "notification_type", "notification_reason"],
    required_mask: 0x3f,
    closed: true,
    ..Schema::ANY
};

/// `book.detect.signal_found`
static EVENT_2: Schema = Schema {
    at: "",
    types: Types(Types::OBJECT),
    properties: &[
        ("book_uuid", &Schema {
            at: "/properties/book_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("event_name", &Schema {
            at: "/properties/event_name",
            constant: Some(Constant::Text("book.detect.signal_found")),
            ..Schema::ANY
        }),
        ("notification_reason", &Schema {
            at: "/properties/notification_reason",
            types: Types(Types::STRING),
            ..Schema::ANY
        }),
        ("notification_type", &Schema {
            at: "/properties/notification_type",
            types: Types(Types::STRING),
            one_of: Some(&["STATUS", "ISSUE"]),
            ..Schema::ANY
        }),
        ("severity", &Schema {
            at: "/properties/severity",
            types: Types(Types::STRING),
            one_of: Some(&["LOW", "MODERATE", "HIGH"]),
            ..Schema::ANY
        }),
        ("uploaded_docs", &Schema {
            at: "/properties/uploaded_docs",
            types: Types(Types::ARRAY),
            items: Some(&Schema {
                at: "/properties/uploaded_docs/items",
                types: Types(Types::OBJECT),
                properties: &[
                    ("reason", &Schema {
                        at: "/properties/uploaded_docs/items/properties/reason",
                        types: Types(Types::STRING),
                        ..Schema::ANY
                    }),
                    ("signal_count", &Schema {
                        at: "/properties/uploaded_docs/items/properties/signal_count",
                        types: Types(Types::INTEGER),
                        minimum: Some(0),
                        ..Schema::ANY
                    }),
                    ("uploaded_doc_detect_status", &Schema {
                        at: "/properties/uploaded_docs/items/properties/uploaded_doc_detect_status",
                        types: Types(Types::STRING),
                        one_of: Some(&["PENDING", "COMPLETED", "UNABLE_TO_PROCESS", "UNSUPPORTED", "DELETED"]),
                        ..Schema::ANY
                    }),
                    ("uploaded_doc_uuid", &Schema {
                        at: "/properties/uploaded_docs/items/properties/uploaded_doc_uuid",
                        types: Types(Types::STRING),
                        uuid: true,
                        ..Schema::ANY
                    }),
                ],
                required: &["uploaded_doc_uuid", "uploaded_doc_detect_status", "signal_count"],
                required_mask: 0xe,
                closed: true,
                ..Schema::ANY
            }),
            ..Schema::ANY
        }),
    ],
    required: &["event_name", "book_uuid", "uploaded_docs", "severity", "notification_type", "notification_reason"],
    required_mask: 0x3f,
    closed: true,
    ..Schema::ANY
};

/// `book.detect.signal_not_found`
static EVENT_3: Schema = Schema {
    at: "",
    types: Types(Types::OBJECT),
    properties: &[
        ("book_uuid", &Schema {
            at: "/properties/book_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("event_name", &Schema {
            at: "/properties/event_name",
            constant: Some(Constant::Text("book.detect.signal_not_found")),
            ..Schema::ANY
        }),
        ("notification_reason", &Schema {
            at: "/properties/notification_reason",
            types: Types(Types::STRING),
            ..Schema::ANY
        }),
        ("notification_type", &Schema {
            at: "/properties/notification_type",
            types: Types(Types::STRING),
            one_of: Some(&["STATUS", "ISSUE"]),
            ..Schema::ANY
        }),
        ("severity", &Schema {
            at: "/properties/severity",
            types: Types(Types::STRING),
            one_of: Some(&["LOW", "MODERATE", "HIGH"]),
            ..Schema::ANY
        }),
        ("uploaded_docs", &Schema {
            at: "/properties/uploaded_docs",
            types: Types(Types::ARRAY),
            items: Some(&Schema {
                at: "/properties/uploaded_docs/items",
                types: Types(Types::OBJECT),
                properties: &[
                    ("reason", &Schema {
                        at: "/properties/uploaded_docs/items/properties/reason",
                        types: Types(Types::STRING),
                        ..Schema::ANY
                    }),
                    ("signal_count", &Schema {
                        at: "/properties/uploaded_docs/items/properties/signal_count",
                        types: Types(Types::INTEGER),
                        minimum: Some(0),
                        ..Schema::ANY
                    }),
                    ("uploaded_doc_detect_status", &Schema {
                        at: "/properties/uploaded_docs/items/properties/uploaded_doc_detect_status",
                        types: Types(Types::STRING),
                        one_of: Some(&["PENDING", "COMPLETED", "UNABLE_TO_PROCESS", "UNSUPPORTED", "DELETED"]),
                        ..Schema::ANY
                    }),
                    ("uploaded_doc_uuid", &Schema {
                        at: "/properties/uploaded_docs/items/properties/uploaded_doc_uuid",
                        types: Types(Types::STRING),
                        uuid: true,
                        ..Schema::ANY
                    }),
                ],
                required: &["uploaded_doc_uuid", "uploaded_doc_detect_status", "signal_count"],
                required_mask: 0xe,
                closed: true,
                ..Schema::ANY
            }),
            ..Schema::ANY
        }),
    ],
    required: &["event_name", "book_uuid", "uploaded_docs", "severity", "notification_type", "notification_reason"],
    required_mask: 0x3f,
    closed: true,
    ..Schema::ANY
};

/// `book.verified`
static EVENT_4: Schema = Schema {
    at: "",
    types: Types(Types::OBJECT),
    properties: &[
        ("book_pk", &Schema {
            at: "/properties/book_pk",
            types: Types(Types::INTEGER),
            minimum: Some(0),
            ..Schema::ANY
        }),
        ("book_uuid", &Schema {
            at: "/properties/book_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("event_name", &Schema {
            at: "/properties/event_name",
            constant: Some(Constant::Text("book.verified")),
            ..Schema::ANY
        }),
        ("notification_reason", &Schema {
            at: "/properties/notification_reason",
            types: Types(Types::STRING),
            ..Schema::ANY
        }),
        ("notification_type", &Schema {
            at: "/properties/notification_type",
            types: Types(Types::STRING),
            one_of: Some(&["STATUS", "ISSUE"]),
            ..Schema::ANY
        }),
        ("severity", &Schema {
            at: "/properties/severity",
            types: Types(Types::STRING),
            one_of: Some(&["LOW", "MODERATE", "HIGH"]),
            ..Schema::ANY
        }),
        ("status", &Schema {
            at: "/properties/status",
            types: Types(Types::STRING),
            one_of: Some(&["COMPLETE", "BOOK_COMPLETE"]),
            ..Schema::ANY
        }),
        ("uploaded_docs", &Schema {
            at: "/properties/uploaded_docs",
            types: Types(Types::ARRAY),
            items: Some(&Schema {
                at: "/properties/uploaded_docs/items",
                types: Types(Types::OBJECT),
                properties: &[
                    ("status", &Schema {
                        at: "/properties/uploaded_docs/items/properties/status",
                        types: Types(Types::STRING),
                        one_of: Some(&["QUEUED", "PROCESSING", "FAILED", "GROOMING", "VERIFYING", "VERIFICATION_COMPLETE", "REJECTED", "DELETED", "CLASSIFIED", "COMPLETED"]),
                        ..Schema::ANY
                    }),
                    ("uuid", &Schema {
                        at: "/properties/uploaded_docs/items/properties/uuid",
                        types: Types(Types::STRING),
                        uuid: true,
                        ..Schema::ANY
                    }),
                ],
                required: &["uuid", "status"],
                required_mask: 0x3,
                closed: true,
                ..Schema::ANY
            }),
            ..Schema::ANY
        }),
    ],
    required: &["event_name", "book_uuid", "book_pk", "status"],
    required_mask: 0x47,
    closed: true,
    ..Schema::ANY
};

/// `document.classification_failed`
static EVENT_5: Schema = Schema {
    at: "",
    types: Types(Types::OBJECT),
    properties: &[
        ("book_uuid", &Schema {
            at: "/properties/book_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("event_name", &Schema {
            at: "/properties/event_name",
            constant: Some(Constant::Text("document.classification_failed")),
            ..Schema::ANY
        }),
        ("mixed_uploaded_doc_uuid", &Schema {
            at: "/properties/mixed_uploaded_doc_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("notification_reason", &Schema {
            at: "/properties/notification_reason",
            types: Types(Types::STRING),
            ..Schema::ANY
        }),
        ("notification_type", &Schema {
            at: "/properties/notification_type",
            types: Types(Types::STRING),
            one_of: Some(&["STATUS", "ISSUE"]),
            ..Schema::ANY
        }),
        ("severity", &Schema {
            at: "/properties/severity",
            types: Types(Types::STRING),
            one_of: Some(&["LOW", "MODERATE", "HIGH"]),
            ..Schema::ANY
        }),
        ("uploaded_image_group_uuid", &Schema {
            at: "/properties/uploaded_image_group_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
    ],
    required: &["event_name", "book_uuid", "mixed_uploaded_doc_uuid", "uploaded_image_group_uuid", "severity", "notification_type", "notification_reason"],
    required_mask: 0x7f,
    closed: true,
    ..Schema::ANY
};

/// `document.classification_succeeded`
static EVENT_6: Schema = Schema {
    at: "",
    types: Types(Types::OBJECT),
    properties: &[
        ("book_uuid", &Schema {
            at: "/properties/book_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("event_name", &Schema {
            at: "/properties/event_name",
            constant: Some(Constant::Text("document.classification_succeeded")),
            ..Schema::ANY
        }),
        ("mixed_uploaded_doc_uuid", &Schema {
            at: "/properties/mixed_uploaded_doc_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("notification_reason", &Schema {
            at: "/properties/notification_reason",
            types: Types(Types::STRING),
            ..Schema::ANY
        }),
        ("notification_type", &Schema {
            at: "/properties/notification_type",
            types: Types(Types::STRING),
            one_of: Some(&["STATUS", "ISSUE"]),
            ..Schema::ANY
        }),
        ("severity", &Schema {
            at: "/properties/severity",
            types: Types(Types::STRING),
            one_of: Some(&["LOW", "MODERATE", "HIGH"]),
            ..Schema::ANY
        }),
        ("uploaded_image_group_uuid", &Schema {
            at: "/properties/uploaded_image_group_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
    ],
    required: &["event_name", "book_uuid", "mixed_uploaded_doc_uuid", "uploaded_image_group_uuid", "severity", "notification_type", "notification_reason"],
    required_mask: 0x7f,
    closed: true,
    ..Schema::ANY
};

/// `document.detect.signal_found`
static EVENT_7: Schema = Schema {
    at: "",
    types: Types(Types::OBJECT),
    properties: &[
        ("book_name", &Schema {
            at: "/properties/book_name",
            types: Types(Types::STRING),
            ..Schema::ANY
        }),
        ("book_pk", &Schema {
            at: "/properties/book_pk",
            types: Types(Types::INTEGER),
            minimum: Some(0),
            ..Schema::ANY
        }),
        ("book_uuid", &Schema {
            at: "/properties/book_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("doc_uuid", &Schema {
            at: "/properties/doc_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("event_name", &Schema {
            at: "/properties/event_name",
            constant: Some(Constant::Text("document.detect.signal_found")),
            ..Schema::ANY
        }),
        ("is_cloud_compliant", &Schema {
            at: "/properties/is_cloud_compliant",
            types: Types(Types::BOOLEAN),
            ..Schema::ANY
        }),
        ("mixed_uploaded_doc_pk", &Schema {
            at: "/properties/mixed_uploaded_doc_pk",
            types: Types(Types::INTEGER | Types::NULL),
            minimum: Some(0),
            ..Schema::ANY
        }),
        ("mixed_uploaded_doc_uuid", &Schema {
            at: "/properties/mixed_uploaded_doc_uuid",
            types: Types(Types::STRING | Types::NULL),
            uuid: true,
            ..Schema::ANY
        }),
        ("notification_reason", &Schema {
            at: "/properties/notification_reason",
            types: Types(Types::STRING),
            ..Schema::ANY
        }),
        ("notification_type", &Schema {
            at: "/properties/notification_type",
            types: Types(Types::STRING),
            one_of: Some(&["STATUS", "ISSUE"]),
            ..Schema::ANY
        }),
        ("severity", &Schema {
            at: "/properties/severity",
            types: Types(Types::STRING),
            one_of: Some(&["LOW", "MODERATE", "HIGH"]),
            ..Schema::ANY
        }),
        ("status", &Schema {
            at: "/properties/status",
            types: Types(Types::STRING),
            one_of: Some(&["QUEUED", "PROCESSING", "FAILED", "GROOMING", "VERIFYING", "VERIFICATION_COMPLETE", "REJECTED", "DELETED", "CLASSIFIED", "COMPLETED"]),
            ..Schema::ANY
        }),
        ("uploaded_doc_name", &Schema {
            at: "/properties/uploaded_doc_name",
            types: Types(Types::STRING),
            ..Schema::ANY
        }),
        ("uploaded_doc_pk", &Schema {
            at: "/properties/uploaded_doc_pk",
            types: Types(Types::INTEGER),
            minimum: Some(0),
            ..Schema::ANY
        }),
        ("uploaded_doc_uuid", &Schema {
            at: "/properties/uploaded_doc_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("uploaded_image_group_pk", &Schema {
            at: "/properties/uploaded_image_group_pk",
            types: Types(Types::INTEGER | Types::NULL),
            minimum: Some(0),
            ..Schema::ANY
        }),
        ("uploaded_image_group_uuid", &Schema {
            at: "/properties/uploaded_image_group_uuid",
            types: Types(Types::STRING | Types::NULL),
            uuid: true,
            ..Schema::ANY
        }),
    ],
    required: &["event_name", "book_uuid", "book_pk", "book_name", "uploaded_doc_pk", "uploaded_doc_name", "status", "is_cloud_compliant", "mixed_uploaded_doc_pk", "mixed_uploaded_doc_uuid", "uploaded_image_group_pk", "uploaded_image_group_uuid", "severity", "notification_type", "notification_reason"],
    required_mask: 0x1bff7,
    closed: true,
    either: Some(("uploaded_doc_uuid", "doc_uuid")),
    ..Schema::ANY
};

/// `document.detect.signal_not_found`
static EVENT_8: Schema = Schema {
    at: "",
    types: Types(Types::OBJECT),
    properties: &[
        ("book_name", &Schema {
            at: "/properties/book_name",
            types: Types(Types::STRING),
            ..Schema::ANY
        }),
        ("book_pk", &Schema {
            at: "/properties/book_pk",
            types: Types(Types::INTEGER),
            minimum: Some(0),
            ..Schema::ANY
        }),
        ("book_uuid", &Schema {
            at: "/properties/book_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("doc_uuid", &Schema {
            at: "/properties/doc_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("event_name", &Schema {
            at: "/properties/event_name",
            constant: Some(Constant::Text("document.detect.signal_not_found")),
            ..Schema::ANY
        }),
        ("is_cloud_compliant", &Schema {
            at: "/properties/is_cloud_compliant",
            types: Types(Types::BOOLEAN),
            ..Schema::ANY
        }),
        ("mixed_uploaded_doc_pk", &Schema {
            at: "/properties/mixed_uploaded_doc_pk",
            types: Types(Types::INTEGER | Types::NULL),
            minimum: Some(0),
            ..Schema::ANY
        }),
        ("mixed_uploaded_doc_uuid", &Schema {
            at: "/properties/mixed_uploaded_doc_uuid",
            types: Types(Types::STRING | Types::NULL),
            uuid: true,
            ..Schema::ANY
        }),
        ("notification_reason", &Schema {
            at: "/properties/notification_reason",
            types: Types(Types::STRING),
            ..Schema::ANY
        }),
        ("notification_type", &Schema {
            at: "/properties/notification_type",
            types: Types(Types::STRING),
            one_of: Some(&["STATUS", "ISSUE"]),
            ..Schema::ANY
        }),
        ("severity", &Schema {
            at: "/properties/severity",
            types: Types(Types::STRING),
            one_of: Some(&["LOW", "MODERATE", "HIGH"]),
            ..Schema::ANY
        }),
        ("status", &Schema {
            at: "/properties/status",
            types: Types(Types::STRING),
            one_of: Some(&["QUEUED", "PROCESSING", "FAILED", "GROOMING", "VERIFYING", "VERIFICATION_COMPLETE", "REJECTED", "DELETED", "CLASSIFIED", "COMPLETED"]),
            ..Schema::ANY
        }),
        ("uploaded_doc_name", &Schema {
            at: "/properties/uploaded_doc_name",
            types: Types(Types::STRING),
            ..Schema::ANY
        }),
        ("uploaded_doc_pk", &Schema {
            at: "/properties/uploaded_doc_pk",
            types: Types(Types::INTEGER),
            minimum: Some(0),
            ..Schema::ANY
        }),
        ("uploaded_doc_uuid", &Schema {
            at: "/properties/uploaded_doc_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("uploaded_image_group_pk", &Schema {
            at: "/properties/uploaded_image_group_pk",
            types: Types(Types::INTEGER | Types::NULL),
            minimum: Some(0),
            ..Schema::ANY
        }),
        ("uploaded_image_group_uuid", &Schema {
            at: "/properties/uploaded_image_group_uuid",
            types: Types(Types::STRING | Types::NULL),
            uuid: true,
            ..Schema::ANY
        }),
    ],
    required: &["event_name", "book_uuid", "book_pk", "book_name", "uploaded_doc_pk", "uploaded_doc_name", "status", "is_cloud_compliant", "mixed_uploaded_doc_pk", "mixed_uploaded_doc_uuid", "uploaded_image_group_pk", "uploaded_image_group_uuid", "severity", "notification_type", "notification_reason"],
    required_mask: 0x1bff7,
    closed: true,
    either: Some(("uploaded_doc_uuid", "doc_uuid")),
    ..Schema::ANY
};

/// `document.detect.unable_to_process`
static EVENT_9: Schema = Schema {
    at: "",
    types: Types(Types::OBJECT),
    properties: &[
        ("book_name", &Schema {
            at: "/properties/book_name",
            types: Types(Types::STRING),
            ..Schema::ANY
        }),
        ("book_pk", &Schema {
            at: "/properties/book_pk",
            types: Types(Types::INTEGER),
            minimum: Some(0),
            ..Schema::ANY
        }),
        ("book_uuid", &Schema {
            at: "/properties/book_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("doc_uuid", &Schema {
            at: "/properties/doc_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("event_name", &Schema {
            at: "/properties/event_name",
            constant: Some(Constant::Text("document.detect.unable_to_process")),
            ..Schema::ANY
        }),
        ("is_cloud_compliant", &Schema {
            at: "/properties/is_cloud_compliant",
            types: Types(Types::BOOLEAN),
            ..Schema::ANY
        }),
        ("mixed_uploaded_doc_pk", &Schema {
            at: "/properties/mixed_uploaded_doc_pk",
            types: Types(Types::INTEGER | Types::NULL),
            minimum: Some(0),
            ..Schema::ANY
        }),
        ("mixed_uploaded_doc_uuid", &Schema {
            at: "/properties/mixed_uploaded_doc_uuid",
            types: Types(Types::STRING | Types::NULL),
            uuid: true,
            ..Schema::ANY
        }),
        ("notification_reason", &Schema {
            at: "/properties/notification_reason",
            types: Types(Types::STRING),
            ..Schema::ANY
        }),
        ("notification_type", &Schema {
            at: "/properties/notification_type",
            types: Types(Types::STRING),
            one_of: Some(&["STATUS", "ISSUE"]),
            ..Schema::ANY
        }),
        ("severity", &Schema {
            at: "/properties/severity",
            types: Types(Types::STRING),
            one_of: Some(&["LOW", "MODERATE", "HIGH"]),
            ..Schema::ANY
        }),
        ("status", &Schema {
            at: "/properties/status",
            types: Types(Types::STRING),
            one_of: Some(&["QUEUED", "PROCESSING", "FAILED", "GROOMING", "VERIFYING", "VERIFICATION_COMPLETE", "REJECTED", "DELETED", "CLASSIFIED", "COMPLETED"]),
            ..Schema::ANY
        }),
        ("uploaded_doc_name", &Schema {
            at: "/properties/uploaded_doc_name",
            types: Types(Types::STRING),
            ..Schema::ANY
        }),
        ("uploaded_doc_pk", &Schema {
            at: "/properties/uploaded_doc_pk",
            types: Types(Types::INTEGER),
            minimum: Some(0),
            ..Schema::ANY
        }),
        ("uploaded_doc_uuid", &Schema {
            at: "/properties/uploaded_doc_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("uploaded_image_group_pk", &Schema {
            at: "/properties/uploaded_image_group_pk",
            types: Types(Types::INTEGER | Types::NULL),
            minimum: Some(0),
            ..Schema::ANY
        }),
        ("uploaded_image_group_uuid", &Schema {
            at: "/properties/uploaded_image_group_uuid",
            types: Types(Types::STRING | Types::NULL),
            uuid: true,
            ..Schema::ANY
        }),
    ],
    required: &["event_name", "book_uuid", "book_pk", "book_name", "uploaded_doc_pk", "uploaded_doc_name", "status", "is_cloud_compliant", "mixed_uploaded_doc_pk", "mixed_uploaded_doc_uuid", "uploaded_image_group_pk", "uploaded_image_group_uuid", "severity", "notification_type", "notification_reason"],
    required_mask: 0x1bff7,
    closed: true,
    either: Some(("uploaded_doc_uuid", "doc_uuid")),
    ..Schema::ANY
};

/// `document.upload_failed`
static EVENT_10: Schema = Schema {
    at: "",
    types: Types(Types::OBJECT),
    properties: &[
        ("book_uuid", &Schema {
            at: "/properties/book_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("event_name", &Schema {
            at: "/properties/event_name",
            constant: Some(Constant::Text("document.upload_failed")),
            ..Schema::ANY
        }),
        ("file_name", &Schema {
            at: "/properties/file_name",
            types: Types(Types::STRING),
            ..Schema::ANY
        }),
        ("notification_reason", &Schema {
            at: "/properties/notification_reason",
            types: Types(Types::STRING),
            ..Schema::ANY
        }),
        ("notification_type", &Schema {
            at: "/properties/notification_type",
            types: Types(Types::STRING),
            one_of: Some(&["STATUS", "ISSUE"]),
            ..Schema::ANY
        }),
        ("severity", &Schema {
            at: "/properties/severity",
            types: Types(Types::STRING),
            one_of: Some(&["LOW", "MODERATE", "HIGH"]),
            ..Schema::ANY
        }),
    ],
    required: &["event_name", "book_uuid", "file_name", "severity", "notification_type", "notification_reason"],
    required_mask: 0x3f,
    closed: true,
    ..Schema::ANY
};

/// `document.upload_succeeded`
static EVENT_11: Schema = Schema {
    at: "",
    types: Types(Types::OBJECT),
    properties: &[
        ("book_uuid", &Schema {
            at: "/properties/book_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("doc_uuid", &Schema {
            at: "/properties/doc_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("event_name", &Schema {
            at: "/properties/event_name",
            constant: Some(Constant::Text("document.upload_succeeded")),
            ..Schema::ANY
        }),
        ("notification_reason", &Schema {
            at: "/properties/notification_reason",
            types: Types(Types::STRING),
            ..Schema::ANY
        }),
        ("notification_type", &Schema {
            at: "/properties/notification_type",
            types: Types(Types::STRING),
            one_of: Some(&["STATUS", "ISSUE"]),
            ..Schema::ANY
        }),
        ("severity", &Schema {
            at: "/properties/severity",
            types: Types(Types::STRING),
            one_of: Some(&["LOW", "MODERATE", "HIGH"]),
            ..Schema::ANY
        }),
    ],
    required: &["event_name", "book_uuid", "doc_uuid", "severity", "notification_type", "notification_reason"],
    required_mask: 0x3f,
    closed: true,
    ..Schema::ANY
};

/// `document.verification_failed`
static EVENT_12: Schema = Schema {
    at: "",
    types: Types(Types::OBJECT),
    properties: &[
        ("book_pk", &Schema {
            at: "/properties/book_pk",
            types: Types(Types::INTEGER),
            minimum: Some(0),
            ..Schema::ANY
        }),
        ("book_uuid", &Schema {
            at: "/properties/book_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("doc_uuid", &Schema {
            at: "/properties/doc_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("event_name", &Schema {
            at: "/properties/event_name",
            constant: Some(Constant::Text("document.verification_failed")),
            ..Schema::ANY
        }),
        ("mixed_uploaded_doc_pk", &Schema {
            at: "/properties/mixed_uploaded_doc_pk",
            types: Types(Types::INTEGER | Types::NULL),
            minimum: Some(0),
            ..Schema::ANY
        }),
        ("mixed_uploaded_doc_uuid", &Schema {
            at: "/properties/mixed_uploaded_doc_uuid",
            types: Types(Types::STRING | Types::NULL),
            uuid: true,
            ..Schema::ANY
        }),
        ("notification_reason", &Schema {
            at: "/properties/notification_reason",
            types: Types(Types::STRING),
            ..Schema::ANY
        }),
        ("notification_type", &Schema {
            at: "/properties/notification_type",
            types: Types(Types::STRING),
            one_of: Some(&["STATUS", "ISSUE"]),
            ..Schema::ANY
        }),
        ("severity", &Schema {
            at: "/properties/severity",
            types: Types(Types::STRING),
            one_of: Some(&["LOW", "MODERATE", "HIGH"]),
            ..Schema::ANY
        }),
        ("status", &Schema {
            at: "/properties/status",
            types: Types(Types::STRING),
            one_of: Some(&["REJECTED"]),
            ..Schema::ANY
        }),
        ("uploaded_doc_pk", &Schema {
            at: "/properties/uploaded_doc_pk",
            types: Types(Types::INTEGER),
            minimum: Some(0),
            ..Schema::ANY
        }),
        ("uploaded_doc_uuid", &Schema {
            at: "/properties/uploaded_doc_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("uploaded_image_group_pk", &Schema {
            at: "/properties/uploaded_image_group_pk",
            types: Types(Types::INTEGER | Types::NULL),
            minimum: Some(0),
            ..Schema::ANY
        }),
        ("uploaded_image_group_uuid", &Schema {
            at: "/properties/uploaded_image_group_uuid",
            types: Types(Types::STRING | Types::NULL),
            uuid: true,
            ..Schema::ANY
        }),
    ],
    required: &["event_name", "book_uuid", "book_pk", "status", "uploaded_doc_pk", "mixed_uploaded_doc_pk", "mixed_uploaded_doc_uuid", "uploaded_image_group_pk", "uploaded_image_group_uuid"],
    required_mask: 0x363b,
    closed: true,
    either: Some(("uploaded_doc_uuid", "doc_uuid")),
    ..Schema::ANY
};

/// `document.verification_succeeded`
static EVENT_13: Schema = Schema {
    at: "",
    types: Types(Types::OBJECT),
    properties: &[
        ("book_pk", &Schema {
            at: "/properties/book_pk",
            types: Types(Types::INTEGER),
            minimum: Some(0),
            ..Schema::ANY
        }),
        ("book_uuid", &Schema {
            at: "/properties/book_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("doc_uuid", &Schema {
            at: "/properties/doc_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("event_name", &Schema {
            at: "/properties/event_name",
            constant: Some(Constant::Text("document.verification_succeeded")),
            ..Schema::ANY
        }),
        ("mixed_uploaded_doc_pk", &Schema {
            at: "/properties/mixed_uploaded_doc_pk",
            types: Types(Types::INTEGER | Types::NULL),
            minimum: Some(0),
            ..Schema::ANY
        }),
        ("mixed_uploaded_doc_uuid", &Schema {
            at: "/properties/mixed_uploaded_doc_uuid",
            types: Types(Types::STRING | Types::NULL),
            uuid: true,
            ..Schema::ANY
        }),
        ("notification_reason", &Schema {
            at: "/properties/notification_reason",
            types: Types(Types::STRING),
            ..Schema::ANY
        }),
        ("notification_type", &Schema {
            at: "/properties/notification_type",
            types: Types(Types::STRING),
            one_of: Some(&["STATUS", "ISSUE"]),
            ..Schema::ANY
        }),
        ("severity", &Schema {
            at: "/properties/severity",
            types: Types(Types::STRING),
            one_of: Some(&["LOW", "MODERATE", "HIGH"]),
            ..Schema::ANY
        }),
        ("status", &Schema {
            at: "/properties/status",
            types: Types(Types::STRING),
            one_of: Some(&["VERIFICATION_COMPLETE"]),
            ..Schema::ANY
        }),
        ("uploaded_doc_pk", &Schema {
            at: "/properties/uploaded_doc_pk",
            types: Types(Types::INTEGER),
            minimum: Some(0),
            ..Schema::ANY
        }),
        ("uploaded_doc_uuid", &Schema {
            at: "/properties/uploaded_doc_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("uploaded_image_group_pk", &Schema {
            at: "/properties/uploaded_image_group_pk",
            types: Types(Types::INTEGER | Types::NULL),
            minimum: Some(0),
            ..Schema::ANY
        }),
        ("uploaded_image_group_uuid", &Schema {
            at: "/properties/uploaded_image_group_uuid",
            types: Types(Types::STRING | Types::NULL),
            uuid: true,
            ..Schema::ANY
        }),
    ],
    required: &["event_name", "book_uuid", "book_pk", "status", "uploaded_doc_pk", "mixed_uploaded_doc_pk", "mixed_uploaded_doc_uuid", "uploaded_image_group_pk", "uploaded_image_group_uuid"],
    required_mask: 0x363b,
    closed: true,
    either: Some(("uploaded_doc_uuid", "doc_uuid")),
    ..Schema::ANY
};

/// `image_group.upload_failed`
static EVENT_14: Schema = Schema {
    at: "",
    types: Types(Types::OBJECT),
    properties: &[
        ("book_uuid", &Schema {
            at: "/properties/book_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("event_name", &Schema {
            at: "/properties/event_name",
            constant: Some(Constant::Text("image_group.upload_failed")),
            ..Schema::ANY
        }),
        ("image_group_uuid", &Schema {
            at: "/properties/image_group_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("notification_reason", &Schema {
            at: "/properties/notification_reason",
            types: Types(Types::STRING),
            ..Schema::ANY
        }),
        ("notification_type", &Schema {
            at: "/properties/notification_type",
            types: Types(Types::STRING),
            one_of: Some(&["STATUS", "ISSUE"]),
            ..Schema::ANY
        }),
        ("severity", &Schema {
            at: "/properties/severity",
            types: Types(Types::STRING),
            one_of: Some(&["LOW", "MODERATE", "HIGH"]),
            ..Schema::ANY
        }),
    ],
    required: &["event_name", "book_uuid", "image_group_uuid", "severity", "notification_type", "notification_reason"],
    required_mask: 0x3f,
    closed: true,
    ..Schema::ANY
};

/// `image_group.upload_succeeded`
static EVENT_15: Schema = Schema {
    at: "",
    types: Types(Types::OBJECT),
    properties: &[
        ("book_uuid", &Schema {
            at: "/properties/book_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("event_name", &Schema {
            at: "/properties/event_name",
            constant: Some(Constant::Text("image_group.upload_succeeded")),
            ..Schema::ANY
        }),
        ("image_group_uuid", &Schema {
            at: "/properties/image_group_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("notification_reason", &Schema {
            at: "/properties/notification_reason",
            types: Types(Types::STRING),
            ..Schema::ANY
        }),
        ("notification_type", &Schema {
            at: "/properties/notification_type",
            types: Types(Types::STRING),
            one_of: Some(&["STATUS", "ISSUE"]),
            ..Schema::ANY
        }),
        ("severity", &Schema {
            at: "/properties/severity",
            types: Types(Types::STRING),
            one_of: Some(&["LOW", "MODERATE", "HIGH"]),
            ..Schema::ANY
        }),
    ],
    required: &["event_name", "book_uuid", "image_group_uuid", "severity", "notification_type", "notification_reason"],
    required_mask: 0x3f,
    closed: true,
    ..Schema::ANY
};

/// `image_group.verification_failed`
static EVENT_16: Schema = Schema {
    at: "",
    types: Types(Types::OBJECT),
    properties: &[
        ("book_pk", &Schema {
            at: "/properties/book_pk",
            types: Types(Types::INTEGER),
            minimum: Some(0),
            ..Schema::ANY
        }),
        ("book_uuid", &Schema {
            at: "/properties/book_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("event_name", &Schema {
            at: "/properties/event_name",
            constant: Some(Constant::Text("image_group.verification_failed")),
            ..Schema::ANY
        }),
        ("image_group_uuid", &Schema {
            at: "/properties/image_group_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("notification_reason", &Schema {
            at: "/properties/notification_reason",
            types: Types(Types::STRING),
            ..Schema::ANY
        }),
        ("notification_type", &Schema {
            at: "/properties/notification_type",
            types: Types(Types::STRING),
            one_of: Some(&["STATUS", "ISSUE"]),
            ..Schema::ANY
        }),
        ("severity", &Schema {
            at: "/properties/severity",
            types: Types(Types::STRING),
            one_of: Some(&["LOW", "MODERATE", "HIGH"]),
            ..Schema::ANY
        }),
        ("status", &Schema {
            at: "/properties/status",
            types: Types(Types::STRING),
            one_of: Some(&["REJECTED"]),
            ..Schema::ANY
        }),
        ("uploaded_image_group_pk", &Schema {
            at: "/properties/uploaded_image_group_pk",
            types: Types(Types::INTEGER),
            minimum: Some(0),
            ..Schema::ANY
        }),
        ("uploaded_image_group_uuid", &Schema {
            at: "/properties/uploaded_image_group_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
    ],
    required: &["event_name", "book_uuid", "book_pk", "status", "uploaded_image_group_pk"],
    required_mask: 0x187,
    closed: true,
    either: Some(("uploaded_image_group_uuid", "image_group_uuid")),
    ..Schema::ANY
};

/// `image_group.verification_succeeded`
static EVENT_17: Schema = Schema {
    at: "",
    types: Types(Types::OBJECT),
    properties: &[
        ("book_pk", &Schema {
            at: "/properties/book_pk",
            types: Types(Types::INTEGER),
            minimum: Some(0),
            ..Schema::ANY
        }),
        ("book_uuid", &Schema {
            at: "/properties/book_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("event_name", &Schema {
            at: "/properties/event_name",
            constant: Some(Constant::Text("image_group.verification_succeeded")),
            ..Schema::ANY
        }),
        ("image_group_uuid", &Schema {
            at: "/properties/image_group_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("notification_reason", &Schema {
            at: "/properties/notification_reason",
            types: Types(Types::STRING),
            ..Schema::ANY
        }),
        ("notification_type", &Schema {
            at: "/properties/notification_type",
            types: Types(Types::STRING),
            one_of: Some(&["STATUS", "ISSUE"]),
            ..Schema::ANY
        }),
        ("severity", &Schema {
            at: "/properties/severity",
            types: Types(Types::STRING),
            one_of: Some(&["LOW", "MODERATE", "HIGH"]),
            ..Schema::ANY
        }),
        ("status", &Schema {
            at: "/properties/status",
            types: Types(Types::STRING),
            one_of: Some(&["VERIFICATION_COMPLETED", "COMPLETED"]),
            ..Schema::ANY
        }),
        ("uploaded_image_group_pk", &Schema {
            at: "/properties/uploaded_image_group_pk",
            types: Types(Types::INTEGER),
            minimum: Some(0),
            ..Schema::ANY
        }),
        ("uploaded_image_group_uuid", &Schema {
            at: "/properties/uploaded_image_group_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
    ],
    required: &["event_name", "book_uuid", "book_pk", "status", "uploaded_image_group_pk"],
    required_mask: 0x187,
    closed: true,
    either: Some(("uploaded_image_group_uuid", "image_group_uuid")),
    ..Schema::ANY
};

/// `plaid.upload_failed`
static EVENT_18: Schema = Schema {
    at: "",
    types: Types(Types::OBJECT),
    properties: &[
        ("book_uuid", &Schema {
            at: "/properties/book_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("event_name", &Schema {
            at: "/properties/event_name",
            constant: Some(Constant::Text("plaid.upload_failed")),
            ..Schema::ANY
        }),
        ("file_name", &Schema {
            at: "/properties/file_name",
            types: Types(Types::STRING),
            ..Schema::ANY
        }),
        ("notification_reason", &Schema {
            at: "/properties/notification_reason",
            types: Types(Types::STRING),
            ..Schema::ANY
        }),
        ("notification_type", &Schema {
            at: "/properties/notification_type",
            types: Types(Types::STRING),
            one_of: Some(&["STATUS", "ISSUE"]),
            ..Schema::ANY
        }),
        ("severity", &Schema {
            at: "/properties/severity",
            types: Types(Types::STRING),
            one_of: Some(&["LOW", "MODERATE", "HIGH"]),
            ..Schema::ANY
        }),
    ],
    required: &["event_name", "book_uuid", "file_name", "severity", "notification_type", "notification_reason"],
    required_mask: 0x3f,
    closed: true,
    ..Schema::ANY
};

/// `plaid.upload_succeeded`
static EVENT_19: Schema = Schema {
    at: "",
    types: Types(Types::OBJECT),
    properties: &[
        ("book_uuid", &Schema {
            at: "/properties/book_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("doc_uuid", &Schema {
            at: "/properties/doc_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("event_name", &Schema {
            at: "/properties/event_name",
            constant: Some(Constant::Text("plaid.upload_succeeded")),
            ..Schema::ANY
        }),
        ("notification_reason", &Schema {
            at: "/properties/notification_reason",
            types: Types(Types::STRING),
            ..Schema::ANY
        }),
        ("notification_type", &Schema {
            at: "/properties/notification_type",
            types: Types(Types::STRING),
            one_of: Some(&["STATUS", "ISSUE"]),
            ..Schema::ANY
        }),
        ("severity", &Schema {
            at: "/properties/severity",
            types: Types(Types::STRING),
            one_of: Some(&["LOW", "MODERATE", "HIGH"]),
            ..Schema::ANY
        }),
    ],
    required: &["event_name", "book_uuid", "doc_uuid", "severity", "notification_type", "notification_reason"],
    required_mask: 0x3f,
    closed: true,
    ..Schema::ANY
};

/// `book.analytics_completed`
static EVENT_20: Schema = Schema {
    at: "",
    types: Types(Types::OBJECT),
    properties: &[
        ("analytics_request_id", &Schema {
            at: "/properties/analytics_request_id",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("book_pk", &Schema {
            at: "/properties/book_pk",
            types: Types(Types::INTEGER),
            minimum: Some(0),
            ..Schema::ANY
        }),
        ("book_uuid", &Schema {
            at: "/properties/book_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("event", &Schema {
            at: "/properties/event",
            types: Types(Types::STRING),
            one_of: Some(&["ANALYTICS_COMPLETED"]),
            ..Schema::ANY
        }),
        ("event_name", &Schema {
            at: "/properties/event_name",
            constant: Some(Constant::Text("book.analytics_completed")),
            ..Schema::ANY
        }),
        ("notification_reason", &Schema {
            at: "/properties/notification_reason",
            types: Types(Types::STRING),
            ..Schema::ANY
        }),
        ("notification_type", &Schema {
            at: "/properties/notification_type",
            types: Types(Types::STRING),
            one_of: Some(&["STATUS", "ISSUE"]),
            ..Schema::ANY
        }),
        ("severity", &Schema {
            at: "/properties/severity",
            types: Types(Types::STRING),
            one_of: Some(&["LOW", "MODERATE", "HIGH"]),
            ..Schema::ANY
        }),
        ("status", &Schema {
            at: "/properties/status",
            types: Types(Types::STRING),
            one_of: Some(&["COMPLETED"]),
            ..Schema::ANY
        }),
    ],
    required: &["event_name", "book_uuid", "book_pk", "analytics_request_id", "status", "event"],
    required_mask: 0x11f,
    closed: true,
    ..Schema::ANY
};

/// `network.book.created`
static EVENT_21: Schema = Schema {
    at: "",
    types: Types(Types::OBJECT),
    properties: &[
        ("book_uuid", &Schema {
            at: "/properties/book_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("event_name", &Schema {
            at: "/properties/event_name",
            constant: Some(Constant::Text("network.book.created")),
            ..Schema::ANY
        }),
        ("notification_reason", &Schema {
            at: "/properties/notification_reason",
            types: Types(Types::STRING),
            ..Schema::ANY
        }),
        ("notification_type", &Schema {
            at: "/properties/notification_type",
            types: Types(Types::STRING),
            one_of: Some(&["STATUS", "ISSUE"]),
            ..Schema::ANY
        }),
        ("severity", &Schema {
            at: "/properties/severity",
            types: Types(Types::STRING),
            one_of: Some(&["LOW", "MODERATE", "HIGH"]),
            ..Schema::ANY
        }),
    ],
    required: &["event_name", "book_uuid", "severity", "notification_type", "notification_reason"],
    required_mask: 0x1f,
    closed: true,
    ..Schema::ANY
};

/// `network.book.funded`
static EVENT_22: Schema = Schema {
    at: "",
    types: Types(Types::OBJECT),
    properties: &[
        ("book_uuid", &Schema {
            at: "/properties/book_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("event_name", &Schema {
            at: "/properties/event_name",
            constant: Some(Constant::Text("network.book.funded")),
            ..Schema::ANY
        }),
        ("notification_reason", &Schema {
            at: "/properties/notification_reason",
            types: Types(Types::STRING),
            ..Schema::ANY
        }),
        ("notification_type", &Schema {
            at: "/properties/notification_type",
            types: Types(Types::STRING),
            one_of: Some(&["STATUS", "ISSUE"]),
            ..Schema::ANY
        }),
        ("severity", &Schema {
            at: "/properties/severity",
            types: Types(Types::STRING),
            one_of: Some(&["LOW", "MODERATE", "HIGH"]),
            ..Schema::ANY
        }),
    ],
    required: &["event_name", "book_uuid", "severity", "notification_type", "notification_reason"],
    required_mask: 0x1f,
    closed: true,
    ..Schema::ANY
};

/// `ANALYTICS_COMPLETED`
static EVENT_23: Schema = Schema {
    at: "",
    types: Types(Types::OBJECT),
    properties: &[
        ("analytics_request_id", &Schema {
            at: "/properties/analytics_request_id",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("book_pk", &Schema {
            at: "/properties/book_pk",
            types: Types(Types::INTEGER),
            minimum: Some(0),
            ..Schema::ANY
        }),
        ("book_uuid", &Schema {
            at: "/properties/book_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("event", &Schema {
            at: "/properties/event",
            types: Types(Types::STRING),
            one_of: Some(&["ANALYTICS_COMPLETED"]),
            ..Schema::ANY
        }),
        ("event_name", &Schema {
            at: "/properties/event_name",
            constant: Some(Constant::Text("ANALYTICS_COMPLETED")),
            ..Schema::ANY
        }),
        ("notification_reason", &Schema {
            at: "/properties/notification_reason",
            types: Types(Types::STRING),
            ..Schema::ANY
        }),
        ("notification_type", &Schema {
            at: "/properties/notification_type",
            types: Types(Types::STRING),
            one_of: Some(&["STATUS", "ISSUE"]),
            ..Schema::ANY
        }),
        ("severity", &Schema {
            at: "/properties/severity",
            types: Types(Types::STRING),
            one_of: Some(&["LOW", "MODERATE", "HIGH"]),
            ..Schema::ANY
        }),
        ("status", &Schema {
            at: "/properties/status",
            types: Types(Types::STRING),
            one_of: Some(&["COMPLETED"]),
            ..Schema::ANY
        }),
    ],
    required: &["event_name", "book_uuid", "book_pk", "analytics_request_id", "status", "event"],
    required_mask: 0x11f,
    closed: true,
    ..Schema::ANY
};

/// `BOOK_VERIFIED`
static EVENT_24: Schema = Schema {
    at: "",
    types: Types(Types::OBJECT),
    properties: &[
        ("book_pk", &Schema {
            at: "/properties/book_pk",
            types: Types(Types::INTEGER),
            minimum: Some(0),
            ..Schema::ANY
        }),
        ("book_uuid", &Schema {
            at: "/properties/book_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("event_name", &Schema {
            at: "/properties/event_name",
            constant: Some(Constant::Text("BOOK_VERIFIED")),
            ..Schema::ANY
        }),
        ("status", &Schema {
            at: "/properties/status",
            types: Types(Types::STRING),
            one_of: Some(&["BOOK_COMPLETE"]),
            ..Schema::ANY
        }),
    ],
    required: &["event_name", "book_uuid", "book_pk", "status"],
    required_mask: 0xf,
    closed: true,
    ..Schema::ANY
};

/// `DOC_VERIFIED`
static EVENT_25: Schema = Schema {
    at: "",
    types: Types(Types::OBJECT),
    properties: &[
        ("book_pk", &Schema {
            at: "/properties/book_pk",
            types: Types(Types::INTEGER),
            minimum: Some(0),
            ..Schema::ANY
        }),
        ("book_uuid", &Schema {
            at: "/properties/book_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("doc_uuid", &Schema {
            at: "/properties/doc_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("event_name", &Schema {
            at: "/properties/event_name",
            constant: Some(Constant::Text("DOC_VERIFIED")),
            ..Schema::ANY
        }),
        ("mixed_uploaded_doc_pk", &Schema {
            at: "/properties/mixed_uploaded_doc_pk",
            types: Types(Types::INTEGER | Types::NULL),
            minimum: Some(0),
            ..Schema::ANY
        }),
        ("mixed_uploaded_doc_uuid", &Schema {
            at: "/properties/mixed_uploaded_doc_uuid",
            types: Types(Types::STRING | Types::NULL),
            uuid: true,
            ..Schema::ANY
        }),
        ("notification_reason", &Schema {
            at: "/properties/notification_reason",
            types: Types(Types::STRING),
            ..Schema::ANY
        }),
        ("notification_type", &Schema {
            at: "/properties/notification_type",
            types: Types(Types::STRING),
            one_of: Some(&["STATUS", "ISSUE"]),
            ..Schema::ANY
        }),
        ("severity", &Schema {
            at: "/properties/severity",
            types: Types(Types::STRING),
            one_of: Some(&["LOW", "MODERATE", "HIGH"]),
            ..Schema::ANY
        }),
        ("status", &Schema {
            at: "/properties/status",
            types: Types(Types::STRING),
            one_of: Some(&["VERIFICATION_COMPLETE", "REJECTED"]),
            ..Schema::ANY
        }),
        ("uploaded_doc_pk", &Schema {
            at: "/properties/uploaded_doc_pk",
            types: Types(Types::INTEGER),
            minimum: Some(0),
            ..Schema::ANY
        }),
        ("uploaded_doc_uuid", &Schema {
            at: "/properties/uploaded_doc_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("uploaded_image_group_pk", &Schema {
            at: "/properties/uploaded_image_group_pk",
            types: Types(Types::INTEGER | Types::NULL),
            minimum: Some(0),
            ..Schema::ANY
        }),
        ("uploaded_image_group_uuid", &Schema {
            at: "/properties/uploaded_image_group_uuid",
            types: Types(Types::STRING | Types::NULL),
            uuid: true,
            ..Schema::ANY
        }),
    ],
    required: &["event_name", "book_uuid", "book_pk", "status", "uploaded_doc_pk", "mixed_uploaded_doc_pk", "mixed_uploaded_doc_uuid", "uploaded_image_group_pk", "uploaded_image_group_uuid"],
    required_mask: 0x363b,
    closed: true,
    either: Some(("uploaded_doc_uuid", "doc_uuid")),
    ..Schema::ANY
};

/// `IMAGE_GROUP_VERIFIED`
static EVENT_26: Schema = Schema {
    at: "",
    types: Types(Types::OBJECT),
    properties: &[
        ("book_pk", &Schema {
            at: "/properties/book_pk",
            types: Types(Types::INTEGER),
            minimum: Some(0),
            ..Schema::ANY
        }),
        ("book_uuid", &Schema {
            at: "/properties/book_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("event_name", &Schema {
            at: "/properties/event_name",
            constant: Some(Constant::Text("IMAGE_GROUP_VERIFIED")),
            ..Schema::ANY
        }),
        ("image_group_uuid", &Schema {
            at: "/properties/image_group_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("notification_reason", &Schema {
            at: "/properties/notification_reason",
            types: Types(Types::STRING),
            ..Schema::ANY
        }),
        ("notification_type", &Schema {
            at: "/properties/notification_type",
            types: Types(Types::STRING),
            one_of: Some(&["STATUS", "ISSUE"]),
            ..Schema::ANY
        }),
        ("severity", &Schema {
            at: "/properties/severity",
            types: Types(Types::STRING),
            one_of: Some(&["LOW", "MODERATE", "HIGH"]),
            ..Schema::ANY
        }),
        ("status", &Schema {
            at: "/properties/status",
            types: Types(Types::STRING),
            one_of: Some(&["COMPLETED", "REJECTED"]),
            ..Schema::ANY
        }),
        ("uploaded_image_group_pk", &Schema {
            at: "/properties/uploaded_image_group_pk",
            types: Types(Types::INTEGER),
            minimum: Some(0),
            ..Schema::ANY
        }),
        ("uploaded_image_group_uuid", &Schema {
            at: "/properties/uploaded_image_group_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
    ],
    required: &["event_name", "book_uuid", "book_pk", "status", "uploaded_image_group_pk"],
    required_mask: 0x187,
    closed: true,
    either: Some(("uploaded_image_group_uuid", "image_group_uuid")),
    ..Schema::ANY
};

/// `MIDDESK_VERIFIED`
static EVENT_27: Schema = Schema {
    at: "",
    types: Types(Types::OBJECT),
    properties: &[
        ("book_name", &Schema {
            at: "/properties/book_name",
            types: Types(Types::STRING),
            ..Schema::ANY
        }),
        ("book_pk", &Schema {
            at: "/properties/book_pk",
            types: Types(Types::INTEGER),
            minimum: Some(0),
            ..Schema::ANY
        }),
        ("book_uuid", &Schema {
            at: "/properties/book_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("event_name", &Schema {
            at: "/properties/event_name",
            constant: Some(Constant::Text("MIDDESK_VERIFIED")),
            ..Schema::ANY
        }),
        ("notification_reason", &Schema {
            at: "/properties/notification_reason",
            types: Types(Types::STRING),
            ..Schema::ANY
        }),
        ("notification_type", &Schema {
            at: "/properties/notification_type",
            types: Types(Types::STRING),
            one_of: Some(&["STATUS", "ISSUE"]),
            ..Schema::ANY
        }),
        ("severity", &Schema {
            at: "/properties/severity",
            types: Types(Types::STRING),
            one_of: Some(&["LOW", "MODERATE", "HIGH"]),
            ..Schema::ANY
        }),
        ("status", &Schema {
            at: "/properties/status",
            types: Types(Types::STRING),
            ..Schema::ANY
        }),
        ("tasks", &Schema {
            at: "/properties/tasks",
            types: Types(Types::ARRAY),
            items: Some(&Schema::ANY),
            ..Schema::ANY
        }),
        ("uploaded_docs", &Schema {
            at: "/properties/uploaded_docs",
            types: Types(Types::ARRAY),
            items: Some(&Schema {
                at: "/properties/uploaded_docs/items",
                types: Types(Types::OBJECT),
                properties: &[
                    ("status", &Schema {
                        at: "/properties/uploaded_docs/items/properties/status",
                        types: Types(Types::STRING),
                        one_of: Some(&["QUEUED", "PROCESSING", "FAILED", "GROOMING", "VERIFYING", "VERIFICATION_COMPLETE", "REJECTED", "DELETED", "CLASSIFIED", "COMPLETED"]),
                        ..Schema::ANY
                    }),
                    ("uuid", &Schema {
                        at: "/properties/uploaded_docs/items/properties/uuid",
                        types: Types(Types::STRING),
                        uuid: true,
                        ..Schema::ANY
                    }),
                ],
                required: &["uuid", "status"],
                required_mask: 0x3,
                closed: true,
                ..Schema::ANY
            }),
            ..Schema::ANY
        }),
    ],
    required: &["event_name"],
    required_mask: 0x8,
    closed: true,
    ..Schema::ANY
};

/// `book.completed`
static EVENT_28: Schema = Schema {
    at: "",
    types: Types(Types::OBJECT),
    properties: &[
        ("book_name", &Schema {
            at: "/properties/book_name",
            types: Types(Types::STRING),
            ..Schema::ANY
        }),
        ("book_pk", &Schema {
            at: "/properties/book_pk",
            types: Types(Types::INTEGER),
            minimum: Some(0),
            ..Schema::ANY
        }),
        ("book_uuid", &Schema {
            at: "/properties/book_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("event_name", &Schema {
            at: "/properties/event_name",
            constant: Some(Constant::Text("book.completed")),
            ..Schema::ANY
        }),
        ("notification_reason", &Schema {
            at: "/properties/notification_reason",
            types: Types(Types::STRING),
            ..Schema::ANY
        }),
        ("notification_type", &Schema {
            at: "/properties/notification_type",
            types: Types(Types::STRING),
            one_of: Some(&["STATUS", "ISSUE"]),
            ..Schema::ANY
        }),
        ("severity", &Schema {
            at: "/properties/severity",
            types: Types(Types::STRING),
            one_of: Some(&["LOW", "MODERATE", "HIGH"]),
            ..Schema::ANY
        }),
        ("status", &Schema {
            at: "/properties/status",
            types: Types(Types::STRING),
            ..Schema::ANY
        }),
        ("tasks", &Schema {
            at: "/properties/tasks",
            types: Types(Types::ARRAY),
            items: Some(&Schema::ANY),
            ..Schema::ANY
        }),
        ("uploaded_docs", &Schema {
            at: "/properties/uploaded_docs",
            types: Types(Types::ARRAY),
            items: Some(&Schema {
                at: "/properties/uploaded_docs/items",
                types: Types(Types::OBJECT),
                properties: &[
                    ("status", &Schema {
                        at: "/properties/uploaded_docs/items/properties/status",
                        types: Types(Types::STRING),
                        one_of: Some(&["QUEUED", "PROCESSING", "FAILED", "GROOMING", "VERIFYING", "VERIFICATION_COMPLETE", "REJECTED", "DELETED", "CLASSIFIED", "COMPLETED"]),
                        ..Schema::ANY
                    }),
                    ("uuid", &Schema {
                        at: "/properties/uploaded_docs/items/properties/uuid",
                        types: Types(Types::STRING),
                        uuid: true,
                        ..Schema::ANY
                    }),
                ],
                required: &["uuid", "status"],
                required_mask: 0x3,
                closed: true,
                ..Schema::ANY
            }),
            ..Schema::ANY
        }),
    ],
    required: &["event_name"],
    required_mask: 0x8,
    closed: true,
    ..Schema::ANY
};

/// `book.income.generated`
static EVENT_29: Schema = Schema {
    at: "",
    types: Types(Types::OBJECT),
    properties: &[
        ("book_name", &Schema {
            at: "/properties/book_name",
            types: Types(Types::STRING),
            ..Schema::ANY
        }),
        ("book_pk", &Schema {
            at: "/properties/book_pk",
            types: Types(Types::INTEGER),
            minimum: Some(0),
            ..Schema::ANY
        }),
        ("book_uuid", &Schema {
            at: "/properties/book_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("event_name", &Schema {
            at: "/properties/event_name",
            constant: Some(Constant::Text("book.income.generated")),
            ..Schema::ANY
        }),
        ("notification_reason", &Schema {
            at: "/properties/notification_reason",
            types: Types(Types::STRING),
            ..Schema::ANY
        }),
        ("notification_type", &Schema {
            at: "/properties/notification_type",
            types: Types(Types::STRING),
            one_of: Some(&["STATUS", "ISSUE"]),
            ..Schema::ANY
        }),
        ("severity", &Schema {
            at: "/properties/severity",
            types: Types(Types::STRING),
            one_of: Some(&["LOW", "MODERATE", "HIGH"]),
            ..Schema::ANY
        }),
        ("status", &Schema {
            at: "/properties/status",
            types: Types(Types::STRING),
            ..Schema::ANY
        }),
        ("tasks", &Schema {
            at: "/properties/tasks",
            types: Types(Types::ARRAY),
            items: Some(&Schema::ANY),
            ..Schema::ANY
        }),
        ("uploaded_docs", &Schema {
            at: "/properties/uploaded_docs",
            types: Types(Types::ARRAY),
            items: Some(&Schema {
                at: "/properties/uploaded_docs/items",
                types: Types(Types::OBJECT),
                properties: &[
                    ("status", &Schema {
                        at: "/properties/uploaded_docs/items/properties/status",
                        types: Types(Types::STRING),
                        one_of: Some(&["QUEUED", "PROCESSING", "FAILED", "GROOMING", "VERIFYING", "VERIFICATION_COMPLETE", "REJECTED", "DELETED", "CLASSIFIED", "COMPLETED"]),
                        ..Schema::ANY
                    }),
                    ("uuid", &Schema {
                        at: "/properties/uploaded_docs/items/properties/uuid",
                        types: Types(Types::STRING),
                        uuid: true,
                        ..Schema::ANY
                    }),
                ],
                required: &["uuid", "status"],
                required_mask: 0x3,
                closed: true,
                ..Schema::ANY
            }),
            ..Schema::ANY
        }),
    ],
    required: &["event_name"],
    required_mask: 0x8,
    closed: true,
    ..Schema::ANY
};

/// `book.income.updated`
static EVENT_30: Schema = Schema {
    at: "",
    types: Types(Types::OBJECT),
    properties: &[
        ("book_name", &Schema {
            at: "/properties/book_name",
            types: Types(Types::STRING),
            ..Schema::ANY
        }),
        ("book_pk", &Schema {
            at: "/properties/book_pk",
            types: Types(Types::INTEGER),
            minimum: Some(0),
            ..Schema::ANY
        }),
        ("book_uuid", &Schema {
            at: "/properties/book_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("event_name", &Schema {
            at: "/properties/event_name",
            constant: Some(Constant::Text("book.income.updated")),
            ..Schema::ANY
        }),
        ("notification_reason", &Schema {
            at: "/properties/notification_reason",
            types: Types(Types::STRING),
            ..Schema::ANY
        }),
        ("notification_type", &Schema {
            at: "/properties/notification_type",
            types: Types(Types::STRING),
            one_of: Some(&["STATUS", "ISSUE"]),
            ..Schema::ANY
        }),
        ("severity", &Schema {
            at: "/properties/severity",
            types: Types(Types::STRING),
            one_of: Some(&["LOW", "MODERATE", "HIGH"]),
            ..Schema::ANY
        }),
        ("status", &Schema {
            at: "/properties/status",
            types: Types(Types::STRING),
            ..Schema::ANY
        }),
        ("tasks", &Schema {
            at: "/properties/tasks",
            types: Types(Types::ARRAY),
            items: Some(&Schema::ANY),
            ..Schema::ANY
        }),
        ("uploaded_docs", &Schema {
            at: "/properties/uploaded_docs",
            types: Types(Types::ARRAY),
            items: Some(&Schema {
                at: "/properties/uploaded_docs/items",
                types: Types(Types::OBJECT),
                properties: &[
                    ("status", &Schema {
                        at: "/properties/uploaded_docs/items/properties/status",
                        types: Types(Types::STRING),
                        one_of: Some(&["QUEUED", "PROCESSING", "FAILED", "GROOMING", "VERIFYING", "VERIFICATION_COMPLETE", "REJECTED", "DELETED", "CLASSIFIED", "COMPLETED"]),
                        ..Schema::ANY
                    }),
                    ("uuid", &Schema {
                        at: "/properties/uploaded_docs/items/properties/uuid",
                        types: Types(Types::STRING),
                        uuid: true,
                        ..Schema::ANY
                    }),
                ],
                required: &["uuid", "status"],
                required_mask: 0x3,
                closed: true,
                ..Schema::ANY
            }),
            ..Schema::ANY
        }),
    ],
    required: &["event_name"],
    required_mask: 0x8,
    closed: true,
    ..Schema::ANY
};

/// `mixed_document.rejected`
static EVENT_31: Schema = Schema {
    at: "",
    types: Types(Types::OBJECT),
    properties: &[
        ("book_name", &Schema {
            at: "/properties/book_name",
            types: Types(Types::STRING),
            ..Schema::ANY
        }),
        ("book_pk", &Schema {
            at: "/properties/book_pk",
            types: Types(Types::INTEGER),
            minimum: Some(0),
            ..Schema::ANY
        }),
        ("book_uuid", &Schema {
            at: "/properties/book_uuid",
            types: Types(Types::STRING),
            uuid: true,
            ..Schema::ANY
        }),
        ("event_name", &Schema {
            at: "/properties/event_name",
            constant: Some(Constant::Text("mixed_document.rejected")),
            ..Schema::ANY
        }),
        ("notification_reason", &Schema {
            at: "/properties/notification_reason",
            types: Types(Types::STRING),
            ..Schema::ANY
        }),
        ("notification_type", &Schema {
            at: "/properties/notification_type",
            types: Types(Types::STRING),
            one_of: Some(&["STATUS", "ISSUE"]),
            ..Schema::ANY
        }),
        ("severity", &Schema {
            at: "/properties/severity",
            types: Types(Types::STRING),
            one_of: Some(&["LOW", "MODERATE", "HIGH"]),
            ..Schema::ANY
        }),
        ("status", &Schema {
            at: "/properties/status",
            types: Types(Types::STRING),
            ..Schema::ANY
        }),
        ("tasks", &Schema {
            at: "/properties/tasks",
            types: Types(Types::ARRAY),
            items: Some(&Schema::ANY),
            ..Schema::ANY
        }),
        ("uploaded_docs", &Schema {
            at: "/properties/uploaded_docs",
            types: Types(Types::ARRAY),
            items: Some(&Schema {
                at: "/properties/uploaded_docs/items",
                types: Types(Types::OBJECT),
                properties: &[
                    ("status", &Schema {
                        at: "/properties/uploaded_docs/items/properties/status",
                        types: Types(Types::STRING),
                        one_of: Some(&["QUEUED", "PROCESSING", "FAILED", "GROOMING", "VERIFYING", "VERIFICATION_COMPLETE", "REJECTED", "DELETED", "CLASSIFIED", "COMPLETED"]),
                        ..Schema::ANY
                    }),
                    ("uuid", &Schema {
                        at: "/properties/uploaded_docs/items/properties/uuid",
                        types: Types(Types::STRING),
                        uuid: true,
                        ..Schema::ANY
                    }),
                ],
                required: &["uuid", "status"],
                required_mask: 0x3,
                closed: true,
                ..Schema::ANY
            }),
            ..Schema::ANY
        }),
    ],
    required: &["event_name"],
    required_mask: 0x8,
    closed: true,
    ..Schema::ANY
};

/// The account-level test delivery (a body without `event_name`).
pub(crate) static TEST_DELIVERY: Schema = Schema {
    at: "",
    types: Types(Types::OBJECT),
    properties: &[
        ("book_pk", &Schema {
            at: "/properties/book_pk",
            types: Types(Types::INTEGER),
            constant: Some(Constant::Integer(0)),
            minimum: Some(0),
            ..Schema::ANY
        }),
        ("status", &Schema {
            at: "/properties/status",
            types: Types(Types::STRING),
            constant: Some(Constant::Text("VERIFICATION_COMPLETE")),
            ..Schema::ANY
        }),
        ("uploaded_doc_pk", &Schema {
            at: "/properties/uploaded_doc_pk",
            types: Types(Types::INTEGER),
            constant: Some(Constant::Integer(0)),
            minimum: Some(0),
            ..Schema::ANY
        }),
    ],
    required: &["status", "uploaded_doc_pk", "book_pk"],
    required_mask: 0x7,
    closed: true,
    ..Schema::ANY
};
