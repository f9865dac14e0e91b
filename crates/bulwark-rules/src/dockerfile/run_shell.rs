//! Helpers of the `run commands` rules (`DKF070`–`DKF099`): the commands of a `RUN` as
//! hadolint sees them.
//!
//! hadolint hands each `RUN` to ShellCheck's parser and reads the simple commands back:
//! a command counts only when its name is a literal word (`$TOOL install` is no command),
//! `busybox`, `builtin`, `command` and `exec` are looked through to the command they run,
//! the name is compared as written (`/usr/bin/sudo` is not `sudo`), and every expansion
//! in an argument reads as the placeholder `${VAR}`. Flags are split the way hadolint
//! splits them: `--name=value` is the flag `name`, `-xyz` the three flags `x`, `y`, `z`.

use bulwark_core::Span;
use bulwark_dockerfile::shell::{
    Command, PAREN_AFTER_COMMAND, ShellError, ShellScript, Word, analyze_run_text,
};
use bulwark_dockerfile::{
    CommandForm, Detail, Dockerfile, Instruction, InstructionKind, Mount, Scope, VarKind,
};

use crate::context::DockerfileCtx;

/// A simple command whose name hadolint can read.
pub(crate) struct RunCommand<'a> {
    pub command: &'a Command,
    /// The word naming the command (after `busybox`, `command`, `exec`…).
    pub name_word: &'a Word,
    /// The words after the name.
    pub args: &'a [Word],
}

impl<'a> RunCommand<'a> {
    pub fn name(&self) -> &'a str {
        self.name_word.value.as_str()
    }

    pub fn is(&self, name: &str) -> bool {
        self.name() == name
    }

    pub fn is_any(&self, names: &[&str]) -> bool {
        names.contains(&self.name())
    }

    /// The first argument equal (as hadolint reads it) to one of `values`.
    pub fn arg(&self, values: &[&str]) -> Option<&'a Word> {
        self.args
            .iter()
            .find(|w| values.contains(&simplified(w).as_str()))
    }

    /// Whether an argument equals one of `values` (hadolint's `cmdHasArgs`).
    pub fn has_arg(&self, values: &[&str]) -> bool {
        self.arg(values).is_some()
    }

    /// The flags of each argument word, split as hadolint splits them.
    fn flags(&self) -> impl Iterator<Item = (&'a Word, String)> + 'a {
        self.args.iter().flat_map(|w| {
            let v = simplified(w);
            let names: Vec<String> = if v == "-" || v == "--" {
                Vec::new()
            } else if let Some(long) = v.strip_prefix("--") {
                vec![long.split('=').next().unwrap_or_default().to_owned()]
            } else if let Some(short) = v.strip_prefix('-') {
                short.chars().map(String::from).collect()
            } else {
                Vec::new()
            };
            names.into_iter().map(move |n| (w, n))
        })
    }

    /// The first argument word carrying one of the flags `names` (`y`, `assumeyes`).
    pub fn flag(&self, names: &[&str]) -> Option<&'a Word> {
        self.flags()
            .find(|(_, n)| names.contains(&n.as_str()))
            .map(|(w, _)| w)
    }

    pub fn has_flag(&self, names: &[&str]) -> bool {
        self.flag(names).is_some()
    }

    /// Arguments that are not flags (`-` and `--` count as arguments, as in hadolint).
    pub fn operands(&self) -> impl Iterator<Item = &'a Word> + 'a {
        self.args.iter().filter(|w| {
            let v = simplified(w);
            !v.starts_with('-') || v == "-" || v == "--"
        })
    }
}

/// The commands of a `RUN` that hadolint reads, in source order.
pub(crate) fn run_commands(script: &ShellScript) -> Vec<RunCommand<'_>> {
    script.commands().filter_map(run_command).collect()
}

