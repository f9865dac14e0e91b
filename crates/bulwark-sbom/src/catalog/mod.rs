//! The catalogue: one streaming pass over a [`FileSource`] that indexes every path, keeps
//! the small metadata files catalogers read, and inspects executables and Java archives as
//! they stream past; then every cataloger runs over the [`Tree`].
//!
//! Which catalogers run follows Syft: on images, what is installed (package databases,
//! installed language packages, binaries, archives); on folders, also what is declared
//! (lockfiles, `go.mod`, `requirements.txt`, ...).

use std::io::Read;

use crate::error::{SbomError, Warning};
use crate::model::{Distro, Evidence, Location, Package, Sbom};
use crate::source::{EntryKind, FileSource};
use crate::tree::{Tree, file_name};

pub mod apk;
pub mod binary;
pub mod dotnet;
pub mod dpkg;
pub mod golang;
pub mod java;
pub mod javascript;
pub mod license;
pub mod os_release;
pub mod php;
pub mod python;
pub mod rpm;
pub mod ruby;
pub mod rust;
pub mod zip;

/// Largest metadata file kept in memory (a dpkg status of a big distribution is a few MiB).
const MAX_METADATA_FILE: u64 = 64 << 20;
/// Largest executable or archive inspected.
const MAX_INSPECTED_FILE: u64 = 1 << 30;

/// What catalogers know about the target besides its files.
#[derive(Debug, Clone, Default)]
pub struct Env {
    pub distro: Option<Distro>,
    /// Image (installed packages only) or folder (also declared packages).
    pub image: bool,
}

/// The result of cataloguing one source.
#[derive(Debug, Default)]
pub struct Catalog {
    pub sbom: Sbom,
    /// Files that could not be read; the catalogue went on without them.
    pub warnings: Vec<Warning>,
}

/// Whether any cataloger wants this file's content buffered.
fn wants_content(path: &str, image: bool) -> bool {
    os_release::wants(path)
        || dpkg::wants(path)
        || apk::wants(path)
        || rpm::wants(path)
        || python::wants(path, image)
        || javascript::wants(path, image)
        || golang::wants(path, image)
        || rust::wants(path, image)
        || ruby::wants(path, image)
        || php::wants(path, image)
        || dotnet::wants(path)
}

/// Whether `path` names a file that declares dependencies rather than records installed
/// ones: a lockfile or requirements list (`package-lock.json`, `yarn.lock`,
/// `pnpm-lock.yaml`, `poetry.lock`, `Pipfile.lock`, `uv.lock`, `requirements*.txt`,
/// `go.mod`, `Cargo.lock`, `Gemfile.lock`, `composer.lock`). Folders are catalogued with
/// these, images without; `bulwark scan` matches each one found in a walked folder.
pub fn is_lockfile(path: &str) -> bool {
    let name = file_name(path);
    name == "go.mod"
        || (python::wants(path, false) && !python::wants(path, true))
        || javascript::wants(path, false)
        || rust::wants(path, false)
        || (ruby::wants(path, false) && !ruby::wants(path, true))
        || (php::wants(path, false) && !php::wants(path, true))
}

