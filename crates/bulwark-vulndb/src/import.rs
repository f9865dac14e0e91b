//! Turning the files of an input into advisories: each file is recognised by its path and
//! content (OSV JSON/YAML, RustSec markdown, secdb, Debian lists, Ubuntu tracker files, the
//! OSV schema); a file that cannot be read is reported and the import goes on.

use std::path::Path;

use serde_json::Value;

use crate::archive::{Entry, for_each_entry, source_name};
use crate::model::Advisory;
use crate::{Error, formats, osv};

/// A file of an input that could not be read as what it looked like.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportIssue {
    pub path: String,
    pub message: String,
}

/// The advisories of one input.
#[derive(Debug, Default)]
pub struct ParsedSource {
    pub name: String,
    pub origin: String,
    /// Formats seen (`osv-json`, `osv-yaml`, `rustsec`, `secdb`, `debian-tracker`,
    /// `ubuntu-tracker`, `osv-schema`).
    pub formats: std::collections::BTreeSet<&'static str>,
    pub advisories: Vec<Advisory>,
    pub issues: Vec<ImportIssue>,
    pub files: usize,
    /// OSV ecosystem names listed by an `ecosystems.json` of the OSV schema.
    pub ecosystems: Vec<String>,
}

/// Reads every advisory of the input at `path` (folder, archive or file).
pub fn parse_input(path: &Path) -> Result<ParsedSource, Error> {
    let mut src = ParsedSource {
        name: source_name(path),
        origin: path.display().to_string(),
        ..Default::default()
    };
    for_each_entry(path, &mut |e: Entry<'_>| {
        src.files += 1;
        parse_entry(&mut src, e.path, e.bytes);
        Ok(())
    })?;
    Ok(src)
}

/// Adds the advisories of one file to `src`.
pub fn parse_entry(src: &mut ParsedSource, path: &str, bytes: &[u8]) {
    let name = path.rsplit('/').next().unwrap_or(path);
    let parent = path.rsplit('/').nth(1).unwrap_or("");
    let issue = |src: &mut ParsedSource, message: String| {
        src.issues.push(ImportIssue {
            path: path.to_owned(),
            message,
        })
    };
    let text = || std::str::from_utf8(bytes).map_err(|e| format!("not UTF-8: {e}"));
    if name == "list" && matches!(parent, "DSA" | "DLA" | "DTSA") {
        match text() {
            Ok(t) => {
                src.formats.insert("debian-tracker");
                src.advisories.extend(formats::parse_debian_list(t));
            }
            Err(e) => issue(src, e),
        }
        return;
    }
    if matches!(parent, "active" | "retired" | "ignored") && name.starts_with("CVE-") {
        match text() {
            Ok(t) => {
                src.formats.insert("ubuntu-tracker");
                src.advisories.extend(formats::parse_ubuntu_cve(name, t));
            }
            Err(e) => issue(src, e),
        }
        return;
    }
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".md") {
        if !bytes.starts_with(b"```toml") {
            return; // READMEs and other prose
        }
        match text().and_then(|t| formats::parse_rustsec(path, t)) {
            Ok(Some(a)) => {
                src.formats.insert("rustsec");
                src.advisories.push(a);
            }
            Ok(None) => {}
            Err(e) => issue(src, e),
        }
        return;
    }
    let (value, format) = if lower.ends_with(".json") {
        match serde_json::from_slice::<Value>(bytes) {
            Ok(v) => (v, "osv-json"),
            Err(e) => return issue(src, format!("invalid JSON: {e}")),
        }
    } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
        match text().and_then(osv::yaml_text_to_json) {
            Ok(v) => (v, "osv-yaml"),
            Err(e) => return issue(src, format!("invalid YAML: {e}")),
        }
    } else {
        return;
    };
    if osv::is_osv(&value) {
        match osv::parse_osv(value) {
            Ok(a) => {
                src.formats.insert(format);
                src.advisories.push(a);
            }
            Err(e) => issue(src, e),
        }
    } else if formats::is_secdb(&value) {
        src.formats.insert("secdb");
        src.advisories.extend(formats::parse_secdb(&value));
    } else if lower == "ecosystems.json" {
        src.formats.insert("osv-schema");
        if let Some(map) = value.as_object() {
            src.ecosystems.extend(map.keys().cloned());
        }
    } else if value.get("$schema").is_some() && value.get("title").is_some() {
        src.formats.insert("osv-schema");
    }
}