/// How much of a script ShellCheck, which hadolint uses, reads: `None` when it cannot
/// parse it at all (hadolint then sees no command and no pipe in the `RUN`), else the
/// offset where it stops. ShellCheck stops quietly, keeping what came before, at a token
/// that cannot start a command at the top of the script: a `(` right after a command's
/// words (`Write-Host ('x' -f $y)`, PowerShell read as a POSIX script), a stray `)` or
/// `}`, or a keyword out of place (`then`, `fi`, `done`…). Any other syntax error loses the
/// whole script, and so does a command word starting with `[`
/// (`[Net.ServicePointManager]::SecurityProtocol = …`), a malformed test expression to it.
/// `text` is the Dockerfile's text, which the script's spans point into.
pub(crate) fn shellcheck_extent(script: &ShellScript, text: &str) -> Option<usize> {
    let cut = match script.errors.iter().min_by_key(|e| e.span.start) {
        None => usize::MAX,
        Some(e) if stops_quietly(script, text, e) => e.span.start,
        Some(_) => return None,
    };
    let bracketed = script.commands().any(|c| {
        c.span.start < cut
            && c.words.first().is_some_and(|w| {
                !w.quoted && w.value.starts_with('[') && !matches!(w.value.as_str(), "[" | "[[")
            })
    });
    (!bracketed).then_some(cut)
}

/// Whether ShellCheck stops at this syntax error without losing the script: the error is
/// at the top level, on a token that cannot start a command.
fn stops_quietly(script: &ShellScript, text: &str, error: &ShellError) -> bool {
    let at = error.span.start;
    let rest = text.get(at..).unwrap_or_default();
    let token = rest
        .split(|c: char| c.is_whitespace() || c == ';')
        .next()
        .unwrap_or_default();
    let stray = error.message == PAREN_AFTER_COMMAND
        || (error.message == "unexpected token"
            && (rest.starts_with([')', '}'])
                || matches!(
                    token,
                    "then" | "elif" | "else" | "fi" | "do" | "done" | "esac" | "in"
                )));
    if !stray
        || script
            .commands()
            .flat_map(|c| &c.words)
            .any(|w| w.span.start < at && at < w.span.end)
    {
        return false;
    }
    let before = script
        .commands()
        .filter(|c| c.span.end <= at)
        .max_by_key(|c| c.span.end);
    !before.is_some_and(|c| c.in_subshell || c.in_substitution || c.in_condition)
}

/// The script of a `RUN` as hadolint reads it: the engine's analysis when the stage's
/// shell is POSIX and the `RUN` is in shell form, else the text read again as a POSIX
/// script (PowerShell read as shell text, the exec form's words as one command line).
pub(crate) struct RunScript<'a> {
    script: ScriptSource<'a>,
    /// The Dockerfile's text.
    text: &'a str,
}

enum ScriptSource<'a> {
    Cached(&'a ShellScript),
    Parsed(ShellScript),
    Missing,
}

impl RunScript<'_> {
    /// The script as our parser read it, whatever ShellCheck would make of it.
    pub fn raw(&self) -> Option<&ShellScript> {
        match &self.script {
            ScriptSource::Cached(s) => Some(*s),
            ScriptSource::Parsed(s) => Some(s),
            ScriptSource::Missing => None,
        }
    }

    fn text(&self) -> &str {
        self.text
    }

    /// The script and the offset where ShellCheck stops reading it.
    fn read(&self) -> Option<(&ShellScript, usize)> {
        let s = self.raw()?;
        Some((s, shellcheck_extent(s, self.text())?))
    }

    /// The commands hadolint reads, in source order.
    pub fn commands(&self) -> Vec<RunCommand<'_>> {
        self.read()
            .map(|(s, cut)| {
                run_commands(s)
                    .into_iter()
                    .filter(|c| c.command.span.start < cut)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The pipe operators hadolint sees.
    pub fn pipes(&self) -> Vec<Span> {
        self.read()
            .map(|(s, cut)| s.pipes.iter().filter(|p| p.start < cut).copied().collect())
            .unwrap_or_default()
    }
}

/// Reads the script of a `RUN` (or ONBUILD RUN trigger) as hadolint does.
pub(crate) fn read_run<'a>(ctx: &DockerfileCtx<'a>, ins: &Instruction) -> RunScript<'a> {
    let text = ctx.file.text();
    let Some(cached) = ctx.script(ins) else {
        return RunScript {
            script: ScriptSource::Missing,
            text,
        };
    };
    let exec_form = ins
        .trigger()
        .unwrap_or(ins)
        .command()
        .is_some_and(CommandForm::is_exec);
    let script = if cached.posix && !exec_form {
        ScriptSource::Cached(cached)
    } else {
        analyze_run_text(ctx.dockerfile, ins).map_or(ScriptSource::Missing, ScriptSource::Parsed)
    };
    RunScript { script, text }
}

