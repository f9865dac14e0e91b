//! conftest's result formats end to end: `scan --conftest-output json` read back by
//! `policy reformat` (the reformat cases of conftest's suite that need its generated results
//! file), and `policy test -o json` results.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn bulwark(args: &[&str], cwd: &std::path::Path, stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_bulwark"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("bulwark runs");
    if let Some(mut input) = child.stdin.take() {
        let _ = input.write_all(stdin.unwrap_or_default());
    }
    child.wait_with_output().expect("bulwark ends")
}

#[test]
fn scan_json_results_reformat_to_every_format() {
    let Some(root) = bulwark_test::shared_path("corpus/policies/conftest") else {
        return;
    };
    let scan = bulwark(
        &[
            "scan",
            "--policy",
            "examples/kubernetes/policy",
            "--conftest-output",
            "json",
            "examples/kubernetes/deployment.yaml",
        ],
        &root,
        None,
    );
    assert_eq!(scan.status.code(), Some(1), "failures give 1");
    let json: serde_json::Value = serde_json::from_slice(&scan.stdout).expect("JSON results");
    assert_eq!(json[0]["filename"], "examples/kubernetes/deployment.yaml");
    assert_eq!(json[0]["namespace"], "main");
    assert_eq!(json[0]["failures"].as_array().map(Vec::len), Some(4));

    let dir = tempfile::tempdir().expect("temp dir");
    let results = dir.path().join("results.json");
    fs_err::write(&results, &scan.stdout).expect("writes");
    let results = results.display().to_string();

    let table = bulwark(
        &["policy", "reformat", &results, "-o", "table"],
        dir.path(),
        None,
    );
    let text = String::from_utf8_lossy(&table.stdout);
    assert_eq!(table.status.code(), Some(0));
    assert!(text.contains("| RESULT"), "{text}");
    assert!(
        text.contains("| failure | examples/kubernetes/deployment.yaml | main"),
        "{text}"
    );
    assert!(text.contains("hello-kubernetes"), "{text}");

    let junit = bulwark(
        &["policy", "reformat", "-o", "junit"],
        dir.path(),
        Some(&scan.stdout),
    );
    let text = String::from_utf8_lossy(&junit.stdout);
    assert!(
        text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>"),
        "{text}"
    );
    assert!(text.contains("hello-kubernetes"), "{text}");

    // JSON in, JSON out (the default): the same document.
    let again = bulwark(&["policy", "reformat"], dir.path(), Some(&scan.stdout));
    let back: serde_json::Value = serde_json::from_slice(&again.stdout).expect("JSON");
    assert_eq!(back, json);

    let empty = dir.path().join("empty.json");
    fs_err::write(&empty, "[]").expect("writes");
    let out = bulwark(
        &[
            "policy",
            "reformat",
            &empty.display().to_string(),
            "-o",
            "table",
        ],
        dir.path(),
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
}

#[test]
fn policy_test_results_in_conftest_json() {
    let Some(root) = bulwark_test::shared_path("corpus/policies/conftest") else {
        return;
    };
    let out = bulwark(
        &[
            "policy",
            "test",
            "examples/report/policy",
            "examples/report/fail",
            "-o",
            "json",
        ],
        &root,
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON results");
    assert_eq!(
        json[0]["filename"],
        "examples/report/fail/failing_test.rego"
    );
    assert_eq!(
        json[0]["failures"][0]["msg"],
        "data.main.test_missing_required_label_fail"
    );
    assert_eq!(json[0]["successes"], 0);
}
