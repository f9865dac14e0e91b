//! The input parsers on conftest's own example files
//! (`../shared/corpus/policies/conftest/examples`), read in place: each file is read with the
//! parser conftest picks for it (by name, or the `--parser` its acceptance case gives) and
//! checked for the values conftest's parser produces and the example policies look up.

use std::path::Path;

use bulwark_policy::inputs::{InputFormat, ParsedInput, parse_input};
use serde_json::{Value, json};

fn example(rel: &str, forced: Option<InputFormat>) -> Option<ParsedInput> {
    let path = bulwark_test::shared_path(&format!("corpus/policies/conftest/examples/{rel}"))?;
    let text = fs_err::read_to_string(&path).expect("example is readable");
    let format = forced
        .or_else(|| InputFormat::detect(Path::new(rel)))
        .expect("a parser reads the example");
    Some(parse_input(rel, &text, format).unwrap_or_else(|e| panic!("{rel}: {e}")))
}

#[test]
fn maven_pom_as_goxml2json_gives_it() {
    let Some(p) = example("xml/pom.xml", None) else {
        return;
    };
    assert_eq!(p.format, InputFormat::Xml);
    let project = &p.value["project"];
    assert_eq!(
        project["-schemaLocation"],
        "http://maven.apache.org/POM/4.0.0 http://maven.apache.org/maven-v4_0_0.xsd"
    );
    assert_eq!(project["-xsi"], "http://www.w3.org/2001/XMLSchema-instance");
    assert_eq!(project["modelVersion"], "4.0.0");
    let plugins = project["build"]["plugins"]["plugin"]
        .as_array()
        .expect("plugins are a list");
    assert_eq!(plugins.len(), 4);
    assert_eq!(plugins[0]["artifactId"], "maven-compiler-plugin");
    assert_eq!(plugins[0]["version"], "3.6.0");
    // Text is never typed: `1.8` and `true` stay strings.
    assert_eq!(plugins[0]["configuration"]["source"], "1.8");
    assert_eq!(plugins[3]["configuration"]["trimStackTrace"], "true");
    assert_eq!(
        plugins[1]["executions"]["execution"]["goals"]["goal"],
        "instrument"
    );
    assert_eq!(
        plugins[3]["configuration"]["excludes"]["exclude"],
        json!(["**/helpers/*", "**/*$*"])
    );
    assert_eq!(
        project["dependencies"]["dependency"][1]["exclusions"]["exclusion"]["artifactId"],
        "oscache"
    );
}

#[test]
fn ignore_files_are_one_list_of_lines() {
    let Some(p) = example("ignore/gitignore/.gitignore", None) else {
        return;
    };
    assert_eq!(p.format, InputFormat::Ignore);
    assert_eq!(p.documents.len(), 1);
    let lines = &p.documents[0].value;
    assert_eq!(
        lines[0],
        json!({"Kind": "Path", "Value": "foo", "Original": "foo"})
    );
    assert_eq!(lines[1]["Kind"], "NegatedPath");
    assert_eq!(lines[1]["Value"], "bar");
    assert_eq!(lines[2]["Kind"], "Empty");
    assert_eq!(
        lines[3],
        json!({"Kind": "Comment", "Value": "Baz", "Original": "# Baz"})
    );
    let Some(p) = example("ignore/dockerignore/.dockerignore", None) else {
        return;
    };
    assert_eq!(
        p.documents[0].value,
        json!([
            {"Kind": "Path", "Value": ".idea", "Original": ".idea"},
            {"Kind": "Empty", "Value": "", "Original": ""}
        ])
    );
}

#[test]
fn spdx_tag_value_in_the_json_shape() {
    let Some(p) = example("spdx/sbom.spdx", None) else {
        return;
    };
    assert_eq!(p.format, InputFormat::Spdx);
    assert_eq!(
        p.value,
        json!({
            "spdxVersion": "SPDX-2.3",
            "dataLicense": "conftest-demo",
            "SPDXID": "SPDXRef-DOCUMENT",
            "name": "hello",
            "documentNamespace": "https://swinslow.net/spdx-examples/example1/hello-v3",
            "creationInfo": {
                "creators": [
                    "Person: Steve Winslow (steve@swinslow.net)",
                    "Tool: github.com/spdx/tools-golang/builder",
                    "Tool: github.com/spdx/tools-golang/idsearcher"
                ],
                "created": "2021-08-26T01:46:00Z"
            }
        })
    );
}

