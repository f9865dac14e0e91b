//! Python packages: installed distributions (`*.dist-info/METADATA`, `*.egg-info`), and in
//! source trees `requirements*.txt`, `poetry.lock`, `Pipfile.lock` and `uv.lock`.

use serde::Deserialize;

use super::{Env, bad_file, license};
use crate::error::Warning;
use crate::model::{Evidence, Package, PackageType};
use crate::purl::Purl;
use crate::tree::{Tree, file_name, parent};

pub const INSTALLED_CATALOGER: &str = "python-installed-package-cataloger";
pub const DECLARED_CATALOGER: &str = "python-package-cataloger";

pub(crate) fn wants(path: &str, image: bool) -> bool {
    let dir = file_name(parent(path));
    let name = file_name(path);
    (dir.ends_with(".dist-info") && matches!(name, "METADATA" | "RECORD" | "top_level.txt"))
        || (dir.ends_with(".egg-info")
            && matches!(name, "PKG-INFO" | "top_level.txt" | "installed-files.txt"))
        || name.ends_with(".egg-info")
        || (!image && is_declared(name))
}

fn is_declared(name: &str) -> bool {
    matches!(name, "poetry.lock" | "Pipfile.lock" | "uv.lock")
        || (name.starts_with("requirements") && name.ends_with(".txt"))
}

/// PEP 503 name normalisation: lower case, runs of `-`, `_`, `.` become one `-`.
pub fn normalize_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('-');
            }
            sep = false;
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

fn pypi_package(name: &str, version: &str, found_by: &str) -> Package {
    let name = normalize_name(name);
    let purl = Purl::build("pypi", "", &name, version, &[], "");
    Package::new(PackageType::Python, name, version, "PyPI", purl, found_by)
}

pub(crate) fn catalog(tree: &Tree, env: &Env, out: &mut Vec<Package>, warnings: &mut Vec<Warning>) {
    let metadata = tree.files_matching(|p| {
        let dir = file_name(parent(p));
        (dir.ends_with(".dist-info") && file_name(p) == "METADATA")
            || (dir.ends_with(".egg-info") && file_name(p) == "PKG-INFO")
            || (file_name(p).ends_with(".egg-info"))
    });
    for path in metadata {
        let Some(text) = tree.read_text(path) else {
            continue;
        };
        let fields = header_fields(&text);
        let get = |k: &str| {
            fields
                .iter()
                .find(|(key, _)| key.eq_ignore_ascii_case(k))
                .map(|(_, v)| v.as_str())
                .unwrap_or("")
        };
        let (name, version) = (get("Name"), get("Version"));
        if name.is_empty() || version.is_empty() {
            warnings.push(bad_file(
                path,
                "Python package metadata without `Name` or `Version`",
            ));
            continue;
        }
        let mut p = pypi_package(name, version, INSTALLED_CATALOGER);
        p.locations.push(tree.location(path, Evidence::Primary));
        // a `NAME.egg-info` file stands alone; a folder holds more files
        let single_file = file_name(path).ends_with(".egg-info");
        let dir = parent(path);
        if !single_file {
            for extra in ["RECORD", "top_level.txt", "installed-files.txt"] {
                let f = format!("{dir}/{extra}");
                if tree.exists(&f) {
                    p.locations.push(tree.location(&f, Evidence::Supporting));
                }
            }
        }
        let site = parent(dir);
        let record = (!single_file)
            .then(|| tree.read_text(&format!("{dir}/RECORD")))
            .flatten();
        if let Some(record) = record {
            p.files = record
                .lines()
                .filter_map(|l| l.split(',').next())
                .filter(|f| !f.is_empty())
                .map(|f| crate::tree::normalize(&format!("{site}/{f}")))
                .collect();
        }
        let lic = get("License-Expression");
        let lic = if lic.is_empty() { get("License") } else { lic };
        if !lic.is_empty() && lic != "UNKNOWN" && !lic.contains('\n') {
            p.licenses.push(license::normalize(lic));
        } else if let Some(c) = fields
            .iter()
            .find(|(k, v)| k == "Classifier" && v.starts_with("License ::"))
        {
            let l = c.1.rsplit("::").next().unwrap_or("").trim();
            if !l.is_empty() {
                p.licenses.push(license::normalize(l));
            }
        }
        p.supplier = Some(get("Author").to_string()).filter(|a| !a.is_empty() && a != "UNKNOWN");
        out.push(p);
    }
    if env.image {
        return;
    }
    for path in tree.files_matching(|p| is_declared(file_name(p))) {
        let Some(text) = tree.read_text(path) else {
            continue;
        };
        let name = file_name(path);
        let found = if name.ends_with(".txt") {
            Ok(parse_requirements(&text))
        } else if name == "Pipfile.lock" {
            parse_pipfile_lock(&text)
        } else {
            parse_toml_lock(&text)
        };
        match found {
            Ok(list) => {
                let loc = tree.location(path, Evidence::Primary);
                for (n, v) in list {
                    let mut p = pypi_package(&n, &v, DECLARED_CATALOGER);
                    p.locations.push(loc.clone());
                    out.push(p);
                }
            }
            Err(e) => warnings.push(bad_file(path, e)),
        }
    }
}

