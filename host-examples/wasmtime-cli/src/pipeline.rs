//! Checks a stream of payloads on every core, with output in input order and bounded memory.
//!
//! One thread reads inputs and cuts them into batches; each worker owns one module instance
//! (instances are single-threaded) and checks whole batches; the calling thread puts finished
//! batches back in order and hands them to the output. A fixed number of batch permits
//! circulates between the reader and the output, so however fast the reader is, at most
//! `permits` batches exist at once: a multi-gigabyte capture runs in constant memory.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::AtomicU64;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::input::{self, Input, InputProblem, Item, Origin, ReadOptions, RequestLine};
use crate::plugin::{PluginInstance, PluginModule};
use crate::report::Report;

/// Payloads per batch, and bytes per batch: small enough to keep every worker busy, large
/// enough that channel traffic is noise.
const BATCH_PAYLOADS: usize = 256;
const BATCH_BYTES: usize = 1 << 20;

/// What came of one item.
pub enum Checked {
    /// A payload and the module's verdict on it.
    Payload(Box<CheckedPayload>),
    /// An input that could not be read.
    Problem(InputProblem),
}

/// A checked payload. The body itself is dropped once checked.
pub struct CheckedPayload {
    pub file: Arc<str>,
    pub source: Arc<str>,
    pub request: Option<RequestLine>,
    pub origin: Option<Origin>,
    /// The report (none when the run does not judge payloads: a survey without signatures),
    /// or why the module could not give one (a trap; the instance is replaced).
    pub outcome: Result<Option<Report>, String>,
    /// The gate's conclusion besides the report.
    pub admission: Option<Admission>,
    /// A survey's observation of the payload (`hookguard_observe_new`), when asked for.
    pub observation: Option<String>,
}

/// What `hookguard_admit` concluded, besides the report: the verdict, the problem document
/// a receiver would answer with, and what is known of the signature.
#[derive(Debug, Clone)]
pub struct Admission {
    /// The verdict's label (`valid`, `invalid`, `signature_invalid`, ...).
    pub verdict: String,
    /// `verified` or `unsigned`, when signatures are checked and the delivery got past them.
    pub signature: Option<String>,
    pub request_id: Option<String>,
    /// The problem document, as the core wrote it (absent when the delivery passes).
    pub problem: Option<Box<serde_json::value::RawValue>>,
}

/// The admission as the module writes it, the problem and the report left as text.
#[derive(serde::Deserialize)]
struct AdmissionText<'a> {
    verdict: String,
    #[serde(default)]
    signature: Option<String>,
    #[serde(default)]
    request_id: Option<String>,
    #[serde(default, borrow)]
    problem: Option<&'a serde_json::value::RawValue>,
    #[serde(default, borrow)]
    report: Option<&'a serde_json::value::RawValue>,
}

/// Signature checking for a run: the clock. The secrets are in the module's configuration.
pub struct SignaturePlan {
    pub now: i64,
}

struct Batch {
    sequence: u64,
    items: Vec<Item>,
}

/// How to run the pipeline.
pub struct Plan<'a> {
    pub module: &'a PluginModule,
    pub options_json: &'a str,
    pub normalize: bool,
    /// Whether the output shows refused payloads' problem documents (NDJSON does).
    pub answers: bool,
    /// Whether each payload is also observed for a survey.
    pub observe: bool,
    pub jobs: usize,
    pub read: ReadOptions,
    pub signature: Option<&'a SignaturePlan>,
}

impl Plan<'_> {
    /// Whether each payload is judged (validated; admitted when signatures are checked). A
    /// survey without signatures only observes: its output holds no verdict, and judging every
    /// body as well read and walked each body twice.
    fn judges(&self) -> bool {
        !self.observe || self.signature.is_some()
    }
}

/// What a run measured.
pub struct Stats {
    /// Module instances made (one per worker).
    pub instances: usize,
    /// How long making them ready to check took (wall time; they start in parallel).
    pub instantiate: Duration,
    /// Time the workers spent inside the module, summed over workers.
    pub in_module: Duration,
    /// Time the workers spent reading the module's reports back, summed over workers.
    pub reading_reports: Duration,
}

/// Where one worker's time went.
#[derive(Default)]
struct WorkerTime {
    in_module: Duration,
    reading_reports: Duration,
}

