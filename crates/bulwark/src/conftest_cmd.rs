//! conftest's companions to `test` and `verify`: its configuration file (`conftest.toml`,
//! read by `bulwark scan`), `bulwark policy parse` (`conftest parse`), `bulwark policy doc`
//! (`conftest doc`) and `bulwark policy reformat` (`conftest reformat`).

use std::io::{Read, Write};
use std::path::PathBuf;

use bulwark_policy::inputs::{InputFormat, parse_input};
use bulwark_report::conftest::{ConftestOptions, render_conftest, results_from_json};
use serde_json::{Value, json};

use crate::cli::{
    ConftestOutput, PolicyDocArgs, PolicyParseArgs, PolicyReformatArgs, ScanArgs, SeverityArg,
};

/// conftest's configuration file name, read from the working folder.
const CONFTEST_CONFIG: &str = "conftest.toml";

/// Applies a conftest configuration (`--conftest-config FILE`, else `./conftest.toml` when
/// present) to the scan's policy settings; flags given on the command line win.
pub fn apply_config(args: &mut ScanArgs) -> Result<(), String> {
    let path = match &args.conftest_config {
        Some(p) => p.clone(),
        None => {
            let p = PathBuf::from(CONFTEST_CONFIG);
            if !p.is_file() {
                return Ok(());
            }
            p
        }
    };
    let text = fs_err::read_to_string(&path).map_err(|e| e.to_string())?;
    let table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| format!("{}: invalid TOML: {e}", path.display()))?;
    let bad = |key: &str, want: &str| format!("{}: `{key}` must be {want}", path.display());
    let strings = |key: &str| -> Result<Vec<String>, String> {
        match table.get(key) {
            None => Ok(Vec::new()),
            Some(toml::Value::String(s)) => Ok(vec![s.clone()]),
            Some(toml::Value::Array(items)) => items
                .iter()
                .map(|i| {
                    i.as_str()
                        .map(str::to_owned)
                        .ok_or_else(|| bad(key, "a string or a list of strings"))
                })
                .collect(),
            Some(_) => Err(bad(key, "a string or a list of strings")),
        }
    };
    let flag = |key: &str| -> Result<bool, String> {
        match table.get(key) {
            None => Ok(false),
            Some(toml::Value::Boolean(b)) => Ok(*b),
            Some(_) => Err(bad(key, "true or false")),
        }
    };
    for key in table.keys() {
        if !KNOWN_KEYS.contains(&key.as_str()) {
            eprintln!(
                "warning: {}: setting `{key}` is not read by bulwark (it reads {})",
                path.display(),
                KNOWN_KEYS.join(", ")
            );
        }
    }
    if args.policy.is_empty() {
        args.policy = strings("policy")?.into_iter().map(PathBuf::from).collect();
    }
    if args.namespace.is_empty() {
        args.namespace = strings("namespace")?;
    }
    if args.data.is_empty() {
        args.data = strings("data")?.into_iter().map(PathBuf::from).collect();
    }
    if args.parser.is_none() {
        args.parser = strings("parser")?.into_iter().next();
    }
    if args.proto_file_dirs.is_empty() {
        args.proto_file_dirs = strings("proto-file-dirs")?
            .into_iter()
            .map(PathBuf::from)
            .collect();
    }
    if args.rego_version.is_none() {
        args.rego_version = match strings("rego-version")?.first().map(String::as_str) {
            None => None,
            Some("v0") => Some(crate::cli::RegoVersionArg::V0),
            Some("v1") => Some(crate::cli::RegoVersionArg::V1),
            Some(_) => return Err(bad("rego-version", "\"v0\" or \"v1\"")),
        };
    }
    args.all_namespaces |= flag("all-namespaces")?;
    args.combine |= flag("combine")?;
    args.quiet |= flag("quiet")?;
    args.suppress_exceptions |= flag("suppress-exceptions")?;
    if flag("no-color")? && args.color == crate::cli::ColorChoice::Auto {
        args.color = crate::cli::ColorChoice::Never;
    }
    args.policy_checks.trace |= flag("trace")?;
    args.policy_checks.strict |= flag("strict")?;
    if args.policy_checks.show_builtin_errors.is_none() && flag("show-builtin-errors")? {
        args.policy_checks.show_builtin_errors = Some(true);
    }
    if args.policy_checks.capabilities.is_none() {
        args.policy_checks.capabilities = strings("capabilities")?
            .into_iter()
            .next()
            .map(PathBuf::from);
    }
    if args.fail_on.is_none() && flag("fail-on-warn")? {
        args.fail_on = Some(SeverityArg::Info);
    }
    if args.conftest_output.is_none()
        && let Some(name) = strings("output")?.into_iter().next()
    {
        let format = bulwark_report::conftest::ConftestFormat::from_name(&name)
            .ok_or_else(|| bad("output", "stdout, json, tap, table, junit or github"))?;
        args.conftest_output = Some(match format {
            bulwark_report::conftest::ConftestFormat::Stdout => ConftestOutput::Stdout,
            bulwark_report::conftest::ConftestFormat::Json => ConftestOutput::Json,
            bulwark_report::conftest::ConftestFormat::Tap => ConftestOutput::Tap,
            bulwark_report::conftest::ConftestFormat::Table => ConftestOutput::Table,
            bulwark_report::conftest::ConftestFormat::Junit => ConftestOutput::Junit,
            bulwark_report::conftest::ConftestFormat::Github => ConftestOutput::Github,
        });
    }
    Ok(())
}

