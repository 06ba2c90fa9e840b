//! `hookguard validate`, `hookguard normalize` and `hookguard survey`: read inputs, run them
//! through the module, write what it says.

use std::fs::{self, File};
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::advice::Advise;
use crate::cli::{
    CheckArgs, Colour, NormalizeArgs, OutputFormat, SurveyArgs, SurveyFormat, ValidateArgs,
};
use crate::exit;
use crate::input::{self, InputProblem, ReadOptions};
use crate::output::{self, Detail, Palette, Tally};
use hookguard::GateConfig;
use hookguard::gate::{Outcome, SignaturePolicy};

use crate::pipeline::{self, Admission, Checked, CheckedPayload, Plan, SignaturePlan};
use crate::plugin::PluginModule;
use crate::report::{Finding, Report};

/// Progress shows only for runs longer than this, so quick runs print nothing extra.
const PROGRESS_DELAY: Duration = Duration::from_millis(500);

pub fn validate(
    module: &PluginModule,
    args: &ValidateArgs,
    timings: Option<Instant>,
) -> Result<u8> {
    let check = &args.check;
    let stdout = io::stdout();
    let stdout_is_terminal = stdout.is_terminal();
    let palette = Palette::new(wants_colour(check.color, stdout_is_terminal));
    let detail = match (args.quiet, args.verbose) {
        (true, _) => Detail::Quiet,
        (false, true) => Detail::All,
        (false, false) => Detail::Problems,
    };
    let mut out = BufWriter::new(stdout.lock());
    let stdout_free = !stdout_is_terminal || detail == Detail::Quiet;
    let mut run = Run::new(check, stdout_free, read_secrets(check)?)?;
    let format = args.format;

    let answers = format == OutputFormat::Ndjson;
    let stats = run.execute(
        module,
        check,
        (args.normalized, answers, false),
        &mut |run, checked| {
            // This run judges: every payload handed back has its report.
            let Some((checked, Some(report))) = run.account(checked) else {
                return Ok(());
            };
            run.progress.suspend(|| match format {
                OutputFormat::Text => {
                    output::write_text(&mut out, &checked, &report, detail, palette)
                }
                OutputFormat::Ndjson => output::write_ndjson(&mut out, &checked, &report),
            })
        },
    )?;
    finish_output(&mut out)?;
    run.progress.finish_and_clear();
    if !args.no_summary {
        match format {
            OutputFormat::Text => {
                finish_output_with(&mut out, |out| run.tally.write_summary(out, palette))?
            }
            OutputFormat::Ndjson => {
                let mut stderr = io::stderr().lock();
                let _ = run.tally.write_summary(&mut stderr, run.stderr_palette);
            }
        }
    }
    report_timings(module, timings, &stats, &run);
    Ok(run.exit_code())
}

pub fn normalize(
    module: &PluginModule,
    args: &NormalizeArgs,
    timings: Option<Instant>,
) -> Result<u8> {
    let check = &args.check;
    let stdout_free = args.out_dir.is_some() || !io::stdout().is_terminal();
    let mut run = Run::new(check, stdout_free, read_secrets(check)?)?;
    let mut out = BufWriter::new(io::stdout().lock());
    let mut files = OutputFiles::new(args.out_dir.clone());

    let stats = run.execute(module, check, (true, false, false), &mut |run, checked| {
        // This run judges: every payload handed back has its report.
        let Some((checked, Some(report))) = run.account(checked) else {
            return Ok(());
        };
        let stderr_palette = run.stderr_palette;
        run.progress.suspend(|| {
            output::write_text(
                &mut io::stderr().lock(),
                &checked,
                &report,
                Detail::Problems,
                stderr_palette,
            )
        })?;
        let Some(normalized) = report.normalized() else {
            return Ok(());
        };
        let line = normalized.as_bytes();
        match files.for_payload(&checked)? {
            Some(file) => file.write_all(line).and_then(|()| file.write_all(b"\n")),
            None => out.write_all(line).and_then(|()| out.write_all(b"\n")),
        }
    })?;
    files.close()?;
    finish_output(&mut out)?;
    run.progress.finish_and_clear();
    let _ = run
        .tally
        .write_summary(&mut io::stderr().lock(), run.stderr_palette);
    report_timings(module, timings, &stats, &run);
    Ok(run.exit_code())
}

