//! Applying suppressions to findings: inline `# bulwark:ignore` comments, the
//! `ignore.bulwark.dev/<rule>` annotation, and `ignore` entries of the configuration.
//!
//! A trailing comment covers findings on its line. A comment on a line of its own covers the
//! YAML node that starts on the next line (a field with everything under it, a list item, or
//! the whole object when it starts there). A suppression needs a reason and may carry an
//! expiry date (`until=YYYY-MM-DD`); one without a reason or past its date is not honoured
//! and is reported itself.

use bulwark_core::{
    Finding, Location, SourceFile, Suppression, SuppressionKind, parse_inline_suppressions,
};
use bulwark_k8s::K8sObject;
use bulwark_yaml::{Document, Node, NodeKind};

use crate::Config;
use crate::engine::{EXPIRED_SUPPRESSION, SUPPRESSION_WITHOUT_REASON};

/// Annotation prefix: `ignore.bulwark.dev/<code or name>: "<reason> [until=YYYY-MM-DD]"`.
pub const ANNOTATION_PREFIX: &str = "ignore.bulwark.dev/";

/// Line ranges of the nodes that start on each line.
fn node_extent_from(docs: &[Document], line: u32) -> Option<u32> {
    fn walk(n: &Node, line: u32, best: &mut Option<u32>) {
        if n.span.start_line > line || n.span.end_line < line {
            return;
        }
        if n.span.start_line == line {
            *best = Some(best.map_or(n.span.end_line, |b| b.max(n.span.end_line)));
        }
        match &n.kind {
            NodeKind::Scalar(_) => {}
            NodeKind::Sequence(items) => items.iter().for_each(|i| walk(i, line, best)),
            NodeKind::Mapping(entries) => {
                for e in entries {
                    if e.key.span.start_line == line {
                        let end = e.value.span.end_line.max(e.key.span.end_line);
                        *best = Some(best.map_or(end, |b| b.max(end)));
                    }
                    walk(&e.value, line, best);
                }
            }
        }
    }
    let mut best = None;
    for d in docs {
        walk(&d.root, line, &mut best);
    }
    best
}

/// The first line after `line` that is neither blank, a comment nor a document marker.
fn next_content_line(file: &SourceFile, line: u32) -> Option<u32> {
    (line + 1..=file.line_count() as u32).find(|&l| {
        let t = file.line(l).unwrap_or_default().trim();
        !(t.is_empty() || t.starts_with('#') || t == "---" || t.starts_with("--- "))
    })
}

fn today_string(today: jiff::civil::Date) -> String {
    today.to_string()
}

/// Findings about the `# bulwark:ignore` comments of `file` that are not honoured: without a
/// reason (`CFG001`) or past their `until=` date (`CFG002`).
pub fn unusable_suppressions(file: &SourceFile, today: jiff::civil::Date) -> Vec<Finding> {
    let mut out = Vec::new();
    for s in parse_inline_suppressions(file.text()) {
        let loc = Location::new(file.path(), file.span(s.start, s.end));
        if s.reason.is_none() {
            out.push(
                Finding::new(
                    &SUPPRESSION_WITHOUT_REASON,
                    format!(
                        "`bulwark:ignore {}` has no reason, so it is not honoured",
                        s.selectors.join(",")
                    ),
                    loc,
                )
                .with_label("add the reason after the rule codes"),
            );
        } else if s.is_expired(today) {
            out.push(Finding::new(
                &EXPIRED_SUPPRESSION,
                format!(
                    "suppression of {} expired on {} (today is {})",
                    s.selectors.join(","),
                    s.until.as_deref().unwrap_or_default(),
                    today_string(today)
                ),
                loc,
            ));
        }
    }
    out
}

/// Applies the file's `# bulwark:ignore` comments. `extent` gives the lines an own-line
/// comment covers from the first content line after it. Returns findings about unusable
/// suppressions (no reason, expired).
fn apply_inline(
    file: &SourceFile,
    findings: &mut [Finding],
    today: jiff::civil::Date,
    extent: impl Fn(u32) -> Option<(u32, u32)>,
) -> Vec<Finding> {
    for s in parse_inline_suppressions(file.text()) {
        if s.reason.is_none() || s.is_expired(today) {
            continue;
        }
        let loc = Location::new(file.path(), file.span(s.start, s.end));
        let (from, to) = if s.own_line {
            match next_content_line(file, s.line).and_then(&extent) {
                Some(range) => range,
                None => continue,
            }
        } else {
            (s.line, s.line)
        };
        for f in findings.iter_mut() {
            if f.suppressed.is_none()
                && (from..=to).contains(&f.location.start_line)
                && s.selects(&f.rule, &f.name, &f.aliases)
            {
                f.suppressed = Some(Suppression {
                    kind: SuppressionKind::Inline,
                    reason: s.reason.clone().unwrap_or_default(),
                    expires: s.until.clone(),
                    location: Some(loc.clone()),
                });
            }
        }
    }
    unusable_suppressions(file, today)
}

