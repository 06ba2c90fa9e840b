/*!
hookguard as one portable WebAssembly module (`hookguard.wasm`, target `wasm32-wasip1`).

The module exports a small ABI of plain integers and linear-memory buffers (documented in
`docs/abi.md`), so any WebAssembly host drives it without generated glue: wasmtime from Rust,
Python or Go, Node's bare `WebAssembly` API, wazero.

A key design decision made in this crate is that **the module trusts no pointer it did not hand
out**: a host passes buffers it obtained from `hookguard_alloc`, and every call checks that the
`(pointer, length)` it receives lies inside one of those live allocations. A confused or
hostile host gets an error code, never a trap and never a corrupted allocator. The ABI logic
lives in [`Session`], which is plain safe Rust and is tested natively; the exports in
[`exports`] only convert integers.
*/

use std::collections::BTreeMap;

use hookguard::{Options, Validator};

/// Version of the ABI described in `docs/abi.md`. Bumped on any incompatible change.
pub const ABI_VERSION: u32 = 1;

/// Largest single allocation a host may request: one byte more than the largest body limit
/// ([`hookguard::MAX_BYTES_CEILING`], so that a host can pass a body one byte over any limit
/// and get `body_too_large`), plus room for a signature request beside it. A bound, too, on
/// what a runaway host loop can make the module hold.
pub const MAX_ALLOCATION: usize = hookguard::MAX_BYTES_CEILING as usize + 64 * 1024;

/// Status codes returned by the ABI calls. Non-negative codes are verdicts; negative ones are
/// host errors, with a JSON `{"error": ...}` message in the result buffer.
pub mod status {
    /// The call succeeded (for validation: the delivery is valid).
    pub const OK: i32 = 0;
    /// The delivery is invalid (the report says why), or the schema name is unknown.
    pub const INVALID: i32 = 1;
    /// The `(pointer, length)` pair does not lie inside a live allocation from `hookguard_alloc`.
    pub const BAD_BUFFER: i32 = -1;
    /// The options JSON was refused; the validator keeps its previous options.
    pub const BAD_OPTIONS: i32 = -2;
    /// The allocation does not exist (free) or cannot be made (alloc returns 0 instead).
    pub const UNKNOWN_ALLOCATION: i32 = -3;
}

/// The bytes at `(address, len)`, if they lie inside one of `allocations`.
fn live_bytes(
    allocations: &BTreeMap<usize, Box<[u8]>>,
    address: usize,
    len: usize,
) -> Option<&[u8]> {
    let (start, buffer) = allocations.range(..=address).next_back()?;
    let offset = address.checked_sub(*start)?;
    let end = offset.checked_add(len)?;
    buffer.get(offset..end)
}

/// The module's state: live host buffers, the options, the validator, and the last result.
pub struct Session {
    allocations: BTreeMap<usize, Box<[u8]>>,
    options: Options,
    /// Built on the first validation with the options in force then (cheap: the schemas are
    /// compiled into the module).
    validator: Option<Result<Validator, String>>,
    result: Vec<u8>,
}

impl Default for Session {
    fn default() -> Session {
        Session::new()
    }
}

impl Session {
    /// A session with the default options.
    pub fn new() -> Session {
        Session {
            allocations: BTreeMap::new(),
            options: Options::default(),
            validator: None,
            result: Vec::new(),
        }
    }

    /// Allocates `len` zeroed bytes for the host; returns their address, or `None` when the
    /// request is over [`MAX_ALLOCATION`].
    pub fn alloc(&mut self, len: usize) -> Option<usize> {
        if len > MAX_ALLOCATION {
            return None;
        }
        // A zero-length request still gets a distinct, live address (one byte backs it), so
        // the host can pass it back like any other buffer.
        let buffer = vec![0u8; len.max(1)].into_boxed_slice();
        let address = buffer.as_ptr() as usize;
        self.allocations.insert(address, buffer);
        Some(address)
    }

    /// The writable bytes of a live allocation (what the host sees at `address`).
    pub fn buffer_mut(&mut self, address: usize) -> Option<&mut [u8]> {
        self.allocations
            .get_mut(&address)
            .map(|buffer| &mut buffer[..])
    }

    /// Frees an allocation made by [`Session::alloc`]; `len` must be the length asked for.
    pub fn free(&mut self, address: usize, len: usize) -> i32 {
        match self.allocations.get(&address) {
            Some(buffer) if buffer.len() == len.max(1) => {
                self.allocations.remove(&address);
                status::OK
            }
            _ => self.error(
                status::UNKNOWN_ALLOCATION,
                "free: not a live allocation of that length",
            ),
        }
    }

    /// The bytes at `(address, len)`, if they lie inside one live allocation.
    fn input(&self, address: usize, len: usize) -> Option<&[u8]> {
        live_bytes(&self.allocations, address, len)
    }

