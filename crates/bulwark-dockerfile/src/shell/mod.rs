//! POSIX shell analysis of `RUN`: commands with their argv words (quotes and escapes
//! removed, each with its span in the Dockerfile), pipelines, `&&`/`||`/`;`/`&`, subshells,
//! groups, redirections, assignments, `if`/`for`/`while`/`case`, functions and command
//! substitutions (whose commands are analysed too), and `RUN <<EOF` heredoc scripts.
//!
//! The parser is deliberately forgiving: a script it cannot fully understand still yields
//! the commands it could read, with [`ShellScript::errors`] saying what went wrong.

mod parser;

use std::sync::Arc;

use bulwark_core::{SourceFile, Span};

use crate::lines::Logical;
use crate::model::{CommandForm, Detail, Dockerfile, Instruction, InstructionKind};

pub use parser::parse_script;

/// Maps offsets of a script text back to the Dockerfile.
#[derive(Debug, Clone)]
pub struct TextMap {
    inner: MapKind,
    source: SourceFile,
}

#[derive(Debug, Clone)]
enum MapKind {
    /// A piece of a logical line (continuations joined).
    Logical(Arc<Logical>, usize),
    /// A contiguous piece of the file (heredoc bodies) starting at this offset.
    Contiguous(usize),
}

impl TextMap {
    /// A map for a text that is the file itself from `offset` on.
    pub fn contiguous(source: SourceFile, offset: usize) -> Self {
        TextMap {
            inner: MapKind::Contiguous(offset),
            source,
        }
    }

    fn file_range(&self, a: usize, b: usize) -> (usize, usize) {
        match &self.inner {
            MapKind::Logical(l, base) => l.file_range(base + a, base + b),
            MapKind::Contiguous(base) => (base + a, base + b),
        }
    }

    pub fn span(&self, a: usize, b: usize) -> Span {
        let (s, e) = self.file_range(a, b);
        self.source.span(s, e)
    }
}

/// A word of a command: `value` has quotes and escapes removed (expansions are kept as
/// written, e.g. `$HOME`), `raw` is the text as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub value: String,
    pub raw: String,
    pub span: Span,
    /// Some part was quoted.
    pub quoted: bool,
    /// Contains `$`, `${}`, `$()` or backticks outside single quotes.
    pub has_expansion: bool,
}

impl Word {
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

/// How a command is joined to the one before it in its list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connector {
    And,
    Or,
    Seq,
    Background,
    Pipe,
}

/// A redirection such as `> /dev/null`, `2>&1`, `<<EOF`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    pub fd: Option<u32>,
    /// `>`, `>>`, `<`, `<<`, `<<-`, `<<<`, `>&`, `<&`, `&>`, `&>>`, `<>`, `>|`.
    pub op: String,
    pub target: Word,
    pub span: Span,
}

/// One simple command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// argv: the command name and its arguments.
    pub words: Vec<Word>,
    /// `A=b` prefixes.
    pub assignments: Vec<Word>,
    pub redirects: Vec<Redirect>,
    pub span: Span,
    /// Pipeline this command belongs to (index into [`ShellScript::pipelines`]).
    pub pipeline: usize,
    /// Position within its pipeline (0 for the first or only command).
    pub pipeline_position: usize,
    /// The connector before this command's pipeline (`None` for the first of a list).
    pub connector: Option<Connector>,
    /// Nesting: inside `$(...)`/backticks.
    pub in_substitution: bool,
    /// Nesting: inside `( ... )`.
    pub in_subshell: bool,
    /// Inside an `if`/`while`/`until` condition.
    pub in_condition: bool,
    /// Pipeline negated with `!`.
    pub negated: bool,
}

impl Command {
    /// The command name (`None` for a command of only assignments/redirections).
    pub fn name(&self) -> Option<&str> {
        self.words.first().map(|w| w.value.as_str())
    }

