//! The parsed form of a Dockerfile: directives, instructions (flat, in order), stages.

use bulwark_core::Span;

use crate::error::ParseError;
use crate::expand::Scope;

/// A parsed Dockerfile.
#[derive(Debug, Clone)]
pub struct Dockerfile {
    /// Parser directives (`# syntax=`, `# escape=`, `# check=`) from the top of the file.
    pub directives: Vec<Directive>,
    /// The escape character: `\` or, with `# escape=\``, a backtick.
    pub escape: char,
    /// Every instruction, in file order (ONBUILD triggers are nested in their ONBUILD).
    pub instructions: Vec<Instruction>,
    /// Build stages, one per FROM, in order.
    pub stages: Vec<Stage>,
    /// Indexes (into `instructions`) of the ARG instructions before the first FROM.
    pub global_args: Vec<usize>,
    /// Instruction-level errors BuildKit would refuse the file for; the offending
    /// instruction is kept (with what could be understood of it).
    pub errors: Vec<ParseError>,
    /// Warnings that do not stop a build (empty continuation lines).
    pub warnings: Vec<Warning>,
    /// The text parsed, for positions and snippets.
    pub source: bulwark_core::SourceFile,
}

/// A parser directive such as `# syntax=docker/dockerfile:1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// Lower-case name: `syntax`, `escape` or `check`.
    pub name: String,
    pub value: String,
    /// The whole directive line.
    pub span: Span,
    pub value_span: Span,
}

/// A non-fatal remark of the parser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub message: String,
    pub span: Span,
}

/// The instruction keywords BuildKit knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InstructionKind {
    Add,
    Arg,
    Cmd,
    Copy,
    Entrypoint,
    Env,
    Expose,
    From,
    Healthcheck,
    Label,
    Maintainer,
    Onbuild,
    Run,
    Shell,
    StopSignal,
    User,
    Volume,
    Workdir,
    /// Not a Dockerfile instruction (BuildKit refuses it when building).
    Unknown,
}

impl InstructionKind {
    /// The kind for a keyword, case-insensitively.
    pub fn from_keyword(keyword: &str) -> InstructionKind {
        match keyword.to_ascii_lowercase().as_str() {
            "add" => InstructionKind::Add,
            "arg" => InstructionKind::Arg,
            "cmd" => InstructionKind::Cmd,
            "copy" => InstructionKind::Copy,
            "entrypoint" => InstructionKind::Entrypoint,
            "env" => InstructionKind::Env,
            "expose" => InstructionKind::Expose,
            "from" => InstructionKind::From,
            "healthcheck" => InstructionKind::Healthcheck,
            "label" => InstructionKind::Label,
            "maintainer" => InstructionKind::Maintainer,
            "onbuild" => InstructionKind::Onbuild,
            "run" => InstructionKind::Run,
            "shell" => InstructionKind::Shell,
            "stopsignal" => InstructionKind::StopSignal,
            "user" => InstructionKind::User,
            "volume" => InstructionKind::Volume,
            "workdir" => InstructionKind::Workdir,
            _ => InstructionKind::Unknown,
        }
    }

    /// The upper-case keyword (`UNKNOWN` for unknown instructions).
    pub fn as_str(self) -> &'static str {
        match self {
            InstructionKind::Add => "ADD",
            InstructionKind::Arg => "ARG",
            InstructionKind::Cmd => "CMD",
            InstructionKind::Copy => "COPY",
            InstructionKind::Entrypoint => "ENTRYPOINT",
            InstructionKind::Env => "ENV",
            InstructionKind::Expose => "EXPOSE",
            InstructionKind::From => "FROM",
            InstructionKind::Healthcheck => "HEALTHCHECK",
            InstructionKind::Label => "LABEL",
            InstructionKind::Maintainer => "MAINTAINER",
            InstructionKind::Onbuild => "ONBUILD",
            InstructionKind::Run => "RUN",
            InstructionKind::Shell => "SHELL",
            InstructionKind::StopSignal => "STOPSIGNAL",
            InstructionKind::User => "USER",
            InstructionKind::Volume => "VOLUME",
            InstructionKind::Workdir => "WORKDIR",
            InstructionKind::Unknown => "UNKNOWN",
        }
    }
}

/// A piece of text of the Dockerfile and where it is. `value` is the text after the
/// Dockerfile parser's processing (continuations joined, for flags quotes removed);
/// `span` covers the source text it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned {
    pub value: String,
    pub span: Span,
}

impl Spanned {
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

/// A builder flag such as `--mount=type=cache,target=/root/.cache`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    /// Name without the leading `--`.
    pub name: String,
    /// Value after `=`, quotes removed; `None` for a bare `--link`.
    pub value: Option<String>,
    /// The whole flag.
    pub span: Span,
    pub name_span: Span,
    pub value_span: Option<Span>,
}

