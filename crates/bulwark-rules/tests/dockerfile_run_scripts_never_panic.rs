//! Every Dockerfile rule runs over RUN scripts of arbitrary text (unbalanced quotes,
//! multi-byte characters, stray operators) without panicking.

#![allow(clippy::unwrap_used)]

use bulwark_core::SourceFile;
use bulwark_rules::{Config, DockerfileInput, ScanOptions, scan_dockerfiles};

#[test]
fn rules_survive_arbitrary_run_scripts() {
    let alphabet: Vec<char> = "ab $(){}[]'\"`\\;&|<>#\n=*?!-é…€\t:+%/~0 apt-get pip install cd"
        .chars()
        .collect();
    let config = Config::default();
    let opts = ScanOptions {
        config: &config,
        today: jiff::civil::date(2026, 1, 1),
        schemas: &[],
    };
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    for _ in 0..1500 {
        let mut script = String::new();
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let len = (seed % 60) as usize;
        for k in 0..len {
            let r = seed.rotate_left((k as u32 * 11) % 64) ^ (k as u64).wrapping_mul(0x9e37_79b9);
            script.push(alphabet[(r % alphabet.len() as u64) as usize]);
        }
        let script = script.replace('\n', " \\\n");
        for text in [
            format!("FROM alpine:3.21\nRUN {script}\n"),
            format!("FROM alpine:3.21\nONBUILD RUN {script}\n"),
            format!("FROM alpine:3.21\nRUN <<EOF\n{script}\nEOF\n"),
        ] {
            if let Ok(input) = DockerfileInput::parse(SourceFile::new("Dockerfile", text)) {
                let _ = scan_dockerfiles(std::slice::from_ref(&input), &opts);
            }
        }
    }
}
