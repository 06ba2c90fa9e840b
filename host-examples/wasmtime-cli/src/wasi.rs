//! The WASI preview-1 functions `hookguard.wasm` imports, for a module that gets nothing from
//! its host: no arguments, no environment, no files, standard streams that swallow what is
//! written (as `wasmtime_wasi::WasiCtxBuilder::new()` gives them), and randomness for std's
//! hash keys.
//!
//! The module imports five functions (`random_get`, `environ_sizes_get`, `environ_get`,
//! `fd_write`, `proc_exit`: Rust's std on `wasm32-wasip1`, docs/abi.md). `wasmtime-wasi` provides
//! them, but its preview-1 layer is built on preview 2, which brought the component model,
//! tokio and a filesystem layer into this binary: a quarter of its release build (996 -> 768
//! CPU-seconds by cargo `--timings`, 2026-12-07). A module that imports anything else is refused when it is
//! instantiated, naming the import, so a new import cannot go unnoticed.

use anyhow::Result;
use wasmtime::{Caller, Extern, Linker};

/// The import module every WASI preview-1 function is under.
const MODULE: &str = "wasi_snapshot_preview1";

/// WASI errno values (`wasi_snapshot_preview1`'s `errno` enum).
mod errno {
    pub const SUCCESS: i32 = 0;
    /// Bad file descriptor.
    pub const BADF: i32 = 8;
    /// An argument out of the module's memory.
    pub const FAULT: i32 = 21;
    /// The host's randomness failed.
    pub const IO: i32 = 29;
}

/// The standard output and error descriptors, which accept and discard.
const STDOUT: i32 = 1;
const STDERR: i32 = 2;

/// Defines the module's WASI imports in `linker`.
pub fn add_to_linker<T: 'static>(linker: &mut Linker<T>) -> Result<()> {
    linker.func_wrap(
        MODULE,
        "random_get",
        |mut caller: Caller<'_, T>, buffer: i32, length: i32| -> i32 {
            // Filled where it lies: nothing is allocated for a length the module made up.
            let Some(filled) = with_memory(&mut caller, |data| {
                let target = span_mut(data, address(buffer)?, address(length)?)?;
                Some(getrandom::fill(target).is_ok())
            }) else {
                return errno::FAULT;
            };
            if filled { errno::SUCCESS } else { errno::IO }
        },
    )?;
    // An empty environment: no variables, no bytes.
    linker.func_wrap(
        MODULE,
        "environ_sizes_get",
        |mut caller: Caller<'_, T>, count: i32, size: i32| -> i32 {
            status(with_memory(&mut caller, |data| {
                write_u32(data, count, 0)?;
                write_u32(data, size, 0)
            }))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "environ_get",
        |_caller: Caller<'_, T>, _environ: i32, _buffer: i32| -> i32 { errno::SUCCESS },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_write",
        |mut caller: Caller<'_, T>, fd: i32, vectors: i32, count: i32, written: i32| -> i32 {
            if fd != STDOUT && fd != STDERR {
                return errno::BADF;
            }
            status(with_memory(&mut caller, |data| {
                let total = swallowed(data, vectors, count)?;
                write_u32(data, written, total)
            }))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "proc_exit",
        |_caller: Caller<'_, T>, code: i32| -> wasmtime::Result<()> {
            Err(wasmtime::Error::msg(format!(
                "the module exited with status {code}"
            )))
        },
    )?;
    Ok(())
}

/// `work` on the calling module's memory: `None` when it exports none, or when `work` found an
/// address outside it.
fn with_memory<T, R>(
    caller: &mut Caller<'_, T>,
    work: impl FnOnce(&mut [u8]) -> Option<R>,
) -> Option<R> {
    match caller.get_export("memory") {
        Some(Extern::Memory(memory)) => work(memory.data_mut(caller)),
        _ => None,
    }
}

/// The errno of a call that either succeeded or met an address outside the module's memory.
fn status(done: Option<()>) -> i32 {
    if done.is_some() {
        errno::SUCCESS
    } else {
        errno::FAULT
    }
}

