use std::collections::{BTreeMap, HashMap};

use bulwark_core::SourceFile;

/// Gives reporters the text of the files findings point into, by the path a
/// [`Location`](bulwark_core::Location) names. A file that is not available is rendered
/// without a snippet.
pub trait SourceLookup {
    fn source(&self, path: &str) -> Option<&SourceFile>;
}

/// A lookup that knows no file: findings are rendered without snippets.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoSources;

impl SourceLookup for NoSources {
    fn source(&self, _path: &str) -> Option<&SourceFile> {
        None
    }
}

impl<S: std::hash::BuildHasher> SourceLookup for HashMap<String, SourceFile, S> {
    fn source(&self, path: &str) -> Option<&SourceFile> {
        self.get(path)
    }
}

impl SourceLookup for BTreeMap<String, SourceFile> {
    fn source(&self, path: &str) -> Option<&SourceFile> {
        self.get(path)
    }
}

/// A list of files, searched by [`SourceFile::path`].
impl SourceLookup for [SourceFile] {
    fn source(&self, path: &str) -> Option<&SourceFile> {
        self.iter().find(|f| f.path() == path)
    }
}

impl SourceLookup for Vec<SourceFile> {
    fn source(&self, path: &str) -> Option<&SourceFile> {
        self.as_slice().source(path)
    }
}

impl<T: SourceLookup + ?Sized> SourceLookup for &T {
    fn source(&self, path: &str) -> Option<&SourceFile> {
        (**self).source(path)
    }
}

/// Byte offset in `file`'s text of 1-based `line` and character `column`. A column past the
/// end of the line clamps to the line's end; a line past the end clamps to the text's end.
pub(crate) fn byte_offset(file: &SourceFile, line: u32, column: u32) -> usize {
    let text = file.text();
    let Some((start, line_text)) = line_bounds(file, line) else {
        return text.len();
    };
    let col = column.saturating_sub(1) as usize;
    start
        + line_text
            .char_indices()
            .nth(col)
            .map_or(line_text.len(), |(i, _)| i)
}

/// Byte offset where 1-based `line` starts, and its text without the line break.
pub(crate) fn line_bounds(file: &SourceFile, line: u32) -> Option<(usize, &str)> {
    let text = file.text();
    let line_text = file.line(line)?;
    // `SourceFile::line` returns a sub-slice of the text: its distance from the start of the
    // text is its byte offset.
    let start = (line_text.as_ptr() as usize).checked_sub(text.as_ptr() as usize)?;
    (text.get(start..start + line_text.len()) == Some(line_text)).then_some((start, line_text))
}

/// The flagged line's text with surrounding white space removed, or "" when unknown.
pub(crate) fn trimmed_line<'a>(
    sources: &'a (impl SourceLookup + ?Sized),
    path: &str,
    line: u32,
) -> &'a str {
    sources
        .source(path)
        .and_then(|f| f.line(line))
        .map_or("", str::trim)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_count_characters_and_clamp() {
        let f = SourceFile::new("a.yaml", "ab\nçd: x\nlast");
        assert_eq!(byte_offset(&f, 1, 1), 0);
        assert_eq!(byte_offset(&f, 2, 1), 3);
        // `d` follows the two-byte `ç`
        assert_eq!(byte_offset(&f, 2, 2), 5);
        // past the end of line 2: the line break
        assert_eq!(byte_offset(&f, 2, 40), 9);
        assert_eq!(byte_offset(&f, 3, 5), 14);
        assert_eq!(byte_offset(&f, 9, 1), 14);
    }
}
