//! The ShellCheck checks hadolint runs on RUN scripts, reimplemented over [`parse`]: each
//! RUN's script is parsed, walked once into a stream of variable references and
//! assignments (in execution order) and a list of simple commands with their context, and
//! each check reads what it needs from that. The rules of the `shell checks` section
//! (`DKF150`–`DKF169`) call [`report`] with their ShellCheck code.
//!
//! Like hadolint, the script is checked as the stage's shell runs it (`SHELL`, or a
//! `# hadolint shell=…` pragma; `/bin/sh` by default), not at all for PowerShell and cmd,
//! and the stage's ARG and ENV variables (plus the proxy variables Docker predefines) count
//! as assigned, to values without spaces.

mod flow;
pub(crate) mod parse;
mod source;

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;
use std::sync::Arc;

use bulwark_core::{Finding, Span};
use bulwark_dockerfile::{Detail, Instruction, InstructionKind, VarKind};

use crate::context::DockerfileCtx;
use parse::{Arg, Arith, AssignValue, Command, CommandKind, List, Param, Part, Word};
use source::{ScriptSource, run_sources};

/// The dialect the script is checked as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Sh,
    Dash,
    Bash,
    Ksh,
}

impl Dialect {
    fn posix_only(self) -> bool {
        matches!(self, Dialect::Sh | Dialect::Dash)
    }
}

/// One ShellCheck-style finding.
pub(crate) struct ShellFinding {
    pub code: u32,
    pub span: Span,
    pub message: String,
    pub label: String,
}

/// Variables Docker defines for every RUN (hadolint passes them to ShellCheck too).
const PROXY_VARS: &[&str] = &[
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "FTP_PROXY",
    "ftp_proxy",
    "NO_PROXY",
    "no_proxy",
];

/// Shells ShellCheck refuses outright (by name prefix).
const UNSUPPORTED_SHELLS: &[&str] = &[
    "awk", "csh", "expect", "fish", "perl", "python", "ruby", "tcsh", "zsh",
];

/// Adds the findings of ShellCheck check `code` for every RUN of the Dockerfile.
pub(crate) fn report(ctx: &DockerfileCtx<'_>, code: u32, out: &mut Vec<Finding>) {
    for f in file_findings(ctx).iter().filter(|f| f.code == code) {
        out.push(
            ctx.finding(f.span, f.message.clone())
                .with_label(f.label.clone()),
        );
    }
}

/// A Dockerfile's text and the shell findings of its RUNs.
type CachedFindings = (Arc<str>, Rc<Vec<ShellFinding>>);

thread_local! {
    /// The findings of the Dockerfile analysed last: the shell-check rules run one after
    /// the other over the same file, and each needs the same analysis. Holding the text
    /// keeps its allocation alive, so a pointer match is the same file.
    static LAST: RefCell<Option<CachedFindings>> = const { RefCell::new(None) };
}

/// All ShellCheck findings of the Dockerfile's RUNs (and ONBUILD RUN triggers).
fn file_findings(ctx: &DockerfileCtx<'_>) -> Rc<Vec<ShellFinding>> {
    let text = ctx.file.shared_text();
    let cached = LAST.with(|c| {
        c.borrow()
            .as_ref()
            .filter(|(t, _)| Arc::ptr_eq(t, &text))
            .map(|(_, f)| f.clone())
    });
    if let Some(f) = cached {
        return f;
    }
    let mut all = Vec::new();
    for ins in ctx.instructions() {
        if ins.kind == InstructionKind::Run {
            all.extend(analyze(ctx, ins));
        }
    }
    let all = Rc::new(all);
    LAST.with(|c| *c.borrow_mut() = Some((text, all.clone())));
    all
}

/// The shell a RUN runs in, as hadolint decides it: `SHELL` or a `# hadolint shell=`
/// pragma, whichever comes later in the stage (a pragma before the first FROM counts for
/// every stage).
fn shell_of(ctx: &DockerfileCtx<'_>, ins: &Instruction) -> Vec<String> {
    let df = ctx.dockerfile;
    let host_stage = df.instructions.get(ins.index).and_then(|i| i.stage);
    let shell = match host_stage {
        Some(_) => df.shell_at(ins.index),
        // Before any FROM (hadolint still checks such files): the last SHELL so far.
        None => df
            .instructions
            .iter()
            .take(ins.index)
            .rev()
            .find_map(|i| match &i.detail {
                Detail::Shell(bulwark_dockerfile::CommandForm::Exec(words)) => {
                    Some(words.iter().map(|w| w.value.clone()).collect())
                }
                _ => None,
            })
            .unwrap_or_else(|| vec!["/bin/sh".to_owned(), "-c".to_owned()]),
    };
    let stage_from_line = ins
        .stage
        .and_then(|s| ctx.stages().get(s))
        .and_then(|s| df.instructions.get(s.from_instruction))
        .map_or(0, |i| i.start_line);
    let first_from_line = ctx
        .stages()
        .first()
        .and_then(|s| df.instructions.get(s.from_instruction))
        .map_or(u32::MAX, |i| i.start_line);
    let shell_line = ins.stage.and_then(|s| ctx.stages().get(s)).and_then(|st| {
        st.instructions
            .iter()
            .filter(|&&i| i < ins.index)
            .filter_map(|&i| df.instructions.get(i))
            .filter(|i| i.kind == InstructionKind::Shell)
            .map(|i| i.start_line)
            .next_back()
    });
    let mut pragma = None;
    for (n, line) in ctx.file.text().lines().enumerate() {
        let n = n as u32 + 1;
        if n >= ins.start_line {
            break;
        }
        let Some(rest) = line.trim_start().strip_prefix('#') else {
            continue;
        };
        let Some(rest) = rest.trim_start().strip_prefix("hadolint") else {
            continue;
        };
        let Some(rest) = rest.trim_start().strip_prefix("shell") else {
            continue;
        };
        let Some(value) = rest.trim_start().strip_prefix('=') else {
            continue;
        };
        let Some(value) = value.split_whitespace().next() else {
            continue;
        };
        if n < first_from_line || n > stage_from_line {
            pragma = Some((n, value.to_owned()));
        }
    }
    match (pragma, shell_line) {
        (Some((p, value)), Some(s)) if p > s => vec![value],
        (Some((_, value)), None) => vec![value],
        _ => shell,
    }
}

