//! Loading folders, dependency processing and values end to end, on small charts written
//! to a temporary folder.

use std::path::Path;

use bulwark_helm::{
    Capabilities, Map, ReleaseOptions, Value, ValueOptions, check_installable, load, prepare,
    rendered_template_names,
};

fn write(root: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
}

fn render_input(root: &Path, user: &Map) -> bulwark_helm::RenderInput {
    let chart = load(root).expect("chart loads");
    prepare(
        chart,
        user,
        ReleaseOptions::default(),
        Capabilities::default(),
    )
    .expect("prepares")
}

fn json(v: &Value) -> String {
    v.to_json().to_string()
}

#[test]
fn helmignore_and_template_kinds() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        &[
            ("Chart.yaml", "apiVersion: v2\nname: demo\nversion: 0.1.0\n"),
            (".helmignore", "*.md\nsecret/\n/top.txt\n"),
            ("README.md", "x"),
            ("top.txt", "x"),
            ("files/top.txt", "kept: the rule is anchored"),
            ("secret/key", "x"),
            ("crds/crd.yaml", "kind: CustomResourceDefinition\n"),
            ("templates/.hidden.yaml", "x"),
            ("templates/_helpers.tpl", "{{ define \"x\" }}{{ end }}"),
            ("templates/NOTES.txt", "notes"),
            ("templates/deploy.yaml", "kind: Deployment"),
            (
                "templates/sub/.keep.yaml",
                "dot files below templates/ stay",
            ),
        ],
    );
    let chart = load(root).expect("loads");
    let files: Vec<&str> = chart.files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(files, [".helmignore", "crds/crd.yaml", "files/top.txt"]);
    let templates: Vec<&str> = chart.templates.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        templates,
        [
            "templates/NOTES.txt",
            "templates/_helpers.tpl",
            "templates/deploy.yaml",
            "templates/sub/.keep.yaml"
        ]
    );
    assert_eq!(
        rendered_template_names(&chart),
        [
            "demo/templates/NOTES.txt",
            "demo/templates/deploy.yaml",
            "demo/templates/sub/.keep.yaml"
        ]
    );
    assert_eq!(chart.crd_files()[0].0, "demo/crds/crd.yaml");
}

#[cfg(unix)]
#[test]
fn symlinks_stay_inside_the_chart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let outside = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        &[
            ("Chart.yaml", "apiVersion: v2\nname: demo\nversion: 0.1.0\n"),
            ("files/real.txt", "inside"),
        ],
    );
    std::os::unix::fs::symlink(root.join("files/real.txt"), root.join("link.txt")).expect("link");
    let chart = load(root).expect("inside link loads");
    assert!(
        chart
            .files
            .iter()
            .any(|f| f.name == "link.txt" && *f.data == *b"inside")
    );
    write(outside.path(), &[("secret", "x")]);
    std::os::unix::fs::symlink(outside.path().join("secret"), root.join("escape")).expect("link");
    let err = load(root).expect_err("outside link refused");
    assert!(
        err.to_string().contains("outside the chart folder"),
        "{err}"
    );
}

fn dependency_chart(root: &Path) {
    write(
        root,
        &[
            (
                "Chart.yaml",
                "apiVersion: v2\nname: parent\nversion: 1.0.0\ndependencies:\n\
                 - name: disabled\n  version: 1.x\n  condition: disabled.enabled,missing.enabled\n\
                 - name: tagged\n  version: ^1.0.0\n  tags: [extras]\n\
                 - name: lib\n  version: ~1.2.0\n  alias: third\n  import-values:\n  - data\n  - child: cfg\n    parent: imported.here\n\
                 - name: lib\n  version: '>=2.0.0'\n  alias: never\n",
            ),
            (
                "values.yaml",
                "disabled:\n  enabled: false\ntags:\n  extras: false\nimported:\n  here:\n    mine: parent\n",
            ),
            ("templates/p.yaml", "p"),
            (
                "charts/disabled/Chart.yaml",
                "apiVersion: v2\nname: disabled\nversion: 1.0.0\n",
            ),
            ("charts/disabled/templates/o.yaml", "o"),
            (
                "charts/tagged/Chart.yaml",
                "apiVersion: v2\nname: tagged\nversion: 1.0.0\n",
            ),
            ("charts/tagged/templates/t.yaml", "t"),
            (
                "charts/lib/Chart.yaml",
                "apiVersion: v2\nname: lib\nversion: 1.2.3\n",
            ),
            (
                "charts/lib/values.yaml",
                "exports:\n  data:\n    fromExport: 1\ncfg:\n  mine: child\n  extra: 2\n",
            ),
            ("charts/lib/templates/l.yaml", "l"),
        ],
    );
}

