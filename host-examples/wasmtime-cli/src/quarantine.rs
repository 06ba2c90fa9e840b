//! `hookguard quarantine`: what a quarantine holds (`list`), and delivering what today's
//! schemas accept (`replay`). Entries are read with the core's [`Kept`] reader and checked in
//! the module like every other payload; an entry leaves the quarantine only once the service
//! answered 2xx.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, UNIX_EPOCH};

use anyhow::{Context, Result};
use hookguard::gate::quarantine::Kept;
use hookguard::gate::quarantine::directory::Directory;

use crate::input::redis::{RedisQuarantine, is_redis_source, without_password};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::advice::Advise;
use crate::cli::{QuarantineCommand, QuarantineListArgs, QuarantineReplayArgs, SurveyFormat};
use crate::exit;
use crate::plugin::PluginModule;

pub fn run(module: &PluginModule, command: &QuarantineCommand) -> Result<u8> {
    match command {
        QuarantineCommand::List(args) => list(module, args),
        QuarantineCommand::Replay(args) => replay(module, args),
    }
}

/// One entry of a quarantine as read: its id, where it is (for messages), and its bytes or
/// why they are not an entry.
struct Read {
    id: String,
    label: String,
    bytes: Result<Vec<u8>, String>,
}

impl Read {
    fn kept(&self) -> Result<Kept<'_>, String> {
        let bytes = self.bytes.as_ref().map_err(Clone::clone)?;
        Kept::read(bytes).map_err(|error| error.to_string())
    }
}

/// Where a quarantine is: a directory, or Redis.
enum Source {
    Directory(Directory),
    Redis(RedisQuarantine),
}

impl Source {
    /// Removes a replayed entry.
    fn remove(&mut self, read: &Read) -> Result<()> {
        let removed = match self {
            Source::Directory(directory) => directory
                .remove(&read.id)
                .map_err(|error| error.to_string()),
            Source::Redis(redis) => redis.remove(&read.id),
        };
        removed
            .map_err(|reason| anyhow::anyhow!("{reason}"))
            .with_context(|| {
                format!(
                    "removing the delivered entry {} (remove it by hand: the service has it)",
                    read.label
                )
            })
            .advise("check that the quarantine can be written")
    }
}

/// The quarantine `source` (a directory, or `redis://...` with keys under `prefix`) and its
/// entries, oldest first.
fn open(source: &str, prefix: &str) -> Result<(Source, Vec<Read>)> {
    if is_redis_source(source) {
        let mut redis = RedisQuarantine::connect(source, prefix)
            .map_err(|reason| anyhow::anyhow!("opening the quarantine {reason}"))
            .advise("give the Redis the gateways or receivers keep their quarantine in, and check that it runs")?;
        let entries = redis
            .entries()
            .map_err(|reason| anyhow::anyhow!("listing the quarantine {reason}"))
            .advise("check that the Redis answers, and --key-prefix")?;
        let reads = entries
            .into_iter()
            // An entry that expired since the listing is gone, not unreadable.
            .filter_map(|entry| {
                let bytes = entry.bytes?;
                Some(Read {
                    label: redis.label(&entry.id),
                    id: entry.id,
                    bytes: Ok(bytes),
                })
            })
            .collect();
        return Ok((Source::Redis(redis), reads));
    }
    let advice = "give the directory a host keeps its quarantine in (its `quarantine.directory`)";
    let directory = Directory::existing(source)
        .with_context(|| format!("opening the quarantine {source}"))
        .advise(advice)?;
    let held = directory
        .held()
        .with_context(|| format!("listing the quarantine {source}"))
        .advise(advice)?;
    let entries = held
        .into_iter()
        .map(|held| {
            let path = directory.entry_path(&held.id);
            let bytes = std::fs::read(&path).map_err(|error| format!("unreadable: {error}"));
            Read {
                id: held.id,
                label: path.display().to_string(),
                bytes,
            }
        })
        .collect();
    Ok((Source::Directory(directory), entries))
}

/// Unix seconds as an RFC 3339 time (UTC).
fn time(unix_s: i64) -> String {
    let at = UNIX_EPOCH + Duration::from_secs(u64::try_from(unix_s).unwrap_or_default());
    humantime::format_rfc3339_seconds(at).to_string()
}