/// hadolint's reading of one simple command, `None` when its name is not a literal word.
pub(crate) fn run_command(command: &Command) -> Option<RunCommand<'_>> {
    let words = &command.words;
    let first = words.first()?;
    if first.has_expansion {
        return None;
    }
    let at = match first.value.as_str() {
        "busybox" | "builtin" | "command" | "run"
            if words.get(1).is_some_and(|w| !w.value.starts_with('-')) =>
        {
            1
        }
        "exec" => exec_target(words).unwrap_or(0),
        _ => 0,
    };
    let name_word = words.get(at)?;
    // `[ … ]` and `[[ … ]]` are test expressions to ShellCheck, not commands.
    if name_word.has_expansion
        || (!name_word.quoted && matches!(name_word.value.as_str(), "[" | "[["))
    {
        return None;
    }
    Some(RunCommand {
        command,
        name_word,
        args: &words[at + 1..],
    })
}

/// The index of the command `exec [-cl] [-a name] command…` runs (`None` when `exec` has
/// an option it does not know, or no command).
fn exec_target(words: &[Word]) -> Option<usize> {
    let mut i = 1;
    while let Some(w) = words.get(i) {
        let v = w.value.as_str();
        if v == "--" {
            return (i + 1 < words.len()).then_some(i + 1);
        }
        let Some(opts) = v.strip_prefix('-').filter(|o| !o.is_empty()) else {
            return Some(i);
        };
        let mut takes_value = false;
        for (k, c) in opts.char_indices() {
            match c {
                'c' | 'l' => {}
                'a' => {
                    takes_value = k + 1 == opts.len();
                    break;
                }
                _ => return None,
            }
        }
        i += if takes_value { 2 } else { 1 };
    }
    None
}

