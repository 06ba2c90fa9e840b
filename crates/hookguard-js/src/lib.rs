/*!
hookguard for JavaScript: the core compiled with wasm-bindgen, exposed in JavaScript's idiom
(`validate(body, options)` returning a plain object), packaged for npm in `npm/`.

A key design decision made in this crate is that **it takes the raw body, never a parsed
object**: `JSON.parse` keeps the last of duplicate keys and rounds large integers, which are
exactly what the core's intake refuses, so a body arrives as bytes (`Uint8Array`, `Buffer`,
`ArrayBuffer`) or a string and is read by the same intake as in every other host. Results cross
the boundary as one JSON text parsed by the engine's `JSON.parse` (one crossing, no per-field
calls), and nothing is kept on either side between calls.

Invalid deliveries are results, never exceptions. Exceptions are for misuse: a body or options
argument of the wrong type throws a `TypeError`, an out-of-range limit a `RangeError`.
*/

use std::cell::RefCell;

use hookguard::catalog::{EVENTS, Listing};
use hookguard::intake::{IntakeError, IntakeErrorKind};
use hookguard::{Delivery, Finding, Omitted, Options, Position, Report, Validator};
use js_sys::{ArrayBuffer, JSON, RangeError, TypeError, Uint8Array};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

thread_local! {
    /// Built on the first call, then reused: options are applied per call (cheap: the schemas
    /// are compiled into the module and do not depend on them).
    static VALIDATOR: RefCell<Option<Validator>> = const { RefCell::new(None) };
}

/// The options a JavaScript caller may pass, in JavaScript's naming.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct JsOptions {
    normalize: bool,
    strict: Option<bool>,
    // Limits arrive as JavaScript numbers: read as such and checked here, so that -1 or 1.5
    // is a RangeError naming the option, as the types promise, not a deserializer's TypeError.
    max_bytes: Option<f64>,
    max_depth: Option<f64>,
    max_findings: Option<f64>,
    reveal_values: Option<bool>,
}

/// A limit given as a JavaScript number: a whole number of at least zero (the core checks
/// the range), or a RangeError naming the option.
fn limit(value: Option<f64>, name: &str, default: u64) -> Result<u64, JsValue> {
    match value {
        None => Ok(default),
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        Some(number) if number.is_finite() && number >= 0.0 && number.fract() == 0.0 => {
            // Above 2^64 the cast saturates, and the core then refuses it as above its ceiling.
            Ok(number as u64)
        }
        Some(_) => Err(RangeError::new(&format!(
            "options: {name} must be a whole number greater than zero"
        ))
        .into()),
    }
}

impl JsOptions {
    /// Every option's name, as a caller spells it.
    const NAMES: &[&str] = &[
        "normalize",
        "strict",
        "maxBytes",
        "maxDepth",
        "maxFindings",
        "revealValues",
    ];

    fn read(options: &JsValue) -> Result<JsOptions, JsValue> {
        if options.is_undefined() || options.is_null() {
            return Ok(JsOptions::default());
        }
        if !options.is_object() || options.is_function() || js_sys::Array::is_array(options) {
            return Err(type_error("options must be an object"));
        }
        // A misspelt option must not silently leave a default in place. (serde's
        // deny_unknown_fields cannot see them: serde-wasm-bindgen reads only the fields it
        // knows from a JavaScript object.)
        for key in js_sys::Object::keys(options.unchecked_ref::<js_sys::Object>()) {
            let key = key.as_string().unwrap_or_default();
            if !JsOptions::NAMES.contains(&key.as_str()) {
                let known = JsOptions::NAMES.join(", ");
                return Err(type_error(&format!(
                    "options: unknown option {key:?} (known: {known})"
                )));
            }
        }
        serde_wasm_bindgen::from_value(options.clone()).map_err(options_error)
    }

