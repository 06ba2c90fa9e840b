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

use hookguard::gate::{InProcessMemory, NoMemory, Outcome, SignaturePolicy, Ticket};
use hookguard::signature::DeliveryHeaders;
use hookguard::{Gate, GateConfig};
use serde_json::{Map, Value};

/// Version of the ABI described in `docs/abi.md`. Bumped on any incompatible change (2: the
/// configuration is the gate's, `tolerance_seconds` replaced `tolerance_s`, `hookguard_admit`).
pub const ABI_VERSION: u32 = 2;

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

/// The module's state: live host buffers, the gate, its replay memory, and the last result.
pub struct Session {
    allocations: BTreeMap<usize, Box<[u8]>>,
    /// Built from the last accepted configuration (cheap: the schemas are compiled into the
    /// module), or from the defaults on first use.
    gate: Option<Gate>,
    /// The request ids `hookguard_admit` remembered: one instance's reach.
    memory: InProcessMemory,
    /// The last report `hookguard_validate` or `hookguard_normalize` gave, for
    /// `hookguard_answer` (kept, not copied: a host asks for the answer of refused ones).
    last_report: Option<hookguard::Report>,
    /// The surveyor with the configuration's overlay, made on the first `hookguard_observe`.
    surveyor: Option<hookguard::survey::Surveyor>,
    /// The declared paths `hookguard_observe_new` has listed, per event.
    seen: hookguard::survey::SeenPaths,
    result: Vec<u8>,
    /// Where the last result holds a problem document, `(offset, length)` within it: hosts
    /// take the document's exact bytes from there instead of searching the text.
    problem: Option<(usize, usize)>,
    /// Admissions waiting for a shared store's claim (`"shared": true`), by number, oldest
    /// first, at most [`WAITING_CAPACITY`]: `hookguard_conclude` finishes them.
    waiting: std::collections::VecDeque<(u32, hookguard::Admission)>,
    next_waiting: u32,
}

/// How many admissions may wait for their store's answer at once; past it the oldest is
/// dropped (its host then gets a 500 and the sender retries).
const WAITING_CAPACITY: usize = 1024;

impl Default for Session {
    fn default() -> Session {
        Session::new()
    }
}

