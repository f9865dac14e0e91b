//! SPDX 2.3 JSON.

use serde_json::{Value, json};

use super::{WriteOptions, document_hash, hex, package_id};
use crate::catalog::license::spdx_id;
use crate::model::{Package, Sbom};

/// `SPDXRef-` ids allow letters, digits, `.` and `-` only.
fn sanitize(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

fn license_ref(name: &str) -> String {
    format!("LicenseRef-{}", sanitize(name))
}

/// The declared licences as an SPDX expression (`AND` of each; names that are not SPDX
/// ids become `LicenseRef-` references, listed in `hasExtractedLicensingInfos`).
fn declared(p: &Package) -> String {
    if p.licenses.is_empty() {
        return "NOASSERTION".into();
    }
    let parts: Vec<String> = p
        .licenses
        .iter()
        .map(|l| {
            spdx_id(l)
                .map(str::to_string)
                .unwrap_or_else(|| license_ref(l))
        })
        .collect();
    if parts.len() == 1 {
        parts[0].clone()
    } else {
        format!("({})", parts.join(" AND "))
    }
}

fn spdx_package(p: &Package) -> Value {
    let mut v = json!({
        "name": p.name,
        "SPDXID": format!("SPDXRef-Package-{}-{}-{}", p.kind.as_str(), sanitize(&p.name), package_id(p)),
        "downloadLocation": "NOASSERTION",
        "filesAnalyzed": false,
        "licenseConcluded": "NOASSERTION",
        "licenseDeclared": declared(p),
        "copyrightText": "NOASSERTION",
        "externalRefs": [{
            "referenceCategory": "PACKAGE-MANAGER",
            "referenceType": "purl",
            "referenceLocator": p.purl.as_str(),
        }],
        "primaryPackagePurpose": if p.kind.is_os() { "OPERATING-SYSTEM" } else { "LIBRARY" },
    });
    let o = v.as_object_mut().expect("object literal");
    if !p.version.is_empty() {
        o.insert("versionInfo".into(), p.version.clone().into());
    }
    o.insert(
        "supplier".into(),
        p.supplier
            .as_ref()
            .map(|s| format!("Organization: {}", s.replace('\n', " ")))
            .unwrap_or_else(|| "NOASSERTION".into())
            .into(),
    );
    if let Some(src) = &p.source {
        o.insert(
            "sourceInfo".into(),
            format!("source package: {} {}", src.name, src.version)
                .trim_end()
                .to_string()
                .into(),
        );
    }
    if !p.locations.is_empty() {
        let paths: Vec<String> = p.locations.iter().map(|l| l.path.clone()).collect();
        o.insert(
            "comment".into(),
            format!("found by {} in: {}", p.found_by, paths.join(", ")).into(),
        );
    }
    v
}

/// The SBOM as an SPDX 2.3 document.
pub fn to_json(sbom: &Sbom, options: &WriteOptions) -> Value {
    let hash = document_hash(sbom);
    let root_id = "SPDXRef-DocumentRoot";
    let mut packages = vec![json!({
        "name": sbom.source.name,
        "SPDXID": root_id,
        "versionInfo": sbom.source.digest.clone().unwrap_or_default(),
        "downloadLocation": "NOASSERTION",
        "filesAnalyzed": false,
        "licenseConcluded": "NOASSERTION",
        "licenseDeclared": "NOASSERTION",
        "copyrightText": "NOASSERTION",
        "supplier": "NOASSERTION",
        "primaryPackagePurpose": if sbom.source.kind == "image" { "CONTAINER" } else { "SOURCE" },
    })];
    if sbom.source.digest.is_none() {
        packages[0]
            .as_object_mut()
            .expect("object literal")
            .remove("versionInfo");
    }
    let mut relationships = vec![json!({
        "spdxElementId": "SPDXRef-DOCUMENT",
        "relationshipType": "DESCRIBES",
        "relatedSpdxElement": root_id,
    })];
    let mut extracted = std::collections::BTreeMap::new();
    for p in &sbom.packages {
        let sp = spdx_package(p);
        relationships.push(json!({
            "spdxElementId": root_id,
            "relationshipType": "CONTAINS",
            "relatedSpdxElement": sp["SPDXID"],
        }));
        for l in &p.licenses {
            if spdx_id(l).is_none() {
                extracted.insert(license_ref(l), l.clone());
            }
        }
        packages.push(sp);
    }
    let mut doc = json!({
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": sbom.source.name,
        "documentNamespace": format!("https://bulwark.invalid/spdx/{}-{}", sanitize(&sbom.source.name), hex(&hash[..16])),
        "creationInfo": {
            "created": options.created.clone().unwrap_or_else(|| "1970-01-01T00:00:00Z".into()),
            "creators": [format!("Tool: bulwark-{}", options.tool_version)],
        },
        "packages": packages,
        "relationships": relationships,
    });
    if let Some(d) = &sbom.distro {
        doc["comment"] = format!("distro: {} {}", d.id, d.version_id).into();
    }
    if !extracted.is_empty() {
        doc["hasExtractedLicensingInfos"] = Value::Array(
            extracted
                .into_iter()
                .map(|(id, name)| json!({"licenseId": id, "name": name, "extractedText": name}))
                .collect(),
        );
    }
    doc
}
