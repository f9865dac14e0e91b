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

/// A chart among the targets is rendered with the scan's values, and its manifests go to
/// the conftest-mode policies and the Gatekeeper constraints (not its raw templates).
#[test]
fn charts_are_rendered_for_policies_and_constraints() {
    let chart = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/charts/web");
    let d = tempfile::tempdir().expect("tempdir");
    let write = |rel: &str, text: &str| {
        let p = d.path().join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("dir");
        std::fs::write(p, text).expect("write");
    };
    write(
        "rego/main.rego",
        "package main\n\ndeny contains msg if {\n\tinput.kind == \"Deployment\"\n\tsome c in input.spec.template.spec.containers\n\tc.securityContext.privileged\n\tmsg := sprintf(\"privileged container %s\", [c.name])\n}\n",
    );
    write(
        "gatekeeper/template.yaml",
        "apiVersion: templates.gatekeeper.sh/v1\nkind: ConstraintTemplate\nmetadata:\n  name: k8snoprivileged\nspec:\n  crd:\n    spec:\n      names:\n        kind: K8sNoPrivileged\n  targets:\n    - target: admission.k8s.gatekeeper.sh\n      rego: |\n        package k8snoprivileged\n        violation[{\"msg\": msg}] {\n          c := input.review.object.spec.template.spec.containers[_]\n          c.securityContext.privileged\n          msg := sprintf(\"privileged container %v\", [c.name])\n        }\n---\napiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sNoPrivileged\nmetadata:\n  name: no-privileged\nspec:\n  match:\n    kinds:\n      - apiGroups: [\"apps\"]\n        kinds: [\"Deployment\"]\n",
    );
    let chart = chart.to_str().expect("utf-8 path");
    let findings = |policy: &str, extra: &[&str]| -> Vec<(String, String, String)> {
        let mut args = vec![
            "scan",
            chart,
            "--policy",
            policy,
            "--only-policies",
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        let out = bulwark(&args, d.path(), None);
        let r: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
        let mut all = Vec::new();
        for t in r["targets"].as_array().expect("targets") {
            assert!(t["errors"].as_array().is_none_or(|e| e.is_empty()), "{t}");
            for f in t["findings"].as_array().expect("findings") {
                let path = f["location"]["path"].as_str().unwrap_or_default();
                all.push((
                    f["rule"].as_str().unwrap_or_default().to_owned(),
                    path.rsplit('/').next().unwrap_or_default().to_owned(),
                    f["message"].as_str().unwrap_or_default().to_owned(),
                ));
            }
        }
        all
    };
    let deny = findings("rego", &[]);
    assert_eq!(deny.len(), 1, "{deny:?}");
    assert_eq!(deny[0].0, "POL001");
    assert_eq!(deny[0].1, "deployment.yaml (rendered)");
    assert!(deny[0].2.contains("privileged container web"), "{deny:?}");
    // The scan's values reach the render: with privileged off, the policy passes.
    assert!(findings("rego", &["--set", "securityContext.privileged=false"]).is_empty());
    let gk = findings("gatekeeper", &[]);
    assert_eq!(gk.len(), 1, "{gk:?}");
    assert_eq!(gk[0].0, "POL003");
    assert_eq!(gk[0].1, "deployment.yaml (rendered)");
    assert!(gk[0].2.contains("privileged container web"), "{gk:?}");
}
