//! The proxy-wasm glue: root context (configuration, metrics) and HTTP contexts that hand each
//! callback to an [`Exchange`]. Only `wasm32` builds compile this module.
//!
//! Every host call goes through `proxy_wasm::hostcalls` directly rather than the trait's
//! convenience methods, which unwrap errors; a panic here would trap the VM and turn every
//! later request on this worker into a 503. Header values are read as bytes.

use std::cell::{Cell, OnceCell, RefCell};
use std::collections::HashMap;
use std::hash::BuildHasher;
use std::rc::Rc;

use proxy_wasm::hostcalls;
use proxy_wasm::traits::{Context, HttpContext, RootContext};
use proxy_wasm::types::{
    Action, BufferType, ContextType, LogLevel as ProxyLogLevel, MapType, MetricType, Status,
};

use crate::config::Gateway;
use crate::exchange::{Exchange, Flow};
use crate::headers::HeaderMap;
use crate::host::{Host, HostError, LogLevel};
use crate::metrics::Metric;
use crate::store::SharedStore;

proxy_wasm::main! {{
    proxy_wasm::set_root_context(|context_id| -> Box<dyn RootContext> {
        Box::new(FilterRoot {
            context_id,
            ..FilterRoot::default()
        })
    });
}}

/// Counter ids, shared by the root and its HTTP contexts (one VM is single-threaded).
type Metrics = Rc<RefCell<HashMap<Metric, u32>>>;

/// Per-VM gauges, `hookguard.vm.<tag>.memory_bytes` and `hookguard.vm.<tag>.heap_bytes`: the
/// VM's linear memory (what the filter costs per VM; Envoy runs one VM per worker thread) and
/// the bytes its code holds, read while the VM is idle (what a soak watches for leaks: memory
/// kept across requests raises it, whatever the order requests came in).
const VM_GAUGE_PREFIX: &str = "hookguard.vm.";
const MEMORY_GAUGE_SUFFIX: &str = ".memory_bytes";
const HEAP_GAUGE_SUFFIX: &str = ".heap_bytes";
/// How often an idle VM reads its heap: between callbacks, so no request is half-handled.
const HEAP_READ_PERIOD: std::time::Duration = std::time::Duration::from_secs(1);
const WASM_PAGE_BYTES: u64 = 64 * 1024;

/// The plugin: holds the checked configuration and the metric ids.
#[derive(Default)]
struct FilterRoot {
    /// The root context's id: store calls that must outlive their request are made in its name.
    context_id: u32,
    gateway: Option<Rc<Gateway>>,
    metrics: Metrics,
    memory_gauge: Option<Rc<MemoryGauge>>,
}

impl Context for FilterRoot {}

// Counted so the heap gauge can tell memory kept from memory merely reserved; see `heap`.
#[global_allocator]
static ALLOCATOR: crate::heap::CountingAllocator = crate::heap::CountingAllocator;

impl RootContext for FilterRoot {
    fn on_configure(&mut self, plugin_configuration_size: usize) -> bool {
        let bytes = match hostcalls::get_buffer(
            BufferType::PluginConfiguration,
            0,
            plugin_configuration_size,
        ) {
            Ok(bytes) => bytes.unwrap_or_default(),
            Err(_) => {
                log(
                    LogLevel::Warn,
                    "hookguard: could not read the plugin configuration",
                );
                return false;
            }
        };
        match Gateway::from_json(&bytes) {
            Ok(gateway) => {
                define_metrics(&self.metrics);
                self.memory_gauge = MemoryGauge::for_this_vm();
                if let Some(gauge) = &self.memory_gauge {
                    gauge.record();
                    gauge.record_heap();
                }
                if hostcalls::set_tick_period(HEAP_READ_PERIOD).is_err() {
                    log(
                        LogLevel::Warn,
                        "hookguard: could not set a tick for the heap gauge",
                    );
                }
                // Requests in flight keep the configuration they started with.
                self.gateway = Some(Rc::new(gateway));
                log(
                    LogLevel::Info,
                    &format!("hookguard {} configured", hookguard::VERSION),
                );
                true
            }
            Err(error) => {
                // Refused as a whole: Envoy keeps (or never starts without) a working config.
                log(LogLevel::Warn, &format!("hookguard: {error}"));
                false
            }
        }
    }