pub fn survey(module: &PluginModule, args: &SurveyArgs, timings: Option<Instant>) -> Result<u8> {
    let check = &args.check;
    let mut run = Run::new(check, !io::stdout().is_terminal(), read_secrets(check)?)?;
    // An overlay holds the enum values as sent: the module keeps them for it, and the survey
    // printed still shows them only with --reveal-values.
    if args.emit_overlay.is_some() {
        run.config.options.reveal_values = true;
    }
    let mut survey = hookguard::survey::Survey::default();
    let mut unreadable_observations = 0u64;
    let stats = run.execute(module, check, (false, false, true), &mut |run, checked| {
        let Some((checked, _report)) = run.account(checked) else {
            return Ok(());
        };
        match checked
            .observation
            .as_deref()
            .map(serde_json::from_str::<hookguard::survey::Observation>)
        {
            Some(Ok(observation)) => survey.add(observation),
            _ => unreadable_observations += 1,
        }
        Ok(())
    })?;
    run.progress.finish_and_clear();
    if unreadable_observations > 0 {
        anyhow::bail!(
            "the module's observation of {unreadable_observations} payloads was not in the expected shape"
        );
    }
    let overlay = run.config.options.overlay.clone();
    let surveyor = match overlay.as_ref().map(hookguard::Overlay::resolve) {
        Some(Ok(overlay)) => hookguard::survey::Surveyor::with_overlay(&overlay),
        _ => hookguard::survey::Surveyor::new(),
    };
    survey.finish(&surveyor);
    if let Some(path) = &args.emit_overlay {
        let draft = hookguard::survey::draft_from_survey(&survey, overlay.as_ref());
        crate::overlay::write_draft(path, &draft, &mut io::stderr().lock())?;
    }
    if !check.reveal_values {
        survey = survey.without_values();
    }
    let mut out = BufWriter::new(io::stdout().lock());
    let written = match args.format {
        SurveyFormat::Json => serde_json::to_writer_pretty(&mut out, &survey)
            .map_err(io::Error::from)
            .and_then(|()| writeln!(out)),
        SurveyFormat::Text => crate::survey::write_text(&mut out, &survey, check.reveal_values),
    };
    finish_output_with(&mut out, |_| written)?;
    report_timings(module, timings, &stats, &run);
    // A survey is not a verdict: invalid payloads are what it is for.
    Ok(if run.tally.problems > 0 || run.tally.failures > 0 {
        exit::TROUBLE
    } else {
        exit::ALL_VALID
    })
}

/// State shared by both commands: counts, progress, and how to report input problems.
struct Run {
    tally: Tally,
    progress: ProgressBar,
    progress_wanted: bool,
    total_bytes: Option<u64>,
    stderr_palette: Palette,
    started: Instant,
    /// Input bytes read, once the run is over.
    input_bytes: u64,
    /// How long reading and checking took.
    checking: Duration,
    read: ReadOptions,
    /// What the module's gate is configured with (the secrets included, with
    /// `--secret-file`): the core's configuration, under the core's names.
    config: GateConfig,
    jobs: usize,
    /// Signature checking, with `--secret-file` (shared with the workers' plan).
    signature: Option<std::sync::Arc<SignaturePlan>>,
    /// Authentic request ids seen so far, with their attempts. Filled in output order, so what
    /// a copy is called does not depend on which worker saw it first.
    attempts: std::collections::HashMap<String, Attempts>,
}

