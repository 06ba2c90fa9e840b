//! The command line's grammar.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::input::Format;

/// Validate captured Ocrolus webhook payloads with hookguard.wasm: the core the gateway filter
/// and the JavaScript package are built from, so a payload gets the same verdict in each.
#[derive(Debug, Parser)]
#[command(name = "hookguard", version, about, max_term_width = 100)]
#[command(
    after_help = "Exit status: 0 every payload valid, 1 some payload invalid, \
                        2 usage error, unreadable input or module failure."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    #[command(flatten)]
    pub module: ModuleArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check payloads and report every problem with its location
    Validate(ValidateArgs),
    /// Check payloads and write the normalized form of the valid ones
    Normalize(NormalizeArgs),
    /// Survey what payloads really carry against the documented schemas (drift: fields no page
    /// lists, documented fields never sent, other types, values outside an enum)
    Survey(SurveyArgs),
    /// List the event catalog, or print or write the JSON Schemas
    Schemas(SchemasArgs),
    /// Look into a quarantine (authentic deliveries refused for their content) and deliver
    /// what today's schemas accept
    #[command(subcommand)]
    Quarantine(QuarantineCommand),
    /// Print the versions of this program and of the module it runs
    Version,
}

/// Which module runs, and how its compiled code is cached.
#[derive(Debug, Args)]
pub struct ModuleArgs {
    /// Run this hookguard.wasm instead of the one built into this binary
    #[arg(long, global = true, value_name = "PATH")]
    pub module: Option<PathBuf>,

    /// Cache compiled module code here instead of wasmtime's default cache directory
    #[arg(long, global = true, value_name = "DIR", conflicts_with = "no_cache")]
    pub cache_dir: Option<PathBuf>,

    /// Compile the module on every run (no code cache)
    #[arg(long, global = true)]
    pub no_cache: bool,

    /// Print how long start-up and checking took, on stderr
    #[arg(long, global = true)]
    pub timings: bool,
}

/// What to read and how to check it: shared by `validate` and `normalize`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files, directories (searched recursively for .json, .ndjson, .jsonl, .http, .har), `-`
    /// for standard input, or a quarantine in Redis (`redis://HOST:PORT[/DB]`)
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Read every input as this format instead of choosing by extension and content
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub input_format: Option<Format>,

    /// Treat fields an event's schema does not declare as errors, not warnings
    #[arg(long)]
    pub strict: bool,

    /// Largest body accepted, in bytes (suffixes KiB, MiB allowed; at most 8MiB)
    /// [default: 1MiB]
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_bytes: Option<usize>,

    /// Deepest nesting of objects and arrays accepted (at most 100) [module default: 32]
    #[arg(long, value_name = "N")]
    pub max_depth: Option<u64>,

    /// How many errors, and how many warnings, each report lists; the rest are counted (at
    /// most 10000) [module default: 20]
    #[arg(long, value_name = "N")]
    pub max_findings: Option<u64>,

    /// Let error messages quote payload values (off by default: payloads carry customer data)
    #[arg(long)]
    pub reveal_values: bool,

    /// Accept what this overlay adds to the published schemas (optional fields with a type,
    /// enum values): a JSON file, as `hookguard survey --emit-overlay` writes it
    #[arg(long, value_name = "FILE")]
    pub overlay: Option<PathBuf>,

    /// Worker threads, each with its own module instance [default: one per core]
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,

    /// Colour the text output
    #[arg(long, value_enum, default_value_t = Colour::Auto, value_name = "WHEN")]
    pub color: Colour,

    /// Never show the progress bar (it shows only on a terminal, for runs longer than a moment)
    #[arg(long)]
    pub no_progress: bool,

    /// Check each delivery's Webhook-Signature against the secrets in FILE (one per line; two
    /// during a rotation; `#` comments). Captures (.http, .har) carry the headers; a payload
    /// without them counts as unsigned. Replayed request ids are reported too
    #[arg(long, value_name = "FILE")]
    pub secret_file: Option<PathBuf>,

    /// The clock for signature checks, Unix seconds [default: now]; give a capture's time to
    /// check old deliveries
    #[arg(long, value_name = "UNIX_SECONDS", requires = "secret_file")]
    pub now: Option<i64>,

    /// How far Webhook-Timestamp may be from the clock, either way, in seconds
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = hookguard::signature::DEFAULT_TOLERANCE_S,
        requires = "secret_file"
    )]
    pub tolerance_seconds: u64,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub check: CheckArgs,

    /// Output format
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,

    /// Include each valid payload's normalized form in NDJSON output
    #[arg(long)]
    pub normalized: bool,

    /// List valid payloads without warnings too (text output)
    #[arg(short, long, conflicts_with = "quiet")]
    pub verbose: bool,

    /// Print only the summary (text output)
    #[arg(short, long)]
    pub quiet: bool,

    /// Leave out the per-event summary
    #[arg(long)]
    pub no_summary: bool,
}

#[derive(Debug, Args)]
pub struct NormalizeArgs {
    #[command(flatten)]
    pub check: CheckArgs,

    /// Write one file per input into this directory (mirroring the input paths) instead of
    /// NDJSON on standard output
    #[arg(short, long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct SurveyArgs {
    #[command(flatten)]
    pub check: CheckArgs,

    /// Output format
    #[arg(long, value_enum, default_value_t = SurveyFormat::Text)]
    pub format: SurveyFormat,