/// Suppresses a finding by the `bulwark:ignore` comments of a file that fed it rather than
/// the file it was found in: a chart's template (`extent` from indentation) or values file
/// (`extent` from its YAML), at `line` of that file. A trailing comment covers its line; a
/// comment on a line of its own covers what `extent` gives for the next content line.
/// Comments without a reason or past their date are not honoured. Returns whether the
/// finding is now suppressed.
pub fn suppress_from_feeding_file(
    file: &SourceFile,
    line: u32,
    finding: &mut Finding,
    today: jiff::civil::Date,
    extent: impl Fn(u32) -> Option<(u32, u32)>,
) -> bool {
    if finding.suppressed.is_some() {
        return true;
    }
    for s in parse_inline_suppressions(file.text()) {
        if s.reason.is_none() || s.is_expired(today) {
            continue;
        }
        if !s.selects(&finding.rule, &finding.name, &finding.aliases) {
            continue;
        }
        let (from, to) = if s.own_line {
            match next_content_line(file, s.line).and_then(&extent) {
                Some(range) => range,
                None => continue,
            }
        } else {
            (s.line, s.line)
        };
        if (from..=to).contains(&line) {
            finding.suppressed = Some(Suppression {
                kind: SuppressionKind::Inline,
                reason: s.reason.clone().unwrap_or_default(),
                expires: s.until.clone(),
                location: Some(Location::new(file.path(), file.span(s.start, s.end))),
            });
            return true;
        }
    }
    false
}

/// The lines an own-line comment covers in a YAML file from its next content line `line`:
/// the node that starts there.
pub fn yaml_extent(docs: &[Document], line: u32) -> Option<(u32, u32)> {
    Some((line, node_extent_from(docs, line).unwrap_or(line)))
}

