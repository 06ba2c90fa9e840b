//! Field types shared by many events: identifiers, nullability and the documented value sets.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

/// The RFC 9562 text form of a UUID: 8-4-4-4-12 hexadecimal digits, either case.
///
/// Expressed as a `pattern` (not only `format: uuid`) because `format` is an annotation in
/// 2020-12: validators disagree on whether they check it and on which spellings they accept
/// (ajv-formats also takes a `urn:uuid:` prefix). A pattern gives the same verdict everywhere.
pub const UUID_PATTERN: &str =
    "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

/// A UUID in its RFC 9562 text form, kept as the text Ocrolus sent.
///
/// The type does not re-check the form when deserialized: payloads reach typed code only
/// after [`crate::Validator`] has checked them against the schema, which does.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Uuid(pub String);

impl JsonSchema for Uuid {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "Uuid".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "format": "uuid",
            "pattern": UUID_PATTERN,
        })
    }
}

/// A field that is always present but may be `null` (the docs show both).
///
/// `Option<T>` means "may be absent" in these types (the schema generator strips the `null`
/// schemars would add); this wrapper is the only way a field admits `null`, so the schemas
/// accept `null` exactly where Ocrolus' examples show it. Use it on required fields only.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Nullable<T>(pub Option<T>);

impl<T: JsonSchema> JsonSchema for Nullable<T> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        format!("Nullable_{}", T::schema_name()).into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let mut schema = generator.subschema_for::<T>();
        admit_null(&mut schema);
        schema
    }
}

/// Widen `schema` so that it also accepts `null`, keeping every other constraint.
fn admit_null(schema: &mut Schema) {
    use serde_json::Value;
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    let simple_type = object
        .get("type")
        .and_then(Value::as_str)
        .map(str::to_owned);
    match simple_type {
        Some(kind) => {
            object.insert("type".into(), Value::from(vec![kind, "null".to_owned()]));
            // `enum`/`const` constrain every instance, null included: widen them too.
            if let Some(Value::Array(options)) = object.get_mut("enum") {
                options.push(Value::Null);
            }
            if let Some(constant) = object.remove("const") {
                object.insert("enum".into(), Value::from(vec![constant, Value::Null]));
            }
        }
        None => {
            let inner = Value::Object(std::mem::take(object));
            object.insert(
                "anyOf".into(),
                Value::from(vec![inner, serde_json::json!({ "type": "null" })]),
            );
        }
    }
}

/// How urgent Ocrolus considers the notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Severity {
    /// Informational.
    Low,
    /// Worth attention.
    Moderate,
    /// Needs attention.
    High,
}

/// Whether the notification reports progress or a problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum NotificationType {
    /// A processing step finished.
    Status,
    /// Something went wrong (corrupt file, failed classification, ...).
    Issue,
}

/// A document's processing status (capture and classification statuses from Ocrolus' docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DocumentStatus {
    /// Waiting to be processed.
    Queued,
    /// Being processed.
    Processing,
    /// Processing failed.
    Failed,
    /// Being prepared for verification.
    Grooming,
    /// Being verified.
    Verifying,
    /// Verification finished.
    VerificationComplete,
    /// The document was rejected.
    Rejected,
    /// The document was deleted.
    Deleted,
    /// The document was classified.
    Classified,
    /// Processing finished.
    Completed,
}

/// The status of a document's run through Ocrolus Detect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DetectStatus {
    /// Detect has not finished yet.
    Pending,
    /// Detect finished.
    Completed,
    /// Detect could not process the document.
    UnableToProcess,
    /// Detect does not support this kind of document.
    Unsupported,
    /// The document was deleted.
    Deleted,
}

/// The notification fields that organization-level events carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Notification {
    /// How urgent the notification is.
    pub severity: Severity,
    /// Whether the notification reports progress (`STATUS`) or a problem (`ISSUE`).
    pub notification_type: NotificationType,
    /// Human-readable reason for the notification, e.g. "Book is verified" or "File is corrupt".
    pub notification_reason: String,
}
