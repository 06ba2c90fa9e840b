//! `validate` and `normalize` on the core's own path: a [`Validator`] per configuration whose
//! reports are made as Python objects directly.
//!
//! Through the ABI a report is JSON text that Python parses (`json.loads`), which costs more
//! than checking a small delivery. Here the core's report is made into a dict directly (its
//! findings by their serde form, `pythonize`): the same keys, order and values the JSON every
//! host gives holds, as the suite checks against `tests/expected/` and the ABI's JSON on this
//! backend. The report stays a real dict, not a lazy mapping: `json.dumps`, `==` and `dict()`
//! read a dict's own storage, so a report filled in on access would break them, and the
//! package's API is that a report is a dict. The normalized payload is the one part
//! still parsed from its text, by `json.loads`, so that every number in it reads exactly as
//! the WebAssembly backend reads it.

use hookguard::{Delivery, Finding, Gate, GateConfig, Report};
use pyo3::buffer::PyBuffer;
use pyo3::exceptions::PyValueError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyDict, PyList, PyString};

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

    /// The report on `body` (`bytes`, `bytearray` or `memoryview`) as a dict, normalized when
    /// `normalize` and valid. The body is read where the caller holds it: `bytes` as they are,
    /// and checked without the GIL when large (nothing can change them); a contiguous buffer
    /// (`bytearray`, a `memoryview` of bytes) in place with the GIL held throughout, since
    /// Python code holding it could change it otherwise; anything else copied as `bytes(body)`
    /// copies it. Nothing past the read limit is looked at: that much already says "too large".
    fn validate<'py>(
        &self,
        py: Python<'py>,
        body: &Bound<'py, PyAny>,
        normalize: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        if let Ok(bytes) = body.cast::<PyBytes>() {
            return self.report(py, bytes.as_bytes(), normalize, Gil::MayRelease);
        }
        if let Ok(buffer) = PyBuffer::<u8>::get(body)
            && let Some(contents) = buffer.as_slice_ptr()
        {
            // SAFETY: `buffer` holds the export until it is dropped after this call, which keeps
            // the object and its memory alive and unmoved (a bytearray refuses to resize while
            // exported), and the pointer covers `len_bytes` initialized bytes of it (C-contiguous,
            // items of one byte: `PyBuffer::<u8>` checked the format). Only Python code could
            // write to them meanwhile, and none runs while they are read: the core's check
            // reads them with the GIL held (`Gil::Held`) and calls back into nothing, and the
            // report is made into Python objects afterwards, from values it owns. (abi3
            // extensions do not load into free-threaded Python, where this would not hold.)
            #[allow(unsafe_code)]
            let contents = unsafe { contents.as_ref() };
            return self.report(py, contents, normalize, Gil::Held);
        }
        let copied = py
            .get_type::<PyBytes>()
            .call1((body,))?
            .cast_into::<PyBytes>()?;
        self.report(py, copied.as_bytes(), normalize, Gil::MayRelease)
    }
}

/// Whether checking a body may release the GIL.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Gil {
    /// The body cannot change (immutable bytes): a large one is checked without the GIL.
    MayRelease,
    /// The body lives in a buffer Python code could write to: the GIL is held throughout.
    Held,
}

impl Validator {
    /// The report on `whole`, cut at the read limit, as a dict (see `validate`).
    fn report<'py>(
        &self,
        py: Python<'py>,
        whole: &[u8],
        normalize: bool,
        gil: Gil,
    ) -> PyResult<Bound<'py, PyAny>> {
        let body = whole.get(..self.read_limit).unwrap_or(whole);
        let check = || {
            let validator = self.gate.validator();
            if normalize {
                validator.normalize(body)
            } else {
                validator.validate(body)
            }
        };
        let mut report = if gil == Gil::MayRelease && body.len() >= DETACHED_FROM_BYTES {
            py.detach(check)
        } else {
            check()
        };
        let normalized = report.normalized.take();
        let dict = report_dict(py, &report)?;
        if let Some(normalized) = normalized {
            let loads = JSON_LOADS.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
                Ok(py.import("json")?.getattr("loads")?.unbind())
            })?;
            let payload = loads
                .bind(py)
                .call1((PyString::new(py, normalized.as_str()),))?;
            dict.set_item(intern!(py, "normalized"), payload)?;
        }
        Ok(dict.into_any())
    }
}