/// The conftest.toml settings bulwark reads.
const KNOWN_KEYS: &[&str] = &[
    "policy",
    "namespace",
    "data",
    "parser",
    "all-namespaces",
    "combine",
    "quiet",
    "trace",
    "strict",
    "show-builtin-errors",
    "capabilities",
    "fail-on-warn",
    "output",
    "no-color",
    "suppress-exceptions",
    "proto-file-dirs",
    "rego-version",
];

/// `bulwark policy parse`: each file as the policies see it, as JSON.
pub fn parse(args: PolicyParseArgs) -> Result<u8, String> {
    let forced = match &args.parser {
        Some(name) => Some(InputFormat::from_name(name).ok_or_else(|| {
            format!(
                "unknown parser `{name}` in --parser: use one of {}",
                InputFormat::ALL.map(|f| f.name()).join(", ")
            )
        })?),
        None => None,
    };
    let targets = crate::policy_scan::gather(&args.files, forced, &|_| false)?;
    let mut parsed = Vec::new();
    for t in targets {
        let text =
            crate::policy_scan::read_target(&t.path).map_err(|e| format!("{}: {e}", t.display))?;
        let input = parse_input(&t.display, &text, t.format).map_err(|e| match e.line {
            Some(l) => format!("{}:{l}: {}", t.display, e.message),
            None => format!("{}: {}", t.display, e.message),
        })?;
        parsed.push((t.display, input.value));
    }
    let doc = if args.combine {
        let mut all: Vec<(String, Value)> = Vec::new();
        for (path, value) in parsed {
            match value {
                Value::Array(items) => all.extend(items.into_iter().map(|c| (path.clone(), c))),
                v => all.push((path, v)),
            }
        }
        all.sort_by(|a, b| a.0.cmp(&b.0));
        Value::Array(
            all.into_iter()
                .map(|(path, contents)| json!({"path": path, "contents": contents}))
                .collect(),
        )
    } else if parsed.len() == 1 {
        parsed.remove(0).1
    } else {
        Value::Object(parsed.into_iter().collect())
    };
    let text = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
    let _ = writeln!(std::io::stdout().lock(), "{text}");
    Ok(0)
}

/// `bulwark policy reformat`: conftest JSON results printed in another conftest format.
pub fn reformat(args: PolicyReformatArgs) -> Result<u8, String> {
    let text = match &args.file {
        Some(p) => fs_err::read_to_string(p)
            .map_err(|e| format!("failed to open input file {}: {e}", p.display()))?,
        None => {
            let mut s = String::new();
            std::io::stdin()
                .take(256 * 1024 * 1024)
                .read_to_string(&mut s)
                .map_err(|e| format!("failed to read standard input: {e}"))?;
            s
        }
    };
    let results = results_from_json(&text).map_err(|e| e.to_string())?;
    let out = render_conftest(&results, args.output.into(), &ConftestOptions::default());
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    Ok(0)
}

/// One annotated package or rule.
struct Section {
    package: String,
    /// `data.main` or `data.main.deny`.
    path: String,
    annotations: Value,
    file: String,
    line: usize,
    /// 1 for a package, 2 for a rule.
    depth: usize,
}