    fn create_http_context(&self, context_id: u32) -> Option<Box<dyn HttpContext>> {
        let gateway = self.gateway.clone()?;
        Some(Box::new(FilterRequest {
            exchange: Exchange::new(gateway),
            host: ProxyHost {
                metrics: Rc::clone(&self.metrics),
                context_id,
                root_context_id: self.context_id,
            },
            memory_gauge: self.memory_gauge.clone(),
        }))
    }

    fn get_type(&self) -> Option<ContextType> {
        Some(ContextType::HttpContext)
    }

    fn on_tick(&mut self) {
        if let Some(gauge) = &self.memory_gauge {
            gauge.record_heap();
        }
    }
}

fn define_metrics(metrics: &Metrics) {
    let mut ids = metrics.borrow_mut();
    for metric in Metric::all() {
        if ids.contains_key(&metric) {
            continue;
        }
        match hostcalls::define_metric(MetricType::Counter, &metric.name()) {
            Ok(id) => {
                ids.insert(metric, id);
            }
            Err(_) => log(LogLevel::Warn, "hookguard: could not define a metric"),
        }
    }
}

/// The VM's linear memory and live heap, each reported when it changed (reading either is a
/// load; telling the host is a VM crossing, so memory is told at the end of a request only when
/// it grew, and the heap on the idle tick).
struct MemoryGauge {
    id: u32,
    recorded: Cell<u64>,
    heap_id: Option<u32>,
    recorded_heap: Cell<u64>,
}

thread_local! {
    /// One gauge per VM, however many plugins (root contexts) the VM runs.
    static VM_MEMORY_GAUGE: OnceCell<Option<Rc<MemoryGauge>>> = const { OnceCell::new() };
}

impl MemoryGauge {
    fn for_this_vm() -> Option<Rc<MemoryGauge>> {
        VM_MEMORY_GAUGE.with(|gauge| {
            gauge
                .get_or_init(|| {
                    let tag = vm_tag();
                    let name = format!("{VM_GAUGE_PREFIX}{tag}{MEMORY_GAUGE_SUFFIX}");
                    let defined = hostcalls::define_metric(MetricType::Gauge, &name).ok();
                    let heap = format!("{VM_GAUGE_PREFIX}{tag}{HEAP_GAUGE_SUFFIX}");
                    let heap_id = hostcalls::define_metric(MetricType::Gauge, &heap).ok();
                    if defined.is_none() {
                        log(
                            LogLevel::Warn,
                            "hookguard: could not define the memory gauge",
                        );
                    }
                    defined.map(|id| {
                        Rc::new(MemoryGauge {
                            id,
                            recorded: Cell::new(0),
                            heap_id,
                            recorded_heap: Cell::new(0),
                        })
                    })
                })
                .clone()
        })
    }

    fn record(&self) {
        let bytes = core::arch::wasm32::memory_size(0) as u64 * WASM_PAGE_BYTES;
        if bytes != self.recorded.get() && hostcalls::record_metric(self.id, bytes).is_ok() {
            self.recorded.set(bytes);
        }
    }

    fn record_heap(&self) {
        let Some(id) = self.heap_id else { return };
        let bytes = crate::heap::live_bytes() as u64;
        if bytes != self.recorded_heap.get() && hostcalls::record_metric(id, bytes).is_ok() {
            self.recorded_heap.set(bytes);
        }
    }
}

/// A tag naming this VM's gauge: random, because Envoy starts worker VMs concurrently and
/// shared data cannot claim a counter atomically while the key does not exist yet. (std's
/// RandomState seeds from WASI `random_get`, which Envoy provides.) A VM that Envoy replaces
/// gets a new tag, so it shows as a new gauge.
fn vm_tag() -> String {
    let random = std::hash::RandomState::new().hash_one(0_u8);
    format!("{:08x}", random as u32)
}

/// One HTTP request.
struct FilterRequest {
    exchange: Exchange,
    host: ProxyHost,
    memory_gauge: Option<Rc<MemoryGauge>>,
}

impl Context for FilterRequest {
    fn on_http_call_response(
        &mut self,
        _token_id: u32,
        _num_headers: usize,
        body_size: usize,
        _num_trailers: usize,
    ) {
        self.exchange.on_store_answer(&mut self.host, body_size);
    }
}

impl HttpContext for FilterRequest {
    fn on_http_request_headers(&mut self, _num_headers: usize, end_of_stream: bool) -> Action {
        action(self.exchange.on_headers(&mut self.host, end_of_stream))
    }

