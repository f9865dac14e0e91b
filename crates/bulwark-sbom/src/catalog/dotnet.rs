//! .NET packages: `*.deps.json` files beside applications (NuGet `package` libraries).

use serde_json::Value;

use super::{Env, bad_file};
use crate::error::Warning;
use crate::model::{Evidence, Package, PackageType};
use crate::purl::Purl;
use crate::tree::Tree;

pub const CATALOGER: &str = "dotnet-deps-cataloger";

pub(crate) fn wants(path: &str) -> bool {
    path.ends_with(".deps.json")
}

pub(crate) fn catalog(
    tree: &Tree,
    _env: &Env,
    out: &mut Vec<Package>,
    warnings: &mut Vec<Warning>,
) {
    for path in tree.files_matching(wants) {
        let Some(bytes) = tree.read(path) else {
            continue;
        };
        match serde_json::from_slice::<Value>(bytes) {
            Ok(v) => {
                let loc = tree.location(path, Evidence::Primary);
                for (name, version) in deps_packages(&v) {
                    let purl = Purl::build("nuget", "", &name, &version, &[], "");
                    let mut p =
                        Package::new(PackageType::Dotnet, name, version, "NuGet", purl, CATALOGER);
                    p.locations.push(loc.clone());
                    out.push(p);
                }
            }
            Err(e) => warnings.push(bad_file(path, format!("invalid deps.json: {e}"))),
        }
    }
}

/// `libraries` entries of type `package` (`"Newtonsoft.Json/13.0.1": {"type": "package"}`),
/// plus the `project` entries (the application itself), as Syft lists them.
pub fn deps_packages(v: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(libs) = v.get("libraries").and_then(Value::as_object) {
        for (key, lib) in libs {
            let ty = lib.get("type").and_then(Value::as_str).unwrap_or("");
            if ty != "package" && ty != "project" {
                continue;
            }
            if let Some((n, ver)) = key.split_once('/') {
                out.push((n.to_string(), ver.to_string()));
            }
        }
    }
    out.sort();
    out
}