    fn core(&self) -> Result<Options, JsValue> {
        let defaults = Options::default();
        let options = Options {
            max_bytes: limit(self.max_bytes, "maxBytes", defaults.max_bytes)?,
            max_depth: limit(self.max_depth, "maxDepth", defaults.max_depth)?,
            max_findings: limit(self.max_findings, "maxFindings", defaults.max_findings)?,
            strict: self.strict.unwrap_or(defaults.strict),
            reveal_values: self.reveal_values.unwrap_or(defaults.reveal_values),
        };
        // The core's message names the option in its own spelling; say it in JavaScript's.
        options.check().map_err(|error| {
            let message = error
                .to_string()
                .replace("max_depth", "maxDepth")
                .replace("max_bytes", "maxBytes")
                .replace("max_findings", "maxFindings");
            JsValue::from(RangeError::new(&format!("options: {message}")))
        })?;
        Ok(options)
    }
}

fn type_error(message: &str) -> JsValue {
    TypeError::new(message).into()
}

/// An options object of the wrong shape, as a TypeError (without serde-wasm-bindgen's
/// "Error: " prefix).
fn options_error(error: serde_wasm_bindgen::Error) -> JsValue {
    let message = error.to_string();
    let message = message.strip_prefix("Error: ").unwrap_or(&message);
    type_error(&format!("options: {message}"))
}

/// The raw body's bytes. Strings are validated as their UTF-8 encoding; a string holding a
/// lone surrogate has none (no bytes received from the network decode to it) and is refused
/// with `lone_surrogate` at the byte offset where the surrogate would be, rather than silently
/// becoming U+FFFD.
fn body_bytes(body: &JsValue) -> Result<Result<Vec<u8>, Report>, JsValue> {
    if let Some(bytes) = body.dyn_ref::<Uint8Array>() {
        return Ok(Ok(bytes.to_vec()));
    }
    if let Some(buffer) = body.dyn_ref::<ArrayBuffer>() {
        return Ok(Ok(Uint8Array::new(buffer).to_vec()));
    }
    if let Some(text) = body.dyn_ref::<js_sys::JsString>() {
        let encoded = String::from(text);
        // The encoding replaced any lone surrogate with U+FFFD, so only a string that now holds
        // U+FFFD needs the check of its UTF-16 (one call into JavaScript per character).
        let suspect = encoded.contains('\u{FFFD}');
        let encoded = encoded.into_bytes();
        if suspect && !text.is_valid_utf16() {
            let offset = lone_surrogate_offset(text);
            return Ok(Err(Report::unreadable(&IntakeError {
                kind: IntakeErrorKind::LoneSurrogate,
                position: Some(Position::at_offset(&encoded, offset)),
                instance_location: String::new(),
            })));
        }
        return Ok(Ok(encoded));
    }
    Err(type_error(
        "body must be the raw request body: a Uint8Array, Buffer, ArrayBuffer or string \
         (a parsed object has already lost duplicate keys and number precision)",
    ))
}

/// A report in JavaScript's naming; `normalized` and `normalizedJson` only when asked for and
/// valid.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsReport<'a> {
    valid: bool,
    delivery: Option<Delivery>,
    event_name: Option<&'static str>,
    source_event_name: Option<&'static str>,
    errors: &'a [Finding],
    warnings: &'a [Finding],
    #[serde(skip_serializing_if = "Option::is_none")]
    omitted: Option<Omitted>,
    /// The core's text, copied into the JSON handed to `JSON.parse` as it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    normalized: Option<&'a RawValue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    normalized_json: Option<String>,
}

/// The UTF-8 offset of the first lone surrogate in `text` (every surrogate, like U+FFFD, takes
/// three bytes, so the offset is the same in the U+FFFD-substituted encoding).
fn lone_surrogate_offset(text: &js_sys::JsString) -> usize {
    let units: Vec<u16> = text.iter().collect();
    let mut offset = 0;
    for decoded in char::decode_utf16(units) {
        match decoded {
            Ok(character) => offset += character.len_utf8(),
            Err(_) => return offset,
        }
    }
    offset
}

