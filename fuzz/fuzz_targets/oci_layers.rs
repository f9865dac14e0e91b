//! Arbitrary bytes as the layers of an image: the input is cut at each `\n--layer--\n` into
//! up to eight layer blobs (each sniffed as plain, gzip or zstd tar), which bulwark-oci's own
//! tar reader indexes and the squasher applies bottom up (whiteouts, opaque folders, hard
//! links, entries written through symbolic-link folders). Reading must return `Ok` or `Err`,
//! never panic or hang; on `Ok`, the tree must be sorted and free of `..`, every path must
//! resolve within the symbolic-link bound, and every file must read back exactly its size.
#![no_main]

use std::io::{Read, Seek, Write};

use bulwark_oci::{EntryKind, FileTree, Limits, OpenOptions};
use libfuzzer_sys::fuzz_target;

const SEPARATOR: &[u8] = b"\n--layer--\n";

fn split(data: &[u8]) -> Vec<&[u8]> {
    let mut parts = Vec::new();
    let mut rest = data;
    while parts.len() < 7 {
        match rest.windows(SEPARATOR.len()).position(|w| w == SEPARATOR) {
            Some(i) => {
                parts.push(&rest[..i]);
                rest = &rest[i + SEPARATOR.len()..];
            }
            None => break,
        }
    }
    parts.push(rest);
    parts
}

fuzz_target!(|data: &[u8]| {
    let mut layers = Vec::new();
    for (i, part) in split(data).into_iter().enumerate() {
        let mut f = tempfile::tempfile().expect("temporary file");
        f.write_all(part).expect("write layer");
        f.rewind().expect("rewind");
        layers.push((format!("layer {i}"), f));
    }
    let options = OpenOptions {
        limits: Limits {
            max_entries: 10_000,
            max_total_bytes: 64 << 20,
            ratio_floor: 1 << 20,
            max_symlink_hops: 40,
            ..Limits::default()
        },
        ..OpenOptions::default()
    };
    let Ok(tree) = FileTree::from_layer_files(layers, &options) else {
        return;
    };
    let entries = tree.entries();
    for pair in entries.windows(2) {
        assert!(pair[0].path < pair[1].path, "unsorted or duplicate: {:?}", pair);
    }
    for e in entries {
        assert!(!e.path.is_empty());
        assert!(
            !e.path.split('/').any(|c| c.is_empty() || c == "." || c == ".."),
            "path not normal: {:?}",
            e.path
        );
        assert!(tree.get(&e.path).is_some());
        let _ = tree.resolve(&e.path);
        let _ = tree.children(&e.path).count();
        if matches!(e.kind, EntryKind::File | EntryKind::Hardlink | EntryKind::Symlink)
            && let Ok(mut r) = tree.open(e)
        {
            let expected = r.len();
            let mut buf = Vec::new();
            if r.read_to_end(&mut buf).is_ok() {
                assert_eq!(buf.len() as u64, expected, "{}", e.path);
            }
        }
    }
});
