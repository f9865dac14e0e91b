//! SBOM formats on the fixture images: CycloneDX output validates against the official
//! CycloneDX 1.6 schema; CycloneDX, SPDX and bulwark JSON read back to the same packages;
//! output is byte-identical from run to run.

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
    let validator = cyclonedx_validator();
    let options = WriteOptions {
        tool_version: "0.1.0".into(),
        created: Some("2026-01-01T00:00:00Z".into()),
    };
    for image in ["debian-polyglot.oci.tar", "tiny-static.oci.tar"] {
        let sbom = common::catalog_image(&dir.join(image)).sbom;
        let cdx = format::write(&sbom, Format::CycloneDxJson, &options);
        let value: serde_json::Value = serde_json::from_str(&cdx).expect("json");
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .take(10)
            .collect();
        assert!(
            errors.is_empty(),
            "{image}: CycloneDX output is not valid 1.6:\n{}",
            errors.join("\n")
        );
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
