//! Runs `hookguard.wasm` under wasmtime through the plain-integer ABI of `docs/abi.md`.
//!
//! [`PluginModule`] is compiled once (and cached on disk by wasmtime, so later runs start in
//! milliseconds); each worker thread then makes its own [`PluginInstance`], because an instance
//! serves one thread of calls.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use wasmtime::{
    Cache, CacheConfig, Config, Engine, Instance, Linker, Memory, Module, Store, StoreLimits,
    StoreLimitsBuilder, TypedFunc,
};

use crate::advice::Advise;

/// The ABI version this host speaks (`hookguard_abi_version`).
pub const ABI_VERSION: u32 = 2;

/// Status codes of the ABI (docs/abi.md).
mod status {
    pub const OK: i32 = 0;
    pub const INVALID: i32 = 1;
}

/// The most linear memory one instance may grow to: a safety valve that turns a runaway module
/// into a reported error instead of a host out of memory. Bodies are capped at 8 MiB (the
/// core's ceiling), and the costliest body per byte measured takes about 65 times its size
/// (RELIABILITY.md), so 1 GiB leaves room for every body the module accepts.
const MEMORY_LIMIT: usize = 1 << 30;

/// Where the module comes from.
#[derive(Debug, Clone)]
pub enum ModuleSource {
    /// The module built into this binary.
    Bundled,
    /// A module file given with `--module`.
    File(PathBuf),
}

/// How the engine caches compiled code.
#[derive(Debug, Clone)]
pub enum CodeCache {
    /// wasmtime's default cache directory (e.g. `~/.cache/wasmtime`).
    Default,
    /// A cache in this directory.
    Directory(PathBuf),
    /// Compile on every run.
    Off,
}

/// The compiled module, shared by every worker.
pub struct PluginModule {
    engine: Engine,
    module: Module,
    linker: Linker<HostState>,
    /// How long loading and compiling (or fetching from the cache) took.
    pub load_time: Duration,
    /// Whether a code cache was in use.
    pub cached: bool,
}

struct HostState {
    limits: StoreLimits,
}

impl PluginModule {
    /// Loads and compiles the module.
    pub fn load(source: &ModuleSource, cache: &CodeCache) -> Result<PluginModule> {
        let started = Instant::now();
        let mut config = Config::new();
        let cache = match cache {
            CodeCache::Off => None,
            CodeCache::Default => Cache::new(CacheConfig::new()).ok(),
            CodeCache::Directory(directory) => {
                let directory = std::path::absolute(directory)
                    .with_context(|| format!("cache directory {}", directory.display()))?;
                let mut cache_config = CacheConfig::new();
                cache_config.with_directory(directory);
                Some(
                    Cache::new(cache_config)
                        .map_err(|error| anyhow!("setting up the code cache: {error}"))?,
                )
            }
        };
        let cached = cache.is_some();
        config.cache(cache);
        let engine = Engine::new(&config).map_err(|error| anyhow!("starting wasmtime: {error}"))?;
        let module = match source {
            ModuleSource::Bundled => {
                let bytes = bundled_module()?;
                Module::new(&engine, bytes)
                    .map_err(|error| anyhow!("compiling the bundled module: {error}"))?
            }
            ModuleSource::File(path) => {
                let bytes = std::fs::read(path)
                    .with_context(|| format!("reading module {}", path.display()))?;
                Module::new(&engine, bytes).map_err(|error| {
                    anyhow!(
                        "{} is not a usable WebAssembly module: {error}",
                        path.display()
                    )
                })?
            }
        };
        let mut linker = Linker::new(&engine);
        crate::wasi::add_to_linker(&mut linker)
            .map_err(|error| anyhow!("linking WASI: {error}"))?;
        Ok(PluginModule {
            engine,
            module,
            linker,
            load_time: started.elapsed(),
            cached,
        })
    }

    /// A fresh instance configured with `options_json` (the core's options as JSON).
    pub fn instantiate(&self, options_json: &str) -> Result<PluginInstance> {
        // The module gets nothing from the host environment (crate::wasi): no arguments, no
        // variables, no files; its standard streams swallow what is written.
        let limits = StoreLimitsBuilder::new().memory_size(MEMORY_LIMIT).build();
        let mut store = Store::new(&self.engine, HostState { limits });
        store.limiter(|state| &mut state.limits);
        let instance = self
            .linker
            .instantiate(&mut store, &self.module)
            .map_err(|error| anyhow!("instantiating the module: {error}"))?;
        let mut plugin = PluginInstance::bind(store, instance)?;
        plugin.configure(options_json)?;
        Ok(plugin)
    }

    /// An instance that has already checked one body, so every lazily built part of the module
    /// (its validator, its first pages of memory) is in place before the first real payload.
    pub fn ready_instance(&self, options_json: &str) -> Result<PluginInstance> {
        let mut instance = self.instantiate(options_json)?;
        instance.check(b"{}", false)?;
        Ok(instance)
    }
}

