//! SBOM formats on the fixture images and the rpm fixtures: CycloneDX output validates
//! against the official CycloneDX 1.6 schema, SPDX output against the official SPDX 2.3
//! schema (plus the identifier and date rules the 2.3 text states); CycloneDX, SPDX and
//! bulwark JSON read back to the same packages; output is byte-identical from run to run.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use bulwark_sbom::format::{self, Format, WriteOptions};

struct LocalSchemas;

impl jsonschema::Retrieve for LocalSchemas {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<serde_json::Value, Box<dyn std::error::Error + Send + Sync>> {
        let name = uri.as_str().rsplit('/').next().unwrap_or("");
        let file = match name {
            "spdx.SNAPSHOT.schema.json" | "spdx.schema.json" => "spdx.SNAPSHOT.schema.json",
            "jsf-0.82.SNAPSHOT.schema.json" | "jsf-0.82.schema.json" => {
                "jsf-0.82.SNAPSHOT.schema.json"
            }
            _ => return Err(format!("no local copy of {uri}").into()),
        };
        let text = std::fs::read_to_string(schema_dir().join(file))?;
        Ok(serde_json::from_str(&text)?)
    }
}

fn schema_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas")
}

fn cyclonedx_validator() -> jsonschema::Validator {
    let text =
        std::fs::read_to_string(schema_dir().join("bom-1.6.SNAPSHOT.schema.json")).expect("schema");
    let schema: serde_json::Value = serde_json::from_str(&text).expect("schema json");
    jsonschema::options()
        .with_retriever(LocalSchemas)
        .build(&schema)
        .expect("schema compiles")
}

fn spdx_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(schema_dir().join("spdx-2.3.schema.json")).expect("schema");
    let schema: serde_json::Value = serde_json::from_str(&text).expect("schema json");
    jsonschema::options()
        .with_retriever(LocalSchemas)
        .build(&schema)
        .expect("schema compiles")
}

/// Schema errors of a document, at most ten.
fn schema_errors(validator: &jsonschema::Validator, doc: &serde_json::Value) -> Vec<String> {
    validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .take(10)
        .collect()
}

/// What SPDX 2.3 says in prose and its 2.3 JSON schema does not check: `SPDXRef-` and
/// `LicenseRef-` ids of letters, digits, `.` and `-`; ids unique; relationships between
/// known elements; `created` as `YYYY-MM-DDThh:mm:ssZ`.
fn spdx_text_rules(doc: &serde_json::Value) -> Vec<String> {
    let idstring = |s: &str, prefix: &str| {
        s.strip_prefix(prefix).is_some_and(|rest| {
            !rest.is_empty()
                && rest
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        })
    };
    let mut problems = Vec::new();
    let mut ids = BTreeSet::from(["SPDXRef-DOCUMENT".to_string()]);
    for p in doc["packages"].as_array().into_iter().flatten() {
        let id = p["SPDXID"].as_str().unwrap_or("");
        if !idstring(id, "SPDXRef-") {
            problems.push(format!("bad package SPDXID `{id}`"));
        }
        if !ids.insert(id.to_string()) {
            problems.push(format!("duplicate SPDXID `{id}`"));
        }
    }
    for r in doc["relationships"].as_array().into_iter().flatten() {
        for end in ["spdxElementId", "relatedSpdxElement"] {
            let id = r[end].as_str().unwrap_or("");
            if !ids.contains(id) {
                problems.push(format!("relationship names unknown element `{id}`"));
            }
        }
    }
    for l in doc["hasExtractedLicensingInfos"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let id = l["licenseId"].as_str().unwrap_or("");
        if !idstring(id, "LicenseRef-") {
            problems.push(format!("bad licenseId `{id}`"));
        }
    }
    let created = doc["creationInfo"]["created"].as_str().unwrap_or("");
    let shape: String = created
        .chars()
        .map(|c| if c.is_ascii_digit() { '9' } else { c })
        .collect();
    if shape != "9999-99-99T99:99:99Z" {
        problems.push(format!(
            "`created` is `{created}`, not YYYY-MM-DDThh:mm:ssZ"
        ));
    }
    problems
}

/// Validates one SBOM's CycloneDX and SPDX output.
fn assert_valid(
    name: &str,
    sbom: &bulwark_sbom::Sbom,
    cdx: &jsonschema::Validator,
    spdx: &jsonschema::Validator,
) {
    let options = WriteOptions {
        tool_version: "0.1.0".into(),
        created: Some("2026-01-01T00:00:00Z".into()),
    };
    let doc: serde_json::Value =
        serde_json::from_str(&format::write(sbom, Format::CycloneDxJson, &options)).expect("json");
    let errors = schema_errors(cdx, &doc);
    assert!(
        errors.is_empty(),
        "{name}: CycloneDX output is not valid 1.6:\n{}",
        errors.join("\n")
    );
    let doc: serde_json::Value =
        serde_json::from_str(&format::write(sbom, Format::SpdxJson, &options)).expect("json");
    let mut errors = schema_errors(spdx, &doc);
    errors.extend(spdx_text_rules(&doc));
    assert!(
        errors.is_empty(),
        "{name}: SPDX output is not valid 2.3:\n{}",
        errors.join("\n")
    );
}

