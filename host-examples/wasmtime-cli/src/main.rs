/*!
`hookguard`: validates captured Ocrolus webhook payloads from the command line.

A key design decision made in this program is that **it never validates anything itself**: it
loads `hookguard.wasm` (the core built as a portable module with a plain-integer ABI,
`docs/abi.md`; the gateway filter and the npm package are other builds of the same core) under
wasmtime, and only reads inputs, drives the module's gate and prints what it answers. What it
links natively from the core is the host layer every host shares (the configuration's names,
the replay memory, the answers), so a payload gets the same verdict and the same answer here as
in production.
*/

mod advice;
mod check;
mod cli;
mod input;
mod output;
mod overlay;
mod pipeline;
mod plugin;
mod quarantine;
mod report;
mod schemas;
mod survey;
mod wasi;

use std::io::{self, Write};
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;

use crate::advice::Advise;
use crate::cli::{Cli, Command};
use crate::plugin::{CodeCache, ModuleSource, PluginModule};

/// Exit statuses, as `--help` documents them.
mod exit {
    pub const ALL_VALID: u8 = 0;
    pub const SOME_INVALID: u8 = 1;
    pub const TROUBLE: u8 = 2;
}

fn main() -> ExitCode {
    let started = Instant::now();
    let cli = Cli::parse();
    let source = match &cli.module.module {
        Some(path) => ModuleSource::File(path.clone()),
        None => ModuleSource::Bundled,
    };
    let cache = match (&cli.module.cache_dir, cli.module.no_cache) {
        (_, true) => CodeCache::Off,
        (Some(directory), false) => CodeCache::Directory(directory.clone()),
        (None, false) => CodeCache::Default,
    };
    let module = match PluginModule::load(&source, &cache).advise(
        "rebuild the module with `scripts/just plugin`, or leave out --module to use the built-in one",
    ) {
        Ok(module) => module,
        Err(error) => return fail(&error),
    };
    let timings = cli.module.timings.then_some(started);
    let outcome = match &cli.command {
        Command::Validate(args) => check::validate(&module, args, timings),
        Command::Normalize(args) => check::normalize(&module, args, timings),
        Command::Survey(args) => check::survey(&module, args, timings),
        Command::Schemas(args) => schemas::run(&module, args),
        Command::Quarantine(command) => quarantine::run(&module, command),
        Command::Version => print_versions(&module, &source),
    };
    match outcome {
        Ok(code) => ExitCode::from(code),
        // Whoever read the output stopped reading (`hookguard schemas | head`): not an error.
        // (`validate` and `normalize` see to it themselves, keeping their verdict's status.)
        Err(error) if closed_pipe(&error) => ExitCode::from(exit::ALL_VALID),
        Err(error) => fail(&error),
    }
}

/// Whether an error comes from writing to a pipe whose reader has gone.
fn closed_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|error| error.kind() == io::ErrorKind::BrokenPipe)
    })
}

fn print_versions(module: &PluginModule, source: &ModuleSource) -> anyhow::Result<u8> {
    let module_version = module.instantiate("{}")?.version()?;
    let origin = match source {
        ModuleSource::Bundled => "bundled".to_owned(),
        ModuleSource::File(path) => path.display().to_string(),
    };
    // writeln!, not println!: a closed stdout is an error to return, not a panic.
    writeln!(
        io::stdout().lock(),
        "hookguard {}
module {module_version} ({origin}, ABI {})",
        env!("CARGO_PKG_VERSION"),
        plugin::ABI_VERSION
    )?;
    Ok(exit::ALL_VALID)
}

fn fail(error: &anyhow::Error) -> ExitCode {
    // Errors say what failed and why (`{:#}` joins the context chain); they never quote input.
    let _ = writeln!(
        io::stderr(),
        "hookguard: error: {error:#}\nhookguard: to fix: {}",
        advice::advice_for(error)
    );
    ExitCode::from(exit::TROUBLE)
}