pub(crate) fn basename(s: &str) -> &str {
    s.rsplit(['/', '\\']).next().unwrap_or(s)
}

/// `None` for shells that are not checked (PowerShell, cmd).
fn shell_kind(shell: &[String]) -> Option<Result<(Dialect, bool), String>> {
    let first = shell.first().map_or("/bin/sh", String::as_str);
    let mut name = basename(first).to_ascii_lowercase();
    let mut rest = shell.get(1..).unwrap_or(&[]);
    if name == "env"
        && let Some(n) = rest.first()
    {
        name = basename(n).to_ascii_lowercase();
        rest = rest.get(1..).unwrap_or(&[]);
    }
    let name = name.strip_suffix(".exe").unwrap_or(&name).to_owned();
    if matches!(name.as_str(), "powershell" | "pwsh" | "cmd") || name.starts_with("pwsh") {
        return None;
    }
    if UNSUPPORTED_SHELLS.iter().any(|b| name.starts_with(b)) {
        return Some(Err(name));
    }
    // `-e` among the shell's options: the script stops at the first failing command.
    let errexit = rest.iter().any(|a| {
        (a.starts_with('-') && !a.starts_with("--") && a[1..].contains('e') && a != "-c")
            || a == "errexit"
    });
    let dialect = match name.as_str() {
        "sh" => Dialect::Sh,
        "dash" | "ash" => Dialect::Dash,
        n if n.starts_with("ksh") || n == "mksh" => Dialect::Ksh,
        _ => Dialect::Bash,
    };
    Some(Ok((dialect, errexit)))
}

/// The Dockerfile variables a RUN sees: ARG and ENV of its stage, and those of the stages
/// it is built `FROM` (BuildKit passes both on to a child stage). An ONBUILD trigger runs
/// in the build of a child image, which keeps the ENV but not the ARGs; it sees the
/// variables of the ONBUILD ARG and ENV triggers before it.
fn dockerfile_vars(ctx: &DockerfileCtx<'_>, ins: &Instruction) -> Vec<String> {
    let df = ctx.dockerfile;
    let trigger = df
        .instructions
        .get(ins.index)
        .is_some_and(|i| i.kind == InstructionKind::Onbuild);
    let mut names: Vec<String> = PROXY_VARS.iter().map(|s| (*s).to_owned()).collect();
    let decl_names = |i: &Instruction, args: bool| -> Vec<String> {
        match &i.detail {
            Detail::Arg(decls) if args => decls.iter().map(|d| d.name.value.clone()).collect(),
            Detail::Env(kvs) => kvs
                .iter()
                .map(|kv| kv.key.value.trim_matches('"').to_owned())
                .collect(),
            _ => Vec::new(),
        }
    };
    // An ONBUILD trigger belongs to the stage of its ONBUILD.
    let stage = df
        .instructions
        .get(ins.index)
        .and_then(|i| i.stage)
        .or(ins.stage);
    let Some(stage) = stage else {
        for i in df.instructions.iter().take(ins.index) {
            names.extend(decl_names(i, !trigger));
        }
        return names;
    };
    let scope = df.scope_at(ins.index);
    names.extend(
        scope
            .names()
            .filter(|n| !trigger || scope.kind(n) == Some(VarKind::Env))
            .map(str::to_owned),
    );
    if trigger {
        if let Some(st) = ctx.stages().get(stage) {
            for &i in st.instructions.iter().filter(|&&i| i < ins.index) {
                if let Some(t) = df.instructions.get(i).and_then(|x| x.trigger()) {
                    names.extend(decl_names(t, true));
                }
            }
        }
        return names;
    }
    // ARGs of base stages.
    let mut base = ctx.stages().get(stage).map(|s| s.base.clone());
    let mut steps = 0;
    while let Some(bulwark_dockerfile::StageRef::Stage(b)) = base {
        steps += 1;
        if b >= stage || steps > 64 {
            break;
        }
        let Some(st) = ctx.stages().get(b) else { break };
        for &i in &st.instructions {
            if let Some(x) = df.instructions.get(i) {
                names.extend(decl_names(x, true));
            }
        }
        base = Some(st.base.clone());
    }
    names
}

/// All ShellCheck findings of one RUN (or ONBUILD RUN trigger).
pub(crate) fn analyze(ctx: &DockerfileCtx<'_>, ins: &Instruction) -> Vec<ShellFinding> {
    let Some(script) = ctx.script(ins) else {
        return Vec::new();
    };
    if !script.posix {
        return Vec::new();
    }
    let sources = run_sources(ctx.dockerfile, ins, ctx.file);
    if sources.is_empty() {
        return Vec::new();
    }
    let shell = shell_of(ctx, ins);
    let (dialect, errexit) = match shell_kind(&shell) {
        None => return Vec::new(),
        Some(Err(name)) => {
            let span = crate::context::first_line_span(ctx.file, ins);
            return vec![ShellFinding {
                code: 1071,
                span,
                message: format!(
                    "the RUN script is not checked: the shell `{name}` is not sh, bash, dash or ksh"
                ),
                label: "runs in an unsupported shell".to_owned(),
            }];
        }
        Some(Ok(k)) => k,
    };
    let known = dockerfile_vars(ctx, ins);
    let mut out = Vec::new();
    for source in &sources {
        let list = parse::parse(&source.text);
        let mut w = Walker {
            dialect,
            events: Vec::new(),
            commands: Vec::new(),
            subs: Vec::new(),
            tests: Vec::new(),
        };
        w.list(&list, Flags::default());
        checks(&w, &list, source, &known, errexit, dialect, &mut out);
    }
    out
}

/// Where a word appears.
#[derive(Clone, Copy, Default)]
struct Flags {
    /// Word splitting and globbing do not apply (double quotes, `[[ ]]`, assignments, case,
    /// arithmetic, heredocs, `for … in` lists).
    quote_free: bool,
    /// The command is in a condition (`a && b`: `a`; `if a; then`), so its failure is
    /// handled.
    condition: bool,
    /// Inside `${other…}` (an operand or index of another parameter).
    in_param: Option<usize>,
    /// The word is the command name.
    command_name: bool,
    /// In an array literal (`a=(…)`).
    in_array: bool,
}

