//! Times loading every YAML and JSON file under a folder (default: the shared manifest
//! corpus): `cargo run --release -p bulwark-yaml --example load_time [DIR]`.
#![allow(clippy::print_stdout)]

use std::path::{Path, PathBuf};
use std::time::Instant;

/// YAML and JSON files, not the peer goldens beside the manifests.
fn is_manifest(p: &Path) -> bool {
    p.extension()
        .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
        && ![".trivy.json", ".checkov.json", ".kv.json"]
            .iter()
            .any(|g| p.to_string_lossy().ends_with(g))
}

fn main() {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/manifests")
        });
    let files: Vec<PathBuf> = bulwark_test::walk_files(&dir)
        .into_iter()
        .filter(|p| is_manifest(p))
        .collect();
    let texts: Vec<String> = files
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    for round in 0..3 {
        let start = Instant::now();
        let (mut docs, mut errors) = (0, 0);
        for t in &texts {
            match bulwark_yaml::load_str(t) {
                Ok(d) => docs += d.len(),
                Err(_) => errors += 1,
            }
        }
        let took = start.elapsed();
        if round == 0 {
            let mut slowest: Vec<(f64, usize)> = texts
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    let s = Instant::now();
                    let _ = bulwark_yaml::load_str(t);
                    (s.elapsed().as_secs_f64() * 1e3, i)
                })
                .collect();
            slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
            for (ms, i) in slowest.iter().take(3) {
                println!(
                    "  {ms:.1} ms {} ({} bytes)",
                    files[*i].display(),
                    texts[*i].len()
                );
            }
        }
        println!(
            "round {round}: {} files, {:.1} MB, {docs} documents, {errors} errors in {:.0} ms",
            texts.len(),
            bytes as f64 / 1e6,
            took.as_secs_f64() * 1e3
        );
    }
}