/// Marks findings of one Kubernetes file as suppressed and reports unusable suppressions.
pub(crate) fn apply(
    file: &SourceFile,
    docs: &[Document],
    objects: &[K8sObject<'_>],
    findings: &mut Vec<Finding>,
    config: &Config,
    today: jiff::civil::Date,
) {
    let mut extra = apply_inline(file, findings, today, |l| {
        Some((l, node_extent_from(docs, l).unwrap_or(l)))
    });
    // Annotations.
    for obj in objects {
        for (key, value) in obj.annotations() {
            let Some(selector) = key.strip_prefix(ANNOTATION_PREFIX) else {
                continue;
            };
            let text = value.scalar_text().unwrap_or_default();
            let loc = Location::new(file.path(), value.span);
            let (reason, until) = match text.rsplit_once("until=") {
                Some((r, u)) if u.trim().len() == 10 && !u.contains(' ') => {
                    (r.trim().to_owned(), Some(u.trim().to_owned()))
                }
                _ => (text.trim().to_owned(), None),
            };
            if reason.is_empty() {
                extra.push(Finding::new(
                    &SUPPRESSION_WITHOUT_REASON,
                    format!("annotation `{key}` has no reason, so it is not honoured"),
                    loc,
                ));
                continue;
            }
            if let Some(u) = &until {
                let expired = u.parse::<jiff::civil::Date>().map_or(true, |d| d < today);
                if expired {
                    extra.push(Finding::new(
                        &EXPIRED_SUPPRESSION,
                        format!("annotation `{key}` expired on {u}"),
                        loc,
                    ));
                    continue;
                }
            }
            let range = obj.node.span.start..=obj.node.span.end;
            for f in findings.iter_mut() {
                let selects = selector.eq_ignore_ascii_case("all")
                    || selector.eq_ignore_ascii_case(&f.rule)
                    || selector == f.name
                    || f.aliases.iter().any(|a| a.eq_ignore_ascii_case(selector));
                if f.suppressed.is_none() && selects && range.contains(&f.location.start_byte) {
                    f.suppressed = Some(Suppression {
                        kind: SuppressionKind::Annotation,
                        reason: reason.clone(),
                        expires: until.clone(),
                        location: Some(loc.clone()),
                    });
                }
            }
        }
    }
    apply_config(findings, config, today);
    findings.extend(extra);
}

/// Applies the configuration's path-scoped `ignore` entries.
pub fn apply_config(findings: &mut [Finding], config: &Config, today: jiff::civil::Date) {
    for ig in &config.ignores {
        if ig
            .until
            .as_deref()
            .and_then(|u| u.parse::<jiff::civil::Date>().ok())
            .is_some_and(|d| d < today)
        {
            continue;
        }
        for f in findings.iter_mut() {
            if f.suppressed.is_none()
                && ig.globs.is_match(&f.location.path)
                && (ig.rules.is_empty() || ig.rules.contains(&f.rule.as_str()))
            {
                f.suppressed = Some(Suppression {
                    kind: SuppressionKind::Config,
                    reason: ig.reason.clone(),
                    expires: ig.until.clone(),
                    location: None,
                });
            }
        }
    }
}

/// What a hadolint ignore pragma covers.
#[derive(Clone, Copy)]
enum PragmaScope {
    /// `# hadolint ignore=…`: the next instruction.
    NextInstruction,
    /// `# hadolint stage ignore=…`: the rest of the stage of the next instruction.
    Stage,
    /// `# hadolint global ignore=…`: the whole file.
    File,
}

/// Marks findings of one Dockerfile as suppressed: `# bulwark:ignore` comments (an own-line
/// comment covers the next instruction), hadolint's `# hadolint ignore=DL3008,DL3009`
/// (next instruction), `# hadolint stage ignore=…` (the rest of that instruction's stage) and
/// `# hadolint global ignore=…` (whole file) pragmas, and the configuration's path ignores.
pub(crate) fn apply_dockerfile(
    file: &SourceFile,
    dockerfile: &bulwark_dockerfile::Dockerfile,
    findings: &mut Vec<Finding>,
    config: &Config,
    today: jiff::civil::Date,
) {
    let instruction_at = |line: u32| {
        dockerfile
            .instructions
            .iter()
            .find(|i| i.start_line <= line && line <= i.end_line)
            .map(|i| (i.start_line, i.end_line))
    };
    let extra = apply_inline(file, findings, today, |l| {
        Some(instruction_at(l).unwrap_or((l, l)))
    });
    let mut offset = 0usize;
    for (idx, raw) in file.text().split_inclusive('\n').enumerate() {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let t = line.trim_start();
        let Some(rest) = t.strip_prefix('#') else {
            continue;
        };
        let rest = rest.trim_start();
        let Some(rest) = rest.strip_prefix("hadolint") else {
            continue;
        };
        let rest = rest.trim_start();
        let (scope, rest) = if let Some(r) = rest.strip_prefix("global") {
            (PragmaScope::File, r.trim_start())
        } else if let Some(r) = rest.strip_prefix("stage") {
            (PragmaScope::Stage, r.trim_start())
        } else {
            (PragmaScope::NextInstruction, rest)
        };
        // `ignore=DL3008`, also with blanks around `=` as hadolint allows.
        let Some(codes) = rest
            .strip_prefix("ignore")
            .and_then(|r| r.trim_start().strip_prefix('='))
        else {
            continue;
        };
        let codes: Vec<&str> = codes
            .split(|c: char| c == ',' || c.is_whitespace())
            .take_while(|c| !c.starts_with('#'))
            .filter(|c| !c.is_empty())
            .collect();
        let line_no = idx as u32 + 1;
        let range = match scope {
            PragmaScope::File => Some((1, u32::MAX)),
            PragmaScope::NextInstruction => {
                next_content_line(file, line_no).and_then(instruction_at)
            }
            // From the next instruction to the end of its stage.
            PragmaScope::Stage => next_content_line(file, line_no).and_then(|l| {
                let ins = dockerfile
                    .instructions
                    .iter()
                    .find(|i| i.start_line <= l && l <= i.end_line)?;
                let end = ins
                    .stage
                    .and_then(|s| dockerfile.stages.get(s))
                    .and_then(|s| s.instructions.last())
                    .and_then(|&i| dockerfile.instructions.get(i))
                    .map_or(ins.end_line, |last| last.end_line);
                Some((ins.start_line, end))
            }),
        };
        let Some((from, to)) = range else { continue };
        let loc = Location::new(file.path(), file.span(start, start + line.len()));
        for f in findings.iter_mut() {
            if f.suppressed.is_none()
                && (from..=to).contains(&f.location.start_line)
                && codes.iter().any(|c| {
                    c.eq_ignore_ascii_case(&f.rule)
                        || f.aliases.iter().any(|a| a.eq_ignore_ascii_case(c))
                })
            {
                f.suppressed = Some(Suppression {
                    kind: SuppressionKind::Inline,
                    reason: format!(
                        "hadolint {}ignore pragma",
                        match scope {
                            PragmaScope::File => "global ",
                            PragmaScope::Stage => "stage ",
                            PragmaScope::NextInstruction => "",
                        }
                    ),
                    expires: None,
                    location: Some(loc.clone()),
                });
            }
        }
    }
    apply_config(findings, config, today);
    findings.extend(extra);
}
