//! Turns the command line's inputs (files, directories, stdin) into a stream of payloads, each
//! labelled with where it came from.
//!
//! Everything here streams: an NDJSON file is read a line at a time and a body is never held
//! past `max_bytes + 1` bytes (one byte over the limit is enough for the module to refuse it),
//! so memory stays flat however large a capture is.

mod capped;
mod discover;
mod har;
mod http;
mod ndjson;
pub mod redis;

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;

pub use discover::{Input, discover, total_size};

/// How a source's bytes are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One payload per file.
    Json,
    /// One payload per line (`.ndjson`, `.jsonl`).
    Ndjson,
    /// Raw HTTP requests: request line, headers, blank line, body; one or more per file.
    Http,
    /// An HTTP Archive from a browser or proxy; every request with a body is a payload.
    Har,
}

/// One delivery body to check, and where it came from.
pub struct Payload {
    /// The file the payload is in (`-` for stdin).
    pub file: Arc<str>,
    /// Where the payload is, for messages and output: the file, plus the line or archive
    /// entry when the file holds several payloads.
    pub source: Arc<str>,
    /// The request that carried the body, for HTTP captures and HAR entries.
    pub request: Option<RequestLine>,
    /// Where the body starts in its file, to turn positions in the body into positions in the
    /// file. `None` when the body is not a byte range of the file (HAR text is JSON-escaped).
    pub origin: Option<Origin>,
    /// The body, at most `max_bytes + 1` bytes.
    pub body: Vec<u8>,
}

/// The first line of the HTTP request that carried a payload.
#[derive(Debug, Clone, Serialize)]
pub struct RequestLine {
    /// The method, e.g. `POST`.
    pub method: String,
    /// The request target (path, or URL in a HAR file).
    pub target: String,
    /// The request's signature headers (`Webhook-*`), for `--secret-file`; values decoded
    /// lossily (a signature header that is not ASCII is malformed either way).
    #[serde(skip)]
    pub webhook_headers: Vec<(String, String)>,
    /// The status the receiver answered, when the capture kept it (a HAR entry's response).
    #[serde(skip)]
    pub answered: Option<u16>,
}

/// Whether a header is one of Ocrolus' `Webhook-*` delivery headers (the signature's inputs).
pub fn is_webhook_header(name: &str) -> bool {
    name.get(..8)
        .is_some_and(|prefix| prefix.eq_ignore_ascii_case("webhook-"))
}

/// Where a body starts within its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin {
    /// Byte offset of the body's first byte.
    pub offset: u64,
    /// Line (1-based) of the body's first byte.
    pub line: u64,
}

/// A source that could not be read, or a part of one that could not be made into a payload.
pub struct InputProblem {
    /// Which file (and where in it).
    pub source: String,
    /// What went wrong.
    pub message: String,
}

/// What the reader produces, in input order.
pub enum Item {
    /// A payload to check.
    Payload(Payload),
    /// Something that stopped a source (or part of it) from being read.
    Problem(InputProblem),
}

/// Settings for reading inputs.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Force one format for every input instead of choosing by extension and content.
    pub format: Option<Format>,
    /// Bodies longer than this are cut at `max_bytes + 1` (the module refuses them).
    pub max_bytes: usize,
}

/// Reads every input in order, calling `sink` for each item; stops early when `sink` returns
/// false. `bytes_read` counts consumed input bytes, for a progress bar.
pub fn read_all(
    inputs: &[Input],
    options: &ReadOptions,
    bytes_read: &AtomicU64,
    sink: &mut dyn FnMut(Item) -> bool,
) {
    for input in inputs {
        let keep_going = match input {
            Input::Stdin => {
                let stdin = io::stdin();
                let reader = Counting::new(stdin.lock(), bytes_read);
                read_source("-", reader, options.format, options, sink)
            }
            Input::File(path) => read_file(path, options, bytes_read, sink),
            Input::Capture { label, bytes } => {
                let reader = Counting::new(bytes.as_slice(), bytes_read);
                read_source(label, reader, Some(Format::Http), options, sink)
            }
            Input::Unreadable { label, message } => sink(Item::Problem(InputProblem {
                source: label.clone(),
                message: message.clone(),
            })),
        };
        if !keep_going {
            return;
        }
    }
}

