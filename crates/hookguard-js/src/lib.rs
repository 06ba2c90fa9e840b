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
use hookguard::{Delivery, Finding, Options, Report, Validator};
use js_sys::{ArrayBuffer, JSON, RangeError, TypeError, Uint8Array};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

thread_local! {
    /// Built on the first call (compiling every schema once), then reused: options are applied
    /// per call, which is cheap because the compiled schemas do not depend on them.
    static VALIDATOR: RefCell<Option<Validator>> = const { RefCell::new(None) };
}

/// The options a JavaScript caller may pass, in JavaScript's naming.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct JsOptions {
    normalize: bool,
    strict: Option<bool>,
    max_bytes: Option<usize>,
    max_depth: Option<usize>,
    reveal_values: Option<bool>,
}

impl JsOptions {
    /// Every option's name, as a caller spells it.
    const NAMES: &[&str] = &[
        "normalize",
        "strict",
        "maxBytes",
        "maxDepth",
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
            max_bytes: self.max_bytes.unwrap_or(defaults.max_bytes),
            max_depth: self.max_depth.unwrap_or(defaults.max_depth),
            strict: self.strict.unwrap_or(defaults.strict),
            reveal_values: self.reveal_values.unwrap_or(defaults.reveal_values),
        };
        // The core's message names the option in its own spelling; say it in JavaScript's.
        options.check().map_err(|error| {
            let message = error
                .to_string()
                .replace("max_depth", "maxDepth")
                .replace("max_bytes", "maxBytes");
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

/// The raw body's bytes. Strings are validated as their UTF-8 encoding (a string holding a lone
/// surrogate has none; it is encoded with U+FFFD, so pass bytes to be exact).
fn body_bytes(body: &JsValue) -> Result<Vec<u8>, JsValue> {
    if let Some(bytes) = body.dyn_ref::<Uint8Array>() {
        return Ok(bytes.to_vec());
    }
    if let Some(buffer) = body.dyn_ref::<ArrayBuffer>() {
        return Ok(Uint8Array::new(buffer).to_vec());
    }
    if let Some(text) = body.as_string() {
        return Ok(text.into_bytes());
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
    normalized: Option<&'a Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    normalized_json: Option<String>,
}

fn check(body: &JsValue, options: &JsValue, force_normalize: bool) -> Result<JsValue, JsValue> {
    let options = JsOptions::read(options)?;
    let core = options.core()?;
    let bytes = body_bytes(body)?;
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
    to_js(&JsReport {
        valid: report.valid,
        delivery: report.delivery,
        event_name: report.event_name,
        source_event_name: report.source_event_name,
        errors: &report.errors,
        warnings: &report.warnings,
        normalized: report.normalized.as_ref(),
        normalized_json: report
            .normalized_bytes()
            .and_then(|bytes| String::from_utf8(bytes).ok()),
    })
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

/// One header's value from a fetch `Headers` (its `get`) or a plain object such as Node's
/// `req.headers` (names compared case-insensitively; an array value counts by its first item).
fn header_value(headers: &JsValue, name: &str) -> Result<Option<Vec<u8>>, JsValue> {
    let get = js_sys::Reflect::get(headers, &JsValue::from_str("get"))?;
    let value = if let Some(get) = get.dyn_ref::<js_sys::Function>() {
        get.call1(headers, &JsValue::from_str(name))?
    } else {
        let object = headers.unchecked_ref::<js_sys::Object>();
        let mut found = JsValue::UNDEFINED;
        for entry in js_sys::Object::entries(object) {
            let entry = entry.unchecked_into::<js_sys::Array>();
            if entry
                .get(0)
                .as_string()
                .is_some_and(|key| key.eq_ignore_ascii_case(name))
            {
                found = entry.get(1);
                break;
            }
        }
        found
    };
    let value = match value.dyn_ref::<js_sys::Array>() {
        Some(values) => values.get(0),
        None => value,
    };
    Ok(value.as_string().map(String::into_bytes))
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
    let bytes = body_bytes(body)?;
    let signature = header_value(headers, SIGNATURE_HEADER)?;
    let timestamp = header_value(headers, TIMESTAMP_HEADER)?;
    let request_id = header_value(headers, REQUEST_ID_HEADER)?;
    let delivery = DeliveryHeaders {
        signature: signature.as_deref(),
        timestamp: timestamp.as_deref(),
        request_id: request_id.as_deref(),
    };
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