/// Catalogues every package in a source.
pub fn catalog(source: &mut dyn FileSource) -> Result<Catalog, SbomError> {
    let image = source.is_image();
    let mut tree = Tree::default();
    let mut found: Vec<Package> = Vec::new();
    let mut warnings: Vec<Warning> = Vec::new();
    let mut buf: Vec<u8> = Vec::new();
    source.visit(&mut |entry, content| {
        tree.add(entry.path, entry.kind, entry.link, entry.layer);
        if entry.kind != EntryKind::File {
            return Ok(());
        }
        let loc = || Location {
            path: entry.path.to_string(),
            layer: entry.layer.map(str::to_string),
            evidence: Evidence::Primary,
        };
        let limit = if rpm::wants(entry.path) {
            rpm::MAX_DB_FILE
        } else {
            MAX_METADATA_FILE
        };
        if entry.size <= limit && wants_content(entry.path, image) {
            let mut data = Vec::with_capacity(entry.size as usize);
            if let Err(e) = content.take(limit).read_to_end(&mut data) {
                warnings.push(warn(entry.path, &e));
                return Ok(());
            }
            tree.put_content(entry.path, data);
            return Ok(());
        }
        if entry.size > MAX_INSPECTED_FILE || entry.size < 4 {
            return Ok(());
        }
        if java::is_archive(file_name(entry.path)) {
            buf.clear();
            if let Err(e) = content.take(MAX_INSPECTED_FILE).read_to_end(&mut buf) {
                warnings.push(warn(entry.path, &e));
                return Ok(());
            }
            java::catalog_archive(&buf, &loc(), &mut found, &mut warnings);
            return Ok(());
        }
        // executables: sniff the magic number, read the rest only for binaries
        buf.clear();
        let mut magic = [0u8; 4];
        if content.read_exact(&mut magic).is_err() || !binary::is_executable(&magic) {
            return Ok(());
        }
        buf.extend_from_slice(&magic);
        if let Err(e) = content.take(MAX_INSPECTED_FILE).read_to_end(&mut buf) {
            warnings.push(warn(entry.path, &e));
            return Ok(());
        }
        binary::inspect(&buf, &loc(), &mut found);
        Ok(())
    })?;
    let distro = os_release::identify(&tree);
    let env = Env { distro, image };
    dpkg::catalog(&tree, &env, &mut found, &mut warnings);
    apk::catalog(&tree, &env, &mut found, &mut warnings);
    rpm::catalog(&tree, &env, &mut found, &mut warnings);
    python::catalog(&tree, &env, &mut found, &mut warnings);
    javascript::catalog(&tree, &env, &mut found, &mut warnings);
    golang::catalog(&tree, &env, &mut found, &mut warnings);
    rust::catalog(&tree, &env, &mut found, &mut warnings);
    ruby::catalog(&tree, &env, &mut found, &mut warnings);
    php::catalog(&tree, &env, &mut found, &mut warnings);
    dotnet::catalog(&tree, &env, &mut found, &mut warnings);
    for p in &mut found {
        for l in &mut p.locations {
            if l.layer.is_none() {
                l.layer = tree.layer(&l.path).map(str::to_string);
            }
        }
    }
    let mut sbom = Sbom {
        source: source.info(),
        distro: env.distro,
        packages: found,
    };
    sbom.normalize();
    warnings.sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
    warnings.dedup();
    Ok(Catalog { sbom, warnings })
}

fn warn(path: &str, e: &dyn std::fmt::Display) -> Warning {
    Warning {
        path: path.to_string(),
        message: e.to_string(),
    }
}

/// A warning for a file whose content is not what its cataloger expected.
pub(crate) fn bad_file(path: &str, message: impl Into<String>) -> Warning {
    Warning {
        path: path.to_string(),
        message: message.into(),
    }
}

/// Whether `path` ends with `suffix` at a path-segment boundary (`/a/b/c` ends with `b/c`).
pub(crate) fn ends_with_segments(path: &str, suffix: &str) -> bool {
    path.ends_with(suffix) && {
        let cut = path.len() - suffix.len();
        cut == 0 || path.as_bytes()[cut - 1] == b'/'
    }
}

/// Parses RFC 822-style paragraphs (dpkg status, apk's fields are handled apart): blank
/// lines separate records; continuation lines start with a space or tab.
pub(crate) fn rfc822_paragraphs(text: &str) -> Vec<Vec<(String, String)>> {
    let mut out = Vec::new();
    let mut cur: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if line.starts_with(' ') || line.starts_with('\t') {
            if let Some((_, v)) = cur.last_mut() {
                v.push('\n');
                v.push_str(line.trim_start());
            }
            continue;
        }
        if let Some((k, v)) = line.split_once(':') {
            cur.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// A field of a parsed paragraph (case-insensitive key).
pub(crate) fn field<'a>(para: &'a [(String, String)], key: &str) -> &'a str {
    para.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}
