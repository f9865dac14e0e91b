use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// A region of a source text: byte offsets plus 1-based line and column (columns count
/// characters, as editors do). `end` is exclusive; `end_line`/`end_column` name the position
/// just after the last character.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub start_line: u32,
    pub start_column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

impl Span {
    /// A span that covers both `self` and `other`.
    pub fn to(self, other: Span) -> Span {
        let (first, _) = if self.start <= other.start {
            (self, other)
        } else {
            (other, self)
        };
        let last = if self.end >= other.end { self } else { other };
        Span {
            start: first.start,
            start_line: first.start_line,
            start_column: first.start_column,
            end: last.end,
            end_line: last.end_line,
            end_column: last.end_column,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
}

/// A file as read from disk (or from an archive), kept for rendering snippets and for
/// computing positions from byte offsets.
#[derive(Debug, Clone)]
pub struct SourceFile {
    path: String,
    text: Arc<str>,
    line_starts: Arc<[usize]>,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        let text: Arc<str> = text.into();
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        SourceFile {
            path: path.into(),
            text,
            line_starts: starts.into(),
        }
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn shared_text(&self) -> Arc<str> {
        self.text.clone()
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The text of 1-based line `line`, without its line break.
    pub fn line(&self, line: u32) -> Option<&str> {
        let idx = (line as usize).checked_sub(1)?;
        let start = *self.line_starts.get(idx)?;
        let end = self
            .line_starts
            .get(idx + 1)
            .copied()
            .unwrap_or(self.text.len());
        let s = self.text.get(start..end)?;
        Some(s.trim_end_matches(['\n', '\r']))
    }

    /// 1-based line and character column of a byte offset (clamped to the text).
    pub fn position(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        let idx = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[idx];
        let col = self
            .text
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(offset - start);
        (idx as u32 + 1, col as u32 + 1)
    }

    /// The span of a byte range.
    pub fn span(&self, start: usize, end: usize) -> Span {
        let (start_line, start_column) = self.position(start);
        let (end_line, end_column) = self.position(end);
        Span {
            start,
            end,
            start_line,
            start_column,
            end_line,
            end_column,
        }
    }
}

/// Where a finding is: a file and a span in it. Serialised as the `location` object of
/// `bulwark.report/v1`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
pub struct Location {
    pub path: String,
    pub start_line: u32,
    pub start_column: u32,
    pub end_line: u32,
    pub end_column: u32,
    #[serde(skip)]
    pub start_byte: usize,
    #[serde(skip)]
    pub end_byte: usize,
}

impl Location {
    pub fn new(path: impl Into<String>, span: Span) -> Self {
        Location {
            path: path.into(),
            start_line: span.start_line,
            start_column: span.start_column,
            end_line: span.end_line,
            end_column: span.end_column,
            start_byte: span.start,
            end_byte: span.end,
        }
    }

    /// A location for a whole file, when nothing more precise is known.
    pub fn file(path: impl Into<String>) -> Self {
        Location {
            path: path.into(),
            start_line: 1,
            start_column: 1,
            end_line: 1,
            end_column: 1,
            start_byte: 0,
            end_byte: 0,
        }
    }

    pub fn span(&self) -> Span {
        Span {
            start: self.start_byte,
            end: self.end_byte,
            start_line: self.start_line,
            start_column: self.start_column,
            end_line: self.end_line,
            end_column: self.end_column,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_per_line() {
        let f = SourceFile::new("a.yaml", "ab\nçd: x\n");
        assert_eq!(f.position(0), (1, 1));
        assert_eq!(f.position(3), (2, 1));
        // 'ç' is two bytes: the `d` at byte 5 is column 2
        assert_eq!(f.position(5), (2, 2));
        assert_eq!(f.line(2), Some("çd: x"));
        assert_eq!(f.line(3), Some(""));
        assert_eq!(f.line(4), None);
    }
}