fn check(body: &JsValue, options: &JsValue, force_normalize: bool) -> Result<JsValue, JsValue> {
    let options = JsOptions::read(options)?;
    let core = options.core()?;
    let bytes = match body_bytes(body)? {
        Ok(bytes) => bytes,
        Err(refused) => return to_js(&JsReport::from_report(&refused)),
    };
    let normalize = force_normalize || options.normalize;
    let report = VALIDATOR.with(|cell| -> Result<Report, JsValue> {
        let mut slot = cell.borrow_mut();
        let validator = match slot.as_mut() {
            Some(validator) => validator,
            None => slot.insert(
                Validator::new(core.clone())
                    .map_err(|error| JsValue::from(js_sys::Error::new(&error.to_string())))?,
            ),
        };
        if validator.options() != &core {
            validator
                .set_options(core)
                .map_err(|error| JsValue::from(RangeError::new(&error.to_string())))?;
        }
        Ok(if normalize {
            validator.normalize(&bytes)
        } else {
            validator.validate(&bytes)
        })
    })?;
    to_js(&JsReport::from_report(&report))
}

impl<'a> JsReport<'a> {
    fn from_report(report: &'a Report) -> JsReport<'a> {
        JsReport {
            valid: report.valid,
            delivery: report.delivery,
            event_name: report.event_name,
            source_event_name: report.source_event_name,
            errors: &report.errors,
            warnings: &report.warnings,
            omitted: (!report.omitted.is_none()).then_some(report.omitted),
            normalized: report
                .normalized
                .as_ref()
                .and_then(|normalized| serde_json::from_str(normalized.as_str()).ok()),
            normalized_json: report
                .normalized_bytes()
                .and_then(|bytes| String::from_utf8(bytes).ok()),
        }
    }
}

/// Serializes in Rust and parses with the engine's `JSON.parse`: one boundary crossing.
fn to_js(value: &impl Serialize) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(value)
        .map_err(|error| JsValue::from(js_sys::Error::new(&error.to_string())))?;
    JSON::parse(&text)
}

/// Validates one delivery body. See `npm/index.d.ts` for the types.
#[wasm_bindgen(skip_typescript)]
pub fn validate(body: &JsValue, options: &JsValue) -> Result<JsValue, JsValue> {
    check(body, options, false)
}