enum Event<'a> {
    Ref {
        name: String,
        param: Option<&'a Param>,
        offset: usize,
        flags: Flags,
    },
    Assign {
        name: String,
    },
}

struct SimpleCommand<'a> {
    assigns: &'a [parse::Assign],
    args: &'a [Arg],
    command: &'a Command,
    condition: bool,
}

struct Substitution {
    start: usize,
    end: usize,
    empty: bool,
    /// The first command's name (`seq`, `pgrep` are meant to be split).
    name: Option<String>,
    flags: Flags,
}

struct Walker<'a> {
    dialect: Dialect,
    events: Vec<Event<'a>>,
    commands: Vec<SimpleCommand<'a>>,
    subs: Vec<Substitution>,
    /// Where each `[[` is.
    tests: Vec<usize>,
}

const DECLARATIONS: &[&str] = &["export", "local", "declare", "typeset", "readonly"];

pub(crate) fn word_name(w: &Word) -> Option<String> {
    parse::is_literal(w).then(|| parse::literal_of(w))
}

pub(crate) fn is_var_name(s: &str) -> bool {
    let mut c = s.chars();
    c.next()
        .is_some_and(|f| f.is_ascii_alphabetic() || f == '_')
        && c.all(|x| x.is_ascii_alphanumeric() || x == '_')
}

impl<'a> Walker<'a> {
    fn list(&mut self, list: &'a List, flags: Flags) {
        for ao in &list.items {
            let last = ao.pipelines.len().saturating_sub(1);
            for (i, p) in ao.pipelines.iter().enumerate() {
                let f = Flags {
                    condition: flags.condition || i < last,
                    ..Flags::default()
                };
                for c in &p.commands {
                    self.command(c, f);
                }
            }
        }
    }

    /// A condition list (`if`/`while`): its last item is the condition.
    fn condition_list(&mut self, list: &'a List, flags: Flags) {
        let last = list.items.len().saturating_sub(1);
        for (i, ao) in list.items.iter().enumerate() {
            let f = Flags {
                condition: flags.condition || i == last,
                ..Flags::default()
            };
            let lastp = ao.pipelines.len().saturating_sub(1);
            for (j, p) in ao.pipelines.iter().enumerate() {
                let g = Flags {
                    condition: f.condition || j < lastp,
                    ..Flags::default()
                };
                for c in &p.commands {
                    self.command(c, g);
                }
            }
        }
    }

    fn command(&mut self, c: &'a Command, flags: Flags) {
        match &c.kind {
            CommandKind::Simple { assigns, args } => self.simple(c, assigns, args, flags),
            CommandKind::Subshell(l) | CommandKind::Group(l) => self.list(l, flags),
            CommandKind::If { clauses, otherwise } => {
                for (cond, body) in clauses {
                    self.condition_list(cond, flags);
                    self.list(body, flags);
                }
                if let Some(o) = otherwise {
                    self.list(o, flags);
                }
            }
            CommandKind::Loop { condition, body } => {
                self.condition_list(condition, flags);
                self.list(body, flags);
            }
            CommandKind::For { var, words, body } => {
                match words {
                    Some(ws) => {
                        for w in ws {
                            self.word(
                                w,
                                Flags {
                                    quote_free: true,
                                    ..Flags::default()
                                },
                            );
                        }
                        self.events.push(Event::Assign { name: var.clone() });
                    }
                    None => self.events.push(Event::Assign { name: var.clone() }),
                }
                self.list(body, flags);
            }
            CommandKind::ArithFor { arith, body } => {
                self.arith(arith);
                self.list(body, flags);
            }
            CommandKind::Case { subject, arms } => {
                let qf = Flags {
                    quote_free: true,
                    ..Flags::default()
                };
                self.word(subject, qf);
                for (patterns, body) in arms {
                    for p in patterns {
                        self.word(p, qf);
                    }
                    self.list(body, flags);
                }
            }
            CommandKind::Function(body) => self.command(body, flags),
            CommandKind::Test(words) => {
                self.tests.push(c.start);
                self.test_words(words);
            }
            CommandKind::Arith(a) => self.arith(a),
        }
        for r in &c.redirects {
            self.redirect(r);
        }
    }

    fn redirect(&mut self, r: &'a parse::Redirect) {
        if let Some(t) = &r.target {
            self.word(t, Flags::default());
        }
        if let Some(parts) = &r.heredoc {
            let qf = Flags {
                quote_free: true,
                ..Flags::default()
            };
            self.parts(parts, qf);
        }
    }

    /// `[[ … ]]` or `[ … ]`/`test` words: `-v name` marks `name` as checked for.
    fn test_words(&mut self, words: &'a [Word]) {
        let qf = Flags {
            quote_free: true,
            ..Flags::default()
        };
        let mut prev_v = false;
        for w in words {
            self.word(w, qf);
            if prev_v && let Some(n) = word_name(w) {
                let n = n.split('[').next().unwrap_or(&n).to_owned();
                self.events.push(Event::Assign { name: n });
            }
            prev_v = word_name(w).as_deref() == Some("-v");
        }
    }

