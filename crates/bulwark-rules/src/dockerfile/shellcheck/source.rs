//! The script text of a RUN and where each of its bytes is in the Dockerfile.
//!
//! The Dockerfile parser joins a RUN's continuation lines (dropping the escape character
//! and line break, and comment and blank lines inside the continuation); the offsets of
//! the joined text are mapped back by walking the source alongside it.

use bulwark_core::{SourceFile, Span};
use bulwark_dockerfile::{CommandForm, Detail, Dockerfile, Instruction, InstructionKind};

/// A piece of shell script and the file offset of each of its bytes.
pub(crate) struct ScriptSource {
    pub text: String,
    offsets: Vec<usize>,
    file: SourceFile,
}

impl ScriptSource {
    /// The span in the Dockerfile of `text[start..end]`.
    pub fn span(&self, start: usize, end: usize) -> Span {
        let at = |i: usize| -> usize {
            self.offsets
                .get(i)
                .copied()
                .or_else(|| self.offsets.last().map(|o| o + 1))
                .unwrap_or(0)
        };
        let s = at(start);
        // The end of the last byte, so a span never runs over a dropped line break.
        let e = if end > start { at(end - 1) + 1 } else { s };
        self.file.span(s, e.max(s))
    }

    fn contiguous(text: &str, start: usize, file: &SourceFile) -> ScriptSource {
        ScriptSource {
            text: text.to_owned(),
            offsets: (start..start + text.len()).collect(),
            file: file.clone(),
        }
    }
}

/// Aligns `text` (the joined RUN line) with the source from `start`.
fn joined(text: &str, start: usize, escape: char, file: &SourceFile) -> ScriptSource {
    let src = file.text();
    let sb = src.as_bytes();
    let tb = text.as_bytes();
    let mut offsets = Vec::with_capacity(tb.len());
    let mut i = start;
    let mut j = 0;
    let esc = escape as u8;
    while j < tb.len() && i < sb.len() {
        // A continuation: escape, optional blanks, line break; then skip comment and blank
        // lines.
        if continuation_at(sb, i, esc) {
            i += 1;
            while i < sb.len() && (sb[i] == b' ' || sb[i] == b'\t' || sb[i] == b'\r') {
                i += 1;
            }
            i += 1; // the line break
            loop {
                let line_end = src
                    .get(i.min(src.len())..)
                    .and_then(|r| r.find('\n'))
                    .map_or(src.len(), |k| i + k);
                let line = src.get(i..line_end).unwrap_or("");
                let t = line.trim_start();
                if (t.is_empty() || t.starts_with('#')) && line_end < src.len() {
                    i = line_end + 1;
                } else {
                    break;
                }
            }
            continue;
        }
        if sb[i] == tb[j] {
            offsets.push(i);
            i += 1;
            j += 1;
        } else {
            i += 1;
        }
    }
    let last = offsets.last().copied().unwrap_or(start);
    while offsets.len() < tb.len() {
        offsets.push(last);
    }
    ScriptSource {
        text: text.to_owned(),
        offsets,
        file: file.clone(),
    }
}

fn continuation_at(sb: &[u8], i: usize, esc: u8) -> bool {
    if sb.get(i) != Some(&esc) {
        return false;
    }
    let mut k = i + 1;
    while k < sb.len() && (sb[k] == b' ' || sb[k] == b'\t' || sb[k] == b'\r') {
        k += 1;
    }
    sb.get(k) == Some(&b'\n')
}

fn is_shell_name(name: &str) -> bool {
    let base = name.rsplit('/').next().unwrap_or(name);
    matches!(base, "sh" | "bash" | "ash" | "dash" | "zsh" | "ksh")
}

/// The scripts of a shell-form RUN (or ONBUILD RUN trigger): the RUN line, then its
/// heredoc bodies when the line only feeds them to a shell (`RUN <<EOF`, `RUN bash <<EOF`).
pub(crate) fn run_sources(
    df: &Dockerfile,
    ins: &Instruction,
    file: &SourceFile,
) -> Vec<ScriptSource> {
    let ins = match ins.kind {
        InstructionKind::Onbuild => match ins.trigger() {
            Some(t) => t,
            None => return Vec::new(),
        },
        _ => ins,
    };
    let Detail::Run {
        command: CommandForm::Shell(text),
        ..
    } = &ins.detail
    else {
        return Vec::new();
    };
    let line = joined(&text.value, text.span.start, df.escape, file);
    let parsed = super::parse::parse(&line.text);
    let first_name = parsed
        .items
        .first()
        .and_then(|ao| ao.pipelines.first())
        .and_then(|p| p.commands.first())
        .and_then(|c| match &c.kind {
            super::parse::CommandKind::Simple { args, .. } => match args.first() {
                Some(super::parse::Arg::Word(w)) => Some(super::parse::literal_of(w)),
                _ => None,
            },
            _ => None,
        });
    let only_markers = first_name.is_none() || first_name.as_deref().is_some_and(is_shell_name);
    let mut out = vec![line];
    if only_markers {
        for h in &ins.heredocs {
            out.push(ScriptSource::contiguous(
                &h.content,
                h.content_span.start,
                file,
            ));
        }
    }
    out
}