    /// Applies options given as JSON (the names of [`hookguard::Options`]).
    pub fn configure(&mut self, address: usize, len: usize) -> i32 {
        let Some(input) = self.input(address, len) else {
            return self.error(
                status::BAD_BUFFER,
                "configure: buffer is not a live allocation",
            );
        };
        let parsed = serde_json::from_slice::<Options>(input)
            .map_err(|error| format!("options are not valid: {error}"))
            .and_then(|options| {
                options.check().map_err(|error| error.to_string())?;
                Ok(options)
            });
        let options = match parsed {
            Ok(options) => options,
            Err(message) => return self.error(status::BAD_OPTIONS, &message),
        };
        if let Some(Ok(validator)) = &mut self.validator {
            // Checked above, so this cannot fail; the schemas stay compiled.
            let _ = validator.set_options(options.clone());
        }
        self.options = options;
        self.result.clear();
        status::OK
    }

    /// Validates the body at `(address, len)`; the report JSON becomes the result.
    pub fn validate(&mut self, address: usize, len: usize, normalize: bool) -> i32 {
        let Some(body) = live_bytes(&self.allocations, address, len) else {
            return self.error(
                status::BAD_BUFFER,
                "validate: buffer is not a live allocation",
            );
        };
        let options = &self.options;
        let validator = self.validator.get_or_insert_with(|| {
            Validator::new(options.clone()).map_err(|error| error.to_string())
        });
        let report = match validator {
            Ok(validator) if normalize => validator.normalize(body),
            Ok(validator) => validator.validate(body),
            Err(message) => {
                let message = message.clone();
                return self.error(status::BAD_OPTIONS, &message);
            }
        };
        report.write_json(&mut self.result);
        if report.valid {
            status::OK
        } else {
            status::INVALID
        }
    }

    /// Checks a delivery's signature. The request at `(address, len)` is JSON:
    /// `{"secrets": [...], "tolerance_s": 300, "now": UNIX_SECONDS, "headers": [[NAME, VALUE], ...]}`
    /// (every header field as received, repeats included; an object `{NAME: VALUE}` is
    /// accepted too, but cannot carry a repeated name);
    /// the body is at `(body_address, body_len)`. The verdict JSON becomes the result:
    /// `{"authentic": true, "request_id", "timestamp", "secret_index"}` (status OK) or
    /// `{"authentic": false, "code", "error"}` (status INVALID). Secrets are not kept.
    pub fn verify(
        &mut self,
        (address, len): (usize, usize),
        (body_address, body_len): (usize, usize),
    ) -> i32 {
        use hookguard::signature::{DEFAULT_TOLERANCE_S, DeliveryHeaders, Secrets, Verifier};

        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Request {
            secrets: Vec<String>,
            #[serde(default)]
            tolerance_s: Option<u64>,
            now: i64,
            #[serde(default)]
            headers: HeaderFields,
        }

        /// Header fields as a list of pairs (repeats kept) or, as in ABI 1's first form, an
        /// object.
        #[derive(serde::Deserialize)]
        #[serde(untagged)]
        enum HeaderFields {
            Pairs(Vec<(String, String)>),
            Object(BTreeMap<String, String>),
        }

        impl Default for HeaderFields {
            fn default() -> HeaderFields {
                HeaderFields::Pairs(Vec::new())
            }
        }

        let (Some(request), Some(body)) = (
            live_bytes(&self.allocations, address, len),
            live_bytes(&self.allocations, body_address, body_len),
        ) else {
            return self.error(
                status::BAD_BUFFER,
                "verify: buffer is not a live allocation",
            );
        };
        let request = match serde_json::from_slice::<Request>(request) {
            Ok(request) => request,
            // serde's message could quote a mistyped secret; name the problem only.
            Err(_) => {
                return self.error(
                    status::BAD_OPTIONS,
                    "verify: the request is not of the documented shape",
                );
            }
        };
        let secrets = match Secrets::new(&request.secrets) {
            Ok(secrets) => secrets,
            Err(error) => return self.error(status::BAD_OPTIONS, &format!("verify: {error}")),
        };
        let fields: Vec<(&str, &[u8])> = match &request.headers {
            HeaderFields::Pairs(pairs) => pairs
                .iter()
                .map(|(name, value)| (name.as_str(), value.as_bytes()))
                .collect(),
            HeaderFields::Object(object) => object
                .iter()
                .map(|(name, value)| (name.as_str(), value.as_bytes()))
                .collect(),
        };
        let headers = DeliveryHeaders::from_pairs(fields);
        let verifier = Verifier::new(secrets, request.tolerance_s.unwrap_or(DEFAULT_TOLERANCE_S));
        let (verdict, code) = match verifier.verify(&headers, body, request.now) {
            Ok(verified) => (
                serde_json::json!({
                    "authentic": true,
                    "request_id": verified.request_id,
                    "timestamp": verified.timestamp,
                    "secret_index": verified.secret_index,
                }),
                status::OK,
            ),
            Err(error) => (
                serde_json::json!({
                    "authentic": false,
                    "code": error.kind.code(),
                    "error": error.to_string(),
                }),
                status::INVALID,
            ),
        };
        self.result = verdict.to_string().into_bytes();
        code
    }

