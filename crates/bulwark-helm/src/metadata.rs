//! `Chart.yaml` (and `requirements.yaml`, `Chart.lock`) decoded as Helm decodes them:
//! `sigs.k8s.io/yaml` into Go structs, so scalars bound for string fields become strings
//! (`appVersion: 1.10` is `"1.1"`, a 32-bit float formatted by Go), JSON field names match
//! case-insensitively, and unknown fields are ignored.

use std::collections::BTreeMap;

use bulwark_yaml::{Node, NodeKind};

use crate::value::Value;

/// A maintainer entry of `Chart.yaml`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Maintainer {
    pub name: String,
    pub email: String,
    pub url: String,
}

/// One import of `import-values`.
#[derive(Debug, Clone, PartialEq)]
pub enum ImportValue {
    /// `- data`: imports `<child>.exports.data` into the parent's top level.
    Export(String),
    /// `- child: a.b` / `parent: c`, each printed with Go's `%v` (`<nil>` when missing).
    Pair { child: String, parent: String },
    /// Anything else (ignored by Helm).
    Other(Value),
}

/// A `dependencies:` entry.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dependency {
    pub name: String,
    pub version: String,
    pub repository: String,
    pub condition: String,
    pub tags: Vec<String>,
    pub enabled: bool,
    pub import_values: Vec<ImportValue>,
    /// `import-values` entries as written (numbers as `float64`), for writing the chart back.
    pub import_values_raw: Vec<Value>,
    pub alias: String,
    pub depends_on: Vec<String>,
}

/// `Chart.yaml`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChartMetadata {
    pub name: String,
    pub home: String,
    pub sources: Vec<String>,
    pub version: String,
    pub description: String,
    pub keywords: Vec<String>,
    /// `None` entries are null nodes (rejected by validation).
    pub maintainers: Vec<Option<Maintainer>>,
    pub icon: String,
    pub api_version: String,
    pub condition: String,
    pub tags: String,
    pub app_version: String,
    pub deprecated: bool,
    pub annotations: BTreeMap<String, String>,
    pub kube_version: String,
    /// `None` when the field is absent (Go's nil slice); `None` entries are null nodes.
    pub dependencies: Option<Vec<Option<Dependency>>>,
    /// `type`: `""`, `application` or `library`.
    pub chart_type: String,
}

impl ChartMetadata {
    pub fn is_library(&self) -> bool {
        self.chart_type == "library"
    }

    /// The dependencies that are not null.
    pub fn dependency_list(&self) -> impl Iterator<Item = &Dependency> {
        self.dependencies.iter().flatten().flatten()
    }

    /// `.Chart` as templates see it: Helm's capitalised field names plus `IsRoot`.
    pub fn to_template_value(&self, is_root: bool) -> Value {
        let strs = |v: &[String]| Value::List(v.iter().map(|s| Value::from(s.as_str())).collect());
        let mut m = crate::value::Map::new();
        m.insert("APIVersion".into(), self.api_version.as_str().into());
        m.insert(
            "Annotations".into(),
            Value::Map(
                self.annotations
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
                    .collect(),
            ),
        );
        m.insert("AppVersion".into(), self.app_version.as_str().into());
        m.insert("Condition".into(), self.condition.as_str().into());
        m.insert(
            "Dependencies".into(),
            Value::List(
                self.dependency_list()
                    .map(|d| {
                        let mut dm = crate::value::Map::new();
                        dm.insert("Name".into(), d.name.as_str().into());
                        dm.insert("Version".into(), d.version.as_str().into());
                        dm.insert("Repository".into(), d.repository.as_str().into());
                        dm.insert("Condition".into(), d.condition.as_str().into());
                        dm.insert("Tags".into(), strs(&d.tags));
                        dm.insert("Enabled".into(), Value::Bool(d.enabled));
                        dm.insert("Alias".into(), d.alias.as_str().into());
                        Value::Map(dm)
                    })
                    .collect(),
            ),
        );
        m.insert("Deprecated".into(), Value::Bool(self.deprecated));
        m.insert("Description".into(), self.description.as_str().into());
        m.insert("Home".into(), self.home.as_str().into());
        m.insert("Icon".into(), self.icon.as_str().into());
        m.insert("IsRoot".into(), Value::Bool(is_root));
        m.insert("Keywords".into(), strs(&self.keywords));
        m.insert("KubeVersion".into(), self.kube_version.as_str().into());
        m.insert(
            "Maintainers".into(),
            Value::List(
                self.maintainers
                    .iter()
                    .flatten()
                    .map(|mt| {
                        let mut mm = crate::value::Map::new();
                        mm.insert("Name".into(), mt.name.as_str().into());
                        mm.insert("Email".into(), mt.email.as_str().into());
                        mm.insert("URL".into(), mt.url.as_str().into());
                        Value::Map(mm)
                    })
                    .collect(),
            ),
        );
        m.insert("Name".into(), self.name.as_str().into());
        m.insert("Sources".into(), strs(&self.sources));
        m.insert("Tags".into(), self.tags.as_str().into());
        m.insert("Type".into(), self.chart_type.as_str().into());
        m.insert("Version".into(), self.version.as_str().into());
        Value::Map(m)
    }
}

