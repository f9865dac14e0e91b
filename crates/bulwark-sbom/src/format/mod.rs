//! SBOM documents: CycloneDX 1.6 JSON and SPDX 2.3 JSON out and in, bulwark's own JSON
//! (`bulwark.sbom/v1`), and Syft JSON in. Output is deterministic: packages sorted,
//! identifiers derived from content, and the only time stamp the one the caller passes.

pub mod cyclonedx;
pub mod read;
pub mod spdx;

use sha2::{Digest, Sha256};

use crate::model::{Package, Sbom};

pub use read::{read_sbom, sniff};

/// The output formats of `bulwark sbom`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    CycloneDxJson,
    SpdxJson,
    /// bulwark's own JSON (`bulwark.sbom/v1`): the package model as is.
    Json,
}

/// What the writer needs besides the SBOM.
#[derive(Debug, Clone, Default)]
pub struct WriteOptions {
    /// Tool name and version recorded as the document's creator.
    pub tool_version: String,
    /// RFC 3339 creation time; CycloneDX leaves it out when `None`, SPDX (where it is
    /// required) then uses the Unix epoch, so that output stays reproducible.
    pub created: Option<String>,
}

/// Serialises an SBOM in a format (pretty-printed JSON, newline-terminated).
pub fn write(sbom: &Sbom, format: Format, options: &WriteOptions) -> String {
    let value = match format {
        Format::CycloneDxJson => cyclonedx::to_json(sbom, options),
        Format::SpdxJson => spdx::to_json(sbom, options),
        Format::Json => native_json(sbom),
    };
    let mut s = serde_json::to_string_pretty(&value).unwrap_or_default();
    s.push('\n');
    s
}

/// The SBOM as bulwark's own JSON document.
pub fn native_json(sbom: &Sbom) -> serde_json::Value {
    let mut v = serde_json::to_value(sbom).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        o.insert("schema".into(), "bulwark.sbom/v1".into());
    }
    v
}

/// A short stable id for a package (hex of a hash over what identifies it and where).
pub(crate) fn package_id(p: &Package) -> String {
    let mut h = Sha256::new();
    for part in [
        p.name.as_str(),
        p.version.as_str(),
        p.kind.as_str(),
        p.purl.as_str(),
        p.found_by.as_str(),
    ] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    for l in &p.locations {
        h.update(l.path.as_bytes());
        h.update([0]);
    }
    hex(&h.finalize()[..8])
}

/// A hash of the whole SBOM's identity (for serial numbers and namespaces).
pub(crate) fn document_hash(sbom: &Sbom) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(sbom.source.name.as_bytes());
    for p in &sbom.packages {
        h.update(package_id(p).as_bytes());
    }
    h.finalize().into()
}

pub(crate) fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}
