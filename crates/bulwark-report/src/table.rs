use std::fmt::Write as _;

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use bulwark_core::{Finding, InputError, Location, Report, Severity, SourceFile, Suppression};

use crate::source::{SourceLookup, byte_offset, line_bounds};

/// How [`render_table`] draws its output.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TableOptions {
    /// Emit ANSI colours. The binary sets this only when the output is a terminal.
    pub color: bool,
    /// Show suppressed findings too (marked as such); they are always counted in the summary.
    pub show_suppressed: bool,
}

/// Renders `report` for people: each finding as an annotated snippet of its file (grouped by
/// file, in position order), then the input errors, then one summary line.
///
/// ```text
/// error[KUB012]: container `web` may run as root
///   --> deploy/web.yaml:14:9
///    |
/// 14 |         securityContext: {}
///    |         ^^^^^^^^^^^^^^^ `runAsNonRoot` is not set
///    = help: set `securityContext.runAsNonRoot: true` and a non-zero `runAsUser`
///    = note: high severity in `Deployment/default/web`, container `web`
///    = see: bulwark rules KUB012
/// ```
pub fn render_table(
    report: &Report,
    sources: &(impl SourceLookup + ?Sized),
    opts: &TableOptions,
) -> String {
    let renderer = if opts.color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for finding in report.findings() {
        if finding.is_suppressed() && !opts.show_suppressed {
            continue;
        }
        out.push_str(&render_finding(&renderer, finding, sources));
        out.push_str("\n\n");
    }
    let mut any_error = false;
    for error in report.errors() {
        out.push_str(&render_input_error(&renderer, error));
        out.push('\n');
        any_error = true;
    }
    if any_error {
        out.push('\n');
    }
    out.push_str(&summary_line(report));
    out.push('\n');
    out
}

fn level(severity: Severity) -> Level<'static> {
    match severity {
        Severity::Critical | Severity::High => Level::ERROR,
        Severity::Medium | Severity::Low => Level::WARNING,
        Severity::Info => Level::INFO,
    }
}

/// The annotations of one file in one diagnostic.
struct FileMarks<'f> {
    path: &'f str,
    /// (location, label text, is primary)
    marks: Vec<(&'f Location, Option<&'f str>, bool)>,
}

fn render_finding(
    renderer: &Renderer,
    finding: &Finding,
    sources: &(impl SourceLookup + ?Sized),
) -> String {
    // Primary file first, then the files of secondary labels in the order they appear.
    let mut files: Vec<FileMarks<'_>> = vec![FileMarks {
        path: &finding.location.path,
        marks: vec![(&finding.location, finding.label.as_deref(), true)],
    }];
    for label in &finding.labels {
        let mark = (&label.location, Some(label.message.as_str()), false);
        match files.iter_mut().find(|f| f.path == label.location.path) {
            Some(f) => f.marks.push(mark),
            None => files.push(FileMarks {
                path: &label.location.path,
                marks: vec![mark],
            }),
        }
    }

    let mut group = Group::with_title(
        level(finding.severity)
            .primary_title(finding.message.as_str())
            .id(finding.rule.as_str()),
    );
    // Notes for what could not be drawn under a snippet (the file's text is not available).
    let mut notes: Vec<String> = Vec::new();
    for file in &files {
        match sources.source(file.path) {
            Some(source) => group = group.element(snippet(source, file)),
            None => {
                for (loc, label, primary) in &file.marks {
                    if *primary {
                        group = group.element(
                            Origin::path(loc.path.as_str())
                                .line(loc.start_line as usize)
                                .char_column(loc.start_column as usize),
                        );
                        if let Some(label) = label {
                            notes.push((*label).to_owned());
                        }
                    } else {
                        notes.push(format!(
                            "{}:{}:{}: {}",
                            loc.path,
                            loc.start_line,
                            loc.start_column,
                            label.unwrap_or_default()
                        ));
                    }
                }
            }
        }
    }
    for note in notes {
        group = group.element(Level::NOTE.message(note));
    }
    if let Some(help) = &finding.help {
        group = group.element(Level::HELP.message(help.as_str()));
    }
    group = group.element(Level::NOTE.message(severity_note(finding)));
    if let Some(suppression) = &finding.suppressed {
        group = group.element(
            Level::NOTE
                .with_name("suppressed")
                .message(suppression_text(suppression)),
        );
    }
    group = group.element(
        Level::NOTE
            .with_name("see")
            .message(format!("bulwark rules {}", finding.rule)),
    );
    renderer.render(&[group])
}

/// `high severity in `Deployment/default/web`, container `web``.
fn severity_note(finding: &Finding) -> String {
    let mut s = format!("{} severity", finding.severity);
    if let Some(resource) = &finding.resource {
        let _ = write!(s, " in `{}`", resource.display());
        if let Some(container) = &resource.container {
            let _ = write!(s, ", container `{container}`");
        }
    }
    s
}

/// `by an inline comment until 2030-01-01: needed by the CNI`.
pub(crate) fn suppression_text(s: &Suppression) -> String {
    let by = match s.kind {
        bulwark_core::SuppressionKind::Inline => "by an inline comment",
        bulwark_core::SuppressionKind::Annotation => "by an annotation",
        bulwark_core::SuppressionKind::Config => "by the configuration",
        bulwark_core::SuppressionKind::Vex => "by a VEX statement",
    };
    let mut out = by.to_owned();
    if let Some(loc) = &s.location {
        let _ = write!(out, " at {}:{}", loc.path, loc.start_line);
    }
    if let Some(until) = &s.expires {
        let _ = write!(out, " until {until}");
    }
    if !s.reason.is_empty() {
        let _ = write!(out, ": {}", s.reason);
    }
    out
}

