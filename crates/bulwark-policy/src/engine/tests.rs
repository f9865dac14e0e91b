use std::time::Duration;

use serde_json::json;

use super::*;

fn engine(syntax: SyntaxMode) -> PolicyEngine {
    PolicyEngine::new(EngineOptions {
        syntax,
        ..EngineOptions::default()
    })
}

const V0_POLICY: &str = r#"package main
deny[msg] {
  input.kind == "Pod"
  msg := sprintf("pod %v", [input.metadata.name])
}
"#;

const V1_POLICY: &str = r#"package main
deny contains msg if {
  input.kind == "Pod"
  msg := sprintf("pod %v", [input.metadata.name])
}
"#;

fn deny(engine: &mut PolicyEngine) -> serde_json::Value {
    engine.set_input(&json!({"kind": "Pod", "metadata": {"name": "web"}}));
    engine
        .eval_rule("data.main.deny")
        .expect("evaluates")
        .expect("defined")
}

#[test]
fn auto_syntax_reads_v0_and_v1_files_side_by_side() {
    let mut e = engine(SyntaxMode::Auto);
    let v0 = e
        .add_module("a.rego", V0_POLICY)
        .expect("v0 parses")
        .version;
    assert_eq!(v0, RegoVersion::V0);
    let v1 = e
        .add_module("b.rego", &V1_POLICY.replace("main", "other"))
        .expect("v1 parses")
        .version;
    assert_eq!(v1, RegoVersion::V1);
    assert_eq!(deny(&mut e), json!(["pod web"]));
    assert_eq!(e.packages(), vec!["main".to_string(), "other".to_string()]);
}

#[test]
fn v1_mode_rejects_v0_syntax_naming_the_file() {
    let mut e = engine(SyntaxMode::V1);
    let err = e.add_module("old.rego", V0_POLICY).expect_err("v0 body");
    let text = err.to_string();
    assert!(text.starts_with("old.rego: invalid Rego (v1)"), "{text}");
}

#[test]
fn v0_compatible_mode_honours_import_rego_v1() {
    let mut e = engine(SyntaxMode::V0Compatible);
    let source = V1_POLICY.replace("package main\n", "package main\nimport rego.v1\n");
    let module = e.add_module("new.rego", &source).expect("parses");
    assert_eq!(module.version, RegoVersion::V1);
    assert_eq!(deny(&mut e), json!(["pod web"]));
    let module = e
        .add_module("old.rego", &V0_POLICY.replace("main", "old"))
        .expect("parses");
    assert_eq!(module.version, RegoVersion::V0);
}

#[test]
fn auto_syntax_reports_the_v0_error_for_a_broken_v0_file() {
    let mut e = engine(SyntaxMode::Auto);
    let broken = V0_POLICY.replace("msg :=", "msg :=:");
    let err = e.add_module("broken.rego", &broken).expect_err("broken");
    assert!(err.to_string().contains("(v0)"), "{err}");
}

#[test]
fn print_output_is_gathered_with_its_location() {
    let mut e = engine(SyntaxMode::Auto);
    e.add_module(
        "p.rego",
        "package main\nallow if {\n  print(\"seen\", input.x)\n  true\n}\n",
    )
    .expect("parses");
    e.set_input(&json!({"x": 3}));
    assert_eq!(
        e.eval_rule("data.main.allow").expect("ok"),
        Some(json!(true))
    );
    assert_eq!(e.take_prints(), vec!["p.rego:3: seen 3".to_string()]);
    assert!(e.take_prints().is_empty());
}

#[test]
fn undefined_rule_is_none() {
    let mut e = engine(SyntaxMode::Auto);
    e.add_module("p.rego", "package main\nallow if input.x == 1\n")
        .expect("parses");
    e.set_input(&json!({"x": 2}));
    assert_eq!(e.eval_rule("data.main.allow").expect("ok"), None);
}

