//! The line loop (directives, comments, continuations, heredocs) and the typed
//! instructions built from BuildKit's line-level AST.

use bulwark_core::{SourceFile, Span};

use crate::error::{ParseError, ParseErrorKind};
use crate::lines::{Logical, PhysLine, is_space, physical_lines};
use crate::model::*;
use crate::raw::{RawNode, heredoc_markers, node_from_line};

/// One instruction as the line loop found it.
pub(crate) struct RawInstruction {
    pub node: RawNode,
    pub logical: Logical,
    pub heredocs: Vec<Heredoc>,
    pub start_line: u32,
    pub end_line: u32,
    /// File offset just after the last line of the instruction (without line break).
    pub end: usize,
}

pub(crate) struct LineParse {
    pub directives: Vec<Directive>,
    pub escape: char,
    pub instructions: Vec<RawInstruction>,
    /// Errors of single instructions (the instruction is dropped, as BuildKit fails on it).
    pub errors: Vec<ParseError>,
    pub warnings: Vec<Warning>,
}

struct DirectiveState {
    done: bool,
    escape: char,
    seen: Vec<String>,
}

/// Match `#\s*name\s*=\s*value\s*` (BuildKit's directive regexp).
fn directive_match(line: &str) -> Option<(String, usize, usize)> {
    let rest = line.strip_prefix('#')?;
    let off = 1 + (rest.len() - rest.trim_start_matches(is_space).len());
    let body = &line[off..];
    let first = body.chars().next()?;
    if !first.is_ascii_alphabetic() {
        return None;
    }
    let name_len = body
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(body.len());
    let name = &body[..name_len];
    let after = body[name_len..].trim_start_matches(is_space);
    let after = after.strip_prefix('=')?;
    let value = after.trim_start_matches(is_space);
    let value_trimmed = value.trim_end_matches(is_space);
    if value_trimmed.is_empty() {
        return None;
    }
    let vstart = line.len() - value.len();
    Some((
        name.to_ascii_lowercase(),
        vstart,
        vstart + value_trimmed.len(),
    ))
}

fn is_comment(line: &str) -> bool {
    line.trim_start_matches(is_space).starts_with('#')
}

/// `trimContinuationCharacter`: the kept part and whether the line ends the instruction.
fn trim_continuation(line: &str, escape: char) -> (&str, bool) {
    let t = line.trim_end_matches([' ', '\t']);
    if let Some(before) = t.strip_suffix(escape)
        && (before.is_empty() || !before.ends_with(escape))
    {
        return (before, false);
    }
    (line, true)
}