    fn simple(
        &mut self,
        c: &'a Command,
        assigns: &'a [parse::Assign],
        args: &'a [Arg],
        flags: Flags,
    ) {
        let qf = Flags {
            quote_free: true,
            ..Flags::default()
        };
        for a in assigns {
            self.assign(a, qf);
        }
        let name = args.first().and_then(|a| match a {
            Arg::Word(w) => word_name(w),
            Arg::Assign(_) => None,
        });
        let base = name.as_deref().map(basename).unwrap_or("");
        let declaration = DECLARATIONS.contains(&base);
        let decl_flags = Flags {
            quote_free: self.dialect != Dialect::Sh,
            ..Flags::default()
        };
        for (i, a) in args.iter().enumerate() {
            match a {
                Arg::Word(w) => self.word(
                    w,
                    Flags {
                        command_name: i == 0,
                        ..Flags::default()
                    },
                ),
                Arg::Assign(asg) => self.assign(asg, decl_flags),
            }
        }
        let words: Vec<&'a Word> = args
            .iter()
            .filter_map(|a| match a {
                Arg::Word(w) => Some(w),
                Arg::Assign(_) => None,
            })
            .collect();
        let literal = |w: &Word| word_name(w);
        match base {
            // `export foo`, `local foo`: declared, no value.
            _ if declaration
                && !words
                    .iter()
                    .skip(1)
                    .any(|w| literal(w).as_deref() == Some("-f")) =>
            {
                for w in words.iter().skip(1) {
                    if let Some(n) = literal(w).filter(|n| is_var_name(n)) {
                        self.events.push(Event::Assign { name: n });
                    }
                }
            }
            _ if declaration => {}
            "read" => {
                let mut skip = false;
                for w in words.iter().skip(1) {
                    let Some(s) = literal(w) else {
                        skip = false;
                        continue;
                    };
                    if skip {
                        skip = false;
                        continue;
                    }
                    if let Some(opts) = s.strip_prefix('-') {
                        // options with a value: -u -n -N -i -p -a -t (the value may be
                        // attached)
                        if let Some(pos) = opts.find(['u', 'n', 'N', 'i', 'p', 'a', 't']) {
                            let attached = pos + 1 < opts.len();
                            if opts.as_bytes()[pos] == b'a' && !attached {
                                skip = false;
                                // `-a name`: the array is the next word.
                                continue;
                            }
                            skip = !attached;
                        }
                        continue;
                    }
                    if is_var_name(&s) {
                        self.events.push(Event::Assign { name: s });
                    }
                }
            }
            "getopts" => {
                if let Some(n) = words.get(2).and_then(|w| literal(w)) {
                    self.events.push(Event::Assign { name: n });
                }
            }
            "mapfile" | "readarray" => {
                let n = words
                    .iter()
                    .skip(1)
                    .filter_map(|w| literal(w))
                    .rfind(|s| is_var_name(s))
                    .unwrap_or_else(|| "MAPFILE".to_owned());
                self.events.push(Event::Assign { name: n });
            }
            "printf" => {
                if let Some(i) = words
                    .iter()
                    .position(|w| literal(w).as_deref() == Some("-v"))
                    && let Some(n) = words.get(i + 1).and_then(|w| literal(w))
                {
                    self.events.push(Event::Assign { name: n });
                }
            }
            "let" => {
                for w in words.iter().skip(1) {
                    let s = parse::literal_of(w);
                    let mut a = String::new();
                    for ch in s.chars() {
                        if ch.is_ascii_alphanumeric() || ch == '_' {
                            a.push(ch);
                        } else {
                            break;
                        }
                    }
                    if is_var_name(&a) && s[a.len()..].trim_start().starts_with('=') {
                        self.events.push(Event::Assign { name: a });
                    }
                }
            }
            "[" | "test" => self.test_markers(&words),
            _ => {}
        }
        self.commands.push(SimpleCommand {
            assigns,
            args,
            command: c,
            condition: flags.condition,
        });
    }

    fn test_markers(&mut self, words: &[&'a Word]) {
        for pair in words.windows(2) {
            if word_name(pair[0]).as_deref() == Some("-v")
                && let Some(n) = word_name(pair[1])
            {
                let n = n.split('[').next().unwrap_or(&n).to_owned();
                self.events.push(Event::Assign { name: n });
            }
        }
    }

    fn assign(&mut self, a: &'a parse::Assign, flags: Flags) {
        match &a.value {
            AssignValue::Scalar(w) => {
                self.word(w, flags);
                self.events.push(Event::Assign {
                    name: a.name.clone(),
                });
            }
            AssignValue::Array(ws) => {
                for w in ws {
                    self.word(
                        w,
                        Flags {
                            in_array: true,
                            ..flags
                        },
                    );
                }
                self.events.push(Event::Assign {
                    name: a.name.clone(),
                });
            }
        }
    }

    fn arith(&mut self, a: &'a Arith) {
        let qf = Flags {
            quote_free: true,
            ..Flags::default()
        };
        for w in &a.words {
            self.word(w, qf);
        }
        for (n, off) in &a.refs {
            self.events.push(Event::Ref {
                name: n.clone(),
                param: None,
                offset: *off,
                flags: qf,
            });
        }
        for (n, _) in &a.assigns {
            self.events.push(Event::Assign { name: n.clone() });
        }
    }

    fn word(&mut self, w: &'a Word, flags: Flags) {
        // Only a word that is exactly one expansion (maybe double-quoted) is a command name.
        let sole = match w.parts.as_slice() {
            [Part::Param(_)] => true,
            [Part::DoubleQuoted(inner)] => matches!(inner.as_slice(), [Part::Param(_)]),
            _ => false,
        };
        let f = Flags {
            command_name: flags.command_name && sole,
            ..flags
        };
        self.parts(&w.parts, f);
    }

    fn parts(&mut self, parts: &'a [Part], flags: Flags) {
        for p in parts {
            match p {
                Part::Lit(_) | Part::Glob(_) | Part::SingleQuoted { .. } | Part::AnsiC(_) => {}
                Part::DoubleQuoted(inner) => self.parts(
                    inner,
                    Flags {
                        quote_free: true,
                        ..flags
                    },
                ),
                Part::Param(param) => {
                    self.events.push(Event::Ref {
                        name: param.name().to_owned(),
                        param: Some(param),
                        offset: param.start,
                        flags,
                    });
                    let modifier = param.modifier();
                    if modifier.starts_with(":=") || modifier.starts_with('=') {
                        self.events.push(Event::Assign {
                            name: param.name().to_owned(),
                        });
                    }
                    let inner = Flags {
                        quote_free: true,
                        in_param: Some(param.start),
                        ..Flags::default()
                    };
                    for (n, off) in &param.index_refs {
                        self.events.push(Event::Ref {
                            name: n.clone(),
                            param: None,
                            offset: *off,
                            flags: inner,
                        });
                    }
                    for w in &param.nested {
                        self.parts(&w.parts, inner);
                    }
                }
                Part::CommandSub {
                    body, start, end, ..
                } => {
                    let name = body
                        .items
                        .first()
                        .and_then(|ao| ao.pipelines.first())
                        .and_then(|p| p.commands.first())
                        .and_then(|c| match &c.kind {
                            CommandKind::Simple { args, .. } => {
                                args.first().and_then(|a| match a {
                                    Arg::Word(w) => word_name(w),
                                    Arg::Assign(_) => None,
                                })
                            }
                            _ => None,
                        });
                    self.subs.push(Substitution {
                        start: *start,
                        end: *end,
                        empty: body.items.is_empty(),
                        name,
                        flags,
                    });
                    self.list(body, Flags::default());
                }
                Part::Arithmetic(a) => self.arith(a),
            }
        }
    }
}

/// Whether an expansion may contain spaces or glob characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Spacing {
    Some,
    None,
    Empty,
}