#[test]
fn data_is_merged_and_conflicts_are_errors() {
    let mut e = engine(SyntaxMode::Auto);
    e.add_module("p.rego", "package main\nports := data.services.ports\n")
        .expect("parses");
    e.add_data(json!({"services": {"ports": [22]}}))
        .expect("merges");
    assert_eq!(
        e.eval_rule("data.main.ports").expect("ok"),
        Some(json!([22]))
    );
    assert!(e.add_data(json!({"services": {"ports": [23]}})).is_err());
}

#[test]
fn time_limit_stops_a_runaway_policy() {
    let mut e = PolicyEngine::new(EngineOptions {
        limits: Limits {
            time: Some(Duration::from_millis(200)),
            memory_headroom: None,
        },
        ..EngineOptions::default()
    });
    e.add_module(
        "slow.rego",
        "package main\nn := count([x | some a in numbers.range(1, 3000); some b in numbers.range(1, 3000); x := a * b])\n",
    )
    .expect("parses");
    let started = std::time::Instant::now();
    let err = e.eval_rule("data.main.n").expect_err("stopped");
    assert!(
        matches!(
            err,
            PolicyError::Limit {
                kind: LimitKind::Time { .. }
            }
        ),
        "{err}"
    );
    assert!(started.elapsed() < Duration::from_secs(30));
}

fn istio_certificate() -> Option<String> {
    let path = bulwark_test::shared_path(
        "corpus/manifests/istio__istio/samples/jwt-server/jwt-server.yaml",
    )?;
    let text = std::fs::read_to_string(path).expect("readable");
    let docs = bulwark_yaml::load_str(&text).expect("valid YAML");
    docs.iter().find_map(|d| {
        d.root
            .path(&["stringData", "server.crt"])
            .and_then(|n| n.as_str())
            .map(str::to_string)
    })
}

/// Expected values come from `openssl x509 -noout -subject -issuer -dates -serial -ext
/// subjectAltName` on the same certificate.
#[test]
fn x509_parse_certificates_matches_openssl_on_a_real_certificate() {
    let Some(pem) = istio_certificate() else {
        return;
    };
    let mut e = engine(SyntaxMode::Auto);
    e.add_module(
        "c.rego",
        "package c\ncerts := crypto.x509.parse_certificates(input.pem)\n",
    )
    .expect("parses");
    e.set_input(&json!({ "pem": pem }));
    let certs = e.eval_rule("data.c.certs").expect("ok").expect("defined");
    let cert = &certs[0];
    assert_eq!(certs.as_array().map(Vec::len), Some(1));
    assert_eq!(cert["Subject"]["CommonName"], json!("*.com"));
    assert_eq!(cert["Subject"]["Organization"], json!(["Acme, Inc."]));
    assert_eq!(cert["Subject"]["Country"], json!(["US"]));
    assert_eq!(cert["Issuer"]["CommonName"], json!("Acme Root CA"));
    assert_eq!(cert["NotBefore"], json!("2021-11-17T04:44:16Z"));
    assert_eq!(cert["NotAfter"], json!("2031-11-15T04:44:16Z"));
    assert_eq!(
        cert["SerialNumber"],
        json!("711029838554796313317749287278011376206433393504")
    );
    assert_eq!(
        cert["DNSNames"],
        json!([
            "jwt-server",
            "localhost",
            "jwt-server.istio-system",
            "jwt-server.default",
            "jwt-server.istio-system.svc.cluster.local"
        ])
    );
    assert_eq!(cert["Version"], json!(3));
    assert_eq!(cert["PublicKeyAlgorithm"], json!(1));
    assert_eq!(cert["SignatureAlgorithm"], json!(4));

    // The same certificate as base64 of its PEM text parses alike.
    use base64::Engine as _;
    let encoded = base64::engine::general_purpose::STANDARD.encode(pem.as_bytes());
    e.set_input(&json!({ "pem": encoded }));
    let again = e.eval_rule("data.c.certs").expect("ok").expect("defined");
    assert_eq!(again[0]["Subject"], cert["Subject"]);
}