pub(crate) fn parse_lines(text: &str, file: &SourceFile) -> Result<LineParse, ParseError> {
    let lines = physical_lines(text);
    let mut d = DirectiveState {
        done: false,
        escape: '\\',
        seen: Vec::new(),
    };
    let mut out = LineParse {
        directives: Vec::new(),
        escape: '\\',
        instructions: Vec::new(),
        errors: Vec::new(),
        warnings: Vec::new(),
    };
    let content = |l: &PhysLine| &text[l.start..l.content_end];
    let mut i = 0;
    while i < lines.len() {
        let pl = lines[i];
        let mut start = pl.start;
        if i == 0 && text[start..pl.content_end].starts_with('\u{feff}') {
            start += 3;
        }
        let raw = &text[start..pl.content_end];
        let trimmed = raw.trim_start_matches(is_space);
        let tstart = start + (raw.len() - trimmed.len());
        check_directive(&mut d, trimmed, tstart, file, &mut out.directives)?;
        let processed = if trimmed.starts_with('#') {
            ""
        } else {
            trimmed
        };
        i += 1;
        let start_line = i as u32;
        let (kept, mut end_of_line) = trim_continuation(processed, d.escape);
        if end_of_line && kept.is_empty() {
            continue;
        }
        let mut logical = Logical::default();
        logical.push(kept, tstart);
        let mut last_end = pl.content_end;
        let mut empty_continuation = false;
        while !end_of_line && i < lines.len() {
            let cl = lines[i];
            let craw = content(&cl);
            check_directive(&mut d, craw, cl.start, file, &mut out.directives)?;
            i += 1;
            if is_comment(craw) {
                continue;
            }
            if craw.trim_start_matches(is_space).is_empty() {
                empty_continuation = true;
                continue;
            }
            let (k, eol) = trim_continuation(craw, d.escape);
            logical.push(k, cl.start);
            end_of_line = eol;
            last_end = cl.content_end;
        }
        let end_line = i as u32;
        if empty_continuation {
            out.warnings.push(Warning {
                message: "empty continuation line".to_string(),
                span: file.span(tstart, last_end),
            });
        }
        let len = logical.text.len();
        let node = match node_from_line(&logical.text, (0, len), d.escape) {
            Ok(n) => n,
            Err((kind, (a, b))) => {
                let span = logical.span(file, a, b);
                out.errors.push(ParseError::new(span, kind));
                continue;
            }
        };
        let mut heredocs = Vec::new();
        let mut end = last_end;
        let mut end_line = end_line;
        if can_contain_heredoc(&node) {
            for m in heredoc_markers(&logical.text) {
                let mut terminated = false;
                let body_start = lines.get(i).map_or(text.len(), |l| l.start);
                let mut body_end = body_start;
                let mut term_span = file.span(text.len(), text.len());
                while i < lines.len() {
                    let hl = lines[i];
                    i += 1;
                    let mut candidate = content(&hl);
                    if m.chomp {
                        candidate = candidate.trim_start_matches('\t');
                    }
                    if candidate == m.name {
                        terminated = true;
                        term_span = file.span(hl.start, hl.content_end);
                        end = hl.content_end;
                        break;
                    }
                    body_end = hl.next;
                }
                end_line = i as u32;
                let marker_span = logical.span(file, m.range.0, m.range.1);
                if !terminated {
                    out.errors.push(ParseError::new(
                        marker_span,
                        ParseErrorKind::UnterminatedHeredoc {
                            name: m.name.clone(),
                            line: start_line,
                        },
                    ));
                    end = text.len();
                }
                heredocs.push(Heredoc {
                    name: m.name,
                    marker_span,
                    fd: m.fd,
                    expand: m.expand,
                    chomp: m.chomp,
                    content: text[body_start..body_end].to_string(),
                    content_span: file.span(body_start, body_end),
                    terminator_span: term_span,
                });
            }
        }
        out.instructions.push(RawInstruction {
            node,
            logical,
            heredocs,
            start_line,
            end_line,
            end,
        });
    }
    out.escape = d.escape;
    if out.instructions.is_empty() && out.errors.is_empty() {
        let end = text.len();
        return Err(ParseError::new(
            file.span(end, end),
            ParseErrorKind::NoInstructions,
        ));
    }
    Ok(out)
}

fn check_directive(
    d: &mut DirectiveState,
    line: &str,
    offset: usize,
    file: &SourceFile,
    directives: &mut Vec<Directive>,
) -> Result<(), ParseError> {
    if d.done {
        return Ok(());
    }
    let Some((name, vs, ve)) = directive_match(line) else {
        d.done = true;
        return Ok(());
    };
    if !matches!(name.as_str(), "escape" | "syntax" | "check") {
        d.done = true;
        return Ok(());
    }
    let span = file.span(offset, offset + line.len());
    if d.seen.contains(&name) {
        return Err(ParseError::new(
            span,
            ParseErrorKind::DuplicateDirective(name),
        ));
    }
    d.seen.push(name.clone());
    let value = line[vs..ve].to_string();
    if name == "escape" {
        match value.as_str() {
            "\\" => d.escape = '\\',
            "`" => d.escape = '`',
            _ => {
                return Err(ParseError::new(span, ParseErrorKind::InvalidEscape(value)));
            }
        }
    }
    directives.push(Directive {
        name,
        value,
        span,
        value_span: file.span(offset + vs, offset + ve),
    });
    Ok(())
}

fn can_contain_heredoc(node: &RawNode) -> bool {
    let mut n = node;
    if n.cmd.eq_ignore_ascii_case("onbuild")
        && let Some(sub) = &n.sub
    {
        n = sub;
    }
    let cmd = n.cmd.to_ascii_lowercase();
    matches!(cmd.as_str(), "add" | "copy" | "run") && !n.json
}

/// Builds typed instructions from raw nodes.
pub(crate) struct Builder<'a> {
    pub file: &'a SourceFile,
    pub errors: Vec<ParseError>,
}