#[test]
fn cyclonedx_xml_reads_like_its_json() {
    let (Some(j), Some(x)) = (
        example("cyclonedx/cyclonedx.json", Some(InputFormat::CycloneDx)),
        example("cyclonedx/cyclonedx.xml", Some(InputFormat::CycloneDx)),
    ) else {
        return;
    };
    for key in ["bomFormat", "specVersion", "serialNumber", "version"] {
        assert_eq!(j.value[key], x.value[key], "{key}");
    }
    assert_eq!(
        j.value["metadata"]["component"],
        x.value["metadata"]["component"]
            .as_object()
            .map(|c| {
                // The JSON file lists empty arrays the XML file has as empty elements.
                let mut c = c.clone();
                for k in ["hashes", "licenses", "externalReferences", "components"] {
                    c.entry(k).or_insert(json!([]));
                }
                Value::Object(c)
            })
            .unwrap_or_default()
    );
    assert_eq!(x.value["metadata"]["tools"][0]["name"], "syft");
    assert_eq!(x.value["metadata"]["timestamp"], "2021-11-26T07:47:14Z");
}

#[test]
fn hcl1_blocks_are_lists() {
    let Some(p) = example("hcl1/gke.tf", Some(InputFormat::Hcl1)) else {
        return;
    };
    let v = &p.value;
    assert_eq!(v["provider"][0]["google"][0]["project"], "instrumenta");
    let cluster = &v["resource"][0]["google_container_cluster"][0]["primary"][0];
    assert_eq!(cluster["remove_default_node_pool"], true);
    assert_eq!(cluster["initial_node_count"], 1);
    assert_eq!(
        cluster["master_auth"],
        json!([{"username": "", "password": ""}])
    );
    let pool = &v["resource"][1]["google_container_node_pool"][0]["primary_preemptible_nodes"][0];
    assert_eq!(pool["cluster"], "${google_container_cluster.primary.name}");
    assert_eq!(
        pool["node_config"][0]["metadata"],
        json!([{"disable-legacy-endpoints": "true"}])
    );
    assert_eq!(v["output"].as_array().map(Vec::len), Some(3));
}

#[test]
fn hocon_as_go_akka_prints_it() {
    let Some(p) = example("hocon/hocon.conf", Some(InputFormat::Hocon)) else {
        return;
    };
    let server = &p.value["play"]["server"];
    assert_eq!(server["http"]["port"], 9001);
    assert_eq!(server["http"]["address"], "0.0.0.0");
    assert_eq!(server["http"]["idleTimeout"], "\"75 seconds\"");
    assert_eq!(server["https"]["idleTimeout"], "\"75 seconds\"");
    assert_eq!(server["https"]["port"], "<<unknown value>>");
    assert_eq!(server["https"]["keyStore"]["password"], "\"\"");
    assert_eq!(server["https"]["keyStore"]["type"], "JKS");
    assert_eq!(server["https"]["trustStore"]["noCaVerification"], false);
    assert_eq!(server["dir"], "<<unknown value>>");
    assert_eq!(server["pidfile"]["path"], "<<unknown value>>");
    assert_eq!(server["websocket"]["frame"]["maxLength"], "64k");
    assert_eq!(p.value["play"]["editor"], "<<unknown value>>");
}

#[test]
fn vcl_declarations() {
    let Some(p) = example("vcl/varnish.vcl", None) else {
        return;
    };
    assert_eq!(
        p.value,
        json!({
            "backend": {"app": {
                "host": "127.0.0.1", "port": "8081", "connect_timeout": 60,
                "first_byte_timeout": 60, "between_bytes_timeout": 60, "max_connections": 800
            }},
            "acl": {"purge": ["127.0.0.1"]}
        })
    );
}

#[test]
fn edn_values_printed_as_go_prints_them() {
    let Some(p) = example("edn/sample_config.edn", None) else {
        return;
    };
    let v = &p.value;
    assert_eq!(v[":env"], ":production");
    assert_eq!(v[":log"], ":debug");
    assert_eq!(v[":db"][":port"], "5432");
    assert_eq!(
        v[":myapp"][":features"],
        "map[:admin-panel:true :keyboard-shortcuts:true]"
    );
    assert_eq!(v[":myapp"][":foo"][":api-keys"], json!(["key1", "key2"]));
    assert_eq!(v[":myapp"][":foo"][":recheck-frequency"], "#duration 20m");
    assert_eq!(
        v[":myapp"][":forever-date"],
        "2032-01-01 12:20:50.52 +0000 UTC"
    );
}