    /// The base name of the command (`/usr/bin/apt-get` → `apt-get`).
    pub fn base_name(&self) -> Option<&str> {
        self.name().map(|n| n.rsplit('/').next().unwrap_or(n))
    }

    /// Whether the command is `name` (by base name).
    pub fn is(&self, name: &str) -> bool {
        self.base_name() == Some(name)
    }

    /// Arguments after the name.
    pub fn args(&self) -> &[Word] {
        self.words.get(1..).unwrap_or(&[])
    }

    /// Whether a flag is given: `--long` (also `--long=value`), `-x` (also inside a
    /// cluster such as `-qy`), or any other exact word.
    pub fn has_flag(&self, flag: &str) -> bool {
        self.args().iter().any(|w| word_has_flag(&w.value, flag))
    }

    pub fn has_any_flag(&self, flags: &[&str]) -> bool {
        flags.iter().any(|f| self.has_flag(f))
    }

    /// The word that is `flag`, if given.
    pub fn flag_word(&self, flag: &str) -> Option<&Word> {
        self.args().iter().find(|w| word_has_flag(&w.value, flag))
    }

    /// Value of `--flag=value`, `--flag value` or `-f value`.
    pub fn flag_value(&self, flag: &str) -> Option<&str> {
        let args = self.args();
        for (i, w) in args.iter().enumerate() {
            if let Some(v) = w.value.strip_prefix(flag).and_then(|r| r.strip_prefix('=')) {
                return Some(v);
            }
            if w.value == flag {
                return args.get(i + 1).map(|n| n.value.as_str());
            }
        }
        None
    }

    /// Arguments that are not flags (do not start with `-`).
    pub fn positional_args(&self) -> impl Iterator<Item = &Word> {
        self.args().iter().filter(|w| !w.value.starts_with('-'))
    }

    /// The first positional argument (`apt-get -y install x` → `install`).
    pub fn subcommand(&self) -> Option<&str> {
        self.positional_args().next().map(|w| w.value.as_str())
    }

    /// The arguments after the first word equal to `sub` (`apt-get install -y a b` with
    /// `install` → `-y a b`), or `None` when `sub` is not an argument.
    pub fn args_after_subcommand(&self, sub: &str) -> Option<&[Word]> {
        let args = self.args();
        let i = args.iter().position(|w| w.value == sub)?;
        Some(&args[i + 1..])
    }

    /// Positional arguments after `sub` (the packages of `apt-get install`).
    pub fn packages_after(&self, sub: &str) -> Vec<&Word> {
        self.args_after_subcommand(sub)
            .map(|a| a.iter().filter(|w| !w.value.starts_with('-')).collect())
            .unwrap_or_default()
    }
}

fn word_has_flag(word: &str, flag: &str) -> bool {
    if word == flag {
        return true;
    }
    if flag.starts_with("--") {
        return word.strip_prefix(flag).is_some_and(|r| r.starts_with('='));
    }
    if let Some(letter) = flag.strip_prefix('-')
        && letter.chars().count() == 1
        && let Some(cluster) = word.strip_prefix('-')
        && !cluster.starts_with('-')
        && cluster.chars().all(|c| c.is_ascii_alphanumeric())
    {
        return cluster.contains(letter);
    }
    false
}

/// A pipeline: commands joined by `|`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pipeline {
    /// Indexes into [`ShellScript::commands`] in order.
    pub commands: Vec<usize>,
}

/// The analysed script of one RUN (or heredoc).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellScript {
    /// False when the stage's SHELL is not a POSIX shell (PowerShell, cmd): no commands.
    pub posix: bool,
    /// The shell that runs the script.
    pub shell: Vec<String>,
    pub(crate) commands: Vec<Command>,
    pub pipelines: Vec<Pipeline>,
    /// Every pipe operator (`|`, `|&`), nested scripts included, in source order.
    pub pipes: Vec<Span>,
    /// What the parser could not understand.
    pub errors: Vec<ShellError>,
}

