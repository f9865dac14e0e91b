//! Hand-built tars and OCI layouts for tests: raw ustar headers (so names such as `../x`,
//! which tar writers refuse, can be written) and layouts with chosen compression, platforms
//! and digests.

#![allow(dead_code)]

use std::io::Write;
use std::path::Path;

use sha2::{Digest, Sha256};

/// One tar entry to write.
pub enum Item<'a> {
    File(&'a str, &'a [u8]),
    Dir(&'a str),
    Symlink(&'a str, &'a str),
    Hardlink(&'a str, &'a str),
    /// A raw header: name, type flag, size field, data.
    Raw(&'a [u8], u8, u64, &'a [u8]),
    /// A PAX extended header with these records, then a file.
    PaxFile(&'a [(&'a str, &'a str)], &'a str, &'a [u8]),
}

pub fn header(name: &[u8], typeflag: u8, size: u64, link: &[u8], mode: u32) -> [u8; 512] {
    let mut h = [0u8; 512];
    let n = name.len().min(100);
    h[..n].copy_from_slice(&name[..n]);
    h[100..108].copy_from_slice(format!("{mode:07o}\0").as_bytes());
    h[108..116].copy_from_slice(b"0000000\0");
    h[116..124].copy_from_slice(b"0000000\0");
    h[124..136].copy_from_slice(format!("{size:011o}\0").as_bytes());
    h[136..148].copy_from_slice(b"14537000000\0");
    h[156] = typeflag;
    let l = link.len().min(100);
    h[157..157 + l].copy_from_slice(&link[..l]);
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    h[148..156].copy_from_slice(b"        ");
    let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
    h[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    h
}

fn pad(out: &mut Vec<u8>) {
    while !out.len().is_multiple_of(512) {
        out.push(0);
    }
}

fn file(out: &mut Vec<u8>, name: &str, data: &[u8]) {
    out.extend_from_slice(&header(
        name.as_bytes(),
        b'0',
        data.len() as u64,
        b"",
        0o644,
    ));
    out.extend_from_slice(data);
}

pub fn tar(items: &[Item<'_>]) -> Vec<u8> {
    let mut out = Vec::new();
    for item in items {
        match item {
            Item::File(name, data) => file(&mut out, name, data),
            Item::Dir(name) => out.extend_from_slice(&header(name.as_bytes(), b'5', 0, b"", 0o755)),
            Item::Symlink(name, target) => {
                out.extend_from_slice(&header(name.as_bytes(), b'2', 0, target.as_bytes(), 0o777))
            }
            Item::Hardlink(name, target) => {
                out.extend_from_slice(&header(name.as_bytes(), b'1', 0, target.as_bytes(), 0o644))
            }
            Item::Raw(name, flag, size, data) => {
                out.extend_from_slice(&header(name, *flag, *size, b"", 0o644));
                out.extend_from_slice(data);
            }
            Item::PaxFile(records, name, data) => {
                let mut body = Vec::new();
                for (k, v) in *records {
                    let rest = format!(" {k}={v}\n");
                    let mut len = rest.len() + 1;
                    while format!("{len}").len() + rest.len() != len {
                        len += 1;
                    }
                    body.extend_from_slice(format!("{len}{rest}").as_bytes());
                }
                out.extend_from_slice(&header(b"PaxHeader", b'x', body.len() as u64, b"", 0o644));
                out.extend_from_slice(&body);
                pad(&mut out);
                file(&mut out, name, data);
            }
        }
        pad(&mut out);
    }
    out.extend_from_slice(&[0u8; 1024]);
    out
}

pub fn sha256(data: &[u8]) -> String {
    let h = Sha256::digest(data);
    format!(
        "sha256:{}",
        h.iter().map(|b| format!("{b:02x}")).collect::<String>()
    )
}

pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap_or_else(|e| panic!("{e}"));
    e.finish().unwrap_or_else(|e| panic!("{e}"))
}

pub fn zstd(data: &[u8]) -> Vec<u8> {
    ruzstd::encoding::compress_to_vec(data, ruzstd::encoding::CompressionLevel::Fastest)
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Comp {
    None,
    Gzip,
    Zstd,
}

/// A layer: its tar and how to store it (and the media type to claim).
pub struct Layer {
    pub tar: Vec<u8>,
    pub comp: Comp,
    pub media_type: &'static str,
}

impl Layer {
    pub fn gzip(tar: Vec<u8>) -> Layer {
        Layer {
            tar,
            comp: Comp::Gzip,
            media_type: "application/vnd.oci.image.layer.v1.tar+gzip",
        }
    }
}

/// Writes a blob and returns its descriptor JSON.
pub fn put_blob(root: &Path, media_type: &str, data: &[u8]) -> serde_json::Value {
    let digest = sha256(data);
    let dir = root.join("blobs/sha256");
    fs_err::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    fs_err::write(dir.join(&digest[7..]), data).unwrap_or_else(|e| panic!("{e}"));
    serde_json::json!({"mediaType": media_type, "digest": digest, "size": data.len()})
}

/// Writes an image (config + manifest + layers) into the layout at `root`; returns the
/// manifest descriptor.
pub fn put_image(root: &Path, os: &str, arch: &str, layers: &[Layer]) -> serde_json::Value {
    let mut diff_ids = Vec::new();
    let mut descs = Vec::new();
    for l in layers {
        diff_ids.push(sha256(&l.tar));
        let stored = match l.comp {
            Comp::None => l.tar.clone(),
            Comp::Gzip => gzip(&l.tar),
            Comp::Zstd => zstd(&l.tar),
        };
        descs.push(put_blob(root, l.media_type, &stored));
    }
    let config = serde_json::json!({
        "architecture": arch, "os": os,
        "config": {"Env": ["PATH=/usr/bin"], "Labels": {"test": "yes"}},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": [{"created_by": "test"}]
    });
    let config_bytes = serde_json::to_vec(&config).unwrap_or_default();
    let config_desc = put_blob(
        root,
        "application/vnd.oci.image.config.v1+json",
        &config_bytes,
    );
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": config_desc,
        "layers": descs,
    });
    let bytes = serde_json::to_vec(&manifest).unwrap_or_default();
    let mut d = put_blob(root, "application/vnd.oci.image.manifest.v1+json", &bytes);
    d["platform"] = serde_json::json!({"os": os, "architecture": arch});
    d
}

/// Writes `index.json` and `oci-layout` listing `manifests`.
pub fn put_index(root: &Path, manifests: Vec<serde_json::Value>) {
    let index = serde_json::json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": manifests});
    fs_err::write(
        root.join("index.json"),
        serde_json::to_vec(&index).unwrap_or_default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    fs_err::write(
        root.join("oci-layout"),
        br#"{"imageLayoutVersion":"1.0.0"}"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
}

/// A layout with one linux/amd64 image made of `layers`.
pub fn layout(layers: &[Layer]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let d = put_image(dir.path(), "linux", "amd64", layers);
    put_index(dir.path(), vec![d]);
    dir
}
