//! What the filter needs from its host, as a trait: the proxy-wasm glue (`filter.rs`)
//! implements it over the ABI, and [`fake::FakeHost`] implements it in memory, so that the
//! whole request state machine runs and is tested natively.

use crate::headers::HeaderMap;
use crate::metrics::Metric;
use crate::store::SharedStore;

/// A host call that failed. It names the call, never the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostError {
    /// Which call failed.
    pub call: &'static str,
}

/// Severity of a log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogLevel {
    /// Per-request detail, off by default in Envoy.
    Debug,
    /// Monitor-mode findings.
    Info,
    /// The filter could not do its job.
    Warn,
}

/// What the filter needs from its host, for the current request.
pub trait Host {
    /// Every request header, in one call: each host call costs a VM crossing or two, which
    /// is most of what a small filter spends per request.
    fn request_headers(&self) -> Result<HeaderMap, HostError>;
    /// Sets (`Some`) or removes (`None`) a request header. Only possible while the headers
    /// are held.
    fn set_request_header(&mut self, name: &str, value: Option<&str>) -> Result<(), HostError>;
    /// The first `size` bytes of the buffered request body.
    fn request_body(&self, size: usize) -> Result<Vec<u8>, HostError>;
    /// Replaces the first `size` bytes of the buffered request body with `body`.
    fn replace_request_body(&mut self, size: usize, body: &[u8]) -> Result<(), HostError>;
    /// Answers the request locally; the upstream never sees it.
    fn respond(
        &mut self,
        status: u16,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Result<(), HostError>;
    /// Adds one to a counter. Metrics are best effort: a failure is not the request's problem.
    fn count(&mut self, metric: Metric);
    /// Writes a log line. Best effort, like metrics.
    fn log(&mut self, level: LogLevel, message: &str);
    /// The host's clock, Unix seconds.
    fn now_unix_s(&self) -> Result<i64, HostError>;
    /// A value shared by every VM of this plugin, with its version for `shared_set`.
    fn shared_get(&self, key: &str) -> Result<(Option<Vec<u8>>, Option<u32>), HostError>;
    /// Stores a shared value if it is still at version `cas`; `Ok(false)` when another VM
    /// changed it first. (Envoy writes a key that does not exist whatever `cas` says.)
    fn shared_set(&mut self, key: &str, value: &[u8], cas: Option<u32>) -> Result<bool, HostError>;
    /// A number no other claim in this process is given (a claim's token).
    fn unique_token(&mut self) -> u64;
    /// The response's `:status`, once the response headers are here.
    fn response_status(&self) -> Result<Option<u16>, HostError>;
    /// Sends `command` to the shared store (POST `/` to its cluster, within its timeout); the
    /// answer arrives through the exchange's `on_store_answer`.
    fn dispatch_store(&mut self, store: &SharedStore, command: &[u8]) -> Result<(), HostError>;
    /// Sends `command` to the shared store on behalf of the whole VM rather than this request:
    /// Envoy cancels a request's calls when the request ends, and this one must outlive it.
    /// No one hears its answer.
    fn dispatch_store_detached(
        &mut self,
        store: &SharedStore,
        command: &[u8],
    ) -> Result<(), HostError>;
    /// The answer of the store call that just completed: its status (none when it failed or
    /// timed out) and its first `body_size` bytes.
    fn store_answer(&self, body_size: usize) -> Result<(Option<u16>, Vec<u8>), HostError>;
    /// Lets a request held for the store's answer go on.
    fn resume_request(&mut self) -> Result<(), HostError>;
}

/// A host in memory, for tests: one request, and shared data every "VM" of a test sees.
#[cfg(test)]
pub mod fake {
    use std::collections::BTreeMap;
    use std::rc::Rc;

    use serde_json::Value;

    use super::*;

    /// Shared data as every VM of a host sees it: key -> (value, version).
    pub type SharedData = Rc<std::cell::RefCell<BTreeMap<String, (Vec<u8>, u32)>>>;

    /// A request as a host would hold it, recording what the filter did to it.
    #[derive(Default)]
    pub struct FakeHost {
        /// The request headers, one field per name.
        pub headers: BTreeMap<String, Vec<u8>>,
        /// Fields sent after `headers`, repeating names (Envoy hands every field over).
        pub repeated_headers: Vec<(String, Vec<u8>)>,
        /// The request body as the upstream would get it.
        pub body: Vec<u8>,
        /// The local reply, if the filter sent one: status and body.
        pub response: Option<(u16, Vec<u8>)>,
        /// The local reply's headers.
        pub response_headers: Vec<(String, String)>,
        /// The upstream's (or Envoy's) response status, for the response callbacks.
        pub upstream_status: Option<u16>,
        /// Runs once between a shared-data read and the write after it: another VM's write
        /// landing there.
        pub between_get_and_set: Option<Box<dyn FnMut()>>,
        /// The last token handed out.
        pub tokens: u64,
        /// Commands sent to the shared store, in order.
        pub store_calls: Vec<Vec<u8>>,
        /// How many of them were sent on behalf of the VM (no answer heard).
        pub detached_calls: usize,
        /// What the store answers the next call with: status (none: failed) and body.
        pub store_reply: Option<(Option<u16>, Vec<u8>)>,
        /// How often the request was resumed.
        pub resumed: u32,
        /// Every counter increment, in order.
        pub counted: Vec<Metric>,
        /// Every log line, in order.
        pub logs: Vec<String>,
        /// A host call that fails, to exercise the failure policy.
        pub failing: Option<&'static str>,
        /// The clock.
        pub now: i64,
        /// Shared data, as every VM of a host sees it.
        pub shared: SharedData,
        /// The headers went on to the upstream (the filter let them continue while the body
        /// was still coming): they can no longer be changed.
        pub headers_forwarded: bool,
    }