/// The module compiled into this binary by build.rs, when the build had one.
fn bundled_module() -> Result<&'static [u8]> {
    #[cfg(hookguard_bundled_module)]
    {
        Ok(include_bytes!(env!("HOOKGUARD_BUNDLED_MODULE")))
    }
    #[cfg(not(hookguard_bundled_module))]
    {
        bail!(
            "this build of hookguard has no bundled module (target/hookguard.wasm was missing when it \
             was built); pass --module PATH, or build with `scripts/just cli`"
        )
    }
}

/// One instance of the module, with its exports bound.
pub struct PluginInstance {
    store: Store<HostState>,
    memory: Memory,
    alloc: TypedFunc<u32, u32>,
    free: TypedFunc<(u32, u32), i32>,
    configure: TypedFunc<(u32, u32), i32>,
    validate: TypedFunc<(u32, u32), i32>,
    normalize: TypedFunc<(u32, u32), i32>,
    schema: TypedFunc<(u32, u32), i32>,
    version: TypedFunc<(), i32>,
    catalog: TypedFunc<(), i32>,
    result_ptr: TypedFunc<(), u32>,
    result_len: TypedFunc<(), u32>,
    admit: TypedFunc<(u32, u32, u32, u32), i32>,
    answer: TypedFunc<(), i32>,
    observe: TypedFunc<(u32, u32), i32>,
    /// A module buffer kept across bodies `(address, capacity)`: one allocation serves a whole
    /// run instead of an alloc/free pair per payload (the ABI accepts any sub-range of a live
    /// allocation).
    scratch: Option<(u32, u32)>,
}

/// The smallest scratch buffer asked for; bigger bodies grow it to their size.
const MIN_SCRATCH: u32 = 64 * 1024;

/// What the module answered to a validate or normalize call.
pub struct Answer {
    /// Whether the delivery is valid.
    pub valid: bool,
    /// The report, as JSON.
    pub report: String,
}

impl PluginInstance {
    fn bind(mut store: Store<HostState>, instance: Instance) -> Result<PluginInstance> {
        if let Some(initialize) = instance.get_func(&mut store, "_initialize") {
            initialize
                .typed::<(), ()>(&store)
                .and_then(|initialize| initialize.call(&mut store, ()))
                .map_err(|error| anyhow!("initializing the module: {error}"))?;
        }
        let abi_version = instance
            .get_typed_func::<(), u32>(&mut store, "hookguard_abi_version")
            .and_then(|function| function.call(&mut store, ()))
            .map_err(|_| {
                anyhow!("the module is not a hookguard plugin (no hookguard_abi_version)")
            })?;
        if abi_version != ABI_VERSION {
            bail!(
                "the module speaks ABI version {abi_version}; this hookguard speaks {ABI_VERSION}"
            );
        }
        let memory = instance
            .get_memory(&mut store, "memory")
            .ok_or_else(|| anyhow!("the module exports no memory"))?;
        macro_rules! export {
            ($name:literal) => {
                instance
                    .get_typed_func(&mut store, $name)
                    .map_err(|error| anyhow!("export {}: {error}", $name))?
            };
        }
        Ok(PluginInstance {
            memory,
            alloc: export!("hookguard_alloc"),
            free: export!("hookguard_free"),
            configure: export!("hookguard_configure"),
            validate: export!("hookguard_validate"),
            normalize: export!("hookguard_normalize"),
            schema: export!("hookguard_schema"),
            version: export!("hookguard_version"),
            catalog: export!("hookguard_catalog"),
            result_ptr: export!("hookguard_result_ptr"),
            result_len: export!("hookguard_result_len"),
            admit: export!("hookguard_admit"),
            answer: export!("hookguard_answer"),
            observe: export!("hookguard_observe_new"),
            scratch: None,
            store,
        })
    }

    fn configure(&mut self, options_json: &str) -> Result<()> {
        let (status, result) = self.call_with(self.configure.clone(), options_json.as_bytes())?;
        if status != status::OK {
            return Err(anyhow!(
                "the module refused the configuration: {}",
                error_message(&result)
            ))
            .advise("choose values within the limits `hookguard validate --help` gives");
        }
        Ok(())
    }

    /// Validates one body (and normalizes it when `normalize` is set).
    pub fn check(&mut self, body: &[u8], normalize: bool) -> Result<Answer> {
        let function = if normalize {
            self.normalize.clone()
        } else {
            self.validate.clone()
        };
        let (status, report) = self.call_with(function, body)?;
        match status {
            status::OK | status::INVALID => Ok(Answer {
                valid: status == status::OK,
                report,
            }),
            other => bail!(
                "the module answered status {other}: {}",
                error_message(&report)
            ),
        }
    }

    /// The crate version of the module.
    pub fn version(&mut self) -> Result<String> {
        self.version.call(&mut self.store, ()).map_err(trapped)?;
        self.result()
    }

    /// The event catalog (`schemas/catalog.json`).
    pub fn catalog(&mut self) -> Result<String> {
        self.catalog.call(&mut self.store, ()).map_err(trapped)?;
        self.result()
    }

