//! Positions in a body: byte offset, line and column, whichever the caller has.

use std::fmt;

use serde::Serialize;

/// A position in a body. Lines and columns start at 1; columns count bytes (as serde_json and
/// most compilers do), so they are exact for any text, ASCII or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Position {
    /// Byte offset from the start of the body (0-based).
    pub offset: usize,
    /// Line number (1-based).
    pub line: usize,
    /// Byte column within the line (1-based).
    pub column: usize,
}

impl Position {
    /// The position of byte `offset` in `body`.
    pub fn at_offset(body: &[u8], offset: usize) -> Position {
        let before = body.get(..offset).unwrap_or(body);
        let line = 1 + before.iter().filter(|&&byte| byte == b'\n').count();
        let line_start = before
            .iter()
            .rposition(|&byte| byte == b'\n')
            .map_or(0, |newline| newline + 1);
        Position {
            offset,
            line,
            column: offset - line_start + 1,
        }
    }

    /// The position at `line` and `column` (1-based, as serde_json reports them) in `body`.
    pub fn at_line_column(body: &[u8], line: usize, column: usize) -> Position {
        let line_start = if line <= 1 {
            0
        } else {
            body.iter()
                .enumerate()
                .filter(|(_, byte)| **byte == b'\n')
                .nth(line - 2)
                .map_or(body.len(), |(newline, _)| newline + 1)
        };
        let offset = (line_start + column.saturating_sub(1)).min(body.len());
        Position {
            offset,
            line: line.max(1),
            column: column.max(1),
        }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {} column {} (byte {})",
            self.line, self.column, self.offset
        )
    }
}