#[test]
fn conditions_tags_aliases_and_import_values() {
    let dir = tempfile::tempdir().expect("tempdir");
    dependency_chart(dir.path());
    let input = render_input(dir.path(), &Map::new());
    assert_eq!(
        rendered_template_names(&input.chart),
        [
            "parent/charts/third/templates/l.yaml",
            "parent/templates/p.yaml"
        ]
    );
    // The string form imports `exports.data` at the top; the pair form nests under
    // `parent`; the parent's own values win over imported ones.
    assert_eq!(json(&input.values["fromExport"]), "1");
    assert_eq!(
        json(&input.values["imported"]),
        r#"{"here":{"extra":2,"mine":"parent"}}"#
    );
    assert!(input.values.contains_key("third"));
    // Each template knows its chart and its scoped `.Values`.
    let templates = bulwark_helm::templates(&input.chart);
    let sub = templates
        .iter()
        .find(|t| t.name == "parent/charts/third/templates/l.yaml")
        .expect("aliased template");
    assert_eq!(sub.base_path, "parent/charts/third/templates");
    let sub_chart = input.chart.descendant(&sub.chart_path).expect("chart");
    assert_eq!(sub_chart.name(), "third");
    let scoped = bulwark_helm::render::scoped_values(&input.values, &sub.chart_path);
    assert_eq!(json(&scoped["cfg"]), r#"{"extra":2,"mine":"child"}"#);
    // A condition that resolves wins over the tags; user values switch charts on.
    let mut user = Map::new();
    bulwark_helm::strvals::parse_into("disabled.enabled=true,tags.extras=true", &mut user)
        .expect("set parses");
    let input = render_input(dir.path(), &user);
    assert_eq!(
        rendered_template_names(&input.chart),
        [
            "parent/charts/disabled/templates/o.yaml",
            "parent/charts/tagged/templates/t.yaml",
            "parent/charts/third/templates/l.yaml",
            "parent/templates/p.yaml"
        ]
    );
}

#[test]
fn numbers_keep_helm_types() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        &[
            (
                "Chart.yaml",
                "apiVersion: v2\nname: nums\nversion: 0.1.0\nappVersion: 1.10\n",
            ),
            ("values.yaml", "big: 1000000\nsmall: 3\noctal: 0777\n"),
        ],
    );
    std::fs::write(dir.path().join("user.yaml"), "fromFile: 1000000\n").expect("write");
    let opts = ValueOptions {
        value_files: vec![dir.path().join("user.yaml")],
        values: vec!["fromSet=1000000".into()],
        string_values: vec!["s=5".into()],
        ..ValueOptions::default()
    };
    let user = opts.merge_values().expect("user values");
    let input = render_input(dir.path(), &user);
    let show = |k: &str| input.values[k].to_string();
    assert_eq!(show("big"), "1e+06");
    assert_eq!(show("small"), "3");
    assert_eq!(show("octal"), "511");
    assert_eq!(show("fromFile"), "1e+06");
    assert_eq!(show("fromSet"), "1000000");
    assert_eq!(show("s"), "5");
    assert_eq!(input.values["s"], Value::String("5".into()));
    // sigs.k8s.io/yaml turns a float bound for a string field into its 32-bit `%g` form.
    assert_eq!(input.chart.metadata.app_version, "1.1");
    let chart = Value::Map(input.top_value())
        .as_map()
        .and_then(|m| m.get("Chart").cloned())
        .expect("chart");
    assert_eq!(
        chart.to_string(),
        "map[APIVersion:v2 Annotations:map[] AppVersion:1.1 Condition: Dependencies:[] Deprecated:false Description: Home: Icon: IsRoot:true Keywords:[] KubeVersion: Maintainers:[] Name:nums Sources:[] Tags: Type: Version:0.1.0]"
    );
}

