/*!
hookguard for JavaScript: the core compiled with wasm-bindgen, exposed in JavaScript's idiom
(`validate(body, options)` returning a plain object), packaged for npm in `npm/`.

A key design decision made in this crate is that **it takes the raw body, never a parsed
object**: `JSON.parse` keeps the last of duplicate keys and rounds large integers, which are
exactly what the core's intake refuses, so a body arrives as bytes (`Uint8Array`, `Buffer`,
`ArrayBuffer`) or a string and is read by the same intake as in every other host. A result
crosses the boundary in one call to a small JavaScript function that builds the object: names
from the catalog as JavaScript strings made once, findings as one JSON text (the core's own
serialization), the normalized payload as its text, parsed only if `normalized` is read.
Nothing about a delivery is kept on either side between calls.

Invalid deliveries are results, never exceptions. Exceptions are for misuse: a body or options
argument of the wrong type throws a `TypeError`, an out-of-range limit a `RangeError`.
*/

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use hookguard::catalog::{EVENTS, Listing};
use hookguard::intake::{IntakeError, IntakeErrorKind};
use hookguard::signature::DeliveryHeaders;
use hookguard::{Delivery, Finding, Omitted, OptionValue, Options, Position, Report, Validator};
use js_sys::{JSON, RangeError, TypeError};
use serde::Serialize;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

thread_local! {
    /// Built on the first call, then reused: options are applied per call (cheap: the schemas
    /// are compiled into the module and do not depend on them).
    static VALIDATOR: RefCell<Option<Validator>> = const { RefCell::new(None) };
}

/// JavaScript's spelling of an option named in snake_case by the core: `max_bytes` is
/// `maxBytes`. Every name the package accepts is derived this way, never listed twice.
fn camel_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for character in name.chars() {
        if character == '_' {
            upper = true;
        } else if upper {
            out.push(character.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(character);
        }
    }
    out
}

/// The core's spelling of a JavaScript name: `maxBytes` is `max_bytes`.
fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for character in name.chars() {
        if character.is_ascii_uppercase() {
            out.push('_');
            out.push(character.to_ascii_lowercase());
        } else {
            out.push(character);
        }
    }
    out
}

/// A core message with every snake_case name outside quotes spelled as JavaScript spells it.
fn in_javascript_names(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut word = String::new();
    let mut quoted = false;
    for character in message.chars().chain(std::iter::once(' ')) {
        if !quoted && (character.is_ascii_alphanumeric() || character == '_') {
            word.push(character);
            continue;
        }
        if word.contains('_') && !word.starts_with('_') {
            out.push_str(&camel_case(&word));
        } else {
            out.push_str(&word);
        }
        word.clear();
        if character == '"' {
            quoted = !quoted;
        }
        out.push(character);
    }
    out.pop();
    out
}

/// The names `validate` and `normalize` take: `normalize`, then the core's options, in
/// JavaScript's spelling, with their kinds (`b` flag, `n` number) for the one-call reader.
fn option_names() -> (Vec<String>, String) {
    let mut names = vec![String::from("normalize")];
    let mut kinds = String::from("b");
    for name in Options::NAMES {
        names.push(camel_case(name));
        kinds.push(if Options::is_flag(name) {
            'b'
        } else if Options::is_document(name) {
            'o'
        } else {
            'n'
        });
    }
    (names, kinds)
}

/// A limit given as a JavaScript number: a whole number of at least zero (the core checks
/// the range), or a RangeError naming the option.
fn limit(number: f64, name: &str) -> Result<u64, JsValue> {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    if number.is_finite() && number >= 0.0 && number.fract() == 0.0 {
        // Above 2^64 the cast saturates, and the core then refuses it as above its ceiling.
        return Ok(number as u64);
    }
    Err(RangeError::new(&format!(
        "options: {name} must be a whole number greater than zero"
    ))
    .into())
}

/// Reads the options of `validate` and `normalize` in one call into JavaScript (see
/// `hookguardReadOptions`): the object's own keys checked against [`option_names`], each
/// value's type checked, the values written into a slot array, then applied to the core's
/// options by name. (Reading it with serde-wasm-bindgen made a call with options cost as much
/// as validating the delivery.) Returns the options and whether to normalize.
fn read_options(options: &JsValue) -> Result<(Options, bool), JsValue> {
    let mut core = Options::default();
    if options.is_undefined() || options.is_null() {
        return Ok((core, false));
    }
    let mut slots = [0.0_f64; Options::NAMES.len() + 1];
    let at = address(slots.as_mut_ptr());
    let present = OPTION_NAMES.with(|(names, kinds)| {
        MEMORY.with(|memory| read_option_slots(options, names, kinds, memory, at))
    });
    // A misspelt option must not silently leave a default in place, nor a value of the
    // wrong type: both are the caller's mistake, said in a TypeError.
    if let Some(message) = present.as_string() {
        return Err(type_error(&message));
    }
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let present = present.as_f64().unwrap_or(0.0) as u32;
    let value = |slot: usize| {
        slots
            .get(slot)
            .copied()
            .filter(|_| present & (1 << slot) != 0)
    };
    let normalize = value(0).is_some_and(|flag| flag != 0.0);
    for (index, name) in Options::NAMES.into_iter().enumerate() {
        let Some(number) = value(index + 1) else {
            continue;
        };
        if Options::is_document(name) {
            // A document (the overlay) is not in a slot: read as JSON, checked by the core.
            let document = js_sys::Reflect::get(options, &JsValue::from_str(&camel_case(name)))?;
            core.overlay = Some(json_of(&document, name)?);
            continue;
        }
        let value = if Options::is_flag(name) {
            OptionValue::Flag(number != 0.0)
        } else {
            OptionValue::Count(limit(number, &camel_case(name))?)
        };
        core.set(name, value);
    }
    // The core's message names the option in its own spelling; say it in JavaScript's.
    core.check()
        .map_err(|error| options_error(&error, "options"))?;
    Ok((core, normalize))
}

/// Refused options as a JavaScript error: a RangeError for a limit out of range, a TypeError
/// for a refused overlay (its message names the offending entry, as the core wrote it).
fn options_error(error: &hookguard::ConfigError, what: &str) -> JsValue {
    let message = format!("{what}: {}", error.message_naming(camel_case));
    match error.kind {
        hookguard::ConfigErrorKind::Overlay(_) => type_error(&message),
        _ => RangeError::new(&message).into(),
    }
}

/// A JavaScript object as JSON members, read by the core's reader from `JSON.stringify`'s
/// text; `None` when it is no plain object.
fn members_of(value: &JsValue) -> Result<Option<Members>, JsValue> {
    let text = JSON::stringify(value)?.as_string().unwrap_or_default();
    Ok(hookguard::gate::configuration_members(text.as_bytes())
        .ok()
        .flatten())
}

/// A JavaScript value as JSON (for a document option: its keys are data, kept as written).
fn json_of(value: &JsValue, name: &str) -> Result<serde_json::Value, JsValue> {
    members_of(value)?
        .map(serde_json::Value::Object)
        .ok_or_else(|| {
            type_error(&format!(
                "options: {} must be a plain object",
                camel_case(name)
            ))
        })
}

/// A configuration object written in JavaScript's spelling, as the core's members: keys
/// turned into snake_case (a key that is not camelCase is refused as unknown), and the
/// `host_settings` (the adapter's own) taken out and returned apart.
type Members = serde_json::Map<String, serde_json::Value>;

fn read_members(
    config: &JsValue,
    what: &str,
    host_settings: &[&str],
) -> Result<(Members, Members), JsValue> {
    let misuse = |message: String| type_error(&format!("{what}: {message}"));
    let mut members = if config.is_undefined() || config.is_null() {
        Members::new()
    } else {
        if !config.is_object() || config.is_function() || js_sys::Array::is_array(config) {
            return Err(misuse(String::from("must be an object")));
        }
        match members_of(config)? {
            Some(members) => {
                snake_keys(members).map_err(|key| misuse(format!("unknown option {key:?}")))?
            }
            None => return Err(misuse(String::from("must be a plain object"))),
        }
    };
    let mut host = Members::new();
    for name in host_settings {
        if let Some(value) = members.remove(*name) {
            host.insert((*name).to_owned(), value);
        }
    }
    Ok((members, host))
}

/// A refused configuration as JavaScript errors: a RangeError for a limit out of range, a
/// TypeError otherwise, every name in JavaScript's spelling, never a secret.
fn gate_error(error: hookguard::GateError, what: &str, host_settings: &[&str]) -> JsValue {
    use hookguard::GateError;
    match error {
        GateError::UnknownOption { name, known } => {
            let known: Vec<String> = known
                .split(", ")
                .chain(host_settings.iter().copied())
                .map(camel_case)
                .collect();
            type_error(&format!(
                "{what}: unknown option {:?} (known: {})",
                camel_case(&name),
                known.join(", ")
            ))
        }
        GateError::Options(error) => options_error(&error, what),
        GateError::Secrets(error) => type_error(&format!("{what}.secrets: {error}")),
        other => type_error(&format!(
            "{what}: {}",
            in_javascript_names(&other.to_string())
        )),
    }
}

