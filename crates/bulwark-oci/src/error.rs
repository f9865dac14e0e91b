//! The one error type of the crate: every variant names what was being read (a file, a blob,
//! a layer entry) and what was expected there.

use std::io;

/// What went wrong while reading an image or a root filesystem.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing failed; `what` names the file, blob or layer.
    #[error("{what}: {source}")]
    Io {
        /// The file, blob or layer being read.
        what: String,
        /// The underlying error.
        source: io::Error,
    },
    /// The input does not have the expected format.
    #[error("{what}: {message}")]
    Malformed {
        /// The file, blob or layer being read.
        what: String,
        /// What was found and what was expected.
        message: String,
    },
    /// The input exceeds a bound of [`crate::Limits`].
    #[error("{what}: {message}")]
    LimitExceeded {
        /// The file, blob or layer being read.
        what: String,
        /// Which bound, and its value.
        message: String,
    },
    /// An archive entry (or a link) points outside the root of the image.
    #[error("{what}: entry `{entry}` escapes the root")]
    PathEscape {
        /// The layer or archive holding the entry.
        what: String,
        /// The entry's name as stored.
        entry: String,
    },
    /// A blob's content does not match its digest.
    #[error("{what}: digest mismatch: expected {expected}, got {actual}")]
    DigestMismatch {
        /// The blob.
        what: String,
        /// The digest the manifest names.
        expected: String,
        /// The digest of the bytes read.
        actual: String,
    },
    /// Something the input refers to is missing.
    #[error("{what}: {message}")]
    NotFound {
        /// Where it was looked for.
        what: String,
        /// What is missing.
        message: String,
    },
    /// A target or option the user wrote is not valid.
    #[error("{0}")]
    Usage(String),
    /// A registry request failed.
    #[error("{what}: {message}")]
    Registry {
        /// The registry URL or reference.
        what: String,
        /// What the registry answered, or why the request failed.
        message: String,
    },
}

impl Error {
    pub(crate) fn io(what: impl Into<String>, source: io::Error) -> Self {
        Error::Io {
            what: what.into(),
            source,
        }
    }

    pub(crate) fn malformed(what: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Malformed {
            what: what.into(),
            message: message.into(),
        }
    }

    pub(crate) fn limit(what: impl Into<String>, message: impl Into<String>) -> Self {
        Error::LimitExceeded {
            what: what.into(),
            message: message.into(),
        }
    }

    pub(crate) fn not_found(what: impl Into<String>, message: impl Into<String>) -> Self {
        Error::NotFound {
            what: what.into(),
            message: message.into(),
        }
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