impl Builder<'_> {
    fn sp(&self, logical: &Logical, r: (usize, usize)) -> Span {
        logical.span(self.file, r.0, r.1)
    }

    fn spanned(&self, logical: &Logical, (v, r): &(String, (usize, usize))) -> Spanned {
        Spanned {
            value: v.clone(),
            span: self.sp(logical, *r),
        }
    }

    fn err(&mut self, span: Span, kind: ParseErrorKind) {
        self.errors.push(ParseError::new(span, kind));
    }

    pub fn build(&mut self, raw: &RawInstruction, index: usize) -> Instruction {
        let file = self.file;
        let start = raw.logical.file_offset(raw.node.cmd_range.0);
        let span = file.span(start, raw.end.max(start));
        let mut ins = self.build_node(&raw.node, &raw.logical, &raw.heredocs, index, true);
        ins.span = span;
        ins.start_line = raw.start_line;
        ins.end_line = raw.end_line;
        ins
    }

    fn build_node(
        &mut self,
        node: &RawNode,
        logical: &Logical,
        heredocs: &[Heredoc],
        index: usize,
        top: bool,
    ) -> Instruction {
        let kind = InstructionKind::from_keyword(&node.cmd);
        let keyword_span = self.sp(logical, node.cmd_range);
        let args: Vec<Spanned> = node.args.iter().map(|a| self.spanned(logical, a)).collect();
        let rest = Spanned {
            value: logical.text[node.rest.0..node.rest.1].to_string(),
            span: self.sp(logical, node.rest),
        };
        let full = self.sp(
            logical,
            (node.cmd_range.0, node.rest.1.max(node.cmd_range.1)),
        );
        let flags = self.flags(node, logical, kind, &args);
        let mut ins = Instruction {
            kind,
            keyword: node.cmd.clone(),
            keyword_span,
            flags,
            args,
            json: node.json,
            rest,
            heredocs: if top { heredocs.to_vec() } else { Vec::new() },
            detail: Detail::None,
            span: full,
            start_line: full.start_line,
            end_line: full.end_line,
            stage: None,
            index,
            logical: std::sync::Arc::new(logical.clone()),
            rest_offset: node.rest.0,
        };
        ins.detail = self.detail(&ins, node, logical, heredocs, index);
        ins
    }

    fn flags(
        &mut self,
        node: &RawNode,
        logical: &Logical,
        kind: InstructionKind,
        args: &[Spanned],
    ) -> Vec<Flag> {
        let mut out: Vec<Flag> = Vec::new();
        for (word, r) in &node.flags {
            let span = self.sp(logical, *r);
            let body = word.strip_prefix("--").unwrap_or(word);
            let (name, value) = match body.split_once('=') {
                Some((n, v)) => (n.to_string(), Some(v.to_string())),
                None => (body.to_string(), None),
            };
            // Name and value positions: the raw text is `--name=value` possibly quoted.
            let raw = &logical.text[r.0..r.1];
            let (name_span, value_span) = match raw.find('=') {
                Some(eq) => (
                    self.sp(logical, (r.0, r.0 + eq)),
                    Some(self.sp(logical, (r.0 + eq + 1, r.1))),
                ),
                None => (span, None),
            };
            let spec = allowed_flag(kind, &name, args);
            match spec {
                None => self.err(
                    span,
                    ParseErrorKind::UnknownFlag {
                        flag: name.clone(),
                        instruction: kind.as_str(),
                    },
                ),
                Some(FlagType::Str) | Some(FlagType::Bool) => {
                    if out.iter().any(|f| f.name == name) {
                        self.err(span, ParseErrorKind::DuplicateFlag(name.clone()));
                    }
                    if spec == Some(FlagType::Str) && value.is_none() {
                        self.err(
                            span,
                            ParseErrorKind::InvalidFlagValue {
                                flag: name.clone(),
                                reason: "missing a value".to_string(),
                            },
                        );
                    }
                    if spec == Some(FlagType::Bool)
                        && let Some(v) = &value
                        && !matches!(v.to_ascii_lowercase().as_str(), "true" | "false")
                    {
                        self.err(
                            span,
                            ParseErrorKind::InvalidFlagValue {
                                flag: name.clone(),
                                reason: format!("expecting boolean value, got `{v}`"),
                            },
                        );
                    }
                }
                Some(FlagType::List) => {}
            }
            out.push(Flag {
                name,
                value,
                span,
                name_span,
                value_span,
            });
        }
        out
    }

    fn detail(
        &mut self,
        ins: &Instruction,
        node: &RawNode,
        logical: &Logical,
        heredocs: &[Heredoc],
        index: usize,
    ) -> Detail {
        let kw = ins.kind.as_str();
        let span = ins.span;
        let args = &ins.args;
        let flag_val = |n: &str| ins.flag(n).and_then(|f| f.value.clone());
        let flag_bool = |n: &str| {
            ins.flag(n).is_some_and(|f| {
                f.value
                    .as_deref()
                    .is_none_or(|v| v.eq_ignore_ascii_case("true"))
            })
        };
        let one = |b: &mut Self| -> Option<Spanned> {
            if args.len() != 1 {
                b.err(span, ParseErrorKind::ExactlyOneArgument(kw));
            }
            args.first().cloned()
        };
        match ins.kind {
            InstructionKind::From => {
                if args.is_empty() {
                    self.err(span, ParseErrorKind::FromRequiresImage);
                    return Detail::None;
                }
                let mut name = None;
                if args.len() == 3 && args[1].value.eq_ignore_ascii_case("as") {
                    let lower = args[2].value.to_ascii_lowercase();
                    if !valid_stage_name(&lower) {
                        self.err(
                            args[2].span,
                            ParseErrorKind::InvalidStageName(args[2].value.clone()),
                        );
                    }
                    name = Some(args[2].clone());
                } else if args.len() != 1 {
                    self.err(span, ParseErrorKind::FromArguments);
                }
                Detail::From {
                    image: args[0].clone(),
                    name,
                    platform: flag_val("platform"),
                }
            }
            InstructionKind::Run => {
                let mounts = ins
                    .flags
                    .iter()
                    .filter(|f| f.name == "mount")
                    .map(|f| parse_mount(f.value.as_deref().unwrap_or(""), f.span))
                    .collect();
                Detail::Run {
                    command: command_form(ins),
                    mounts,
                    network: flag_val("network"),
                    security: flag_val("security"),
                }
            }
            InstructionKind::Cmd => Detail::Cmd(command_form(ins)),
            InstructionKind::Entrypoint => Detail::Entrypoint(command_form(ins)),
            InstructionKind::Shell => {
                if !ins.json {
                    self.err(span, ParseErrorKind::ShellNotJson);
                } else if args.is_empty() {
                    self.err(span, ParseErrorKind::AtLeastOneArgument("SHELL"));
                }
                Detail::Shell(command_form(ins))
            }
            InstructionKind::Healthcheck => {
                let Some(typ) = args.first() else {
                    self.err(span, ParseErrorKind::AtLeastOneArgument("HEALTHCHECK"));
                    return Detail::Healthcheck(Healthcheck::Invalid);
                };
                match typ.value.to_ascii_uppercase().as_str() {
                    "NONE" => {
                        if args.len() > 1 {
                            self.err(span, ParseErrorKind::HealthcheckNoneArgs);
                        }
                        Detail::Healthcheck(Healthcheck::None)
                    }
                    "CMD" => {
                        let rest = &args[1..];
                        if rest.is_empty() {
                            self.err(span, ParseErrorKind::HealthcheckMissingCommand);
                        }
                        for f in &ins.flags {
                            if let Some(v) = &f.value {
                                check_health_flag(self, f, v);
                            }
                        }
                        let form = if ins.json {
                            CommandForm::Exec(rest.to_vec())
                        } else if let Some(first) = rest.first() {
                            CommandForm::Shell(first.clone())
                        } else {
                            CommandForm::Empty
                        };
                        Detail::Healthcheck(Healthcheck::Cmd(form))
                    }
                    other => {
                        self.err(typ.span, ParseErrorKind::HealthcheckType(other.to_string()));
                        Detail::Healthcheck(Healthcheck::Invalid)
                    }
                }
            }
            InstructionKind::Copy | InstructionKind::Add => {
                if args.len() < 2 {
                    self.err(span, ParseErrorKind::NoDestination(kw));
                }
                let (sources, dest) = match args.split_last() {
                    Some((d, s)) if !args.is_empty() && args.len() >= 2 => {
                        (s.to_vec(), Some(d.clone()))
                    }
                    _ => (args.to_vec(), None),
                };
                if let Some(d) = &dest
                    && !ins.json
                    && crate::raw::heredoc_marker(&d.value).is_some()
                {
                    self.err(
                        d.span,
                        ParseErrorKind::BadHeredoc {
                            instruction: kw,
                            what: "a destination",
                        },
                    );
                }
                let _ = heredocs;
                if ins.kind == InstructionKind::Copy {
                    Detail::Copy {
                        sources,
                        dest,
                        from: ins.flag("from").and_then(|f| {
                            Some(Spanned {
                                value: f.value.clone()?,
                                span: f.value_span.unwrap_or(f.span),
                            })
                        }),
                        chown: flag_val("chown"),
                        chmod: flag_val("chmod"),
                        link: flag_bool("link"),
                    }
                } else {
                    Detail::Add {
                        sources,
                        dest,
                        chown: flag_val("chown"),
                        chmod: flag_val("chmod"),
                        checksum: flag_val("checksum"),
                        link: flag_bool("link"),
                    }
                }
            }
            InstructionKind::Env | InstructionKind::Label => {
                if args.is_empty() {
                    self.err(span, ParseErrorKind::AtLeastOneArgument(kw));
                }
                let mut kvs = Vec::new();
                for t in args.chunks(3) {
                    if let [k, v, sep] = t {
                        if k.value.is_empty() {
                            self.err(k.span, ParseErrorKind::BlankName(kw));
                        }
                        kvs.push(KeyValue {
                            key: k.clone(),
                            value: v.clone(),
                            uses_equals: sep.value == "=",
                        });
                    }
                }
                if ins.kind == InstructionKind::Env {
                    Detail::Env(kvs)
                } else {
                    Detail::Label(kvs)
                }
            }
            InstructionKind::Arg => {
                if args.is_empty() {
                    self.err(span, ParseErrorKind::AtLeastOneArgument("ARG"));
                }
                let decls = node
                    .args
                    .iter()
                    .map(|(w, r)| match w.find('=') {
                        Some(eq) => ArgDecl {
                            name: Spanned {
                                value: w[..eq].to_string(),
                                span: self.sp(logical, (r.0, r.0 + eq)),
                            },
                            default: Some(Spanned {
                                value: w[eq + 1..].to_string(),
                                span: self.sp(logical, (r.0 + eq + 1, r.1)),
                            }),
                        },
                        None => ArgDecl {
                            name: self.spanned(logical, &(w.clone(), *r)),
                            default: None,
                        },
                    })
                    .collect::<Vec<_>>();
                for d in &decls {
                    if d.name.value.is_empty() {
                        self.err(d.name.span, ParseErrorKind::BlankName("ARG"));
                    }
                }
                Detail::Arg(decls)
            }
            InstructionKind::Expose => {
                if args.is_empty() {
                    self.err(span, ParseErrorKind::AtLeastOneArgument("EXPOSE"));
                }
                Detail::Expose(args.clone())
            }
            InstructionKind::Volume => {
                if args.is_empty() {
                    self.err(span, ParseErrorKind::AtLeastOneArgument("VOLUME"));
                }
                for a in args {
                    if a.value.trim().is_empty() {
                        self.err(a.span, ParseErrorKind::BlankName("VOLUME"));
                    }
                }
                Detail::Volume(args.clone())
            }
            InstructionKind::User => one(self).map_or(Detail::None, Detail::User),
            InstructionKind::Workdir => one(self).map_or(Detail::None, Detail::Workdir),
            InstructionKind::StopSignal => one(self).map_or(Detail::None, Detail::StopSignal),
            InstructionKind::Maintainer => one(self).map_or(Detail::None, Detail::Maintainer),
            InstructionKind::Onbuild => {
                let Some(sub) = &node.sub else {
                    self.err(span, ParseErrorKind::AtLeastOneArgument("ONBUILD"));
                    return Detail::None;
                };
                let upper = sub.cmd.to_ascii_uppercase();
                match upper.as_str() {
                    "ONBUILD" => self.err(span, ParseErrorKind::OnbuildOnbuild),
                    "MAINTAINER" | "FROM" => {
                        self.err(span, ParseErrorKind::OnbuildTrigger(upper.clone()))
                    }
                    _ => {}
                }
                let mut inner = self.build_node(sub, logical, heredocs, index, false);
                inner.heredocs = heredocs.to_vec();
                Detail::Onbuild(Box::new(inner))
            }
            InstructionKind::Unknown => {
                self.err(
                    ins.keyword_span,
                    ParseErrorKind::UnknownInstruction(ins.keyword.clone()),
                );
                Detail::None
            }
        }
    }
}