/// A word as hadolint reads it: quotes and escapes removed, every expansion (`$V`,
/// `${V}`, `$(cmd)`, backticks, `$((…))`) replaced by `${VAR}`.
pub(crate) fn simplified(word: &Word) -> String {
    if !word.has_expansion {
        return word.value.clone();
    }
    let chars: Vec<char> = word.value.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '$' => match chars.get(i + 1) {
                Some('{') => {
                    i = closing(&chars, i + 1, '{', '}');
                    out.push_str("${VAR}");
                }
                Some('(') => {
                    i = closing(&chars, i + 1, '(', ')');
                    out.push_str("${VAR}");
                }
                Some(c) if c.is_ascii_alphabetic() || *c == '_' => {
                    i += 1;
                    while chars
                        .get(i)
                        .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
                    {
                        i += 1;
                    }
                    out.push_str("${VAR}");
                }
                Some(c) if c.is_ascii_digit() || "@*#?$!-".contains(*c) => {
                    i += 2;
                    out.push_str("${VAR}");
                }
                _ => {
                    out.push('$');
                    i += 1;
                }
            },
            '`' => {
                i += 1;
                while chars.get(i).is_some_and(|c| *c != '`') {
                    i += 1;
                }
                i += 1;
                out.push_str("${VAR}");
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// The index after the bracket closing the one at `open_at`.
fn closing(chars: &[char], open_at: usize, open: char, close: char) -> usize {
    let mut depth = 0;
    let mut i = open_at;
    while let Some(&c) = chars.get(i) {
        if c == open {
            depth += 1;
        } else if c == close {
            depth -= 1;
            if depth == 0 {
                return i + 1;
            }
        }
        i += 1;
    }
    chars.len()
}

/// What a package argument names once the variables of the Dockerfile are known.
pub(crate) enum PackageText {
    /// The text, with the values of ARG and ENV variables substituted.
    Known(String),
    /// It uses build arguments declared without a default: the value comes with the build.
    FromBuildArg,
    /// It uses a variable the Dockerfile does not give (a shell variable): the text as
    /// hadolint reads it.
    Unknown(String),
}

/// Resolves the variables of a package argument with the scope of its instruction.
pub(crate) fn package_text(word: &Word, scope: &Scope, escape: char) -> PackageText {
    if !word.has_expansion {
        return PackageText::Known(word.value.clone());
    }
    match scope.expand(&word.raw, escape) {
        Ok(e) if e.unresolved.is_empty() => PackageText::Known(e.value),
        Ok(e)
            if e.unresolved
                .iter()
                .all(|n| scope.kind(n) == Some(VarKind::Arg)) =>
        {
            PackageText::FromBuildArg
        }
        _ => PackageText::Unknown(simplified(word)),
    }
}

/// The last command of `tool` that installs (has one of `installs` among its arguments)
/// and is not followed, in the same `RUN`, by a cleanup: `tool` with one of `cleans`
/// (`clean`), or an `rm` of one of `cache_dirs`.
pub(crate) fn uncleaned_install<'c, 'a>(
    commands: &'c [RunCommand<'a>],
    tool: &str,
    installs: &[&str],
    cleans: &[&str],
    cache_dirs: &[&str],
) -> Option<&'c RunCommand<'a>> {
    let last = commands
        .iter()
        .rposition(|c| c.is(tool) && c.has_arg(installs))?;
    let cleaned = commands[last + 1..].iter().any(|c| {
        (c.is(tool) && c.has_arg(cleans))
            || (c.is("rm")
                && c.operands().any(|w| {
                    let v = simplified(w);
                    cache_dirs.iter().any(|d| v.starts_with(d))
                }))
    });
    (!cleaned).then(|| &commands[last])
}

/// Whether an RPM package argument names a version (`name-1.2.3`, `name-1:1.1.1k`,
/// `name-1.2-3.el9`) or is an `.rpm` file: the parts after the first `-` are made of
/// letters, digits and `.~^_:+`, and one of them starts with a digit.
pub(crate) fn rpm_version_pinned(package: &str) -> bool {
    if package.ends_with(".rpm") {
        return true;
    }
    let rest: Vec<&str> = package.split('-').skip(1).collect();
    !rest.is_empty()
        && rest.iter().all(|p| {
            p.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".~^_:+".contains(c))
        })
        && rest
            .iter()
            .any(|p| p.starts_with(|c: char| c.is_ascii_digit()))
}

/// Package arguments that name no version, judged by `pinned` once the Dockerfile's
/// variables are substituted (a build argument without a default counts as a version).
pub(crate) fn unpinned<'w>(
    ctx: &DockerfileCtx<'_>,
    ins: &Instruction,
    packages: impl Iterator<Item = &'w Word>,
    pinned: impl Fn(&str) -> bool,
) -> Vec<&'w Word> {
    let scope = scope_of(ctx.dockerfile, ins);
    packages
        .filter(|w| match package_text(w, &scope, ctx.dockerfile.escape) {
            PackageText::Known(t) | PackageText::Unknown(t) => !pinned(&t),
            PackageText::FromBuildArg => false,
        })
        .collect()
}

/// The variables visible at an instruction. An instruction outside any stage (a file
/// without FROM) also sees the ENV instructions before it; an ONBUILD trigger, which runs
/// in another build, sees only the ENV variables its image carries, not the ARGs.
pub(crate) fn scope_of(df: &Dockerfile, ins: &Instruction) -> Scope {
    let mut scope = df.scope_at(ins.index);
    if ins.stage.is_none() {
        for prev in df.instructions.iter().take(ins.index) {
            if let Detail::Env(pairs) = &prev.detail {
                for kv in pairs {
                    let value = scope.expand_lossy(&kv.value.value, df.escape);
                    scope.set(&kv.key.value, Some(value), VarKind::Env);
                }
            }
        }
    }
    if is_trigger(df, ins) {
        let mut env = Scope::default();
        for name in scope.names() {
            if scope.kind(name) == Some(VarKind::Env) {
                env.set(name, scope.get(name).map(str::to_owned), VarKind::Env);
            }
        }
        return env;
    }
    scope
}