/// The `# METADATA` blocks of a policy file, each with what it annotates.
fn sections_of(file: &str, text: &str) -> Vec<Section> {
    let lines: Vec<&str> = text.lines().collect();
    let package = lines
        .iter()
        .find_map(|l| l.trim().strip_prefix("package "))
        .map(|p| p.trim().to_owned())
        .unwrap_or_default();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim() != "# METADATA" {
            i += 1;
            continue;
        }
        let mut yaml = Vec::new();
        let mut j = i + 1;
        while j < lines.len() && lines[j].trim_start().starts_with('#') {
            let l = lines[j].trim_start().trim_start_matches('#');
            yaml.push(l.strip_prefix(' ').unwrap_or(l));
            j += 1;
        }
        let annotations = bulwark_yaml::load_str(&yaml.join("\n"))
            .ok()
            .and_then(|docs| docs.first().map(|d| d.root.to_json()))
            .unwrap_or(Value::Null);
        let target = lines.get(j).map(|l| l.trim()).unwrap_or_default();
        let (path, depth) = if target.starts_with("package ") {
            (format!("data.{package}"), 1)
        } else {
            let name: String = target
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            (format!("data.{package}.{name}"), 2)
        };
        out.push(Section {
            package: package.clone(),
            path,
            annotations,
            file: file.to_owned(),
            line: j + 1,
            depth,
        });
        i = j;
    }
    out
}

fn gotmpl_value(v: &Value) -> bulwark_gotmpl::Value {
    match v {
        Value::Null => bulwark_gotmpl::Value::Nil,
        Value::Bool(b) => bulwark_gotmpl::Value::from(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => bulwark_gotmpl::Value::from(i),
            None => bulwark_gotmpl::Value::from(n.as_f64().unwrap_or_default()),
        },
        Value::String(s) => bulwark_gotmpl::Value::from(s.as_str()),
        Value::Array(items) => {
            bulwark_gotmpl::Value::list(items.iter().map(gotmpl_value).collect())
        }
        Value::Object(o) => bulwark_gotmpl::Value::map(
            o.iter()
                .map(|(k, v)| (k.clone(), gotmpl_value(v)))
                .collect(),
        ),
    }
}

/// The built-in document: a heading per package, a subheading per rule, with title,
/// description, the other annotations and where each is defined.
fn default_markdown(sections: &[Section]) -> String {
    let mut s = String::new();
    for sec in sections {
        let a = &sec.annotations;
        let title = a
            .get("title")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .unwrap_or_else(|| sec.path.clone());
        let hashes = "#".repeat(sec.depth);
        s.push_str(&format!("{hashes} {title}\n\n"));
        s.push_str(&format!("`{}`\n\n", sec.path));
        if let Some(d) = a.get("description").and_then(Value::as_str) {
            s.push_str(&format!("{}\n\n", d.trim()));
        }
        if let Some(o) = a.as_object() {
            for (k, v) in o {
                if k == "title" || k == "description" {
                    continue;
                }
                let text = match v {
                    Value::String(t) => t.clone(),
                    other => other.to_string(),
                };
                s.push_str(&format!("- **{k}**: {text}\n"));
            }
            if o.keys().any(|k| k != "title" && k != "description") {
                s.push('\n');
            }
        }
        s.push_str(&format!(
            "_Source: [{}:{}]({})_\n\n",
            sec.file, sec.line, sec.file
        ));
    }
    s
}

