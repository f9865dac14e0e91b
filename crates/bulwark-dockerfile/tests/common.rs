//! Locating the shared corpus.

use std::path::PathBuf;

/// `BULWARK_SHARED` or `../../../shared`; `None` (skip) only outside CI.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("BULWARK_SHARED") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
    };
    if dir.join("corpus/dockerfiles").is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "shared corpus not found at {} (set BULWARK_SHARED)",
        dir.display()
    );
    None
}

/// Every file named `Dockerfile` under `dir`, sorted.
pub fn dockerfiles(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("readable corpus folder") {
            let p = e.expect("dir entry").path();
            if p.is_dir() {
                stack.push(p);
            } else if p.file_name().is_some_and(|n| n == "Dockerfile") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}
