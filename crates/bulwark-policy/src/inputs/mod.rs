//! Input documents for policies: every format a policy can be run against, turned into the
//! JSON values conftest hands to Rego (`input`), one [`ParsedInput`] per file.
//!
//! The shapes follow conftest's parsers: YAML streams become one document per `---`
//! document (go-yaml v2 resolution, as Kubernetes reads them), a Dockerfile becomes the list
//! of its instructions as `{Cmd, Flags, Value, Original, JSON, Stage, SubCmd, StartLine,
//! EndLine}` objects, HCL2 becomes hcl2json's shape (blocks as lists under their labels,
//! expressions that are not literals as `${...}` text), INI becomes sections of typed values,
//! dotenv a flat object of strings.

mod cue;
mod cyclonedx;
mod dockerfile;
mod dotenv;
mod edn;
mod hcl1;
mod hcl2;
mod hocon;
mod ignore;
mod ini;
mod jsonnet;
mod properties;
mod spdx;
mod textproto;
mod vcl;
mod xml;

use std::fmt;
use std::path::Path;

use serde_json::Value;

pub use dockerfile::{dockerfile_commands, trivy_dockerfile_input};

/// A file format policies can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum InputFormat {
    Yaml,
    Json,
    Toml,
    Ini,
    Dotenv,
    Hcl2,
    Dockerfile,
    Hcl1,
    Xml,
    Ignore,
    Spdx,
    CycloneDx,
    Hocon,
    Vcl,
    Edn,
    Properties,
    Jsonnet,
    Cue,
    TextProto,
}

impl InputFormat {
    /// Every format, in the order `--parser` lists them.
    pub const ALL: [InputFormat; 19] = [
        InputFormat::Cue,
        InputFormat::CycloneDx,
        InputFormat::Dockerfile,
        InputFormat::Dotenv,
        InputFormat::Edn,
        InputFormat::Hcl1,
        InputFormat::Hcl2,
        InputFormat::Hocon,
        InputFormat::Ignore,
        InputFormat::Ini,
        InputFormat::Json,
        InputFormat::Jsonnet,
        InputFormat::Properties,
        InputFormat::Spdx,
        InputFormat::TextProto,
        InputFormat::Toml,
        InputFormat::Vcl,
        InputFormat::Xml,
        InputFormat::Yaml,
    ];