/// Validates one delivery body and, when it is valid, normalizes it (`normalized`,
/// `normalizedJson`: the exact bytes every hookguard host produces).
#[wasm_bindgen(skip_typescript)]
pub fn normalize(body: &JsValue, options: &JsValue) -> Result<JsValue, JsValue> {
    check(body, options, true)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsEvent {
    name: &'static str,
    canonical_names: Vec<&'static str>,
    listings: &'static [Listing],
    summary: &'static str,
    payload_documented: bool,
}

/// Every event name hookguard knows, with the organization-level names it normalizes to.
#[wasm_bindgen(skip_typescript)]
pub fn events() -> Result<JsValue, JsValue> {
    let events: Vec<JsEvent> = EVENTS
        .iter()
        .map(|spec| JsEvent {
            name: spec.name,
            canonical_names: spec.canonical_names(),
            listings: spec.listings,
            summary: spec.summary,
            payload_documented: spec.payload_documented(),
        })
        .collect();
    to_js(&events)
}

/// The published JSON Schema of an event name (either scheme) or `test-delivery`;
/// `undefined` for a name hookguard does not know.
#[wasm_bindgen(skip_typescript)]
pub fn schema(name: &JsValue) -> Result<JsValue, JsValue> {
    let Some(name) = name.as_string() else {
        return Err(type_error("schema name must be a string"));
    };
    match hookguard::schema::embedded_schema(&name) {
        Some(schema) => to_js(&schema),
        None => Ok(JsValue::UNDEFINED),
    }
}

/// The options of `verify`, in JavaScript's naming.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct VerifyOptions {
    secrets: Vec<String>,
    tolerance_sec: Option<u64>,
    now: Option<f64>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsVerdict {
    authentic: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    request_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    timestamp: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret_index: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// The fields of one header, as `(name, value)` pairs: from a fetch `Headers` (its `get`,
/// which joins repeats with commas) or a plain object such as Node's `req.headers` (names
/// compared case-insensitively; an array value, as in `req.headersDistinct`, gives one field
/// per item). Repeats stay visible either way, for the core to refuse.
fn header_fields(
    headers: &JsValue,
    name: &'static str,
) -> Result<Vec<(&'static str, Vec<u8>)>, JsValue> {
    let get = js_sys::Reflect::get(headers, &JsValue::from_str("get"))?;
    let mut values = Vec::new();
    if let Some(get) = get.dyn_ref::<js_sys::Function>() {
        values.push(get.call1(headers, &JsValue::from_str(name))?);
    } else {
        let object = headers.unchecked_ref::<js_sys::Object>();
        for entry in js_sys::Object::entries(object) {
            let entry = entry.unchecked_into::<js_sys::Array>();
            if entry
                .get(0)
                .as_string()
                .is_some_and(|key| key.eq_ignore_ascii_case(name))
            {
                let value = entry.get(1);
                match value.dyn_ref::<js_sys::Array>() {
                    Some(items) => values.extend(items.iter()),
                    None => values.push(value),
                }
            }
        }
    }
    Ok(values
        .into_iter()
        .filter_map(|value| value.as_string())
        .map(|value| (name, value.into_bytes()))
        .collect())
}

/// Checks a delivery's signature (`Webhook-Signature`, `Webhook-Timestamp`,
/// `Webhook-Request-Id`) against the configured secrets. An unsigned or tampered delivery is a
/// result (`authentic: false` with a `code`), never an exception.
#[wasm_bindgen(skip_typescript)]
pub fn verify(headers: &JsValue, body: &JsValue, options: &JsValue) -> Result<JsValue, JsValue> {
    use hookguard::signature::{
        DEFAULT_TOLERANCE_S, DeliveryHeaders, REQUEST_ID_HEADER, SIGNATURE_HEADER, Secrets,
        TIMESTAMP_HEADER, Verifier,
    };
    if !headers.is_object() || headers.is_function() {
        return Err(type_error(
            "headers must be an object (Node's req.headers) or a fetch Headers",
        ));
    }
    if !options.is_object() || options.is_function() || js_sys::Array::is_array(options) {
        return Err(type_error(
            "options must be an object with secrets (and toleranceSec, now)",
        ));
    }
    let options: VerifyOptions =
        serde_wasm_bindgen::from_value(options.clone()).map_err(|error| {
            let message = error.to_string();
            type_error(&format!(
                "options: {}",
                message.strip_prefix("Error: ").unwrap_or(&message)
            ))
        })?;
    let secrets = Secrets::new(&options.secrets)
        .map_err(|error| type_error(&format!("options.secrets: {error}")))?;
    let now = match options.now {
        Some(now) if now.is_finite() => now.floor() as i64,
        Some(_) => {
            return Err(type_error(
                "options.now must be a finite number of Unix seconds",
            ));
        }
        None => (js_sys::Date::now() / 1000.0).floor() as i64,
    };
    // A string body that has no UTF-8 encoding cannot be the signed bytes: checked as its
    // U+FFFD-substituted encoding, it does not match.
    let bytes = match body_bytes(body)? {
        Ok(bytes) => bytes,
        Err(_) => body.as_string().unwrap_or_default().into_bytes(),
    };
    let mut fields = Vec::new();
    for name in [SIGNATURE_HEADER, TIMESTAMP_HEADER, REQUEST_ID_HEADER] {
        fields.extend(header_fields(headers, name)?);
    }
    let delivery =
        DeliveryHeaders::from_pairs(fields.iter().map(|(name, value)| (*name, value.as_slice())));
    let verifier = Verifier::new(
        secrets,
        options.tolerance_sec.unwrap_or(DEFAULT_TOLERANCE_S),
    );
    let verdict = match verifier.verify(&delivery, &bytes, now) {
        Ok(verified) => JsVerdict {
            authentic: true,
            request_id: Some(verified.request_id),
            timestamp: Some(verified.timestamp),
            secret_index: Some(verified.secret_index),
            code: None,
            error: None,
        },
        Err(error) => JsVerdict {
            authentic: false,
            request_id: None,
            timestamp: None,
            secret_index: None,
            code: Some(error.kind.code()),
            error: Some(error.to_string()),
        },
    };
    to_js(&verdict)
}

/// The version of hookguard inside this package.
#[wasm_bindgen(skip_typescript)]
pub fn version() -> String {
    hookguard::VERSION.to_string()
}
