/*!
`hookguard._native`: the Python package's native backend, a PyO3 extension.

The package speaks to hookguard.wasm through its ABI (`docs/abi.md`): a call by name, byte
inputs, a status, a result and the place of a problem document in it. This module answers the
same calls, with the same bytes, from the same code ([`session::Session`]): the ABI's logic is
[`hookguard_plugin::Session`], plain Rust that the WebAssembly exports only wrap. So the Python
package keeps one implementation above this line (`hookguard/_module.py` picks the backend) and
both backends give one answer, byte for byte, which the Python suite checks by running whole
against each.

One path is the core's own rather than the ABI's, because it is the one a service calls per
delivery: `validate` and `normalize` ([`report::Validator`]) make the report's dict from the
core's report directly, without JSON text for Python to parse.

What changes against wasm is the cost of a crossing: a Python call into a native function
instead of wasmtime's call through ctypes, no module compilation when a process starts, and the
GIL released while a large body is checked.
*/

mod report;
mod session;

use pyo3::prelude::*;

/// The module: the ABI version it speaks, the ABI's [`session::Session`], and the validation
/// path ([`report::Validator`]).
#[pymodule]
fn _native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add("ABI_VERSION", hookguard_plugin::ABI_VERSION)?;
    module.add_class::<session::Session>()?;
    module.add_class::<report::Validator>()?;
    Ok(())
}