/// A Go `encoding/json` type error, worded as Go words it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {found} into Go {place} of type {want}"
)]
pub struct DecodeError {
    pub found: &'static str,
    /// `struct field Metadata.name` or `value`.
    pub place: String,
    pub want: &'static str,
    /// 1-based line of the offending node.
    pub line: u32,
}

fn json_kind(node: &Node) -> &'static str {
    match &node.kind {
        NodeKind::Scalar(s) => match s.value {
            bulwark_yaml::Value::Null => "null",
            bulwark_yaml::Value::Bool(_) => "bool",
            bulwark_yaml::Value::Int(_)
            | bulwark_yaml::Value::UInt(_)
            | bulwark_yaml::Value::Float(_) => "number",
            bulwark_yaml::Value::String(_) => "string",
        },
        NodeKind::Sequence(_) => "array",
        NodeKind::Mapping(_) => "object",
    }
}

struct Decoder<'a> {
    strukt: &'a str,
}

impl Decoder<'_> {
    fn err(&self, node: &Node, field: &str, want: &'static str) -> DecodeError {
        DecodeError {
            found: json_kind(node),
            place: format!("struct field {}.{field}", self.strukt),
            want,
            line: node.span.start_line,
        }
    }

    /// A string field: scalars become their string form, null leaves it empty.
    fn string(&self, node: &Node, field: &str) -> Result<String, DecodeError> {
        match &node.kind {
            NodeKind::Scalar(s) => Ok(match s.value {
                bulwark_yaml::Value::Null => String::new(),
                _ => node.key_string(),
            }),
            _ => Err(self.err(node, field, "string")),
        }
    }

    fn strings(&self, node: &Node, field: &str) -> Result<Vec<String>, DecodeError> {
        match &node.kind {
            NodeKind::Sequence(items) => items.iter().map(|i| self.string(i, field)).collect(),
            NodeKind::Scalar(s) if s.value == bulwark_yaml::Value::Null => Ok(Vec::new()),
            _ => Err(self.err(node, field, "[]string")),
        }
    }

    fn boolean(&self, node: &Node, field: &str) -> Result<bool, DecodeError> {
        match node.value() {
            Some(bulwark_yaml::Value::Bool(b)) => Ok(*b),
            Some(bulwark_yaml::Value::Null) => Ok(false),
            _ => Err(self.err(node, field, "bool")),
        }
    }
}

/// The entries of a mapping with Go's case-insensitive field matching (later keys win).
fn fields<'n>(node: &'n Node, names: &[&str]) -> BTreeMap<String, &'n Node> {
    let mut out = BTreeMap::new();
    for e in node.entries() {
        let key = e.key.key_string();
        if let Some(name) = names.iter().find(|n| n.eq_ignore_ascii_case(&key)) {
            out.insert((*name).to_owned(), &e.value);
        }
    }
    out
}

fn check_object(node: &Node, want: &'static str) -> Result<bool, DecodeError> {
    match &node.kind {
        NodeKind::Mapping(_) => Ok(true),
        NodeKind::Scalar(s) if s.value == bulwark_yaml::Value::Null => Ok(false),
        _ => Err(DecodeError {
            found: json_kind(node),
            place: "value".into(),
            want,
            line: node.span.start_line,
        }),
    }
}

fn decode_maintainer(node: &Node) -> Result<Option<Maintainer>, DecodeError> {
    if !check_object(node, "v2.Maintainer")? {
        return Ok(None);
    }
    let d = Decoder {
        strukt: "Maintainer",
    };
    let f = fields(node, &["name", "email", "url"]);
    let get = |k: &str| f.get(k).map(|n| d.string(n, k)).transpose();
    Ok(Some(Maintainer {
        name: get("name")?.unwrap_or_default(),
        email: get("email")?.unwrap_or_default(),
        url: get("url")?.unwrap_or_default(),
    }))
}