/// Reads `inputs`, checks every payload and calls `emit` with each result in input order.
/// `emit` returns false to stop early (e.g. the output pipe was closed). `bytes_read` tracks
/// progress through the inputs.
pub fn run(
    plan: &Plan<'_>,
    inputs: &[Input],
    bytes_read: &AtomicU64,
    emit: &mut dyn FnMut(Checked) -> bool,
) -> Result<Stats> {
    // Instances are made up front (in parallel), so a broken module or refused option is one
    // clear error before any input is read, and start-up is measured as a whole.
    let started = Instant::now();
    let workers = thread::scope(|scope| {
        let starting: Vec<_> = (0..plan.jobs.max(1))
            .map(|_| scope.spawn(|| plan.module.ready_instance(plan.options_json)))
            .collect();
        starting
            .into_iter()
            .map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("a worker failed to start")))
            })
            .collect::<Result<Vec<_>>>()
    })?;
    let mut stats = Stats {
        instances: workers.len(),
        instantiate: started.elapsed(),
        in_module: Duration::ZERO,
        reading_reports: Duration::ZERO,
    };
    let permits = workers.len() * 4;

    let (batch_tx, batch_rx) = sync_channel::<Batch>(permits);
    let batch_rx = Arc::new(Mutex::new(batch_rx));
    let (done_tx, done_rx) = sync_channel::<(u64, Vec<Checked>)>(permits);
    let (permit_tx, permit_rx) = sync_channel::<()>(permits);
    for _ in 0..permits {
        // Cannot fail: the channel has room for every permit and its receiver is alive.
        let _ = permit_tx.send(());
    }

    thread::scope(|scope| {
        scope.spawn(move || read_batches(inputs, &plan.read, bytes_read, &permit_rx, &batch_tx));
        let running: Vec<_> = workers
            .into_iter()
            .map(|worker| {
                let batch_rx = Arc::clone(&batch_rx);
                let done_tx = done_tx.clone();
                scope.spawn(move || check_batches(worker, plan, &batch_rx, &done_tx))
            })
            .collect();
        drop(done_tx);
        emit_in_order(&done_rx, &permit_tx, emit);
        // Dropping the receivers unblocks the reader and workers if output stopped early.
        drop(done_rx);
        drop(permit_tx);
        for time in running.into_iter().filter_map(|worker| worker.join().ok()) {
            stats.in_module += time.in_module;
            stats.reading_reports += time.reading_reports;
        }
    });
    Ok(stats)
}

fn read_batches(
    inputs: &[Input],
    read: &ReadOptions,
    bytes_read: &AtomicU64,
    permits: &Receiver<()>,
    batches: &SyncSender<Batch>,
) {
    let mut sequence = 0u64;
    let mut items = Vec::new();
    let mut bytes = 0usize;
    let mut send = |items: Vec<Item>| -> bool {
        if permits.recv().is_err() {
            return false;
        }
        let batch = Batch { sequence, items };
        sequence += 1;
        batches.send(batch).is_ok()
    };
    input::read_all(inputs, read, bytes_read, &mut |item| {
        if let Item::Payload(payload) = &item {
            bytes += payload.body.len();
        }
        items.push(item);
        if items.len() >= BATCH_PAYLOADS || bytes >= BATCH_BYTES {
            bytes = 0;
            return send(std::mem::take(&mut items));
        }
        true
    });
    if !items.is_empty() {
        send(items);
    }
}

fn check_batches(
    mut worker: PluginInstance,
    plan: &Plan<'_>,
    batches: &Mutex<Receiver<Batch>>,
    done: &SyncSender<(u64, Vec<Checked>)>,
) -> WorkerTime {
    let mut time = WorkerTime::default();
    loop {
        let next = match batches.lock() {
            Ok(receiver) => receiver.recv(),
            Err(_) => return time,
        };
        let Ok(batch) = next else {
            return time;
        };
        let checked = batch
            .items
            .into_iter()
            .map(|item| match item {
                Item::Problem(problem) => Checked::Problem(problem),
                Item::Payload(payload) => {
                    let (mut outcome, admission) = if plan.judges() {
                        let (outcome, admission) =
                            admit_one(&mut worker, plan, &payload, &mut time);
                        (outcome.map(Some), admission)
                    } else {
                        (Ok(None), None)
                    };
                    let mut observation = None;
                    if plan.observe && outcome.is_ok() {
                        let started = Instant::now();
                        match worker.observe(&payload.body) {
                            Ok(text) => observation = Some(text),
                            Err(error) => outcome = Err(recover(&mut worker, plan, &error)),
                        }
                        time.in_module += started.elapsed();
                    }
                    Checked::Payload(Box::new(CheckedPayload {
                        file: payload.file,
                        source: payload.source,
                        request: payload.request,
                        origin: payload.origin,
                        outcome,
                        admission,
                        observation,
                    }))
                }
            })
            .collect();
        if done.send((batch.sequence, checked)).is_err() {
            return time;
        }
    }
}

