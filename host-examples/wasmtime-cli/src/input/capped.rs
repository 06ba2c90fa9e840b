//! Reading with a ceiling: a body is kept up to `max_bytes + 1` bytes and the rest is skipped,
//! so a multi-gigabyte line or file costs time, not memory. One byte past the limit is enough
//! for the module to refuse the body as too large, with the same verdict as the whole body.

use std::io::{self, BufRead, Read};

/// Reads the rest of `reader`, keeping at most `max_bytes + 1` bytes.
pub fn read_to_end(reader: &mut impl BufRead, max_bytes: usize) -> io::Result<Vec<u8>> {
    let keep = max_bytes.saturating_add(1) as u64;
    let mut body = Vec::new();
    reader.by_ref().take(keep).read_to_end(&mut body)?;
    io::copy(reader, &mut io::sink())?;
    Ok(body)
}

/// What [`read_exact_capped`] took from a reader.
pub struct Taken {
    /// The bytes kept (at most `max_bytes + 1`).
    pub body: Vec<u8>,
    /// How many bytes were consumed (less than asked only at the end of input).
    pub consumed: u64,
    /// How many newlines the consumed bytes held, kept or not (to keep line numbers right).
    pub newlines: u64,
}

/// Reads exactly `len` bytes (or to the end, if shorter), keeping at most `max_bytes + 1`.
pub fn read_exact_capped(
    reader: &mut impl BufRead,
    len: u64,
    max_bytes: usize,
) -> io::Result<Taken> {
    let keep = len.min(max_bytes.saturating_add(1) as u64);
    let mut body = Vec::new();
    let kept = reader.by_ref().take(keep).read_to_end(&mut body)? as u64;
    let mut rest = NewlineCounter(0);
    let skipped = io::copy(&mut reader.take(len - kept), &mut rest)?;
    let newlines = memchr::memchr_iter(b'\n', &body).count() as u64 + rest.0;
    Ok(Taken {
        body,
        consumed: kept + skipped,
        newlines,
    })
}

/// A sink that only counts newlines.
struct NewlineCounter(u64);

impl io::Write for NewlineCounter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0 += memchr::memchr_iter(b'\n', buf).count() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Reads one line (without its `\n`) into `line`, keeping at most `max_bytes + 1` bytes of
/// it. Returns the number of bytes consumed including the newline; 0 at the end of input.
pub fn read_line(
    reader: &mut impl BufRead,
    line: &mut Vec<u8>,
    max_bytes: usize,
) -> io::Result<u64> {
    line.clear();
    let keep = max_bytes.saturating_add(1);
    let mut consumed = 0u64;
    loop {
        let available = match reader.fill_buf() {
            Ok(available) => available,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        if available.is_empty() {
            return Ok(consumed);
        }
        let (chunk, found_newline) = match memchr::memchr(b'\n', available) {
            Some(newline) => (available.get(..newline).unwrap_or_default(), true),
            None => (available, false),
        };
        let room = keep.saturating_sub(line.len());
        line.extend_from_slice(chunk.get(..chunk.len().min(room)).unwrap_or_default());
        let used = chunk.len() + usize::from(found_newline);
        reader.consume(used);
        consumed += used as u64;
        if found_newline {
            return Ok(consumed);
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::io::BufReader;

    use super::*;

    #[test]
    fn lines_are_cut_one_byte_past_the_limit_and_fully_consumed() {
        let input = b"abcdefgh\nxy\n\nlast";
        let mut reader = BufReader::with_capacity(3, &input[..]);
        let mut line = Vec::new();
        assert_eq!(read_line(&mut reader, &mut line, 4).unwrap(), 9);
        assert_eq!(line, b"abcde");
        assert_eq!(read_line(&mut reader, &mut line, 4).unwrap(), 3);
        assert_eq!(line, b"xy");
        assert_eq!(read_line(&mut reader, &mut line, 4).unwrap(), 1);
        assert_eq!(line, b"");
        assert_eq!(read_line(&mut reader, &mut line, 4).unwrap(), 4);
        assert_eq!(line, b"last");
        assert_eq!(read_line(&mut reader, &mut line, 4).unwrap(), 0);
    }

    #[test]
    fn whole_reads_keep_the_limit_plus_one() {
        let mut reader = BufReader::new(&b"0123456789"[..]);
        assert_eq!(read_to_end(&mut reader, 3).unwrap(), b"0123");
        let mut reader = BufReader::new(&b"01\n3456\n89rest"[..]);
        let taken = read_exact_capped(&mut reader, 10, 3).unwrap();
        assert_eq!(taken.body, b"01\n3");
        assert_eq!((taken.consumed, taken.newlines), (10, 2));
        let mut rest = String::new();
        reader.read_to_string(&mut rest).unwrap();
        assert_eq!(rest, "rest");
    }
}
