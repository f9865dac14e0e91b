//! PHP Composer packages: `vendor/composer/installed.json` (installed) and, in source
//! trees, `composer.lock`.

use serde_json::Value;

use super::{Env, bad_file, license};
use crate::error::Warning;
use crate::model::{Evidence, Package, PackageType};
use crate::purl::Purl;
use crate::tree::{Tree, file_name, parent};

pub const INSTALLED_CATALOGER: &str = "php-composer-installed-cataloger";
pub const LOCK_CATALOGER: &str = "php-composer-lock-cataloger";

fn is_installed_json(path: &str) -> bool {
    file_name(path) == "installed.json" && file_name(parent(path)) == "composer"
}

pub(crate) fn wants(path: &str, image: bool) -> bool {
    is_installed_json(path) || (!image && file_name(path) == "composer.lock")
}

pub(crate) fn catalog(tree: &Tree, env: &Env, out: &mut Vec<Package>, warnings: &mut Vec<Warning>) {
    let mut run = |path: &str, found_by: &str| {
        let Some(bytes) = tree.read(path) else { return };
        let v: Value = match serde_json::from_slice(bytes) {
            Ok(v) => v,
            Err(e) => {
                warnings.push(bad_file(path, format!("invalid JSON: {e}")));
                return;
            }
        };
        let loc = tree.location(path, Evidence::Primary);
        for p in composer_packages(&v) {
            let name = p.get("name").and_then(Value::as_str).unwrap_or("");
            let version = p.get("version").and_then(Value::as_str).unwrap_or("");
            if name.is_empty() || version.is_empty() {
                continue;
            }
            let (ns, n) = name.split_once('/').unwrap_or(("", name));
            let purl = Purl::build("composer", ns, n, version, &[], "");
            let mut pkg = Package::new(
                PackageType::PhpComposer,
                name,
                version,
                "Packagist",
                purl,
                found_by,
            );
            pkg.licenses = p
                .get("license")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(license::normalize)
                        .collect()
                })
                .unwrap_or_default();
            pkg.locations.push(loc.clone());
            out.push(pkg);
        }
    };
    for path in tree.files_matching(is_installed_json) {
        run(path, INSTALLED_CATALOGER);
    }
    if !env.image {
        for path in tree.files_matching(|p| file_name(p) == "composer.lock") {
            run(path, LOCK_CATALOGER);
        }
    }
}

/// The package objects of `installed.json` (Composer 1: a list; 2: `{"packages": [...]}`)
/// or `composer.lock` (`packages` and `packages-dev`).
fn composer_packages(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(a) => a.iter().collect(),
        Value::Object(o) => ["packages", "packages-dev"]
            .iter()
            .filter_map(|k| o.get(*k).and_then(Value::as_array))
            .flatten()
            .collect(),
        _ => Vec::new(),
    }
}
