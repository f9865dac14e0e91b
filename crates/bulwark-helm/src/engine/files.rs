//! `.Files` (Helm's `engine.files`, a `map[string][]byte` with methods) and the
//! `.Capabilities` pieces that are Go types with methods (`KubeVersion`, `VersionSet`).

use std::collections::BTreeMap;
use std::sync::Arc;

use base64::Engine as _;
use bulwark_gotmpl::{CallContext, FuncError, Function, Map, Opaque, ParamType, Signature, Value};

/// The non-template files of one chart, by path relative to the chart.
#[derive(Debug, Clone, Default)]
pub struct Files {
    entries: Arc<BTreeMap<String, Arc<[u8]>>>,
}

impl Files {
    /// Files from `(name, content)` pairs.
    pub fn new(entries: impl IntoIterator<Item = (String, Arc<[u8]>)>) -> Files {
        Files {
            entries: Arc::new(entries.into_iter().collect()),
        }
    }

    fn text(&self, name: &str) -> String {
        self.entries
            .get(name)
            .map(|d| String::from_utf8_lossy(d).into_owned())
            .unwrap_or_default()
    }

    fn glob(&self, pattern: &str) -> Files {
        let re = glob_regex(pattern).or_else(|| glob_regex("**"));
        let entries = self
            .entries
            .iter()
            .filter(|(k, _)| re.as_ref().is_some_and(|re| re.is_match(k)))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Files {
            entries: Arc::new(entries),
        }
    }

    fn as_config(&self, secrets: bool) -> String {
        let mut m = Map::new();
        for (k, v) in self.entries.iter() {
            let base = k.rsplit('/').next().unwrap_or(k).to_owned();
            let text = if secrets {
                base64::engine::general_purpose::STANDARD.encode(v)
            } else {
                String::from_utf8_lossy(v).into_owned()
            };
            m.insert(base, Value::from(text));
        }
        bulwark_sprig::helm::to_yaml(&Value::map(m)).unwrap_or_default()
    }

    fn lines(&self, name: &str) -> Value {
        let Some(data) = self.entries.get(name) else {
            return Value::list(Vec::new());
        };
        let mut s = String::from_utf8_lossy(data).into_owned();
        if s.ends_with('\n') {
            s.pop();
        }
        Value::list(s.split('\n').map(Value::from).collect())
    }
}

/// gobwas/glob with `/` as separator, as a regular expression: `*` and `?` stop at `/`,
/// `**` crosses it, `[…]`/`[!…]` classes, `{a,b}` alternatives, `\` escapes.
fn glob_regex(pattern: &str) -> Option<regex::Regex> {
    let mut out = String::from("^");
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    let mut depth = 0usize;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '*' => {
                if chars.get(i + 1) == Some(&'*') {
                    out.push_str(".*");
                    i += 1;
                } else {
                    out.push_str("[^/]*");
                }
            }
            '?' => out.push_str("[^/]"),
            '\\' => {
                i += 1;
                let e = chars.get(i)?;
                out.push_str(&regex::escape(&e.to_string()));
            }
            '[' => {
                let end = chars[i + 1..].iter().position(|&x| x == ']')? + i + 1;
                let mut class: String = chars[i + 1..end].iter().collect();
                if let Some(rest) = class.strip_prefix('!') {
                    class = format!("^{rest}");
                }
                out.push('[');
                out.push_str(&class.replace('[', "\\["));
                out.push(']');
                i = end;
            }
            '{' => {
                depth += 1;
                out.push_str("(?:");
            }
            '}' if depth > 0 => {
                depth -= 1;
                out.push(')');
            }
            ',' if depth > 0 => out.push('|'),
            c => out.push_str(&regex::escape(&c.to_string())),
        }
        i += 1;
    }
    if depth > 0 {
        return None;
    }
    out.push('$');
    regex::Regex::new(&out).ok()
}

