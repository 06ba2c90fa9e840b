//! Raw HTTP request captures (`.http`): request line, headers, a blank line, the body; one or
//! more requests per file, so the headers travel with the body. A body is delimited by
//! `Content-Length`, by chunked transfer coding, or (in hand-written captures) by the next
//! request line or the end of the file.

use std::io::BufRead;
use std::sync::Arc;

use super::{InputProblem, Item, Origin, Payload, ReadOptions, RequestLine, capped, io_message};

/// Largest header section accepted, like common servers' defaults.
const MAX_HEAD_BYTES: usize = 64 * 1024;
const MAX_HEADERS: usize = 128;
const METHODS: [&[u8]; 7] = [
    b"POST", b"PUT", b"PATCH", b"GET", b"DELETE", b"HEAD", b"OPTIONS",
];

/// Whether `line` is an HTTP/1 request line (`POST /hooks HTTP/1.1`).
pub fn is_request_line(line: &[u8]) -> bool {
    let mut parts = line.trim_ascii_end().split(|&byte| byte == b' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    METHODS.contains(&method) && !target.is_empty() && version.starts_with(b"HTTP/1.")
}

/// One line of a capture: its text without the line ending, its offset, its number, and the
/// ending it had (`\r\n`, `\n`, or nothing at the end of the file).
type Line = (Vec<u8>, u64, u64, &'static [u8]);

/// Lines of a capture, with their positions, and one line of look-ahead.
struct Lines<R> {
    reader: R,
    max_line: usize,
    /// Offset and number of the next line to be read.
    offset: u64,
    line: u64,
    pending: Option<Line>,
}

impl<R: BufRead> Lines<R> {
    /// The next line; `None` at the end.
    fn next(&mut self) -> std::io::Result<Option<Line>> {
        if let Some(pending) = self.pending.take() {
            return Ok(Some(pending));
        }
        let mut text = Vec::new();
        let consumed = capped::read_line(&mut self.reader, &mut text, self.max_line)?;
        if consumed == 0 {
            return Ok(None);
        }
        let has_newline = consumed > text.len() as u64;
        let ending: &'static [u8] = match (has_newline, text.last()) {
            (true, Some(b'\r')) => {
                text.pop();
                b"\r\n"
            }
            (true, _) => b"\n",
            (false, _) => b"",
        };
        let here = (text, self.offset, self.line, ending);
        self.offset += consumed;
        self.line += 1;
        Ok(Some(here))
    }

    fn push_back(&mut self, line: Line) {
        self.pending = Some(line);
    }

    /// Position of the next unread byte (only meaningful with no pending line).
    fn position(&self) -> Origin {
        Origin {
            offset: self.offset,
            line: self.line,
        }
    }
}

pub fn read(
    label: Arc<str>,
    reader: impl BufRead,
    options: &ReadOptions,
    sink: &mut dyn FnMut(Item) -> bool,
) -> bool {
    let mut lines = Lines {
        reader,
        max_line: MAX_HEAD_BYTES.max(options.max_bytes),
        offset: 0,
        line: 1,
        pending: None,
    };
    loop {
        match read_request(&label, &mut lines, options) {
            Ok(None) => return true,
            Ok(Some(payload)) => {
                if !sink(Item::Payload(payload)) {
                    return false;
                }
            }
            Err(problem) => {
                // The rest of the file cannot be framed reliably after a broken request.
                return sink(Item::Problem(problem));
            }
        }
    }
}

fn read_request<R: BufRead>(
    label: &Arc<str>,
    lines: &mut Lines<R>,
    options: &ReadOptions,
) -> Result<Option<Payload>, InputProblem> {
    let io_problem = |line: u64, error: std::io::Error| InputProblem {
        source: format!("{label}:{line}"),
        message: io_message(&error),
    };
    // Blank lines between requests are not part of either.
    let (request_line, request_line_number) = loop {
        match lines
            .next()
            .map_err(|error| io_problem(lines.line, error))?
        {
            None => return Ok(None),
            Some((text, ..)) if text.trim_ascii().is_empty() => continue,
            Some((text, _, number, _)) => break (text, number),
        }
    };
    let problem = |message: String| InputProblem {
        source: format!("{label}:{request_line_number}"),
        message,
    };
    if !is_request_line(&request_line) {
        return Err(problem(
            "expected an HTTP request line such as `POST /webhooks HTTP/1.1`".into(),
        ));
    }
    let mut head = request_line;
    head.extend_from_slice(b"\r\n");
    loop {
        let Some((text, ..)) = lines
            .next()
            .map_err(|error| io_problem(lines.line, error))?
        else {
            return Err(problem(
                "the capture ends inside the request's headers".into(),
            ));
        };
        if text.is_empty() {
            break;
        }
        head.extend_from_slice(&text);
        head.extend_from_slice(b"\r\n");
        if head.len() > MAX_HEAD_BYTES {
            return Err(problem(format!(
                "the request's headers exceed {MAX_HEAD_BYTES} bytes"
            )));
        }
    }
    head.extend_from_slice(b"\r\n");

    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut request = httparse::Request::new(&mut headers);
    match request.parse(&head) {
        Ok(httparse::Status::Complete(_)) => {}
        Ok(httparse::Status::Partial) => return Err(problem("incomplete request head".into())),
        Err(error) => return Err(problem(format!("malformed request head: {error}"))),
    }
    let request_info = RequestLine {
        method: request.method.unwrap_or_default().to_owned(),
        target: request.path.unwrap_or_default().to_owned(),
        webhook_headers: request
            .headers
            .iter()
            .filter(|header| super::is_webhook_header(header.name))
            .map(|header| {
                let value = String::from_utf8_lossy(header.value).trim().to_owned();
                (header.name.to_owned(), value)
            })
            .collect(),
        // A raw HTTP capture holds requests only.
        answered: None,
    };
    let values = |name: &str| -> Vec<String> {
        request
            .headers
            .iter()
            .filter(|header| header.name.eq_ignore_ascii_case(name))
            .map(|header| String::from_utf8_lossy(header.value).trim().to_owned())
            .collect()
    };
    let chunked = values("transfer-encoding")
        .iter()
        .any(|coding| coding.eq_ignore_ascii_case("chunked"));
    // Two framings, or two lengths, make the body's end ambiguous: receivers that pick
    // differently see different bodies (request smuggling), so the request is refused.
    let mut lengths = values("content-length");
    lengths.dedup();
    if lengths.len() > 1 {
        return Err(problem(
            "the request has conflicting Content-Length headers, so where its body ends is \
             ambiguous"
                .into(),
        ));
    }
    let content_length = lengths.pop();
    if chunked && content_length.is_some() {
        return Err(problem(
            "the request has both Transfer-Encoding: chunked and Content-Length, so where its \
             body ends is ambiguous"
                .into(),
        ));
    }

    let origin = lines.position();
    let (body, origin) = if chunked {
        // Chunks are not one byte range of the file, so positions stay relative to the body.
        (
            read_chunked(lines, options.max_bytes).map_err(problem)?,
            None,
        )
    } else if let Some(length) = content_length {
        let length: u64 = length
            .parse()
            .map_err(|_| problem("Content-Length is not a number".into()))?;
        let taken = capped::read_exact_capped(&mut lines.reader, length, options.max_bytes)
            .map_err(|error| io_problem(origin.line, error))?;
        if taken.consumed < length {
            return Err(problem(format!(
                "the capture ends {} bytes into a body of {length} bytes (Content-Length)",
                taken.consumed
            )));
        }
        lines.offset += taken.consumed;
        lines.line += taken.newlines;
        (taken.body, Some(origin))
    } else {
        (
            read_until_next_request(lines, options.max_bytes)
                .map_err(|error| io_problem(origin.line, error))?,
            Some(origin),
        )
    };
    Ok(Some(Payload {
        file: Arc::clone(label),
        source: Arc::from(format!("{label}:{request_line_number}")),
        request: Some(request_info),
        origin,
        body,
    }))
}

/// A body without framing: every byte up to the next request line or the end of the file,
/// line endings included, except the blank lines after its last line, which separate requests.
/// The body's own final line break stays: a sender that signed `{...}\n` signed that newline,
/// and a capture without `Content-Length` cannot say otherwise.
fn read_until_next_request<R: BufRead>(
    lines: &mut Lines<R>,
    max_bytes: usize,
) -> std::io::Result<Vec<u8>> {
    let keep = max_bytes.saturating_add(1);
    let mut body = Vec::new();
    // Where the body ends if only blank lines follow: after the last non-blank line's ending.
    let mut content_end = 0;
    while let Some(line) = lines.next()? {
        if is_request_line(&line.0) {
            lines.push_back(line);
            break;
        }
        let (text, _, _, ending) = line;
        let blank = text.trim_ascii().is_empty();
        if body.len() < keep {
            body.extend_from_slice(&text);
            body.extend_from_slice(ending);
            body.truncate(keep);
        }
        if !blank {
            content_end = body.len();
        }
    }
    body.truncate(content_end);
    Ok(body)
}

/// Decodes a chunked body (RFC 9112 §7.1), keeping at most `max_bytes + 1` bytes.
fn read_chunked<R: BufRead>(lines: &mut Lines<R>, max_bytes: usize) -> Result<Vec<u8>, String> {
    let io = |error: std::io::Error| io_message(&error);
    let mut body = Vec::new();
    loop {
        let Some((size_line, _, number, _)) = lines.next().map_err(io)? else {
            return Err("the capture ends inside a chunked body".into());
        };
        let mut with_ending = size_line;
        with_ending.extend_from_slice(b"\r\n");
        let size = match httparse::parse_chunk_size(&with_ending) {
            Ok(httparse::Status::Complete((_, size))) => size,
            _ => return Err(format!("line {number}: malformed chunk size")),
        };
        if size == 0 {
            // Trailer fields, up to the blank line that ends the message.
            while let Some((text, ..)) = lines.next().map_err(io)? {
                if text.is_empty() {
                    break;
                }
            }
            return Ok(body);
        }
        let taken = capped::read_exact_capped(&mut lines.reader, size, max_bytes).map_err(io)?;
        if taken.consumed < size {
            return Err("the capture ends inside a chunk".into());
        }
        lines.offset += taken.consumed;
        lines.line += taken.newlines;
        body.extend_from_slice(&taken.body);
        body.truncate(max_bytes.saturating_add(1));
        // The chunk's own line ending.
        lines.next().map_err(io)?;
    }
}