/// The report as a dict: the keys, order and values of its serde form (as the JSON every host
/// writes, which the suite holds it to on every fixture and hostile body), made directly: a
/// copy of a dict holding the keys in order (no key made, no table grown per report), its
/// values set, findings made the same way; only `omitted` goes through `pythonize`. The whole
/// report through `pythonize` cost about as much as checking a delivery of the Ocrolus
/// examples' shapes.
fn report_dict<'py>(py: Python<'py>, report: &Report) -> PyResult<Bound<'py, PyDict>> {
    let dict = keyed(
        py,
        &REPORT_KEYS,
        &[
            "valid",
            "delivery",
            "event_name",
            "source_event_name",
            "errors",
            "warnings",
        ],
    )?;
    dict.set_item(intern!(py, "valid"), report.valid)?;
    let delivery = report.delivery.map(|delivery| match delivery {
        Delivery::Event => intern!(py, "event"),
        Delivery::Test => intern!(py, "test"),
    });
    dict.set_item(intern!(py, "delivery"), delivery)?;
    dict.set_item(intern!(py, "event_name"), report.event_name)?;
    dict.set_item(intern!(py, "source_event_name"), report.source_event_name)?;
    dict.set_item(intern!(py, "errors"), findings(py, &report.errors)?)?;
    dict.set_item(intern!(py, "warnings"), findings(py, &report.warnings)?)?;
    if !report.omitted.is_none() {
        dict.set_item(intern!(py, "omitted"), converted(py, &report.omitted)?)?;
    }
    Ok(dict)
}

/// The report's keys, in its serde form's order, each mapped to None.
static REPORT_KEYS: PyOnceLock<Py<PyDict>> = PyOnceLock::new();
/// A finding's keys, likewise (`position` is set only when the finding has one).
static FINDING_KEYS: PyOnceLock<Py<PyDict>> = PyOnceLock::new();

/// A new dict with `keys` in this order, each None: a copy of the one kept in `kept`.
fn keyed<'py>(
    py: Python<'py>,
    kept: &PyOnceLock<Py<PyDict>>,
    keys: &[&str],
) -> PyResult<Bound<'py, PyDict>> {
    let template = kept.get_or_try_init(py, || -> PyResult<Py<PyDict>> {
        let template = PyDict::new(py);
        for key in keys {
            template.set_item(PyString::intern(py, key), py.None())?;
        }
        Ok(template.unbind())
    })?;
    template.bind(py).copy()
}

fn findings<'py>(py: Python<'py>, findings: &[Finding]) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for finding in findings {
        let dict = keyed(
            py,
            &FINDING_KEYS,
            &["code", "instanceLocation", "keywordLocation", "error"],
        )?;
        dict.set_item(intern!(py, "code"), finding.code)?;
        dict.set_item(intern!(py, "instanceLocation"), &finding.instance_location)?;
        dict.set_item(intern!(py, "keywordLocation"), &finding.keyword_location)?;
        dict.set_item(intern!(py, "error"), &finding.error)?;
        if let Some(position) = finding.position {
            let place = PyDict::new(py);
            place.set_item(intern!(py, "offset"), position.offset)?;
            place.set_item(intern!(py, "line"), position.line)?;
            place.set_item(intern!(py, "column"), position.column)?;
            dict.set_item(intern!(py, "position"), place)?;
        }
        list.append(dict)?;
    }
    Ok(list)
}

/// A part of the report by its serde form.
fn converted<'py, T: serde::Serialize + ?Sized>(
    py: Python<'py>,
    value: &T,
) -> PyResult<Bound<'py, PyAny>> {
    pythonize::pythonize(py, value).map_err(|error| {
        PyValueError::new_err(format!("hookguard: the report did not convert: {error}"))
    })
}