/// `a`, `` `a` and `b` ``, `` `a`, `b` and `c` ``.
pub(crate) fn list_words(words: &[&Word]) -> String {
    let names: Vec<String> = words.iter().map(|w| format!("`{}`", w.value)).collect();
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// Whether a `RUN` has a cache or tmpfs mount whose target contains one of `fragments`.
pub(crate) fn has_cache_mount(ins: &Instruction, fragments: &[&str]) -> bool {
    let Detail::Run { mounts, .. } = &ins.detail else {
        return false;
    };
    mounts.iter().any(|m: &Mount| {
        matches!(m.kind.as_str(), "cache" | "tmpfs")
            && m.target
                .as_deref()
                .is_some_and(|t| fragments.iter().any(|f| t.contains(f)))
    })
}

/// Whether `ins` is the trigger of an ONBUILD (as [`DockerfileCtx::instructions`] yields
/// them): hadolint applies some rules to triggers and not others.
pub(crate) fn is_trigger(df: &Dockerfile, ins: &Instruction) -> bool {
    ins.kind != InstructionKind::Onbuild
        && df
            .instructions
            .get(ins.index)
            .is_some_and(|i| i.kind == InstructionKind::Onbuild)
}

/// The `RUN` instructions of the file in order, with the `RUN` triggers of ONBUILD
/// instructions when `triggers` is set.
pub(crate) fn runs<'a>(
    ctx: &'a DockerfileCtx<'a>,
    triggers: bool,
) -> impl Iterator<Item = &'a Instruction> + 'a {
    let df = ctx.dockerfile;
    ctx.instructions()
        .filter(move |i| i.kind == InstructionKind::Run && (triggers || !is_trigger(df, i)))
}

/// The values Trivy's Dockerfile checks read for a `RUN` (`run.Value`): the command
/// text of the shell form (continuations joined), or each element of the exec form.
pub(crate) fn trivy_run_values(ins: &Instruction) -> Vec<&str> {
    match ins.command() {
        Some(CommandForm::Shell(text)) => vec![text.value.as_str()],
        Some(CommandForm::Exec(words)) => words.iter().map(|w| w.value.as_str()).collect(),
        _ => Vec::new(),
    }
}

/// Whether an alias is a Trivy Dockerfile check id (`AVD-DS-0013`, `DS013`, `DS-0013`).
pub(crate) fn is_trivy_id(alias: &str) -> bool {
    alias.starts_with("AVD-DS-") || alias.starts_with("DS")
}

/// Splits a command text at `&&` with the blanks around it, as Trivy's
/// `regex.split("\s*&&\s*", …)` does.
pub(crate) fn split_and_and(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("&&") {
        parts.push(rest[..i].trim_end());
        rest = rest[i + 2..].trim_start();
    }
    parts.push(rest);
    parts
}

/// The span of the first line of an instruction (for secondary labels).
pub(crate) fn first_line(ctx: &DockerfileCtx<'_>, ins: &Instruction) -> Span {
    crate::context::first_line_span(ctx.file, ins)
}