    /// Puts the crate version into the result.
    pub fn version(&mut self) -> i32 {
        self.result = hookguard::VERSION.as_bytes().to_vec();
        status::OK
    }

    /// Puts the event catalog (`schemas/catalog.json`) into the result.
    pub fn catalog(&mut self) -> i32 {
        self.result = hookguard::schema::CATALOG_JSON.as_bytes().to_vec();
        status::OK
    }

    /// Puts the schema of the event named at `(address, len)` into the result.
    pub fn schema(&mut self, address: usize, len: usize) -> i32 {
        let Some(name) = self.input(address, len) else {
            return self.error(
                status::BAD_BUFFER,
                "schema: buffer is not a live allocation",
            );
        };
        let schema = std::str::from_utf8(name)
            .ok()
            .and_then(hookguard::schema::embedded_schema);
        match schema {
            Some(schema) => {
                self.result = schema.to_string().into_bytes();
                status::OK
            }
            None => self.error(status::INVALID, "no schema by that name"),
        }
    }

    /// The last result's bytes.
    pub fn result(&self) -> &[u8] {
        &self.result
    }

    fn error(&mut self, code: i32, message: &str) -> i32 {
        self.result = serde_json::json!({ "error": message })
            .to_string()
            .into_bytes();
        code
    }
}

/// The exported functions: integer conversion around a per-instance [`Session`].
///
/// WebAssembly addresses are 32-bit, so these exist only on `wasm32`; native code (and the
/// tests) use [`Session`] directly.
#[cfg(target_arch = "wasm32")]
#[allow(unsafe_code)] // `#[unsafe(no_mangle)]` only: the exports must keep their names.
pub mod exports {
    use std::cell::RefCell;

    use super::{ABI_VERSION, Session};

    thread_local! {
        // One session per module instance (wasm32 instances are single-threaded).
        static SESSION: RefCell<Session> = RefCell::new(Session::new());
    }

    fn with<T>(call: impl FnOnce(&mut Session) -> T) -> T {
        SESSION.with(|session| call(&mut session.borrow_mut()))
    }

    fn address(pointer: u32) -> usize {
        pointer as usize
    }

    /// See `docs/abi.md`.
    #[unsafe(no_mangle)]
    pub extern "C" fn hookguard_abi_version() -> u32 {
        ABI_VERSION
    }

    /// See `docs/abi.md`.
    #[unsafe(no_mangle)]
    pub extern "C" fn hookguard_alloc(len: u32) -> u32 {
        with(|session| session.alloc(len as usize)).map_or(0, |address| address as u32)
    }

    /// See `docs/abi.md`.
    #[unsafe(no_mangle)]
    pub extern "C" fn hookguard_free(pointer: u32, len: u32) -> i32 {
        with(|session| session.free(address(pointer), len as usize))
    }

    /// See `docs/abi.md`.
    #[unsafe(no_mangle)]
    pub extern "C" fn hookguard_configure(pointer: u32, len: u32) -> i32 {
        with(|session| session.configure(address(pointer), len as usize))
    }

    /// See `docs/abi.md`.
    #[unsafe(no_mangle)]
    pub extern "C" fn hookguard_validate(pointer: u32, len: u32) -> i32 {
        with(|session| session.validate(address(pointer), len as usize, false))
    }

    /// See `docs/abi.md`.
    #[unsafe(no_mangle)]
    pub extern "C" fn hookguard_normalize(pointer: u32, len: u32) -> i32 {
        with(|session| session.validate(address(pointer), len as usize, true))
    }

    /// See `docs/abi.md`.
    #[unsafe(no_mangle)]
    pub extern "C" fn hookguard_verify(pointer: u32, len: u32, body: u32, body_len: u32) -> i32 {
        with(|session| {
            let request = (address(pointer), len as usize);
            session.verify(request, (address(body), body_len as usize))
        })
    }

    /// See `docs/abi.md`.
    #[unsafe(no_mangle)]
    pub extern "C" fn hookguard_version() -> i32 {
        with(Session::version)
    }

    /// See `docs/abi.md`.
    #[unsafe(no_mangle)]
    pub extern "C" fn hookguard_catalog() -> i32 {
        with(Session::catalog)
    }

    /// See `docs/abi.md`.
    #[unsafe(no_mangle)]
    pub extern "C" fn hookguard_schema(pointer: u32, len: u32) -> i32 {
        with(|session| session.schema(address(pointer), len as usize))
    }

    /// See `docs/abi.md`.
    #[unsafe(no_mangle)]
    pub extern "C" fn hookguard_result_ptr() -> u32 {
        with(|session| session.result().as_ptr() as u32)
    }

    /// See `docs/abi.md`.
    #[unsafe(no_mangle)]
    pub extern "C" fn hookguard_result_len() -> u32 {
        with(|session| session.result().len() as u32)
    }
}