/// Object keys in snake_case, all the way down; `Err(key)` for a key JavaScript would not
/// spell that way (`max_bytes` instead of `maxBytes`).
fn snake_keys(
    members: serde_json::Map<String, serde_json::Value>,
) -> Result<serde_json::Map<String, serde_json::Value>, String> {
    members
        .into_iter()
        .map(|(key, value)| {
            let snake = snake_case(&key);
            if camel_case(&snake) != key {
                return Err(key);
            }
            let value = match value {
                // A document option's keys are data (event names, field paths), not names.
                serde_json::Value::Object(inner) if !Options::is_document(&snake) => {
                    serde_json::Value::Object(snake_keys(inner)?)
                }
                other => other,
            };
            Ok((snake, value))
        })
        .collect()
}

/// Where `pointer` is in this module's memory, for JavaScript to write there (the inline
/// functions take offsets into `memory.buffer`).
fn address<T>(pointer: *mut T) -> u32 {
    u32::try_from(pointer as usize).unwrap_or(0)
}

fn type_error(message: &str) -> JsValue {
    TypeError::new(message).into()
}

/// Reads the raw body into `room`, whose first bytes it then is: the body's length in bytes.
/// `room` keeps its length between calls (it only grows), so a body costs one call into
/// JavaScript and no allocation once one as large has been seen. Bytes past `limit` are
/// neither copied nor encoded: the verdict on a body over the limit does not depend on them
/// (as in the gateway, which stops reading there), and a module's memory never shrinks.
///
/// Strings are read as their UTF-8 encoding; a string holding a lone surrogate has none (no
/// bytes received from the network decode to it) and is refused with `lone_surrogate` at the
/// byte offset where the surrogate would be, rather than silently becoming U+FFFD.
fn read_body(
    body: &JsValue,
    limit: usize,
    room: &mut Vec<u8>,
) -> Result<Result<usize, Report>, JsValue> {
    let copy = |room: &mut Vec<u8>| {
        let at = address(room.as_mut_ptr());
        MEMORY.with(|memory| copy_body(memory, body, at, room.len(), limit))
    };
    let copied = copy(room);
    if copied >= 0.0 {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let length = copied as usize;
        if length > room.len() {
            // Not copied: there was no room. Now there is.
            room.resize(length, 0);
            copy(room);
        }
        return Ok(Ok(length));
    }
    if let Some(text) = body.dyn_ref::<js_sys::JsString>() {
        // Encoded straight into this module's memory by the engine's TextEncoder (a UTF-16
        // unit takes at most three bytes); wasm-bindgen's own string passing copies ASCII one
        // character at a time in JavaScript, which made strings the slow kind of body.
        let capacity = (text.length() as usize).saturating_mul(3).min(limit);
        if room.len() < capacity {
            room.resize(capacity, 0);
        }
        let at = address(room.as_mut_ptr());
        let written = MEMORY.with(|memory| encode_body(memory, text, at, capacity));
        if written < 0.0 {
            // Longer than `limit` once encoded: refused for its size, whatever the rest holds.
            return Ok(Ok(capacity));
        }
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let length = written as usize;
        let encoded = room.get(..length).unwrap_or_default();
        // The encoding replaced any lone surrogate with U+FFFD, so only a string that now holds
        // U+FFFD needs the check of its UTF-16.
        let suspect = encoded
            .windows(3)
            .any(|window| window == "\u{FFFD}".as_bytes());
        if suspect && !text.is_valid_utf16() {
            let offset = lone_surrogate_offset(text);
            return Ok(Err(Report::unreadable(&IntakeError {
                kind: IntakeErrorKind::LoneSurrogate,
                position: Some(Position::at_offset(encoded, offset)),
                instance_location: String::new(),
            })));
        }
        return Ok(Ok(length));
    }
    Err(type_error(
        "body must be the raw request body: a Uint8Array, Buffer, ArrayBuffer or string \
         (a parsed object has already lost duplicate keys and number precision)",
    ))
}

/// A report's findings, in the core's serialization (the same shape every host writes), for
/// the one `JSON.parse` a report with findings costs.
#[derive(Serialize)]
struct JsFindings<'a> {
    errors: &'a [Finding],
    warnings: &'a [Finding],
    #[serde(skip_serializing_if = "Omitted::is_none")]
    omitted: Omitted,
}

// (Exports are `export function` lines only: the `js` recipe rewrites those for the CommonJS
// build, where wasm-bindgen copies this text as it is.)
#[wasm_bindgen(inline_js = r#"
// A view of the module's memory, made again only when the memory grows (which replaces its
// buffer): a copy then costs one call and no new view.
let memoryView = null;
function memoryBytes(memory) {
  // Growing the memory detaches the old buffer, whose views then have no bytes (asking the
  // memory for its buffer on every call cost more than the copy).
  if (memoryView === null || memoryView.byteLength === 0) memoryView = new Uint8Array(memory.buffer);
  return memoryView;
}

// A Uint8Array (a Buffer is one) or ArrayBuffer body: copies its first `limit` bytes to `at`
// when they fit in `room`, and returns how many there are; -1 for any other kind of body.
export function hookguardCopyBody(memory, body, at, room, limit) {
  const bytes = body instanceof Uint8Array ? body : body instanceof ArrayBuffer ? new Uint8Array(body) : null;
  if (bytes === null) return -1;
  const length = Math.min(bytes.length, limit);
  if (length <= room) memoryBytes(memory).set(length === bytes.length ? bytes : bytes.subarray(0, length), at);
  return length;
}

let optionSlots = null;
export function hookguardReadOptions(options, names, kinds, memory, at) {
  if (optionSlots === null || optionSlots.byteLength === 0) optionSlots = new Float64Array(memory.buffer);
  if (typeof options !== 'object' || Array.isArray(options)) return 'options must be an object';
  let present = 0;
  for (const key of Object.keys(options)) {
    const index = names.indexOf(key);
    if (index === -1) return `options: unknown option ${JSON.stringify(key)} (known: ${names.join(', ')})`;
    const value = options[key];
    if (value === undefined || value === null) continue;
    if (kinds[index] === 'o') {
      if (typeof value !== 'object' || Array.isArray(value)) return `options: ${key} must be an object, not ${Array.isArray(value) ? 'an array' : typeof value}`;
      present |= 1 << index;
      continue;
    }
    const kind = kinds[index] === 'b' ? 'boolean' : 'number';
    if (typeof value !== kind) return `options: ${key} must be a ${kind}, not ${typeof value}`;
    optionSlots[at / 8 + index] = value === true ? 1 : value === false ? 0 : value;
    present |= 1 << index;
  }
  return present;
}

let encoder = null;
export function hookguardEncodeBody(memory, text, at, capacity) {
  encoder ??= new TextEncoder();
  const { read, written } = encoder.encodeInto(text, memoryBytes(memory).subarray(at, at + capacity));
  return read === text.length ? written : -1;
}

/**
 * An answer as JavaScript sees it, in one call: the status, the verdict, whether it passes, and
 * for a refusal the problem document's text and the header fields to send with it (as JSON
 * text: the core's names, lower case and distinct).
 */
export function hookguardAnswer(status, verdict, passes, problem, headersJson) {
  return answerObject(status, verdict, passes, problem, headersJson);
}

// (The exported functions call each other through these: the CommonJS build rewrites an
// `export function f` to `exports.f = function f`, which binds no `f` for its neighbours.)
function answerObject(status, verdict, passes, problem, headersJson) {
  const answer = { status, verdict, passes };
  if (!passes) {
    answer.problem = problem;
    answer.headers = JSON.parse(headersJson);
  }
  return answer;
}

/**
 * An admission as JavaScript sees it, in one call: the answer (as `hookguardAnswer`), `result`
 * (the one `given`, or made from the report's parts when `valid` is a boolean), `signature`,
 * `requestId`, `delivery` when it passes, and `claimToken` when it holds a claim. Made with
 * the keys written out here: building it from WebAssembly key by key (a string decoded and a
 * `Reflect.set` crossing per key, the delivery spread from the result) cost more than checking
 * the body did.
 */
export function hookguardAdmission(status, verdict, passes, problem, headersJson, given, valid, kind, eventName, sourceEventName, findingsJson, normalizedJson, signature, requestId, claimToken) {
  const admission = answerObject(status, verdict, passes, problem, headersJson);
  const made = given === undefined && valid !== undefined;
  const result = made ? resultObject(valid, kind, eventName, sourceEventName, findingsJson, normalizedJson) : given;
  if (result !== undefined) admission.result = result;
  if (signature !== undefined) admission.signature = signature;
  if (requestId !== undefined) admission.requestId = requestId;
  if (passes && result !== undefined) {
    // The record a handler is given: the result with what the Gate found of its signature.
    admission.delivery = made ? deliveryOf(result, signature, requestId) : { ...result, signature, requestId };
  }
  if (claimToken !== undefined) admission.claimToken = claimToken;
  return admission;
}

