//! Layer squashing semantics and untrusted input, on hand-built layouts.

mod support;

use std::io::Read;

use bulwark_oci::{EntryKind, Error, FileTree, Image, Limits, OpenOptions, Platform};
use support::{Comp, Item, Layer, layout, put_image, put_index, tar};

fn open(dir: &tempfile::TempDir) -> Result<Image, Error> {
    Image::open_oci_dir(dir.path(), None, &OpenOptions::default())
}

fn open_with(dir: &tempfile::TempDir, limits: Limits) -> Result<Image, Error> {
    Image::open_oci_dir(
        dir.path(),
        None,
        &OpenOptions {
            limits,
            ..OpenOptions::default()
        },
    )
}

fn text(fs: &FileTree, path: &str) -> Option<String> {
    fs.read_path(path, 1 << 20)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .map(|b| String::from_utf8_lossy(&b).into_owned())
}

fn paths(fs: &FileTree) -> Vec<&str> {
    fs.entries().iter().map(|e| e.path.as_str()).collect()
}

#[test]
fn rejects_tar_entry_escaping_root() {
    let dir = layout(&[Layer::gzip(tar(&[Item::File("../../etc/passwd", b"x")]))]);
    let err = open(&dir).map(|_| ()).err();
    assert!(
        matches!(&err, Some(Error::PathEscape { entry, .. }) if entry == "../../etc/passwd"),
        "{err:?}"
    );
    let msg = err.map(|e| e.to_string()).unwrap_or_default();
    assert!(
        msg.contains("layer 1") && msg.contains("escapes the root"),
        "{msg}"
    );
}

#[test]
fn rejects_hardlink_escaping_root() {
    let dir = layout(&[Layer::gzip(tar(&[Item::Hardlink(
        "etc/shadow",
        "../../../etc/shadow",
    )]))]);
    assert!(matches!(open(&dir), Err(Error::PathEscape { .. })));
}

#[test]
fn absolute_and_dotted_names_stay_inside_the_root() {
    let dir = layout(&[Layer::gzip(tar(&[
        Item::File("/etc/abs", b"abs"),
        Item::File("./usr/./lib/../bin/dot", b"dot"),
    ]))]);
    let image = open(&dir).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(paths(image.fs()), vec!["etc/abs", "usr/bin/dot"]);
}

#[test]
fn symlink_folder_tricks_resolve_inside_the_root() {
    let dir = layout(&[
        Layer::gzip(tar(&[
            Item::Dir("etc"),
            Item::File("etc/passwd", b"root:x:0:0"),
            Item::Symlink("evil", "../../../../etc"),
            Item::Symlink("abs", "/etc"),
        ])),
        // Written through the link folders: lands in /etc of the image, never outside.
        Layer::gzip(tar(&[
            Item::File("evil/hosts", b"127.0.0.1 localhost"),
            Item::File("abs/hostname", b"box"),
        ])),
    ]);
    let image = open(&dir).unwrap_or_else(|e| panic!("{e}"));
    let fs = image.fs();
    assert_eq!(
        paths(fs),
        vec![
            "abs",
            "etc",
            "etc/hostname",
            "etc/hosts",
            "etc/passwd",
            "evil"
        ]
    );
    assert_eq!(text(fs, "evil/passwd").as_deref(), Some("root:x:0:0"));
    assert_eq!(fs.get("etc/hosts").and_then(|e| e.layer), Some(1));
}

#[test]
fn symlink_loops_are_bounded() {
    let dir = layout(&[Layer::gzip(tar(&[
        Item::Symlink("a", "b"),
        Item::Symlink("b", "a"),
    ]))]);
    let image = open(&dir).unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(
        image.fs().resolve("a/x"),
        Err(Error::LimitExceeded { .. })
    ));
    let entry = image.fs().get("a").cloned();
    let read = entry.map(|e| image.fs().open(&e).map(|_| ()));
    assert!(matches!(read, Some(Err(Error::LimitExceeded { .. }))));
}

#[test]
fn whiteouts_and_opaque_folders() {
    let dir = layout(&[
        Layer::gzip(tar(&[
            Item::Dir("a"),
            Item::File("a/x", b"1"),
            Item::File("a/y", b"1"),
            Item::Dir("d"),
            Item::Dir("d/sub"),
            Item::File("d/sub/deep", b"1"),
            Item::File("keep", b"1"),
            Item::File("gone", b"1"),
        ])),
        Layer::gzip(tar(&[
            // the layer's own entry comes before the opaque marker: it stays
            Item::File("a/z", b"2"),
            Item::File("a/.wh..wh..opq", b""),
            Item::File(".wh.d", b""),
            Item::File(".wh.gone", b""),
            Item::File(".wh..wh.plnk", b""),
        ])),
    ]);
    let image = open(&dir).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(paths(image.fs()), vec!["a", "a/z", "keep"]);
}