impl Session {
    /// A session with the default configuration.
    pub fn new() -> Session {
        Session {
            allocations: BTreeMap::new(),
            gate: None,
            memory: InProcessMemory::default(),
            last_report: None,
            surveyor: None,
            seen: hookguard::survey::SeenPaths::default(),
            result: Vec::new(),
            problem: None,
            waiting: std::collections::VecDeque::new(),
            next_waiting: 0,
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

    /// Applies a configuration given as JSON: the core's gate configuration (the options
    /// `max_bytes`, `max_depth`, `strict`, `reveal_values`, `max_findings`, `overlay`, and `normalize`,
    /// `allowed_events`, `signature`, `problem`), checked whole; on error the previous one stays.
    pub fn configure(&mut self, address: usize, len: usize) -> i32 {
        let Some(input) = self.input(address, len) else {
            return self.error(
                status::BAD_BUFFER,
                "configure: buffer is not a live allocation",
            );
        };
        if input.iter().all(u8::is_ascii_whitespace) {
            return self.error(
                status::BAD_OPTIONS,
                "configure: the configuration is empty (`{}` means every default)",
            );
        }
        let built = GateConfig::from_json(input)
            .and_then(Gate::new)
            .map_err(|error| error.to_string());
        match built {
            Ok(gate) => {
                // What a host needs of the configuration it applied: how much of a body to
                // read (so no host computes it from a default of its own).
                self.result = format!(
                    "{{\"max_bytes\":{},\"read_limit\":{}}}",
                    gate.max_bytes(),
                    gate.read_limit()
                )
                .into_bytes();
                self.gate = Some(gate);
                // A survey reads the schemas the configuration's overlay makes effective.
                self.surveyor = None;
                self.seen = hookguard::survey::SeenPaths::default();
                status::OK
            }
            Err(message) => self.error(status::BAD_OPTIONS, &message),
        }
    }

    /// Validates the body at `(address, len)`; the report JSON becomes the result.
    pub fn validate(&mut self, address: usize, len: usize, normalize: bool) -> i32 {
        let (gate, body) = match gate_and_input(&mut self.gate, &self.allocations, (address, len)) {
            Ok(found) => found,
            Err((code, message)) => return self.error(code, &format!("validate: {message}")),
        };
        let report = if normalize {
            gate.validator().normalize(body)
        } else {
            gate.validator().validate(body)
        };
        report.write_json(&mut self.result);
        let valid = report.valid;
        self.last_report = Some(report);
        if valid { status::OK } else { status::INVALID }
    }

    /// What the body at `(address, len)` carries against its event's schema (a
    /// survey's observation, `hookguard::survey`), under the configured limits; values kept only
    /// with `reveal_values`. The observation JSON becomes the result.
    pub fn observe(&mut self, address: usize, len: usize) -> i32 {
        self.observe_listing(address, len, false)
    }

    /// [`Session::observe`], the observation's `declared` listing only the paths this session
    /// has not listed before (`hookguard_observe_new`): a host that adds every observation
    /// into one survey gets the same survey, without every body's documented paths copied,
    /// written and read again.
    pub fn observe_new(&mut self, address: usize, len: usize) -> i32 {
        self.observe_listing(address, len, true)
    }

    fn observe_listing(&mut self, address: usize, len: usize, only_new: bool) -> i32 {
        let (gate, body) = match gate_and_input(&mut self.gate, &self.allocations, (address, len)) {
            Ok(found) => found,
            Err((code, message)) => return self.error(code, &format!("observe: {message}")),
        };
        let surveyor = self
            .surveyor
            .get_or_insert_with(|| match gate.validator().overlay() {
                Some(overlay) => hookguard::survey::Surveyor::with_overlay(overlay),
                None => hookguard::survey::Surveyor::new(),
            });
        let options = gate.validator().options();
        let observation = if only_new {
            surveyor.observe_new(body, options, &mut self.seen)
        } else {
            surveyor.observe(body, options)
        };
        match serde_json::to_vec(&observation) {
            Ok(json) => {
                self.result = json;
                status::OK
            }
            Err(_) => self.error(
                status::BAD_OPTIONS,
                "observe: the observation did not serialize",
            ),
        }
    }

    /// The answer to the last validated body (`hookguard_validate`, `hookguard_normalize`), as
    /// `hookguard_admit` would give it without a signature: `{"verdict", "status", "problem"?}`.
    /// A host that validates first asks for it only for the bodies it must refuse.
    pub fn answer(&mut self) -> i32 {
        let (Some(gate), Some(report)) = (self.gate.as_ref(), self.last_report.as_ref()) else {
            return self.error(status::BAD_OPTIONS, "answer: no body was validated yet");
        };
        let answer = hookguard::Answer::of_report(report, gate.max_bytes());
        let out = &mut self.result;
        out.clear();
        self.problem = write_answer(out, &answer, gate.problem_shape());
        out.push(b'}');
        if answer.verdict.passes() {
            status::OK
        } else {
            status::INVALID
        }
    }

    /// Checks a delivery's signature. The request at `(address, len)` is JSON: the core's
    /// `signature` settings (`secrets`, `tolerance_seconds`, ...) with `now` (Unix seconds) and
    /// `headers` (`[[NAME, VALUE], ...]`, every field as received, repeats included; an object
    /// `{NAME: VALUE}` is accepted too, but cannot carry a repeated name); the body is at
    /// `(body_address, body_len)`. The verdict JSON becomes the result:
    /// `{"authentic": true, "request_id", "timestamp", "secret_index"}` (status OK) or
    /// `{"authentic": false, "code", "error"}` (status INVALID). Secrets are not kept.
    pub fn verify(
        &mut self,
        (address, len): (usize, usize),
        (body_address, body_len): (usize, usize),
    ) -> i32 {
        let (Some(request), Some(body)) = (
            live_bytes(&self.allocations, address, len),
            live_bytes(&self.allocations, body_address, body_len),
        ) else {
            return self.error(
                status::BAD_BUFFER,
                "verify: buffer is not a live allocation",
            );
        };
        let Some(request) = request_members(request) else {
            return self.error(
                status::BAD_OPTIONS,
                "verify: the request is not a JSON object",
            );
        };
        let (Some(now), Some(fields)) = (now_of(&request), header_fields_of(&request)) else {
            return self.error(
                status::BAD_OPTIONS,
                "verify: now must be Unix seconds and headers a list of [name, value] pairs",
            );
        };
        // The core's reader names a wrong field without quoting a mistyped secret.
        let gate = SignaturePolicy::from_members(request, &["now", "headers"])
            .map_err(|error| error.to_string())
            .and_then(|policy| {
                Gate::new(GateConfig {
                    signature: Some(policy),
                    ..GateConfig::default()
                })
                .map_err(|error| error.to_string())
            });
        let gate = match gate {
            Ok(gate) => gate,
            Err(message) => return self.error(status::BAD_OPTIONS, &format!("verify: {message}")),
        };
        let headers = DeliveryHeaders::from_pairs(
            fields
                .iter()
                .map(|(name, value)| (name.as_str(), value.as_bytes())),
        );
        let (verdict, code) = match gate.verify(&headers, body, now) {
            hookguard::Authenticity::Verified {
                request_id,
                timestamp,
                secret_index,
            } => (
                serde_json::json!({
                    "authentic": true,
                    "request_id": request_id,
                    "timestamp": timestamp,
                    "secret_index": secret_index,
                }),
                status::OK,
            ),
            hookguard::Authenticity::Refused(error) => (
                serde_json::json!({
                    "authentic": false,
                    "code": error.kind.code(),
                    "error": error.to_string(),
                }),
                status::INVALID,
            ),
            // With a verifier configured and no memory, no other outcome arises.
            _ => (serde_json::json!({ "authentic": false }), status::INVALID),
        };
        self.result = verdict.to_string().into_bytes();
        code
    }

    /// The whole conclusion of the configured gate on one delivery. The request at
    /// `(address, len)` is JSON: `now` (Unix seconds), `headers` as for `verify`, and
    /// `remember` (default true: replays are looked for in this instance's memory; false for a
    /// host that looks for them itself). The body is at `(body_address, body_len)`. The result
    /// is the admission: `{"verdict", "status", "signature"?, "request_id"?, "problem"?,
    /// "report"?}`; status OK when the delivery passes, INVALID otherwise.
    pub fn admit(
        &mut self,
        (address, len): (usize, usize),
        (body_address, body_len): (usize, usize),
    ) -> i32 {
        let (gate, request) =
            match gate_and_input(&mut self.gate, &self.allocations, (address, len)) {
                Ok(found) => found,
                Err((code, message)) => return self.error(code, &format!("admit: {message}")),
            };
        let Some(body) = live_bytes(&self.allocations, body_address, body_len) else {
            return self.error(status::BAD_BUFFER, "admit: buffer is not a live allocation");
        };
        let read = || {
            let request = request_fields(request, &["now", "headers", "remember", "shared"])?;
            Some((
                now_of(&request)?,
                header_pairs_of(&request)?,
                flag_of(&request, "remember", true)?,
                // The host's memory is a store shared by replicas: an authentic valid
                // delivery's claim is left pending for `hookguard_conclude`.
                flag_of(&request, "shared", false)?,
            ))
        };
        let Some((now, fields, remember, shared)) = read() else {
            return self.error(
                status::BAD_OPTIONS,
                "admit: the request must be {\"now\", \"headers\"?, \"remember\"?, \"shared\"?}",
            );
        };
        let headers = DeliveryHeaders::from_pairs(
            fields
                .iter()
                .map(|(name, value)| (name.as_str(), value.as_bytes())),
        );
        let admission = if shared {
            gate.examine(&headers, body, now, None)
        } else if remember {
            let Ok(admission) = gate.admit(&headers, body, now, &mut self.memory, None);
            admission
        } else {
            let Ok(admission) = gate.admit(&headers, body, now, &mut NoMemory, None);
            admission
        };
        let passes = admission.verdict().passes();
        let out = &mut self.result;
        out.clear();
        self.problem = write_admission(out, gate, &admission, None);
        if let Some(report) = &admission.report {
            out.extend_from_slice(b",\"report\":");
            report.append_json(out);
        }
        if gate.quarantine().is_some() && !passes {
            let content_type = fields
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case("content-type"))
                .map(|(_, value)| value.as_bytes());
            let received = hookguard::gate::Received {
                headers: &headers,
                content_type,
                body,
            };
            if let Some(entry) = gate.quarantine_entry(&admission, &received, now) {
                write_quarantine(out, gate, &admission, &entry);
            }
        }
        if let (Some(request_id), Some(lifetimes)) = (admission.pending_claim(), gate.lifetimes()) {
            out.extend_from_slice(
                format!(
                    ",\"pending_claim\":{{\"request_id\":{},\"in_flight_seconds\":{},\"delivered_seconds\":{}",
                    Value::from(request_id),
                    lifetimes.in_flight_seconds,
                    lifetimes.delivered_seconds
                )
                .as_bytes(),
            );
            // Kept (its report dropped: the host has it) until `hookguard_conclude`.
            let mut kept = admission;
            if let Some(report) = kept.report.as_mut() {
                report.normalized = None;
            }
            if self.waiting.len() >= WAITING_CAPACITY {
                self.waiting.pop_front();
            }
            self.next_waiting = self.next_waiting.wrapping_add(1);
            self.waiting.push_back((self.next_waiting, kept));
            out.extend_from_slice(format!(",\"waiting\":{}}}", self.next_waiting).as_bytes());
        }
        out.push(b'}');
        if passes { status::OK } else { status::INVALID }
    }

    /// Finishes an admission `hookguard_admit` left waiting for a shared store's claim
    /// (`"shared": true`): the request at `(address, len)` is JSON `{"now", "waiting", "token",
    /// "reply": [STATE, MILLISECONDS] | null, "policy": "refuse" | "process"}`, `reply` the
    /// store's answer to the claim command (`hookguard_store_command`), or null when the store
    /// could not be asked (an error, no answer in time). A reply that is not the protocol's is
    /// treated as no answer; without one, `policy` decides (the core's `StorePolicy`). The
    /// result is the admission as `hookguard_admit` writes it, without its report, with
    /// `"claimed_in": "store" | "process"` when it holds a claim; status OK when it passes. An
    /// admission no longer waiting is answered as not checked (500: the sender retries).
    pub fn conclude(&mut self, address: usize, len: usize) -> i32 {
        let (gate, request) =
            match gate_and_input(&mut self.gate, &self.allocations, (address, len)) {
                Ok(found) => found,
                Err((code, message)) => return self.error(code, &format!("conclude: {message}")),
            };
        let read = || {
            let request = request_fields(request, &["now", "waiting", "token", "reply", "policy"])?;
            let reply = optional_of(&request, "reply", |reply| match reply {
                Value::Array(pair) => match pair.as_slice() {
                    [Value::String(state), milliseconds] => {
                        Some((state.clone(), milliseconds.as_i64()?))
                    }
                    _ => None,
                },
                _ => None,
            })?;
            Some((
                now_of(&request)?,
                u32::try_from(request.get("waiting")?.as_u64()?).ok()?,
                request.get("token")?.as_u64()?,
                reply,
                hookguard::store::StorePolicy::of_label(request.get("policy")?.as_str()?)?,
            ))
        };
        let Some((now, waiting, token, reply, policy)) = read() else {
            return self.error(
                status::BAD_OPTIONS,
                "conclude: the request must be {\"now\", \"waiting\", \"token\", \"reply\", \"policy\"}",
            );
        };
        let at = self
            .waiting
            .iter()
            .position(|(number, _)| *number == waiting);
        let Some((_, mut admission)) = at.and_then(|at| self.waiting.remove(at)) else {
            let out = &mut self.result;
            out.clear();
            self.problem = write_answer(
                out,
                &hookguard::Answer::not_checked(false),
                gate.problem_shape(),
            );
            out.push(b'}');
            return status::INVALID;
        };
        let claim = reply.and_then(|(state, milliseconds)| {
            hookguard::store::claim_of_reply(&state, milliseconds, token)
        });
        let claimed_in = match claim {
            Some(claim) => {
                admission.conclude(claim);
                "store"
            }
            None => {
                let Ok(()) = gate.store_unreachable(&mut admission, policy, now, &mut self.memory);
                "process"
            }
        };
        let out = &mut self.result;
        out.clear();
        self.problem = write_admission(
            out,
            gate,
            &admission,
            admission.ticket().map(|_| claimed_in),
        );
        out.push(b'}');
        if admission.verdict().passes() {
            status::OK
        } else {
            status::INVALID
        }
    }

    /// A command of the shared store's protocol, as Redis reads it: the request at `(address,
    /// len)` is JSON `{"command": "claim", "request_id", "token", "prefix"?}` or `{"command":
    /// "settle", "request_id", "token", "outcome" | "status", "prefix"?}` (lifetimes from the
    /// configuration's `signature`); the result is a JSON array of strings.
    pub fn store_command(&mut self, address: usize, len: usize) -> i32 {
        let (gate, request) =
            match gate_and_input(&mut self.gate, &self.allocations, (address, len)) {
                Ok(found) => found,
                Err((code, message)) => {
                    return self.error(code, &format!("store_command: {message}"));
                }
            };
        let Some(lifetimes) = gate.lifetimes() else {
            return self.error(
                status::BAD_OPTIONS,
                "store_command: only authenticated request ids are remembered: configure signature",
            );
        };
        let read = || -> Option<Vec<String>> {
            let request = request_members(request)?;
            let prefix = match request.get("prefix") {
                None => hookguard::store::DEFAULT_KEY_PREFIX,
                Some(prefix) => prefix.as_str()?,
            };
            let request_id = request.get("request_id")?.as_str()?;
            let token = request.get("token")?.as_u64()?;
            match request.get("command")?.as_str()? {
                "claim" => Some(
                    hookguard::store::claim_command(prefix, request_id, token, lifetimes).to_vec(),
                ),
                "settle" => {
                    let outcome = match (request.get("outcome"), request.get("status")) {
                        (Some(outcome), None) => Outcome::of_label(outcome.as_str()?)?,
                        (None, Some(status)) => {
                            Outcome::of_status(u16::try_from(status.as_u64()?).ok()?)
                        }
                        _ => return None,
                    };
                    let ticket = Ticket {
                        request_id: request_id.to_owned(),
                        token,
                    };
                    Some(
                        hookguard::store::settle_command(prefix, &ticket, outcome, lifetimes)
                            .to_vec(),
                    )
                }
                _ => None,
            }
        };
        let Some(command) = read() else {
            return self.error(
                status::BAD_OPTIONS,
                "store_command: the request must be {\"command\": \"claim\" | \"settle\", \"request_id\", \"token\", \"outcome\" | \"status\" (settle), \"prefix\"?}",
            );
        };
        self.result = Value::from(command).to_string().into_bytes();
        status::OK
    }

    /// The line a host logs when its shared store failed: the request is JSON `{"step":
    /// "claim" | "settle", "reason", "policy"?}` (`policy` for a claim: what then answered);
    /// the result is the line (text, never with an id or a value).
    pub fn store_failure_line(&mut self, address: usize, len: usize) -> i32 {
        let Some(request) = live_bytes(&self.allocations, address, len) else {
            return self.error(
                status::BAD_BUFFER,
                "store_failure_line: buffer is not a live allocation",
            );
        };
        let read = || -> Option<String> {
            let request = request_members(request)?;
            let reason = request.get("reason")?.as_str()?.to_owned();
            match request.get("step")?.as_str()? {
                "claim" => {
                    let policy =
                        hookguard::store::StorePolicy::of_label(request.get("policy")?.as_str()?)?;
                    Some(policy.claim_failed_line(&reason))
                }
                "settle" => Some(hookguard::store::settle_failed_line(&reason)),
                _ => None,
            }
        };
        let Some(line) = read() else {
            return self.error(
                status::BAD_OPTIONS,
                "store_failure_line: the request must be {\"step\": \"claim\" | \"settle\", \"reason\", \"policy\"?}",
            );
        };
        self.result = line.into_bytes();
        status::OK
    }

    /// What can be said from the request line and headers alone, before the body is read: the
    /// request at `(address, len)` is JSON `{"method", "content_type"?, "content_length"?}`.
    /// A refusal (405, 415, 413) is written as `hookguard_admit` writes one (status INVALID);
    /// `{}` (status OK) means read the body and admit it.
    pub fn screen(&mut self, address: usize, len: usize) -> i32 {
        let (gate, request) =
            match gate_and_input(&mut self.gate, &self.allocations, (address, len)) {
                Ok(found) => found,
                Err((code, message)) => return self.error(code, &format!("screen: {message}")),
            };
        let read = || {
            let request = request_fields(request, &["method", "content_type", "content_length"])?;
            Some((
                request.get("method")?.as_str()?.to_owned(),
                optional_of(&request, "content_type", |text| {
                    text.as_str().map(str::to_owned)
                })?,
                optional_of(&request, "content_length", Value::as_u64)?,
            ))
        };
        let Some((method, content_type, content_length)) = read() else {
            return self.error(
                status::BAD_OPTIONS,
                "screen: the request must be {\"method\", \"content_type\"?, \"content_length\"?}",
            );
        };
        let screened = gate.screen(
            method.as_bytes(),
            content_type.as_deref().map(str::as_bytes),
            content_length,
        );
        let out = &mut self.result;
        out.clear();
        match screened {
            None => {
                out.extend_from_slice(b"{}");
                status::OK
            }
            Some(answer) => {
                self.problem = write_answer(out, &answer, gate.problem_shape());
                out.push(b'}');
                status::INVALID
            }
        }
    }

    /// Ends the claim an admitted delivery holds (its `ticket`) with the service's answer. The
    /// request at `(address, len)` is JSON `{"now", "ticket": {"request_id", "token"},
    /// "outcome": "delivered" | "failed"}`, or `"status": N` instead of `outcome`: the HTTP
    /// status the service answered, whose outcome the core decides (2xx delivered). The result
    /// is `{"outcome"}`, the outcome recorded.
    pub fn settle(&mut self, address: usize, len: usize) -> i32 {
        let (gate, request) =
            match gate_and_input(&mut self.gate, &self.allocations, (address, len)) {
                Ok(found) => found,
                Err((code, message)) => return self.error(code, &format!("settle: {message}")),
            };
        let read = || {
            let request = request_fields(request, &["now", "ticket", "outcome", "status"])?;
            let now = now_of(&request)?;
            let ticket = request.get("ticket")?.as_object()?;
            if !only(ticket, &["request_id", "token"]) {
                return None;
            }
            let ticket = Ticket {
                request_id: ticket.get("request_id")?.as_str()?.to_owned(),
                token: ticket.get("token")?.as_u64()?,
            };
            let outcome = optional_of(&request, "outcome", |outcome| {
                Outcome::of_label(outcome.as_str()?)
            })?;
            let status = optional_of(&request, "status", |status| {
                u16::try_from(status.as_u64()?).ok()
            })?;
            // One of the two: the outcome, or the status the core decides it from.
            match (outcome, status) {
                (Some(outcome), None) => Some((now, ticket, outcome)),
                (None, Some(status)) => Some((now, ticket, Outcome::of_status(status))),
                _ => None,
            }
        };
        let outcome = match read() {
            Some(read) => read,
            _ => {
                return self.error(
                    status::BAD_OPTIONS,
                    "settle: the request must be {\"now\", \"ticket\": {\"request_id\", \"token\"}, and \"outcome\": \"delivered\" or \"failed\", or the service's \"status\"}",
                );
            }
        };
        let (now, ticket, outcome) = outcome;
        let Ok(()) = gate.settle(&ticket, outcome, now, &mut self.memory);
        self.result = format!("{{\"outcome\":\"{}\"}}", outcome.label()).into_bytes();
        status::OK
    }

    /// Which held quarantine entries a store removes before keeping one more: the request at
    /// `(address, len)` is JSON `{"now", "incoming_bytes", "held": [{"id", "first_seen",
    /// "bytes"}]}`; the result is `{"evict": [index, ...]}` (indexes into `held`).
    pub fn quarantine_evictions(&mut self, address: usize, len: usize) -> i32 {
        let (gate, request) =
            match gate_and_input(&mut self.gate, &self.allocations, (address, len)) {
                Ok(found) => found,
                Err((code, message)) => {
                    return self.error(code, &format!("quarantine_evictions: {message}"));
                }
            };
        // Read from the JSON tree the module already has a reader for: a derived deserializer
        // for this rarely called request cost the module some 5 KB.
        let Some(policy) = gate.quarantine() else {
            return self.error(
                status::BAD_OPTIONS,
                "quarantine_evictions: the configuration has no quarantine",
            );
        };
        let read = || -> Option<(i64, u64, Vec<hookguard::gate::quarantine::Held>)> {
            let request = request_members(request)?;
            let now = request.get("now")?.as_i64()?;
            let incoming_bytes = request.get("incoming_bytes")?.as_u64()?;
            let held = request
                .get("held")?
                .as_array()?
                .iter()
                .map(|entry| {
                    Some(hookguard::gate::quarantine::Held {
                        id: entry.get("id")?.as_str()?.to_owned(),
                        first_seen: entry.get("first_seen")?.as_i64()?,
                        bytes: entry.get("bytes")?.as_u64()?,
                    })
                })
                .collect::<Option<Vec<_>>>()?;
            Some((now, incoming_bytes, held))
        };
        let Some((now, incoming_bytes, held)) = read() else {
            return self.error(
                status::BAD_OPTIONS,
                "quarantine_evictions: the request must be {\"now\", \"incoming_bytes\", \"held\": [{\"id\", \"first_seen\", \"bytes\"}]}",
            );
        };
        let evict = hookguard::gate::quarantine::evictions(&held, policy, incoming_bytes, now);
        self.result = format!(
            "{{\"evict\":[{}]}}",
            evict
                .iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(",")
        )
        .into_bytes();
        status::OK
    }

    /// The Redis command that keeps an admission's quarantine entry, but its last argument
    /// (the entry's bytes: its head, then the body, which the host appends): the request at
    /// `(address, len)` is JSON `{"now", "prefix"?, "entry": {"id", "first_seen"}}`; the result
    /// is a JSON array of strings.
    pub fn quarantine_keep_arguments(&mut self, address: usize, len: usize) -> i32 {
        let (gate, request) =
            match gate_and_input(&mut self.gate, &self.allocations, (address, len)) {
                Ok(found) => found,
                Err((code, message)) => {
                    return self.error(code, &format!("quarantine_keep_arguments: {message}"));
                }
            };
        let Some(policy) = gate.quarantine() else {
            return self.error(
                status::BAD_OPTIONS,
                "quarantine_keep_arguments: the configuration has no quarantine",
            );
        };
        let read = || -> Option<(i64, String, hookguard::gate::Entry)> {
            let request = request_members(request)?;
            let now = request.get("now")?.as_i64()?;
            let prefix = match request.get("prefix") {
                None => hookguard::gate::quarantine::redis::DEFAULT_QUARANTINE_PREFIX.to_owned(),
                Some(prefix) => prefix.as_str()?.to_owned(),
            };
            let entry = request.get("entry")?;
            let entry = hookguard::gate::Entry {
                id: entry.get("id")?.as_str()?.to_owned(),
                first_seen: entry.get("first_seen")?.as_i64()?,
                head: String::new(),
                body_len: 0,
            };
            Some((now, prefix, entry))
        };
        let Some((now, prefix, entry)) = read() else {
            return self.error(
                status::BAD_OPTIONS,
                "quarantine_keep_arguments: the request must be {\"now\", \"prefix\"?, \"entry\": {\"id\", \"first_seen\"}}",
            );
        };
        let arguments =
            hookguard::gate::quarantine::redis::keep_arguments(&prefix, &entry, policy, now);
        self.result = Value::from(arguments.to_vec()).to_string().into_bytes();
        status::OK
    }

    /// The line a host logs when its quarantine store failed, under the configured
    /// `store_down`: the input is the failure's reason (text, never a value); the result is
    /// the line.
    pub fn quarantine_failure_line(&mut self, address: usize, len: usize) -> i32 {
        let (gate, reason) = match gate_and_input(&mut self.gate, &self.allocations, (address, len))
        {
            Ok(found) => found,
            Err((code, message)) => {
                return self.error(code, &format!("quarantine_failure_line: {message}"));
            }
        };
        let policy = gate
            .quarantine()
            .map_or(hookguard::gate::StorePolicy::Refuse, |policy| {
                policy.store_down
            });
        let reason = String::from_utf8_lossy(reason).into_owned();
        self.result = hookguard::gate::quarantine::unreachable_line(policy, &reason).into_bytes();
        status::OK
    }

    /// Puts the description of every configuration setting into the result: its JSON type,
    /// default, ceiling and members ([`GateConfig::describe`]), so a host checks a
    /// configuration's shape in its own language without restating any of it.
    pub fn options(&mut self) -> i32 {
        self.result = GateConfig::describe_json().into_bytes();
        status::OK
    }

    /// Puts the answer a receiver gives when the service's handler failed into the result:
    /// `{"status", "problem", "headers"}`, as an admission's refusal is written (its problem's
    /// place in the result slot).
    pub fn handler_failed(&mut self) -> i32 {
        let reply = hookguard::Reply::handler_failed();
        let out = &mut self.result;
        out.clear();
        out.extend_from_slice(format!("{{\"status\":{},\"problem\":", reply.status).as_bytes());
        self.problem = Some((out.len(), reply.body.len()));
        out.extend_from_slice(&reply.body);
        out.extend_from_slice(b",\"headers\":");
        let _ = serde_json::to_writer(&mut *out, &reply.headers);
        out.push(b'}');
        status::OK
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

    /// Puts the schema of the event named at `(address, len)` into the result: the effective one
    /// when the configuration has an overlay.
    pub fn schema(&mut self, address: usize, len: usize) -> i32 {
        let Some(name) = self.input(address, len) else {
            return self.error(
                status::BAD_BUFFER,
                "schema: buffer is not a live allocation",
            );
        };
        let Some((name, mut schema)) = std::str::from_utf8(name).ok().and_then(|name| {
            hookguard::schema::embedded_schema(name).map(|schema| (name.to_owned(), schema))
        }) else {
            return self.error(status::INVALID, "no schema by that name");
        };
        // With an overlay configured, the effective schema: what this module checks.
        if let Some(overlay) = self
            .gate
            .as_ref()
            .and_then(|gate| gate.validator().overlay())
        {
            overlay.apply_to_schema(&name, &mut schema);
        }
        self.result = schema.to_string().into_bytes();
        status::OK
    }

    /// The last result's bytes.
    pub fn result(&self) -> &[u8] {
        &self.result
    }

    /// Where the last result holds a problem document: `(offset, length)` within
    /// [`Session::result`], or `None`.
    pub fn problem(&self) -> Option<(usize, usize)> {
        self.problem
    }

    /// Forgets the last result's problem place; the exports call it before every call, which
    /// sets it anew.
    pub fn begin_call(&mut self) {
        self.problem = None;
    }

    fn error(&mut self, code: i32, message: &str) -> i32 {
        self.problem = None;
        self.result = serde_json::json!({ "error": message })
            .to_string()
            .into_bytes();
        code
    }
}

/// Writes `{"verdict", "status"` and, for a refusal, `"problem"` (the core's document as it
/// wrote it), leaving the object open for more members. Returns where the problem document
/// is in `out`, `(offset, length)`.
fn write_answer(
    out: &mut Vec<u8>,
    answer: &hookguard::Answer<'_>,
    shape: &hookguard::ProblemShape,
) -> Option<(usize, usize)> {
    let label = Value::from(answer.verdict.label()).to_string();
    out.extend_from_slice(
        format!("{{\"verdict\":{label},\"status\":{}", answer.status()).as_bytes(),
    );
    let mut problem = None;
    if !answer.verdict.passes() {
        out.extend_from_slice(b",\"problem\":");
        let document = answer.problem_json(shape);
        problem = Some((out.len(), document.len()));
        out.extend_from_slice(&document);
        // What to send with it: its media type, and `retry-after` or the duplicate's mark.
        // Pairs of strings, written as `[[NAME, VALUE], ...]`: this cannot fail.
        out.extend_from_slice(b",\"headers\":");
        let _ = serde_json::to_writer(&mut *out, &answer.headers());
    }
    problem
}

/// Writes an admission as `hookguard_admit` and `hookguard_conclude` do, leaving the object
/// open: the answer (problem and headers), `signature`, `request_id`, `timestamp`, `ticket`,
/// and `claimed_in` when given. Member by member: the problem document goes in as the core
/// wrote it, byte for byte. Returns the problem's place.
fn write_admission(
    out: &mut Vec<u8>,
    gate: &Gate,
    admission: &hookguard::Admission,
    claimed_in: Option<&str>,
) -> Option<(usize, usize)> {
    let problem = write_answer(out, &admission.answer(), gate.problem_shape());
    let text = |value: &str| Value::from(value).to_string();
    if let Some(label) = admission.authenticity.label() {
        out.extend_from_slice(format!(",\"signature\":{}", text(label)).as_bytes());
    }
    if let Some(request_id) = admission.authenticity.request_id() {
        out.extend_from_slice(format!(",\"request_id\":{}", text(request_id)).as_bytes());
    }
    if let hookguard::Authenticity::Verified { timestamp, .. } = admission.authenticity {
        out.extend_from_slice(format!(",\"timestamp\":{timestamp}").as_bytes());
    }
    if let Some(ticket) = admission.ticket() {
        out.extend_from_slice(b",\"ticket\":");
        // A ticket is a string and a number: writing it cannot fail.
        let _ = serde_json::to_writer(&mut *out, ticket);
    }
    if let Some(claimed_in) = claimed_in {
        out.extend_from_slice(format!(",\"claimed_in\":{}", text(claimed_in)).as_bytes());
    }
    problem
}

/// Writes an admission's `,"quarantine":{"id", "head", "bytes", "first_seen", "kept",
/// "unreachable"}`: the entry a host keeps (its head, then the body), and the answers to send
/// once it is kept or when the store failed (`{"verdict", "status", "problem", "headers"}`,
/// the problem document as a string holding the core's exact text).
fn write_quarantine(
    out: &mut Vec<u8>,
    gate: &Gate,
    admission: &hookguard::Admission,
    entry: &hookguard::gate::Entry,
) {
    let text = |value: &str| Value::from(value).to_string();
    out.extend_from_slice(
        format!(
            ",\"quarantine\":{{\"id\":{},\"head\":{},\"bytes\":{},\"first_seen\":{}",
            text(&entry.id),
            text(&entry.head),
            entry.len(),
            entry.first_seen
        )
        .as_bytes(),
    );
    let (kept, unreachable) = gate.quarantine_answers(admission, &entry.id);
    for (name, answer) in [("kept", kept), ("unreachable", unreachable)] {
        let problem = answer.problem_json(gate.problem_shape());
        out.extend_from_slice(
            format!(
                ",\"{name}\":{{\"verdict\":{},\"status\":{},\"problem\":{},\"headers\":",
                text(answer.verdict.label()),
                answer.status(),
                text(&String::from_utf8_lossy(&problem))
            )
            .as_bytes(),
        );
        let _ = serde_json::to_writer(&mut *out, &answer.headers());
        out.push(b'}');
    }
    out.push(b'}');
}

/// The gate (the defaults', until a configuration is applied) and the bytes at
/// `(address, len)` when they lie inside a live allocation; else the status and why.
fn gate_and_input<'s>(
    gate: &'s mut Option<Gate>,
    allocations: &'s BTreeMap<usize, Box<[u8]>>,
    (address, len): (usize, usize),
) -> Result<(&'s Gate, &'s [u8]), (i32, String)> {
    if gate.is_none() {
        *gate = Some(
            Gate::new(GateConfig::default())
                .map_err(|error| (status::BAD_OPTIONS, error.to_string()))?,
        );
    }
    let gate = gate
        .as_ref()
        .ok_or((status::BAD_OPTIONS, String::from("no configuration")))?;
    let body = live_bytes(allocations, address, len).ok_or((
        status::BAD_BUFFER,
        String::from("buffer is not a live allocation"),
    ))?;
    Ok((gate, body))
}

/// How deep a request may nest (a list of header pairs is three levels).
const REQUEST_LIMITS: hookguard::intake::IntakeLimits = hookguard::intake::IntakeLimits {
    max_bytes: usize::MAX,
    max_depth: 16,
};

/// A request's JSON members, if it is an object, read by the core's reader (serde_json's
/// deserializer, with serde's derived readers, cost the module some 40 KB): under intake's
/// rules, so a repeated name is refused rather than one of the two silently taken.
fn request_members(request: &[u8]) -> Option<Map<String, Value>> {
    hookguard::intake::parse(request, REQUEST_LIMITS).ok()
}

/// A request's members when it is an object naming only `known` fields (a misspelt field must
/// not silently leave a default in place).
fn request_fields(request: &[u8], known: &[&str]) -> Option<Map<String, Value>> {
    request_members(request).filter(|members| only(members, known))
}

/// Whether `members` name only `known` fields.
fn only(members: &Map<String, Value>, known: &[&str]) -> bool {
    members.keys().all(|name| known.contains(&name.as_str()))
}

// The readers below borrow from a request rather than take its members out: a request is
// small and read once, and taking out (a map's removal, with its rebalancing) would be a second
// copy of that code in the module beside the core's.

/// An optional field of a request: `Some(None)` when it is absent or null, `Some(Some(value))`
/// when `read` accepts it, `None` when it does not.
fn optional_of<T>(
    request: &Map<String, Value>,
    name: &str,
    read: impl FnOnce(&Value) -> Option<T>,
) -> Option<Option<T>> {
    match request.get(name) {
        None | Some(Value::Null) => Some(None),
        Some(value) => read(value).map(Some),
    }
}

/// A flag of a request (`default` when absent; null is not a flag).
fn flag_of(request: &Map<String, Value>, name: &str, default: bool) -> Option<bool> {
    match request.get(name) {
        None => Some(default),
        Some(Value::Bool(flag)) => Some(*flag),
        Some(_) => None,
    }
}

/// A request's `now` (whole Unix seconds).
fn now_of(request: &Map<String, Value>) -> Option<i64> {
    request.get("now")?.as_i64()
}

/// A request's `headers`: `[[NAME, VALUE], ...]` (repeats kept) or, as in ABI 1's first form,
/// `{NAME: VALUE}`; absent means none.
fn header_fields_of(request: &Map<String, Value>) -> Option<Vec<(String, String)>> {
    match request.get("headers") {
        None => Some(Vec::new()),
        Some(Value::Object(object)) => object
            .iter()
            .map(|(name, value)| Some((name.clone(), value.as_str()?.to_owned())))
            .collect(),
        Some(pairs) => header_pairs(pairs),
    }
}

/// A request's `headers` in the form `[[NAME, VALUE], ...]` only; absent means none.
fn header_pairs_of(request: &Map<String, Value>) -> Option<Vec<(String, String)>> {
    request
        .get("headers")
        .map_or(Some(Vec::new()), header_pairs)
}

/// `[[NAME, VALUE], ...]` as pairs.
fn header_pairs(pairs: &Value) -> Option<Vec<(String, String)>> {
    let Value::Array(pairs) = pairs else {
        return None;
    };
    pairs
        .iter()
        .map(|pair| match pair.as_array()?.as_slice() {
            [Value::String(name), Value::String(value)] => Some((name.clone(), value.clone())),
            _ => None,
        })
        .collect()
}

/// The exported functions: integer conversion around a per-instance [`Session`].
///
/// WebAssembly addresses are 32-bit, so these exist only on `wasm32`; native code (and the
/// tests) use [`Session`] directly.
#[cfg(target_arch = "wasm32")]
#[allow(unsafe_code)] // `#[unsafe(no_mangle)]` only: the exports must keep their names.
pub mod exports {
    use std::cell::RefCell;
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::{ABI_VERSION, Session};