#[test]
fn install_checks_kube_version_and_type() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        &[(
            "Chart.yaml",
            "apiVersion: v2\nname: k\nversion: 0.1.0\nkubeVersion: '>=1.37.0-0'\n",
        )],
    );
    let chart = load(dir.path()).expect("loads");
    let err = check_installable(&chart, &Capabilities::default()).expect_err("too old");
    assert_eq!(
        err.to_string(),
        "chart requires kubeVersion: >=1.37.0-0 which is incompatible with Kubernetes v1.36.0"
    );
    let newer = Capabilities::default()
        .with_kube_version(bulwark_helm::KubeVersion::parse("v1.37.2-gke.100").expect("parses"));
    check_installable(&chart, &newer).expect("1.37 satisfies");
}

#[test]
fn chart_yaml_errors_read_as_helms() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        &[("Chart.yaml", "apiVersion: v2\nname: x\nversion: one\n")],
    );
    let err = load(dir.path()).expect_err("bad version");
    assert_eq!(
        err.to_string(),
        "validation: chart.metadata.version \"one\" is invalid"
    );
    write(
        dir.path(),
        &[("Chart.yaml", "apiVersion: v2\nname: [x]\nversion: 1.0.0\n")],
    );
    let err = load(dir.path()).expect_err("bad name type");
    assert!(
        err.to_string()
            .starts_with("cannot load Chart.yaml: error unmarshaling JSON"),
        "{err}"
    );
    std::fs::remove_file(dir.path().join("Chart.yaml")).expect("rm");
    write(dir.path(), &[("values.yaml", "a: 1\n")]);
    assert_eq!(
        load(dir.path()).expect_err("missing").to_string(),
        "Chart.yaml file is missing"
    );
}

#[test]
fn values_files_merge_documents_and_fail_as_helm() {
    let dir = tempfile::tempdir().expect("tempdir");
    let load_values = |text: &str| {
        write(
            dir.path(),
            &[
                ("Chart.yaml", "apiVersion: v2\nname: md\nversion: 0.1.0\n"),
                ("values.yaml", text),
            ],
        );
        load(dir.path()).map(|c| Value::Map(c.values).to_json().to_string())
    };
    assert_eq!(
        load_values("a: {x: 1}\nl: [1]\n---\na: {y: 2}\nl: [2]\nb: 3\n").expect("merges"),
        r#"{"a":{"true":2,"x":1},"b":3,"l":[2]}"#
    );
    assert_eq!(
        load_values("- 1\n").expect_err("not a map").to_string(),
        "cannot load values.yaml: cannot unmarshal yaml document: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}"
    );
    assert_eq!(
        load_values("a: .nan\n").expect_err("NaN").to_string(),
        "cannot load values.yaml: cannot unmarshal yaml document: error converting YAML to JSON: json: unsupported value: NaN"
    );
    assert_eq!(
        load_values("a: 1\na: 2\n").expect("duplicate keys"),
        r#"{"a":2}"#
    );
}