// A result made here, copied member by member with the signature's two beside it: what
// `{ ...result, signature, requestId }` makes (the same members in the same order, `normalized`
// read), without the spread's slow path.
function deliveryOf(result, signature, requestId) {
  const delivery = {
    valid: result.valid,
    delivery: result.delivery,
    eventName: result.eventName,
    sourceEventName: result.sourceEventName,
    errors: result.errors,
    warnings: result.warnings,
  };
  if (result.omitted !== undefined) delivery.omitted = result.omitted;
  if (result.normalizedJson !== undefined) {
    delivery.normalized = result.normalized;
    delivery.normalizedJson = result.normalizedJson;
  }
  delivery.signature = signature;
  delivery.requestId = requestId;
  return delivery;
}

/**
 * Builds the object `validate` and `normalize` return, in one call from WebAssembly: strings
 * known to the catalog arrive as JavaScript strings made once, findings (rare in real traffic)
 * as one JSON text, and the normalized payload is parsed only when `normalized` is read.
 */
export function hookguardResult(valid, delivery, eventName, sourceEventName, findingsJson, normalizedJson) {
  return resultObject(valid, delivery, eventName, sourceEventName, findingsJson, normalizedJson);
}

function resultObject(valid, delivery, eventName, sourceEventName, findingsJson, normalizedJson) {
  const findings = findingsJson === undefined ? undefined : JSON.parse(findingsJson);
  const result = {
    valid,
    delivery,
    eventName,
    sourceEventName,
    errors: findings === undefined ? [] : findings.errors,
    warnings: findings === undefined ? [] : findings.warnings,
  };
  if (findings !== undefined && findings.omitted !== undefined) result.omitted = findings.omitted;
  if (normalizedJson !== undefined) {
    // Read on first use, then kept as a plain property (spread, JSON.stringify and
    // structuredClone read it like any other).
    Object.defineProperty(result, 'normalized', {
      enumerable: true,
      configurable: true,
      get() {
        const normalized = JSON.parse(normalizedJson);
        Object.defineProperty(result, 'normalized', { value: normalized, enumerable: true, configurable: true, writable: true });
        return normalized;
      },
      set(value) {
        Object.defineProperty(result, 'normalized', { value, enumerable: true, configurable: true, writable: true });
      },
    });
    result.normalizedJson = normalizedJson;
  }
  return result;
}
"#)]
extern "C" {
    /// Copies a bytes body's first `limit` bytes to `at` if they fit in `room`: how many
    /// there are, or -1 when the body is not bytes.
    #[wasm_bindgen(js_name = hookguardCopyBody)]
    fn copy_body(memory: &JsValue, body: &JsValue, at: u32, room: usize, limit: usize) -> f64;

    /// Encodes a string body as UTF-8 into this module's memory at `at`, at most `capacity`
    /// bytes: the number of bytes written, or -1 when the encoding is longer.
    #[wasm_bindgen(js_name = hookguardEncodeBody)]
    fn encode_body(memory: &JsValue, text: &js_sys::JsString, at: u32, capacity: usize) -> f64;

    /// Reads an options object: a bit per option present (its value written into the
    /// `f64` slot at `at` + 8 × its index), or the message of a `TypeError`.
    #[wasm_bindgen(js_name = hookguardReadOptions)]
    fn read_option_slots(
        options: &JsValue,
        names: &JsValue,
        kinds: &JsValue,
        memory: &JsValue,
        at: u32,
    ) -> JsValue;

    /// See the JavaScript above: an answer object in one call.
    #[wasm_bindgen(js_name = hookguardAnswer)]
    fn answer_parts_object(
        status: u16,
        verdict: &JsValue,
        passes: bool,
        problem: Option<&str>,
        headers_json: Option<&str>,
    ) -> JsValue;

    /// See the JavaScript above: an admission object in one call.
    #[wasm_bindgen(js_name = hookguardAdmission)]
    #[allow(clippy::too_many_arguments)]
    fn admission_parts_object(
        status: u16,
        verdict: &JsValue,
        passes: bool,
        problem: Option<&str>,
        headers_json: Option<&str>,
        given: &JsValue,
        valid: Option<bool>,
        kind: &JsValue,
        event_name: &JsValue,
        source_event_name: &JsValue,
        findings_json: Option<String>,
        normalized_json: Option<&str>,
        signature: &JsValue,
        request_id: &JsValue,
        claim_token: Option<f64>,
    ) -> JsValue;

    #[wasm_bindgen(js_name = hookguardResult)]
    fn result_object(
        valid: bool,
        delivery: &JsValue,
        event_name: &JsValue,
        source_event_name: &JsValue,
        findings_json: Option<String>,
        normalized_json: Option<&str>,
    ) -> JsValue;
}

thread_local! {
    /// The room bodies are read into, kept between calls ([`read_body`]).
    static BODY: Cell<Vec<u8>> = const { Cell::new(Vec::new()) };

    /// This module's memory, for [`copy_body`], [`encode_body`] and [`read_option_slots`].
    static MEMORY: JsValue = wasm_bindgen::memory();

    /// [`option_names`] as a JavaScript array and string, made once.
    static OPTION_NAMES: (JsValue, JsValue) = {
        let (names, kinds) = option_names();
        let names: js_sys::Array = names.iter().map(|name| JsValue::from_str(name)).collect();
        (names.into(), JsValue::from_str(&kinds))
    };

    /// See [`NameCache`].
    static NAMES: RefCell<NameCache> = RefCell::new(NameCache::default());
}

/// The JavaScript strings for the catalog's names (event names, delivery kinds, verdicts,
/// object keys read back), made on first use and passed by reference afterwards: decoding the
/// same UTF-8 on every call was a good part of what a result cost. Keyed by the name's address:
/// names are statics (a linear scan over some seventy of them showed in profiles).
#[derive(Default)]
struct NameCache {
    /// Where each name's string is in `strings`.
    slots: HashMap<(usize, usize), usize, BuildHasherDefault<AddressHasher>>,
    strings: Vec<JsValue>,
}

impl NameCache {
    /// Where `name`'s string is (made now if new): one lookup, then borrowed by index.
    fn index(&mut self, name: &'static str) -> usize {
        let next = self.strings.len();
        let index = *self
            .slots
            .entry((name.as_ptr() as usize, name.len()))
            .or_insert(next);
        if index == next {
            self.strings.push(JsValue::from_str(name));
        }
        index
    }
}

/// A hasher for addresses: they are already spread, and SipHash cost more than the lookup.
#[derive(Default)]
struct AddressHasher(u64);

impl Hasher for AddressHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.write_u64(u64::from(*byte));
        }
    }

    fn write_usize(&mut self, value: usize) {
        self.write_u64(value as u64);
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = (self.0.rotate_left(5) ^ value).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

/// Hands `make` the cached JavaScript strings for `names` (null for `None`), borrowed rather
/// than cloned (a clone is a trip through the externref table).
fn with_names<const N: usize, T>(
    names: [Option<&'static str>; N],
    make: impl FnOnce([&JsValue; N]) -> T,
) -> T {
    NAMES.with(|cache| {
        // The cache is borrowed across `make`'s call into JavaScript. Should that call ever
        // throw, or come back into this module (a getter on an object it reads), the borrow would
        // stay taken, with no unwinding through WebAssembly to end it: then strings are made
        // afresh, rather than a panic on every later call.
        let Ok(mut cache) = cache.try_borrow_mut() else {
            let fresh = names.map(|name| name.map_or(JsValue::NULL, JsValue::from_str));
            return make(fresh.each_ref());
        };
        // Each looked up (made if new) first, then all borrowed.
        let indices = names.map(|name| name.map(|name| cache.index(name)));
        let null = JsValue::NULL;
        make(indices.map(|index| {
            index
                .and_then(|index| cache.strings.get(index))
                .unwrap_or(&null)
        }))
    })
}

/// A report's kind of delivery, as JavaScript names it.
fn delivery_kind(report: &Report) -> Option<&'static str> {
    report.delivery.map(|delivery| match delivery {
        Delivery::Event => "event",
        Delivery::Test => "test",
    })
}

/// A report's findings as one JSON text (the core's serialization), or `None` for a report
/// without any: most deliveries, which then cost no text.
fn findings_json(report: &Report) -> Result<Option<String>, JsValue> {
    if report.errors.is_empty() && report.warnings.is_empty() && report.omitted.is_none() {
        return Ok(None);
    }
    let findings = JsFindings {
        errors: &report.errors,
        warnings: &report.warnings,
        omitted: report.omitted,
    };
    serde_json::to_string(&findings)
        .map(Some)
        .map_err(|error| JsValue::from(js_sys::Error::new(&error.to_string())))
}

/// The result object of a report, in JavaScript's naming.
fn result_of(report: &Report) -> Result<JsValue, JsValue> {
    let findings = findings_json(report)?;
    let normalized = report
        .normalized
        .as_ref()
        .map(hookguard::Normalized::as_str);
    Ok(with_names(
        [
            delivery_kind(report),
            report.event_name,
            report.source_event_name,
        ],
        |[kind, event_name, source_event_name]| {
            result_object(
                report.valid,
                kind,
                event_name,
                source_event_name,
                findings,
                normalized,
            )
        },
    ))
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
    let (core, normalize) = read_options(options)?;
    let past_limit = usize::try_from(core.max_bytes)
        .unwrap_or(usize::MAX)
        .saturating_add(1);
    let normalize = force_normalize || normalize;
    // The room is handed back on every path, an error included, for the next call.
    let mut room = BODY.take();
    let report = match read_body(body, past_limit, &mut room) {
        Ok(Ok(length)) => judge(room.get(..length).unwrap_or_default(), core, normalize),
        Ok(Err(refused)) => Ok(refused),
        Err(error) => Err(error),
    };
    BODY.set(room);
    result_of(&report?)
}

/// The report on a body read in, from the validator kept between calls (with `core` options).
fn judge(bytes: &[u8], core: Options, normalize: bool) -> Result<Report, JsValue> {
    VALIDATOR.with(|cell| {
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
            validator.normalize(bytes)
        } else {
            validator.validate(bytes)
        })
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

/// What `verify` says, in JavaScript's naming.
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
        // Reflect's calls return the engine's exception (a proxy's trap, a throwing getter) as
        // an error instead of unwinding through this module.
        for key in js_sys::Reflect::own_keys(headers)?.iter() {
            if !key
                .as_string()
                .is_some_and(|key| key.eq_ignore_ascii_case(name))
            {
                continue;
            }
            let value = js_sys::Reflect::get(headers, &key)?;
            match value.dyn_ref::<js_sys::Array>() {
                Some(items) => values.extend(items.iter()),
                None => values.push(value),
            }
        }
    }
    Ok(values
        .into_iter()
        .filter_map(|value| value.as_string())
        .map(|value| (name, value.into_bytes()))
        .collect())
}