/// How a command-taking instruction (RUN, CMD, ENTRYPOINT, SHELL, HEALTHCHECK CMD) is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandForm {
    /// `RUN apt-get update`: run through the stage's shell.
    Shell(Spanned),
    /// `CMD ["nginx", "-g", "daemon off;"]`: JSON array, no shell.
    Exec(Vec<Spanned>),
    /// Nothing given.
    Empty,
}

impl CommandForm {
    pub fn is_exec(&self) -> bool {
        matches!(self, CommandForm::Exec(_))
    }
}

/// A heredoc attached to RUN/COPY/ADD: `<<EOF`, `<<-EOF`, `<<"EOF"`, `3<<EOF`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    /// Delimiter word with quotes removed.
    pub name: String,
    /// The `<<EOF` word in the instruction line.
    pub marker_span: Span,
    /// File descriptor before `<<` (0 when absent).
    pub fd: u32,
    /// False when the delimiter was quoted: the body is taken literally.
    pub expand: bool,
    /// `<<-`: leading tabs are stripped from the body and terminator.
    pub chomp: bool,
    /// Body as written (lines with their line breaks, tabs not yet stripped).
    pub content: String,
    /// Where the body is in the file (contiguous; empty span at the terminator when empty).
    pub content_span: Span,
    /// The terminator line.
    pub terminator_span: Span,
}

impl Heredoc {
    /// The body as BuildKit hands it on: leading tabs stripped from each line for `<<-`.
    pub fn body(&self) -> String {
        if !self.chomp {
            return self.content.clone();
        }
        let mut out = String::with_capacity(self.content.len());
        for line in self.content.split_inclusive('\n') {
            out.push_str(line.trim_start_matches('\t'));
        }
        out
    }
}

/// A `KEY=value` (or legacy `KEY value`) pair of ENV or LABEL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyValue {
    /// Key as written (quotes kept, as BuildKit keeps them before expansion).
    pub key: Spanned,
    /// Value as written (quotes and escapes kept; see [`crate::Scope::expand`]).
    pub value: Spanned,
    /// False for the legacy `ENV key value` form.
    pub uses_equals: bool,
}

/// One name of an ARG instruction: `ARG NAME` or `ARG NAME=default`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgDecl {
    pub name: Spanned,
    /// Default value as written, if any.
    pub default: Option<Spanned>,
}

/// A `RUN --mount=...` specification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mount {
    /// `bind` (the default), `cache`, `tmpfs`, `secret` or `ssh`.
    pub kind: String,
    pub target: Option<String>,
    pub source: Option<String>,
    pub from: Option<String>,
    pub id: Option<String>,
    /// Every `key[=value]` field as written, in order (including those above).
    pub options: Vec<(String, Option<String>)>,
    /// Span of the `--mount` flag.
    pub span: Span,
}

/// What an image or `--from` reference points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StageRef {
    /// An earlier stage, by index into [`Dockerfile::stages`].
    Stage(usize),
    /// An image reference (after ARG expansion).
    Image(String),
}

/// HEALTHCHECK as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Healthcheck {
    /// `HEALTHCHECK NONE`.
    None,
    /// `HEALTHCHECK [--interval=..] CMD ...`.
    Cmd(CommandForm),
    /// Nothing after HEALTHCHECK, or an unknown type (both refused by BuildKit).
    Invalid,
}

/// The instruction-specific part of an instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Detail {
    From {
        /// Image as written (before ARG expansion).
        image: Spanned,
        /// Stage name as written (`AS name`), if any.
        name: Option<Spanned>,
        /// The `--platform` flag value, if any.
        platform: Option<String>,
    },
    Run {
        command: CommandForm,
        mounts: Vec<Mount>,
        network: Option<String>,
        security: Option<String>,
    },
    Cmd(CommandForm),
    Entrypoint(CommandForm),
    /// SHELL's JSON array (SHELL must be in exec form).
    Shell(CommandForm),
    Healthcheck(Healthcheck),
    Copy {
        sources: Vec<Spanned>,
        dest: Option<Spanned>,
        /// `--from` value as written.
        from: Option<Spanned>,
        chown: Option<String>,
        chmod: Option<String>,
        link: bool,
    },
    Add {
        sources: Vec<Spanned>,
        dest: Option<Spanned>,
        chown: Option<String>,
        chmod: Option<String>,
        checksum: Option<String>,
        link: bool,
    },
    Env(Vec<KeyValue>),
    Label(Vec<KeyValue>),
    Arg(Vec<ArgDecl>),
    Expose(Vec<Spanned>),
    User(Spanned),
    Workdir(Spanned),
    StopSignal(Spanned),
    Volume(Vec<Spanned>),
    Maintainer(Spanned),
    /// ONBUILD and its parsed trigger.
    Onbuild(Box<Instruction>),
    /// An instruction that could not be understood (see [`Dockerfile::errors`]).
    None,
}

