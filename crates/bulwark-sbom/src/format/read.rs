//! Reading SBOM documents (CycloneDX JSON, SPDX JSON, Syft JSON, bulwark's own JSON) into
//! the package model, so an SBOM file can be scanned like an image.

use serde_json::Value;

use crate::catalog::dpkg::osv_ecosystem;
use crate::error::SbomError;
use crate::model::{
    Distro, Evidence, Location, Package, PackageType, Sbom, SourceInfo, SourcePackage,
};
use crate::purl::{Purl, PurlParts};

/// The SBOM formats recognised in input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    CycloneDx,
    Spdx,
    Syft,
    Bulwark,
}

/// Which SBOM format a JSON document is, if any (cheap: looks at top-level keys only).
pub fn sniff(v: &Value) -> Option<InputFormat> {
    let o = v.as_object()?;
    if o.get("bomFormat").and_then(Value::as_str) == Some("CycloneDX") {
        Some(InputFormat::CycloneDx)
    } else if o
        .get("spdxVersion")
        .and_then(Value::as_str)
        .is_some_and(|s| s.starts_with("SPDX-2"))
    {
        Some(InputFormat::Spdx)
    } else if o.get("schema").and_then(Value::as_str) == Some("bulwark.sbom/v1") {
        Some(InputFormat::Bulwark)
    } else if o.contains_key("artifacts") && o.get("schema").and_then(|s| s.get("url")).is_some() {
        Some(InputFormat::Syft)
    } else {
        None
    }
}

/// Reads an SBOM document; `path` names it in errors and becomes each package's location.
pub fn read_sbom(bytes: &[u8], path: &str) -> Result<Sbom, SbomError> {
    let err = |message: String| SbomError::Document {
        path: path.to_string(),
        message,
    };
    let v: Value = serde_json::from_slice(bytes).map_err(|e| {
        err(format!(
            "invalid JSON at line {}, column {}: {e}",
            e.line(),
            e.column()
        ))
    })?;
    let format = sniff(&v).ok_or_else(|| err("not a CycloneDX, SPDX, Syft or bulwark SBOM (no `bomFormat`, `spdxVersion` or `schema`)".into()))?;
    let mut sbom = match format {
        InputFormat::Bulwark => serde_json::from_value::<Sbom>(v)
            .map_err(|e| err(format!("invalid bulwark SBOM: {e}")))?,
        InputFormat::CycloneDx => read_cyclonedx(&v, path),
        InputFormat::Spdx => read_spdx(&v, path),
        InputFormat::Syft => read_syft(&v, path),
    };
    if sbom.source.name.is_empty() {
        sbom.source.name = path.to_string();
    }
    sbom.source.kind = "sbom".into();
    sbom.normalize();
    Ok(sbom)
}

/// A package from a document's name, version and purl: type, ecosystem, source package
/// and architecture follow from the purl.
pub fn package_from_purl(name: &str, version: &str, purl: &str, found_in: &str) -> Package {
    let parts = PurlParts::parse(purl);
    let (kind, ecosystem, source, arch) = match &parts {
        Some(pp) => {
            let kind = PackageType::from_purl_type(&pp.ty);
            let ecosystem = match pp.ty.as_str() {
                "deb" | "apk" | "rpm" => {
                    let (id, ver) = pp
                        .qualifier("distro")
                        .map(split_distro)
                        .unwrap_or((pp.namespace.clone(), String::new()));
                    osv_ecosystem(&id, &ver)
                }
                "pypi" => "PyPI".into(),
                "npm" => "npm".into(),
                "golang" => "Go".into(),
                "cargo" => "crates.io".into(),
                "maven" => "Maven".into(),
                "gem" => "RubyGems".into(),
                "composer" => "Packagist".into(),
                "nuget" => "NuGet".into(),
                other => other.to_string(),
            };
            let source = kind.is_os().then(|| match pp.qualifier("upstream") {
                Some(up) => {
                    let (n, v) = up.split_once('@').unwrap_or((up, ""));
                    SourcePackage {
                        name: n.to_string(),
                        version: v.to_string(),
                    }
                }
                None => SourcePackage {
                    name: pp.name.clone(),
                    version: String::new(),
                },
            });
            (
                kind,
                ecosystem,
                source,
                pp.qualifier("arch").map(str::to_string),
            )
        }
        None => (PackageType::Unknown, String::new(), None, None),
    };
    let name = if name.is_empty() {
        parts.as_ref().map(|p| p.name.clone()).unwrap_or_default()
    } else {
        name.to_string()
    };
    let version = if version.is_empty() {
        parts
            .as_ref()
            .map(|p| p.version.clone())
            .unwrap_or_default()
    } else {
        version.to_string()
    };
    let mut p = Package::new(
        kind,
        name,
        version,
        &ecosystem,
        Purl(purl.to_string()),
        "sbom-cataloger",
    );
    p.source = source;
    p.arch = arch;
    p.locations.push(Location {
        path: found_in.to_string(),
        layer: None,
        evidence: Evidence::Primary,
    });
    p
}

