use super::*;
use crate::objects_in;

/// An error as `(path, message, text under the span)`.
type Seen = (String, String, String);

/// Validates every object of `yaml`: per object, its errors, or the result when not invalid.
fn run(set: &SchemaSet, yaml: &str) -> Vec<Result<Vec<Seen>, Validation>> {
    let docs = bulwark_yaml::load_str(yaml).expect("yaml");
    objects_in(&docs)
        .iter()
        .map(|o| match set.validate(o) {
            Validation::Invalid(errors) => Ok(errors
                .into_iter()
                .map(|e| (e.path, e.message, yaml[e.span.start..e.span.end].to_owned()))
                .collect()),
            other => Err(other),
        })
        .collect()
}

fn errors(set: &SchemaSet, yaml: &str) -> Vec<Seen> {
    match run(set, yaml).into_iter().next().expect("one object") {
        Ok(errors) => errors,
        Err(Validation::Valid) => Vec::new(),
        Err(other) => panic!("expected a validation, got {other:?}"),
    }
}

fn k8s() -> SchemaSet {
    SchemaSet::embedded(None).expect("embedded schemas")
}

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: nginx:1.27\n";

#[test]
fn a_valid_pod_passes() {
    assert_eq!(errors(&k8s(), POD), vec![]);
}

#[test]
fn unknown_field_points_at_the_key_and_only_fails_in_strict_mode() {
    let yaml = format!("{POD}    imagePullPolcy: Always\n");
    let got = errors(&k8s(), &yaml);
    assert_eq!(
        got,
        vec![(
            "spec.containers.0".to_owned(),
            "Additional properties are not allowed ('imagePullPolcy' was unexpected)".to_owned(),
            "imagePullPolcy".to_owned()
        )]
    );
    assert_eq!(errors(&k8s().with_strict(false), &yaml), vec![]);
}

#[test]
fn wrong_type_points_at_the_value() {
    let yaml = format!("{POD}    ports:\n    - containerPort: abc\n");
    assert_eq!(
        errors(&k8s(), &yaml),
        vec![(
            "spec.containers.0.ports.0.containerPort".to_owned(),
            "'abc' is not of type 'integer'".to_owned(),
            "abc".to_owned()
        )]
    );
}

#[test]
fn a_quoted_number_is_a_string() {
    let yaml = format!("{POD}    ports:\n    - containerPort: \"80\"\n");
    let got = errors(&k8s(), &yaml);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].1, "'80' is not of type 'integer'");
    assert_eq!(got[0].2, "\"80\"");
}

#[test]
fn null_is_allowed_where_the_type_lists_it() {
    let yaml = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  creationTimestamp: null\n  labels: ~\nspec:\n  containers:\n  - name: web\n    image: nginx\n    args: null\n";
    assert_eq!(errors(&k8s(), yaml), vec![]);
}

#[test]
fn missing_required_field_points_at_the_first_key_of_the_mapping() {
    let yaml = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - image: nginx\n    tty: true\n";
    assert_eq!(
        errors(&k8s(), yaml),
        vec![(
            "spec.containers.0".to_owned(),
            "'name' is a required property".to_owned(),
            "image".to_owned()
        )]
    );
}

#[test]
fn missing_required_field_of_an_empty_mapping_points_at_the_mapping() {
    let yaml = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec: {}\n";
    assert_eq!(
        errors(&k8s(), yaml),
        vec![(
            "spec".to_owned(),
            "'containers' is a required property".to_owned(),
            "{}".to_owned()
        )]
    );
}

#[test]
fn enum_lists_the_allowed_values() {
    // The kind file pins `kind` with an enum; the file lookup lowercases the kind.
    let yaml = "apiVersion: apps/v1\nkind: deployment\nmetadata: {name: d}\nspec: {selector: {}, template: {}}\n";
    assert_eq!(
        errors(&k8s(), yaml),
        vec![(
            "kind".to_owned(),
            "'deployment' is not one of ['Deployment']".to_owned(),
            "deployment".to_owned()
        )]
    );
    let yaml = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {selector: {}, template: {}}\n";
    assert_eq!(errors(&k8s(), yaml), vec![]);
}