    /// The `--parser` name (conftest's).
    pub fn name(self) -> &'static str {
        match self {
            InputFormat::Yaml => "yaml",
            InputFormat::Json => "json",
            InputFormat::Toml => "toml",
            InputFormat::Ini => "ini",
            InputFormat::Dotenv => "dotenv",
            InputFormat::Hcl2 => "hcl2",
            InputFormat::Dockerfile => "dockerfile",
            InputFormat::Hcl1 => "hcl1",
            InputFormat::Xml => "xml",
            InputFormat::Ignore => "ignore",
            InputFormat::Spdx => "spdx",
            InputFormat::CycloneDx => "cyclonedx",
            InputFormat::Hocon => "hocon",
            InputFormat::Vcl => "vcl",
            InputFormat::Edn => "edn",
            InputFormat::Properties => "properties",
            InputFormat::Jsonnet => "jsonnet",
            InputFormat::Cue => "cue",
            InputFormat::TextProto => "textproto",
        }
    }

    /// The format named `name` (`--parser`); `hcl` is taken for `hcl2`, `env` for dotenv.
    pub fn from_name(name: &str) -> Option<InputFormat> {
        Some(match name.to_ascii_lowercase().as_str() {
            "yaml" | "yml" => InputFormat::Yaml,
            "json" => InputFormat::Json,
            "toml" => InputFormat::Toml,
            "ini" => InputFormat::Ini,
            "dotenv" | "env" => InputFormat::Dotenv,
            "hcl2" | "hcl" | "tf" | "tfvars" => InputFormat::Hcl2,
            "dockerfile" => InputFormat::Dockerfile,
            "hcl1" => InputFormat::Hcl1,
            "xml" => InputFormat::Xml,
            "ignore" | "gitignore" | "dockerignore" => InputFormat::Ignore,
            "spdx" => InputFormat::Spdx,
            "cyclonedx" => InputFormat::CycloneDx,
            "hocon" => InputFormat::Hocon,
            "vcl" => InputFormat::Vcl,
            "edn" => InputFormat::Edn,
            "properties" => InputFormat::Properties,
            "jsonnet" => InputFormat::Jsonnet,
            "cue" => InputFormat::Cue,
            "textproto" | "textpb" => InputFormat::TextProto,
            _ => return None,
        })
    }

    /// The format of a file from its name, as conftest chooses it: `Dockerfile`,
    /// `Dockerfile.*` and `*.dockerfile`; `.yaml`/`.yml`; `.tf`/`.tfvars`; `.env`;
    /// `.gitignore`/`.dockerignore`; else the extension's parser (`.xml`, `.spdx`, `.hocon`,
    /// `.vcl`, `.edn`, `.properties`, ...; CycloneDX and HCL1 only by `--parser`). `None`
    /// when no parser reads it.
    pub fn detect(path: &Path) -> Option<InputFormat> {
        let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
        let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
        if name == "dockerfile"
            || name.starts_with("dockerfile.")
            || name == "containerfile"
            || ext == "dockerfile"
        {
            return Some(InputFormat::Dockerfile);
        }
        if name == ".env" || name.ends_with(".env") {
            return Some(InputFormat::Dotenv);
        }
        match ext {
            "yaml" | "yml" => Some(InputFormat::Yaml),
            "json" => Some(InputFormat::Json),
            "toml" => Some(InputFormat::Toml),
            "ini" | "cfg" => Some(InputFormat::Ini),
            "tf" | "tfvars" | "hcl" => Some(InputFormat::Hcl2),
            "gitignore" | "dockerignore" => Some(InputFormat::Ignore),
            "xml" => Some(InputFormat::Xml),
            "spdx" => Some(InputFormat::Spdx),
            "hocon" => Some(InputFormat::Hocon),
            "vcl" => Some(InputFormat::Vcl),
            "edn" => Some(InputFormat::Edn),
            "properties" => Some(InputFormat::Properties),
            "jsonnet" => Some(InputFormat::Jsonnet),
            "cue" => Some(InputFormat::Cue),
            "textproto" | "textpb" => Some(InputFormat::TextProto),
            _ => None,
        }
    }
}

impl fmt::Display for InputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a file could not be read as policy input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct InputParseError {
    pub path: String,
    pub line: Option<u32>,
    pub message: String,
}

/// One document of an input file.
#[derive(Debug, Clone, PartialEq)]
pub struct InputDocument {
    pub value: Value,
    /// 1-based line where the document starts, when known.
    pub line: Option<u32>,
}

/// A file read as policy input.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedInput {
    pub path: String,
    pub format: InputFormat,
    /// The whole file as conftest's parser returns it (`parse` output; what `--combine`
    /// puts under `contents`).
    pub value: Value,
    /// The documents evaluated one by one: a top-level list is split into its items, as
    /// conftest does for multi-document YAML (and any other list).
    pub documents: Vec<InputDocument>,
}

/// What some parsers need besides the file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParseOptions {
    /// Folders whose `.proto` files define the messages of textproto inputs (conftest's
    /// `--proto-file-dirs`).
    pub proto_file_dirs: Vec<std::path::PathBuf>,
}

/// Parses `text` (the contents of `path`) as `format`.
pub fn parse_input(
    path: &str,
    text: &str,
    format: InputFormat,
) -> Result<ParsedInput, InputParseError> {
    parse_input_with(path, text, format, &ParseOptions::default())
}