impl Spacing {
    pub(crate) fn join(self, other: Spacing) -> Spacing {
        match (self, other) {
            (Spacing::Some, _) | (_, Spacing::Some) => Spacing::Some,
            (Spacing::Empty, x) | (x, Spacing::Empty) => x,
            _ => Spacing::None,
        }
    }
}

/// Variables of the shell that never contain spaces.
const SPACELESS: &[&str] = &[
    "$",
    "-",
    "?",
    "!",
    "#",
    "BASHPID",
    "BASH_ARGC",
    "BASH_LINENO",
    "BASH_SUBSHELL",
    "EUID",
    "LINENO",
    "OPTIND",
    "PPID",
    "RANDOM",
    "SECONDS",
    "SHELLOPTS",
    "SHLVL",
    "UID",
    "COLUMNS",
    "HISTFILESIZE",
    "HISTSIZE",
    "LINES",
    "FLAGS_ERROR",
    "FLAGS_FALSE",
    "FLAGS_TRUE",
];

/// Variables the shell (or the environment) sets: never reported as unassigned.
const INTERNAL: &[&str] = &[
    "_",
    "rest",
    "REST",
    "BASH",
    "BASHOPTS",
    "BASHPID",
    "BASH_ALIASES",
    "BASH_ARGC",
    "BASH_ARGV",
    "BASH_CMDS",
    "BASH_COMMAND",
    "BASH_EXECUTION_STRING",
    "BASH_LINENO",
    "BASH_REMATCH",
    "BASH_SOURCE",
    "BASH_SUBSHELL",
    "BASH_VERSINFO",
    "BASH_VERSION",
    "COMP_CWORD",
    "COMP_KEY",
    "COMP_LINE",
    "COMP_POINT",
    "COMP_TYPE",
    "COMP_WORDBREAKS",
    "COMP_WORDS",
    "COPROC",
    "DIRSTACK",
    "EUID",
    "FUNCNAME",
    "GROUPS",
    "HISTCMD",
    "HOSTNAME",
    "HOSTTYPE",
    "LINENO",
    "MACHTYPE",
    "MAPFILE",
    "OLDPWD",
    "OPTARG",
    "OPTIND",
    "OSTYPE",
    "PIPESTATUS",
    "PPID",
    "PWD",
    "RANDOM",
    "READLINE_LINE",
    "READLINE_POINT",
    "REPLY",
    "SECONDS",
    "SHELLOPTS",
    "SHLVL",
    "UID",
    "BASH_ENV",
    "BASH_XTRACEFD",
    "CDPATH",
    "COLUMNS",
    "COMPREPLY",
    "EMACS",
    "ENV",
    "FCEDIT",
    "FIGNORE",
    "FUNCNEST",
    "GLOBIGNORE",
    "HISTCONTROL",
    "HISTFILE",
    "HISTFILESIZE",
    "HISTIGNORE",
    "HISTSIZE",
    "HISTTIMEFORMAT",
    "HOME",
    "HOSTFILE",
    "IFS",
    "IGNOREEOF",
    "INPUTRC",
    "LANG",
    "LC_ALL",
    "LC_COLLATE",
    "LC_CTYPE",
    "LC_MESSAGES",
    "LC_MONETARY",
    "LC_NUMERIC",
    "LC_TIME",
    "LINES",
    "MAIL",
    "MAILCHECK",
    "MAILPATH",
    "OPTERR",
    "PATH",
    "POSIXLY_CORRECT",
    "PROMPT_COMMAND",
    "PROMPT_DIRTRIM",
    "PS1",
    "PS2",
    "PS3",
    "PS4",
    "SHELL",
    "TIMEFORMAT",
    "TMOUT",
    "TMPDIR",
    "auto_resume",
    "histchars",
    "USER",
    "TZ",
    "TERM",
    "LOGNAME",
    "LD_LIBRARY_PATH",
    "LANGUAGE",
    "DISPLAY",
    "KRB5CCNAME",
    "XAUTHORITY",
    "FLAGS_ARGC",
    "FLAGS_ARGV",
    "FLAGS_ERROR",
    "FLAGS_FALSE",
    "FLAGS_HELP",
    "FLAGS_PARENT",
    "FLAGS_RESERVED",
    "FLAGS_TRUE",
    "FLAGS_VERSION",
    "flags_error",
    "flags_return",
];

/// Variables only bash (and ksh) set; in sh they are empty unless assigned.
const BASH_VARS: &[&str] = &[
    "OSTYPE",
    "MACHTYPE",
    "HOSTTYPE",
    "HOSTNAME",
    "DIRSTACK",
    "EUID",
    "UID",
    "SHLVL",
    "PIPESTATUS",
    "SHELLOPTS",
    "_",
    "BASHOPTS",
    "BASHPID",
    "BASH_ALIASES",
    "BASH_ARGC",
    "BASH_ARGV",
    "BASH_ARGV0",
    "BASH_CMDS",
    "BASH_COMMAND",
    "BASH_EXECUTION_STRING",
    "BASH_LINENO",
    "BASH_REMATCH",
    "BASH_SOURCE",
    "BASH_SUBSHELL",
    "BASH_VERSINFO",
    "EPOCHREALTIME",
    "EPOCHSECONDS",
    "FUNCNAME",
    "GROUPS",
    "MAPFILE",
];

/// Variables bash recomputes on every read, which sh never sets.
const BASH_DYNAMIC_VARS: &[&str] = &["RANDOM", "SECONDS"];

fn literal_spacing(s: &str) -> Spacing {
    if s.is_empty() {
        Spacing::Empty
    } else if s.contains(['*', '?', '[', ']', ' ', '\t', '\n']) {
        Spacing::Some
    } else {
        Spacing::None
    }
}