/// Decodes one `dependencies:` entry.
pub fn decode_dependency(node: &Node) -> Result<Option<Dependency>, DecodeError> {
    if !check_object(node, "v2.Dependency")? {
        return Ok(None);
    }
    let d = Decoder {
        strukt: "Dependency",
    };
    let f = fields(
        node,
        &[
            "name",
            "version",
            "repository",
            "condition",
            "tags",
            "enabled",
            "import-values",
            "alias",
            "depends-on",
        ],
    );
    let s = |k: &str| -> Result<String, DecodeError> {
        Ok(f.get(k)
            .map(|n| d.string(n, k))
            .transpose()?
            .unwrap_or_default())
    };
    let import_items: &[Node] = match f.get("import-values") {
        None => &[],
        Some(n) => match &n.kind {
            NodeKind::Sequence(items) => items,
            NodeKind::Scalar(sc) if sc.value == bulwark_yaml::Value::Null => &[],
            _ => return Err(d.err(n, "import-values", "[]interface {}")),
        },
    };
    let import_values = import_items.iter().map(decode_import_value).collect();
    let import_values_raw = import_items.iter().map(Value::from_yaml).collect();
    Ok(Some(Dependency {
        name: s("name")?,
        version: s("version")?,
        repository: s("repository")?,
        condition: s("condition")?,
        tags: f
            .get("tags")
            .map(|n| d.strings(n, "tags"))
            .transpose()?
            .unwrap_or_default(),
        enabled: f
            .get("enabled")
            .map(|n| d.boolean(n, "enabled"))
            .transpose()?
            .unwrap_or(false),
        import_values,
        import_values_raw,
        alias: s("alias")?,
        depends_on: f
            .get("depends-on")
            .map(|n| d.strings(n, "depends-on"))
            .transpose()?
            .unwrap_or_default(),
    }))
}

fn decode_import_value(node: &Node) -> ImportValue {
    let v = Value::from_yaml(node);
    match v {
        Value::String(s) => ImportValue::Export(s),
        Value::Map(m) => {
            let show = |k: &str| m.get(k).map_or("<nil>".to_owned(), |v| v.to_string());
            ImportValue::Pair {
                child: show("child"),
                parent: show("parent"),
            }
        }
        other => ImportValue::Other(other),
    }
}

/// Decodes a `dependencies:` list (from `Chart.yaml` or `requirements.yaml`).
fn decode_dependencies(
    d: &Decoder<'_>,
    node: &Node,
) -> Result<Option<Vec<Option<Dependency>>>, DecodeError> {
    match &node.kind {
        NodeKind::Sequence(items) => Ok(Some(
            items
                .iter()
                .map(decode_dependency)
                .collect::<Result<_, _>>()?,
        )),
        NodeKind::Scalar(s) if s.value == bulwark_yaml::Value::Null => Ok(None),
        _ => Err(d.err(node, "dependencies", "[]*v2.Dependency")),
    }
}

/// Decodes `Chart.yaml`'s first document into `md` (fields absent in the document keep their
/// value, as `yaml.Unmarshal` into an existing struct does).
pub fn decode_metadata_into(md: &mut ChartMetadata, root: &Node) -> Result<(), DecodeError> {
    if !check_object(root, "v2.Metadata")? {
        return Ok(());
    }
    let d = Decoder { strukt: "Metadata" };
    let f = fields(
        root,
        &[
            "name",
            "home",
            "sources",
            "version",
            "description",
            "keywords",
            "maintainers",
            "icon",
            "apiVersion",
            "condition",
            "tags",
            "appVersion",
            "deprecated",
            "annotations",
            "kubeVersion",
            "dependencies",
            "type",
        ],
    );
    for (k, n) in &f {
        match k.as_str() {
            "name" => md.name = d.string(n, k)?,
            "home" => md.home = d.string(n, k)?,
            "sources" => md.sources = d.strings(n, k)?,
            "version" => md.version = d.string(n, k)?,
            "description" => md.description = d.string(n, k)?,
            "keywords" => md.keywords = d.strings(n, k)?,
            "maintainers" => {
                md.maintainers = match &n.kind {
                    NodeKind::Sequence(items) => items
                        .iter()
                        .map(decode_maintainer)
                        .collect::<Result<_, _>>()?,
                    NodeKind::Scalar(s) if s.value == bulwark_yaml::Value::Null => Vec::new(),
                    _ => return Err(d.err(n, k, "[]*v2.Maintainer")),
                }
            }
            "icon" => md.icon = d.string(n, k)?,
            "apiVersion" => md.api_version = d.string(n, k)?,
            "condition" => md.condition = d.string(n, k)?,
            "tags" => md.tags = d.string(n, k)?,
            "appVersion" => md.app_version = d.string(n, k)?,
            "deprecated" => md.deprecated = d.boolean(n, k)?,
            "annotations" => {
                md.annotations = match &n.kind {
                    NodeKind::Mapping(entries) => entries
                        .iter()
                        .map(|e| Ok((e.key.key_string(), d.string(&e.value, k)?)))
                        .collect::<Result<_, DecodeError>>()?,
                    NodeKind::Scalar(s) if s.value == bulwark_yaml::Value::Null => BTreeMap::new(),
                    _ => return Err(d.err(n, k, "map[string]string")),
                }
            }
            "kubeVersion" => md.kube_version = d.string(n, k)?,
            "dependencies" => md.dependencies = decode_dependencies(&d, n)?,
            "type" => md.chart_type = d.string(n, k)?,
            _ => {}
        }
    }
    Ok(())
}