/// `debian-12` → (`debian`, `12`); `opensuse-leap-15.4` → (`opensuse-leap`, `15.4`).
fn split_distro(q: &str) -> (String, String) {
    match q.rfind('-') {
        Some(i) if q[i + 1..].starts_with(|c: char| c.is_ascii_digit()) => {
            (q[..i].to_string(), q[i + 1..].to_string())
        }
        _ => (q.to_string(), String::new()),
    }
}

fn distro_from_packages(packages: &[Package]) -> Option<Distro> {
    packages.iter().filter(|p| p.kind.is_os()).find_map(|p| {
        let pp = p.purl.parse()?;
        let (id, version_id) = split_distro(pp.qualifier("distro")?);
        Some(Distro {
            id,
            version_id,
            ..Distro::default()
        })
    })
}

fn str_at<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

fn read_cyclonedx(v: &Value, path: &str) -> Sbom {
    let mut packages = Vec::new();
    let mut distro = None;
    fn walk(
        list: &Value,
        path: &str,
        packages: &mut Vec<Package>,
        distro: &mut Option<Distro>,
        depth: usize,
    ) {
        let Some(items) = list.as_array() else { return };
        for c in items {
            if str_at(c, "type") == "operating-system" {
                *distro = Some(Distro {
                    id: str_at(c, "name").to_ascii_lowercase(),
                    version_id: str_at(c, "version").to_string(),
                    pretty_name: str_at(c, "description").to_string(),
                    ..Distro::default()
                });
            } else if !str_at(c, "purl").is_empty() {
                let mut p = package_from_purl(
                    str_at(c, "name"),
                    str_at(c, "version"),
                    str_at(c, "purl"),
                    path,
                );
                p.licenses = c
                    .get("licenses")
                    .and_then(Value::as_array)
                    .map(|ls| {
                        ls.iter()
                            .filter_map(|l| {
                                let lic = l.get("license");
                                lic.and_then(|x| x.get("id"))
                                    .or_else(|| lic.and_then(|x| x.get("name")))
                                    .or_else(|| l.get("expression"))
                                    .and_then(Value::as_str)
                                    .map(str::to_string)
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                packages.push(p);
            }
            if depth < 32
                && let Some(sub) = c.get("components")
            {
                walk(sub, path, packages, distro, depth + 1);
            }
        }
    }
    if let Some(cs) = v.get("components") {
        walk(cs, path, &mut packages, &mut distro, 0);
    }
    let distro = distro.or_else(|| distro_from_packages(&packages));
    let name = v
        .pointer("/metadata/component/name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    Sbom {
        source: SourceInfo {
            name,
            ..SourceInfo::default()
        },
        distro,
        packages,
    }
}

fn read_spdx(v: &Value, path: &str) -> Sbom {
    let mut packages = Vec::new();
    for p in v
        .get("packages")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let purl = p
            .get("externalRefs")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find(|r| str_at(r, "referenceType") == "purl")
            .map(|r| str_at(r, "referenceLocator"))
            .unwrap_or("");
        if purl.is_empty() {
            continue;
        }
        let mut pkg = package_from_purl(str_at(p, "name"), str_at(p, "versionInfo"), purl, path);
        let lic = str_at(p, "licenseDeclared");
        if !lic.is_empty() && lic != "NOASSERTION" && lic != "NONE" {
            pkg.licenses.push(lic.to_string());
        }
        packages.push(pkg);
    }
    let distro = distro_from_packages(&packages);
    Sbom {
        source: SourceInfo {
            name: str_at(v, "name").to_string(),
            ..SourceInfo::default()
        },
        distro,
        packages,
    }
}

fn read_syft(v: &Value, path: &str) -> Sbom {
    let mut packages = Vec::new();
    for a in v
        .get("artifacts")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let purl = str_at(a, "purl");
        if purl.is_empty() {
            continue;
        }
        packages.push(package_from_purl(
            str_at(a, "name"),
            str_at(a, "version"),
            purl,
            path,
        ));
    }
    let distro = v
        .get("distro")
        .filter(|d| !str_at(d, "id").is_empty())
        .map(|d| Distro {
            id: str_at(d, "id").to_string(),
            version_id: str_at(d, "versionID").to_string(),
            codename: str_at(d, "versionCodename").to_string(),
            pretty_name: str_at(d, "prettyName").to_string(),
            id_like: Vec::new(),
        });
    let name = v
        .pointer("/source/name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    Sbom {
        source: SourceInfo {
            name,
            ..SourceInfo::default()
        },
        distro: distro.or_else(|| distro_from_packages(&packages)),
        packages,
    }
}