/// The signature headers of a request, as the core reads them (repeats kept, to be refused).
/// Refuses headers that are neither an object (Node's `req.headers`) nor a fetch `Headers`.
fn headers_shape(headers: &JsValue) -> Result<(), JsValue> {
    if !headers.is_object() || headers.is_function() {
        return Err(type_error(
            "headers must be an object (Node's req.headers) or a fetch Headers",
        ));
    }
    Ok(())
}

fn delivery_fields(headers: &JsValue) -> Result<Vec<(&'static str, Vec<u8>)>, JsValue> {
    use hookguard::signature::{REQUEST_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER};
    headers_shape(headers)?;
    let mut fields = Vec::new();
    for name in [SIGNATURE_HEADER, TIMESTAMP_HEADER, REQUEST_ID_HEADER] {
        fields.extend(header_fields(headers, name)?);
    }
    Ok(fields)
}

/// A clock reading in Unix seconds: `now` as given (a finite number), or the engine's clock.
/// A method's `now` argument: Unix seconds, or the clock when absent.
fn clock(now: &JsValue) -> Result<i64, JsValue> {
    match now {
        value if value.is_undefined() || value.is_null() => unix_seconds(None),
        value => match value.as_f64() {
            Some(seconds) => unix_seconds(Some(seconds)),
            None => Err(type_error("now must be a number of Unix seconds")),
        },
    }
}

fn unix_seconds(now: Option<f64>) -> Result<i64, JsValue> {
    match now {
        #[allow(clippy::cast_possible_truncation)]
        Some(now) if now.is_finite() => Ok(now.floor() as i64),
        Some(_) => Err(type_error("now must be a finite number of Unix seconds")),
        #[allow(clippy::cast_possible_truncation)]
        None => Ok((js_sys::Date::now() / 1000.0).floor() as i64),
    }
}

/// The whole body as bytes, for a signature (the HMAC covers every byte). A string body that
/// has no UTF-8 encoding cannot be the signed bytes: checked as its U+FFFD-substituted
/// encoding, it does not match.
fn whole_body(body: &JsValue) -> Result<Vec<u8>, JsValue> {
    let mut room = Vec::new();
    Ok(match read_body(body, usize::MAX, &mut room)? {
        Ok(length) => {
            room.truncate(length);
            room
        }
        Err(_) => body.as_string().unwrap_or_default().into_bytes(),
    })
}

/// Checks a delivery's signature (`Webhook-Signature`, `Webhook-Timestamp`,
/// `Webhook-Request-Id`) against the configured secrets. An unsigned or tampered delivery is a
/// result (`authentic: false` with a `code`), never an exception. The options are the core's
/// `signature` settings in JavaScript's spelling, and `now`.
#[wasm_bindgen(skip_typescript)]
pub fn verify(headers: &JsValue, body: &JsValue, options: &JsValue) -> Result<JsValue, JsValue> {
    use hookguard::gate::{Authenticity, SignaturePolicy};
    let fields = delivery_fields(headers)?;
    if !options.is_object() || options.is_function() || js_sys::Array::is_array(options) {
        return Err(type_error(
            "options must be an object with secrets (and toleranceSeconds, now)",
        ));
    }
    let (members, host) = read_members(options, "options", &["now"])?;
    // Anything but a number reads as not finite, and is refused as such.
    let now = unix_seconds(host.get("now").map(|now| now.as_f64().unwrap_or(f64::NAN)))?;
    let policy = SignaturePolicy::from_members(members, &[]).map_err(|error| {
        type_error(&format!(
            "options: {}",
            in_javascript_names(&error.to_string())
        ))
    })?;
    let gate = hookguard::Gate::new(hookguard::GateConfig {
        signature: Some(policy),
        ..hookguard::GateConfig::default()
    })
    .map_err(|error| gate_error(error, "options", &["now"]))?;
    let bytes = whole_body(body)?;
    let delivery =
        DeliveryHeaders::from_pairs(fields.iter().map(|(name, value)| (*name, value.as_slice())));
    let verdict = match gate.verify(&delivery, &bytes, now) {
        Authenticity::Verified {
            request_id,
            timestamp,
            secret_index,
        } => JsVerdict {
            authentic: true,
            request_id: Some(request_id),
            timestamp: Some(timestamp),
            secret_index: Some(secret_index),
            code: None,
            error: None,
        },
        Authenticity::Refused(error) => JsVerdict {
            authentic: false,
            request_id: None,
            timestamp: None,
            secret_index: None,
            code: Some(error.kind.code()),
            error: Some(error.to_string()),
        },
        // A verifier is configured, so no other outcome arises without a memory.
        other => JsVerdict {
            authentic: false,
            request_id: None,
            timestamp: None,
            secret_index: None,
            code: other.failure_code(),
            error: None,
        },
    };
    to_js(&verdict)
}

/// The gate every hookguard host puts in front of a service, for a JavaScript receiver: the
/// same configuration (in JavaScript's spelling), the same conclusions, and the same answers
/// (status, headers and problem documents), byte for byte, as the gateway filter. It claims the
/// request ids of authentic deliveries in this process's memory (`admit`); for replicas sharing
/// one store, `examine` leaves the claim to ask the store for (`hookguard/shared` does, with the
/// core's commands), and `conclude` finishes the same admission with its reply.
#[wasm_bindgen(js_name = Gate, skip_typescript)]
pub struct JsGate {
    gate: hookguard::Gate,
    /// Borrowed only while the gate concludes, never across a call into JavaScript: an
    /// exception thrown by the caller's objects cannot leave it taken.
    memory: RefCell<hookguard::gate::InProcessMemory>,
    /// Admissions `examine` left waiting for a store's claim, until `conclude` finishes them.
    waiting: RefCell<Waiting>,
}

/// Admissions waiting for a shared store's claim, by the number their `pendingClaim` carries.
/// A store call is bounded by the caller's timeout, so few wait at once; past
/// [`Waiting::CAPACITY`] the oldest is dropped (its `conclude` then answers 500, and the
/// sender retries: nothing is lost). Each is kept without its normalized payload (the
/// JavaScript result already holds it).
#[derive(Default)]
struct Waiting {
    next: u32,
    admissions: std::collections::VecDeque<(u32, hookguard::Admission)>,
}

impl Waiting {
    const CAPACITY: usize = 1024;

    fn keep(&mut self, mut admission: hookguard::Admission) -> u32 {
        if let Some(report) = admission.report.as_mut() {
            report.normalized = None;
        }
        if self.admissions.len() >= Waiting::CAPACITY {
            self.admissions.pop_front();
        }
        self.next = self.next.wrapping_add(1);
        self.admissions.push_back((self.next, admission));
        self.next
    }

    fn take(&mut self, number: u32) -> Option<hookguard::Admission> {
        let at = self
            .admissions
            .iter()
            .position(|(kept, _)| *kept == number)?;
        self.admissions.remove(at).map(|(_, admission)| admission)
    }
}