#[test]
fn int_or_string_accepts_both_and_rejects_the_rest() {
    let svc = |port: &str| {
        format!(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n  - port: 80\n    targetPort: {port}\n"
        )
    };
    for ok in ["8080", "http", "\"8080\"", "80.0"] {
        assert_eq!(errors(&k8s(), &svc(ok)), vec![], "{ok}");
    }
    let got = errors(&k8s(), &svc("true"));
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].0, "spec.ports.0.targetPort");
    assert_eq!(got[0].1, "True is not valid under any of the given schemas");
    assert_eq!(got[0].2, "true");
    // null matches both branches of the oneOf, as in jsonschema.
    let got = errors(&k8s(), &svc("null"));
    assert_eq!(
        got[0].1,
        "None is valid under each of {'type': ['string', 'null']}, {'type': ['integer', 'null']}"
    );
    let got = errors(&k8s(), &svc("8.5"));
    assert_eq!(got[0].1, "8.5 is not valid under any of the given schemas");
}

#[test]
fn quantities_are_strings_or_numbers() {
    let pod = |cpu: &str| format!("{POD}    resources:\n      limits:\n        cpu: {cpu}\n");
    for ok in ["500m", "2", "0.5", "\"1Gi\""] {
        assert_eq!(errors(&k8s(), &pod(ok)), vec![], "{ok}");
    }
    let got = errors(&k8s(), &pod("[1]"));
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].0, "spec.containers.0.resources.limits.cpu");
    assert_eq!(got[0].1, "[1] is not valid under any of the given schemas");
}

#[test]
fn items_are_checked_with_their_index_in_the_path() {
    let yaml = format!("{POD}    args: [a, 1, {{x: z}}]\n");
    let got = errors(&k8s(), &yaml);
    let paths: Vec<&str> = got.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(
        paths,
        ["spec.containers.0.args.1", "spec.containers.0.args.2"]
    );
    assert_eq!(got[1].1, "{'x': 'z'} is not of type 'string', 'null'");
}

#[test]
fn maps_check_their_values_against_additional_properties() {
    let yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels:\n    a: b\n    count: 1\ndata:\n  k: v\n";
    let got = errors(&k8s(), yaml);
    assert_eq!(
        got,
        vec![(
            "metadata.labels.count".to_owned(),
            "1 is not of type 'string', 'null'".to_owned(),
            "1".to_owned()
        )]
    );
    // ...in non-strict mode too: only `additionalProperties: false` is relaxed.
    assert_eq!(errors(&k8s().with_strict(false), yaml).len(), 1);
}

#[test]
fn formats_are_checked_unless_turned_off() {
    let secret = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  ok: aGVsbG8=\n  bad: not base64!\n";
    let got = errors(&k8s(), secret);
    assert_eq!(
        got,
        vec![(
            "data.bad".to_owned(),
            "'not base64!' is not a 'byte'".to_owned(),
            "not base64!".to_owned()
        )]
    );
    assert_eq!(errors(&k8s().with_format_checks(false), secret), vec![]);

    let replicas = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  replicas: 3000000000\n  selector: {}\n  template: {}\n";
    let got = errors(&k8s(), replicas);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].1, "3000000000 is not a 'int32'");

    let time = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  creationTimestamp: yesterday\nspec:\n  containers: []\n";
    assert_eq!(
        errors(&k8s(), time)[0].1,
        "'yesterday' is not a 'date-time'"
    );
}

#[test]
fn errors_come_in_document_order_and_best_error_is_the_shallowest() {
    let yaml = format!("{POD}    ports:\n    - containerPort: x\nfoo: 1\n");
    let docs = bulwark_yaml::load_str(&yaml).expect("yaml");
    let objs = objects_in(&docs);
    let v = k8s().validate(&objs[0]);
    let Validation::Invalid(errors) = &v else {
        panic!("{v:?}")
    };
    assert_eq!(errors.len(), 2);
    assert!(errors[0].span.start < errors[1].span.start);
    let best = v.best_error().expect("best");
    assert_eq!(best.path, "");
    assert_eq!(
        best.message,
        "Additional properties are not allowed ('foo' was unexpected)"
    );
}