impl Run {
    fn new(check: &CheckArgs, stdout_free: bool, secrets: Option<Vec<String>>) -> Result<Run> {
        let stderr_is_terminal = io::stderr().is_terminal();
        let overlay = check
            .overlay
            .as_deref()
            .map(crate::overlay::read)
            .transpose()?;
        let config = gate_config(check, secrets, overlay);
        let signature = match &config.signature {
            Some(_) => Some(std::sync::Arc::new(SignaturePlan { now: clock(check)? })),
            None => None,
        };
        Ok(Run {
            signature,
            // Every authentic id of the run, however many: the run ends, and its memory.
            attempts: std::collections::HashMap::new(),
            tally: Tally::default(),
            progress: ProgressBar::hidden(),
            // A bar on a terminal that also shows the output would be torn by it.
            progress_wanted: stderr_is_terminal && stdout_free && !check.no_progress,
            total_bytes: None,
            stderr_palette: Palette::new(wants_colour(check.color, stderr_is_terminal)),
            started: Instant::now(),
            input_bytes: 0,
            checking: Duration::ZERO,
            read: ReadOptions {
                format: check.input_format,
                max_bytes: usize::try_from(config.options.max_bytes).unwrap_or(usize::MAX),
            },
            config,
            jobs: check.jobs.unwrap_or_else(|| {
                std::thread::available_parallelism().map_or(1, |cores| cores.get())
            }),
        })
    }

    /// Runs the pipeline; `answers`: the output shows refused payloads' problem documents;
    /// `observe`: each payload is observed for a survey too.
    pub(crate) fn execute(
        &mut self,
        module: &PluginModule,
        check: &CheckArgs,
        (normalize, answers, observe): (bool, bool, bool),
        write: &mut dyn FnMut(&mut Run, Checked) -> io::Result<()>,
    ) -> Result<pipeline::Stats> {
        let inputs = input::discover(&check.paths);
        self.total_bytes = input::total_size(&inputs);
        let bytes_read = AtomicU64::new(0);
        let options_json = serde_json::to_string(&GateConfig {
            normalize,
            ..self.config.clone()
        })?;
        let signing = self.signature.clone();
        let plan = Plan {
            module,
            options_json: &options_json,
            normalize,
            answers,
            observe,
            jobs: self.jobs,
            read: self.read.clone(),
            signature: signing.as_deref(),
        };
        let mut output_error = None;
        let checking_started = Instant::now();
        let stats = pipeline::run(&plan, &inputs, &bytes_read, &mut |checked| {
            self.show_progress(bytes_read.load(Ordering::Relaxed));
            match write(self, checked) {
                Ok(()) => true,
                Err(error) => {
                    output_error = Some(error);
                    false
                }
            }
        })?;
        self.checking = checking_started.elapsed().saturating_sub(stats.instantiate);
        self.input_bytes = bytes_read.load(Ordering::Relaxed);
        match output_error {
            // A closed pipe (`| head`) is the reader saying it has seen enough.
            Some(error) if error.kind() == io::ErrorKind::BrokenPipe => {}
            Some(error) => {
                return Err(error).context("writing the output").advise(
                    "check that the output's disk has room and the destination can be written",
                );
            }
            None => {}
        }
        Ok(stats)
    }

    /// Puts a failed signature check first among the report's errors: the delivery is then
    /// invalid, whatever its payload. An authentic copy of a request id seen earlier in the
    /// input is a sender's retry (webhooks are at-least-once: a sender retries every attempt
    /// it did not get a 2xx for, under the same id): it is said so with a warning naming the
    /// first copy, the attempt's number and, where the capture kept the answers, which attempt
    /// was delivered; it is never refused as a replay, since it is the sender's own copy.
    fn apply_signature(
        &mut self,
        admission: &Admission,
        report: &mut Report,
        at: String,
        answered: Option<u16>,
    ) {
        if self.signature.is_none() {
            return;
        }
        if admission.verdict == hookguard::Verdict::SignatureInvalid.label() {
            if let Some(finding) = first_problem_error(admission) {
                report.refuse_first(finding);
            }
            return;
        }
        let (Some("verified"), Some(id)) = (admission.signature.as_deref(), &admission.request_id)
        else {
            return;
        };
        let attempts = self.attempts.entry(id.clone()).or_insert_with(|| Attempts {
            answers: Vec::new(),
        });
        if let Some(error) = attempts.retry_message() {
            report.warn(Finding {
                code: String::from(RETRIED_CODE),
                instance_location: String::new(),
                keyword_location: String::new(),
                error,
                position: None,
            });
        }
        attempts.answers.push((at, answered));
    }