fn identities(sbom: &bulwark_sbom::Sbom) -> BTreeSet<(String, String, String)> {
    sbom.packages
        .iter()
        .map(|p| (p.name.clone(), p.version.clone(), p.purl.to_string()))
        .collect()
}

#[test]
fn emitted_sboms_validate_and_read_back() {
    let Some(dir) = bulwark_test::shared_path("images") else {
        return;
    };
    let (cdx_validator, spdx_validator) = (cyclonedx_validator(), spdx_validator());
    let options = WriteOptions {
        tool_version: "0.1.0".into(),
        created: Some("2026-01-01T00:00:00Z".into()),
    };
    for image in ["debian-polyglot.oci.tar", "tiny-static.oci.tar"] {
        let sbom = common::catalog_image(&dir.join(image)).sbom;
        assert_valid(image, &sbom, &cdx_validator, &spdx_validator);
        let cdx = format::write(&sbom, Format::CycloneDxJson, &options);
        // the same bytes on a second run
        let sbom2 = common::catalog_image(&dir.join(image)).sbom;
        assert_eq!(
            cdx,
            format::write(&sbom2, Format::CycloneDxJson, &options),
            "{image}: output differs between runs"
        );
        for f in [Format::CycloneDxJson, Format::SpdxJson, Format::Json] {
            let text = format::write(&sbom, f, &options);
            let back = format::read_sbom(text.as_bytes(), "x.json").expect("reads back");
            assert_eq!(
                identities(&back),
                identities(&sbom),
                "{image}: {f:?} round trip"
            );
            assert_eq!(
                back.distro.as_ref().map(|d| d.id.as_str()),
                Some("debian"),
                "{image}: {f:?} distro"
            );
            let debs: Vec<_> = back
                .packages
                .iter()
                .filter(|p| p.kind == bulwark_sbom::PackageType::Deb)
                .collect();
            assert!(
                debs.iter()
                    .all(|p| p.ecosystem.as_str() == "Debian:12" && p.source.is_some()),
                "{f:?}"
            );
        }
    }
}

#[test]
fn reads_syft_and_trivy_goldens() {
    let Some(dir) = bulwark_test::shared_path("images") else {
        return;
    };
    let syft = std::fs::read(dir.join("debian-polyglot.oci.syft.cdx.json")).expect("golden");
    let sbom = format::read_sbom(&syft, "debian-polyglot.oci.syft.cdx.json").expect("syft cdx");
    assert_eq!(sbom.packages.len(), 123);
    let bash = sbom
        .packages
        .iter()
        .find(|p| p.name == "bash")
        .expect("bash");
    assert_eq!(
        bash.source
            .as_ref()
            .map(|s| (s.name.as_str(), s.version.as_str())),
        Some(("bash", "5.2.15-2"))
    );
    assert_eq!(bash.ecosystem.as_str(), "Debian:12");
    let trivy = std::fs::read(dir.join("tiny-static.oci.trivy.cdx.json")).expect("golden");
    let t = format::read_sbom(&trivy, "t.json").expect("trivy cdx");
    assert!(t.packages.iter().any(|p| p.name == "busybox-static"));
    assert!(format::read_sbom(b"{\"a\":1}", "x.json").is_err());
    let err = format::read_sbom(b"{", "bad.json").expect_err("invalid json");
    assert!(err.to_string().contains("bad.json"), "{err}");
}

#[test]
fn rpm_fixture_sboms_validate() {
    let (cdx, spdx) = (cyclonedx_validator(), spdx_validator());
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rpm");
    for kind in ["sqlite", "bdb", "ndb"] {
        let mut src = bulwark_sbom::DirSource::new(root.join(kind));
        let sbom = bulwark_sbom::catalog(&mut src).expect("catalogue").sbom;
        assert_eq!(sbom.packages.len(), 4, "{kind}");
        assert_valid(kind, &sbom, &cdx, &spdx);
        let text = format::write(&sbom, Format::SpdxJson, &WriteOptions::default());
        let back = format::read_sbom(text.as_bytes(), "x.spdx.json").expect("reads back");
        assert_eq!(
            identities(&back),
            identities(&sbom),
            "{kind}: SPDX round trip"
        );
    }
}

#[test]
fn spdx_checks_can_fail() {
    // the validators used above reject what SPDX 2.3 forbids
    let spdx = spdx_validator();
    let bad = serde_json::json!({
        "spdxVersion": "SPDX-2.3", "dataLicense": "CC0-1.0", "SPDXID": "SPDXRef-DOCUMENT",
        "name": "x", "documentNamespace": "https://x.invalid/x",
        "creationInfo": {"created": "yesterday", "creators": []},
        "packages": [{"name": "p", "SPDXID": "SPDXRef-p_1", "downloadLocation": "NOASSERTION",
                      "primaryPackagePurpose": "OPERATING-SYSTEM"}],
        "relationships": [{"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES",
                           "relatedSpdxElement": "SPDXRef-missing"}],
    });
    assert_eq!(
        schema_errors(&spdx, &bad).len(),
        2,
        "{:?}",
        schema_errors(&spdx, &bad)
    );
    assert_eq!(
        spdx_text_rules(&bad).len(),
        3,
        "{:?}",
        spdx_text_rules(&bad)
    );
}