    /// Also write an overlay accepting the drift an overlay may accept (the undeclared fields
    /// with the types seen, the enum values seen), added to --overlay's when given; what no
    /// overlay may accept is listed on stderr
    #[arg(long, value_name = "FILE")]
    pub emit_overlay: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SurveyFormat {
    /// For people: a section per event
    Text,
    /// For programs: the whole survey as one JSON document
    Json,
}

#[derive(Debug, Args)]
pub struct SchemasArgs {
    /// Print the schemas of these events (or `test-delivery`); without names, list the catalog
    #[arg(value_name = "EVENT")]
    pub names: Vec<String>,

    /// Write every schema and the catalog into this directory (the layout of schemas/)
    #[arg(short, long, value_name = "DIR", conflicts_with = "names")]
    pub out_dir: Option<PathBuf>,

    /// Print the catalog as JSON instead of a table
    #[arg(long)]
    pub json: bool,

    /// Print or write the effective schemas: the published ones with what this overlay adds
    #[arg(long, value_name = "FILE")]
    pub overlay: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// For people: problems with file:line:column, then a summary
    Text,
    /// For programs: one JSON report per payload
    Ndjson,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Colour {
    /// When standard output is a terminal and NO_COLOR is unset
    Auto,
    Always,
    Never,
}

/// Parses `1048576`, `64KiB`, `1MiB` (also `KB`/`MB`/`K`/`M`, taken as binary units).
fn parse_size(text: &str) -> Result<usize, String> {
    let text = text.trim();
    let digits_end = text
        .find(|character: char| !character.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(digits_end);
    let number: usize = digits
        .parse()
        .map_err(|_| format!("`{text}` is not a size (try 1048576 or 1MiB)"))?;
    let multiplier: usize = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => return Err(format!("`{unit}` is not a size unit (use KiB or MiB)")),
    };
    let size = number
        .checked_mul(multiplier)
        .filter(|&size| size <= MAX_BODY_BYTES)
        .ok_or_else(|| {
            format!("`{text}` is above the largest body limit every host can honour, 8MiB")
        })?;
    if size == 0 {
        return Err("the body limit must be at least one byte".into());
    }
    Ok(size)
}

/// The core's ceiling for `max_bytes`: checked here too so that the mistake is reported
/// against the argument, before any module is started.
pub const MAX_BODY_BYTES: usize = hookguard::MAX_BYTES_CEILING as usize;

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes_take_binary_units() {
        assert_eq!(parse_size("1048576"), Ok(1_048_576));
        assert_eq!(parse_size("64KiB"), Ok(65_536));
        assert_eq!(parse_size("2 MiB"), Ok(2 << 20));
        assert!(parse_size("MiB").is_err());
        assert!(parse_size("12 parsecs").is_err());
    }

    #[test]
    fn every_core_option_and_signature_setting_is_a_flag_named_after_it() {
        use clap::CommandFactory;
        let command = super::Cli::command();
        for subcommand in ["validate", "normalize", "survey"] {
            let flags: Vec<String> = command
                .find_subcommand(subcommand)
                .unwrap()
                .get_arguments()
                .filter_map(|argument| argument.get_long().map(str::to_owned))
                .collect();
            let settings = ["tolerance_seconds"];
            for name in hookguard::Options::NAMES.iter().chain(&settings) {
                let flag = name.replace('_', "-");
                assert!(flags.contains(&flag), "{subcommand}: no --{flag}");
            }
        }
    }

    #[test]
    fn the_grammar_is_consistent() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}

#[derive(Debug, Subcommand)]
pub enum QuarantineCommand {
    /// Count what a quarantine holds, per event and finding code, with the oldest and newest
    List(QuarantineListArgs),
    /// Check every entry again (today's schemas, --overlay, --strict) and POST those that pass
    /// to the service; an entry is removed only once the service answered 2xx
    Replay(QuarantineReplayArgs),
}

#[derive(Debug, Args)]
pub struct QuarantineListArgs {
    /// The quarantine: the directory a host keeps entries in (`quarantine.directory`), or the
    /// Redis a fleet keeps them in (`redis://HOST:PORT[/DB]`)
    #[arg(value_name = "SOURCE")]
    pub source: String,

    /// The keys' prefix in Redis
    #[arg(long, value_name = "PREFIX", default_value = hookguard::gate::quarantine::redis::DEFAULT_QUARANTINE_PREFIX)]
    pub key_prefix: String,

    /// Also check each entry again and print its errors with the payload values they quote
    /// (the entries hold customer data: off by default)
    #[arg(long)]
    pub reveal_values: bool,

    /// Output format
    #[arg(long, value_enum, default_value_t = SurveyFormat::Text)]
    pub format: SurveyFormat,
}

#[derive(Debug, Args)]
pub struct QuarantineReplayArgs {
    /// The quarantine: the directory a host keeps entries in (`quarantine.directory`), or the
    /// Redis a fleet keeps them in (`redis://HOST:PORT[/DB]`)
    #[arg(value_name = "SOURCE")]
    pub source: String,

    /// The keys' prefix in Redis
    #[arg(long, value_name = "PREFIX", default_value = hookguard::gate::quarantine::redis::DEFAULT_QUARANTINE_PREFIX)]
    pub key_prefix: String,

    /// The service to deliver to (the receiver's own URL, behind the gate: the signatures
    /// kept are too old for any gate's time window)
    #[arg(long, value_name = "URL", required_unless_present = "dry_run")]
    pub to: Option<String>,

    /// Accept what this overlay adds to the published schemas (as deployed to the gate)
    #[arg(long, value_name = "FILE")]
    pub overlay: Option<PathBuf>,

    /// Treat undeclared fields as errors, as a strict gate does
    #[arg(long)]
    pub strict: bool,

    /// Say what would be delivered, deliver nothing, remove nothing
    #[arg(long)]
    pub dry_run: bool,

    /// How long to wait for the service's answer to each entry, in seconds
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub timeout_seconds: u64,
}
