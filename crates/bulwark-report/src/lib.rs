//! `bulwark-report` owns the reporters: it turns a [`bulwark_core::Report`] into the text a
//! person or a machine reads.
//!
//! - [`render_table`]: human output, one annotated snippet per finding in the house style
//!   (annotate-snippets), then input errors and a summary line;
//! - [`render_json`]: the `bulwark.report/v1` JSON contract;
//! - [`render_sarif`]: SARIF 2.1.0 for code-scanning services, with stable fingerprints;
//! - [`render_junit`]: JUnit XML for CI test dashboards;
//! - [`conftest`]: conftest's result documents and output formats (stdout, JSON, TAP, table,
//!   JUnit, GitHub annotations) for policy results.
//!
//! Every renderer returns the whole document as a `String` ending with a line break; nothing
//! here prints or touches the file system. Source texts (for snippets and fingerprints) come
//! through the [`SourceLookup`] trait, so the caller decides what it kept in memory.

pub mod conftest;
mod json;
mod junit;
mod sarif;
mod source;
mod table;

pub use json::render_json;
pub use junit::render_junit;
pub use sarif::{SARIF_FINGERPRINT_KEY, SARIF_SCHEMA_URI, render_sarif};
pub use source::{NoSources, SourceLookup};
pub use table::{TableOptions, render_table};
