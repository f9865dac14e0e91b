//! npm packages: installed `package.json` files (images), and in source trees
//! `package-lock.json` (lockfile versions 1-3), `yarn.lock` (v1 and berry) and
//! `pnpm-lock.yaml`.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{Env, bad_file, license};
use crate::error::Warning;
use crate::model::{Evidence, Package, PackageType};
use crate::purl::Purl;
use crate::tree::{Tree, file_name};

pub const PACKAGE_CATALOGER: &str = "javascript-package-cataloger";
pub const LOCK_CATALOGER: &str = "javascript-lock-cataloger";
const LOCKS: [&str; 3] = ["package-lock.json", "yarn.lock", "pnpm-lock.yaml"];

pub(crate) fn wants(path: &str, image: bool) -> bool {
    let name = file_name(path);
    if image {
        name == "package.json"
    } else {
        LOCKS.contains(&name)
    }
}

/// An npm purl: a scope (`@types/node`) is the namespace.
pub fn npm_purl(name: &str, version: &str) -> Purl {
    match name.split_once('/') {
        Some((scope, n)) if scope.starts_with('@') => {
            Purl::build("npm", scope, n, version, &[], "")
        }
        _ => Purl::build("npm", "", name, version, &[], ""),
    }
}

fn npm_package(name: &str, version: &str, found_by: &str) -> Package {
    Package::new(
        PackageType::Npm,
        name,
        version,
        "npm",
        npm_purl(name, version),
        found_by,
    )
}

/// The licence a `package.json` declares (`license` as text or object, or `licenses`).
fn declared_license(v: &Value) -> Vec<String> {
    let one = |l: &Value| -> Option<String> {
        match l {
            Value::String(s) => Some(s.clone()),
            Value::Object(o) => o.get("type").and_then(Value::as_str).map(str::to_string),
            _ => None,
        }
    };
    if let Some(l) = v.get("license").and_then(one) {
        return vec![license::normalize(&l)];
    }
    v.get("licenses")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(one)
                .map(|l| license::normalize(&l))
                .collect()
        })
        .unwrap_or_default()
}

pub(crate) fn catalog(tree: &Tree, env: &Env, out: &mut Vec<Package>, warnings: &mut Vec<Warning>) {
    if env.image {
        for path in tree.files_matching(|p| file_name(p) == "package.json") {
            let Some(bytes) = tree.read(path) else {
                continue;
            };
            let v: Value = match serde_json::from_slice(bytes) {
                Ok(v) => v,
                Err(e) => {
                    warnings.push(bad_file(path, format!("invalid package.json: {e}")));
                    continue;
                }
            };
            let name = v.get("name").and_then(Value::as_str).unwrap_or("");
            let version = v.get("version").and_then(Value::as_str).unwrap_or("");
            if name.is_empty() || version.is_empty() {
                continue;
            }
            let mut p = npm_package(name, version, PACKAGE_CATALOGER);
            p.licenses = declared_license(&v);
            p.supplier = match v.get("author") {
                Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
                Some(Value::Object(o)) => o.get("name").and_then(Value::as_str).map(str::to_string),
                _ => None,
            };
            p.locations.push(tree.location(path, Evidence::Primary));
            out.push(p);
        }
        return;
    }
    for path in tree.files_matching(|p| LOCKS.contains(&file_name(p))) {
        let Some(text) = tree.read_text(path) else {
            continue;
        };
        let parsed = match file_name(path) {
            "package-lock.json" => parse_package_lock(&text),
            "yarn.lock" => Ok(parse_yarn_lock(&text)),
            _ => parse_pnpm_lock(&text),
        };
        match parsed {
            Ok(list) => {
                let loc = tree.location(path, Evidence::Primary);
                for (n, v) in list {
                    let mut p = npm_package(&n, &v, LOCK_CATALOGER);
                    p.locations.push(loc.clone());
                    out.push(p);
                }
            }
            Err(e) => warnings.push(bad_file(path, e)),
        }
    }
}

