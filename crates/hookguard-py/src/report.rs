//! `validate` and `normalize` on the core's own path: a [`Validator`] per configuration whose
//! reports are made as Python objects directly.
//!
//! Through the ABI a report is JSON text that Python parses (`json.loads`), which costs more
//! than checking a small delivery. Here the core's report is turned into a dict by its serde
//! form (`pythonize`): the same keys and values the JSON every host gives holds, as the suite
//! checks against `tests/expected/` on this backend. The normalized payload is the one part
//! still parsed from its text, by `json.loads`, so that every number in it reads exactly as
//! the WebAssembly backend reads it.

use hookguard::{Gate, GateConfig};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyDict, PyString};

use crate::session::DETACHED_FROM_BYTES;

/// The core's gate built from one configuration (the ABI's JSON), for `validate` and
/// `normalize`: the package keeps one per distinct set of options.
#[pyclass(frozen, module = "hookguard._native")]
pub struct Validator {
    gate: Gate,
    read_limit: usize,
}

/// Python's `json.loads`, looked up once.
static JSON_LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

#[pymethods]
impl Validator {
    /// The validator for `config` (the core's configuration as JSON); ValueError with the
    /// core's message when it is refused.
    #[new]
    fn new(config: &[u8]) -> PyResult<Validator> {
        let gate = GateConfig::from_json(config)
            .and_then(Gate::new)
            .map_err(|error| PyValueError::new_err(error.to_string()))?;
        let read_limit = usize::try_from(gate.read_limit()).unwrap_or(usize::MAX);
        Ok(Validator { gate, read_limit })
    }

    /// The report on `body` as a dict, normalized when `normalize` and valid. Nothing past
    /// the read limit is looked at: that much already says "too large".
    fn validate<'py>(
        &self,
        py: Python<'py>,
        body: &Bound<'py, PyBytes>,
        normalize: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let whole = body.as_bytes();
        let body = whole.get(..self.read_limit).unwrap_or(whole);
        let check = || {
            let validator = self.gate.validator();
            if normalize {
                validator.normalize(body)
            } else {
                validator.validate(body)
            }
        };
        let mut report = if body.len() >= DETACHED_FROM_BYTES {
            py.detach(check)
        } else {
            check()
        };
        let normalized = report.normalized.take();
        let dict = pythonize::pythonize(py, &report).map_err(|error| {
            PyValueError::new_err(format!("hookguard: the report did not convert: {error}"))
        })?;
        if let Some(normalized) = normalized {
            let loads = JSON_LOADS.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
                Ok(py.import("json")?.getattr("loads")?.unbind())
            })?;
            let payload = loads
                .bind(py)
                .call1((PyString::new(py, normalized.as_str()),))?;
            dict.cast::<PyDict>()?.set_item("normalized", payload)?;
        }
        Ok(dict)
    }
}