/// Helm v4.2.3's messages for this schema and these values (its order among an object's
/// members follows Go map iteration, so lines are compared as a set; the header, the
/// object's missing properties first and its additional properties last are fixed).
#[test]
fn schema_errors_read_as_helms() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        &[
            ("Chart.yaml", "apiVersion: v2\nname: sch\nversion: 0.1.0\n"),
            (
                "values.yaml",
                "name: 5\ncount: 2.5\nmode: fast\ntag: \"ABC\"\nextra: 1\nlist: []\nshort: \"a\"\nnested:\n  port: 70000\n",
            ),
            (
                "values.schema.json",
                r#"{"type":"object","required":["a","b"],"additionalProperties":false,
                "properties":{"name":{"type":"string"},"count":{"type":"integer"},"mode":{"enum":["slow","medium"]},
                "tag":{"pattern":"^[a-z]+$"},"list":{"minItems":1},"short":{"minLength":3},"c":{"const":"x"},
                "nested":{"type":"object","properties":{"port":{"maximum":65535,"type":["integer","null"]}}}}}"#,
            ),
        ],
    );
    let chart = load(dir.path()).expect("loads");
    let err = prepare(
        chart,
        &Map::new(),
        ReleaseOptions::default(),
        Capabilities::default(),
    )
    .expect_err("schema fails")
    .to_string();
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(
        lines[..3],
        [
            "values don't meet the specifications of the schema(s) in the following chart(s):",
            "sch:",
            "- at '': missing properties 'a', 'b'",
        ]
    );
    assert_eq!(
        lines.last(),
        Some(&"- at '': additional properties 'extra' not allowed")
    );
    let mut members: Vec<&str> = lines[3..lines.len() - 1].to_vec();
    members.sort_unstable();
    assert_eq!(
        members,
        [
            "- at '/count': got number, want integer",
            "- at '/list': minItems: got 0, want 1",
            "- at '/mode': value must be one of 'slow', 'medium'",
            "- at '/name': got number, want string",
            "- at '/nested/port': maximum: got 70,000, want 65,535",
            "- at '/short': minLength: got 1, want 3",
            "- at '/tag': 'ABC' does not match pattern '^[a-z]+$'",
        ]
    );
}

/// `sigs.k8s.io/yaml` turns scalars bound for string fields into strings after go-yaml v2
/// resolved them (facts from Helm v4.2.3: `.Chart` printed by a template).
#[test]
fn chart_yaml_scalars_become_strings_as_in_helm() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        &[(
            "Chart.yaml",
            "apiVersion: v2\nname: nm\nversion: 1.0\nappVersion: 010\ndescription: yes\nkeywords: [on, 1e3, 0x1F]\nannotations:\n  a: 1.50\n",
        )],
    );
    let md = load(dir.path()).expect("loads").metadata;
    assert_eq!(md.version, "1");
    assert_eq!(md.app_version, "8");
    assert_eq!(md.description, "true");
    assert_eq!(md.keywords, ["true", "1000", "31"]);
    assert_eq!(md.annotations["a"], "1.5");
}

#[test]
fn lock_files_are_checked_as_helm_decodes_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let with_lock = |lock: &str| {
        write(
            dir.path(),
            &[
                ("Chart.yaml", "apiVersion: v2\nname: l\nversion: 1.0.0\n"),
                ("Chart.lock", lock),
            ],
        );
        load(dir.path()).map(|_| ()).map_err(|e| e.to_string())
    };
    assert_eq!(
        with_lock("foo: [\n").expect_err("syntax"),
        "cannot load Chart.lock: error converting YAML to JSON: yaml: line 1: did not find expected node content"
    );
    assert_eq!(
        with_lock("generated: notatime\n").expect_err("time"),
        "cannot load Chart.lock: error unmarshaling JSON: while decoding JSON: parsing time \"notatime\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"notatime\" as \"2006\""
    );
    with_lock("generated: \"2024-01-02T03:04:05.123456789Z\"\ndigest: sha256:x\ndependencies:\n- name: a\n  version: 1.0.0\n")
        .expect("valid lock");
}
