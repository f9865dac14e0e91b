//! End-to-end behaviour of `bulwark template`: values flags, JSON output in the corpus
//! golden format, the `helm template` stream and Helm's error messages.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bulwark(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bulwark"))
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap()
}

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn chart(dir: &Path) {
    write(
        dir,
        "demo/Chart.yaml",
        "apiVersion: v2\nname: demo\nversion: 0.1.0\n",
    );
    write(dir, "demo/values.yaml", "replicas: 1\nimage: nginx\n");
    write(
        dir,
        "demo/templates/_helpers.tpl",
        "{{ define \"demo.name\" }}{{ .Release.Name }}-{{ .Chart.Name }}{{ end }}",
    );
    write(
        dir,
        "demo/templates/deploy.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include \"demo.name\" . }}\nspec:\n  replicas: {{ .Values.replicas }}\n  template:\n    spec:\n      containers:\n        - image: {{ .Values.image }}\n",
    );
    write(
        dir,
        "demo/templates/sa.yaml",
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {{ include \"demo.name\" . }}\n  namespace: {{ .Release.Namespace }}\n",
    );
    write(
        dir,
        "demo/templates/test.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: t\n  annotations:\n    helm.sh/hook: test\n",
    );
    write(
        dir,
        "demo/templates/empty.yaml",
        "{{- if false }}x{{ end }}",
    );
    write(
        dir,
        "demo/templates/NOTES.txt",
        "installed {{ .Release.Name }}",
    );
}

#[test]
fn json_output_is_the_render_map_with_values_flags_applied() {
    let d = tempfile::tempdir().unwrap();
    chart(d.path());
    write(d.path(), "v.yaml", "replicas: 3\n");
    let out = bulwark(
        &[
            "template",
            "demo",
            "-f",
            "v.yaml",
            "--set",
            "image=busybox",
            "--name",
            "web",
            "--output",
            "json",
        ],
        d.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let j: serde_json::Value = serde_json::from_str(&text).unwrap();
    let keys: Vec<&String> = j.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "demo/templates/NOTES.txt",
            "demo/templates/deploy.yaml",
            "demo/templates/empty.yaml",
            "demo/templates/sa.yaml",
            "demo/templates/test.yaml"
        ]
    );
    assert_eq!(j["demo/templates/empty.yaml"], "");
    let deploy = j["demo/templates/deploy.yaml"].as_str().unwrap();
    assert!(deploy.contains("name: web-demo\n") && deploy.contains("replicas: 3\n"));
    assert!(deploy.contains("image: busybox\n"));
    assert!(text.starts_with("{\n \"demo/templates/NOTES.txt\": \"installed web\",\n"));
}

#[test]
fn yaml_output_is_the_helm_template_stream() {
    let d = tempfile::tempdir().unwrap();
    chart(d.path());
    let out = bulwark(&["template", "demo", "--namespace", "prod"], d.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let sources: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("# Source: "))
        .collect();
    // Install order (ServiceAccount before Deployment), hooks last, no NOTES, no empty file.
    assert_eq!(
        sources,
        [
            "demo/templates/sa.yaml",
            "demo/templates/deploy.yaml",
            "demo/templates/test.yaml"
        ]
    );
    assert!(text.starts_with("---\n# Source: demo/templates/sa.yaml\napiVersion: v1\n"));
    assert!(text.contains("  namespace: prod\n---\n"));
}

#[test]
fn render_errors_are_input_errors_with_helms_message() {
    let d = tempfile::tempdir().unwrap();
    chart(d.path());
    write(
        d.path(),
        "demo/templates/req.yaml",
        "x: {{ required \"db.password is required\" .Values.db }}\n",
    );
    let out = bulwark(&["template", "demo"], d.path());
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("execution error at (demo/templates/req.yaml:1:6): db.password is required"),
        "{err}"
    );
}

/// The JSON output is byte for byte the golden file of the shared corpus.
#[test]
fn json_output_matches_a_corpus_golden_file() {
    let shared = match std::env::var_os("BULWARK_SHARED") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
    };
    let id = "helm__helm/subchart";
    let chart = shared.join("corpus/charts").join(id);
    if !chart.is_dir() {
        assert!(std::env::var_os("CI").is_none(), "shared corpus not found");
        return;
    }
    let out = bulwark(
        &["template", chart.to_str().unwrap(), "-o", "json"],
        Path::new("."),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let golden = std::fs::read(
        shared
            .join("corpus/charts-golden")
            .join(id)
            .join("default.json"),
    )
    .unwrap();
    assert!(out.stdout == golden, "output differs from the golden");
}