    thread_local! {
        // One session per module instance (wasm32 instances are single-threaded).
        static SESSION: RefCell<Session> = RefCell::new(Session::new());
    }

    /// Where the last result is, `[address, length, problem offset, problem length]`, kept
    /// current after every call: a host reads it from memory instead of making more calls per
    /// delivery (each call costs a host like Python's ctypes far more than the copy), and takes
    /// a refusal's problem document by its place (offset within the result; length 0 when the
    /// result holds none). Atomics only for a safe static: wasm32 instances are
    /// single-threaded.
    static RESULT_SLOT: [AtomicU32; 4] = [
        AtomicU32::new(0),
        AtomicU32::new(0),
        AtomicU32::new(0),
        AtomicU32::new(0),
    ];

    /// Runs a call that writes a result (the problem's place is set anew).
    fn with<T>(call: impl FnOnce(&mut Session) -> T) -> T {
        in_session(|session| {
            session.begin_call();
            call(session)
        })
    }

    /// Runs `hookguard_alloc` or `hookguard_free`, which leave the last result as it was (a
    /// host frees its input after reading the result's place, or before): only an error
    /// replaces it.
    fn in_session<T>(call: impl FnOnce(&mut Session) -> T) -> T {
        SESSION.with(|session| {
            let mut session = session.borrow_mut();
            let answer = call(&mut session);
            let result = session.result();
            RESULT_SLOT[0].store(result.as_ptr() as u32, Ordering::Relaxed);
            RESULT_SLOT[1].store(result.len() as u32, Ordering::Relaxed);
            let (offset, length) = session.problem().unwrap_or((0, 0));
            RESULT_SLOT[2].store(offset as u32, Ordering::Relaxed);
            RESULT_SLOT[3].store(length as u32, Ordering::Relaxed);
            answer
        })
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
        in_session(|session| session.alloc(len as usize)).map_or(0, |address| address as u32)
    }