pub(crate) fn parts_spacing(parts: &[Part], vars: &BTreeMap<String, Spacing>) -> Spacing {
    let mut s = Spacing::Empty;
    for p in parts {
        let x = match p {
            Part::CommandSub { .. } | Part::Glob(_) => Spacing::Some,
            Part::Arithmetic(_) => Spacing::None,
            Part::Lit(t) => literal_spacing(t),
            Part::SingleQuoted { text, .. } => literal_spacing(text),
            Part::Param(param) => vars.get(param.name()).copied().unwrap_or(Spacing::Some),
            Part::DoubleQuoted(inner) => parts_spacing(inner, vars),
            Part::AnsiC(_) => Spacing::Empty,
        };
        s = s.join(x);
    }
    s
}

/// Levenshtein distance.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The assigned name closest to `var`, when close enough to be a likely misspelling.
fn best_match<'n>(var: &str, written: &'n BTreeSet<String>) -> Option<&'n str> {
    let mut best: Option<(&str, usize)> = None;
    for cand in written.iter().filter(|c| is_var_name(c)) {
        let score = if cand != var && cand.eq_ignore_ascii_case(var) {
            1
        } else {
            distance(var, cand)
        };
        if best.is_none_or(|(_, s)| score < s) {
            best = Some((cand, score));
        }
    }
    let (m, score) = best?;
    let l = m.chars().count();
    ((l > 3 && score <= 1) || (l > 7 && score <= 2)).then_some(m)
}

fn guarded(param: &Param) -> bool {
    let rest = param.modifier();
    ["-", ":-", "?", ":?"].iter().any(|g| rest.starts_with(g))
}

fn regex_single_quote_expansion(s: &str) -> bool {
    let b = s.as_bytes();
    for i in 0..b.len() {
        if b[i] == b'$'
            && let Some(&n) = b.get(i + 1)
            && (n == b'{' || n == b'(' || n.is_ascii_alphanumeric() || n == b'_')
        {
            return true;
        }
        if b[i] == b'`'
            && let Some(close) = s[i + 1..].find('`')
            && close > 0
        {
            return true;
        }
    }
    false
}

fn sed_contra(s: &str) -> bool {
    let b = s.as_bytes();
    for i in 0..b.len() {
        if b[i] == b'$'
            && let Some(&n) = b.get(i + 1)
            && b"{dpsaic".contains(&n)
            && b.get(i + 2).is_none_or(|c| !c.is_ascii_alphabetic())
        {
            return true;
        }
    }
    false
}

fn echo_escape(s: &str) -> bool {
    let b = s.as_bytes();
    for i in 0..b.len() {
        if b[i] != b'\\' {
            continue;
        }
        match b.get(i + 1) {
            Some(c) if b"rntabefv\\'".contains(c) => return true,
            Some(c) if (b'0'..=b'7').contains(c) => return true,
            Some(b'x') if b.get(i + 2).is_some_and(|c| c.is_ascii_hexdigit()) => return true,
            _ => {}
        }
    }
    false
}

/// The literal text of a word for the echo check: quotes removed, expansions dropped.
fn only_literal(w: &Word) -> String {
    parse::literal_of(w)
}

fn span_of(map: &ScriptSource, start: usize, end: usize) -> Span {
    map.span(start, end.max(start))
}