#[test]
fn files_and_folders_replace_each_other() {
    let dir = layout(&[
        Layer::gzip(tar(&[
            Item::Dir("was-dir"),
            Item::File("was-dir/child", b"1"),
            Item::File("was-file", b"1"),
        ])),
        Layer::gzip(tar(&[
            Item::File("was-dir", b"now a file"),
            Item::Dir("was-file"),
            Item::File("was-file/child", b"2"),
        ])),
    ]);
    let image = open(&dir).unwrap_or_else(|e| panic!("{e}"));
    let fs = image.fs();
    assert_eq!(paths(fs), vec!["was-dir", "was-file", "was-file/child"]);
    assert_eq!(fs.get("was-dir").map(|e| e.kind), Some(EntryKind::File));
    assert_eq!(fs.get("was-file").map(|e| e.kind), Some(EntryKind::Dir));
}

#[test]
fn hard_links_read_their_targets_content_even_when_the_target_is_removed() {
    let dir = layout(&[
        Layer::gzip(tar(&[
            Item::File("usr/bin/perl5.36", b"#!perl"),
            Item::Hardlink("usr/bin/perl", "usr/bin/perl5.36"),
        ])),
        Layer::gzip(tar(&[Item::File("usr/bin/.wh.perl5.36", b"")])),
    ]);
    let image = open(&dir).unwrap_or_else(|e| panic!("{e}"));
    let fs = image.fs();
    assert!(fs.get("usr/bin/perl5.36").is_none());
    let perl = fs.get("usr/bin/perl").cloned();
    assert_eq!(
        perl.as_ref().map(|e| (e.kind, e.size, e.is_file())),
        Some((EntryKind::Hardlink, 6, true))
    );
    assert_eq!(text(fs, "usr/bin/perl").as_deref(), Some("#!perl"));
}

#[test]
fn compression_is_recognised_by_magic_not_media_type() {
    let files = |n: &'static str| tar(&[Item::File(n, n.as_bytes())]);
    let dir = layout(&[
        Layer {
            tar: files("gz"),
            comp: Comp::Gzip,
            media_type: "application/vnd.oci.image.layer.v1.tar",
        },
        Layer {
            tar: files("zst"),
            comp: Comp::Zstd,
            media_type: "application/vnd.oci.image.layer.v1.tar+gzip",
        },
        Layer {
            tar: files("plain"),
            comp: Comp::None,
            media_type: "application/vnd.oci.image.layer.v1.tar+zstd",
        },
    ]);
    let image = open(&dir).unwrap_or_else(|e| panic!("{e}"));
    let comps: Vec<&str> = image
        .layers()
        .iter()
        .map(|l| l.compression.as_str())
        .collect();
    assert_eq!(comps, vec!["gzip", "zstd", "none"]);
    for n in ["gz", "zst", "plain"] {
        assert_eq!(text(image.fs(), n).as_deref(), Some(n));
    }
}

#[test]
fn pax_names_and_long_paths() {
    let long = format!("opt/{}/file.txt", "x".repeat(150));
    let dir = layout(&[Layer::gzip(tar(&[Item::PaxFile(
        &[("path", long.as_str()), ("uid", "1000")],
        "ignored",
        b"content",
    )]))]);
    let image = open(&dir).unwrap_or_else(|e| panic!("{e}"));
    let e = image.fs().get(&long).cloned();
    assert_eq!(e.map(|e| (e.uid, e.size)), Some((1000, 7)));
}

#[test]
fn decompression_ratio_is_bounded() {
    let zeros = vec![0u8; 8 << 20];
    let dir = layout(&[Layer::gzip(tar(&[Item::File("zeros", &zeros)]))]);
    let limits = Limits {
        ratio_floor: 1 << 20,
        max_ratio: 20,
        ..Limits::default()
    };
    let err = open_with(&dir, limits)
        .map(|_| ())
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("decompresses to more than 20 times"), "{err}");
    // the same image within default bounds
    assert!(open(&dir).is_ok());
}