/// Which memory a conclusion asks.
enum Memory {
    /// The gate's own, in this process.
    Process,
    /// The caller's: not yet asked (`None`), or its answer.
    Asked(Option<hookguard::gate::Claim>),
}

/// A JavaScript number that is a whole number of at least zero (a token, a count of seconds).
fn whole_number(value: &JsValue) -> Option<u64> {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    value
        .as_f64()
        .filter(|number| number.is_finite() && *number >= 0.0 && number.fract() == 0.0)
        .map(|number| number as u64)
}

/// A claim's answer as JavaScript gives it (`conclude`).
fn read_claim(claim: &JsValue) -> Result<hookguard::gate::Claim, JsValue> {
    const SHAPE: &str = "claim must be { state: 'taken', token } or { state: 'in_flight', \
                         lapsesInSeconds } or { state: 'delivered' }";
    if !claim.is_object() {
        return Err(type_error(SHAPE));
    }
    let member = |name: &str| js_sys::Reflect::get(claim, &JsValue::from_str(name));
    let whole = |value: JsValue| whole_number(&value).ok_or_else(|| type_error(SHAPE));
    match member("state")?.as_string().as_deref() {
        Some("taken") => Ok(hookguard::gate::Claim::Taken {
            token: whole(member("token")?)?,
            evicted_unexpired: false,
        }),
        Some("in_flight") => Ok(hookguard::gate::Claim::InFlight {
            lapses_in_seconds: whole(member("lapsesInSeconds")?)?,
        }),
        Some("delivered") => Ok(hookguard::gate::Claim::Delivered),
        _ => Err(type_error(SHAPE)),
    }
}

/// A status argument: a whole number from 100 to 999, whose outcome the core decides.
fn status_outcome(status: &JsValue) -> Result<hookguard::gate::Outcome, JsValue> {
    whole_number(status)
        .and_then(|status| u16::try_from(status).ok())
        .filter(|status| (100..1000).contains(status))
        .map(hookguard::gate::Outcome::of_status)
        .ok_or_else(|| type_error("status must be an HTTP status code (a whole number, 100-999)"))
}

/// A settle's outcome: `'delivered'`, `'failed'`, or the status the service answered with.
fn outcome_argument(outcome: &JsValue) -> Result<hookguard::gate::Outcome, JsValue> {
    match outcome.as_string().as_deref() {
        Some(label) => hookguard::gate::Outcome::of_label(label).ok_or_else(|| {
            type_error(
                "outcome must be 'delivered', 'failed' or the HTTP status your service answered",
            )
        }),
        None => status_outcome(outcome).map_err(|_| {
            type_error(
                "outcome must be 'delivered', 'failed' or the HTTP status your service answered",
            )
        }),
    }
}

/// A store policy as JavaScript names it (`'refuse'`, `'process'`).
fn store_policy(policy: &JsValue) -> Result<hookguard::store::StorePolicy, JsValue> {
    policy
        .as_string()
        .as_deref()
        .and_then(hookguard::store::StorePolicy::of_label)
        .ok_or_else(|| type_error("policy must be 'refuse' or 'process'"))
}

/// A pending claim's members the store protocol needs (`examine`'s `pendingClaim`).
fn pending_members(pending: &JsValue) -> Result<(String, hookguard::gate::Lifetimes), JsValue> {
    const SHAPE: &str =
        "pending must be a pendingClaim: { requestId, inFlightSeconds, deliveredSeconds }";
    if !pending.is_object() {
        return Err(type_error(SHAPE));
    }
    let member = |name: &str| js_sys::Reflect::get(pending, &JsValue::from_str(name));
    let seconds = |value: JsValue| whole_number(&value).ok_or_else(|| type_error(SHAPE));
    let request_id = member("requestId")?
        .as_string()
        .ok_or_else(|| type_error(SHAPE))?;
    Ok((
        request_id,
        hookguard::gate::Lifetimes {
            in_flight_seconds: seconds(member("inFlightSeconds")?)?,
            delivered_seconds: seconds(member("deliveredSeconds")?)?,
        },
    ))
}

/// What a store command is built from: the keys' prefix, the pending claim's request id and
/// lifetimes, and the claim's token.
fn store_arguments(
    prefix: &JsValue,
    pending: &JsValue,
    token: &JsValue,
) -> Result<(String, String, hookguard::gate::Lifetimes, u64), JsValue> {
    let prefix = prefix
        .as_string()
        .ok_or_else(|| type_error("prefix must be a string"))?;
    let (request_id, lifetimes) = pending_members(pending)?;
    let token = whole_number(token).ok_or_else(|| type_error("token must be a whole number"))?;
    Ok((prefix, request_id, lifetimes, token))
}

/// The arguments of a Redis command, as an array of strings.
fn command_array(arguments: &[String]) -> JsValue {
    arguments
        .iter()
        .map(|argument| JsValue::from_str(argument))
        .collect::<js_sys::Array>()
        .into()
}

/// The command that claims a pending claim's request id in Redis for the claim `token`
/// identifies (the core's protocol: one script, the same keys as every host). For
/// `hookguard/shared`; any Redis client sends it as it is.
#[wasm_bindgen(js_name = storeClaimCommand, skip_typescript)]
pub fn store_claim_command(
    prefix: &JsValue,
    pending: &JsValue,
    token: &JsValue,
) -> Result<JsValue, JsValue> {
    let (prefix, request_id, lifetimes, token) = store_arguments(prefix, pending, token)?;
    Ok(command_array(&hookguard::store::claim_command(
        &prefix,
        &request_id,
        token,
        lifetimes,
    )))
}

/// The command that ends the claim `token` holds on a pending claim's request id with
/// `outcome` (`'delivered'`, `'failed'`, or the service's status).
#[wasm_bindgen(js_name = storeSettleCommand, skip_typescript)]
pub fn store_settle_command(
    prefix: &JsValue,
    pending: &JsValue,
    token: &JsValue,
    outcome: &JsValue,
) -> Result<JsValue, JsValue> {
    let (prefix, request_id, lifetimes, token) = store_arguments(prefix, pending, token)?;
    let outcome = outcome_argument(outcome)?;
    let ticket = hookguard::gate::Ticket { request_id, token };
    Ok(command_array(&hookguard::store::settle_command(
        &prefix, &ticket, outcome, lifetimes,
    )))
}

/// What the store's reply to a claim command means, as `conclude` takes it: `{ state:
/// 'taken', token }`, `{ state: 'in_flight', lapsesInSeconds }` or `{ state: 'delivered' }`;
/// `undefined` for a reply that is not the protocol's (treat the store as unreachable).
#[wasm_bindgen(js_name = storeClaimOfReply, skip_typescript)]
pub fn store_claim_of_reply(reply: &JsValue, token: &JsValue) -> Result<JsValue, JsValue> {
    let token = whole_number(token).ok_or_else(|| type_error("token must be a whole number"))?;
    let Some(parts) = reply.dyn_ref::<js_sys::Array>() else {
        return Ok(JsValue::UNDEFINED);
    };
    let (Some(state), Some(milliseconds)) = (parts.get(0).as_string(), parts.get(1).as_f64())
    else {
        return Ok(JsValue::UNDEFINED);
    };
    #[allow(clippy::cast_possible_truncation)]
    let milliseconds = if milliseconds.is_finite() {
        milliseconds as i64
    } else {
        0
    };
    let claim = hookguard::store::claim_of_reply(&state, milliseconds, token);
    let object = js_sys::Object::new();
    let set =
        |key: &str, value: JsValue| js_sys::Reflect::set(&object, &JsValue::from_str(key), &value);
    match claim {
        None => return Ok(JsValue::UNDEFINED),
        Some(hookguard::gate::Claim::Taken { token, .. }) => {
            set("state", JsValue::from_str("taken"))?;
            #[allow(clippy::cast_precision_loss)]
            set("token", JsValue::from(token as f64))?;
        }
        Some(hookguard::gate::Claim::InFlight { lapses_in_seconds }) => {
            set("state", JsValue::from_str("in_flight"))?;
            #[allow(clippy::cast_precision_loss)]
            set("lapsesInSeconds", JsValue::from(lapses_in_seconds as f64))?;
        }
        Some(hookguard::gate::Claim::Delivered) => {
            set("state", JsValue::from_str("delivered"))?;
        }
    }
    Ok(object.into())
}

/// The line a host logs when the shared store failed: `step` is `'claim'` (with the policy
/// that then answers) or `'settle'`; `reason` names the failure (never an id or a value).
#[wasm_bindgen(js_name = storeFailureLine, skip_typescript)]
pub fn store_failure_line(
    step: &JsValue,
    reason: &JsValue,
    policy: &JsValue,
) -> Result<String, JsValue> {
    let reason = reason.as_string().unwrap_or_default();
    match step.as_string().as_deref() {
        Some("claim") => Ok(store_policy(policy)?.claim_failed_line(&reason)),
        Some("settle") => Ok(hookguard::store::settle_failed_line(&reason)),
        _ => Err(type_error("step must be 'claim' or 'settle'")),
    }
}