    fn on_http_request_body(&mut self, body_size: usize, end_of_stream: bool) -> Action {
        action(
            self.exchange
                .on_body(&mut self.host, body_size, end_of_stream),
        )
    }

    fn on_http_request_trailers(&mut self, _num_trailers: usize) -> Action {
        action(self.exchange.on_trailers(&mut self.host))
    }

    fn on_http_response_headers(&mut self, _num_headers: usize, _end_of_stream: bool) -> Action {
        action(self.exchange.on_response_headers(&mut self.host))
    }

    fn on_log(&mut self) {
        self.exchange.on_done(&mut self.host);
        // The request is over: memory is at its high-water mark for this request.
        if let Some(gauge) = &self.memory_gauge {
            gauge.record();
        }
    }
}

fn action(flow: Flow) -> Action {
    match flow {
        Flow::Continue => Action::Continue,
        Flow::Pause => Action::Pause,
    }
}

/// [`Host`] over the proxy-wasm ABI, for the request being handled.
struct ProxyHost {
    metrics: Metrics,
    /// This request's context.
    context_id: u32,
    /// The VM's root context, which lives as long as the VM.
    root_context_id: u32,
}

impl Host for ProxyHost {
    fn request_headers(&self) -> Result<HeaderMap, HostError> {
        // Values stay bytes (the SDK's string getters panic on a value that is not UTF-8,
        // which any sender can put on the wire), read in place from the host's buffer.
        raw::request_header_map()
            .map(HeaderMap::from_encoded)
            .ok_or(HostError {
                call: "get_request_headers",
            })
    }

    fn set_request_header(&mut self, name: &str, value: Option<&str>) -> Result<(), HostError> {
        hostcalls::set_map_value(MapType::HttpRequestHeaders, name, value)
            .map_err(failed("set_request_header"))
    }

    fn request_body(&self, size: usize) -> Result<Vec<u8>, HostError> {
        if size == 0 {
            return Ok(Vec::new());
        }
        hostcalls::get_buffer(BufferType::HttpRequestBody, 0, size)
            .map(Option::unwrap_or_default)
            .map_err(failed("get_request_body"))
    }

    fn replace_request_body(&mut self, size: usize, body: &[u8]) -> Result<(), HostError> {
        hostcalls::set_buffer(BufferType::HttpRequestBody, 0, size, body)
            .map_err(failed("set_request_body"))
    }

