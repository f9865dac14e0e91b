//! Java archives (jar, war, ear and the other extensions Syft reads), including archives
//! nested inside them: Maven `pom.properties`, `META-INF/MANIFEST.MF` and the file name.

use super::bad_file;
use super::license;
use super::zip::ZipArchive;
use crate::error::Warning;
use crate::model::{Location, Package, PackageType};
use crate::purl::Purl;
use crate::tree::file_name;

pub const CATALOGER: &str = "java-archive-cataloger";
const EXTENSIONS: [&str; 10] = [
    ".jar", ".war", ".ear", ".par", ".sar", ".nar", ".jpi", ".hpi", ".kar", ".lpkg",
];
/// Nesting depth of archives inside archives that is followed.
const MAX_DEPTH: usize = 8;
/// Largest nested archive inflated into memory.
const MAX_NESTED: usize = 256 << 20;
/// Largest metadata entry (manifest, pom.properties) read.
const MAX_METADATA: usize = 4 << 20;

pub fn is_archive(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    EXTENSIONS.iter().any(|e| lower.ends_with(e))
}

#[derive(Debug, Default, Clone)]
struct PomProperties {
    group: String,
    artifact: String,
    version: String,
}

fn parse_properties(text: &str) -> PomProperties {
    let mut p = PomProperties::default();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('#') || line.starts_with('!') {
            continue;
        }
        let Some((k, v)) = line.split_once(['=', ':']) else {
            continue;
        };
        let v = v.trim().to_string();
        match k.trim() {
            "groupId" => p.group = v,
            "artifactId" => p.artifact = v,
            "version" => p.version = v,
            _ => {}
        }
    }
    p
}

/// The main section of a manifest (continuation lines joined).
fn parse_manifest(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if line.is_empty() {
            break;
        }
        if let Some(cont) = line.strip_prefix(' ') {
            if let Some((_, v)) = out.last_mut() {
                v.push_str(cont);
            }
        } else if let Some((k, v)) = line.split_once(':') {
            out.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    out
}

/// `commons-io-2.11.0.jar` → (`commons-io`, `2.11.0`); no version → (`name`, "").
pub fn split_file_name(name: &str) -> (String, String) {
    let stem = match name.rfind('.') {
        Some(i) => &name[..i],
        None => name,
    };
    let bytes = stem.as_bytes();
    for (i, _) in stem.match_indices('-') {
        if bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
            return (stem[..i].to_string(), stem[i + 1..].to_string());
        }
    }
    (stem.to_string(), String::new())
}

fn maven_package(group: &str, artifact: &str, version: &str, loc: &Location) -> Package {
    let purl = Purl::build("maven", group, artifact, version, &[], "");
    let mut p = Package::new(
        PackageType::JavaArchive,
        artifact,
        version,
        "Maven",
        purl,
        CATALOGER,
    );
    p.locations.push(loc.clone());
    p
}

/// Catalogues one archive (and the archives inside it).
pub fn catalog_archive(
    data: &[u8],
    loc: &Location,
    out: &mut Vec<Package>,
    warnings: &mut Vec<Warning>,
) {
    catalog_nested(data, file_name(&loc.path), loc, out, warnings, 0);
}

fn catalog_nested(
    data: &[u8],
    name: &str,
    loc: &Location,
    out: &mut Vec<Package>,
    warnings: &mut Vec<Warning>,
    depth: usize,
) {
    let Some(zip) = ZipArchive::parse(data) else {
        warnings.push(bad_file(
            &loc.path,
            format!("`{name}` is not a readable ZIP archive"),
        ));
        return;
    };
    let read_text = |n: &str| {
        zip.find(n)
            .and_then(|e| zip.read(e, MAX_METADATA))
            .map(|b| String::from_utf8_lossy(&b).into_owned())
    };
    let manifest = read_text("META-INF/MANIFEST.MF")
        .map(|t| parse_manifest(&t))
        .unwrap_or_default();
    let mf = |k: &str| {
        manifest
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(k))
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    };
    let mut poms: Vec<PomProperties> = zip
        .entries
        .iter()
        .filter(|e| e.name.starts_with("META-INF/maven/") && e.name.ends_with("/pom.properties"))
        .filter_map(|e| zip.read(e, MAX_METADATA))
        .map(|b| parse_properties(&String::from_utf8_lossy(&b)))
        .filter(|p| !p.artifact.is_empty())
        .collect();
    poms.sort_by(|a, b| {
        (&a.group, &a.artifact, &a.version).cmp(&(&b.group, &b.artifact, &b.version))
    });
    let (file_base, file_version) = split_file_name(name);
    let main_idx = poms
        .iter()
        .position(|p| p.artifact == file_base)
        .or_else(|| poms.iter().position(|p| file_base.starts_with(&p.artifact)))
        .or_else(|| (poms.len() == 1).then_some(0));
    let main = main_idx.map(|i| poms.remove(i));
    let (group, artifact, version) = match &main {
        Some(p) => (p.group.clone(), p.artifact.clone(), p.version.clone()),
        None => {
            let version = [
                mf("Implementation-Version"),
                mf("Specification-Version"),
                mf("Bundle-Version"),
            ]
            .into_iter()
            .find(|v| !v.is_empty())
            .map(str::to_string)
            .unwrap_or(file_version);
            let group = [
                mf("Implementation-Vendor-Id"),
                mf("Bundle-SymbolicName"),
                mf("Automatic-Module-Name"),
            ]
            .into_iter()
            .map(|g| g.split(';').next().unwrap_or("").trim())
            .find(|g| g.contains('.'))
            .unwrap_or("")
            .to_string();
            (group, file_base.clone(), version)
        }
    };
    if !artifact.is_empty() {
        let mut p = maven_package(&group, &artifact, &version, loc);
        let lic = mf("Bundle-License");
        if !lic.is_empty() {
            p.licenses
                .push(license::normalize(lic.split(';').next().unwrap_or(lic)));
        }
        p.supplier = Some(mf("Implementation-Vendor").to_string()).filter(|v| !v.is_empty());
        out.push(p);
    }
    // other pom.properties: shaded or bundled dependencies
    for pom in poms {
        out.push(maven_package(&pom.group, &pom.artifact, &pom.version, loc));
    }
    if depth >= MAX_DEPTH {
        return;
    }
    for e in &zip.entries {
        if is_archive(&e.name) && !e.name.ends_with('/') {
            match zip.read(e, MAX_NESTED) {
                Some(inner) => {
                    catalog_nested(&inner, file_name(&e.name), loc, out, warnings, depth + 1)
                }
                None => warnings.push(bad_file(
                    &loc.path,
                    format!("nested archive `{}` is unreadable or too large", e.name),
                )),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_split_at_the_version() {
        assert_eq!(
            split_file_name("jackson-core-2.14.1.jar"),
            ("jackson-core".into(), "2.14.1".into())
        );
        assert_eq!(
            split_file_name("log4j-api.jar"),
            ("log4j-api".into(), String::new())
        );
        assert!(is_archive("A.WAR"));
    }

    #[test]
    fn not_a_zip_is_a_warning_not_a_panic() {
        let mut out = Vec::new();
        let mut w = Vec::new();
        let loc = Location {
            path: "/x.jar".into(),
            layer: None,
            evidence: crate::model::Evidence::Primary,
        };
        catalog_archive(b"PK\x03\x04garbage", &loc, &mut out, &mut w);
        catalog_archive(&[0u8; 10], &loc, &mut out, &mut w);
        assert!(out.is_empty());
        assert_eq!(w.len(), 2);
    }
}