#[test]
fn bad_certificate_is_undefined_or_an_error_when_strict() {
    let policy = "package c\ncerts := crypto.x509.parse_certificates(\"not a cert\")\n";
    let mut lax = engine(SyntaxMode::Auto);
    lax.add_module("c.rego", policy).expect("parses");
    assert_eq!(lax.eval_rule("data.c.certs").expect("ok"), None);
    let mut strict = PolicyEngine::new(EngineOptions {
        strict_builtin_errors: true,
        ..EngineOptions::default()
    });
    strict.add_module("c.rego", policy).expect("parses");
    let err = strict.eval_rule("data.c.certs").expect_err("strict");
    assert!(
        err.to_string().contains("crypto.x509.parse_certificates"),
        "{err}"
    );
}

/// The token and its HS256 secret are RFC 7515's appendix A.1 example.
#[test]
fn jwt_decode_and_hs256_verify_follow_rfc_7515() {
    let token = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    let mut e = engine(SyntaxMode::Auto);
    e.add_module(
        "j.rego",
        "package j\nparts := io.jwt.decode(input.token)\nvalid := io.jwt.verify_hs256(input.token, input.secret)\n",
    )
    .expect("parses");
    e.set_input(&json!({"token": token, "secret": "unused"}));
    let parts = e.eval_rule("data.j.parts").expect("ok").expect("defined");
    assert_eq!(parts[0], json!({"typ": "JWT", "alg": "HS256"}));
    assert_eq!(
        parts[1],
        json!({"iss": "joe", "exp": 1300819380, "http://example.com/is_root": true})
    );
    assert_eq!(
        parts[2],
        json!("7418dfb49799e0254ffa607dd8adbbba16d4254d69d6bff05b58055853848d79")
    );
    // The key has bytes that are not UTF-8, so a Rego string cannot carry it: the negative
    // case uses the RFC token, the positive one jwt.io's HS256 example.
    e.set_input(&json!({"token": token, "secret": "wrong"}));
    assert_eq!(e.eval_rule("data.j.valid").expect("ok"), Some(json!(false)));
    let example = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
    e.set_input(&json!({"token": example, "secret": "your-256-bit-secret"}));
    assert_eq!(e.eval_rule("data.j.valid").expect("ok"), Some(json!(true)));
}

