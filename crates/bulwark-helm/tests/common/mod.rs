//! Shared by the rendering conformance tests: locating the shared corpus and comparing
//! volatile templates.

#![allow(dead_code, reason = "each test binary uses part of this module")]

use std::path::PathBuf;

pub fn shared_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("BULWARK_SHARED") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
    };
    if dir.join("corpus/charts/INDEX.json").is_file() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "shared corpus not found at {} (set BULWARK_SHARED)",
        dir.display()
    );
    None
}

/// A token that may differ between two renders of a volatile template: base64, hex or
/// PEM material.
fn is_random_token(t: &str) -> bool {
    !t.is_empty()
        && t.bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"+/=_-.:\"'".contains(&c))
}

/// Two renders of a volatile template agree when they have the same lines, and lines that
/// differ have the same tokens except random ones (same length, or both long blobs, since
/// certificates and keys vary by a few bytes).
pub fn same_shape(want: &str, got: &str) -> bool {
    let (w, g): (Vec<&str>, Vec<&str>) = (want.split('\n').collect(), got.split('\n').collect());
    if w.len() != g.len() {
        return false;
    }
    w.iter().zip(&g).all(|(a, b)| {
        if a == b {
            return true;
        }
        let (ta, tb): (Vec<&str>, Vec<&str>) = (
            a.split_whitespace().collect(),
            b.split_whitespace().collect(),
        );
        ta.len() == tb.len()
            && ta.iter().zip(&tb).all(|(x, y)| {
                x == y
                    || (is_random_token(x)
                        && is_random_token(y)
                        && (x.len() == y.len() || (x.len() >= 40 && y.len() >= 40)))
            })
    })
}