/// One payload through the module: the report and, for a signed run or a refused payload, the
/// gate's admission (`hookguard_admit`). A trap poisons an instance, so the worker starts a
/// fresh one; the payload is reported, not lost. Replays are looked for later, in input order,
/// so the module does not remember ids.
fn admit_one(
    worker: &mut PluginInstance,
    plan: &Plan<'_>,
    payload: &input::Payload,
    time: &mut WorkerTime,
) -> (Result<Report, String>, Option<Admission>) {
    let Some(signing) = plan.signature else {
        // Without signatures the report decides: most payloads are valid and need nothing but
        // it; a refused one also gets the gate's answer (its problem document), which the
        // module gives from the report it kept, without checking the body again.
        let report = check_one(worker, plan, &payload.body, time);
        let admission = match &report {
            Ok(report) if !report.valid && plan.answers => {
                let started = Instant::now();
                let answered = worker.answer();
                time.in_module += started.elapsed();
                match answered.map_err(|error| recover(worker, plan, &error)) {
                    Ok(text) => match read_admission(&text) {
                        Ok((admission, _)) => Some(admission),
                        Err(error) => return (Err(error), None),
                    },
                    Err(error) => return (Err(error), None),
                }
            }
            _ => None,
        };
        return (report, admission);
    };
    // Every Webhook-* field as captured, repeats included: the module refuses a repeated
    // signature header, and a map would have kept only one of the copies.
    let headers: Vec<(&str, &str)> = payload
        .request
        .iter()
        .flat_map(|request| &request.webhook_headers)
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    let request =
        serde_json::json!({"now": signing.now, "headers": headers, "remember": false}).to_string();
    match admit(worker, plan, &request, &payload.body, time) {
        Ok((admission, Some(report))) => (report, Some(admission)),
        // Refused before validation (a signature, the size): the report still says what the
        // payload holds, as a command line over captures should.
        Ok((admission, None)) => (
            check_one(worker, plan, &payload.body, time),
            Some(admission),
        ),
        Err(error) => (Err(error), None),
    }
}

/// One call to `hookguard_admit`: the admission and, when the body was validated, its report.
fn admit(
    worker: &mut PluginInstance,
    plan: &Plan<'_>,
    request: &str,
    body: &[u8],
    time: &mut WorkerTime,
) -> Result<(Admission, Option<Result<Report, String>>), String> {
    let started = Instant::now();
    let admitted = worker.admit(request.as_bytes(), body);
    let answered = Instant::now();
    time.in_module += answered - started;
    let text = admitted.map_err(|error| recover(worker, plan, &error))?;
    let read = read_admission(&text);
    time.reading_reports += answered.elapsed();
    read
}

/// An admission as the module wrote it: the admission, and its report when there is one.
fn read_admission(text: &str) -> Result<(Admission, Option<Result<Report, String>>), String> {
    let shape = |error: serde_json::Error| {
        format!("the module's admission is not in the expected shape: {error}")
    };
    let admitted = serde_json::from_str::<AdmissionText<'_>>(text).map_err(shape)?;
    let report = admitted
        .report
        .map(|raw| Report::from_module(raw.get().to_owned()).map_err(shape));
    let admission = Admission {
        verdict: admitted.verdict,
        signature: admitted.signature,
        request_id: admitted.request_id,
        problem: admitted.problem.map(ToOwned::to_owned),
    };
    Ok((admission, report))
}

/// One payload's report alone (`hookguard_validate` or `hookguard_normalize`).
fn check_one(
    worker: &mut PluginInstance,
    plan: &Plan<'_>,
    body: &[u8],
    time: &mut WorkerTime,
) -> Result<Report, String> {
    let started = Instant::now();
    let checked = worker.check(body, plan.normalize);
    let answered = Instant::now();
    time.in_module += answered - started;
    let answer = match checked {
        Ok(answer) => answer,
        Err(error) => return Err(recover(worker, plan, &error)),
    };
    let report = Report::from_module(answer.report);
    time.reading_reports += answered.elapsed();
    let report = report
        .map_err(|error| format!("the module's report is not in the expected shape: {error}"))?;
    if report.valid != answer.valid {
        return Err("the module's status and report disagree".into());
    }
    Ok(report)
}

/// A call into the module failed (a trap poisons an instance): the worker goes on with a fresh
/// instance, and the failure becomes the payload's outcome.
fn recover(worker: &mut PluginInstance, plan: &Plan<'_>, error: &anyhow::Error) -> String {
    if let Ok(fresh) = plan.module.instantiate(plan.options_json) {
        *worker = fresh;
    }
    error.to_string()
}

fn emit_in_order(
    done: &Receiver<(u64, Vec<Checked>)>,
    permits: &SyncSender<()>,
    emit: &mut dyn FnMut(Checked) -> bool,
) {
    let mut waiting: BTreeMap<u64, Vec<Checked>> = BTreeMap::new();
    let mut next = 0u64;
    while let Ok((sequence, checked)) = done.recv() {
        waiting.insert(sequence, checked);
        while let Some(batch) = waiting.remove(&next) {
            next += 1;
            for item in batch {
                if !emit(item) {
                    return;
                }
            }
            // Fails only once the reader has finished, when permits no longer matter.
            let _ = permits.send(());
        }
    }
}