    /// See `docs/abi.md`.
    #[unsafe(no_mangle)]
    pub extern "C" fn hookguard_free(pointer: u32, len: u32) -> i32 {
        in_session(|session| session.free(address(pointer), len as usize))
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
    pub extern "C" fn hookguard_admit(pointer: u32, len: u32, body: u32, body_len: u32) -> i32 {
        with(|session| {
            let request = (address(pointer), len as usize);
            session.admit(request, (address(body), body_len as usize))
        })
    }

    /// See `docs/abi.md`.
    #[unsafe(no_mangle)]
    pub extern "C" fn hookguard_conclude(pointer: u32, len: u32) -> i32 {
        with(|session| session.conclude(address(pointer), len as usize))
    }

    /// See `docs/abi.md`.
    #[unsafe(no_mangle)]
    pub extern "C" fn hookguard_store_command(pointer: u32, len: u32) -> i32 {
        with(|session| session.store_command(address(pointer), len as usize))
    }

    /// See `docs/abi.md`.
    #[unsafe(no_mangle)]
    pub extern "C" fn hookguard_store_failure_line(pointer: u32, len: u32) -> i32 {
        with(|session| session.store_failure_line(address(pointer), len as usize))
    }

    /// See `docs/abi.md`.
    #[unsafe(no_mangle)]
    pub extern "C" fn hookguard_settle(pointer: u32, len: u32) -> i32 {
        with(|session| session.settle(address(pointer), len as usize))
    }

    /// See `docs/abi.md`.
    #[unsafe(no_mangle)]
    pub extern "C" fn hookguard_quarantine_evictions(pointer: u32, len: u32) -> i32 {
        with(|session| session.quarantine_evictions(address(pointer), len as usize))
    }

    /// See `docs/abi.md`.
    #[unsafe(no_mangle)]
    pub extern "C" fn hookguard_quarantine_keep_arguments(pointer: u32, len: u32) -> i32 {
        with(|session| session.quarantine_keep_arguments(address(pointer), len as usize))
    }

    /// See `docs/abi.md`.
    #[unsafe(no_mangle)]
    pub extern "C" fn hookguard_quarantine_failure_line(pointer: u32, len: u32) -> i32 {
        with(|session| session.quarantine_failure_line(address(pointer), len as usize))
    }

    /// See `docs/abi.md`.
    #[unsafe(no_mangle)]
    pub extern "C" fn hookguard_observe(pointer: u32, len: u32) -> i32 {
        with(|session| session.observe(address(pointer), len as usize))
    }

    /// See `docs/abi.md`.
    #[unsafe(no_mangle)]
    pub extern "C" fn hookguard_observe_new(pointer: u32, len: u32) -> i32 {
        with(|session| session.observe_new(address(pointer), len as usize))
    }

    /// See `docs/abi.md`.
    #[unsafe(no_mangle)]
    pub extern "C" fn hookguard_screen(pointer: u32, len: u32) -> i32 {
        with(|session| session.screen(address(pointer), len as usize))
    }

    /// See `docs/abi.md`.
    #[unsafe(no_mangle)]
    pub extern "C" fn hookguard_answer() -> i32 {
        with(Session::answer)
    }

    /// See `docs/abi.md`.
    #[unsafe(no_mangle)]
    pub extern "C" fn hookguard_options() -> i32 {
        with(Session::options)
    }

    /// See `docs/abi.md`.
    #[unsafe(no_mangle)]
    pub extern "C" fn hookguard_handler_failed() -> i32 {
        with(Session::handler_failed)
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
        in_session(|session| session.result().as_ptr() as u32)
    }

    /// See `docs/abi.md`.
    #[unsafe(no_mangle)]
    pub extern "C" fn hookguard_result_len() -> u32 {
        in_session(|session| session.result().len() as u32)
    }

    /// See `docs/abi.md`.
    #[unsafe(no_mangle)]
    pub extern "C" fn hookguard_result_slot() -> u32 {
        RESULT_SLOT.as_ptr() as u32
    }
}