fn read_file(
    path: &PathBuf,
    options: &ReadOptions,
    bytes_read: &AtomicU64,
    sink: &mut dyn FnMut(Item) -> bool,
) -> bool {
    let label = path.display().to_string();
    let file = match File::open(path) {
        Ok(file) => file,
        Err(error) => {
            return sink(Item::Problem(InputProblem {
                source: label,
                message: io_message(&error),
            }));
        }
    };
    let format = options
        .format
        .or_else(|| discover::format_by_extension(path));
    read_source(
        &label,
        Counting::new(file, bytes_read),
        format,
        options,
        sink,
    )
}

fn read_source<R: Read>(
    label: &str,
    reader: Counting<'_, R>,
    format: Option<Format>,
    options: &ReadOptions,
    sink: &mut dyn FnMut(Item) -> bool,
) -> bool {
    let mut reader = BufReader::with_capacity(256 * 1024, reader);
    let format = match format {
        Some(format) => format,
        None => match sniff(&mut reader) {
            Ok(format) => format,
            Err(error) => {
                return sink(Item::Problem(InputProblem {
                    source: label.to_owned(),
                    message: io_message(&error),
                }));
            }
        },
    };
    let label: Arc<str> = Arc::from(label);
    match format {
        Format::Json => read_whole(label, reader, options, sink),
        Format::Ndjson => ndjson::read(label, reader, options, sink),
        Format::Http => http::read(label, reader, options, sink),
        Format::Har => har::read(label, reader, options, sink),
    }
}

/// One payload: the whole source.
fn read_whole(
    label: Arc<str>,
    mut reader: impl BufRead,
    options: &ReadOptions,
    sink: &mut dyn FnMut(Item) -> bool,
) -> bool {
    match capped::read_to_end(&mut reader, options.max_bytes) {
        Ok(body) => sink(Item::Payload(Payload {
            file: Arc::clone(&label),
            source: label,
            request: None,
            origin: Some(Origin { offset: 0, line: 1 }),
            body,
        })),
        Err(error) => sink(Item::Problem(InputProblem {
            source: label.to_string(),
            message: io_message(&error),
        })),
    }
}

/// Chooses a format for a source whose name does not tell: an HTTP request line means a raw
/// capture; a first line that is a whole JSON object means NDJSON (a single compact payload
/// reads the same either way); anything else is one JSON payload.
fn sniff(reader: &mut impl BufRead) -> io::Result<Format> {
    let head = reader.fill_buf()?;
    let first_line = head
        .split(|&byte| byte == b'\n')
        .find(|line| !line.trim_ascii().is_empty())
        .unwrap_or_default()
        .trim_ascii();
    if http::is_request_line(first_line) {
        return Ok(Format::Http);
    }
    if first_line.starts_with(b"{") && first_line.ends_with(b"}") {
        return Ok(Format::Ndjson);
    }
    Ok(Format::Json)
}

/// An I/O error in words, without Rust's `(os error N)` noise.
pub fn io_message(error: &io::Error) -> String {
    let text = error.to_string();
    match text.find(" (os error") {
        Some(cut) => text.get(..cut).unwrap_or(&text).to_owned(),
        None => text,
    }
}

/// A reader that counts the bytes it delivers.
struct Counting<'a, R> {
    inner: R,
    count: &'a AtomicU64,
}

impl<'a, R> Counting<'a, R> {
    fn new(inner: R, count: &'a AtomicU64) -> Self {
        Counting { inner, count }
    }
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buf)?;
        self.count.fetch_add(read as u64, Ordering::Relaxed);
        Ok(read)
    }
}