    fn respond(
        &mut self,
        status: u16,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Result<(), HostError> {
        hostcalls::send_http_response(u32::from(status), headers.to_vec(), Some(body))
            .map_err(failed("send_http_response"))
    }

    fn count(&mut self, metric: Metric) {
        let id = self.metrics.borrow().get(&metric).copied();
        if let Some(id) = id {
            // Best effort: a metric that cannot move is not a reason to fail the request.
            let _ = hostcalls::increment_metric(id, 1);
        }
    }

    fn log(&mut self, level: LogLevel, message: &str) {
        log(level, message);
    }

    fn now_unix_s(&self) -> Result<i64, HostError> {
        let now = hostcalls::get_current_time().map_err(failed("get_current_time"))?;
        let since_epoch = now
            .duration_since(std::time::UNIX_EPOCH)
            .map_err(failed("get_current_time"))?;
        i64::try_from(since_epoch.as_secs()).map_err(failed("get_current_time"))
    }

    fn shared_get(&self, key: &str) -> Result<(Option<Vec<u8>>, Option<u32>), HostError> {
        hostcalls::get_shared_data(key).map_err(failed("get_shared_data"))
    }

    fn unique_token(&mut self) -> u64 {
        // RandomState's keys come from WASI `random_get` once per VM and change with every
        // new state: distinct across VMs and calls.
        std::hash::RandomState::new().hash_one(0_u8)
    }

    fn response_status(&self) -> Result<Option<u16>, HostError> {
        let status = hostcalls::get_map_value_bytes(MapType::HttpResponseHeaders, ":status")
            .map_err(failed("get_response_status"))?;
        Ok(status.and_then(|status| std::str::from_utf8(&status).ok()?.parse().ok()))
    }

    fn dispatch_store(&mut self, store: &SharedStore, command: &[u8]) -> Result<(), HostError> {
        let headers = vec![
            (":method", "POST"),
            (":path", "/"),
            (":authority", store.authority()),
            ("content-type", "text/plain"),
        ];
        hostcalls::dispatch_http_call(
            &store.cluster,
            headers,
            Some(command),
            Vec::new(),
            std::time::Duration::from_millis(store.timeout_ms),
        )
        .map(|_| ())
        .map_err(failed("dispatch_http_call"))
    }

    fn dispatch_store_detached(
        &mut self,
        store: &SharedStore,
        command: &[u8],
    ) -> Result<(), HostError> {
        // Envoy gives a call to the context it is made in, and cancels it when that context is
        // deleted (the request over); made with the root context effective, it outlives the
        // request. Its answer still comes to this request's context while it lives (the SDK
        // routes answers by token), and nowhere after: nothing reads it.
        let detached = hostcalls::set_effective_context(self.root_context_id).is_ok();
        if !detached {
            log(
                LogLevel::Warn,
                "hookguard: a settle is sent in the request's name (the host refused the root context's): the request ending first cancels it, and the claim lapses",
            );
        }
        let sent = self.dispatch_store(store, command);
        if detached && hostcalls::set_effective_context(self.context_id).is_err() {
            log(
                LogLevel::Warn,
                "hookguard: could not return to the request's context after a store call",
            );
        }
        sent
    }

    fn store_answer(&self, body_size: usize) -> Result<(Option<u16>, Vec<u8>), HostError> {
        let status = hostcalls::get_map_value_bytes(MapType::HttpCallResponseHeaders, ":status")
            .map_err(failed("get_http_call_response_headers"))?
            .and_then(|status| std::str::from_utf8(&status).ok()?.parse().ok());
        let body = if body_size == 0 {
            Vec::new()
        } else {
            hostcalls::get_buffer(BufferType::HttpCallResponseBody, 0, body_size)
                .map_err(failed("get_http_call_response_body"))?
                .unwrap_or_default()
        };
        Ok((status, body))
    }

    fn resume_request(&mut self) -> Result<(), HostError> {
        hostcalls::resume_http_request().map_err(failed("resume_http_request"))
    }

    fn shared_set(&mut self, key: &str, value: &[u8], cas: Option<u32>) -> Result<bool, HostError> {
        match hostcalls::set_shared_data(key, Some(value), cas) {
            Ok(()) => Ok(true),
            Err(Status::CasMismatch) => Ok(false),
            Err(status) => Err(failed("set_shared_data")(status)),
        }
    }
}

/// Maps a failed host call to the error the exchange handles (the status is not the
/// request's business; the call's name is what an operator needs).
fn failed<E>(call: &'static str) -> impl Fn(E) -> HostError {
    move |_| HostError { call }
}

fn log(level: LogLevel, message: &str) {
    let level = match level {
        LogLevel::Debug => ProxyLogLevel::Debug,
        LogLevel::Info => ProxyLogLevel::Info,
        LogLevel::Warn => ProxyLogLevel::Warn,
    };
    let _ = hostcalls::log(level, message);
}

/// The one host call the SDK only offers decoded (a `String` and a `Vec` per header): here the
/// encoded buffer is taken as the host wrote it, for [`HeaderMap`] to read in place.
#[allow(unsafe_code)]
mod raw {
    #[link(wasm_import_module = "env")]
    unsafe extern "C" {
        // The SDK declares the same import; `map_type` and the status are `repr(u32)` enums there.
        fn proxy_get_header_map_pairs(
            map_type: u32,
            return_map_data: *mut *mut u8,
            return_map_size: *mut usize,
        ) -> u32;
    }

    const REQUEST_HEADERS: u32 = 0;
    const STATUS_OK: u32 = 0;

    /// The request headers in the proxy-wasm map encoding; `None` when the host refused.
    pub(super) fn request_header_map() -> Option<Vec<u8>> {
        let mut data: *mut u8 = std::ptr::null_mut();
        let mut size: usize = 0;
        // SAFETY: the host writes a pointer and a size into the two locals. The buffer it
        // points to was allocated in this module through the SDK's `proxy_on_memory_allocate`
        // (a `Vec<u8>` of capacity `size`, leaked), so it is owned here and rebuilt as that
        // `Vec` exactly as the SDK's own `get_map_bytes` does.
        unsafe {
            if proxy_get_header_map_pairs(REQUEST_HEADERS, &mut data, &mut size) != STATUS_OK {
                return None;
            }
            if data.is_null() {
                return Some(Vec::new());
            }
            Some(Vec::from_raw_parts(data, size, size))
        }
    }
}
