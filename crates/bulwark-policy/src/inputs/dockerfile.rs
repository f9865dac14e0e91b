//! Dockerfiles as conftest and Trivy hand them to Rego.

use bulwark_dockerfile::{Dockerfile, Instruction};
use serde_json::{Value, json};

/// One instruction as an object: `Cmd` (lower case), `SubCmd` (the trigger of ONBUILD),
/// `Flags` (as written, `--from=build`), `Value` (BuildKit's argument nodes: JSON arrays
/// decoded, ENV/LABEL as key, value, separator triples), `Original`, `JSON`, `Stage`,
/// `StartLine`, `EndLine`.
fn command(df: &Dockerfile, ins: &Instruction, path: Option<&str>) -> Value {
    let (sub, args_of) = match ins.trigger() {
        Some(t) => (t.keyword.to_ascii_lowercase(), t),
        None => (String::new(), ins),
    };
    let flags: Vec<String> = ins
        .flags
        .iter()
        .chain(if std::ptr::eq(args_of, ins) {
            [].iter()
        } else {
            args_of.flags.iter()
        })
        .map(|f| match &f.value {
            Some(v) => format!("--{}={v}", f.name),
            None => format!("--{}", f.name),
        })
        .collect();
    let value: Vec<&str> = args_of.args.iter().map(|a| a.value.as_str()).collect();
    let original = df
        .source
        .text()
        .get(ins.span.start..ins.span.end)
        .map(join_continuations)
        .unwrap_or_default();
    let mut v = json!({
        "Cmd": ins.keyword.to_ascii_lowercase(),
        "SubCmd": sub,
        "Flags": flags,
        "Value": value,
        "Original": original,
        "JSON": args_of.json,
        "Stage": ins.stage.unwrap_or(0),
        "StartLine": ins.start_line,
        "EndLine": ins.end_line,
    });
    if let (Some(p), Some(o)) = (path, v.as_object_mut()) {
        o.insert("Path".to_owned(), Value::String(p.to_owned()));
    }
    v
}

/// The text of an instruction on one line, as BuildKit's `Original` keeps it: line
/// continuations removed.
fn join_continuations(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let trimmed = line.trim_end();
        match trimmed.strip_suffix('\\') {
            Some(rest) => out.push_str(rest),
            None => {
                out.push_str(trimmed);
                out.push('\n');
            }
        }
    }
    out.trim_end().to_owned()
}

/// conftest's shape: the list of every instruction of the file (all stages, in order).
pub fn dockerfile_commands(df: &Dockerfile) -> Value {
    Value::Array(
        df.instructions
            .iter()
            .map(|i| command(df, i, None))
            .collect(),
    )
}

/// Trivy's shape: `{"Stages": [{"Name": "<FROM arguments>", "Commands": [...]}]}`, where
/// each stage starts at its FROM and the commands carry `Path`.
pub fn trivy_dockerfile_input(df: &Dockerfile, path: &str) -> Value {
    let stages: Vec<Value> = df
        .stages
        .iter()
        .map(|s| {
            let name = df
                .instructions
                .get(s.from_instruction)
                .map(|i| {
                    i.args
                        .iter()
                        .map(|a| a.value.as_str())
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .unwrap_or_default();
            let commands: Vec<Value> = s
                .instructions
                .iter()
                .filter_map(|&i| df.instructions.get(i))
                .map(|i| command(df, i, Some(path)))
                .collect();
            json!({"Name": name, "Commands": commands})
        })
        .collect();
    json!({ "Stages": stages })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conftest_shape() {
        let df = bulwark_dockerfile::parse(
            "FROM golang:1.22 AS build\nCOPY --from=x a b\nRUN apk add \\\n  curl\nONBUILD RUN make\nENTRYPOINT [\"a\", \"b\"]\n",
        )
        .expect("parses");
        let v = dockerfile_commands(&df);
        assert_eq!(v[0]["Cmd"], "from");
        assert_eq!(v[0]["Value"], json!(["golang:1.22", "AS", "build"]));
        assert_eq!(v[1]["Flags"], json!(["--from=x"]));
        assert_eq!(v[2]["Value"], json!(["apk add   curl"]));
        assert_eq!(v[2]["StartLine"], 3);
        assert_eq!(v[2]["EndLine"], 4);
        assert_eq!(v[3]["SubCmd"], "run");
        assert_eq!(v[3]["Value"], json!(["make"]));
        assert_eq!(v[4]["JSON"], true);
        assert_eq!(v[4]["Value"], json!(["a", "b"]));
    }

    #[test]
    fn trivy_shape() {
        let df = bulwark_dockerfile::parse("FROM a AS b\nRUN x\nFROM c\nUSER d\n").expect("parses");
        let v = trivy_dockerfile_input(&df, "Dockerfile");
        assert_eq!(v["Stages"][0]["Name"], "a AS b");
        assert_eq!(v["Stages"][0]["Commands"][1]["Cmd"], "run");
        assert_eq!(v["Stages"][1]["Commands"][1]["Stage"], 1);
        assert_eq!(v["Stages"][1]["Commands"][1]["Path"], "Dockerfile");
    }
}