    impl FakeHost {
        /// A POST to `path` with this content type and body (and its content-length).
        pub fn post(path: &str, content_type: &str, body: &[u8]) -> FakeHost {
            let mut host = FakeHost::default();
            for (name, value) in [
                (":method", "POST"),
                (":path", path),
                ("content-type", content_type),
                ("content-length", &body.len().to_string()),
            ] {
                host.headers.insert(name.into(), value.as_bytes().to_vec());
            }
            host.body = body.to_vec();
            host
        }

        /// Fails `call` when the test asked for it.
        pub fn fails(&self, call: &'static str) -> Result<(), HostError> {
            match self.failing {
                Some(failing) if failing == call => Err(HostError { call }),
                _ => Ok(()),
            }
        }

        /// A request header's value as text.
        pub fn header(&self, name: &str) -> Option<&str> {
            self.headers
                .get(name)
                .map(|value| std::str::from_utf8(value).unwrap())
        }

        /// The local reply: its status and problem document, parsed.
        pub fn problem(&self) -> (u16, Value) {
            let (status, body) = self.response.as_ref().expect("a local response");
            (*status, serde_json::from_slice(body).unwrap())
        }
    }

    impl Host for FakeHost {
        fn request_headers(&self) -> Result<HeaderMap, HostError> {
            self.fails("get_request_headers")?;
            let fields = self.headers.iter().chain(
                self.repeated_headers
                    .iter()
                    .map(|(name, value)| (name, value)),
            );
            Ok(HeaderMap::from_pairs(
                fields.map(|(name, value)| (name.as_str(), value.as_slice())),
            ))
        }
        fn set_request_header(&mut self, name: &str, value: Option<&str>) -> Result<(), HostError> {
            self.fails("set_request_header")?;
            assert!(
                !self.headers_forwarded,
                "a header set after the headers went upstream"
            );
            match value {
                Some(value) => self.headers.insert(name.into(), value.as_bytes().to_vec()),
                None => self.headers.remove(name),
            };
            Ok(())
        }
        fn request_body(&self, size: usize) -> Result<Vec<u8>, HostError> {
            self.fails("get_request_body")?;
            Ok(self.body[..size.min(self.body.len())].to_vec())
        }
        fn replace_request_body(&mut self, size: usize, body: &[u8]) -> Result<(), HostError> {
            self.fails("set_request_body")?;
            self.body.splice(..size, body.iter().copied());
            Ok(())
        }
        fn respond(
            &mut self,
            status: u16,
            headers: &[(&str, &str)],
            body: &[u8],
        ) -> Result<(), HostError> {
            self.fails("send_http_response")?;
            assert_eq!(headers.first().map(|(name, _)| *name), Some("content-type"));
            self.response = Some((status, body.to_vec()));
            self.response_headers = headers
                .iter()
                .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
                .collect();
            Ok(())
        }
        fn count(&mut self, metric: Metric) {
            self.counted.push(metric);
        }
        fn log(&mut self, _level: LogLevel, message: &str) {
            self.logs.push(message.into());
        }
        fn now_unix_s(&self) -> Result<i64, HostError> {
            self.fails("get_current_time")?;
            Ok(self.now)
        }
        fn shared_get(&self, key: &str) -> Result<(Option<Vec<u8>>, Option<u32>), HostError> {
            self.fails("get_shared_data")?;
            let shared = self.shared.borrow();
            Ok(match shared.get(key) {
                Some((value, cas)) => (Some(value.clone()), Some(*cas)),
                None => (None, None),
            })
        }
        fn unique_token(&mut self) -> u64 {
            self.tokens += 1;
            self.tokens
        }
        fn response_status(&self) -> Result<Option<u16>, HostError> {
            self.fails("get_response_status")?;
            Ok(self.upstream_status)
        }
        fn dispatch_store(&mut self, _: &SharedStore, command: &[u8]) -> Result<(), HostError> {
            self.fails("dispatch_http_call")?;
            self.store_calls.push(command.to_vec());
            Ok(())
        }
        fn dispatch_store_detached(
            &mut self,
            store: &SharedStore,
            command: &[u8],
        ) -> Result<(), HostError> {
            self.dispatch_store(store, command)?;
            self.detached_calls += 1;
            Ok(())
        }
        fn store_answer(&self, body_size: usize) -> Result<(Option<u16>, Vec<u8>), HostError> {
            let (status, body) = self.store_reply.clone().unwrap_or((None, Vec::new()));
            Ok((status, body[..body_size.min(body.len())].to_vec()))
        }
        fn resume_request(&mut self) -> Result<(), HostError> {
            self.resumed += 1;
            Ok(())
        }
        fn shared_set(
            &mut self,
            key: &str,
            value: &[u8],
            cas: Option<u32>,
        ) -> Result<bool, HostError> {
            self.fails("set_shared_data")?;
            if let Some(mut other_vm) = self.between_get_and_set.take() {
                other_vm();
            }
            let mut shared = self.shared.borrow_mut();
            // As Envoy does: a missing key is written whatever the version; an existing one
            // only at its version (or with none).
            let current = shared.get(key).map(|(_, version)| *version);
            if let (Some(current), Some(cas)) = (current, cas.filter(|cas| *cas != 0))
                && cas != current
            {
                return Ok(false);
            }
            // One counter for every key, numbered from 1, as Envoy's.
            let next = shared
                .values()
                .map(|(_, version)| *version)
                .max()
                .unwrap_or(0)
                + 1;
            shared.insert(key.into(), (value.to_vec(), next));
            Ok(true)
        }
    }
}
