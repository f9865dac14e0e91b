//! How the package-manager rules read a command line, the way hadolint reads it: a flag word
//! is any argument starting with `-` (but not `-` or `--` alone); `--name[=value]` names the
//! flag `name`, `-abc` names the flags `a`, `b` and `c`; and the value of a flag that takes
//! one is the word after it, unless the flag carried it inline (`--index-url=…`).

use bulwark_dockerfile::shell::{Command, ShellScript, Word};
use bulwark_dockerfile::{Detail, Instruction, InstructionKind};

use crate::context::DockerfileCtx;

/// A RUN instruction (or ONBUILD RUN trigger) with its POSIX shell analysis.
pub(crate) struct RunScript<'a> {
    pub instruction: &'a Instruction,
    pub script: &'a ShellScript,
}

impl<'a> RunScript<'a> {
    /// The commands of the script.
    pub fn commands(&self) -> impl Iterator<Item = PkgCommand<'a>> + 'a {
        self.script.commands().map(PkgCommand::new)
    }

    /// Whether a `--mount=type=cache` or `type=tmpfs` mount's target contains `fragment`.
    pub fn has_cache_mount(&self, fragment: &str) -> bool {
        let Detail::Run { mounts, .. } = &self.instruction.detail else {
            return false;
        };
        mounts.iter().any(|m| {
            (m.kind.eq_ignore_ascii_case("cache") || m.kind.eq_ignore_ascii_case("tmpfs"))
                && m.target.as_deref().is_some_and(|t| t.contains(fragment))
        })
    }

    /// Whether this RUN is an ONBUILD trigger (it runs in the builds of child images).
    pub fn is_trigger(&self, ctx: &DockerfileCtx<'_>) -> bool {
        ctx.dockerfile
            .instructions
            .get(self.instruction.index)
            .is_some_and(|i| i.kind == InstructionKind::Onbuild)
    }
}

/// Every RUN instruction and ONBUILD RUN trigger whose script runs in a POSIX shell.
pub(crate) fn run_scripts<'a>(ctx: &DockerfileCtx<'a>) -> Vec<RunScript<'a>> {
    ctx.instructions()
        .filter(|i| i.kind == InstructionKind::Run)
        .filter_map(|i| {
            let script = ctx.script(i)?;
            script.posix.then_some(RunScript {
                instruction: i,
                script,
            })
        })
        .collect()
}

/// One argument word and the flag names it carries.
pub(crate) struct Arg<'a> {
    pub word: &'a Word,
    /// Flag names (`--no-cache` → `no-cache`, `-qy` → `q`, `y`); empty for a non-flag.
    pub flags: Vec<&'a str>,
}

impl Arg<'_> {
    pub fn is_flag(&self) -> bool {
        !self.flags.is_empty()
    }

    pub fn value(&self) -> &str {
        &self.word.value
    }
}

/// A simple command split into flags and other arguments.
pub(crate) struct PkgCommand<'a> {
    pub command: &'a Command,
    pub args: Vec<Arg<'a>>,
}

fn flag_names(word: &str) -> Vec<&str> {
    if word == "-" || word == "--" {
        return Vec::new();
    }
    if let Some(long) = word.strip_prefix("--") {
        return vec![long.split('=').next().unwrap_or(long)];
    }
    if let Some(short) = word.strip_prefix('-') {
        return short
            .char_indices()
            .map(|(i, c)| &short[i..i + c.len_utf8()])
            .collect();
    }
    Vec::new()
}

impl<'a> PkgCommand<'a> {
    pub fn new(command: &'a Command) -> Self {
        let args = command
            .args()
            .iter()
            .map(|w| Arg {
                word: w,
                flags: flag_names(&w.value),
            })
            .collect();
        PkgCommand { command, args }
    }

    /// The command's base name (`/usr/bin/apt-get` → `apt-get`).
    pub fn name(&self) -> &str {
        self.command.base_name().unwrap_or("")
    }

    pub fn is(&self, name: &str) -> bool {
        self.name() == name
    }

    /// Whether any argument is exactly `value`.
    pub fn has_arg(&self, value: &str) -> bool {
        self.args.iter().any(|a| a.value() == value)
    }

    /// Whether the command is `name` and has any of `values` as an argument.
    pub fn is_with_any(&self, name: &str, values: &[&str]) -> bool {
        self.is(name) && values.iter().any(|v| self.has_arg(v))
    }

    pub fn has_flag(&self, name: &str) -> bool {
        self.count_flag(name) > 0
    }

    pub fn has_any_flag(&self, names: &[&str]) -> bool {
        names.iter().any(|n| self.has_flag(n))
    }

    pub fn count_flag(&self, name: &str) -> usize {
        self.args
            .iter()
            .flat_map(|a| a.flags.iter())
            .filter(|f| **f == name)
            .count()
    }

    /// The arguments that are not flags, leaving out the value that follows each flag of
    /// `value_flags` (unless the flag word has its value inline after `=`).
    pub fn operands(&self, value_flags: &[&str]) -> Vec<&'a Word> {
        let mut skip = vec![false; self.args.len()];
        for (i, a) in self.args.iter().enumerate() {
            if a.word.value.contains('=') {
                continue;
            }
            if a.flags.iter().any(|f| value_flags.contains(f)) && i + 1 < skip.len() {
                skip[i + 1] = true;
            }
        }
        self.args
            .iter()
            .zip(skip)
            .filter(|(a, skipped)| !a.is_flag() && !skipped)
            .map(|(a, _)| a.word)
            .collect()
    }

    /// The span of the command name.
    pub fn name_span(&self) -> bulwark_core::Span {
        self.command
            .words
            .first()
            .map_or(self.command.span, |w| w.span)
    }
}

