//! CycloneDX 1.6 JSON.

use serde_json::{Value, json};

use super::{WriteOptions, document_hash, hex, package_id};
use crate::catalog::license::spdx_id;
use crate::model::{Package, Sbom};

/// `urn:uuid:` form of a hash (version-5-style bits set so it is a well-formed UUID).
fn urn_uuid(hash: &[u8; 32]) -> String {
    let mut b = [0u8; 16];
    b.copy_from_slice(&hash[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex(&b);
    format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

fn licenses(p: &Package) -> Value {
    Value::Array(
        p.licenses
            .iter()
            .map(|l| match spdx_id(l) {
                Some(id) => json!({"license": {"id": id}}),
                None => json!({"license": {"name": l}}),
            })
            .collect(),
    )
}

fn component(p: &Package) -> Value {
    let mut props = vec![
        json!({"name": "bulwark:package:foundBy", "value": p.found_by}),
        json!({"name": "bulwark:package:type", "value": p.kind.as_str()}),
        json!({"name": "bulwark:package:ecosystem", "value": p.ecosystem.as_str()}),
    ];
    if let Some(src) = &p.source {
        props.push(json!({"name": "bulwark:package:sourceName", "value": src.name}));
        if !src.version.is_empty() {
            props.push(json!({"name": "bulwark:package:sourceVersion", "value": src.version}));
        }
    }
    for (i, l) in p.locations.iter().enumerate() {
        if let Some(layer) = &l.layer {
            props.push(json!({"name": format!("bulwark:location:{i}:layerID"), "value": layer}));
        }
        props.push(json!({"name": format!("bulwark:location:{i}:path"), "value": l.path}));
    }
    let mut c = json!({
        "bom-ref": format!("{}-{}", p.purl, package_id(p)),
        "type": "library",
        "name": p.name,
    });
    let o = c.as_object_mut().expect("object literal");
    if let Some(s) = &p.supplier {
        o.insert("publisher".into(), s.clone().into());
    }
    if !p.version.is_empty() {
        o.insert("version".into(), p.version.clone().into());
    }
    if !p.licenses.is_empty() {
        o.insert("licenses".into(), licenses(p));
    }
    o.insert("purl".into(), p.purl.as_str().into());
    o.insert("properties".into(), Value::Array(props));
    c
}

/// The SBOM as a CycloneDX 1.6 BOM.
pub fn to_json(sbom: &Sbom, options: &WriteOptions) -> Value {
    let hash = document_hash(sbom);
    let mut metadata = json!({
        "tools": {"components": [{"type": "application", "name": "bulwark", "version": options.tool_version}]},
        "component": {
            "bom-ref": format!("target-{}", hex(&hash[..8])),
            "type": if sbom.source.kind == "image" { "container" } else { "file" },
            "name": sbom.source.name,
        },
    });
    if let Some(ts) = &options.created {
        metadata["timestamp"] = ts.clone().into();
    }
    if let Some(d) = &sbom.source.digest {
        metadata["component"]["version"] = d.clone().into();
    }
    let mut components: Vec<Value> = sbom.packages.iter().map(component).collect();
    if let Some(d) = &sbom.distro {
        let mut os = json!({
            "bom-ref": format!("os-{}-{}", d.id, d.version_id),
            "type": "operating-system",
            "name": d.id,
        });
        if !d.version_id.is_empty() {
            os["version"] = d.version_id.clone().into();
        }
        if !d.pretty_name.is_empty() {
            os["description"] = d.pretty_name.clone().into();
        }
        components.push(os);
    }
    json!({
        "$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json",
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": urn_uuid(&hash),
        "version": 1,
        "metadata": metadata,
        "components": components,
    })
}
