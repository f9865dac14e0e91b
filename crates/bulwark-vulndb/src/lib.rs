//! `bulwark-vulndb` owns the offline advisory database: importing advisory sources (OSV JSON
//! and YAML including GHSA records, RustSec, Alpine/Wolfi secdb, the Debian security tracker,
//! the Ubuntu CVE tracker) from folders and archives, downloading OSV ecosystem exports,
//! storing them in one SQLite file, matching packages against them with each ecosystem's
//! version order, scoring CVSS v2/v3/v4 vectors, and applying VEX statements.
//!
//! It never prints; the binary renders what it returns.

pub mod archive;
pub mod cvss;
pub mod findings;
pub mod formats;
pub mod import;
pub mod matcher;
pub mod model;
pub mod osv;
pub mod store;
pub mod update;
pub mod vex;

pub use cvss::{CvssScore, score_vector};
pub use import::{ImportIssue, ParsedSource, parse_input};
pub use matcher::{Evidence, Package, VulnMatch, distro_ecosystem, match_package};
pub use model::Advisory;
pub use store::{Database, STALE_AFTER_DAYS, SourceStatus, default_db_path};

/// What can go wrong reading, storing or fetching advisories.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Io(String),
    #[error("invalid archive: {0}")]
    Archive(String),
    #[error("limit exceeded: {0}")]
    Limit(String),
    #[error("advisory database: {0}")]
    Database(String),
    #[error("download: {0}")]
    Download(String),
    #[error("VEX document {path}: {message}")]
    Vex { path: String, message: String },
}