/// The message of the error for a `(` right after a command's words (`echo (x)`), which
/// ends a script for parsers that stop at the first syntax error they cannot get past.
pub const PAREN_AFTER_COMMAND: &str = "unexpected `(` after a command";

/// Something the shell parser could not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ShellError {
    pub message: String,
    pub span: Span,
}

impl ShellScript {
    /// Every simple command, in source order (nested ones included).
    pub fn commands(&self) -> impl Iterator<Item = &Command> {
        self.commands.iter()
    }

    /// Commands whose base name is `name`.
    pub fn find<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Command> + 'a {
        self.commands.iter().filter(move |c| c.is(name))
    }

    pub fn uses(&self, name: &str) -> bool {
        self.find(name).next().is_some()
    }

    /// The commands of a pipeline.
    pub fn pipeline_of(&self, cmd: &Command) -> impl Iterator<Item = &Command> {
        self.pipelines
            .get(cmd.pipeline)
            .into_iter()
            .flat_map(|p| p.commands.iter())
            .filter_map(|&i| self.commands.get(i))
    }

    /// The command `cmd` pipes its output into, if any.
    pub fn piped_to(&self, cmd: &Command) -> Option<&Command> {
        self.pipeline_of(cmd).nth(cmd.pipeline_position + 1)
    }

    /// The command whose output `cmd` reads, if any.
    pub fn piped_from(&self, cmd: &Command) -> Option<&Command> {
        let pos = cmd.pipeline_position.checked_sub(1)?;
        self.pipeline_of(cmd).nth(pos)
    }

    fn merge(&mut self, other: ShellScript) {
        let base_c = self.commands.len();
        let base_p = self.pipelines.len();
        for mut c in other.commands {
            c.pipeline += base_p;
            self.commands.push(c);
        }
        for p in other.pipelines {
            self.pipelines.push(Pipeline {
                commands: p.commands.iter().map(|i| i + base_c).collect(),
            });
        }
        self.pipes.extend(other.pipes);
        self.errors.extend(other.errors);
    }
}

fn is_posix_shell(shell: &[String]) -> bool {
    let Some(first) = shell.first() else {
        return true;
    };
    let base = first
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(first)
        .to_ascii_lowercase();
    let base = base.strip_suffix(".exe").unwrap_or(&base);
    !matches!(base, "powershell" | "pwsh" | "cmd")
}

fn is_shell_name(name: &str) -> bool {
    let base = name.rsplit('/').next().unwrap_or(name);
    matches!(base, "sh" | "bash" | "ash" | "dash" | "zsh" | "ksh")
}

/// Analyse a RUN instruction (or an ONBUILD RUN trigger). `None` for other instructions.
pub fn analyze_run(df: &Dockerfile, ins: &Instruction) -> Option<ShellScript> {
    let ins = match ins.kind {
        InstructionKind::Onbuild => ins.trigger()?,
        _ => ins,
    };
    let Detail::Run { command, .. } = &ins.detail else {
        return None;
    };
    let shell = df.shell_at(ins.index);
    let posix = is_posix_shell(&shell);
    let mut script = ShellScript {
        posix,
        shell: shell.clone(),
        commands: Vec::new(),
        pipelines: Vec::new(),
        pipes: Vec::new(),
        errors: Vec::new(),
    };
    if !posix {
        return Some(script);
    }
    match command {
        CommandForm::Exec(words) => {
            if words.is_empty() {
                return Some(script);
            }
            let cmd = Command {
                words: words
                    .iter()
                    .map(|w| Word {
                        value: w.value.clone(),
                        raw: w.value.clone(),
                        span: w.span,
                        quoted: true,
                        has_expansion: false,
                    })
                    .collect(),
                assignments: Vec::new(),
                redirects: Vec::new(),
                span: words[0].span.to(words[words.len() - 1].span),
                pipeline: 0,
                pipeline_position: 0,
                connector: None,
                in_substitution: false,
                in_subshell: false,
                in_condition: false,
                negated: false,
            };
            script.commands.push(cmd);
            script.pipelines.push(Pipeline { commands: vec![0] });
        }
        CommandForm::Shell(text) => {
            let map = TextMap {
                inner: MapKind::Logical(ins.logical.clone(), ins.rest_offset),
                source: df.source.clone(),
            };
            let line = parse_script(&text.value, &map);
            let only_markers = line.commands.iter().all(|c| c.words.is_empty())
                || line
                    .commands
                    .first()
                    .and_then(|c| c.name())
                    .is_some_and(is_shell_name);
            script.merge(line);
            if only_markers {
                for h in &ins.heredocs {
                    let map = TextMap::contiguous(df.source.clone(), h.content_span.start);
                    script.merge(parse_script(&h.content, &map));
                }
            }
        }
        CommandForm::Empty => {}
    }
    Some(script)
}

