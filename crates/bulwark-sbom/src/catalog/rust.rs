//! Rust crates: the dependency list `cargo auditable` embeds in binaries (`.dep-v0`, zlib
//! compressed JSON) and `Cargo.lock` files in source trees.

use serde::Deserialize;

use super::binary::section;
use super::{Env, bad_file, ends_with_segments};
use crate::error::Warning;
use crate::model::{Evidence, Location, Package, PackageType};
use crate::purl::Purl;
use crate::tree::Tree;

pub const AUDITABLE_CATALOGER: &str = "cargo-auditable-binary-cataloger";
pub const LOCK_CATALOGER: &str = "rust-cargo-lock-cataloger";
/// Largest decompressed dependency list accepted (cargo-auditable itself caps it lower).
const MAX_DEP_INFO: usize = 8 << 20;

#[derive(Deserialize)]
struct VersionInfo {
    packages: Vec<AuditablePackage>,
}

#[derive(Deserialize)]
struct AuditablePackage {
    name: String,
    version: String,
    #[serde(default)]
    kind: Option<String>,
}

fn crate_package(name: &str, version: &str, loc: &Location, found_by: &str) -> Package {
    let purl = Purl::build("cargo", "", name, version, &[], "");
    let mut p = Package::new(
        PackageType::RustCrate,
        name,
        version,
        "crates.io",
        purl,
        found_by,
    );
    p.locations.push(loc.clone());
    p
}

/// Catalogues the crates a cargo-auditable binary was built from (build-only dependencies
/// are left out: they are not in the binary).
pub fn inspect_binary(file: &object::File<'_>, loc: &Location, out: &mut Vec<Package>) {
    let Some(compressed) = section(file, &[".dep-v0", "__dep_v0"]) else {
        return;
    };
    let Ok(json) =
        miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(compressed, MAX_DEP_INFO)
    else {
        return;
    };
    let Ok(info) = serde_json::from_slice::<VersionInfo>(&json) else {
        return;
    };
    for p in info.packages {
        if p.kind.as_deref() == Some("build") {
            continue;
        }
        out.push(crate_package(&p.name, &p.version, loc, AUDITABLE_CATALOGER));
    }
}

pub(crate) fn wants(path: &str, image: bool) -> bool {
    !image && ends_with_segments(path, "Cargo.lock")
}

#[derive(Deserialize)]
struct CargoLock {
    #[serde(default)]
    package: Vec<LockPackage>,
}

#[derive(Deserialize)]
struct LockPackage {
    name: String,
    version: String,
}

pub(crate) fn catalog(tree: &Tree, env: &Env, out: &mut Vec<Package>, warnings: &mut Vec<Warning>) {
    if env.image {
        return;
    }
    for path in tree.files_matching(|p| ends_with_segments(p, "Cargo.lock")) {
        let Some(text) = tree.read_text(path) else {
            continue;
        };
        match toml::from_str::<CargoLock>(&text) {
            Ok(lock) => {
                let loc = tree.location(path, Evidence::Primary);
                for p in lock.package {
                    out.push(crate_package(&p.name, &p.version, &loc, LOCK_CATALOGER));
                }
            }
            Err(e) => warnings.push(bad_file(
                path,
                format!("invalid Cargo.lock: {}", e.message()),
            )),
        }
    }
}
