//! Errors, worded as Go's `text/template` words them (Helm shows these strings to users and
//! re-parses some of them).

/// A template failed to parse: `template: NAME:LINE: message`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    message: String,
}

impl ParseError {
    pub(crate) fn new(message: String) -> ParseError {
        ParseError { message }
    }

    /// The whole message, as Go prints it.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// What kind of execution failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExecErrorKind {
    /// A Go execution error (bad field, wrong type, failed comparison, …).
    Template,
    /// A function returned an error (`error calling NAME: …`).
    Function,
    /// A resource limit of [`crate::Limits`] was reached.
    Limit,
}

/// A template failed while executing:
/// `template: NAME:LINE:COL: executing "NAME" at <NODE>: message`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ExecError {
    /// Name of the template that was executing.
    pub template: String,
    /// The whole message, as Go prints it.
    pub message: String,
    /// Kind of failure.
    pub kind: ExecErrorKind,
}

/// Any error of this crate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// Parsing failed.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// Execution failed.
    #[error(transparent)]
    Exec(#[from] ExecError),
}

/// An error returned by a template function; the executor reports it as
/// `error calling NAME: MESSAGE`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct FuncError {
    /// The message (for a nested template failure, that template's whole error text).
    pub message: String,
    /// A resource limit was hit inside the function (kept as a limit error outside).
    pub limit: bool,
}

impl FuncError {
    /// A plain function error.
    pub fn new(message: impl Into<String>) -> FuncError {
        FuncError {
            message: message.into(),
            limit: false,
        }
    }
}

impl From<Error> for FuncError {
    fn from(e: Error) -> FuncError {
        let limit = matches!(&e, Error::Exec(x) if x.kind == ExecErrorKind::Limit);
        FuncError {
            message: e.to_string(),
            limit,
        }
    }
}