#[test]
fn total_size_entry_count_and_pax_size_are_bounded() {
    let dir = layout(&[Layer::gzip(tar(&[
        Item::File("a", &[1u8; 4096]),
        Item::File("b", &[2u8; 4096]),
        Item::File("c", b"3"),
    ]))]);
    let too_big = open_with(
        &dir,
        Limits {
            max_total_bytes: 4096,
            ..Limits::default()
        },
    );
    assert!(
        matches!(too_big, Err(Error::LimitExceeded { .. })),
        "{too_big:?}"
    );
    let too_many = open_with(
        &dir,
        Limits {
            max_entries: 2,
            ..Limits::default()
        },
    );
    assert!(
        matches!(too_many, Err(Error::LimitExceeded { .. })),
        "{too_many:?}"
    );

    let huge_pax = "y".repeat(3000);
    let dir = layout(&[Layer::gzip(tar(&[Item::PaxFile(
        &[("comment", huge_pax.as_str())],
        "f",
        b"1",
    )]))]);
    let pax = open_with(
        &dir,
        Limits {
            max_pax_bytes: 1024,
            ..Limits::default()
        },
    );
    assert!(matches!(pax, Err(Error::LimitExceeded { .. })), "{pax:?}");
}

#[test]
fn malformed_layers_are_errors_naming_the_layer() {
    // not a tar at all
    let dir = layout(&[Layer {
        tar: b"this is not a tar archive, just text that is long enough".repeat(20),
        comp: Comp::Gzip,
        media_type: "application/vnd.oci.image.layer.v1.tar+gzip",
    }]);
    let msg = open(&dir)
        .map(|_| ())
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        msg.contains("layer 1") && msg.contains("expected a tar header"),
        "{msg}"
    );

    // a file whose size runs past the end of the layer
    let mut t = tar(&[Item::File("f", &[7u8; 2048])]);
    t.truncate(1024);
    let dir = layout(&[Layer {
        tar: t,
        comp: Comp::None,
        media_type: "application/vnd.oci.image.layer.v1.tar",
    }]);
    assert!(open(&dir).is_err());
}

#[test]
fn truncated_and_corrupted_blobs_never_panic() {
    let base = tar(&[
        Item::Dir("etc"),
        Item::File("etc/a", &[5u8; 3000]),
        Item::Symlink("etc/b", "a"),
        Item::Hardlink("etc/c", "etc/a"),
    ]);
    for comp in [Comp::Gzip, Comp::Zstd, Comp::None] {
        let stored = match comp {
            Comp::Gzip => support::gzip(&base),
            Comp::Zstd => support::zstd(&base),
            Comp::None => base.clone(),
        };
        for cut in (0..stored.len()).step_by(97) {
            let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
            let d = support::put_blob(
                dir.path(),
                "application/vnd.oci.image.layer.v1.tar",
                &stored[..cut],
            );
            let config = serde_json::json!({"architecture": "amd64", "os": "linux",
                "rootfs": {"type": "layers", "diff_ids": [support::sha256(&base)]}});
            let c = support::put_blob(
                dir.path(),
                "application/vnd.oci.image.config.v1+json",
                &serde_json::to_vec(&config).unwrap_or_default(),
            );
            let m = serde_json::json!({"schemaVersion": 2, "config": c, "layers": [d]});
            let md = support::put_blob(
                dir.path(),
                "application/vnd.oci.image.manifest.v1+json",
                &serde_json::to_vec(&m).unwrap_or_default(),
            );
            put_index(dir.path(), vec![md]);
            // Every cut is either an error or (for cuts inside the trailing zeros) an image;
            // none panics.
            let _ = Image::open_oci_dir(
                dir.path(),
                None,
                &OpenOptions {
                    skip_verify: true,
                    ..OpenOptions::default()
                },
            );
        }
    }
}

#[test]
fn digests_are_checked() {
    let dir = layout(&[Layer::gzip(tar(&[Item::File("f", b"original")]))]);
    // Replace the layer blob's content (same size, different bytes).
    let image = open(&dir).unwrap_or_else(|e| panic!("{e}"));
    let digest = image.layers()[0].digest.clone();
    let path = dir.path().join("blobs/sha256").join(&digest[7..]);
    let other = support::gzip(&tar(&[Item::File("f", b"tampered")]));
    fs_err::write(&path, &other).unwrap_or_else(|e| panic!("{e}"));
    let err = open(&dir).map(|_| ()).err();
    assert!(
        matches!(
            err,
            Some(Error::Malformed { .. } | Error::DigestMismatch { .. })
        ),
        "{err:?}"
    );
    // Same size: now the digest check is what fails.
    let original = support::gzip(&tar(&[Item::File("f", b"original")]));
    if other.len() == original.len() {
        assert!(matches!(err, Some(Error::DigestMismatch { .. })));
    }
}

