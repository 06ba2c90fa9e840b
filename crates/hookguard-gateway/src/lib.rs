/*!
hookguard as an API gateway filter: validates Ocrolus webhook deliveries inside Envoy (or any
host of the proxy-wasm ABI) before they reach the service behind it.

A key design decision made in this crate is that **the filter only translates**: what a
delivery is judged by and answered with is the core's [`hookguard::Gate`], the same in every
host; this crate reads Envoy's request into it and acts on the conclusion in Envoy's terms
(hold, pass, reply, mark, count). The request state machine ([`exchange::Exchange`]) reaches
the host only through [`host::Host`]; the proxy-wasm glue (`filter.rs`, compiled for `wasm32`
only) implements that trait with the SDK's fallible host calls, so the whole decision logic is
tested natively, and nothing in it can panic a VM.

Modules: [`config`] (the configuration as written and as checked), [`host`] (the trait, and a
host in memory for tests), [`headers`] (the host's header map read in place), [`exchange`] (one
request), [`replay`] (the request-id memory in shared data), [`store`] (the memory gateways share, in Redis
through webdis), [`drift`] (unknown fields noticed
in monitor mode), [`metrics`] (counter names), [`heap`] (the counting allocator behind the
per-VM heap gauge).
*/

pub mod config;
pub mod drift;
pub mod exchange;
pub mod headers;
pub mod heap;
pub mod host;
pub mod metrics;
pub mod replay;
pub mod store;

#[cfg(target_arch = "wasm32")]
mod filter;