/// Analyse the text of a RUN instruction (or an ONBUILD RUN trigger) as a POSIX script
/// whatever the stage's SHELL, the way linters that assume `/bin/sh` read every RUN
/// (hadolint hands each one to ShellCheck): a PowerShell or `cmd` RUN is read as if it were
/// shell text, and the words of the exec form are read as one command line
/// (`["sh", "-c", "curl x | sh"]` as `sh -c curl x | sh`). `posix` and `shell` still tell
/// the stage's real shell. `None` for other instructions.
pub fn analyze_run_text(df: &Dockerfile, ins: &Instruction) -> Option<ShellScript> {
    let ins = match ins.kind {
        InstructionKind::Onbuild => ins.trigger()?,
        _ => ins,
    };
    let Detail::Run { command, .. } = &ins.detail else {
        return None;
    };
    let shell = df.shell_at(ins.index);
    let posix = is_posix_shell(&shell);
    let mut script = ShellScript {
        posix,
        shell,
        commands: Vec::new(),
        pipelines: Vec::new(),
        pipes: Vec::new(),
        errors: Vec::new(),
    };
    let logical = TextMap {
        inner: MapKind::Logical(ins.logical.clone(), ins.rest_offset),
        source: df.source.clone(),
    };
    match command {
        CommandForm::Shell(text) => {
            script.merge(parse_script(&text.value, &logical));
            let only_markers = script.commands.iter().all(|c| c.words.is_empty())
                || script
                    .commands
                    .first()
                    .and_then(|c| c.name())
                    .is_some_and(is_shell_name);
            if only_markers {
                for h in &ins.heredocs {
                    let map = TextMap::contiguous(df.source.clone(), h.content_span.start);
                    script.merge(parse_script(&h.content, &map));
                }
            }
        }
        CommandForm::Exec(words) => {
            let json = ins.logical.text.get(ins.rest_offset..).unwrap_or_default();
            match exec_overlay(json) {
                // The words keep their places in the line, so spans stay exact.
                Some(text) => script.merge(parse_script(&text, &logical)),
                None => {
                    let text: Vec<&str> = words.iter().map(|w| w.value.as_str()).collect();
                    let start = words.first().map_or(ins.rest.span.start, |w| w.span.start);
                    let map = TextMap::contiguous(df.source.clone(), start);
                    script.merge(parse_script(&text.join(" "), &map));
                }
            }
        }
        CommandForm::Empty => {}
    }
    Some(script)
}

/// The text of a JSON array of strings with everything but the strings' contents blanked
/// out, byte for byte: `["sh", "-c", "a | b"]` → `  sh    -c    a | b  `. `None` when a
/// string has an escape (its text would differ from its value).
fn exec_overlay(json: &str) -> Option<String> {
    let bytes = json.as_bytes();
    let mut out = vec![b' '; bytes.len()];
    let mut in_string = false;
    for (i, &b) in bytes.iter().enumerate() {
        match (in_string, b) {
            (_, b'\\') => return None,
            (_, b'"') => in_string = !in_string,
            (true, _) => out[i] = b,
            (false, _) => {}
        }
    }
    String::from_utf8(out).ok()
}