#[test]
fn hashes_and_hmacs_match_known_vectors() {
    let mut e = engine(SyntaxMode::Auto);
    e.add_module(
        "h.rego",
        r#"package h
md5 := crypto.md5("abc")
sha1 := crypto.sha1("abc")
sha256 := crypto.sha256("abc")
hmac := crypto.hmac.sha256("what do ya want for nothing?", "Jefe")
equal := crypto.hmac.equal("abc", "abc")
"#,
    )
    .expect("parses");
    let rule = |e: &mut PolicyEngine, name: &str| {
        e.eval_rule(&format!("data.h.{name}"))
            .expect("ok")
            .expect("defined")
    };
    // FIPS 180 / RFC 1321 "abc" vectors; RFC 4231 test case 2.
    assert_eq!(
        rule(&mut e, "md5"),
        json!("900150983cd24fb0d6963f7d28e17f72")
    );
    assert_eq!(
        rule(&mut e, "sha1"),
        json!("a9993e364706816aba3e25717850c26c9cd0d89d")
    );
    assert_eq!(
        rule(&mut e, "sha256"),
        json!("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    );
    assert_eq!(
        rule(&mut e, "hmac"),
        json!("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    );
    assert_eq!(rule(&mut e, "equal"), json!(true));
}

#[test]
fn deprecated_v0_builtins_work_in_v0_policies() {
    let mut e = engine(SyntaxMode::V0Compatible);
    e.add_module(
        "d.rego",
        r#"package d
m { re_match("^a+$", "aaa") }
diff := set_diff({1, 2, 3}, {2})
some_true := any([false, true])
every_true := all([true, false])
overlap := net.cidr_overlap("10.0.0.0/8", "10.1.2.3")
"#,
    )
    .expect("parses");
    assert_eq!(e.eval_rule("data.d.m").expect("ok"), Some(json!(true)));
    assert_eq!(e.eval_rule("data.d.diff").expect("ok"), Some(json!([1, 3])));
    assert_eq!(
        e.eval_rule("data.d.some_true").expect("ok"),
        Some(json!(true))
    );
    assert_eq!(
        e.eval_rule("data.d.every_true").expect("ok"),
        Some(json!(false))
    );
    assert_eq!(
        e.eval_rule("data.d.overlap").expect("ok"),
        Some(json!(true))
    );
}

#[test]
fn native_functions_can_be_added_by_modes() {
    let mut e = engine(SyntaxMode::Auto);
    e.add_native(
        "sh.parse_commands",
        1,
        std::sync::Arc::new(|args: &[RegoValue]| {
            let text = match args.first() {
                Some(RegoValue::String(s)) => s.to_string(),
                _ => return Err("want a string".to_string()),
            };
            Ok(RegoValue::from(json!([text.split("&&").count()])))
        }),
    )
    .expect("registers");
    e.add_module("s.rego", "package s\nn := sh.parse_commands(\"a && b\")\n")
        .expect("parses");
    assert_eq!(e.eval_rule("data.s.n").expect("ok"), Some(json!([2])));
}

#[test]
fn lookup_ip_addr_never_reaches_the_network() {
    let mut e = PolicyEngine::new(EngineOptions {
        strict_builtin_errors: true,
        ..EngineOptions::default()
    });
    e.add_module(
        "n.rego",
        "package n\nips := net.lookup_ip_addr(\"example.com\")\n",
    )
    .expect("parses");
    let err = e.eval_rule("data.n.ips").expect_err("no network");
    assert!(
        err.to_string().contains("network access is disabled"),
        "{err}"
    );
}

#[test]
fn query_results_carry_bindings() {
    let mut e = engine(SyntaxMode::Auto);
    e.add_module("p.rego", V1_POLICY).expect("parses");
    e.set_input(&json!({"kind": "Pod", "metadata": {"name": "web"}}));
    let results = e.eval_query("data.main.deny[m]").expect("ok");
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].bindings.get("m"), Some(&json!("pod web")));
}

#[test]
fn bundle_places_data_by_folder_and_keeps_kubernetes_objects_apart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::create_dir_all(root.join("k8s/extra")).expect("mkdir");
    std::fs::write(root.join("policy.rego"), V0_POLICY).expect("write");
    std::fs::write(root.join("data.yaml"), "registries: [ghcr.io]\n").expect("write");
    std::fs::write(root.join("k8s/limits.json"), r#"{"cpu": "1"}"#).expect("write");
    std::fs::write(root.join("k8s/extra/more.yml"), "memory: 1Gi\n").expect("write");
    std::fs::write(
        root.join("constraint.yaml"),
        "apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sRequiredLabels\nmetadata: {name: x}\n",
    )
    .expect("write");
    let bundle = load_bundle(&[root.to_path_buf()]).expect("loads");
    assert_eq!(bundle.rego.len(), 1);
    assert_eq!(
        bundle.data,
        json!({"registries": ["ghcr.io"], "k8s": {"cpu": "1", "extra": {"memory": "1Gi"}}})
    );
    assert_eq!(bundle.objects.len(), 1);
    assert_eq!(bundle.data_files.len(), 3);

    std::fs::write(root.join("k8s/conflict.yaml"), "cpu: '2'\n").expect("write");
    let err = load_bundle(&[root.to_path_buf()]).expect_err("conflict");
    assert!(err.to_string().contains("k8s.cpu"), "{err}");
}

#[test]
fn sprintf_with_unbalanced_arguments_formats_as_opa_does() {
    let mut e = engine(SyntaxMode::Auto);
    e.add_module(
        "m.rego",
        "package main\nmissing := sprintf(\"%v and %d\", [input.kind])\nextra := sprintf(\"%v\", [input.kind, 2])\n",
    )
    .expect("compiles");
    e.set_input(&json!({"kind": "Pod"}));
    assert_eq!(
        e.eval_rule("data.main.missing").expect("evaluates"),
        Some(json!("Pod and %!d(MISSING)"))
    );
    assert_eq!(
        e.eval_rule("data.main.extra").expect("evaluates"),
        Some(json!("Pod%!(EXTRA 2)"))
    );
}
