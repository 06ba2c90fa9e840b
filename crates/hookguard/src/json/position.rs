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

    /// A position known only by its offset, until [`Position::resolve_all`] gives it its line
    /// and column (line 0 marks it: lines start at 1).
    pub(crate) fn unresolved(offset: usize) -> Position {
        Position {
            offset,
            line: 0,
            column: 0,
        }
    }

    /// Gives every position made by [`Position::unresolved`] its line and column, in one pass
    /// over the body however many there are.
    pub(crate) fn resolve_all<'p>(
        body: &[u8],
        positions: impl IntoIterator<Item = &'p mut Position>,
    ) {
        let mut unresolved: Vec<&mut Position> = positions
            .into_iter()
            .filter(|position| position.line == 0)
            .collect();
        let offsets: Vec<usize> = unresolved.iter().map(|position| position.offset).collect();
        for (position, resolved) in unresolved
            .iter_mut()
            .zip(Position::at_offsets(body, &offsets))
        {
            **position = resolved;
        }
    }

    /// The positions of several offsets, in one pass over the body (in the order given).
    pub(crate) fn at_offsets(body: &[u8], offsets: &[usize]) -> Vec<Position> {
        let mut order: Vec<usize> = (0..offsets.len()).collect();
        crate::order::sort_by(&mut order, |&a, &b| {
            let offset = |index: usize| offsets.get(index).copied().unwrap_or(0);
            offset(a).cmp(&offset(b))
        });
        let mut positions = vec![
            Position {
                offset: 0,
                line: 1,
                column: 1
            };
            offsets.len()
        ];
        let (mut scanned, mut line, mut line_start) = (0usize, 1usize, 0usize);
        for index in order {
            let offset = offsets.get(index).copied().unwrap_or(0).min(body.len());
            let between = body.get(scanned..offset).unwrap_or_default();
            for (at, _) in between
                .iter()
                .enumerate()
                .filter(|(_, byte)| **byte == b'\n')
            {
                line += 1;
                line_start = scanned + at + 1;
            }
            scanned = scanned.max(offset);
            if let Some(position) = positions.get_mut(index) {
                *position = Position {
                    offset,
                    line,
                    column: offset - line_start + 1,
                };
            }
        }
        positions
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

#[cfg(test)]
mod tests {
    use super::Position;

    #[test]
    fn many_offsets_in_one_pass_agree_with_one_at_a_time() {
        let body = b"{\n  \"a\": 1,\n\n  \"b\": [2, 3]\n}";
        let offsets = [20, 0, 7, 7, 14, body.len(), 2];
        let together = Position::at_offsets(body, &offsets);
        let alone: Vec<Position> = offsets
            .iter()
            .map(|&offset| Position::at_offset(body, offset))
            .collect();
        assert_eq!(together, alone);
    }
}