/// Says that an entry could not be read, naming it (never quoting it).
fn unreadable(error: &mut impl Write, read: &Read, reason: &str) -> io::Result<()> {
    writeln!(
        error,
        "hookguard: entry {} cannot be read: {reason}; it is left where it is",
        read.label
    )
}

/// The part of the module's report a quarantine command shows.
#[derive(Deserialize)]
struct Errors {
    #[serde(default)]
    errors: Vec<ErrorFinding>,
}

#[derive(Deserialize)]
struct ErrorFinding {
    code: String,
    #[serde(rename = "instanceLocation")]
    instance_location: String,
    error: String,
}

#[derive(Default)]
struct Group {
    entries: u64,
    oldest: i64,
    newest: i64,
}

fn list(module: &PluginModule, args: &QuarantineListArgs) -> Result<u8> {
    let (_, entries) = open(&args.source, &args.key_prefix)?;
    let mut groups: BTreeMap<(Option<String>, String), Group> = BTreeMap::new();
    let mut unreadable_entries = Vec::new();
    let mut readable = 0u64;
    let stderr = &mut io::stderr().lock();
    for read in &entries {
        let kept = match read.kept() {
            Ok(kept) => kept,
            Err(reason) => {
                unreadable(stderr, read, &reason)?;
                unreadable_entries.push(json!({ "entry": read.label, "error": reason }));
                continue;
            }
        };
        readable += 1;
        let first_seen = kept.first_seen().unwrap_or_default();
        let mut codes = kept.finding_codes();
        if codes.is_empty() {
            codes.push(String::from("(none recorded)"));
        }
        for code in codes {
            let group = groups
                .entry((kept.event_name().map(str::to_owned), code))
                .or_insert(Group {
                    entries: 0,
                    oldest: i64::MAX,
                    newest: i64::MIN,
                });
            group.entries += 1;
            group.oldest = group.oldest.min(first_seen);
            group.newest = group.newest.max(first_seen);
        }
    }
    let out = &mut io::stdout().lock();
    match args.format {
        SurveyFormat::Json => {
            let groups: Vec<Value> = groups
                .iter()
                .map(|((event, code), group)| {
                    json!({
                        "event": event,
                        "code": code,
                        "entries": group.entries,
                        "oldest": time(group.oldest),
                        "newest": time(group.newest),
                    })
                })
                .collect();
            let document = json!({
                "source": without_password(&args.source),
                "entries": readable,
                "unreadable": unreadable_entries,
                "groups": groups,
            });
            writeln!(out, "{document}")?;
        }
        SurveyFormat::Text => {
            writeln!(
                out,
                "quarantine {}: {readable} entr{} ({} unreadable)",
                without_password(&args.source),
                if readable == 1 { "y" } else { "ies" },
                unreadable_entries.len()
            )?;
            if !groups.is_empty() {
                writeln!(
                    out,
                    "{:<40} {:<28} {:>7}  {:<20}  {:<20}",
                    "event", "finding", "entries", "oldest", "newest"
                )?;
            }
            for ((event, code), group) in &groups {
                writeln!(
                    out,
                    "{:<40} {:<28} {:>7}  {:<20}  {:<20}",
                    event.as_deref().unwrap_or("(not an event)"),
                    code,
                    group.entries,
                    time(group.oldest),
                    time(group.newest)
                )?;
            }
        }
    }
    if args.reveal_values {
        let mut instance = module.ready_instance(r#"{"reveal_values": true}"#)?;
        for read in &entries {
            let Ok(kept) = read.kept() else { continue };
            let answer = instance.check(kept.body, false)?;
            let report: Errors = serde_json::from_str(&answer.report)?;
            writeln!(
                out,
                "\nentry {} ({}, first seen {}):",
                read.id,
                kept.event_name().unwrap_or("not an event"),
                time(kept.first_seen().unwrap_or_default())
            )?;
            for finding in report.errors {
                writeln!(out, "  {}: {}", finding.instance_location, finding.error)?;
            }
        }
    }
    Ok(if unreadable_entries.is_empty() {
        exit::ALL_VALID
    } else {
        exit::TROUBLE
    })
}

/// What became of the entries of one replay.
#[derive(Default)]
struct Tally {
    delivered: u64,
    would_deliver: u64,
    still_refused: u64,
    not_accepted: u64,
    unreadable: u64,
}

fn replay(module: &PluginModule, args: &QuarantineReplayArgs) -> Result<u8> {
    let (mut source, entries) = open(&args.source, &args.key_prefix)?;
    let overlay = args
        .overlay
        .as_deref()
        .map(crate::overlay::read)
        .transpose()?;
    let mut options = serde_json::Map::new();
    options.insert("strict".into(), Value::Bool(args.strict));
    if let Some(overlay) = overlay {
        options.insert("overlay".into(), overlay);
    }
    let options = Value::Object(options);
    let mut instance = module.ready_instance(&options.to_string())?;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(args.timeout_seconds.max(1))))
        .build()
        .into();
    // Ctrl-C stops between entries, never between the service's 2xx and the entry's removal,
    // so a replay run again never sends a delivered entry twice.
    let interrupted = Arc::new(AtomicBool::new(false));
    {
        let interrupted = Arc::clone(&interrupted);
        let _ = ctrlc::set_handler(move || interrupted.store(true, Ordering::SeqCst));
    }
    let out = &mut io::stdout().lock();
    let stderr = &mut io::stderr().lock();
    let mut tally = Tally::default();
    let mut stopped = None;
    for read in &entries {
        if interrupted.load(Ordering::SeqCst) {
            stopped = Some(String::from(
                "interrupted: the entries not yet replayed are kept; run the replay again to go on",
            ));
            break;
        }
        let kept = match read.kept() {
            Ok(kept) => kept,
            Err(reason) => {
                unreadable(stderr, read, &reason)?;
                tally.unreadable += 1;
                continue;
            }
        };
        let event = kept.event_name().unwrap_or("not an event");
        let answer = instance.check(kept.body, false)?;
        if !answer.valid {
            let report: Errors = serde_json::from_str(&answer.report)?;
            let findings: Vec<String> = report
                .errors
                .iter()
                .map(|finding| format!("{} at {}", finding.code, finding.instance_location))
                .collect();
            writeln!(
                out,
                "kept       {} {event}: still refused ({})",
                read.id,
                findings.join(", ")
            )?;
            tally.still_refused += 1;
            continue;
        }
        let Some(url) = args.to.as_deref().filter(|_| !args.dry_run) else {
            writeln!(out, "would send {} {event}", read.id)?;
            tally.would_deliver += 1;
            continue;
        };
        let mut request = agent.post(url);
        for (name, value) in kept.replay_headers() {
            request = request.header(name, value);
        }
        match request.send(kept.body) {
            Ok(response) if response.status().is_success() => {
                source.remove(read)?;
                writeln!(
                    out,
                    "delivered  {} {event} (the service answered {})",
                    read.id,
                    response.status().as_u16()
                )?;
                tally.delivered += 1;
            }
            Ok(response) => {
                writeln!(
                    out,
                    "kept       {} {event}: the service answered {}",
                    read.id,
                    response.status().as_u16()
                )?;
                tally.not_accepted += 1;
            }
            Err(error) => {
                stopped = Some(format!(
                    "the service could not be reached ({}); stopped, nothing more sent or removed",
                    hookguard::gate::without_quoted_values(&error.to_string())
                ));
                break;
            }
        }
    }
    let Tally {
        delivered,
        would_deliver,
        still_refused,
        not_accepted,
        unreadable,
    } = tally;
    let verb = if args.dry_run {
        format!("{would_deliver} would be sent")
    } else {
        format!("{delivered} delivered")
    };
    writeln!(
        out,
        "replay: {verb}, {still_refused} still refused, {not_accepted} not accepted by the service, {unreadable} unreadable"
    )?;
    if let Some(reason) = stopped {
        writeln!(stderr, "hookguard: replay {reason}")?;
        return Ok(exit::TROUBLE);
    }
    if unreadable > 0 {
        return Ok(exit::TROUBLE);
    }
    Ok(if still_refused + not_accepted > 0 {
        exit::SOME_INVALID
    } else {
        exit::ALL_VALID
    })
}