/// Packages of a `package-lock.json`: `packages` (lockfile v2/v3; the root project and
/// links are left out) or the nested `dependencies` (v1).
pub fn parse_package_lock(text: &str) -> Result<Vec<(String, String)>, String> {
    let v: Value =
        serde_json::from_str(text).map_err(|e| format!("invalid package-lock.json: {e}"))?;
    let mut set = BTreeSet::new();
    if let Some(pkgs) = v.get("packages").and_then(Value::as_object) {
        for (key, p) in pkgs {
            if key.is_empty() || p.get("link").and_then(Value::as_bool) == Some(true) {
                continue;
            }
            let name = p
                .get("name")
                .and_then(Value::as_str)
                .map(str::to_string)
                .unwrap_or_else(|| {
                    key.rsplit("node_modules/")
                        .next()
                        .unwrap_or(key)
                        .to_string()
                });
            if let Some(ver) = p.get("version").and_then(Value::as_str) {
                set.insert((name, ver.to_string()));
            }
        }
        return Ok(set.into_iter().collect());
    }
    fn walk(
        deps: &serde_json::Map<String, Value>,
        set: &mut BTreeSet<(String, String)>,
        depth: usize,
    ) {
        if depth > 64 {
            return;
        }
        for (name, d) in deps {
            if let Some(ver) = d.get("version").and_then(Value::as_str) {
                // `file:` and git references name no registry version
                if !ver.contains(':') || ver.starts_with("npm:") {
                    set.insert((name.clone(), ver.trim_start_matches("npm:").to_string()));
                }
            }
            if let Some(sub) = d.get("dependencies").and_then(Value::as_object) {
                walk(sub, set, depth + 1);
            }
        }
    }
    if let Some(deps) = v.get("dependencies").and_then(Value::as_object) {
        walk(deps, &mut set, 0);
    }
    Ok(set.into_iter().collect())
}

/// Packages of a `yarn.lock`, classic (v1) or berry: each entry's first descriptor names
/// the package, its `version` field the version; workspace and link entries are left out.
pub fn parse_yarn_lock(text: &str) -> Vec<(String, String)> {
    let mut set = BTreeSet::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if !line.starts_with(' ') {
            // `"@babel/code-frame@^7.0.0", "@babel/code-frame@^7.10.4":` or `lodash@npm:^4:`
            let first = line
                .trim_end_matches(':')
                .split(", ")
                .next()
                .unwrap_or("")
                .trim_matches('"');
            current = descriptor_name(first);
            if line.starts_with("__metadata") {
                current = None;
            }
            continue;
        }
        let t = line.trim();
        let version = t
            .strip_prefix("version ")
            .or_else(|| t.strip_prefix("version: "))
            .map(|v| v.trim().trim_matches('"'));
        if let (Some(name), Some(v)) = (&current, version)
            && !v.starts_with("0.0.0-use.local")
        {
            set.insert((name.clone(), v.to_string()));
        }
        if t.starts_with("resolution:") && t.contains("@workspace:") {
            current = None;
        }
    }
    set.into_iter().collect()
}

fn descriptor_name(d: &str) -> Option<String> {
    let at = if let Some(rest) = d.strip_prefix('@') {
        rest.find('@').map(|i| i + 1)?
    } else {
        d.find('@')?
    };
    let name = &d[..at];
    let range = &d[at + 1..];
    if range.starts_with("workspace:") || range.starts_with("link:") || range.starts_with("portal:")
    {
        return None;
    }
    (!name.is_empty()).then(|| name.to_string())
}

/// Packages of a `pnpm-lock.yaml` (lockfile 5.x `/name/1.0.0`, 6.x `/name@1.0.0`, 9.x
/// `name@1.0.0`; peer suffixes in parentheses or after `_` dropped).
pub fn parse_pnpm_lock(text: &str) -> Result<Vec<(String, String)>, String> {
    let docs = bulwark_yaml::load_str(text).map_err(|e| format!("invalid pnpm-lock.yaml: {e}"))?;
    let Some(doc) = docs.first() else {
        return Ok(Vec::new());
    };
    let mut set = BTreeSet::new();
    let Some(pkgs) = doc.root.get("packages") else {
        return Ok(Vec::new());
    };
    for entry in pkgs.entries() {
        let key = entry.key.key_string();
        let key = key.trim_start_matches('/');
        let key = key.split('(').next().unwrap_or(key);
        let explicit = entry
            .value
            .get("version")
            .and_then(|v| v.as_str())
            .map(str::to_string);
        let v5 = key
            .rsplit_once('/')
            .filter(|(n, v)| !n.is_empty() && v.starts_with(|c: char| c.is_ascii_digit()));
        let (name, version) = if let Some((n, v)) = v5 {
            // 5.x: /name/1.0.0 or /@scope/name/1.0.0_peer@2
            (n.to_string(), v.split('_').next().unwrap_or("").to_string())
        } else if let Some((n, v)) = split_at_version(key) {
            (n.to_string(), v.to_string())
        } else {
            continue;
        };
        let name = entry
            .value
            .get("name")
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .unwrap_or(name);
        let version = explicit.unwrap_or(version);
        if !name.is_empty() && !version.is_empty() {
            set.insert((name, version));
        }
    }
    Ok(set.into_iter().collect())
}

