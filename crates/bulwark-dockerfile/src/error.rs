use bulwark_core::Span;

/// Why a Dockerfile (or one of its instructions) cannot be built as written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {kind}")]
pub struct ParseError {
    pub line: u32,
    pub column: u32,
    pub span: Span,
    pub kind: ParseErrorKind,
}

impl ParseError {
    pub(crate) fn new(span: Span, kind: ParseErrorKind) -> Self {
        ParseError {
            line: span.start_line,
            column: span.start_column,
            span,
            kind,
        }
    }
}

/// What is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseErrorKind {
    #[error("file with no instructions")]
    NoInstructions,
    #[error("only one `{0}` parser directive can be used")]
    DuplicateDirective(String),
    #[error("invalid escape token `{0}`: expected ` or \\")]
    InvalidEscape(String),
    #[error("unterminated heredoc `{name}` started at line {line}")]
    UnterminatedHeredoc { name: String, line: u32 },
    #[error("when using JSON array syntax, arrays must be comprised of strings only")]
    JsonNotStringArray,
    #[error("{0} must have two arguments")]
    KeyValueNeedsTwoArguments(&'static str),
    #[error("can't find `=` in `{word}`: {instruction} must be of the form name=value")]
    MissingEquals {
        instruction: &'static str,
        word: String,
    },
    #[error("{0} requires at least one argument")]
    AtLeastOneArgument(&'static str),
    #[error("{0} requires exactly one argument")]
    ExactlyOneArgument(&'static str),
    #[error(
        "{0} requires at least two arguments, but only one was provided: a destination could not be found"
    )]
    NoDestination(&'static str),
    #[error("{0} names can not be blank")]
    BlankName(&'static str),
    #[error("FROM requires an image")]
    FromRequiresImage,
    #[error("FROM requires either one or three arguments (`FROM image [AS name]`)")]
    FromArguments,
    #[error(
        "invalid name for build stage `{0}`: name can't start with a number or contain symbols"
    )]
    InvalidStageName(String),
    #[error("unknown flag `--{flag}` for {instruction}")]
    UnknownFlag {
        flag: String,
        instruction: &'static str,
    },
    #[error("duplicate flag `--{0}`")]
    DuplicateFlag(String),
    #[error("unknown instruction `{0}`")]
    UnknownInstruction(String),
    #[error("{0} instruction before the first FROM: no build stage in current context")]
    NoStage(&'static str),
    #[error("chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed")]
    OnbuildOnbuild,
    #[error("{0} isn't allowed as an ONBUILD trigger")]
    OnbuildTrigger(String),
    #[error("HEALTHCHECK NONE takes no arguments")]
    HealthcheckNoneArgs,
    #[error("missing command after HEALTHCHECK CMD")]
    HealthcheckMissingCommand,
    #[error("unknown type `{0}` in HEALTHCHECK (expected CMD or NONE)")]
    HealthcheckType(String),
    #[error("invalid value for `--{flag}`: {reason}")]
    InvalidFlagValue { flag: String, reason: String },
    #[error("SHELL requires the arguments to be in JSON form")]
    ShellNotJson,
    #[error("{instruction} requires {what}, not a heredoc")]
    BadHeredoc {
        instruction: &'static str,
        what: &'static str,
    },
    #[error("variable expansion: {0}")]
    Expansion(String),
}