/// The lines of the findings of rule `code` on a Dockerfile, for unit tests.
#[cfg(test)]
pub(crate) fn finding_lines(code: &str, text: &str) -> Vec<u32> {
    let input = crate::DockerfileInput::parse(bulwark_core::SourceFile::new("Dockerfile", text))
        .expect("the Dockerfile parses");
    let config = crate::Config::default();
    let opts = crate::ScanOptions {
        config: &config,
        today: jiff::civil::date(2026, 1, 1),
        schemas: &[],
    };
    crate::scan_dockerfiles(&[input], &opts)
        .into_iter()
        .flat_map(|r| r.findings)
        .filter(|f| f.rule == code)
        .map(|f| f.location.start_line)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commands(text: &str) -> Vec<(String, Vec<String>)> {
        let df = bulwark_dockerfile::parse(&format!("FROM a\nRUN {text}\n")).expect("parses");
        let script =
            bulwark_dockerfile::shell::analyze_run(&df, &df.instructions[1]).expect("a RUN");
        run_commands(&script)
            .iter()
            .map(|c| (c.name().to_owned(), c.args.iter().map(simplified).collect()))
            .collect()
    }

    #[test]
    fn names_are_literal_and_looked_through() {
        let names: Vec<String> = commands("$TOOL x && busybox wget y && exec -a n sudo z")
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert_eq!(names, ["wget", "sudo"]);
    }

    #[test]
    fn expansions_read_as_placeholders() {
        let c = commands("useradd -u \"$UID\" -g ${GID:-1} x-$(id -u)`a`");
        assert_eq!(c[0].1, ["-u", "${VAR}", "-g", "${VAR}", "x-${VAR}${VAR}"]);
    }

    #[test]
    fn rpm_versions_follow_the_first_dash() {
        for pinned in [
            "tomcat-9.2",
            "rpm-sign-4.16.1.3",
            "gcc-c++-1.1.1",
            "openssl-1:1.1.1k",
            "git-core-2.51.0-2.fc42",
            "/tmp/app.rpm",
        ] {
            assert!(rpm_version_pinned(pinned), "{pinned}");
        }
        for loose in ["tomcat", "rpm-sign", "nfs-utils", "git-core-${VAR}", "x-"] {
            assert!(!rpm_version_pinned(loose), "{loose}");
        }
    }

    #[test]
    fn shellcheck_stops_at_a_parenthesis_and_refuses_brackets() {
        let extent = |text: &str| {
            let df = bulwark_dockerfile::parse(&format!("FROM a\nRUN {text}\n")).expect("parses");
            let script =
                bulwark_dockerfile::shell::analyze_run(&df, &df.instructions[1]).expect("a RUN");
            shellcheck_extent(&script, df.source.text()).map(|cut| cut.min(999) as i64 - 11)
        };
        assert_eq!(extent("[ -e /etc/x ] && grep a /etc/x"), Some(988));
        assert_eq!(extent("[[ -n $A ]] || echo \"[x]\""), Some(988));
        assert_eq!(extent("wget x; Write-Host ('y' -f $z); echo"), Some(19));
        assert_eq!(extent("(a; echo (x))"), None);
        assert_eq!(
            extent("[Net.ServicePointManager]::SecurityProtocol = 'Tls12'"),
            None
        );
        assert_eq!(extent("if a; then b"), None);
        assert_eq!(extent("wget x; RUN if a; then b; fi"), Some(18));
    }

    #[test]
    fn cleanup_must_follow_the_last_install() {
        let uncleaned = |text: &str| {
            let df = bulwark_dockerfile::parse(&format!("FROM a\nRUN {text}\n")).expect("parses");
            let script =
                bulwark_dockerfile::shell::analyze_run(&df, &df.instructions[1]).expect("a RUN");
            let cmds = run_commands(&script);
            uncleaned_install(&cmds, "yum", &["install"], &["clean"], &["/var/cache/yum"]).is_some()
        };
        assert!(uncleaned("yum install -y a-1"));
        assert!(uncleaned("yum clean all && yum install -y a-1"));
        assert!(uncleaned(
            "yum install -y a-1 && yum clean all && yum install -y b-1"
        ));
        assert!(!uncleaned("yum install -y a-1 && yum clean all"));
        assert!(!uncleaned(
            "yum clean all; yum install -y a-1; rm -rf /var/cache/yum/*"
        ));
        assert!(uncleaned("yum install -y a-1 && rm -rf /tmp/*"));
        assert!(!uncleaned("dnf install -y a-1"));
    }

    #[test]
    fn and_and_splits_like_trivy() {
        assert_eq!(
            split_and_and("set -x&&  cd /tmp && make"),
            ["set -x", "cd /tmp", "make"]
        );
        assert_eq!(split_and_and("cd"), ["cd"]);
    }

    #[test]
    fn triggers_are_told_from_instructions() {
        let df = bulwark_dockerfile::parse("FROM a\nONBUILD RUN x\nRUN y\n").expect("parses");
        let onbuild = &df.instructions[1];
        let trigger = onbuild.trigger().expect("a trigger");
        assert!(is_trigger(&df, trigger));
        assert!(!is_trigger(&df, onbuild));
        assert!(!is_trigger(&df, &df.instructions[2]));
    }
}