/// `install`-style operands: the words after the first `sub` (and any repeated `sub`s).
pub(crate) fn after_subcommand<'w>(operands: &[&'w Word], subs: &[&str]) -> Vec<&'w Word> {
    let mut it = operands
        .iter()
        .skip_while(|w| !subs.contains(&w.value.as_str()))
        .peekable();
    while it.peek().is_some_and(|w| subs.contains(&w.value.as_str())) {
        it.next();
    }
    it.copied().collect()
}

/// Words as a readable list: "`a`", "`a` and `b`", "`a`, `b` and 3 more".
pub(crate) fn word_list(words: &[&Word]) -> String {
    let names: Vec<String> = words.iter().map(|w| format!("`{}`", w.raw)).collect();
    match names.len() {
        0 => String::new(),
        1 => names[0].clone(),
        2 | 3 => {
            let (last, rest) = names
                .split_last()
                .map_or((String::new(), &[][..]), |(l, r)| (l.clone(), r));
            format!("{} and {last}", rest.join(", "))
        }
        n => format!("{}, {} and {} more", names[0], names[1], n - 2),
    }
}

/// Whether a stage's layers end up in the final image: the last stage and the stages it is
/// built `FROM`, transitively (instructions before any FROM count as in the image).
pub(crate) fn stage_reaches_image(ctx: &DockerfileCtx<'_>, stage: Option<usize>) -> bool {
    let stages = ctx.stages();
    let Some(s) = stage else {
        return true;
    };
    let mut current = stages.len().checked_sub(1);
    let mut steps = 0;
    while let Some(c) = current {
        if c == s {
            return true;
        }
        steps += 1;
        current = match stages.get(c).map(|st| &st.base) {
            Some(bulwark_dockerfile::StageRef::Stage(b)) if *b < c && steps < 64 => Some(*b),
            _ => None,
        };
    }
    false
}

/// The ARG and ENV variables a RUN sees, latest value last. Before any FROM (a file
/// hadolint still checks) every earlier ARG and ENV counts.
pub(crate) fn visible_vars(
    ctx: &DockerfileCtx<'_>,
    instruction: &Instruction,
) -> Vec<(String, Option<String>)> {
    let df = ctx.dockerfile;
    let stage = df
        .instructions
        .get(instruction.index)
        .and_then(|i| i.stage)
        .or(instruction.stage);
    if stage.is_some() {
        let scope = df.scope_at(instruction.index);
        return scope
            .names()
            .map(|n| (n.to_owned(), scope.get(n).map(str::to_owned)))
            .collect();
    }
    let mut vars = Vec::new();
    for i in df.instructions.iter().take(instruction.index) {
        match &i.detail {
            Detail::Arg(decls) => {
                for d in decls {
                    vars.push((
                        d.name.value.clone(),
                        d.default.as_ref().map(|v| unquote(&v.value)),
                    ));
                }
            }
            Detail::Env(kvs) => {
                for kv in kvs {
                    vars.push((unquote(&kv.key.value), Some(unquote(&kv.value.value))));
                }
            }
            _ => {}
        }
    }
    vars
}

fn unquote(s: &str) -> String {
    let t = s.trim();
    for q in ['"', '\''] {
        if let Some(inner) = t.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
            return inner.to_owned();
        }
    }
    t.to_owned()
}

/// Adds secondary labels at `others` (at most four, so a long package list stays readable).
pub(crate) fn with_others(
    ctx: &DockerfileCtx<'_>,
    mut finding: bulwark_core::Finding,
    others: &[&Word],
    message: &str,
) -> bulwark_core::Finding {
    for w in others.iter().take(4) {
        finding = finding.with_secondary(
            bulwark_core::Location::new(ctx.file.path(), w.span),
            message,
        );
    }
    finding
}

/// The script a command runs in a nested shell (`sh -c '…'`, `bash -c "…"`,
/// `su user -c "…"`), with the word that holds it.
pub(crate) fn nested_script<'a>(c: &PkgCommand<'a>) -> Option<&'a Word> {
    let shell = matches!(
        c.name(),
        "sh" | "bash" | "ash" | "dash" | "ksh" | "zsh" | "su" | "runuser"
    );
    if !shell {
        return None;
    }
    let i = c
        .args
        .iter()
        .position(|a| a.value() == "-c" || a.value() == "--command")?;
    c.args.get(i + 1).map(|a| a.word)
}

/// The simple commands (their words) of a command's nested shell script, if any.
pub(crate) fn nested_commands<'a>(c: &PkgCommand<'a>) -> Option<(&'a Word, Vec<Vec<String>>)> {
    let w = nested_script(c)?;
    let list = super::shellcheck::parse::parse(&w.value);
    Some((w, super::shellcheck::parse::simple_commands(&list)))
}

/// The finding of the unpinned-package rules: "`{command}` {verb} {noun} `a`, `b` … without
/// a pinned version", at the first unpinned word, labelled `label`, with the other unpinned
/// words as secondary labels. `None` when every word is pinned.
pub(crate) fn unpinned_finding(
    ctx: &DockerfileCtx<'_>,
    command: &str,
    verb: &str,
    (one, many): (&str, &str),
    unpinned: &[&Word],
    label: &str,
) -> Option<bulwark_core::Finding> {
    let first = unpinned.first()?;
    let noun = if unpinned.len() == 1 { one } else { many };
    let f = ctx
        .finding(
            first.span,
            format!(
                "`{command}` {verb} {noun} {} without a pinned version",
                word_list(unpinned)
            ),
        )
        .with_label(label);
    Some(with_others(ctx, f, &unpinned[1..], "not pinned either"))
}