fn checks(
    w: &Walker<'_>,
    list: &List,
    source: &ScriptSource,
    known: &[String],
    errexit: bool,
    dialect: Dialect,
    out: &mut Vec<ShellFinding>,
) {
    let map = source;
    // --- SC2086: spacefulness, through the control flow
    let mut initial: BTreeMap<String, Spacing> = SPACELESS
        .iter()
        .map(|s| ((*s).to_owned(), Spacing::None))
        .collect();
    for k in known {
        initial.insert(k.clone(), Spacing::None);
    }
    let mut flow = flow::Flow::new(dialect);
    flow.list(list, Some(initial));
    for (start, end) in flow.found {
        out.push(ShellFinding {
            code: 2086,
            span: span_of(map, start, end),
            message: format!(
                "`{}` is not quoted: its value is split into words and expanded as a glob",
                source_text(source, start, end)
            ),
            label: "wrap it in double quotes".to_owned(),
        });
    }

    // --- SC2154 / SC2153: unassigned references
    let mut written: BTreeSet<String> = known.iter().cloned().collect();
    let mut first_ref: BTreeMap<&str, (&Event<'_>, usize)> = BTreeMap::new();
    for e in &w.events {
        match e {
            Event::Assign { name, .. } => {
                written.insert(name.clone());
            }
            Event::Ref { name, offset, .. } => {
                first_ref.entry(name.as_str()).or_insert((e, *offset));
            }
        }
    }
    for (name, (e, _)) in &first_ref {
        if written.contains(*name) || INTERNAL.contains(name) || !is_var_name(name) {
            continue;
        }
        let Event::Ref {
            param,
            flags,
            offset,
            ..
        } = e
        else {
            continue;
        };
        if flags.in_param.is_some() || flags.in_array || param.is_some_and(guarded) {
            continue;
        }
        let span = match param {
            Some(p) => span_of(map, p.start, p.end),
            None => span_of(map, *offset, offset + name.len()),
        };
        if name.chars().any(|c| c.is_ascii_lowercase()) {
            let tip = best_match(name, &written)
                .map(|m| format!(" (did you mean `{m}`?)"))
                .unwrap_or_default();
            out.push(ShellFinding {
                code: 2154,
                span,
                message: format!("`{name}` is referenced but never assigned{tip}"),
                label: "not set by this script, an ARG or an ENV".to_owned(),
            });
        } else if let Some(m) = best_match(name, &written) {
            out.push(ShellFinding {
                code: 2153,
                span,
                message: format!("`{name}` is not assigned, but `{m}` is: possible misspelling"),
                label: format!("did you mean `{m}`?"),
            });
        }
    }

    // --- SC3028: bash-only variables in sh
    if dialect.posix_only() {
        for e in &w.events {
            let Event::Ref {
                name,
                param,
                offset,
                ..
            } = e
            else {
                continue;
            };
            let bash_only = BASH_DYNAMIC_VARS.contains(&name.as_str())
                || (BASH_VARS.contains(&name.as_str()) && !written.contains(name));
            if bash_only {
                let span = match param {
                    Some(p) => span_of(map, p.start, p.end),
                    None => span_of(map, *offset, offset + name.len()),
                };
                out.push(ShellFinding {
                    code: 3028,
                    span,
                    message: format!("`{name}` is a bash variable: in POSIX sh it is not set"),
                    label: "empty under /bin/sh".to_owned(),
                });
            }
        }
    }

    // --- SC3010, SC3057, SC3060: bash syntax in sh
    if dialect.posix_only() {
        for &start in &w.tests {
            out.push(ShellFinding {
                code: 3010,
                span: span_of(map, start, start + 2),
                message: "`[[ … ]]` is bash syntax: POSIX sh has only `[ … ]`".to_owned(),
                label: "use `[ … ]` or run the RUN with bash".to_owned(),
            });
        }
        for e in &w.events {
            let Event::Ref { param: Some(p), .. } = e else {
                continue;
            };
            if !p.braced {
                continue;
            }
            let (code, what) = match bash_expansion(&p.text) {
                Some(x) => x,
                None => continue,
            };
            out.push(ShellFinding {
                code,
                span: span_of(map, p.start, p.end),
                message: format!(
                    "`{}` uses {what}, which POSIX sh does not have",
                    source_text(source, p.start, p.end)
                ),
                label: "fails with \"Bad substitution\" under dash".to_owned(),
            });
        }
    }

    // --- commands
    let set_e = errexit
        || w.commands.iter().any(|c| {
            let words = words_of(c.args);
            words.first().and_then(|x| word_name(x)).as_deref() == Some("set")
                && words.iter().skip(1).any(|x| {
                    let s = parse::literal_of(x);
                    s == "errexit"
                        || (s.starts_with('-') && !s.starts_with("--") && s.contains('e'))
                })
        });
    for c in &w.commands {
        let words = words_of(c.args);
        let Some(name) = words.first().and_then(|x| word_name(x)) else {
            // assignment-only command: single quotes in values
            for a in c.assigns {
                if ["PS1", "PS2", "PS3", "PS4", "PROMPT_COMMAND"].contains(&a.name.as_str()) {
                    continue;
                }
                if let AssignValue::Scalar(v) = &a.value {
                    single_quoted(v, "", map, out);
                }
            }
            continue;
        };
        let base = basename(&name).to_owned();
        // SC2164
        let cd_up = words.len() == 2 && parse::literal_of(words[1]) == "..";
        let no_change = name != "cd"
            && words.iter().skip(1).any(|x| {
                let s = parse::literal_of(x);
                s.starts_with('-') && s.contains('n')
            });
        if ["cd", "pushd", "popd"].contains(&name.as_str())
            && !set_e
            && !c.condition
            && !cd_up
            && !no_change
        {
            out.push(ShellFinding {
                code: 2164,
                span: span_of(map, c.command.start, c.command.end),
                message: format!("the script goes on in the wrong directory if `{name}` fails"),
                label: format!("add `|| exit` after `{name}`"),
            });
        }
        // SC3046
        if dialect.posix_only() && name == "source" && words.len() >= 2 {
            out.push(ShellFinding {
                code: 3046,
                span: span_of(map, words[0].start, words[0].end),
                message: "`source` is a bash builtin: POSIX sh only has `.`".to_owned(),
                label: "use `.` instead".to_owned(),
            });
        }
        // SC3037
        if dialect == Dialect::Sh
            && base == "echo"
            && let Some(flag) = words.get(1)
            && let Some(f) = word_name(flag)
            && f.len() > 1
            && f.starts_with('-')
            && f[1..].chars().all(|c| matches!(c, 'e' | 'E' | 's' | 'n'))
        {
            out.push(ShellFinding {
                code: 3037,
                span: span_of(map, flag.start, flag.end),
                message: format!(
                    "`echo {f}` is not portable: POSIX sh's echo has no options, dash's prints `{f}` or ignores it"
                ),
                label: "use `printf` instead".to_owned(),
            });
        }
        // SC2028
        if base == "echo" && dialect != Dialect::Dash {
            let has_e = words.iter().skip(1).any(|x| {
                let s = parse::literal_of(x);
                s.starts_with('-') && !s.starts_with("--") && s[1..].contains('e')
            });
            if !has_e {
                for x in words.iter().skip(1) {
                    if echo_escape(&only_literal(x)) {
                        out.push(ShellFinding {
                            code: 2028,
                            span: span_of(map, x.start, x.end),
                            message: "`echo` may print this backslash sequence literally: shells disagree on whether it expands escapes".to_owned(),
                            label: "use `printf` for escape sequences".to_owned(),
                        });
                    }
                }
            }
        }
        // SC2155
        if DECLARATIONS.contains(&base.as_str()) {
            for a in c.args {
                if let Arg::Assign(asg) = a
                    && let AssignValue::Scalar(v) = &asg.value
                    && v.parts.iter().any(|p| match p {
                        Part::CommandSub { .. } => true,
                        Part::DoubleQuoted(inner) => {
                            inner.iter().any(|q| matches!(q, Part::CommandSub { .. }))
                        }
                        _ => false,
                    })
                {
                    out.push(ShellFinding {
                        code: 2155,
                        span: span_of(map, asg.start, asg.start + asg.name.len()),
                        message: format!(
                            "`{base} {}=$(…)` hides the exit status of the command substitution",
                            asg.name
                        ),
                        label: format!("declare `{}` first, then assign it", asg.name),
                    });
                }
            }
        }
        // SC2016
        let cmd_name = if base == "find" {
            words
                .iter()
                .position(|x| {
                    let s = parse::literal_of(x);
                    s == "-exec" || s == "-execdir"
                })
                .and_then(|i| words.get(i + 1))
                .and_then(|x| word_name(x))
                .map_or_else(|| "find".to_owned(), |s| basename(&s).to_owned())
        } else {
            base.clone()
        };
        for x in words.iter().skip(1) {
            single_quoted(x, &cmd_name, map, out);
        }
        for a in c.args {
            if let Arg::Assign(asg) = a
                && let AssignValue::Scalar(v) = &asg.value
            {
                single_quoted(v, &cmd_name, map, out);
            }
        }
    }

    // --- SC2251: `!` that `set -e` ignores
    if set_e {
        let mut bangs = Vec::new();
        useless_bangs(list, true, false, &mut bangs);
        for at in bangs {
            out.push(ShellFinding {
                code: 2251,
                span: span_of(map, at, at + 1),
                message: "this `!` makes the command never fail the RUN: `set -e` ignores negated commands".to_owned(),
                label: "write `cmd && exit 1` instead".to_owned(),
            });
        }
    }

    // --- SC2046: unquoted command substitutions
    for s in &w.subs {
        if s.empty
            || s.flags.quote_free
            || s.flags.command_name
            || matches!(s.name.as_deref(), Some("seq" | "pgrep"))
        {
            continue;
        }
        let text = source_text(source, s.start, s.end);
        // Shown as `$(…)` even when written with backticks (a backtick cannot be quoted in
        // a message).
        let shown = match text.strip_prefix('`').and_then(|t| t.strip_suffix('`')) {
            Some(inner) => format!("$({inner})"),
            None => text,
        };
        out.push(ShellFinding {
            code: 2046,
            span: span_of(map, s.start, s.end),
            message: format!(
                "`{}` is not quoted: its output is split into words and expanded as a glob",
                abbreviate(&shown)
            ),
            label: "wrap it in double quotes".to_owned(),
        });
    }
}

fn words_of(args: &[Arg]) -> Vec<&Word> {
    args.iter()
        .filter_map(|a| match a {
            Arg::Word(w) => Some(w),
            Arg::Assign(_) => None,
        })
        .collect()
}

fn source_text(source: &ScriptSource, start: usize, end: usize) -> String {
    source
        .text
        .get(start..end.min(source.text.len()))
        .unwrap_or("")
        .replace("\\\n", "")
}

fn abbreviate(s: &str) -> String {
    let one_line: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 40 {
        let cut: String = one_line.chars().take(37).collect();
        format!("{cut}…")
    } else {
        one_line
    }
}

/// SC2016 for the single-quoted parts of `w`, an argument of `command`.
fn single_quoted(w: &Word, command: &str, map: &ScriptSource, out: &mut Vec<ShellFinding>) {
    const OK_COMMANDS: &[&str] = &[
        "trap",
        "sh",
        "bash",
        "ksh",
        "zsh",
        "ssh",
        "eval",
        "xprop",
        "alias",
        "sudo",
        "docker",
        "podman",
        "dpkg-query",
        "jq",
        "rename",
        "rg",
        "unset",
    ];
    for p in &w.parts {
        let Part::SingleQuoted { text, start, end } = p else {
            continue;
        };
        if !regex_single_quote_expansion(text) {
            continue;
        }
        let ok = if command == "sed" {
            sed_contra(text)
        } else {
            OK_COMMANDS.contains(&command)
                || command.ends_with("awk")
                || command.starts_with("perl")
        };
        if ok {
            continue;
        }
        out.push(ShellFinding {
            code: 2016,
            span: span_of(map, *start, *end),
            message: "the expansion inside single quotes is not expanded".to_owned(),
            label: "use double quotes if it should be".to_owned(),
        });
    }
}

/// The bash-only parameter expansion in `${text}`, as ShellCheck codes it.
fn bash_expansion(text: &str) -> Option<(u32, &'static str)> {
    let name_len = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '*' || c == '@'))
        .unwrap_or(text.len());
    if name_len == 0 {
        return None;
    }
    let rest = &text[name_len..];
    if let Some(after) = rest.strip_prefix(':')
        && !after.starts_with(['-', '=', '?', '+'])
    {
        return Some((3057, "string indexing"));
    }
    let rest = if rest.starts_with('[') {
        rest.find(']').map_or(rest, |i| &rest[i + 1..])
    } else {
        rest
    };
    rest.starts_with('/')
        .then_some((3060, "string replacement"))
}

