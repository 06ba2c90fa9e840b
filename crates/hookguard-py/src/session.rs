//! The ABI's calls by name ([`Session`]): what the package's Gate, receivers and shared memory
//! speak to either backend, answered here by the same Rust the WebAssembly exports wrap.

use std::sync::{Mutex, MutexGuard, PoisonError};

use hookguard_plugin::Session as AbiSession;
use pyo3::exceptions::{PyMemoryError, PyValueError};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedBytes;
use pyo3::types::PyBytes;

/// Bodies at least this large are checked with the GIL released: other Python threads run
/// meanwhile. Below it, releasing and taking the GIL back costs more than the check.
pub(crate) const DETACHED_FROM_BYTES: usize = 64 * 1024;

/// One call's outcome, made without the GIL: status, result bytes, the problem's place.
struct Outcome {
    status: i32,
    result: Vec<u8>,
    problem: Option<(usize, usize)>,
}

/// One session of the ABI: its configuration, its memory of request ids, its last result. The
/// package makes one per `Gate` (and one shared by the module-level functions), as it makes one
/// instance of hookguard.wasm.
#[pyclass(module = "hookguard._native")]
pub struct Session {
    /// Locked for each call: one call at a time, as a WebAssembly instance serves them.
    inner: Mutex<AbiSession>,
}

/// Runs export `name` on `session` with `inputs`, copied into one allocation of it as the
/// host side of the ABI does; `None` when the ABI has no such call with that many inputs.
fn call_in(
    session: &mut AbiSession,
    name: &str,
    inputs: &[&[u8]],
) -> Result<Option<Outcome>, usize> {
    let total: usize = inputs.iter().map(|input| input.len()).sum();
    let address = session.alloc(total).ok_or(total)?;
    let mut places = Vec::with_capacity(inputs.len());
    if let Some(buffer) = session.buffer_mut(address) {
        let mut at = 0;
        for input in inputs {
            let end = at + input.len();
            if let Some(place) = buffer.get_mut(at..end) {
                place.copy_from_slice(input);
            }
            places.push((address + at, input.len()));
            at = end;
        }
    }
    session.begin_call();
    let status = match (name, places.as_slice()) {
        ("hookguard_configure", &[(at, len)]) => Some(session.configure(at, len)),
        ("hookguard_validate", &[(at, len)]) => Some(session.validate(at, len, false)),
        ("hookguard_normalize", &[(at, len)]) => Some(session.validate(at, len, true)),
        ("hookguard_verify", &[request, body]) => Some(session.verify(request, body)),
        ("hookguard_admit", &[request, body]) => Some(session.admit(request, body)),
        ("hookguard_conclude", &[(at, len)]) => Some(session.conclude(at, len)),
        ("hookguard_store_command", &[(at, len)]) => Some(session.store_command(at, len)),
        ("hookguard_store_failure_line", &[(at, len)]) => Some(session.store_failure_line(at, len)),
        ("hookguard_settle", &[(at, len)]) => Some(session.settle(at, len)),
        ("hookguard_quarantine_evictions", &[(at, len)]) => {
            Some(session.quarantine_evictions(at, len))
        }
        ("hookguard_quarantine_keep_arguments", &[(at, len)]) => {
            Some(session.quarantine_keep_arguments(at, len))
        }
        ("hookguard_quarantine_failure_line", &[(at, len)]) => {
            Some(session.quarantine_failure_line(at, len))
        }
        ("hookguard_observe", &[(at, len)]) => Some(session.observe(at, len)),
        ("hookguard_observe_new", &[(at, len)]) => Some(session.observe_new(at, len)),
        ("hookguard_screen", &[(at, len)]) => Some(session.screen(at, len)),
        ("hookguard_schema", &[(at, len)]) => Some(session.schema(at, len)),
        ("hookguard_answer", &[]) => Some(session.answer()),
        ("hookguard_options", &[]) => Some(session.options()),
        ("hookguard_handler_failed", &[]) => Some(session.handler_failed()),
        ("hookguard_version", &[]) => Some(session.version()),
        ("hookguard_catalog", &[]) => Some(session.catalog()),
        _ => None,
    };
    // Freed before the result is read: freeing leaves the last result as it was.
    session.free(address, total);
    Ok(status.map(|status| Outcome {
        status,
        result: session.result().to_vec(),
        problem: session.problem(),
    }))
}

impl Session {
    /// The session, even after a call that panicked while holding it (a panic is a defect,
    /// and the session's state is consistent between calls: it is kept, not lost).
    fn session(&self) -> MutexGuard<'_, AbiSession> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[pymethods]
impl Session {
    #[new]
    fn new() -> Session {
        Session {
            inner: Mutex::new(AbiSession::new()),
        }
    }

    /// Calls export `name` with each input as one of its `(pointer, length)` pairs; returns
    /// `(status, result, problem)` as `hookguard._module.Instance.call` does for the module.
    #[pyo3(signature = (name, *inputs))]
    fn call<'py>(
        &self,
        py: Python<'py>,
        name: &str,
        inputs: Vec<PyBackedBytes>,
    ) -> PyResult<(i32, Bound<'py, PyBytes>, Option<Bound<'py, PyBytes>>)> {
        // Borrowed from the caller's bytes, not copied: the one copy is into the session.
        let views: Vec<&[u8]> = inputs.iter().map(|input| &**input).collect();
        let size: usize = views.iter().map(|input| input.len()).sum();
        let run = || call_in(&mut self.session(), name, &views);
        let outcome = if size >= DETACHED_FROM_BYTES {
            py.detach(run)
        } else {
            match self.inner.try_lock() {
                Ok(mut session) => call_in(&mut session, name, &views),
                // Another thread's call holds the session: wait without the GIL.
                Err(_) => py.detach(run),
            }
        };
        let outcome = outcome
            .map_err(|size| {
                PyMemoryError::new_err(format!("hookguard: no room for {size} bytes of input"))
            })?
            .ok_or_else(|| {
                PyValueError::new_err(format!(
                    "hookguard: no call {name} with {} inputs",
                    views.len()
                ))
            })?;
        let problem = outcome
            .problem
            .and_then(|(at, len)| outcome.result.get(at..at.checked_add(len)?))
            .map(|problem| PyBytes::new(py, problem));
        Ok((outcome.status, PyBytes::new(py, &outcome.result), problem))
    }
}