    /// Counts one result. Input problems and module failures are reported on stderr here;
    /// a payload is handed back for output with its report, its positions made file-relative
    /// (`None` for a payload only observed: the run does not judge).
    fn account(&mut self, checked: Checked) -> Option<(CheckedPayload, Option<Report>)> {
        let problem = match checked {
            Checked::Problem(problem) => {
                self.tally.problems += 1;
                problem
            }
            Checked::Payload(mut checked) => {
                match std::mem::replace(&mut checked.outcome, Err(String::new())) {
                    Ok(None) => {
                        self.tally.observed += 1;
                        return Some((*checked, None));
                    }
                    Ok(Some(mut report)) => {
                        if let Some(origin) = checked.origin {
                            report.relocate(origin);
                        }
                        if let Some(admission) = &checked.admission {
                            let at = checked.source.to_string();
                            let answered = checked
                                .request
                                .as_ref()
                                .and_then(|request| request.answered);
                            self.apply_signature(admission, &mut report, at, answered);
                        }
                        self.tally.count(&report);
                        return Some((*checked, Some(report)));
                    }
                    Err(message) => {
                        self.tally.failures += 1;
                        InputProblem {
                            source: checked.source.to_string(),
                            message: format!("the module failed on this payload: {message}"),
                        }
                    }
                }
            }
        };
        let palette = self.stderr_palette;
        self.progress
            .suspend(|| output::write_problem(&mut io::stderr().lock(), &problem, palette))
            .ok();
        None
    }

    fn show_progress(&mut self, bytes_read: u64) {
        if self.progress.is_hidden()
            && self.progress_wanted
            && self.started.elapsed() > PROGRESS_DELAY
        {
            self.progress = match self.total_bytes {
                Some(total) => {
                    ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr())
                        .with_style(
                            ProgressStyle::with_template("{bar:30} {bytes}/{total_bytes} {msg}")
                                .unwrap_or_else(|_| ProgressStyle::default_bar()),
                        )
                }
                None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
                    .with_style(
                        ProgressStyle::with_template("{spinner} {bytes} {msg}")
                            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                    ),
            };
        }
        if !self.progress.is_hidden() {
            // The rate is over the whole run: the bar starts late, and indicatif's own estimate
            // would read the bytes done before it as one instant jump.
            let seconds = self.started.elapsed().as_secs_f64().max(f64::EPSILON);
            let rate = bytes_read as f64 / seconds;
            let eta = match self.total_bytes {
                Some(total) if rate > 0.0 => {
                    let left = total.saturating_sub(bytes_read) as f64 / rate;
                    format!(", {left:.0} s left")
                }
                _ => String::new(),
            };
            self.progress.set_position(bytes_read);
            self.progress.set_message(format!(
                "{:.1} MB/s, {} payloads{eta}",
                rate / 1e6,
                self.tally.payloads()
            ));
        }
    }

    fn exit_code(&self) -> u8 {
        if self.tally.problems > 0 || self.tally.failures > 0 {
            exit::TROUBLE
        } else if self.tally.payloads() == 0 {
            let _ = writeln!(
                io::stderr(),
                "hookguard: error: no payloads found in the inputs\nhookguard: to fix: give \
                 files or directories holding .json, .ndjson, .http or .har captures, or - for \
                 standard input"
            );
            exit::TROUBLE
        } else if self.tally.invalid() > 0 {
            exit::SOME_INVALID
        } else {
            exit::ALL_VALID
        }
    }
}

/// The finding behind a refusal: the first error of the problem document.
/// The warning on a later copy of an authentic delivery in the input.
pub(crate) const RETRIED_CODE: &str = "retried_delivery";

/// The attempts of one authentic delivery in the input, in order.
struct Attempts {
    /// Each attempt so far: where it is, and what the receiver answered when the capture kept it.
    answers: Vec<(String, Option<u16>)>,
}