/// Negated commands (`! cmd`) whose status nothing reads: not the last command of the
/// script, subshell or function, not a condition.
fn useless_bangs(list: &List, drop_last: bool, condition: bool, out: &mut Vec<usize>) {
    items_bangs(list, Some(drop_last), condition, out);
}

/// `check`: `None` when the list's own items are not checked (their status may be used),
/// `Some(drop_last)` otherwise.
fn items_bangs(list: &List, check: Option<bool>, condition: bool, out: &mut Vec<usize>) {
    let n = list.items.len();
    for (i, ao) in list.items.iter().enumerate() {
        let returning = match check {
            None => true,
            Some(drop_last) => drop_last && i + 1 == n,
        };
        if !returning
            && !condition
            && ao.pipelines.len() == 1
            && let Some(p) = ao.pipelines.first()
            && p.bang
        {
            out.push(p.bang_at);
        }
        let last = ao.pipelines.len().saturating_sub(1);
        for (j, p) in ao.pipelines.iter().enumerate() {
            let cond = condition || j < last;
            for c in &p.commands {
                bangs_in_command(c, cond, out);
            }
        }
    }
}

fn bangs_in_command(c: &Command, condition: bool, out: &mut Vec<usize>) {
    match &c.kind {
        CommandKind::Subshell(l) => useless_bangs(l, true, condition, out),
        CommandKind::Group(l) => useless_bangs(l, false, condition, out),
        CommandKind::Function(body) => match &body.kind {
            CommandKind::Group(l) => useless_bangs(l, true, condition, out),
            _ => bangs_in_command(body, condition, out),
        },
        CommandKind::If { clauses, otherwise } => {
            for (cond, body) in clauses {
                useless_bangs(cond, true, condition, out);
                useless_bangs(body, false, condition, out);
            }
            if let Some(o) = otherwise {
                useless_bangs(o, false, condition, out);
            }
        }
        CommandKind::Loop {
            condition: cond,
            body,
        } => {
            useless_bangs(cond, true, condition, out);
            useless_bangs(body, false, condition, out);
        }
        CommandKind::For { body, .. } | CommandKind::ArithFor { body, .. } => {
            useless_bangs(body, false, condition, out)
        }
        CommandKind::Case { arms, .. } => {
            for (_, body) in arms {
                items_bangs(body, None, condition, out);
            }
        }
        _ => {}
    }
}
