//! The schemas embedded at build time (see `build.rs`), inflated and compiled once per
//! version on first use.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::SchemaLoadError;
use super::compile::{Arena, Compiler, RefSource};

pub(crate) struct EmbeddedVersion {
    /// The folder name, `1.37.0`.
    pub version: &'static str,
    pub inflated_len: usize,
    /// Deflated `{"defs": {..}, "kinds": {..}}`.
    pub data: &'static [u8],
}

mod generated {
    use super::EmbeddedVersion;
    include!(concat!(env!("OUT_DIR"), "/embedded_schemas.rs"));
}

/// `(major, minor)` of a version written `1.37`, `1.37.0` or `v1.37.2`.
pub(crate) fn major_minor(version: &str) -> Option<(u64, u64)> {
    let mut parts = version.trim().trim_start_matches('v').split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    if let Some(patch) = parts.next() {
        patch.parse::<u64>().ok()?;
    }
    if parts.next().is_some() {
        return None;
    }
    Some((major, minor))
}

/// The folder names of the embedded versions, oldest first.
pub(crate) fn versions() -> impl Iterator<Item = &'static str> {
    generated::EMBEDDED.iter().map(|v| v.version)
}

/// Picks the embedded version for a requested Kubernetes version, as kubernetes-validate does:
/// the newest embedded minor not newer than the request; a request older than every embedded
/// version gets the oldest; a request newer than the newest is refused.
pub(crate) fn select(requested: Option<&str>) -> Result<usize, SchemaLoadError> {
    let all = generated::EMBEDDED;
    let newest = all
        .len()
        .checked_sub(1)
        .ok_or(SchemaLoadError::NoEmbeddedSchemas)?;
    let Some(requested) = requested else {
        return Ok(newest);
    };
    let wanted =
        major_minor(requested).ok_or_else(|| SchemaLoadError::InvalidVersion(requested.into()))?;
    let mm = |i: usize| major_minor(all[i].version).unwrap_or((0, 0));
    if wanted > mm(newest) {
        return Err(SchemaLoadError::UnsupportedVersion {
            requested: requested.to_owned(),
            newest: display_version(all[newest].version),
        });
    }
    Ok((0..all.len()).rev().find(|&i| mm(i) <= wanted).unwrap_or(0))
}

/// `1.37` for the folder `1.37.0` (kubernetes-validate reports major.minor).
pub(crate) fn display_version(folder: &str) -> String {
    major_minor(folder)
        .map(|(a, b)| format!("{a}.{b}"))
        .unwrap_or_else(|| folder.to_owned())
}

pub(crate) fn folder(index: usize) -> &'static str {
    generated::EMBEDDED
        .get(index)
        .map(|v| v.version)
        .unwrap_or("")
}

/// The compiled schemas of embedded version `index`, built on first use.
pub(crate) fn arena(index: usize) -> Result<Arc<Arena>, SchemaLoadError> {
    let (Some(cell), Some(embedded)) =
        (generated::CACHE.get(index), generated::EMBEDDED.get(index))
    else {
        return Err(SchemaLoadError::NoEmbeddedSchemas);
    };
    cell.get_or_init(|| build(embedded).map(Arc::new))
        .clone()
        .map_err(|message| SchemaLoadError::Corrupt {
            version: embedded.version.to_owned(),
            message,
        })
}

struct Definitions(Map<String, Value>);

impl RefSource for Definitions {
    fn canonical(&self, reference: &str, _base: &str) -> Result<(String, String), String> {
        Ok((reference.to_owned(), String::new()))
    }

    fn resolve(&mut self, key: &str) -> Result<Value, String> {
        // Each definition is compiled once (the compiler memoises references), so it can be
        // moved out.
        self.0
            .remove(key)
            .ok_or_else(|| format!("unresolved reference to definition `{key}`"))
    }
}

fn build(embedded: &EmbeddedVersion) -> Result<Arena, String> {
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(
        embedded.data,
        embedded.inflated_len.saturating_add(1),
    )
    .map_err(|e| format!("cannot inflate the embedded schemas: {e}"))?;
    let Value::Object(mut doc) =
        serde_json::from_slice(&json).map_err(|e| format!("embedded schemas: {e}"))?
    else {
        return Err("embedded schemas: not an object".to_owned());
    };
    let Some(Value::Object(defs)) = doc.remove("defs") else {
        return Err("embedded schemas: no `defs`".to_owned());
    };
    let Some(Value::Object(kinds)) = doc.remove("kinds") else {
        return Err("embedded schemas: no `kinds`".to_owned());
    };
    let mut arena = Arena::default();
    let mut refs = HashMap::new();
    let mut source = Definitions(defs);
    let mut entry_points = HashMap::with_capacity(kinds.len());
    for (name, schema) in &kinds {
        let id = Compiler::new(&mut arena, &mut refs, &mut source).compile_root(schema, "")?;
        entry_points.insert(name.clone(), id);
    }
    arena.kinds = entry_points;
    Ok(arena)
}
