//! End-to-end behaviour of the `bulwark` binary: discovery, input errors, formats, exit
//! codes, configuration and suppressions.

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

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

const PRIVILEGED_POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: nginx:1.27.2\n      securityContext:\n        privileged: true\n";

/// The finding of `rule` in a target of a JSON report.
fn finding<'a>(target: &'a serde_json::Value, rule: &str) -> &'a serde_json::Value {
    target["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == rule)
        .unwrap_or_else(|| panic!("no {rule} finding in {target}"))
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

#[test]
fn malformed_file_is_an_input_error_and_other_files_are_still_scanned() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "a/pod.yaml", PRIVILEGED_POD);
    write(
        d.path(),
        "b/broken.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: [\n  name: x\n",
    );
    write(d.path(), "c/notk8s.yaml", "name: my-app\nversion: 1.2.3\n");
    write(d.path(), "c/package.json", "{\"name\": \"x\"}");
    let out = bulwark(&["scan", ".", "--format", "json"], d.path());
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = json(&out);
    assert_eq!(r["schema"], "bulwark.report/v1");
    let targets = r["targets"].as_array().unwrap();
    let paths: Vec<&str> = targets
        .iter()
        .map(|t| t["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        ["a/pod.yaml", "b/broken.yaml"],
        "non-Kubernetes files are skipped quietly"
    );
    let err = &targets[1]["errors"][0];
    assert_eq!(err["path"], "b/broken.yaml");
    assert!(err["line"].as_u64().unwrap() >= 3, "{err}");
    assert!(err["column"].as_u64().is_some());
    let f = finding(&targets[0], "KUB010");
    assert_eq!(f["location"]["start_line"], 10);
    assert_eq!(f["resource"]["kind"], "Pod");
    assert_eq!(f["resource"]["name"], "p");
}

#[test]
fn exit_codes_follow_fail_on() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "pod.yaml", PRIVILEGED_POD);
    assert_eq!(
        bulwark(&["scan", "pod.yaml"], d.path()).status.code(),
        Some(1)
    );
    assert_eq!(
        bulwark(&["scan", "pod.yaml", "--fail-on", "critical"], d.path())
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        bulwark(
            &[
                "scan",
                "pod.yaml",
                "--disable",
                "KUB010",
                "--fail-on",
                "high"
            ],
            d.path()
        )
        .status
        .code(),
        Some(0)
    );
    assert_eq!(
        bulwark(&["scan", "missing.yaml"], d.path()).status.code(),
        Some(2)
    );
    assert_eq!(
        bulwark(&["scan", "--format", "xml"], d.path())
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn gitignored_files_are_not_scanned() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), ".gitignore", "generated/\n");
    write(d.path(), "generated/pod.yaml", PRIVILEGED_POD);
    write(d.path(), "deploy/pod.yaml", PRIVILEGED_POD);
    let r = json(&bulwark(&["scan", ".", "--format", "json"], d.path()));
    let paths: Vec<&str> = r["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["deploy/pod.yaml"]);
}

#[test]
fn config_file_is_found_upward_and_applied() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        ".bulwark.yaml",
        "rules:\n  severity: {KUB010: critical}\nexclude: [\"skip/**\"]\n",
    );
    write(d.path(), "deploy/pod.yaml", PRIVILEGED_POD);
    write(d.path(), "deploy/skip/pod.yaml", PRIVILEGED_POD);
    let r = json(&bulwark(&["scan", "deploy", "--format", "json"], d.path()));
    let targets = r["targets"].as_array().unwrap();
    assert_eq!(targets.len(), 1, "{r}");
    assert_eq!(finding(&targets[0], "KUB010")["severity"], "critical");
    // A bad configuration is a usage error pointing at its line.
    write(d.path(), ".bulwark.yaml", "rules:\n  disable: [NOPE001]\n");
    let out = bulwark(&["scan", "deploy"], d.path());
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(".bulwark.yaml:2:"), "{stderr}");
    assert!(stderr.contains("unknown rule `NOPE001`"), "{stderr}");
}

#[test]
fn suppressions_need_reasons_and_stay_in_json() {
    let d = tempfile::tempdir().unwrap();
    let text = PRIVILEGED_POD.replace(
        "privileged: true\n",
        "privileged: true # bulwark:ignore KUB010 the CNI needs it\n",
    );
    write(d.path(), "ok.yaml", &text);
    write(
        d.path(),
        "noreason.yaml",
        &PRIVILEGED_POD.replace(
            "privileged: true\n",
            "privileged: true # bulwark:ignore KUB010\n",
        ),
    );
    let r = json(&bulwark(&["scan", ".", "--format", "json"], d.path()));
    let t = |p: &str| {
        r["targets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["path"] == p)
            .unwrap()
            .clone()
    };
    let ok = t("ok.yaml");
    assert_eq!(finding(&ok, "KUB010")["suppressed"]["kind"], "inline");
    assert_eq!(
        finding(&ok, "KUB010")["suppressed"]["reason"],
        "the CNI needs it"
    );
    let nr = t("noreason.yaml");
    let rules: Vec<&str> = nr["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(
        rules.contains(&"CFG001") && rules.contains(&"KUB010"),
        "{rules:?}"
    );
    assert!(
        nr["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["suppressed"].is_null())
    );
}

#[test]
fn sarif_and_junit_outputs_are_written_to_files() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "pod.yaml", PRIVILEGED_POD);
    let out = bulwark(
        &["scan", "pod.yaml", "--format", "sarif", "-o", "out.sarif"],
        d.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.path().join("out.sarif")).unwrap())
            .unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert!(
        sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["ruleId"] == "KUB010")
    );
    bulwark(
        &["scan", "pod.yaml", "--format", "junit", "-o", "out.xml"],
        d.path(),
    );
    let xml = std::fs::read_to_string(d.path().join("out.xml")).unwrap();
    assert!(
        xml.contains("<testsuite") && xml.contains("KUB010"),
        "{xml}"
    );
}

#[test]
fn table_output_shows_snippet_and_caret() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "pod.yaml", PRIVILEGED_POD);
    let out = bulwark(&["scan", "pod.yaml"], d.path());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("error[KUB010]"), "{text}");
    assert!(text.contains("--> pod.yaml:10:9"), "{text}");
    assert!(text.contains("privileged: true"), "{text}");
    assert!(text.contains("^^^^"), "{text}");
}

#[test]
fn rules_lists_every_rule_as_json() {
    let d = tempfile::tempdir().unwrap();
    let out = bulwark(&["rules", "--format", "json"], d.path());
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    let codes: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"KUB010"));
    let out = bulwark(&["rules", "CKV_K8S_16"], d.path());
    assert!(String::from_utf8_lossy(&out.stdout).contains("privileged-container"));
}
