//! The floor the gateway benchmark measures hookguard's filter against: what any proxy-wasm
//! filter costs in Envoy before it does any work (a VM call per callback, a context per
//! request). Configured with `hold`, it also does what a validator must do whatever it checks:
//! hold the request headers until the whole body has arrived. It reads nothing and writes
//! nothing. Built only by `scripts/just gateway-bench`.

#[cfg(target_arch = "wasm32")]
mod filter {
    use proxy_wasm::traits::{Context, HttpContext, RootContext};
    use proxy_wasm::types::{Action, BufferType, ContextType};

    proxy_wasm::main! {{
        proxy_wasm::set_root_context(|_| -> Box<dyn RootContext> { Box::new(Root { hold: false }) });
    }}

    struct Root {
        hold: bool,
    }

    impl Context for Root {}

    impl RootContext for Root {
        fn on_configure(&mut self, size: usize) -> bool {
            let configuration =
                proxy_wasm::hostcalls::get_buffer(BufferType::PluginConfiguration, 0, size);
            self.hold = matches!(configuration, Ok(Some(bytes)) if bytes.as_slice() == b"\"hold\"");
            true
        }

        fn create_http_context(&self, _context_id: u32) -> Option<Box<dyn HttpContext>> {
            Some(Box::new(Request { hold: self.hold }))
        }

        fn get_type(&self) -> Option<ContextType> {
            Some(ContextType::HttpContext)
        }
    }

    struct Request {
        hold: bool,
    }

    impl Context for Request {}

    impl HttpContext for Request {
        fn on_http_request_headers(&mut self, _headers: usize, end_of_stream: bool) -> Action {
            if self.hold && !end_of_stream {
                Action::Pause
            } else {
                Action::Continue
            }
        }

        fn on_http_request_body(&mut self, _size: usize, end_of_stream: bool) -> Action {
            if self.hold && !end_of_stream {
                Action::Pause
            } else {
                Action::Continue
            }
        }
    }
}
