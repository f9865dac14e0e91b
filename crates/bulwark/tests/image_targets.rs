//! Image targets of `bulwark scan`: told apart from paths, read with bulwark-oci, read errors
//! reported per target with exit code 2.

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};

fn bulwark(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bulwark"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

#[test]
fn image_targets_are_read_beside_files() {
    let Some(images) = bulwark_test::shared_path("images") else {
        return;
    };
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
    )
    .unwrap();
    let oci = format!(
        "oci-archive:{}",
        images.join("tiny-static.oci.tar").display()
    );
    let docker = format!(
        "docker-archive:{}",
        images.join("tiny-static.docker.tar").display()
    );
    let out = bulwark(
        &[
            "scan",
            "cm.yaml",
            &oci,
            &docker,
            "--format",
            "json",
            // reading the images is under test here, not advisory matching (no database)
            "--disable",
            "SUP001",
        ],
        d.path(),
    );
    let report = json(&out);
    let targets = report["targets"].as_array().unwrap();
    let image_targets: Vec<&serde_json::Value> =
        targets.iter().filter(|t| t["type"] == "image").collect();
    assert_eq!(image_targets.len(), 2, "{report}");
    assert!(
        image_targets
            .iter()
            .all(|t| t["errors"].as_array().is_some_and(Vec::is_empty)),
        "{report}"
    );
    assert!(targets.iter().any(|t| t["path"] == "cm.yaml"), "{report}");
    // no input error (the ConfigMap may have findings: exit 0 or 1)
    assert_ne!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn unreadable_images_are_input_errors() {
    let d = tempfile::tempdir().unwrap();
    let out = bulwark(
        &["scan", "oci-archive:missing.tar", "--format", "json"],
        d.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    let report = json(&out);
    let message = report["targets"][0]["errors"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(message.contains("missing.tar"), "{report}");

    if let Some(images) = bulwark_test::shared_path("images") {
        let target = format!(
            "docker-archive:{}",
            images.join("tiny-static.docker.tar").display()
        );
        let out = bulwark(
            &[
                "scan",
                &target,
                "--platform",
                "linux/arm64",
                "--format",
                "json",
            ],
            d.path(),
        );
        assert_eq!(out.status.code(), Some(2));
        let message = json(&out)["targets"][0]["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert!(
            message.contains("linux/amd64") && message.contains("linux/arm64"),
            "{message}"
        );
    }
    let out = bulwark(&["scan", "oci:x", "--platform", "linux"], d.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("OS/ARCH"));
}