/// Parses `text` (the contents of `path`) as `format`, with `options`.
pub fn parse_input_with(
    path: &str,
    text: &str,
    format: InputFormat,
    options: &ParseOptions,
) -> Result<ParsedInput, InputParseError> {
    let err = |line: Option<u32>, message: String| InputParseError {
        path: path.to_owned(),
        line,
        message,
    };
    let (value, lines): (Value, Vec<Option<u32>>) = match format {
        InputFormat::Yaml => {
            let docs =
                bulwark_yaml::load_str(text).map_err(|e| err(Some(e.line), e.message.clone()))?;
            let mut values = Vec::new();
            let mut lines = Vec::new();
            for d in docs {
                // Empty documents (a stray `---`) are not configurations.
                if d.root.is_null() && d.root.scalar_text().is_none_or(str::is_empty) {
                    continue;
                }
                let v = d.root.try_to_json().map_err(|e| err(None, e.message))?;
                let (line, _) = line_col(text, d.root.span.start);
                values.push(v);
                lines.push(Some(line));
            }
            match values.len() {
                // An empty stream is one null document, as conftest reads it.
                0 => (Value::Null, vec![Some(1)]),
                1 => {
                    let v = values.pop().unwrap_or(Value::Null);
                    let n = v.as_array().map_or(1, Vec::len);
                    (v, vec![lines[0]; n])
                }
                _ => (Value::Array(values), lines),
            }
        }
        InputFormat::Json => {
            let v: Value = serde_json::from_str(text)
                .map_err(|e| err(Some(e.line() as u32), e.to_string()))?;
            let n = v.as_array().map_or(1, Vec::len);
            (v, vec![Some(1); n])
        }
        InputFormat::Toml => {
            let t: toml::Table = toml::from_str(text).map_err(|e| {
                let line = e.span().map(|s| line_col(text, s.start).0);
                err(line, e.message().to_owned())
            })?;
            (toml_to_json(toml::Value::Table(t)), vec![Some(1)])
        }
        InputFormat::Ini => (
            ini::parse(text).map_err(|(l, m)| err(Some(l), m))?,
            vec![Some(1)],
        ),
        InputFormat::Dotenv => (
            dotenv::parse(text).map_err(|(l, m)| err(Some(l), m))?,
            vec![Some(1)],
        ),
        InputFormat::Hcl2 => (
            hcl2::parse(text).map_err(|(l, m)| err(l, m))?,
            vec![Some(1)],
        ),
        InputFormat::Dockerfile => {
            let df = bulwark_dockerfile::parse(text).map_err(|e| {
                let (line, _) = line_col(text, e.span.start);
                err(Some(line), e.to_string())
            })?;
            let cmds = dockerfile_commands(&df);
            (Value::Array(vec![cmds]), vec![Some(1)])
        }
        // One document that is the list of the file's lines.
        InputFormat::Ignore => (Value::Array(vec![ignore::parse(text)]), vec![Some(1)]),
        InputFormat::Xml => (xml::parse(text).map_err(|(l, m)| err(l, m))?, vec![Some(1)]),
        InputFormat::Spdx => (
            spdx::parse(text).map_err(|(l, m)| err(l, m))?,
            vec![Some(1)],
        ),
        InputFormat::CycloneDx => (
            cyclonedx::parse(text).map_err(|(l, m)| err(l, m))?,
            vec![Some(1)],
        ),
        InputFormat::Hcl1 => (
            hcl1::parse(text).map_err(|(l, m)| err(l, m))?,
            vec![Some(1)],
        ),
        InputFormat::Hocon => (
            hocon::parse(text).map_err(|(l, m)| err(l, m))?,
            vec![Some(1)],
        ),
        InputFormat::Vcl => (vcl::parse(text).map_err(|(l, m)| err(l, m))?, vec![Some(1)]),
        InputFormat::Edn => (edn::parse(text).map_err(|(l, m)| err(l, m))?, vec![Some(1)]),
        InputFormat::Properties => (
            properties::parse(text).map_err(|(l, m)| err(l, m))?,
            vec![Some(1)],
        ),
        InputFormat::TextProto => (
            textproto::parse(text, &options.proto_file_dirs).map_err(|(l, m)| err(l, m))?,
            vec![Some(1)],
        ),
        InputFormat::Cue => (cue::parse(text).map_err(|(l, m)| err(l, m))?, vec![Some(1)]),
        InputFormat::Jsonnet => (
            jsonnet::parse(path, text).map_err(|(l, m)| err(l, m))?,
            vec![Some(1)],
        ),
    };
    let documents = match &value {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| InputDocument {
                value: v.clone(),
                line: lines.get(i).copied().flatten(),
            })
            .collect(),
        v => vec![InputDocument {
            value: v.clone(),
            line: lines.first().copied().flatten(),
        }],
    };
    Ok(ParsedInput {
        path: path.to_owned(),
        format,
        value,
        documents,
    })
}