/// `bulwark policy doc`: one Markdown file per policy folder, from the `# METADATA`
/// annotations of its packages and rules.
pub fn doc(args: PolicyDocArgs) -> Result<u8, String> {
    let template = match &args.template {
        Some(p) => {
            let text = fs_err::read_to_string(p).map_err(|e| e.to_string())?;
            let mut set = bulwark_gotmpl::TemplateSet::with_builtins("doc");
            set.parse("doc", &text)
                .map_err(|e| format!("{}: {e}", p.display()))?;
            Some((p.clone(), set))
        }
        None => None,
    };
    if !args.output.is_dir() {
        return Err(format!("{}: not a folder", args.output.display()));
    }
    for dir in &args.paths {
        let files = bulwark_policy::load::find_policy_files(std::slice::from_ref(dir))
            .map_err(|e| e.to_string())?;
        let mut sections: Vec<Section> = files
            .iter()
            .flat_map(|f| sections_of(&f.path, &f.text))
            .collect();
        sections.sort_by(|a, b| {
            (&a.package, a.depth, &a.file, a.line).cmp(&(&b.package, b.depth, &b.file, b.line))
        });
        let text = match &template {
            Some((p, set)) => {
                let data = bulwark_gotmpl::Value::list(
                    sections
                        .iter()
                        .map(|s| {
                            let mut m = bulwark_gotmpl::Map::new();
                            m.insert("RegoPackageName".into(), s.package.as_str().into());
                            m.insert("Path".into(), s.path.as_str().into());
                            m.insert("Annotations".into(), gotmpl_value(&s.annotations));
                            let mut loc = bulwark_gotmpl::Map::new();
                            loc.insert("File".into(), s.file.as_str().into());
                            loc.insert("Row".into(), (s.line as i64).into());
                            m.insert("Location".into(), bulwark_gotmpl::Value::map(loc));
                            m.insert("Depth".into(), (s.depth as i64).into());
                            bulwark_gotmpl::Value::map(m)
                        })
                        .collect(),
                );
                set.execute("doc", &data)
                    .map_err(|e| format!("{}: {e}", p.display()))?
            }
            None => default_markdown(&sections),
        };
        let name = dir
            .canonicalize()
            .ok()
            .and_then(|c| c.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "policy".to_owned());
        let out = args.output.join(format!("{name}.md"));
        fs_err::write(&out, text).map_err(|e| e.to_string())?;
        eprintln!("wrote {}", out.display());
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser as _;

    fn scan_args(argv: &[&str]) -> ScanArgs {
        let mut full = vec!["bulwark", "scan"];
        full.extend_from_slice(argv);
        match crate::cli::Cli::try_parse_from(full)
            .expect("parses")
            .command
        {
            crate::cli::Command::Scan(a) => *a,
            _ => unreachable!("a scan"),
        }
    }

    #[test]
    fn conftest_config_fills_what_flags_leave_open() {
        let dir = tempfile::tempdir().expect("temp dir");
        let cfg = dir.path().join("conftest.toml");
        fs_err::write(
            &cfg,
            "policy = [\"a\", \"b\"]\nnamespace = \"conftest\"\nfail-on-warn = true\noutput = \"tap\"\n",
        )
        .expect("writes");
        let path = cfg.display().to_string();
        let mut args = scan_args(&["--conftest-config", &path, "--policy", "p", "x.yaml"]);
        apply_config(&mut args).expect("applies");
        assert_eq!(args.policy, vec![PathBuf::from("p")]);
        assert_eq!(args.namespace, vec!["conftest".to_owned()]);
        assert_eq!(args.fail_on, Some(SeverityArg::Info));
        assert_eq!(args.conftest_output, Some(ConftestOutput::Tap));

        let mut args = scan_args(&["--conftest-config", &path, "x.yaml"]);
        fs_err::write(&cfg, "rego-version = \"v2\"\n").expect("writes");
        let err = apply_config(&mut args).expect_err("bad version");
        assert!(err.contains("`rego-version` must be"), "{err}");
        fs_err::write(&cfg, "combine = \"yes\"\n").expect("writes");
        let err = apply_config(&mut args).expect_err("bad type");
        assert!(err.contains("`combine` must be true or false"), "{err}");
    }

    #[test]
    fn blank_targets_parse() {
        let args = scan_args(&["--policy", "p", "x.yaml", ""]);
        assert_eq!(args.targets.len(), 2);
    }

    #[test]
    fn show_builtin_errors_takes_a_value_only_with_equals() {
        let args = scan_args(&["--show-builtin-errors", "x.yaml"]);
        assert_eq!(args.policy_checks.show_builtin_errors, Some(true));
        assert_eq!(args.targets, vec![PathBuf::from("x.yaml")]);
        let args = scan_args(&["--show-builtin-errors=false", "x.yaml"]);
        assert_eq!(args.policy_checks.show_builtin_errors, Some(false));
    }

    #[test]
    fn metadata_blocks_annotate_packages_and_rules() {
        let text = "# METADATA\n# title: P\npackage main\n\n# METADATA\n# title: R\n# custom:\n#   x: 1\ndeny contains msg if {\n  msg := 1\n}\n";
        let s = sections_of("p.rego", text);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].path, "data.main");
        assert_eq!(s[0].depth, 1);
        assert_eq!(s[1].path, "data.main.deny");
        assert_eq!(s[1].line, 9);
        assert_eq!(s[1].annotations["custom"]["x"], 1);
        let md = default_markdown(&s);
        assert!(md.starts_with("# P\n\n`data.main`\n"), "{md}");
        assert!(md.contains("## R\n"), "{md}");
    }
}