#[test]
fn multi_platform_index_chooses_by_platform() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let amd = put_image(
        dir.path(),
        "linux",
        "amd64",
        &[Layer::gzip(tar(&[Item::File("arch", b"amd64")]))],
    );
    let mut arm = put_image(
        dir.path(),
        "linux",
        "arm64",
        &[Layer::gzip(tar(&[Item::File("arch", b"arm64")]))],
    );
    arm["platform"]["variant"] = "v8".into();
    // The layout names one multi-platform image whose index is a blob.
    let index = serde_json::json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [amd, arm]});
    let mut idx = support::put_blob(
        dir.path(),
        "application/vnd.oci.image.index.v1+json",
        &serde_json::to_vec(&index).unwrap_or_default(),
    );
    idx["annotations"] = serde_json::json!({"org.opencontainers.image.ref.name": "multi"});
    put_index(dir.path(), vec![idx.clone()]);
    let with = |p: &str| OpenOptions {
        platform: Platform::parse(p).ok(),
        ..OpenOptions::default()
    };
    for (p, want) in [
        ("linux/arm64", "arm64"),
        ("linux/arm64/v8", "arm64"),
        ("linux/amd64", "amd64"),
    ] {
        let image = Image::open_oci_dir(dir.path(), Some("multi"), &with(p))
            .unwrap_or_else(|e| panic!("{p}: {e}"));
        assert_eq!(text(image.fs(), "arch").as_deref(), Some(want), "{p}");
        assert_eq!(image.index_digest.as_deref(), idx["digest"].as_str());
        assert_eq!(image.config.architecture, want);
    }
    let err = Image::open_oci_dir(dir.path(), None, &with("linux/s390x"))
        .map(|_| ())
        .err();
    let msg = err.map(|e| e.to_string()).unwrap_or_default();
    assert!(
        msg.contains("linux/amd64, linux/arm64/v8") && msg.contains("--platform"),
        "{msg}"
    );
    if Platform::host().architecture == "amd64" {
        let image = Image::open_oci_dir(dir.path(), None, &OpenOptions::default())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(image.config.architecture, "amd64");
    }
}

#[test]
fn for_each_file_visits_selected_content_once() {
    let dir = layout(&[
        Layer::gzip(tar(&[Item::File("a.txt", b"A"), Item::File("b.bin", b"B")])),
        Layer::gzip(tar(&[
            Item::File("c.txt", b"C"),
            Item::Symlink("link.txt", "a.txt"),
        ])),
    ]);
    let image = open(&dir).unwrap_or_else(|e| panic!("{e}"));
    let mut seen = Vec::new();
    image
        .fs()
        .for_each_file::<Error>(
            |e| e.path.ends_with(".txt"),
            |e, r| {
                let mut s = String::new();
                r.read_to_string(&mut s)
                    .map_err(|err| Error::Usage(err.to_string()))?;
                seen.push(format!("{}={s}", e.path));
                Ok(())
            },
        )
        .unwrap_or_else(|e| panic!("{e}"));
    // storage order: layer 0 before layer 1; the link reads its target in layer 0
    assert_eq!(seen, vec!["a.txt=A", "link.txt=A", "c.txt=C"]);
}

#[test]
#[allow(clippy::unwrap_used)]
fn loose_layer_files_squash_as_an_image_does() {
    let lower = tar(&[
        Item::Dir("a"),
        Item::File("a/x", b"1"),
        Item::File("gone", b"1"),
    ]);
    let upper = support::zstd(&tar(&[
        Item::File(".wh.gone", b""),
        Item::File("a/y", b"2"),
    ]));
    let files: Vec<(String, std::fs::File)> = [("lower", lower), ("upper", upper)]
        .into_iter()
        .map(|(name, bytes)| {
            let mut f = tempfile::tempfile().unwrap();
            std::io::Write::write_all(&mut f, &bytes).unwrap();
            (name.to_owned(), f)
        })
        .collect();
    let fs = FileTree::from_layer_files(files, &OpenOptions::default()).unwrap();
    assert_eq!(paths(&fs), vec!["a", "a/x", "a/y"]);
    assert_eq!(text(&fs, "a/y").as_deref(), Some("2"));
    assert_eq!(fs.layers().len(), 2);
    assert_eq!(fs.layers()[1].compression, bulwark_oci::Compression::Zstd);

    // A bad layer is an error naming it.
    let mut bad = tempfile::tempfile().unwrap();
    std::io::Write::write_all(&mut bad, &[7u8; 700]).unwrap();
    let err = FileTree::from_layer_files(vec![("broken".to_owned(), bad)], &OpenOptions::default())
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("broken"), "{err}");
}