#[test]
fn properties_are_flat_strings() {
    let Some(p) = example("properties/sample.properties", None) else {
        return;
    };
    assert_eq!(
        p.value,
        json!({
            "SAMPLE_VALUE": "something-here",
            "other.value.url": "https://example.com/",
            "secret.value.exception": "f9761ebe-d4dc-11eb-8046-1e00e20cdb95"
        })
    );
}

#[test]
fn malformed_inputs_name_file_and_line() {
    for (format, text, line) in [
        (InputFormat::Xml, "<a>\n<b></a>\n", 2),
        (InputFormat::Hcl1, "a {\n b = \n}\n", 3),
        (InputFormat::Hocon, "a {\n b = [1,\n", 2),
        (InputFormat::Vcl, "backend x {\n", 1),
        (InputFormat::Edn, "{:a\n", 1),
        (InputFormat::Spdx, "SPDXVersion: SPDX-2.2\nNope\n", 2),
        (InputFormat::Properties, "a=\\uZZZZ\n", 1),
    ] {
        let e = parse_input("bad.file", text, format).expect_err("bad input is an error");
        assert_eq!(e.line, Some(line), "{format}: {e}");
        assert!(
            e.to_string().starts_with(&format!("bad.file:{line}: ")),
            "{e}"
        );
    }
}

#[test]
fn jsonnet_is_evaluated() {
    let Some(p) = example("jsonnet/arith.jsonnet", None) else {
        return;
    };
    assert_eq!(p.format, InputFormat::Jsonnet);
    let v = &p.value;
    assert_eq!(v["concat_array"], json!([1, 2, 3, 4]));
    assert_eq!(v["concat_string"], "1234");
    assert_eq!(v["equality1"], false);
    assert_eq!(v["equality2"], true);
    assert_eq!(v["ex1"], 1.6666666666666665);
    assert_eq!(v["ex2"], 3);
    assert_eq!(v["obj"], json!({"a": 1, "b": 3, "c": 4}));
    assert_eq!(v["obj_member"], true);
    assert_eq!(v["str2"], "The value of self.ex2 is 3.");
    assert_eq!(v["str4"], "ex1=1.67, ex2=3.00");
    assert_eq!(v["str5"], "ex1=1.67\nex2=3.00\n");
}

#[test]
fn cue_data_as_json() {
    let Some(p) = example("cue/deployment.cue", None) else {
        return;
    };
    assert_eq!(p.format, InputFormat::Cue);
    assert_eq!(
        p.value,
        json!({
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "hello-kubernetes"},
            "spec": {
                "replicas": 3,
                "selector": {"matchLabels": {"app": "hello-kubernetes"}},
                "template": {
                    "metadata": {"labels": {"app": "hello-kubernetes"}},
                    "spec": {"containers": [{
                        "name": "hello-kubernetes",
                        "image": "paulbouwer/hello-kubernetes:1.5",
                        "ports": [{"containerPort": 8081}]
                    }]}
                }
            }
        })
    );
}

#[test]
fn textproto_against_its_proto_definitions() {
    let Some(dir) = bulwark_test::shared_path("corpus/policies/conftest/examples/textproto") else {
        return;
    };
    let options = bulwark_policy::inputs::ParseOptions {
        proto_file_dirs: vec![dir.join("protos")],
    };
    for (file, name, number) in [
        ("fail.textproto", "fail", 9000),
        ("pass.textproto", "pass", 9001),
    ] {
        let text = fs_err::read_to_string(dir.join(file)).expect("readable");
        let format = InputFormat::detect(Path::new(file)).expect("detected");
        assert_eq!(format, InputFormat::TextProto);
        let p = bulwark_policy::inputs::parse_input_with(file, &text, format, &options)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.value, json!({"name": name, "number": number}));
        // Without the definitions the type cannot be looked up, as in conftest.
        let e = parse_input(file, &text, format).expect_err("no definitions");
        assert!(
            e.message
                .contains("look up message type \"conftest.testing.TestMessage\""),
            "{e}"
        );
    }
}