fn check_health_flag(b: &mut Builder<'_>, f: &Flag, v: &str) {
    let ok = match f.name.as_str() {
        "retries" => v.parse::<i32>().is_ok_and(|n| n >= 0),
        _ => v.is_empty() || parse_go_duration(v).is_some(),
    };
    if !ok {
        b.err(
            f.span,
            ParseErrorKind::InvalidFlagValue {
                flag: f.name.clone(),
                reason: format!("`{v}` is not a valid value"),
            },
        );
    }
}

/// Go's `time.ParseDuration`, returning nanoseconds.
fn parse_go_duration(s: &str) -> Option<f64> {
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    if s == "0" {
        return Some(0.0);
    }
    if s.is_empty() {
        return None;
    }
    let mut rest = s;
    let mut total = 0.0;
    while !rest.is_empty() {
        let n = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let num: f64 = rest[..n].parse().ok()?;
        rest = &rest[n..];
        let u = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let mult = match &rest[..u] {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return None,
        };
        total += num * mult;
        rest = &rest[u..];
    }
    Some(total)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FlagType {
    Str,
    Bool,
    List,
}

fn allowed_flag(kind: InstructionKind, name: &str, args: &[Spanned]) -> Option<FlagType> {
    use FlagType::*;
    match (kind, name) {
        (InstructionKind::From, "platform") => Some(Str),
        (InstructionKind::Run, "mount" | "device") => Some(List),
        (InstructionKind::Run, "network" | "security") => Some(Str),
        (InstructionKind::Copy, "chown" | "from" | "chmod") => Some(Str),
        (InstructionKind::Copy, "link" | "parents") => Some(Bool),
        (InstructionKind::Copy | InstructionKind::Add, "exclude") => Some(List),
        (InstructionKind::Add, "chown" | "chmod" | "checksum") => Some(Str),
        (InstructionKind::Add, "link" | "keep-git-dir" | "unpack") => Some(Bool),
        (
            InstructionKind::Healthcheck,
            "interval" | "timeout" | "start-period" | "start-interval" | "retries",
        ) => Some(Str),
        // HEALTHCHECK NONE does not parse its flags.
        (InstructionKind::Healthcheck, _)
            if args
                .first()
                .is_some_and(|a| a.value.eq_ignore_ascii_case("none")) =>
        {
            Some(List)
        }
        _ => None,
    }
}

fn valid_stage_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c))
}