/// `name@1.0.0` / `@scope/name@1.0.0` → (name, version).
fn split_at_version(key: &str) -> Option<(&str, &str)> {
    let start = usize::from(key.starts_with('@'));
    let i = key[start..].find('@')? + start;
    Some((&key[..i], &key[i + 1..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_lock_v1_and_v3() {
        let v3 = r#"{"lockfileVersion":3,"packages":{"":{"name":"app","version":"1.0.0"},"node_modules/lodash":{"version":"4.17.15"},"node_modules/a/node_modules/@s/b":{"version":"1.0.0"},"node_modules/l":{"link":true,"resolved":"x"}}}"#;
        assert_eq!(
            parse_package_lock(v3).expect("v3"),
            vec![
                ("@s/b".into(), "1.0.0".into()),
                ("lodash".into(), "4.17.15".into())
            ]
        );
        let v1 = r#"{"lockfileVersion":1,"dependencies":{"a":{"version":"1.0.0","dependencies":{"b":{"version":"2.0.0"}}},"c":{"version":"file:../c"}}}"#;
        assert_eq!(
            parse_package_lock(v1).expect("v1"),
            vec![("a".into(), "1.0.0".into()), ("b".into(), "2.0.0".into())]
        );
        assert!(parse_package_lock("[").is_err());
    }

    #[test]
    fn yarn_classic_and_berry() {
        let classic = "# yarn lockfile v1\n\n\"@babel/code-frame@^7.0.0\", \"@babel/code-frame@^7.10.4\":\n  version \"7.12.13\"\n  resolved \"x\"\n\nlodash@^4.17.15:\n  version \"4.17.21\"\n";
        assert_eq!(
            parse_yarn_lock(classic),
            vec![
                ("@babel/code-frame".into(), "7.12.13".into()),
                ("lodash".into(), "4.17.21".into())
            ]
        );
        let berry = "__metadata:\n  version: 6\n\n\"lodash@npm:^4.17.15\":\n  version: 4.17.21\n  resolution: \"lodash@npm:4.17.21\"\n\n\"app@workspace:.\":\n  version: 0.0.0-use.local\n  resolution: \"app@workspace:.\"\n";
        assert_eq!(
            parse_yarn_lock(berry),
            vec![("lodash".into(), "4.17.21".into())]
        );
    }

    #[test]
    fn pnpm_versions() {
        let v6 = "lockfileVersion: '6.0'\npackages:\n  /lodash@4.17.21:\n    resolution: {integrity: x}\n  /@types/node@20.1.0(peer@1.0.0):\n    dev: true\n";
        assert_eq!(
            parse_pnpm_lock(v6).expect("v6"),
            vec![
                ("@types/node".into(), "20.1.0".into()),
                ("lodash".into(), "4.17.21".into())
            ]
        );
        let v5 = "lockfileVersion: 5.4\npackages:\n  /lodash/4.17.21:\n    dev: false\n  /@s/x/1.0.0_peer@2:\n    dev: false\n";
        assert_eq!(
            parse_pnpm_lock(v5).expect("v5"),
            vec![
                ("@s/x".into(), "1.0.0".into()),
                ("lodash".into(), "4.17.21".into())
            ]
        );
        assert_eq!(
            npm_purl("@types/node", "20.1.0").as_str(),
            "pkg:npm/%40types/node@20.1.0"
        );
    }
}