impl Attempts {
    /// What the next attempt is, when it is not the first: its number, the first's place, and
    /// which earlier attempt was delivered (answered 2xx), as far as the capture shows.
    fn retry_message(&self) -> Option<String> {
        let (first, _) = self.answers.first()?;
        let number = self.answers.len() + 1;
        let delivered = self.answers.iter().enumerate().find(|(_, (_, answered))| {
            answered.is_some_and(|status| Outcome::of_status(status) == Outcome::Delivered)
        });
        let outcome = match delivered {
            Some((index, (at, Some(status)))) => format!(
                "attempt {} ({at}) was delivered (answered {status}): a receiver acknowledges this \
                 copy without forwarding it",
                index + 1
            ),
            _ if self.answers.iter().all(|(_, answered)| answered.is_some()) => {
                let statuses: Vec<String> = self
                    .answers
                    .iter()
                    .filter_map(|(_, answered)| answered.map(|status| status.to_string()))
                    .collect();
                format!(
                    "no earlier attempt was delivered (answered {}): a receiver checks this one as \
                     a new delivery",
                    statuses.join(", ")
                )
            }
            _ => String::from(
                "a receiver forwards it only if no earlier attempt was delivered (the capture \
                 does not show the answers)",
            ),
        };
        Some(format!(
            "attempt {number} of the delivery at {first} (same Webhook-Request-Id): a retry; {outcome}"
        ))
    }
}

fn first_problem_error(admission: &Admission) -> Option<Finding> {
    #[derive(serde::Deserialize)]
    struct Problem {
        errors: Vec<Finding>,
    }
    let problem: Problem = serde_json::from_str(admission.problem.as_ref()?.get()).ok()?;
    problem.errors.into_iter().next()
}

/// The gate configuration the module runs with: the core's options from the flags (named as
/// the core names them, `--max-bytes` for `max_bytes`), the core's defaults otherwise, and
/// the signature settings with `--secret-file`.
fn gate_config(
    check: &CheckArgs,
    secrets: Option<Vec<String>>,
    overlay: Option<serde_json::Value>,
) -> GateConfig {
    let mut config = GateConfig::default();
    let options = &mut config.options;
    options.overlay = overlay;
    if let Some(max_bytes) = check.max_bytes {
        options.max_bytes = max_bytes as u64;
    }
    if let Some(max_depth) = check.max_depth {
        options.max_depth = max_depth;
    }
    if let Some(max_findings) = check.max_findings {
        options.max_findings = max_findings;
    }
    options.strict = check.strict;
    options.reveal_values = check.reveal_values;
    config.signature = secrets.map(|secrets| SignaturePolicy {
        secrets,
        tolerance_seconds: check.tolerance_seconds,
        ..SignaturePolicy::default()
    });
    config
}

/// Reads `--secret-file` (one secret per line, blank lines and `#` comments skipped). Errors
/// name the file and the line, never a secret.
fn read_secrets(check: &CheckArgs) -> Result<Option<Vec<String>>> {
    let Some(path) = &check.secret_file else {
        return Ok(None);
    };
    const ADVICE: &str =
        "give --secret-file a text file with one webhook secret per line (# starts a comment)";
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the secret file {}", path.display()))
        .advise(ADVICE)?;
    // Editors on Windows save UTF-8 with a byte order mark; it is not part of the first secret.
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let secrets: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(str::to_owned)
        .collect();
    if secrets.is_empty() {
        return Err(anyhow::anyhow!(
            "the secret file {} holds no secret",
            path.display()
        ))
        .advise(ADVICE);
    }
    Ok(Some(secrets))
}

/// The clock for signature checks: `--now`, or the system's.
fn clock(check: &CheckArgs) -> Result<i64> {
    match check.now {
        Some(now) => Ok(now),
        None => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|elapsed| i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX))
            .context("the system clock is before 1970")
            .advise("set the system clock, or give the time with --now UNIX_SECONDS"),
    }
}

fn wants_colour(choice: Colour, is_terminal: bool) -> bool {
    match choice {
        Colour::Always => true,
        Colour::Never => false,
        Colour::Auto => {
            is_terminal
                && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
                && std::env::var_os("TERM").is_none_or(|term| term != "dumb")
        }
    }
}