/// A chart validation failure; prints as Helm's `validation: …`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("validation: {0}")]
pub struct ValidationError(pub String);

/// Helm's `sanitizeString`: whitespace becomes a space, non-printable characters go.
pub fn sanitize(s: &str) -> String {
    s.chars()
        .filter_map(|c| {
            if c.is_whitespace() {
                Some(' ')
            } else if c.is_control() || matches!(c, '\u{200b}'..='\u{200f}' | '\u{feff}') {
                None
            } else {
                Some(c)
            }
        })
        .collect()
}

fn valid_alias(a: &str) -> bool {
    !a.is_empty()
        && a.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

impl ChartMetadata {
    /// Helm's `Metadata.Validate` (sanitises strings as it goes).
    pub fn validate(&mut self) -> Result<(), ValidationError> {
        let v = |m: &str| Err(ValidationError(m.to_owned()));
        for s in [
            &mut self.name,
            &mut self.description,
            &mut self.home,
            &mut self.icon,
            &mut self.condition,
            &mut self.tags,
            &mut self.app_version,
            &mut self.kube_version,
        ] {
            *s = sanitize(s);
        }
        for s in self.sources.iter_mut().chain(self.keywords.iter_mut()) {
            *s = sanitize(s);
        }
        if self.api_version.is_empty() {
            return v("chart.metadata.apiVersion is required");
        }
        if self.name.is_empty() {
            return v("chart.metadata.name is required");
        }
        let base = self
            .name
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or("");
        if self.name != base || self.name.ends_with('/') {
            return Err(ValidationError(format!(
                "chart.metadata.name {:?} is invalid",
                self.name
            )));
        }
        if self.version.is_empty() {
            return v("chart.metadata.version is required");
        }
        if crate::semver::Version::parse(&self.version).is_none() {
            return Err(ValidationError(format!(
                "chart.metadata.version {:?} is invalid",
                self.version
            )));
        }
        if !matches!(self.chart_type.as_str(), "" | "application" | "library") {
            return v("chart.metadata.type must be application or library");
        }
        for m in &mut self.maintainers {
            match m {
                None => return v("maintainers must not contain empty or null nodes"),
                Some(m) => {
                    m.name = sanitize(&m.name);
                    m.email = sanitize(&m.email);
                    m.url = sanitize(&m.url);
                }
            }
        }
        let mut seen = std::collections::HashSet::new();
        for dep in self.dependencies.iter_mut().flatten() {
            let Some(dep) = dep else {
                return v("dependencies must not contain empty or null nodes");
            };
            dep.name = sanitize(&dep.name);
            dep.version = sanitize(&dep.version);
            dep.repository = sanitize(&dep.repository);
            dep.condition = sanitize(&dep.condition);
            for t in &mut dep.tags {
                *t = sanitize(t);
            }
            if !dep.alias.is_empty() && !valid_alias(&dep.alias) {
                return Err(ValidationError(format!(
                    "dependency {:?} has disallowed characters in the alias",
                    dep.name
                )));
            }
            let key = if dep.alias.is_empty() {
                dep.name.clone()
            } else {
                dep.alias.clone()
            };
            if !seen.insert(key.clone()) {
                return Err(ValidationError(format!(
                    "more than one dependency with name or alias {key:?}. Try using distinct aliases for dependencies with the same chart name."
                )));
            }
        }
        Ok(())
    }
}
