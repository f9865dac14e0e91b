use std::path::PathBuf;

/// What can go wrong while cataloguing or reading an SBOM.
#[derive(Debug, thiserror::Error)]
pub enum SbomError {
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error("`{0}` is not a folder")]
    NotADirectory(PathBuf),
    /// Reading the image failed.
    #[error(transparent)]
    Image(#[from] bulwark_oci::Error),
    /// An SBOM document that cannot be read.
    #[error("{path}: {message}")]
    Document { path: String, message: String },
}

/// A problem with one file that did not stop the catalogue: the file is skipped and the
/// problem reported beside the SBOM.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Warning {
    pub path: String,
    pub message: String,
}
