/*!
hookguard as an API gateway filter: validates Ocrolus webhook deliveries inside Envoy (or any
host of the proxy-wasm ABI) before they reach the service behind it.

A key design decision made in this crate is that **the filter decides in plain Rust and only
talks to the gateway through a small trait**: [`exchange::Exchange`] holds one request's
state machine (headers held, body buffered, verdict, problem response or pass) and reaches
the host only through [`exchange::Host`]. The proxy-wasm glue (`filter.rs`, compiled for
`wasm32` only) implements that trait with the SDK's fallible host calls, so the whole
decision logic is tested natively, and nothing in it can panic a VM.

The verdicts are the core's ([`hookguard::Validator`]), so a delivery gets the same answer
here as from the command line or the JavaScript package.
*/

pub mod config;
pub mod exchange;
pub mod headers;
pub mod problem;
pub mod replay;
pub mod verdict;

#[cfg(target_arch = "wasm32")]
mod filter;
