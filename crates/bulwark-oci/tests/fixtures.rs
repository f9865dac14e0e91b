//! The real images of `shared/images`: squash results the README promises, the same
//! filesystem from the OCI and docker forms of one image, and every file Syft catalogued found
//! with the same size, mode, layer and SHA-256.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;

use bulwark_oci::{EntryKind, FileTree, Image, ImageSource, OpenOptions, Platform};
use sha2::{Digest, Sha256};

fn images() -> Option<PathBuf> {
    bulwark_test::shared_path("images")
}

fn open(target: &str) -> Image {
    let source = ImageSource::parse(target)
        .unwrap_or_else(|e| panic!("{target}: {e}"))
        .unwrap_or_else(|| panic!("{target}: not an image target"));
    source
        .open(&OpenOptions::default())
        .unwrap_or_else(|e| panic!("{target}: {e}"))
}

fn read_string(fs: &FileTree, path: &str) -> String {
    let bytes = fs
        .read_path(path, 1 << 20)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .unwrap_or_else(|| panic!("{path}: missing"));
    String::from_utf8(bytes).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn check_polyglot(image: &Image) {
    let fs = image.fs();
    assert_eq!(image.layers().len(), 3);
    // Whiteouts of layer 3 remove what layer 2 added.
    assert!(fs.get("etc/fixture").is_none());
    assert!(fs.get("etc/fixture/remove-me.txt").is_none());
    assert!(
        fs.get("usr/local/lib/python3.11/dist-packages/six.py")
            .is_none()
    );
    assert!(
        fs.descendants("usr/local/lib/python3.11/dist-packages/six-1.15.0.dist-info")
            .is_empty()
    );
    assert!(
        fs.get("usr/local/lib/python3.11/dist-packages/requests/__init__.py")
            .is_some()
    );
    // The dpkg status rewritten by layer 2 wins.
    let status = fs.get("var/lib/dpkg/status").map(|e| e.layer);
    assert_eq!(status, Some(Some(1)));
    let text = read_string(fs, "/var/lib/dpkg/status");
    for pkg in [
        "python3-minimal",
        "python3.11-minimal",
        "libpython3.11-minimal",
        "libexpat1",
    ] {
        assert!(
            text.contains(&format!("Package: {pkg}\n")),
            "{pkg} not in dpkg status"
        );
    }
    // Binaries of layer 3.
    let go = fs
        .get("usr/local/bin/fixture-go")
        .map(|e| (e.layer, e.kind, e.is_executable()));
    assert_eq!(go, Some((Some(2), EntryKind::File, true)));
    // os-release is a symbolic link in Debian.
    let os = fs.get("etc/os-release").map(|e| e.kind);
    assert_eq!(os, Some(EntryKind::Symlink));
    assert!(read_string(fs, "etc/os-release").contains("ID=debian"));
    // merged /usr: /bin is a link to usr/bin
    assert_eq!(
        fs.resolve("bin/bash")
            .ok()
            .flatten()
            .map(|e| e.path.as_str()),
        Some("usr/bin/bash")
    );
    // Config.
    let c = &image.config;
    assert_eq!(c.config.working_dir.as_deref(), Some("/opt/app"));
    assert_eq!(
        c.config.cmd.as_deref(),
        Some(&["/bin/bash".to_string()][..])
    );
    assert!(
        c.config
            .env
            .iter()
            .any(|e| e.starts_with("PATH=/opt/venv/bin:"))
    );
    assert_eq!(c.config.labels.len(), 2);
    assert_eq!(c.history.len(), 4);
    assert!(c.history[3].empty_layer);
    assert_eq!(image.platform().to_string(), "linux/amd64");
}

#[test]
fn polyglot_oci_archive_squashes_as_the_readme_says() {
    let Some(dir) = images() else { return };
    let image = open(&format!(
        "oci-archive:{}",
        dir.join("debian-polyglot.oci.tar").display()
    ));
    check_polyglot(&image);
    assert_eq!(
        image.manifest_digest.as_deref(),
        Some("sha256:67da3c0c39b613a0775f54126fd2d6a131eff3c5e0b80feeee2a146c27099918")
    );
    assert_eq!(image.names, vec!["1".to_string()]);
    assert!(
        image
            .layers()
            .iter()
            .all(|l| l.compression == bulwark_oci::Compression::Gzip)
    );
}

#[test]
fn polyglot_docker_archive_zst_matches_the_oci_form() {
    let Some(dir) = images() else { return };
    let docker = open(&format!(
        "docker-archive:{}",
        dir.join("debian-polyglot.docker.tar.zst").display()
    ));
    check_polyglot(&docker);
    assert_eq!(
        docker.names,
        vec!["localhost/bulwark/debian-polyglot:1".to_string()]
    );
    assert_eq!(
        docker.config_digest,
        "sha256:b3869a8d02655782a913a5e484b466909aeeefa2cc44964d5477ddfbbe41e63f"
    );
    let oci = open(&format!(
        "oci-archive:{}",
        dir.join("debian-polyglot.oci.tar").display()
    ));
    assert_eq!(oci.config_digest, docker.config_digest);
    let diff_ids = |i: &Image| {
        i.layers()
            .iter()
            .map(|l| l.diff_id.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(diff_ids(&oci), diff_ids(&docker));
    let view = |i: &Image| {
        i.fs()
            .entries()
            .iter()
            .map(|e| {
                (
                    e.path.clone(),
                    (e.kind, e.mode, e.size, e.link_target.clone(), e.layer),
                )
            })
            .collect::<BTreeMap<_, _>>()
    };
    let (a, b) = (view(&oci), view(&docker));
    assert!(a.len() > 5000, "only {} entries", a.len());
    assert_eq!(a, b);
}

/// Every file Syft reports (with its digests) exists here with the same size, mode, layer and
/// content.
fn compare_with_syft(image: &Image, golden: &str) {
    let Some(dir) = images() else { return };
    let compressed = fs_err::read(dir.join(golden)).unwrap_or_else(|e| panic!("{e}"));
    let mut json = Vec::new();
    ruzstd::decoding::StreamingDecoder::new(&compressed[..])
        .unwrap_or_else(|e| panic!("{golden}: {e}"))
        .read_to_end(&mut json)
        .unwrap_or_else(|e| panic!("{golden}: {e}"));
    let doc: serde_json::Value = serde_json::from_slice(&json).unwrap_or_else(|e| panic!("{e}"));
    let files = doc["files"].as_array().cloned().unwrap_or_default();
    let mut checked = 0;
    for f in files {
        let Some(digests) = f["digests"].as_array() else {
            continue;
        };
        let path = f["location"]["path"].as_str().unwrap_or_default();
        let entry = image
            .fs()
            .resolve(path)
            .unwrap_or_else(|e| panic!("{path}: {e}"))
            .unwrap_or_else(|| panic!("{golden}: {path} is missing"));
        let layer = entry
            .layer
            .map(|l| image.layers()[l as usize].diff_id.as_str());
        assert_eq!(layer, f["location"]["layerID"].as_str(), "{path}: layer");
        assert_eq!(
            Some(entry.size),
            f["metadata"]["size"].as_u64(),
            "{path}: size"
        );
        // Syft prints Go's os.FileMode: setuid, setgid and sticky are high bits there.
        let go_mode = (entry.mode & 0o777)
            | if entry.mode & 0o4000 != 0 { 1 << 23 } else { 0 }
            | if entry.mode & 0o2000 != 0 { 1 << 22 } else { 0 }
            | if entry.mode & 0o1000 != 0 { 1 << 20 } else { 0 };
        let mode = format!("{go_mode:o}");
        assert_eq!(
            Some(mode.as_str()),
            f["metadata"]["mode"]
                .as_u64()
                .map(|m| m.to_string())
                .as_deref(),
            "{path}: mode"
        );
        let want = digests
            .iter()
            .find(|d| d["algorithm"] == "sha256")
            .and_then(|d| d["value"].as_str())
            .unwrap_or_default();
        let mut reader = image
            .fs()
            .open(entry)
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        let mut h = Sha256::new();
        std::io::copy(&mut reader, &mut h).unwrap_or_else(|e| panic!("{path}: {e}"));
        let got: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(got, want, "{path}: content");
        checked += 1;
    }
    assert!(checked > 0, "{golden}: no file compared");
}

#[test]
fn polyglot_files_match_syft() {
    let Some(dir) = images() else { return };
    let image = open(&format!(
        "oci-archive:{}",
        dir.join("debian-polyglot.oci.tar").display()
    ));
    compare_with_syft(&image, "debian-polyglot.oci.syft.json.zst");
}

#[test]
fn tiny_static_both_forms() {
    let Some(dir) = images() else { return };
    for (target, golden) in [
        (
            format!("oci-archive:{}", dir.join("tiny-static.oci.tar").display()),
            "tiny-static.oci.syft.json.zst",
        ),
        (
            format!(
                "docker-archive:{}",
                dir.join("tiny-static.docker.tar").display()
            ),
            "tiny-static.docker.syft.json.zst",
        ),
    ] {
        let image = open(&target);
        let fs = image.fs();
        assert_eq!(
            image.config.config.user.as_deref(),
            Some("65534:65534"),
            "{target}"
        );
        assert_eq!(
            image.config.config.entrypoint.as_deref(),
            Some(&["/usr/local/bin/fixture-go".to_string()][..])
        );
        assert_eq!(
            fs.get("etc/os-release")
                .and_then(|e| e.link_target.as_deref()),
            Some("../usr/lib/os-release")
        );
        assert!(read_string(fs, "etc/os-release").contains("debian"));
        assert!(fs.get("var/lib/dpkg/status").is_none());
        let status_d: Vec<&str> = fs
            .children("var/lib/dpkg/status.d")
            .map(|e| e.file_name())
            .filter(|n| !n.ends_with(".md5sums"))
            .collect();
        assert_eq!(status_d, vec!["base-files", "busybox-static"], "{target}");
        let sh = fs.resolve("bin/sh").ok().flatten().map(|e| e.path.clone());
        assert_eq!(sh.as_deref(), Some("bin/busybox"));
        // walking with a predicate hands out symlinks with their target's content
        let mut seen = Vec::new();
        fs.for_each_file::<bulwark_oci::Error>(
            |e| e.path.starts_with("etc/"),
            |e, r| {
                let mut s = String::new();
                r.read_to_string(&mut s)
                    .map_err(|err| bulwark_oci::Error::Usage(err.to_string()))?;
                seen.push((e.path.clone(), s.len() as u64 == r.len()));
                Ok(())
            },
        )
        .unwrap_or_else(|e| panic!("{e}"));
        seen.sort();
        assert!(
            seen.iter().any(|(p, ok)| p == "etc/os-release" && *ok),
            "{seen:?}"
        );
        assert!(seen.iter().any(|(p, _)| p == "etc/passwd"));
        compare_with_syft(&image, golden);
    }
}

#[test]
fn unpacked_oci_layout_folder_and_platform_check() {
    let Some(dir) = images() else { return };
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let file =
        fs_err::File::open(dir.join("tiny-static.oci.tar")).unwrap_or_else(|e| panic!("{e}"));
    tar::Archive::new(file)
        .unpack(tmp.path())
        .unwrap_or_else(|e| panic!("{e}"));
    let layout = tmp.path().display().to_string();
    let by_dir = open(&format!("oci:{layout}"));
    let named = open(&format!("oci:{layout}:1"));
    assert_eq!(by_dir.manifest_digest, named.manifest_digest);
    assert!(by_dir.fs().get("bin/busybox").is_some());
    let wrong = ImageSource::parse(&format!("oci:{layout}:2"))
        .ok()
        .flatten()
        .map(|s| s.open(&OpenOptions::default()));
    assert!(matches!(
        wrong,
        Some(Err(bulwark_oci::Error::NotFound { .. }))
    ));
    let arm = OpenOptions {
        platform: Platform::parse("linux/arm64").ok(),
        ..OpenOptions::default()
    };
    let err = Image::open_oci_dir(tmp.path(), None, &arm).map(|_| ());
    let msg = err.map_err(|e| e.to_string()).err().unwrap_or_default();
    assert!(
        msg.contains("linux/amd64") && msg.contains("linux/arm64"),
        "{msg}"
    );
}

#[test]
fn rootfs_folder_reads_through_the_same_interface() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = tmp.path();
    fs_err::create_dir_all(root.join("usr/lib")).unwrap_or_else(|e| panic!("{e}"));
    fs_err::create_dir_all(root.join("etc")).unwrap_or_else(|e| panic!("{e}"));
    fs_err::write(root.join("usr/lib/os-release"), "ID=debian\n").unwrap_or_else(|e| panic!("{e}"));
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("../usr/lib/os-release", root.join("etc/os-release"))
            .unwrap_or_else(|e| panic!("{e}"));
        // a link pointing far outside still resolves inside the root
        std::os::unix::fs::symlink("/../../../../usr/lib/os-release", root.join("etc/escape"))
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let fs =
        FileTree::from_dir(root, bulwark_oci::Limits::default()).unwrap_or_else(|e| panic!("{e}"));
    assert!(fs.layers().is_empty());
    assert_eq!(
        fs.get("usr/lib/os-release").map(|e| (e.size, e.layer)),
        Some((10, None))
    );
    #[cfg(unix)]
    {
        assert_eq!(read_string(&fs, "etc/os-release"), "ID=debian\n");
        assert_eq!(read_string(&fs, "etc/escape"), "ID=debian\n");
    }
    let names: Vec<&str> = fs.children("").map(|e| e.path.as_str()).collect();
    assert_eq!(names, vec!["etc", "usr"]);
}
