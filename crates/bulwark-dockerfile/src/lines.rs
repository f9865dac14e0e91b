//! Physical lines and logical lines (continuations joined) with a map back to the file.

use bulwark_core::{SourceFile, Span};

/// One line of the file: `start..content_end` is its text without the line break,
/// `next` the offset of the following line.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PhysLine {
    pub start: usize,
    pub content_end: usize,
    pub next: usize,
}

pub(crate) fn physical_lines(text: &str) -> Vec<PhysLine> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut start = 0;
    while start < bytes.len() {
        let (line_end, next) = match memchr_newline(&bytes[start..]) {
            Some(i) => (start + i, start + i + 1),
            None => (bytes.len(), bytes.len()),
        };
        // BuildKit trims every trailing \r and \n.
        let mut content_end = line_end;
        while content_end > start && bytes[content_end - 1] == b'\r' {
            content_end -= 1;
        }
        out.push(PhysLine {
            start,
            content_end,
            next,
        });
        start = next;
    }
    out
}

fn memchr_newline(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == b'\n')
}

/// A logical line: pieces of physical lines joined, with where each piece came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Logical {
    pub text: String,
    /// (logical start, file start) of each piece, in order.
    segs: Vec<(usize, usize)>,
}

impl Logical {
    pub fn push(&mut self, piece: &str, file_start: usize) {
        if piece.is_empty() {
            return;
        }
        self.segs.push((self.text.len(), file_start));
        self.text.push_str(piece);
    }

    /// File offset of logical offset `l` (for `l == len`, just after the last piece).
    pub fn file_offset(&self, l: usize) -> usize {
        if self.segs.is_empty() {
            return 0;
        }
        let idx = match self.segs.binary_search_by(|s| s.0.cmp(&l)) {
            Ok(i) => i,
            Err(0) => 0,
            Err(i) => i - 1,
        };
        let (ls, fs) = self.segs[idx];
        fs + l.saturating_sub(ls)
    }

    /// File byte range of the logical range `a..b`.
    pub fn file_range(&self, a: usize, b: usize) -> (usize, usize) {
        let start = self.file_offset(a);
        if b <= a {
            return (start, start);
        }
        let end = self.file_offset(b - 1) + 1;
        (start, end.max(start))
    }

    pub fn span(&self, file: &SourceFile, a: usize, b: usize) -> Span {
        let (s, e) = self.file_range(a, b);
        file.span(s, e)
    }
}

/// Go's `unicode.IsSpace`.
pub(crate) fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// The `[\t\v\f\r ]` class BuildKit splits words on.
pub(crate) fn is_split_space(c: char) -> bool {
    matches!(c, '\t' | '\u{0b}' | '\u{0c}' | '\r' | ' ')
}
