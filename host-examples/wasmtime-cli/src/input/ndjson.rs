//! NDJSON / JSON Lines: one payload per line. Blank lines are skipped; a line that is not JSON
//! is still a payload (the module reports where it breaks) and the run goes on.

use std::io::BufRead;
use std::sync::Arc;

use super::{InputProblem, Item, Origin, Payload, ReadOptions, capped, io_message};

pub fn read(
    label: Arc<str>,
    mut reader: impl BufRead,
    options: &ReadOptions,
    sink: &mut dyn FnMut(Item) -> bool,
) -> bool {
    let mut line = Vec::new();
    let mut offset = 0u64;
    let mut line_number = 0u64;
    loop {
        line_number += 1;
        let consumed = match capped::read_line(&mut reader, &mut line, options.max_bytes) {
            Ok(0) => return true,
            Ok(consumed) => consumed,
            Err(error) => {
                return sink(Item::Problem(InputProblem {
                    source: format!("{label}:{line_number}"),
                    message: io_message(&error),
                }));
            }
        };
        let line_start = offset;
        offset += consumed;
        // CRLF files: the carriage return belongs to the line ending, not the payload.
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        if line.trim_ascii().is_empty() {
            continue;
        }
        let payload = Payload {
            file: Arc::clone(&label),
            source: Arc::from(format!("{label}:{line_number}")),
            request: None,
            origin: Some(Origin {
                offset: line_start,
                line: line_number,
            }),
            body: std::mem::take(&mut line),
        };
        if !sink(Item::Payload(payload)) {
            return false;
        }
    }
}