fn finish_output(out: &mut impl Write) -> Result<()> {
    finish_output_with(out, |_| Ok(()))
}

/// Runs a last write and flushes; a closed pipe is not an error.
fn finish_output_with<W: Write>(
    out: &mut W,
    write: impl FnOnce(&mut W) -> io::Result<()>,
) -> Result<()> {
    match write(out).and_then(|()| out.flush()) {
        Err(error) if error.kind() != io::ErrorKind::BrokenPipe => Err(error)
            .context("writing the output")
            .advise("check that the output's disk has room and the destination can be written"),
        _ => Ok(()),
    }
}

fn report_timings(
    module: &PluginModule,
    started: Option<Instant>,
    stats: &pipeline::Stats,
    run: &Run,
) {
    let Some(started) = started else {
        return;
    };
    let millis = |duration: Duration| duration.as_secs_f64() * 1000.0;
    let cache = if module.cached {
        "code cache on"
    } else {
        "code cache off"
    };
    let _ = writeln!(
        io::stderr(),
        "timings: module load {:.1} ms ({cache}), {} instances {:.1} ms, start-up {:.1} ms, total {:.1} ms",
        millis(module.load_time),
        stats.instances,
        millis(stats.instantiate),
        millis(module.load_time + stats.instantiate),
        millis(started.elapsed()),
    );
    let seconds = run.checking.as_secs_f64().max(f64::EPSILON);
    let payloads = run.tally.payloads();
    let _ = writeln!(
        io::stderr(),
        "timings: checked {payloads} payloads ({:.1} MB) in {seconds:.2} s: {:.1} MB/s, {:.0} payloads/s, {} workers",
        run.input_bytes as f64 / 1e6,
        run.input_bytes as f64 / 1e6 / seconds,
        payloads as f64 / seconds,
        stats.instances,
    );
    let _ = writeln!(
        io::stderr(),
        "timings: workers spent {:.2} s in the module and {:.2} s reading its reports",
        stats.in_module.as_secs_f64(),
        stats.reading_reports.as_secs_f64(),
    );
}

/// `normalize --out-dir`: one output file per input file, opened when its first valid payload
/// arrives (inputs arrive in order, so one file is open at a time).
struct OutputFiles {
    directory: Option<PathBuf>,
    current: Option<(Arc<str>, BufWriter<File>)>,
}

impl OutputFiles {
    fn new(directory: Option<PathBuf>) -> OutputFiles {
        OutputFiles {
            directory,
            current: None,
        }
    }

    /// The file to write `checked`'s normalized form to; `None` means standard output.
    fn for_payload(
        &mut self,
        checked: &CheckedPayload,
    ) -> io::Result<Option<&mut BufWriter<File>>> {
        let Some(directory) = self.directory.clone() else {
            return Ok(None);
        };
        let is_current = self
            .current
            .as_ref()
            .is_some_and(|(file, _)| Arc::ptr_eq(file, &checked.file) || **file == *checked.file);
        if !is_current {
            self.close()?;
            let path = output_path(&directory, &checked.file, checked.source == checked.file);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)?;
            }
            let file = File::create(&path)?;
            self.current = Some((Arc::clone(&checked.file), BufWriter::new(file)));
        }
        Ok(self.current.as_mut().map(|(_, writer)| writer))
    }

    fn close(&mut self) -> io::Result<()> {
        match self.current.take() {
            Some((_, mut writer)) => writer.flush(),
            None => Ok(()),
        }
    }
}

/// Where `normalize --out-dir` writes an input's payloads: the input's path below the
/// directory (without `/`, `..` or a drive), `.ndjson` for inputs holding several payloads.
fn output_path(directory: &Path, input: &str, single_payload: bool) -> PathBuf {
    if input == "-" {
        return directory.join("stdin.ndjson");
    }
    let relative: PathBuf = Path::new(input)
        .components()
        .filter(|component| matches!(component, Component::Normal(_)))
        .collect();
    let mut path = directory.join(relative);
    if !single_payload {
        path.set_extension("ndjson");
    }
    path
}