/// The header of a METADATA/PKG-INFO file (RFC 822 style; the body after the first blank
/// line is the description).
fn header_fields(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            break;
        }
        if line.starts_with(' ') || line.starts_with('\t') {
            if let Some((_, v)) = out.last_mut() {
                v.push('\n');
                v.push_str(line.trim());
            }
        } else if let Some((k, v)) = line.split_once(':') {
            out.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    out
}

/// `name==version` pins of a requirements file (other specifiers name no single version
/// and are left out; options, URLs, comments and markers are skipped).
pub fn parse_requirements(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut logical = String::new();
    for raw in text.lines() {
        let line = raw.split(" #").next().unwrap_or("");
        if let Some(cont) = line.strip_suffix('\\') {
            logical.push_str(cont);
            continue;
        }
        logical.push_str(line);
        let l = std::mem::take(&mut logical);
        let l = l.trim();
        if l.is_empty() || l.starts_with('#') || l.starts_with('-') || l.contains("://") {
            continue;
        }
        let l = l.split(';').next().unwrap_or("").trim();
        let Some((name, rest)) = l.split_once("==") else {
            continue;
        };
        let name = name.split('[').next().unwrap_or("").trim();
        let version = rest
            .trim_start_matches('=')
            .trim()
            .split([',', ' '])
            .next()
            .unwrap_or("")
            .trim();
        if !name.is_empty() && !version.is_empty() && !version.contains('*') {
            out.push((name.to_string(), version.to_string()));
        }
    }
    out
}

#[derive(Deserialize)]
struct TomlLock {
    #[serde(default)]
    package: Vec<TomlLockPackage>,
}

#[derive(Deserialize)]
struct TomlLockPackage {
    name: String,
    #[serde(default)]
    version: Option<String>,
}

/// `poetry.lock` and `uv.lock`: `[[package]]` tables with `name` and `version`.
pub fn parse_toml_lock(text: &str) -> Result<Vec<(String, String)>, String> {
    let lock: TomlLock =
        toml::from_str(text).map_err(|e| format!("invalid lock file: {}", e.message()))?;
    Ok(lock
        .package
        .into_iter()
        .filter_map(|p| Some((p.name, p.version?)))
        .collect())
}

/// `Pipfile.lock`: the `default` and `develop` sections, `"version": "==1.2.3"`.
pub fn parse_pipfile_lock(text: &str) -> Result<Vec<(String, String)>, String> {
    let v: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("invalid Pipfile.lock: {e}"))?;
    let mut out = Vec::new();
    for section in ["default", "develop"] {
        if let Some(map) = v.get(section).and_then(|s| s.as_object()) {
            for (name, spec) in map {
                if let Some(ver) = spec.get("version").and_then(|x| x.as_str()) {
                    out.push((name.clone(), ver.trim_start_matches('=').to_string()));
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_normalise_like_pep_503() {
        assert_eq!(normalize_name("PyYAML"), "pyyaml");
        assert_eq!(normalize_name("zope.interface"), "zope-interface");
        assert_eq!(normalize_name("Foo__Bar-.baz"), "foo-bar-baz");
    }

    #[test]
    fn requirements_pins_only() {
        let r = parse_requirements(
            "# c\nrequests==2.25.0 # pinned\nflask>=2\nurllib3[socks] == 1.26.4 ; python_version > '3'\n-r other.txt\nsix===1.15.0\nx==1.* \n",
        );
        assert_eq!(
            r,
            vec![
                ("requests".into(), "2.25.0".into()),
                ("urllib3".into(), "1.26.4".into()),
                ("six".into(), "1.15.0".into())
            ]
        );
    }

    #[test]
    fn pipfile_lock_sections() {
        let r = parse_pipfile_lock(r#"{"default":{"requests":{"version":"==2.25.0"}},"develop":{"pytest":{"version":"==7.0.0"}}}"#).expect("parses");
        assert_eq!(r.len(), 2);
        assert!(parse_pipfile_lock("{").is_err());
    }
}