impl Opaque for Files {
    fn type_name(&self) -> String {
        "engine.files".into()
    }
    fn format(&self) -> String {
        let items: Vec<String> = self
            .entries
            .iter()
            .map(|(k, v)| {
                let bytes: Vec<String> = v.iter().map(u8::to_string).collect();
                format!("{k}:[{}]", bytes.join(" "))
            })
            .collect();
        format!("map[{}]", items.join(" "))
    }
    fn method(&self, name: &str) -> Option<Arc<dyn Function>> {
        let kind = match name {
            "Get" => FilesMethod::Get,
            "GetBytes" => FilesMethod::GetBytes,
            "Glob" => FilesMethod::Glob,
            "AsConfig" => FilesMethod::AsConfig,
            "AsSecrets" => FilesMethod::AsSecrets,
            "Lines" => FilesMethod::Lines,
            _ => return None,
        };
        let signature = match kind {
            FilesMethod::AsConfig | FilesMethod::AsSecrets => Signature::fixed(&[]),
            _ => Signature::fixed(&[ParamType::String]),
        };
        Some(Arc::new(Method {
            files: self.clone(),
            kind,
            signature,
        }))
    }
    fn entries(&self) -> Option<Vec<(Value, Value)>> {
        Some(
            self.entries
                .iter()
                .map(|(k, v)| {
                    (
                        Value::from(k.as_str()),
                        Value::from(String::from_utf8_lossy(v).into_owned()),
                    )
                })
                .collect(),
        )
    }
    fn truth(&self) -> bool {
        !self.entries.is_empty()
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

#[derive(Debug, Clone, Copy)]
enum FilesMethod {
    Get,
    GetBytes,
    Glob,
    AsConfig,
    AsSecrets,
    Lines,
}

struct Method {
    files: Files,
    kind: FilesMethod,
    signature: Signature,
}

impl Function for Method {
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn call(&self, _: &mut CallContext<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
        let arg = args.first().and_then(Value::as_str).unwrap_or_default();
        Ok(match self.kind {
            // `GetBytes` gives `[]byte` in Go; here its text (functions taking strings accept it).
            FilesMethod::Get | FilesMethod::GetBytes => Value::from(self.files.text(arg)),
            FilesMethod::Glob => Value::Opaque(Arc::new(self.files.glob(arg))),
            FilesMethod::AsConfig => Value::from(self.files.as_config(false)),
            FilesMethod::AsSecrets => Value::from(self.files.as_config(true)),
            FilesMethod::Lines => self.files.lines(arg),
        })
    }
}

/// `.Capabilities.KubeVersion` (Go's `chartutil.KubeVersion`: prints as its version).
#[derive(Debug)]
pub struct KubeVersionValue {
    pub version: String,
    pub major: String,
    pub minor: String,
}

impl Opaque for KubeVersionValue {
    fn type_name(&self) -> String {
        "common.KubeVersion".into()
    }
    fn format(&self) -> String {
        self.version.clone()
    }
    fn field(&self, name: &str) -> Option<Value> {
        Some(Value::from(match name {
            "Version" | "GitVersion" | "String" => self.version.as_str(),
            "Major" => self.major.as_str(),
            "Minor" => self.minor.as_str(),
            _ => return None,
        }))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// `.Capabilities.APIVersions` (Go's `VersionSet`, a `[]string` with `Has`).
#[derive(Debug)]
pub struct VersionSet {
    pub versions: Vec<String>,
}

impl Opaque for VersionSet {
    fn type_name(&self) -> String {
        "common.VersionSet".into()
    }
    fn format(&self) -> String {
        format!("[{}]", self.versions.join(" "))
    }
    fn method(&self, name: &str) -> Option<Arc<dyn Function>> {
        (name == "Has").then(|| {
            Arc::new(HasMethod {
                versions: self.versions.clone(),
                signature: Signature::fixed(&[ParamType::String]),
            }) as Arc<dyn Function>
        })
    }
    fn entries(&self) -> Option<Vec<(Value, Value)>> {
        Some(
            self.versions
                .iter()
                .enumerate()
                .map(|(i, v)| (Value::Int(i as i64), Value::from(v.as_str())))
                .collect(),
        )
    }
    fn truth(&self) -> bool {
        !self.versions.is_empty()
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

struct HasMethod {
    versions: Vec<String>,
    signature: Signature,
}

impl Function for HasMethod {
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn call(&self, _: &mut CallContext<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
        let want = args.first().and_then(Value::as_str).unwrap_or_default();
        Ok(Value::Bool(self.versions.iter().any(|v| v == want)))
    }
}

#[cfg(test)]
mod tests {
    use super::glob_regex;

    #[test]
    fn glob_follows_gobwas_with_slash_separator() {
        let m = |p: &str, s: &str| glob_regex(p).is_some_and(|r| r.is_match(s));
        assert!(m("files/*", "files/a.yaml"));
        assert!(!m("files/*", "files/x/a.yaml"));
        assert!(m("files/**", "files/x/a.yaml"));
        assert!(m("files/*.{yaml,json}", "files/a.json"));
        assert!(m("conf/[!a]?.txt", "conf/bc.txt"));
        assert!(!m("conf/[!a]?.txt", "conf/ac.txt"));
    }
}
