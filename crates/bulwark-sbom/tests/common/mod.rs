//! Test-only stopgap until bulwark-oci lands: reads the fixture images (OCI layout tar with
//! gzip layers, docker archive with plain layers, optionally zstd-compressed) with the `tar`
//! crate and squashes their layers top-down (whiteouts and opaque folders), streaming each
//! entry to the visitor.
#![allow(dead_code)]

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::Path;

use bulwark_sbom::source::{Entry, EntryKind, FileSource, Visitor};
use bulwark_sbom::{SbomError, SourceInfo};

pub struct FixtureImage {
    name: String,
    /// (diff id, uncompressed layer tar), bottom first.
    layers: Vec<(String, Vec<u8>)>,
}

fn read_all(path: &Path) -> Vec<u8> {
    let raw = std::fs::read(path).expect("fixture readable");
    if path.extension().is_some_and(|e| e == "zst") {
        let mut out = Vec::new();
        ruzstd::decoding::StreamingDecoder::new(&raw[..])
            .expect("zstd")
            .read_to_end(&mut out)
            .expect("zstd data");
        out
    } else {
        raw
    }
}

fn gunzip_if_needed(b: Vec<u8>) -> Vec<u8> {
    if b.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&b[..])
            .read_to_end(&mut out)
            .expect("gzip layer");
        out
    } else {
        b
    }
}

impl FixtureImage {
    pub fn open(path: &Path) -> FixtureImage {
        let outer = read_all(path);
        let mut files: HashMap<String, Vec<u8>> = HashMap::new();
        let mut ar = tar::Archive::new(&outer[..]);
        for e in ar.entries().expect("tar") {
            let mut e = e.expect("tar entry");
            let name = e
                .path()
                .expect("path")
                .to_string_lossy()
                .trim_start_matches("./")
                .to_string();
            let mut b = Vec::new();
            e.read_to_end(&mut b).expect("read");
            files.insert(name, b);
        }
        let json =
            |n: &str| -> serde_json::Value { serde_json::from_slice(&files[n]).expect("json") };
        let (config, layer_names): (serde_json::Value, Vec<String>) =
            if files.contains_key("index.json") {
                let idx = json("index.json");
                let mdig = idx["manifests"][0]["digest"]
                    .as_str()
                    .expect("digest")
                    .replace(':', "/");
                let m = json(&format!("blobs/{mdig}"));
                let cfg = json(&format!(
                    "blobs/{}",
                    m["config"]["digest"]
                        .as_str()
                        .expect("cfg")
                        .replace(':', "/")
                ));
                let layers = m["layers"]
                    .as_array()
                    .expect("layers")
                    .iter()
                    .map(|l| {
                        format!(
                            "blobs/{}",
                            l["digest"].as_str().expect("d").replace(':', "/")
                        )
                    })
                    .collect();
                (cfg, layers)
            } else {
                let m = json("manifest.json");
                let cfg = json(m[0]["Config"].as_str().expect("Config"));
                let layers = m[0]["Layers"]
                    .as_array()
                    .expect("Layers")
                    .iter()
                    .map(|l| l.as_str().expect("l").to_string())
                    .collect();
                (cfg, layers)
            };
        let diff_ids: Vec<String> = config["rootfs"]["diff_ids"]
            .as_array()
            .expect("diff_ids")
            .iter()
            .map(|d| d.as_str().expect("d").to_string())
            .collect();
        let layers = layer_names
            .iter()
            .zip(diff_ids)
            .map(|(n, d)| (d, gunzip_if_needed(files.remove(n).expect("layer blob"))))
            .collect();
        FixtureImage {
            name: path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned(),
            layers,
        }
    }
}

fn hidden(
    path: &str,
    whiteouts: &HashSet<String>,
    opaque: &HashSet<String>,
    seen: &HashSet<String>,
) -> bool {
    if seen.contains(path) || whiteouts.contains(path) {
        return true;
    }
    let mut p = path;
    while let Some(i) = p.rfind('/') {
        p = &p[..i];
        if whiteouts.contains(p) || opaque.contains(p) {
            return true;
        }
        if p.is_empty() {
            break;
        }
    }
    opaque.contains("")
}

impl FileSource for FixtureImage {
    fn visit(&mut self, visitor: &mut Visitor<'_>) -> Result<(), SbomError> {
        let mut seen: HashSet<String> = HashSet::new();
        let mut whiteouts: HashSet<String> = HashSet::new();
        let mut opaque: HashSet<String> = HashSet::new();
        for (diff_id, tar_bytes) in self.layers.iter().rev() {
            let mut layer_wh = HashSet::new();
            let mut layer_opq = HashSet::new();
            let mut layer_seen = HashSet::new();
            let mut ar = tar::Archive::new(&tar_bytes[..]);
            for e in ar.entries().map_err(SbomError::Io)? {
                let mut e = e.map_err(SbomError::Io)?;
                let raw = e
                    .path()
                    .map_err(SbomError::Io)?
                    .to_string_lossy()
                    .into_owned();
                let path = format!("/{}", raw.trim_start_matches("./").trim_matches('/'));
                let (dir, name) = path.rsplit_once('/').unwrap_or(("", &path));
                if name == ".wh..wh..opq" {
                    layer_opq.insert(dir.to_string());
                    continue;
                }
                if let Some(target) = name.strip_prefix(".wh.") {
                    layer_wh.insert(format!("{dir}/{target}"));
                    continue;
                }
                if hidden(&path, &whiteouts, &opaque, &seen) {
                    continue;
                }
                let ty = e.header().entry_type();
                let kind = if ty.is_dir() {
                    EntryKind::Dir
                } else if ty.is_symlink() {
                    EntryKind::Symlink
                } else if ty.is_file() {
                    EntryKind::File
                } else {
                    EntryKind::Other
                };
                let link = e
                    .link_name()
                    .ok()
                    .flatten()
                    .map(|l| l.to_string_lossy().into_owned());
                let entry = Entry {
                    path: &path,
                    kind,
                    mode: e.header().mode().unwrap_or(0),
                    size: e.header().size().unwrap_or(0),
                    link: link.as_deref(),
                    layer: Some(diff_id),
                };
                visitor(&entry, &mut e)?;
                layer_seen.insert(path);
            }
            seen.extend(layer_seen);
            whiteouts.extend(layer_wh);
            opaque.extend(layer_opq);
        }
        Ok(())
    }

    fn info(&self) -> SourceInfo {
        SourceInfo {
            name: self.name.clone(),
            kind: "image".into(),
            digest: None,
            layers: self.layers.iter().map(|(d, _)| d.clone()).collect(),
        }
    }

    fn is_image(&self) -> bool {
        true
    }
}