/// A snippet of `source` covering every line marked in `file`.
fn snippet<'a>(
    source: &'a SourceFile,
    file: &FileMarks<'a>,
) -> Snippet<'a, annotate_snippets::Annotation<'a>> {
    let ranges: Vec<(std::ops::Range<usize>, Option<&'a str>, bool)> = file
        .marks
        .iter()
        .map(|(loc, label, primary)| (byte_range(source, loc), *label, *primary))
        .collect();
    let text = source.text();
    let start = ranges.iter().map(|(r, _, _)| r.start).min().unwrap_or(0);
    let end = ranges.iter().map(|(r, _, _)| r.end).max().unwrap_or(0);
    // Widen to whole lines.
    let slice_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let slice_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    let first_line = source.position(slice_start).0 as usize;
    let mut snippet = Snippet::source(&text[slice_start..slice_end])
        .line_start(first_line)
        .path(file.path);
    for (range, label, primary) in ranges {
        let kind = if primary {
            AnnotationKind::Primary
        } else {
            AnnotationKind::Context
        };
        snippet = snippet.annotation(
            kind.span(range.start - slice_start..range.end - slice_start)
                .label(label),
        );
    }
    snippet
}

/// The byte range a location covers in `source`, computed from its lines and columns (byte
/// offsets are not part of the JSON report, so they may be missing).
fn byte_range(source: &SourceFile, loc: &Location) -> std::ops::Range<usize> {
    let start = byte_offset(source, loc.start_line.max(1), loc.start_column.max(1));
    let mut end = byte_offset(source, loc.end_line.max(1), loc.end_column.max(1));
    // A span that ends at the start of a line ends with the line before it.
    if loc.end_column <= 1
        && loc.end_line > loc.start_line
        && let Some((line_start, _)) = line_bounds(source, loc.end_line)
    {
        end = line_start.saturating_sub(1).max(start);
        if source.text()[..end].ends_with('\r') {
            end -= 1;
        }
    }
    start..end.max(start)
}

fn render_input_error(renderer: &Renderer, error: &InputError) -> String {
    renderer.render(&[Group::with_title(
        Level::ERROR.primary_title(input_error_text(error)),
    )])
}

/// `path:line:col: message` (line and column when known).
pub(crate) fn input_error_text(error: &InputError) -> String {
    let mut s = error.path.clone();
    if let Some(line) = error.line {
        let _ = write!(s, ":{line}");
        if let Some(col) = error.column {
            let _ = write!(s, ":{col}");
        }
    }
    let _ = write!(s, ": {}", error.message);
    s
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// `12 findings (3 high, 9 low), 2 suppressed, 1 input error in 40 files`.
fn summary_line(report: &Report) -> String {
    let s = &report.summary;
    let mut out = if s.findings == 0 {
        "no findings".to_owned()
    } else {
        let by: Vec<String> = Severity::ALL
            .iter()
            .rev()
            .filter_map(|sev| {
                s.by_severity
                    .get(sev)
                    .filter(|n| **n > 0)
                    .map(|n| format!("{n} {sev}"))
            })
            .collect();
        format!(
            "{} ({})",
            plural(s.findings, "finding", "findings"),
            by.join(", ")
        )
    };
    if s.suppressed > 0 {
        let _ = write!(out, ", {} suppressed", s.suppressed);
    }
    if s.errors > 0 {
        let _ = write!(out, ", {}", plural(s.errors, "input error", "input errors"));
    }
    let _ = write!(out, " in {}", plural(report.targets.len(), "file", "files"));
    out
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use bulwark_core::{RuleFamily, RuleMeta, Span, TargetKind, TargetReport};

    use super::*;

    const META: RuleMeta = RuleMeta {
        code: "KUB999",
        name: "test-rule",
        family: RuleFamily::Kubernetes,
        severity: Severity::Low,
        summary: "test",
        help: "",
        aliases: &[],
        compliance: &[],
        docs: "",
    };

    fn render_at(text: &str, start: (u32, u32), end: (u32, u32)) -> String {
        let span = Span {
            start: 0,
            end: 0,
            start_line: start.0,
            start_column: start.1,
            end_line: end.0,
            end_column: end.1,
        };
        let finding = Finding::new(&META, "x", Location::new("a.yaml", span)).with_label("here");
        let report = Report::new(vec![TargetReport {
            path: "a.yaml".into(),
            kind: TargetKind::Kubernetes,
            findings: vec![finding],
            errors: vec![],
        }]);
        let sources: HashMap<String, SourceFile> =
            [("a.yaml".to_owned(), SourceFile::new("a.yaml", text))].into();
        render_table(&report, &sources, &TableOptions::default())
    }

    #[test]
    fn odd_locations_render_without_panicking() {
        // empty file, span past the end, inverted span, CRLF, span ending at a line start
        for (text, start, end) in [
            ("", (1, 1), (1, 1)),
            ("a: 1\n", (9, 4), (12, 1)),
            ("a: 1\nb: 2\n", (2, 3), (1, 1)),
            ("a: 1\r\nb: ü\r\n", (2, 4), (3, 1)),
            ("a:\n  b: 1\nc: 2\n", (1, 1), (3, 1)),
        ] {
            let out = render_at(text, start, end);
            assert!(out.contains("warning[KUB999]: x"), "{out}");
        }
    }

    #[test]
    fn span_ending_at_a_line_start_stays_on_its_lines() {
        let out = render_at("a:\n  b: 1\nc: 2\n", (1, 1), (3, 1));
        assert!(!out.contains("c: 2"), "{out}");
        assert!(out.contains("b: 1"), "{out}");
    }
}
