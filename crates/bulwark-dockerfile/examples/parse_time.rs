//! Times parsing every `Dockerfile` under a folder (default: the shared Dockerfile corpus)
//! and analysing each RUN as shell: `cargo run --release -p bulwark-dockerfile --example parse_time [DIR]`.
#![allow(clippy::print_stdout)]

use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/dockerfiles")
        });
    let files: Vec<PathBuf> = bulwark_test::walk_files(&dir)
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| n == "Dockerfile"))
        .collect();
    let texts: Vec<String> = files
        .iter()
        .filter_map(|p| std::fs::read(p).ok())
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let rounds = 20;
    let mut best = f64::MAX;
    let (mut ok, mut commands) = (0, 0);
    for _ in 0..rounds {
        let t = Instant::now();
        ok = 0;
        commands = 0;
        for text in &texts {
            if let Ok(df) = bulwark_dockerfile::parse_recovering(text) {
                ok += 1;
                for ins in &df.instructions {
                    if let Some(s) = bulwark_dockerfile::shell::analyze_run(&df, ins) {
                        commands += s.commands().count();
                    }
                }
            }
        }
        best = best.min(t.elapsed().as_secs_f64());
    }
    println!(
        "{} files ({} KiB), {ok} parsed, {commands} shell commands: best of {rounds} rounds {:.2} ms",
        texts.len(),
        bytes / 1024,
        best * 1000.0
    );
}