fn command_form(ins: &Instruction) -> CommandForm {
    if ins.json {
        CommandForm::Exec(ins.args.clone())
    } else if let Some(a) = ins.args.first() {
        CommandForm::Shell(a.clone())
    } else {
        CommandForm::Empty
    }
}

/// Parse a `--mount` value (`type=cache,target=/x,...`, CSV as BuildKit reads it).
pub(crate) fn parse_mount(value: &str, span: Span) -> Mount {
    let mut m = Mount {
        kind: "bind".to_string(),
        target: None,
        source: None,
        from: None,
        id: None,
        options: Vec::new(),
        span,
    };
    for field in split_csv(value) {
        let (k, v) = match field.split_once('=') {
            Some((k, v)) => (k.trim().to_ascii_lowercase(), Some(v.to_string())),
            None => (field.trim().to_ascii_lowercase(), None),
        };
        match k.as_str() {
            "type" => {
                if let Some(v) = &v {
                    m.kind = v.to_ascii_lowercase();
                }
            }
            "target" | "dst" | "destination" => m.target = v.clone(),
            "source" | "src" => m.source = v.clone(),
            "from" => m.from = v.clone(),
            "id" => m.id = v.clone(),
            _ => {}
        }
        m.options.push((k, v));
    }
    m
}

fn split_csv(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_q = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if in_q && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => in_q = !in_q,
            ',' if !in_q => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    if !cur.is_empty() || !out.is_empty() {
        out.push(cur);
    }
    out
}