/// A 32-bit address or length as the module means it: wasm has no unsigned types, so the
/// import's `i32` carries the bits of a `u32`.
fn address(value: i32) -> Option<usize> {
    usize::try_from(u32::from_ne_bytes(value.to_ne_bytes())).ok()
}

/// The `len` bytes of memory at `at`, if they lie inside it.
fn span(data: &[u8], at: usize, len: usize) -> Option<&[u8]> {
    data.get(at..at.checked_add(len)?)
}

/// [`span`], to write.
fn span_mut(data: &mut [u8], at: usize, len: usize) -> Option<&mut [u8]> {
    data.get_mut(at..at.checked_add(len)?)
}

fn write_u32(data: &mut [u8], at: i32, value: u32) -> Option<()> {
    span_mut(data, address(at)?, 4)?.copy_from_slice(&value.to_le_bytes());
    Some(())
}

/// The bytes an `fd_write` of `count` (pointer, length) pairs at `vectors` hands over, every
/// pair and every buffer checked to lie in the module's memory; `None` if one does not.
fn swallowed(data: &[u8], vectors: i32, count: i32) -> Option<u32> {
    let vectors = address(vectors)?;
    let mut total: u32 = 0;
    for index in 0..address(count)? {
        let pair = span(data, vectors.checked_add(index.checked_mul(8)?)?, 8)?;
        let (start, length) = pair.split_at(4);
        let start = u32::from_le_bytes(start.try_into().ok()?);
        let length = u32::from_le_bytes(length.try_into().ok()?);
        span(
            data,
            usize::try_from(start).ok()?,
            usize::try_from(length).ok()?,
        )?;
        total = total.checked_add(length)?;
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasmtime::{Engine, Instance, Memory, Module, Store};

    /// An instance of a module importing the five functions, with one page of memory.
    fn instance(store: &mut Store<()>) -> Instance {
        let module = Module::new(
            store.engine(),
            wat::parse_str(
                r#"(module
                  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
                  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $environ_sizes_get (param i32 i32) (result i32)))
                  (import "wasi_snapshot_preview1" "environ_get" (func $environ_get (param i32 i32) (result i32)))
                  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
                  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
                  (memory (export "memory") 1)
                  ;; Called from wasm, as the module calls them (a host function reaches the
                  ;; caller's memory only then).
                  (func (export "random_get") (param i32 i32) (result i32)
                    (call $random_get (local.get 0) (local.get 1)))
                  (func (export "environ_sizes_get") (param i32 i32) (result i32)
                    (call $environ_sizes_get (local.get 0) (local.get 1)))
                  (func (export "environ_get") (param i32 i32) (result i32)
                    (call $environ_get (local.get 0) (local.get 1)))
                  (func (export "fd_write") (param i32 i32 i32 i32) (result i32)
                    (call $fd_write (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
                  (func (export "proc_exit") (param i32)
                    (call $proc_exit (local.get 0))))"#,
            )
            .unwrap(),
        )
        .unwrap();
        let mut linker = Linker::new(store.engine());
        add_to_linker(&mut linker).unwrap();
        linker.instantiate(store, &module).unwrap()
    }

    fn call(store: &mut Store<()>, instance: &Instance, name: &str, args: &[i32]) -> i32 {
        let func = instance.get_func(&mut *store, name).unwrap();
        let params: Vec<wasmtime::Val> = args.iter().map(|&arg| wasmtime::Val::I32(arg)).collect();
        let mut results = [wasmtime::Val::I32(-1)];
        func.call(&mut *store, &params, &mut results).unwrap();
        results[0].unwrap_i32()
    }

    fn memory_of(store: &mut Store<()>, instance: &Instance) -> Memory {
        instance.get_memory(&mut *store, "memory").unwrap()
    }

    #[test]
    fn random_bytes_land_in_memory_and_out_of_memory_is_a_fault() {
        let mut store = Store::new(&Engine::default(), ());
        let instance = instance(&mut store);
        assert_eq!(
            call(&mut store, &instance, "random_get", &[100, 64]),
            errno::SUCCESS
        );
        let memory = memory_of(&mut store, &instance);
        let written = &memory.data(&store)[100..164];
        assert!(
            written.iter().any(|&byte| byte != 0),
            "64 random bytes, all zero"
        );
        assert!(memory.data(&store)[164..].iter().all(|&byte| byte == 0));
        assert_eq!(
            call(&mut store, &instance, "random_get", &[65_500, 64]),
            errno::FAULT
        );
        assert_eq!(
            call(&mut store, &instance, "random_get", &[-1, 2]),
            errno::FAULT
        );
    }

    #[test]
    fn the_environment_is_empty() {
        let mut store = Store::new(&Engine::default(), ());
        let instance = instance(&mut store);
        let memory = memory_of(&mut store, &instance);
        memory.write(&mut store, 0, &[0xff; 8]).unwrap();
        assert_eq!(
            call(&mut store, &instance, "environ_sizes_get", &[0, 4]),
            errno::SUCCESS
        );
        assert_eq!(&memory.data(&store)[..8], &[0; 8]);
        assert_eq!(
            call(&mut store, &instance, "environ_sizes_get", &[65_534, 0]),
            errno::FAULT
        );
        assert_eq!(
            call(&mut store, &instance, "environ_get", &[0, 0]),
            errno::SUCCESS
        );
    }

    #[test]
    fn standard_streams_swallow_what_is_written_and_nothing_else_is_open() {
        let mut store = Store::new(&Engine::default(), ());
        let instance = instance(&mut store);
        let memory = memory_of(&mut store, &instance);
        // Two buffers, of 5 and 7 bytes, described at 16; the count written at 32.
        let vectors = [200_u32, 5, 300, 7].map(u32::to_le_bytes).concat();
        memory.write(&mut store, 16, &vectors).unwrap();
        for fd in [STDOUT, STDERR] {
            assert_eq!(
                call(&mut store, &instance, "fd_write", &[fd, 16, 2, 32]),
                errno::SUCCESS
            );
            assert_eq!(&memory.data(&store)[32..36], &12_u32.to_le_bytes());
        }
        assert_eq!(
            call(&mut store, &instance, "fd_write", &[0, 16, 2, 32]),
            errno::BADF
        );
        assert_eq!(
            call(&mut store, &instance, "fd_write", &[3, 16, 2, 32]),
            errno::BADF
        );
        // A buffer reaching past memory, and pairs past memory.
        let past = [65_530_u32, 100].map(u32::to_le_bytes).concat();
        memory.write(&mut store, 48, &past).unwrap();
        assert_eq!(
            call(&mut store, &instance, "fd_write", &[STDERR, 48, 1, 32]),
            errno::FAULT
        );
        assert_eq!(
            call(&mut store, &instance, "fd_write", &[STDERR, 65_532, 1, 32]),
            errno::FAULT
        );
        assert_eq!(
            call(
                &mut store,
                &instance,
                "fd_write",
                &[STDERR, 16, 1_000_000, 32]
            ),
            errno::FAULT
        );
    }

    #[test]
    fn exiting_traps_with_the_status() {
        let mut store = Store::new(&Engine::default(), ());
        let instance = instance(&mut store);
        let exit = instance.get_func(&mut store, "proc_exit").unwrap();
        let error = exit
            .call(&mut store, &[wasmtime::Val::I32(3)], &mut [])
            .unwrap_err();
        assert!(
            format!("{error:?}").contains("exited with status 3"),
            "{error:?}"
        );
    }

    #[test]
    fn a_module_importing_more_is_refused_naming_the_import() {
        let engine = Engine::default();
        let module = Module::new(
            &engine,
            wat::parse_str(
                r#"(module (import "wasi_snapshot_preview1" "clock_time_get" (func (param i32 i64 i32) (result i32))))"#,
            )
            .unwrap(),
        )
        .unwrap();
        let mut linker = Linker::new(&engine);
        add_to_linker(&mut linker).unwrap();
        let error = linker
            .instantiate(&mut Store::new(&engine, ()), &module)
            .unwrap_err();
        assert!(format!("{error:?}").contains("clock_time_get"), "{error:?}");
    }
}