/// 1-based line and column of a byte offset.
pub(crate) fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() as u32 + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
    (line, col)
}

fn toml_to_json(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

/// A number as JSON: integral values as integers (so `3000` reads back as `3000`).
pub(crate) fn number(f: f64) -> Value {
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        Value::from(f as i64)
    } else {
        serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
    }
}

/// Skips a `/* … */` comment that starts at `b[*i]`, counting the newlines it holds into
/// `line`; an unclosed comment is an error at the line it opens on.
pub(crate) fn skip_block_comment(
    b: &[u8],
    i: &mut usize,
    line: &mut u32,
) -> Result<(), (Option<u32>, String)> {
    let start = *line;
    let Some(len) = b[*i + 2..].windows(2).position(|w| w == b"*/") else {
        return Err((Some(start), "comment `/*` is not closed".into()));
    };
    let body = &b[*i + 2..*i + 2 + len];
    *line += u32::try_from(body.iter().filter(|&&c| c == b'\n').count()).unwrap_or(u32::MAX);
    *i += len + 4;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn block_comments_are_skipped_with_their_lines() {
        let b = b"/* a\n b */x";
        let (mut i, mut line) = (0, 1);
        super::skip_block_comment(b, &mut i, &mut line).expect("closed");
        assert_eq!((i, line), (10, 2));
        let (mut i, mut line) = (0, 3);
        let e = super::skip_block_comment(b"/* open\n", &mut i, &mut line).expect_err("unclosed");
        assert_eq!(e, (Some(3), "comment `/*` is not closed".to_owned()));
    }

    use super::*;

    #[test]
    fn detects_formats_like_conftest() {
        let d = |p: &str| InputFormat::detect(Path::new(p));
        assert_eq!(d("Dockerfile"), Some(InputFormat::Dockerfile));
        assert_eq!(d("dev.Dockerfile"), Some(InputFormat::Dockerfile));
        assert_eq!(d("Dockerfile.debug"), Some(InputFormat::Dockerfile));
        assert_eq!(d("a/b.yml"), Some(InputFormat::Yaml));
        assert_eq!(d("main.tf"), Some(InputFormat::Hcl2));
        assert_eq!(d("sample.env"), Some(InputFormat::Dotenv));
        assert_eq!(d("grafana.ini"), Some(InputFormat::Ini));
        assert_eq!(d("README.md"), None);
    }

    #[test]
    fn yaml_streams_become_one_document_each() {
        let p =
            parse_input("a.yaml", "a: 1\n---\n---\nb: [x]\n", InputFormat::Yaml).expect("parses");
        assert_eq!(p.documents.len(), 2);
        assert_eq!(p.documents[1].value["b"][0], "x");
        assert_eq!(p.documents[1].line, Some(4));
    }

    #[test]
    fn an_empty_yaml_file_is_one_null_document() {
        let p = parse_input("a.yaml", "", InputFormat::Yaml).expect("parses");
        assert_eq!(p.documents.len(), 1);
        assert!(p.documents[0].value.is_null());
    }

    #[test]
    fn a_top_level_list_is_split() {
        let p = parse_input("a.json", "[{\"a\":1},{\"a\":2}]", InputFormat::Json).expect("parses");
        assert_eq!(p.documents.len(), 2);
    }

    #[test]
    fn bad_json_names_the_line() {
        let e = parse_input("a.json", "{\n\"a\": }", InputFormat::Json).expect_err("fails");
        assert_eq!(e.line, Some(2));
        assert!(e.to_string().starts_with("a.json:2: "), "{e}");
    }

    #[test]
    fn toml_tables_and_dates() {
        let p = parse_input("t.toml", "[a]\nb = 1\nd = 1979-05-27\n", InputFormat::Toml)
            .expect("parses");
        assert_eq!(p.value["a"]["b"], 1);
        assert_eq!(p.value["a"]["d"], "1979-05-27");
    }
}
