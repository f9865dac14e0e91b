//! `bulwark db update`: fetch the OSV ecosystem exports and import each as a source.
//!
//! The layout is osv.dev's public bucket: `<base>/<Ecosystem>/all.zip`, one zip of OSV JSON
//! records per ecosystem. `<base>` is an `http(s)://` URL or a local folder with the same
//! layout (a mirror for air-gapped sites). Each ecosystem becomes the source
//! `osv-<Ecosystem>`, replacing the previous download; an ecosystem that fails is reported and
//! the others go on.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::Error;
use crate::import::{ParsedSource, parse_input};
use crate::store::Database;

/// osv.dev's export bucket.
pub const DEFAULT_OSV_BASE: &str = "https://osv-vulnerabilities.storage.googleapis.com";

/// The ecosystems the catalogers emit packages for.
pub const DEFAULT_ECOSYSTEMS: &[&str] = &[
    "Alpine",
    "Debian",
    "Ubuntu",
    "Wolfi",
    "Go",
    "PyPI",
    "crates.io",
    "npm",
    "Maven",
    "RubyGems",
    "Packagist",
    "NuGet",
];

/// Largest export downloaded (npm's and Debian's are a few hundred MiB).
pub const MAX_DOWNLOAD_BYTES: u64 = 4 * 1024 * 1024 * 1024;

/// What happened to one ecosystem.
#[derive(Debug)]
pub struct EcosystemUpdate {
    pub ecosystem: String,
    /// Where the export came from.
    pub origin: String,
    /// The imported source, or why it failed.
    pub result: Result<ParsedSource, Error>,
}

/// Downloads (or reads) each ecosystem's `all.zip` from `base` and imports it into `db`.
/// Downloads go to a temporary file beside the database and are removed after the import.
pub fn update(db: &mut Database, base: &str, ecosystems: &[String]) -> Vec<EcosystemUpdate> {
    let base = base.trim_end_matches('/');
    let is_url = base.starts_with("http://") || base.starts_with("https://");
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(std::time::Duration::from_secs(600)))
        .http_status_as_error(false)
        .build()
        .into();
    let tmp_dir = db
        .path()
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(std::env::temp_dir);
    ecosystems
        .iter()
        .map(|eco| {
            let origin = format!("{base}/{}/all.zip", encode_segment(eco));
            let result = if is_url {
                download(&agent, &origin, &tmp_dir, eco)
                    .and_then(|file| import(db, file.path(), eco, &origin))
            } else {
                let path = PathBuf::from(base).join(eco).join("all.zip");
                if path.is_file() {
                    import(db, &path, eco, &path.display().to_string())
                } else {
                    Err(Error::Io(format!("{}: no such file", path.display())))
                }
            };
            EcosystemUpdate {
                ecosystem: eco.clone(),
                origin,
                result,
            }
        })
        .collect()
}

/// Percent-encodes what a path segment cannot hold (ecosystem names have spaces: `Red Hat`).
fn encode_segment(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b':' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn import(db: &mut Database, zip: &Path, eco: &str, origin: &str) -> Result<ParsedSource, Error> {
    let mut src = parse_input(zip)?;
    src.name = format!("osv-{eco}");
    src.origin = origin.to_owned();
    db.replace_source(&src)?;
    Ok(src)
}

fn download(
    agent: &ureq::Agent,
    url: &str,
    dir: &Path,
    eco: &str,
) -> Result<tempfile::NamedTempFile, Error> {
    let err = |m: String| Error::Download(format!("{url}: {m}"));
    let response = agent.get(url).call().map_err(|e| err(e.to_string()))?;
    let status = response.status();
    if !status.is_success() {
        return Err(err(format!("HTTP {}", status.as_u16())));
    }
    let mut file = tempfile::Builder::new()
        .prefix(&format!(".osv-{}-", encode_segment(eco)))
        .suffix(".zip")
        .tempfile_in(dir)
        .map_err(|e| Error::Io(format!("{}: {e}", dir.display())))?;
    let mut body = response
        .into_body()
        .into_with_config()
        .limit(MAX_DOWNLOAD_BYTES)
        .reader();
    let copied = std::io::copy(&mut (&mut body).take(MAX_DOWNLOAD_BYTES), &mut file)
        .map_err(|e| err(e.to_string()))?;
    if copied == 0 {
        return Err(err("empty response".to_owned()));
    }
    Ok(file)
}
