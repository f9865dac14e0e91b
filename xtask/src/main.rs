#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["docs"] => match xtask::write_docs() {
            Ok(n) => {
                println!("wrote {n} files under docs/rules");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
        ["docs", "--check"] => {
            let stale = xtask::stale_docs();
            if stale.is_empty() {
                ExitCode::SUCCESS
            } else {
                for p in stale {
                    eprintln!("stale: {}", p.display());
                }
                eprintln!("run `cargo xtask docs`");
                ExitCode::FAILURE
            }
        }
        ["helm-goldens", filters @ ..] => {
            let filters: Vec<String> = filters.iter().map(|s| s.to_string()).collect();
            match xtask::helm_goldens::write_helm_goldens(&xtask::root(), &filters) {
                Ok(n) => {
                    println!("wrote {n} differential goldens");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        _ => {
            eprintln!(
                "usage: cargo xtask docs [--check] | cargo xtask helm-goldens [CHART-OR-VARIANT ...]"
            );
            ExitCode::from(2)
        }
    }
}