/// One instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    pub kind: InstructionKind,
    /// The keyword as written (`run`, `Run`...).
    pub keyword: String,
    pub keyword_span: Span,
    pub flags: Vec<Flag>,
    /// The arguments as BuildKit's AST holds them (JSON arrays decoded, ENV/LABEL as
    /// key, value, separator triples), each with its span.
    pub args: Vec<Spanned>,
    /// True when the arguments were a JSON array (exec form).
    pub json: bool,
    /// Everything after the keyword and flags, joined, with its span.
    pub rest: Spanned,
    pub heredocs: Vec<Heredoc>,
    pub detail: Detail,
    /// From the keyword to the end of the last line (heredoc terminators included).
    pub span: Span,
    /// First and last line, 1-based, inclusive.
    pub start_line: u32,
    pub end_line: u32,
    /// Index of the stage this instruction belongs to (`None` for ARGs before the first FROM).
    pub stage: Option<usize>,
    /// Index in [`Dockerfile::instructions`] (for an ONBUILD trigger, its ONBUILD's).
    pub index: usize,
    /// The joined logical line and where `rest` starts in it (maps text back to the file).
    pub(crate) logical: std::sync::Arc<crate::lines::Logical>,
    pub(crate) rest_offset: usize,
}

impl Instruction {
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
    }

    /// The command of RUN/CMD/ENTRYPOINT/SHELL/HEALTHCHECK CMD.
    pub fn command(&self) -> Option<&CommandForm> {
        match &self.detail {
            Detail::Run { command, .. } => Some(command),
            Detail::Cmd(c) | Detail::Entrypoint(c) | Detail::Shell(c) => Some(c),
            Detail::Healthcheck(Healthcheck::Cmd(c)) => Some(c),
            _ => None,
        }
    }

    /// The ONBUILD trigger, if this is ONBUILD.
    pub fn trigger(&self) -> Option<&Instruction> {
        match &self.detail {
            Detail::Onbuild(i) => Some(i),
            _ => None,
        }
    }
}

/// A build stage: a FROM and the instructions up to the next FROM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    pub index: usize,
    /// Lower-cased stage name (`FROM x AS Name` → `name`).
    pub name: Option<String>,
    /// The base image as written.
    pub image: Spanned,
    /// The base image after expanding global ARGs (defaults only).
    pub image_expanded: String,
    /// What the base refers to: an earlier stage or an image.
    pub base: StageRef,
    pub platform: Option<String>,
    /// Index of the FROM instruction.
    pub from_instruction: usize,
    /// Indexes of this stage's instructions (FROM included).
    pub instructions: Vec<usize>,
}

impl Dockerfile {
    /// The stage with this name (case-insensitive) or index (`"0"`), as `--from` resolves it.
    pub fn resolve_stage(&self, reference: &str, before: usize) -> Option<usize> {
        let lower = reference.to_ascii_lowercase();
        if let Some(s) = self.stages[..before.min(self.stages.len())]
            .iter()
            .rev()
            .find(|s| s.name.as_deref() == Some(lower.as_str()))
        {
            return Some(s.index);
        }
        if let Ok(i) = reference.parse::<usize>()
            && i < before.min(self.stages.len())
        {
            return Some(i);
        }
        None
    }

    /// What a `COPY --from` of an instruction refers to (a stage or an image).
    pub fn copy_from(&self, instruction: &Instruction) -> Option<StageRef> {
        let Detail::Copy {
            from: Some(from), ..
        } = &instruction.detail
        else {
            return None;
        };
        let scope = self.scope_at(instruction.index);
        let value = scope.expand_lossy(&from.value, self.escape);
        let stage = instruction.stage.unwrap_or(0);
        Some(match self.resolve_stage(&value, stage) {
            Some(i) => StageRef::Stage(i),
            None => StageRef::Image(value),
        })
    }

    /// The variables (ARG and ENV) visible at instruction `index`, for expanding its words.
    pub fn scope_at(&self, index: usize) -> Scope {
        crate::expand::scope_at(self, index)
    }

    /// The shell of the stage at instruction `index` (the last SHELL before it in the
    /// stage, following stage bases), or `["/bin/sh", "-c"]`.
    pub fn shell_at(&self, index: usize) -> Vec<String> {
        let default = vec!["/bin/sh".to_string(), "-c".to_string()];
        let Some(stage) = self.instructions.get(index).and_then(|i| i.stage) else {
            return default;
        };
        let mut stage_idx = Some(stage);
        let mut limit = index;
        while let Some(si) = stage_idx {
            let Some(st) = self.stages.get(si) else { break };
            for &i in st.instructions.iter().rev() {
                if i >= limit {
                    continue;
                }
                if let Some(Detail::Shell(CommandForm::Exec(words))) =
                    self.instructions.get(i).map(|x| &x.detail)
                {
                    return words.iter().map(|w| w.value.clone()).collect();
                }
            }
            stage_idx = match st.base {
                StageRef::Stage(b) if b < si => Some(b),
                _ => None,
            };
            limit = usize::MAX;
        }
        default
    }
}