#[test]
fn kinds_without_a_schema_are_reported_as_such() {
    let yaml = "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: m}\n---\napiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata: {name: p}\n---\napiVersion: v1\nkind: List\nitems: []\n";
    let docs = bulwark_yaml::load_str(yaml).expect("yaml");
    let set = k8s();
    for doc in &docs {
        let obj = K8sObject::from_node(&doc.root, doc.index, None).expect("object");
        assert_eq!(set.validate(&obj), Validation::NoSchema, "{}", obj.kind);
        assert!(set.no_schema_message(&obj).contains(obj.kind));
    }
}

#[test]
fn group_prefix_names_the_schema_file() {
    assert_eq!(
        schema_stem("rbac.authorization.k8s.io/v1", "ClusterRole"),
        "clusterrole-rbac-v1"
    );
    assert_eq!(schema_stem("v1", "Pod"), "pod-v1");
    assert_eq!(
        schema_stem("networking.k8s.io/v1", "Ingress"),
        "ingress-networking-v1"
    );
    let rbac = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\nrules:\n- apiGroups: ['']\n  resources: [pods]\n  verbs: [get]\n";
    assert_eq!(errors(&k8s(), rbac), vec![]);
}

#[test]
fn version_selection_follows_kubernetes_validate() {
    let versions = SchemaSet::embedded_versions();
    assert!(versions.len() >= 2, "{versions:?}");
    let newest = embedded::display_version(versions[versions.len() - 1]);
    let oldest = embedded::display_version(versions[0]);
    let v = |req: Option<&str>| {
        SchemaSet::embedded(req)
            .map(|s| s.kubernetes_version().unwrap_or_default())
            .map_err(|e| e.to_string())
    };
    assert_eq!(v(None), Ok(newest.clone()));
    assert_eq!(v(Some(&newest)), Ok(newest.clone()));
    assert_eq!(v(Some("1.36")), Ok("1.36".to_owned()));
    assert_eq!(v(Some("1.36.0")), Ok("1.36".to_owned()));
    assert_eq!(v(Some("v1.36.4")), Ok("1.36".to_owned()));
    assert_eq!(v(Some("1.20")), Ok(oldest));
    assert!(matches!(
        SchemaSet::embedded(Some("1.99")),
        Err(SchemaLoadError::UnsupportedVersion { .. })
    ));
    assert!(matches!(
        SchemaSet::embedded(Some("latest")),
        Err(SchemaLoadError::InvalidVersion(_))
    ));
    assert!(matches!(
        SchemaSet::embedded(Some("1.36.x")),
        Err(SchemaLoadError::InvalidVersion(_))
    ));
}

#[test]
fn versions_differ_where_kubernetes_changed() {
    // The embedded versions really are different schema sets: some kind exists in the
    // newest version only.
    let old = SchemaSet::embedded(Some("1.36")).expect("1.36");
    let new = SchemaSet::embedded(None).expect("newest");
    let (Source::Embedded { arena: a, .. }, Source::Embedded { arena: b, .. }) =
        (&old.source, &new.source)
    else {
        panic!("embedded")
    };
    assert!(b.kinds.len() > a.kinds.len());
    assert!(b.kinds.keys().any(|k| !a.kinds.contains_key(k)));
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(path, text).expect("write");
}