/// The keys' prefix every host uses unless configured otherwise.
#[wasm_bindgen(js_name = storeKeyPrefix, skip_typescript)]
pub fn store_key_prefix() -> String {
    hookguard::store::DEFAULT_KEY_PREFIX.to_owned()
}

/// A refusal's problem document and the header fields to send with it (as a JSON object's
/// text), for JavaScript; `None` for an answer that passes.
fn refusal_texts(
    answer: &hookguard::Answer<'_>,
    shape: &hookguard::ProblemShape,
) -> (Option<String>, Option<String>) {
    if answer.verdict.passes() {
        return (None, None);
    }
    let problem = String::from_utf8_lossy(&answer.problem_json(shape)).into_owned();
    (Some(problem), Some(headers_json(&answer.headers())))
}

/// Header fields as a JSON object's text, in their order (names are the core's, lower case and
/// distinct).
fn headers_json(fields: &[(&'static str, String)]) -> String {
    let mut out = String::from("{");
    for (index, (name, value)) in fields.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        // Writing a string to a String does not fail.
        out.push_str(&serde_json::to_string(name).unwrap_or_default());
        out.push(':');
        out.push_str(&serde_json::to_string(value).unwrap_or_default());
    }
    out.push('}');
    out
}

/// An answer as JavaScript sees it: the status, the verdict, and for a refusal the problem
/// document's text and the header fields to send with it (its media type, `allow` on a 405,
/// `retry-after` for a copy to come back, the mark of an acknowledged duplicate).
fn answer_object(answer: &hookguard::Answer<'_>, shape: &hookguard::ProblemShape) -> JsValue {
    let (problem, headers) = refusal_texts(answer, shape);
    with_names([Some(answer.verdict.label())], |[verdict]| {
        answer_parts_object(
            answer.status(),
            verdict,
            answer.verdict.passes(),
            problem.as_deref(),
            headers.as_deref(),
        )
    })
}

#[wasm_bindgen(js_class = Gate)]
impl JsGate {
    /// Builds a gate; a configuration error is a TypeError or RangeError naming the option.
    #[wasm_bindgen(constructor)]
    pub fn new(config: &JsValue) -> Result<JsGate, JsValue> {
        let (members, host) = read_members(config, "config", &["replay_slots"])?;
        let config = hookguard::GateConfig::from_members(members, &[])
            .map_err(|error| gate_error(error, "config", &["replay_slots"]))?;
        let slots = match host.get("replay_slots") {
            None => None,
            Some(value) => Some(
                value
                    .as_u64()
                    .filter(|slots| *slots > 0)
                    .and_then(|slots| usize::try_from(slots).ok())
                    .ok_or_else(|| {
                        JsValue::from(RangeError::new(
                            "config: replaySlots must be a whole number greater than zero",
                        ))
                    })?,
            ),
        };
        let gate = hookguard::Gate::new(config)
            .map_err(|error| gate_error(error, "config", &["replay_slots"]))?;
        Ok(JsGate {
            gate,
            memory: RefCell::new(slots.map_or_else(
                hookguard::gate::InProcessMemory::default,
                hookguard::gate::InProcessMemory::new,
            )),
            waiting: RefCell::new(Waiting::default()),
        })
    }

    /// The largest body accepted, in bytes.
    #[wasm_bindgen(getter, js_name = maxBytes)]
    pub fn max_bytes(&self) -> f64 {
        #[allow(clippy::cast_precision_loss)]
        let bytes = self.gate.max_bytes() as f64;
        bytes
    }

    /// How many bytes of a body to read at most (`maxBytes + 1`: enough to know it is too
    /// large).
    #[wasm_bindgen(getter, js_name = readLimit)]
    pub fn read_limit(&self) -> f64 {
        #[allow(clippy::cast_precision_loss)]
        let bytes = self.gate.read_limit() as f64;
        bytes
    }

    /// The outcome of a delivery your service answered with `status`: `'delivered'` for a 2xx,
    /// `'failed'` otherwise (the core's rule, the same in every host).
    #[wasm_bindgen(js_name = outcomeOf)]
    pub fn outcome_of(&self, status: &JsValue) -> Result<JsValue, JsValue> {
        Ok(JsValue::from_str(status_outcome(status)?.label()))
    }

    /// The answer when your handler failed (threw, or rejected): 500 with a problem document,
    /// so that the sender retries. `{ status, headers, problem }`.
    #[wasm_bindgen(js_name = handlerFailed)]
    pub fn handler_failed(&self) -> JsValue {
        let reply = hookguard::Reply::handler_failed();
        let problem = String::from_utf8_lossy(&reply.body);
        let headers = headers_json(&reply.headers);
        with_names([Some("handler_failed")], |[verdict]| {
            answer_parts_object(reply.status, verdict, false, Some(&problem), Some(&headers))
        })
    }

    /// What can be said from the method and headers alone: an answer to send, or `undefined`
    /// to read the body. `contentLength` is the declared length, if any. (Arguments arrive as
    /// JavaScript values and are checked here: a number where a string belongs is a TypeError,
    /// not a trap in the glue.)
    pub fn screen(
        &self,
        method: &JsValue,
        content_type: &JsValue,
        content_length: &JsValue,
    ) -> Result<JsValue, JsValue> {
        let Some(method) = method.as_string() else {
            return Err(type_error("method must be a string"));
        };
        let content_type = match content_type {
            value if value.is_undefined() || value.is_null() => None,
            value => Some(value.as_string().ok_or_else(|| {
                type_error("contentType must be a string, or undefined when there is none")
            })?),
        };
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let declared = content_length
            .as_f64()
            .filter(|length| length.is_finite() && *length >= 0.0)
            .map(|length| length as u64);
        Ok(
            match self.gate.screen(
                method.as_bytes(),
                content_type.as_deref().map(str::as_bytes),
                declared,
            ) {
                Some(answer) => answer_object(&answer, self.gate.problem_shape()),
                None => JsValue::UNDEFINED,
            },
        )
    }

    /// The whole conclusion on a delivery: `{ status, verdict, passes, problem?, headers?,
    /// result?, signature?, requestId?, claimToken? }`. `body` is the raw body (read at most
    /// one byte past `maxBytes`); `now` is the clock in Unix seconds (default: now). An
    /// authentic valid delivery claims its request id in this process's memory.
    pub fn admit(
        &self,
        headers: &JsValue,
        body: &JsValue,
        now: &JsValue,
    ) -> Result<JsValue, JsValue> {
        self.conclude_with(headers, body, now, Memory::Process)
    }

    /// The conclusion without asking any memory, for a memory of your own (a store shared by
    /// replicas): an authentic valid delivery comes back with `pendingClaim: { requestId,
    /// inFlightSeconds, deliveredSeconds, waiting }`. Claim the id in your memory, then call
    /// `conclude(examined, claim)` with its answer (or `storeUnreachable(examined, policy)`
    /// when it gave none): the body is not checked again.
    pub fn examine(
        &self,
        headers: &JsValue,
        body: &JsValue,
        now: &JsValue,
    ) -> Result<JsValue, JsValue> {
        self.conclude_with(headers, body, now, Memory::Asked(None))
    }

    /// Finishes an admission `examine` left waiting: `conclude(examined, claim)`, where
    /// `claim` is your memory's answer: `{ state: 'taken', token }` (`token` a whole number
    /// identifying the claim), `{ state: 'in_flight', lapsesInSeconds }` or
    /// `{ state: 'delivered' }`. (The older form `conclude(headers, body, now, claim)` checks the
    /// body again and concludes on it.)
    pub fn conclude(
        &self,
        examined: &JsValue,
        claim_or_body: &JsValue,
        now: &JsValue,
        legacy_claim: &JsValue,
    ) -> Result<JsValue, JsValue> {
        if !legacy_claim.is_undefined() {
            // conclude(headers, body, now, claim): the arguments are named for the newer form.
            let claim = read_claim(legacy_claim)?;
            return self.conclude_with(examined, claim_or_body, now, Memory::Asked(Some(claim)));
        }
        let claim = read_claim(claim_or_body)?;
        self.finish_waiting(examined, |_, admission| {
            admission.conclude(claim);
            Ok(())
        })
    }

    /// Finishes an admission `examine` left waiting when its store could not be asked (an
    /// error, no answer in time), under `policy`: `'refuse'` answers 503 `store_unavailable`
    /// with `retry-after`; `'process'` claims the id in this gate's own memory.
    #[wasm_bindgen(js_name = storeUnreachable)]
    pub fn store_unreachable(
        &self,
        examined: &JsValue,
        policy: &JsValue,
        now: &JsValue,
    ) -> Result<JsValue, JsValue> {
        let policy = store_policy(policy)?;
        let now = clock(now)?;
        self.finish_waiting(examined, |gate, admission| {
            let Ok(mut memory) = gate.memory.try_borrow_mut() else {
                return Err(
                    js_sys::Error::new("the gate is already concluding on a delivery").into(),
                );
            };
            let Ok(()) = gate
                .gate
                .store_unreachable(admission, policy, now, &mut *memory);
            Ok(())
        })
    }

    /// Takes the admission `examined` waits with, applies `finish` to it, and writes the
    /// conclusion (its result carried over from `examined`, never checked again). An admission
    /// no longer waiting (concluded already, or dropped) is answered 500, so the sender retries.
    fn finish_waiting(
        &self,
        examined: &JsValue,
        finish: impl FnOnce(&JsGate, &mut hookguard::Admission) -> Result<(), JsValue>,
    ) -> Result<JsValue, JsValue> {
        const MISUSE: &str = "examined must be what examine returned, with a pendingClaim";
        if !examined.is_object() {
            return Err(type_error(MISUSE));
        }
        let pending = js_sys::Reflect::get(examined, &JsValue::from_str("pendingClaim"))?;
        if !pending.is_object() {
            return Err(type_error(MISUSE));
        }
        let number = js_sys::Reflect::get(&pending, &JsValue::from_str("waiting"))?;
        let Some(number) = whole_number(&number).and_then(|number| u32::try_from(number).ok())
        else {
            return Err(type_error(MISUSE));
        };
        let taken = match self.waiting.try_borrow_mut() {
            Ok(mut waiting) => waiting.take(number),
            Err(_) => None,
        };
        let Some(mut admission) = taken else {
            return Ok(answer_object(
                &hookguard::Answer::not_checked(false),
                self.gate.problem_shape(),
            ));
        };
        finish(self, &mut admission)?;
        let result = js_sys::Reflect::get(examined, &JsValue::from_str("result"))?;
        self.admission_object(admission, Some(result))
    }

    fn conclude_with(
        &self,
        headers: &JsValue,
        body: &JsValue,
        now: &JsValue,
        memory: Memory,
    ) -> Result<JsValue, JsValue> {
        // Everything JavaScript is read first (any of it may throw); then the gate concludes
        // in Rust alone.
        // Without signatures no header is read: checking them costs a crossing per name, and a
        // gate that verifies nothing has nothing to read them for (their shape is still checked).
        let fields = if self.gate.checks_signatures() {
            delivery_fields(headers)?
        } else {
            headers_shape(headers)?;
            Vec::new()
        };
        let now = clock(now)?;
        // The room is handed back on every path, an error included, for the next call.
        let mut room = BODY.take();
        let concluded = self.conclude_on(headers, body, now, memory, &fields, &mut room);
        BODY.set(room);
        concluded
    }

    /// [`JsGate::conclude_with`] once the headers and the clock are read, the body read into
    /// `room`.
    fn conclude_on(
        &self,
        headers: &JsValue,
        body: &JsValue,
        now: i64,
        memory: Memory,
        fields: &[(&'static str, Vec<u8>)],
        room: &mut Vec<u8>,
    ) -> Result<JsValue, JsValue> {
        // Bytes past the limit are not read: the delivery is refused for its size, first.
        let past_limit = usize::try_from(self.gate.read_limit()).unwrap_or(usize::MAX);
        let bytes = match read_body(body, past_limit, room)? {
            Ok(length) => room.get(..length).unwrap_or_default(),
            Err(refused) => {
                // A string holding a lone surrogate: no network body reads as one.
                let answer = hookguard::Answer::of_report(&refused, self.gate.max_bytes());
                let object = answer_object(&answer, self.gate.problem_shape());
                js_sys::Reflect::set(&object, &"result".into(), &result_of(&refused)?)?;
                return Ok(object);
            }
        };
        let delivery = DeliveryHeaders::from_pairs(
            fields.iter().map(|(name, value)| (*name, value.as_slice())),
        );
        let admission = match memory {
            Memory::Process => {
                let Ok(mut memory) = self.memory.try_borrow_mut() else {
                    return Err(
                        js_sys::Error::new("the gate is already concluding on a delivery").into(),
                    );
                };
                let Ok(admission) = self.gate.admit(&delivery, bytes, now, &mut *memory, None);
                admission
            }
            Memory::Asked(claim) => {
                let mut admission = self.gate.examine(&delivery, bytes, now, None);
                if let Some(claim) = claim {
                    admission.conclude(claim);
                }
                admission
            }
        };
        let keeping = self.quarantine_object(&admission, headers, &delivery, bytes, now)?;
        let object = self.admission_object(admission, None)?;
        if let Some(keeping) = keeping {
            js_sys::Reflect::set(&object, &JsValue::from_str("quarantine"), &keeping)?;
        }
        Ok(object)
    }

    /// What the quarantine keeps of a refused delivery, when it keeps it: `{ id, head, bytes,
    /// firstSeen, kept, unreachable }`. The host writes `head` then the body as entry `id`,
    /// then sends `kept` (the refusal naming the entry, or 202 with `answer: accept`), or
    /// `unreachable` when its store failed (503, or the plain refusal with `store_down:
    /// process`). Both answers are made here, so keeping costs no second crossing.
    fn quarantine_object(
        &self,
        admission: &hookguard::Admission,
        headers: &JsValue,
        delivery: &DeliveryHeaders<'_>,
        body: &[u8],
        now: i64,
    ) -> Result<Option<JsValue>, JsValue> {
        if self.gate.quarantine().is_none() || admission.verdict() != hookguard::Verdict::Invalid {
            return Ok(None);
        }
        let content_type = header_fields(headers, "content-type")?;
        let received = hookguard::gate::Received {
            headers: delivery,
            content_type: content_type.first().map(|(_, value)| value.as_slice()),
            body,
        };
        let Some(entry) = self.gate.quarantine_entry(admission, &received, now) else {
            return Ok(None);
        };
        let shape = self.gate.problem_shape();
        let (kept, unreachable) = self.gate.quarantine_answers(admission, &entry.id);
        let object = js_sys::Object::new();
        let set = |key: &str, value: &JsValue| {
            js_sys::Reflect::set(&object, &JsValue::from_str(key), value)
        };
        set("id", &JsValue::from_str(&entry.id))?;
        set("head", &JsValue::from_str(&entry.head))?;
        #[allow(clippy::cast_precision_loss)]
        {
            set("bytes", &JsValue::from(entry.len() as f64))?;
            set("firstSeen", &JsValue::from(entry.first_seen as f64))?;
        }
        set("kept", &answer_object(&kept, shape))?;
        set("unreachable", &answer_object(&unreachable, shape))?;
        Ok(Some(object.into()))
    }

    /// The quarantine as configured, in the package's names (`{ directory?, maxEntries,
    /// maxBytes, keepSeconds, unsigned, answer, storeDown }`), or `undefined` without one.
    #[wasm_bindgen(getter)]
    pub fn quarantine(&self) -> Result<JsValue, JsValue> {
        let Some(policy) = self.gate.quarantine() else {
            return Ok(JsValue::UNDEFINED);
        };
        let object = js_sys::Object::new();
        let set = |key: &str, value: &JsValue| {
            js_sys::Reflect::set(&object, &JsValue::from_str(key), value)
        };
        if let Some(directory) = &policy.directory {
            set("directory", &JsValue::from_str(directory))?;
        }
        #[allow(clippy::cast_precision_loss)]
        {
            set("maxEntries", &JsValue::from(policy.max_entries as f64))?;
            set("maxBytes", &JsValue::from(policy.max_bytes as f64))?;
            set("keepSeconds", &JsValue::from(policy.keep_seconds as f64))?;
        }
        set("unsigned", &JsValue::from(policy.unsigned))?;
        set("answer", &JsValue::from_str(policy.answer.label()))?;
        set("storeDown", &JsValue::from_str(policy.store_down.label()))?;
        Ok(object.into())
    }

    /// The line to log when the quarantine's store could not keep a refused delivery (what
    /// then happens is the configured `storeDown`); `reason` names the failure, never a value.
    #[wasm_bindgen(js_name = quarantineFailureLine)]
    pub fn quarantine_failure_line(&self, reason: &JsValue) -> String {
        let policy = self
            .gate
            .quarantine()
            .map_or(hookguard::store::StorePolicy::Refuse, |policy| {
                policy.store_down
            });
        hookguard::gate::quarantine::unreachable_line(
            policy,
            &reason.as_string().unwrap_or_default(),
        )
    }

    /// The Redis command that keeps `entry` (an admission's `quarantine`) under keys starting
    /// with `prefix`, but its last argument: append the entry's bytes (`entry.head`, then the
    /// body) and send it. Its reply is `['kept', evicted]` or `['already', 0]`.
    #[wasm_bindgen(js_name = quarantineKeepCommand)]
    pub fn quarantine_keep_command(
        &self,
        entry: &JsValue,
        prefix: &JsValue,
        now: &JsValue,
    ) -> Result<JsValue, JsValue> {
        const SHAPE: &str = "entry must be an admission's quarantine ({ id, firstSeen, ... })";
        let Some(policy) = self.gate.quarantine() else {
            return Err(type_error("this gate has no quarantine configured"));
        };
        let member = |name: &str| js_sys::Reflect::get(entry, &JsValue::from_str(name));
        if !entry.is_object() {
            return Err(type_error(SHAPE));
        }
        let (Some(id), Some(first_seen)) = (
            member("id")?.as_string(),
            member("firstSeen")?
                .as_f64()
                .filter(|seconds| seconds.is_finite()),
        ) else {
            return Err(type_error(SHAPE));
        };
        let prefix = match prefix {
            value if value.is_undefined() || value.is_null() => {
                String::from(hookguard::gate::quarantine::redis::DEFAULT_QUARANTINE_PREFIX)
            }
            value => value
                .as_string()
                .ok_or_else(|| type_error("prefix must be a string"))?,
        };
        #[allow(clippy::cast_possible_truncation)]
        let entry = hookguard::gate::Entry {
            id,
            first_seen: first_seen.floor() as i64,
            head: String::new(),
            body_len: 0,
        };
        let arguments = hookguard::gate::quarantine::redis::keep_arguments(
            &prefix,
            &entry,
            policy,
            clock(now)?,
        );
        Ok(arguments
            .iter()
            .map(|argument| JsValue::from_str(argument))
            .collect::<js_sys::Array>()
            .into())
    }

    /// Which held entries a store removes before keeping one more of `incomingBytes`:
    /// `held` is `[{ id, firstSeen, bytes }]`; the answer is their indexes, oldest first
    /// (expired ones, then the oldest until one more fits the bounds).
    #[wasm_bindgen(js_name = quarantineEvictions)]
    pub fn quarantine_evictions(
        &self,
        held: &JsValue,
        incoming_bytes: &JsValue,
        now: &JsValue,
    ) -> Result<JsValue, JsValue> {
        const SHAPE: &str = "held must be an array of { id, firstSeen, bytes }";
        let Some(policy) = self.gate.quarantine() else {
            return Err(type_error("this gate has no quarantine configured"));
        };
        let Some(items) = held.dyn_ref::<js_sys::Array>() else {
            return Err(type_error(SHAPE));
        };
        let mut entries = Vec::new();
        for item in items.iter() {
            let member = |name: &str| js_sys::Reflect::get(&item, &JsValue::from_str(name));
            let (Some(id), Some(first_seen), Some(bytes)) = (
                member("id")?.as_string(),
                member("firstSeen")?
                    .as_f64()
                    .filter(|seconds| seconds.is_finite()),
                whole_number(&member("bytes")?),
            ) else {
                return Err(type_error(SHAPE));
            };
            #[allow(clippy::cast_possible_truncation)]
            entries.push(hookguard::gate::quarantine::Held {
                id,
                first_seen: first_seen.floor() as i64,
                bytes,
            });
        }
        let incoming = whole_number(incoming_bytes)
            .ok_or_else(|| type_error("incomingBytes must be a whole number"))?;
        let evicted =
            hookguard::gate::quarantine::evictions(&entries, policy, incoming, clock(now)?);
        Ok(evicted
            .into_iter()
            .map(|index| JsValue::from(u32::try_from(index).unwrap_or(u32::MAX)))
            .collect::<js_sys::Array>()
            .into())
    }

    /// An admission as JavaScript sees it: the answer, `result` (made from the report, or the
    /// one given), `signature`, `requestId`, `delivery` (what a handler is given) when it
    /// passes, `claimToken` when it holds a claim, and `pendingClaim` when it waits for one
    /// (then kept here until `conclude`).
    fn admission_object(
        &self,
        admission: hookguard::Admission,
        given: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let answer = admission.answer();
        let (problem, headers) = refusal_texts(&answer, self.gate.problem_shape());
        // A result given (an admission finished after `examine`) is handed on as it is; else
        // it is made from the report, if there is one.
        let report = match given {
            Some(_) => None,
            None => admission.report.as_ref(),
        };
        let findings = report.map(findings_json).transpose()?.flatten();
        let normalized = report
            .and_then(|report| report.normalized.as_ref())
            .map(hookguard::Normalized::as_str);
        let given = given.unwrap_or(JsValue::UNDEFINED);
        let signature = admission.authenticity.label();
        let request_id = admission
            .authenticity
            .request_id()
            .map_or(JsValue::UNDEFINED, JsValue::from_str);
        // The claim on the request id, settled with `settle(admission, outcome)`. Tokens of the
        // in-process memory count up from 1, a shared memory's are below 2^53: exact as a
        // JavaScript number.
        #[allow(clippy::cast_precision_loss)]
        let claim_token = admission.ticket().map(|ticket| ticket.token as f64);
        let undefined = JsValue::UNDEFINED;
        let object = with_names(
            [
                Some(answer.verdict.label()),
                signature,
                report.and_then(delivery_kind),
                report.and_then(|report| report.event_name),
                report.and_then(|report| report.source_event_name),
            ],
            |[
                verdict,
                signature_label,
                kind,
                event_name,
                source_event_name,
            ]| {
                admission_parts_object(
                    answer.status(),
                    verdict,
                    answer.verdict.passes(),
                    problem.as_deref(),
                    headers.as_deref(),
                    &given,
                    report.map(|report| report.valid),
                    kind,
                    event_name,
                    source_event_name,
                    findings,
                    normalized,
                    if signature.is_some() {
                        signature_label
                    } else {
                        &undefined
                    },
                    &request_id,
                    claim_token,
                )
            },
        );
        let mut waits = None;
        if let (Some(request_id), Some(lifetimes)) =
            (admission.pending_claim(), self.gate.lifetimes())
        {
            let pending = js_sys::Object::new();
            let member = |key: &str, value: JsValue| {
                js_sys::Reflect::set(&pending, &JsValue::from_str(key), &value)
            };
            member("requestId", JsValue::from_str(request_id))?;
            #[allow(clippy::cast_precision_loss)]
            {
                member(
                    "inFlightSeconds",
                    JsValue::from(lifetimes.in_flight_seconds as f64),
                )?;
                member(
                    "deliveredSeconds",
                    JsValue::from(lifetimes.delivered_seconds as f64),
                )?;
            }
            js_sys::Reflect::set(&object, &JsValue::from_str("pendingClaim"), &pending)?;
            waits = Some(pending);
        }
        if let Some(pending) = waits {
            // Kept (moved, not copied) until `conclude` or `storeUnreachable` finishes it.
            let number = match self.waiting.try_borrow_mut() {
                Ok(mut waiting) => waiting.keep(admission),
                Err(_) => {
                    return Err(
                        js_sys::Error::new("the gate is already concluding on a delivery").into(),
                    );
                }
            };
            js_sys::Reflect::set(
                &pending,
                &JsValue::from_str("waiting"),
                &JsValue::from(number),
            )?;
        }
        Ok(object)
    }

    /// Ends the claim an admitted delivery holds with how your service took it: `'delivered'`
    /// (it handled the delivery: copies are acknowledged from now on), `'failed'` (it did not:
    /// the sender's retry is checked as a new delivery), or the HTTP status your service
    /// answered with (the core decides: 2xx delivered). An admission that holds no claim (no
    /// signature, refused, a duplicate) is left as it is.
    pub fn settle(
        &self,
        admission: &JsValue,
        outcome: &JsValue,
        now: &JsValue,
    ) -> Result<(), JsValue> {
        let outcome = outcome_argument(outcome)?;
        if !admission.is_object() {
            return Err(type_error("admission must be what admit returned"));
        }
        // Most admissions hold no claim (no signature, refused, a duplicate): one read tells.
        let token = with_names([Some("claimToken")], |[key]| {
            js_sys::Reflect::get(admission, key)
        })?;
        if token.is_undefined() {
            return Ok(());
        }
        let request_id = js_sys::Reflect::get(admission, &JsValue::from_str("requestId"))?;
        let (Some(request_id), Some(token)) = (request_id.as_string(), whole_number(&token)) else {
            return Err(type_error("admission must be what admit returned"));
        };
        let now = clock(now)?;
        let ticket = hookguard::gate::Ticket { request_id, token };
        let Ok(mut memory) = self.memory.try_borrow_mut() else {
            return Err(js_sys::Error::new("the gate is already concluding on a delivery").into());
        };
        let Ok(()) = self.gate.settle(&ticket, outcome, now, &mut *memory);
        Ok(())
    }

    /// The answer when the memory shared by replicas cannot be reached (503, `retry-after`).
    #[wasm_bindgen(js_name = storeUnavailable)]
    pub fn store_unavailable(&self) -> JsValue {
        answer_object(
            &hookguard::Answer::store_unavailable(),
            self.gate.problem_shape(),
        )
    }

    /// The answer when no verdict could be reached (500, fail closed).
    #[wasm_bindgen(js_name = notChecked)]
    pub fn not_checked(&self) -> JsValue {
        answer_object(
            &hookguard::Answer::not_checked(false),
            self.gate.problem_shape(),
        )
    }
}

/// The version of hookguard inside this package.
#[wasm_bindgen(skip_typescript)]
pub fn version() -> String {
    hookguard::VERSION.to_string()
}