    /// The schema of an event name (or `test-delivery`); `None` when the name is unknown.
    pub fn schema(&mut self, name: &str) -> Result<Option<String>> {
        let (status, result) = self.call_with(self.schema.clone(), name.as_bytes())?;
        Ok((status == status::OK).then_some(result))
    }

    /// What a body carries against its event's schema (`hookguard_observe_new`): the
    /// observation JSON, its `declared` paths only those this instance has not listed before
    /// (a survey keeps their union: the paths every body repeats are not written and read
    /// again; a fresh instance, after a trap, lists them again, which changes nothing).
    pub fn observe(&mut self, body: &[u8]) -> Result<String> {
        let (status, observation) = self.call_with(self.observe.clone(), body)?;
        if status != status::OK {
            bail!(
                "the module answered status {status}: {}",
                error_message(&observation)
            );
        }
        Ok(observation)
    }

    /// The answer to the last body `check` validated (`hookguard_answer`): the admission JSON
    /// without a report.
    pub fn answer(&mut self) -> Result<String> {
        let status = self.answer.call(&mut self.store, ()).map_err(trapped)?;
        let answer = self.result()?;
        match status {
            status::OK | status::INVALID => Ok(answer),
            other => bail!(
                "the module answered status {other}: {}",
                error_message(&answer)
            ),
        }
    }

    /// The gate's whole conclusion on one delivery (`hookguard_admit`): `request` is its JSON
    /// (clock, headers), `body` the payload. Returns the admission JSON.
    pub fn admit(&mut self, request: &[u8], body: &[u8]) -> Result<String> {
        let mut input = Vec::with_capacity(request.len() + body.len());
        input.extend_from_slice(request);
        input.extend_from_slice(body);
        let ptr = self.write_scratch(&input)?;
        let request_len = u32::try_from(request.len()).map_err(|_| anyhow!("input over 4 GiB"))?;
        let body_len = u32::try_from(body.len()).map_err(|_| anyhow!("input over 4 GiB"))?;
        let status = self
            .admit
            .call(
                &mut self.store,
                (ptr, request_len, ptr + request_len, body_len),
            )
            .map_err(trapped)?;
        let admission = self.result()?;
        match status {
            status::OK | status::INVALID => Ok(admission),
            other => bail!(
                "the module answered status {other}: {}",
                error_message(&admission)
            ),
        }
    }

    /// Copies `input` into the instance's scratch buffer (growing it when too small), calls
    /// `function` on it and returns the status and the result bytes.
    fn call_with(
        &mut self,
        function: TypedFunc<(u32, u32), i32>,
        input: &[u8],
    ) -> Result<(i32, String)> {
        let len = u32::try_from(input.len()).map_err(|_| anyhow!("input over 4 GiB"))?;
        let ptr = self.write_scratch(input)?;
        let status = function
            .call(&mut self.store, (ptr, len))
            .map_err(trapped)?;
        Ok((status, self.result()?))
    }

    /// Copies `input` into the scratch buffer, growing it when too small; returns its address.
    fn write_scratch(&mut self, input: &[u8]) -> Result<u32> {
        let len = u32::try_from(input.len()).map_err(|_| anyhow!("input over 4 GiB"))?;
        let ptr = match self.scratch {
            Some((ptr, capacity)) if capacity >= len => ptr,
            previous => {
                if let Some((ptr, capacity)) = previous {
                    self.scratch = None;
                    self.free
                        .call(&mut self.store, (ptr, capacity))
                        .map_err(trapped)?;
                }
                let capacity = len.max(MIN_SCRATCH);
                let ptr = self
                    .alloc
                    .call(&mut self.store, capacity)
                    .map_err(trapped)?;
                if ptr == 0 {
                    bail!("the module refused a buffer of {capacity} bytes");
                }
                self.scratch = Some((ptr, capacity));
                ptr
            }
        };
        self.memory
            .write(&mut self.store, ptr as usize, input)
            .map_err(|_| anyhow!("the module handed out a buffer outside its memory"))?;
        Ok(ptr)
    }

    fn result(&mut self) -> Result<String> {
        let ptr = self.result_ptr.call(&mut self.store, ()).map_err(trapped)? as usize;
        let len = self.result_len.call(&mut self.store, ()).map_err(trapped)? as usize;
        let bytes = self
            .memory
            .data(&self.store)
            .get(ptr..ptr.saturating_add(len))
            .ok_or_else(|| anyhow!("the module's result lies outside its memory"))?;
        String::from_utf8(bytes.to_vec()).map_err(|_| anyhow!("the module's result is not UTF-8"))
    }
}

/// A call into the module that failed: a trap (or a host error wasmtime reports the same way).
fn trapped(error: wasmtime::Error) -> anyhow::Error {
    anyhow!("module trapped: {error}")
}

/// The `error` of a `{"error": ...}` result, or the result itself.
fn error_message(result: &str) -> String {
    serde_json::from_str::<serde_json::Value>(result)
        .ok()
        .and_then(|value| {
            value
                .get("error")
                .and_then(|error| error.as_str())
                .map(str::to_owned)
        })
        .unwrap_or_else(|| result.to_owned())
}