#[test]
fn user_schemas_from_a_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    // openapi2jsonschema's CRD naming, with a $ref into a definitions file beside it.
    write(
        dir.path(),
        "widget_v1.json",
        r##"{"type": "object", "required": ["spec"], "properties": {
            "apiVersion": {"type": "string"}, "kind": {"type": "string"},
            "metadata": {"type": "object"},
            "spec": {"$ref": "_definitions.json#/definitions/WidgetSpec"}},
            "additionalProperties": false}"##,
    );
    write(
        dir.path(),
        "_definitions.json",
        r##"{"definitions": {"WidgetSpec": {"type": "object", "properties": {
            "size": {"type": "integer", "format": "int32"},
            "colour": {"enum": ["red", "blue"]},
            "parts": {"type": "array", "items": {"$ref": "#/definitions/Part"}}},
            "additionalProperties": false},
          "Part": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}}}"##,
    );
    // The CRDs-catalog layout, `<group>/<kind>_<version>.json`.
    write(
        dir.path(),
        "example.com/gadget_v1.json",
        r#"{"type": "object", "properties": {"spec": {"type": "object", "properties": {"on": {"type": "boolean"}}}}}"#,
    );
    write(dir.path(), "broken_v1.json", "{not json");
    let set = SchemaSet::from_dir(dir.path()).expect("dir");
    assert_eq!(set.kubernetes_version(), None);

    let ok = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec:\n  size: 3\n  colour: red\n  parts: [{name: a}]\n";
    assert_eq!(errors(&set, ok), vec![]);
    let bad = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec:\n  size: many\n  colour: green\n  parts: [{nme: a}]\n";
    let got = errors(&set, bad);
    let summary: Vec<(&str, &str)> = got.iter().map(|e| (e.0.as_str(), e.1.as_str())).collect();
    assert_eq!(
        summary,
        [
            ("spec.size", "'many' is not of type 'integer'"),
            ("spec.colour", "'green' is not one of ['red', 'blue']"),
            ("spec.parts.0", "'name' is a required property"),
        ]
    );
    let gadget =
        "apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g}\nspec:\n  \"on\": yes\n";
    assert_eq!(errors(&set, gadget), vec![]);
    let gadget =
        "apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g}\nspec:\n  \"on\": \"yes\"\n";
    assert_eq!(errors(&set, gadget)[0].1, "'yes' is not of type 'boolean'");

    let missing = "apiVersion: example.com/v1\nkind: Sprocket\nmetadata: {name: s}\n";
    assert!(matches!(
        run(&set, missing).remove(0),
        Err(Validation::NoSchema)
    ));
    let broken = "apiVersion: example.com/v1\nkind: Broken\nmetadata: {name: b}\n";
    assert!(matches!(
        run(&set, broken).remove(0),
        Err(Validation::SchemaUnusable(_))
    ));
    assert!(matches!(
        SchemaSet::from_dir(dir.path().join("nope")),
        Err(SchemaLoadError::NotADirectory(_))
    ));
}

#[test]
fn user_schemas_with_kubernetes_validate_layout_and_dangling_refs() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "thing-example-v1.json",
        r#"{"type": "object", "properties": {"spec": {"$ref": "/api/_definitions.json#/$defs/Spec"}}}"#,
    );
    write(
        dir.path(),
        "_definitions.json",
        r#"{"$defs": {"Spec": {"type": "object", "properties": {"size": {"type": ["integer", "null"]}}, "additionalProperties": false}}}"#,
    );
    write(
        dir.path(),
        "dangling-v1.json",
        r##"{"properties": {"spec": {"$ref": "#/$defs/Nowhere"}}}"##,
    );
    let set = SchemaSet::from_dir(dir.path()).expect("dir");
    let thing = "apiVersion: example.com/v1\nkind: Thing\nspec:\n  size: ~\n  m: 1\n";
    let got = errors(&set, thing);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].2, "m");
    let dangling = "apiVersion: v1\nkind: Dangling\nspec: {}\n";
    assert!(matches!(
        run(&set, dangling).remove(0),
        Err(Validation::SchemaUnusable(_))
    ));
}

#[test]
fn schema_sets_are_shared_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<SchemaSet>();
    let set = k8s();
    let handle = std::thread::spawn(move || errors(&set, POD).len());
    assert_eq!(handle.join().expect("thread"), 0);
}
