//! Loading charts from folders and archives, as Helm's `pkg/chart/v2/loader` does.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use bulwark_yaml::{LoadOptions, load_str_with};

use crate::archive::{ArchiveError, ArchiveLimits, BufferedFile, read_chart_archive, strip_bom};
use crate::chart::{Chart, ChartFile};
use crate::ignore::{IgnoreError, IgnoreRules};
use crate::metadata::{ChartMetadata, ValidationError, decode_metadata_into};
use crate::value::{Map, Value};

/// Why a chart could not be loaded; messages follow Helm's.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error("{path}: {source}")]
    Ignore {
        path: String,
        #[source]
        source: IgnoreError,
    },
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    /// `cannot load Chart.yaml: …` (also `requirements.yaml`, `values.yaml`, locks).
    #[error("cannot load {file}: {message}")]
    File {
        file: String,
        /// 1-based line where known.
        line: Option<u32>,
        message: String,
    },
    #[error("Chart.yaml file is missing")]
    MissingChartYaml,
    #[error(transparent)]
    Validation(#[from] ValidationError),
    #[error("error unpacking subchart {name} in {parent}: {source}")]
    Subchart {
        name: String,
        parent: String,
        #[source]
        source: Box<LoadError>,
    },
    #[error("error unpacking subchart tar in {parent}: expected {expected}, got {got}")]
    SubchartTar {
        parent: String,
        expected: String,
        got: String,
    },
    #[error("{path}: {message}")]
    Path { path: String, message: String },
}

/// Options of the loader.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadLimits {
    pub archive: ArchiveLimits,
}

/// Loads a chart from a folder or a `.tgz` file.
pub fn load(path: &Path) -> Result<Chart, LoadError> {
    load_with(path, &LoadLimits::default())
}

pub fn load_with(path: &Path, limits: &LoadLimits) -> Result<Chart, LoadError> {
    let meta = fs_err::metadata(path)?;
    if meta.is_dir() {
        load_dir(path, limits)
    } else {
        let bytes = fs_err::read(path)?;
        load_archive(&path.display().to_string(), &bytes, limits, 0)
    }
}

/// Loads a chart archive held in memory; `name` names it in errors.
pub fn load_archive(
    name: &str,
    bytes: &[u8],
    limits: &LoadLimits,
    nesting: usize,
) -> Result<Chart, LoadError> {
    let files = read_chart_archive(name, bytes, &limits.archive)?;
    load_files(files, limits, nesting)
}

/// Loads a chart folder: `.helmignore` (of the top folder only, plus Helm's default of
/// ignoring dot files in `templates/`) filters the walk; symbolic links are followed when
/// they stay inside the chart folder and refused otherwise.
pub fn load_dir(dir: &Path, limits: &LoadLimits) -> Result<Chart, LoadError> {
    let root = fs_err::canonicalize(dir)?;
    let mut rules = IgnoreRules::empty();
    let ignore_file = root.join(".helmignore");
    if ignore_file.is_file() {
        // A byte order mark does not hide the first rule (Helm honours it too).
        let text = String::from_utf8_lossy(&strip_bom(fs_err::read(&ignore_file)?)).into_owned();
        rules = IgnoreRules::parse(&text).map_err(|source| LoadError::Ignore {
            path: ignore_file.display().to_string(),
            source,
        })?;
    }
    rules.add_defaults();
    let mut files = Vec::new();
    let mut total = 0u64;
    walk(&root, &root, "", &rules, limits, &mut files, &mut total, 0)?;
    load_files(files, limits, 0)
}

#[allow(clippy::too_many_arguments)]
fn walk(
    root: &Path,
    dir: &Path,
    rel: &str,
    rules: &IgnoreRules,
    limits: &LoadLimits,
    files: &mut Vec<BufferedFile>,
    total: &mut u64,
    depth: usize,
) -> Result<(), LoadError> {
    if depth > 64 {
        return Err(LoadError::Path {
            path: dir.display().to_string(),
            message: "folders nest too deeply (a symbolic link loop?)".to_owned(),
        });
    }
    let mut entries: Vec<(String, PathBuf)> = fs_err::read_dir(dir)?
        .map(|e| e.map(|e| (e.file_name().to_string_lossy().into_owned(), e.path())))
        .collect::<Result<_, _>>()?;
    entries.sort();
    for (name, path) in entries {
        let n = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        let lmeta = fs_err::symlink_metadata(&path)?;
        let mut real = path.clone();
        if lmeta.file_type().is_symlink() {
            let target = match std::fs::canonicalize(&path) {
                Ok(t) => t,
                Err(e) => {
                    // A broken link that .helmignore ignores is skipped, as Helm does.
                    if rules.ignores(&n, false) {
                        continue;
                    }
                    return Err(LoadError::Path {
                        path: n,
                        message: format!("broken symbolic link: {e}"),
                    });
                }
            };
            if !target.starts_with(root) {
                return Err(LoadError::Path {
                    path: n,
                    message: "symbolic link points outside the chart folder".to_owned(),
                });
            }
            real = target;
        }
        let meta = fs_err::metadata(&real)?;
        if meta.is_dir() {
            if rules.ignores(&n, true) {
                continue;
            }
            walk(root, &real, &n, rules, limits, files, total, depth + 1)?;
            continue;
        }
        if rules.ignores(&n, false) {
            continue;
        }
        if !meta.is_file() {
            return Err(LoadError::Path {
                path: n,
                message: "cannot load irregular file as it has file mode type bits set".to_owned(),
            });
        }
        if meta.len() > limits.archive.max_file_bytes {
            return Err(LoadError::Path {
                path: n,
                message: format!(
                    "chart file is larger than the maximum file size {}",
                    limits.archive.max_file_bytes
                ),
            });
        }
        *total += meta.len();
        if *total > limits.archive.max_total_bytes || files.len() >= limits.archive.max_entries {
            return Err(LoadError::Path {
                path: n,
                message: "chart folder is larger than the loader allows".to_owned(),
            });
        }
        let data = strip_bom(fs_err::read(&real)?);
        files.push(BufferedFile { name: n, data });
    }
    Ok(())
}

/// go-yaml v2's wording for the parser errors `bulwark-yaml` rewords; go-yaml reports a
/// parser error's line 0-based (one less than the line of the problem).
fn go_yaml_wording(message: &str) -> Option<&'static str> {
    if message.starts_with("expected a `- ` sequence entry at this indentation") {
        Some("did not find expected '-' indicator")
    } else if message.starts_with("expected a mapping key at this indentation") {
        Some("did not find expected key")
    } else if message == "expected a value here" {
        Some("did not find expected node content")
    } else {
        None
    }
}

fn yaml_error(file: &str, e: &bulwark_yaml::YamlError) -> LoadError {
    let (line, text) = match go_yaml_wording(&e.message) {
        Some(w) => (e.line.saturating_sub(1), w.to_owned()),
        None => (e.line, e.message.clone()),
    };
    LoadError::File {
        file: file.to_owned(),
        line: Some(e.line),
        message: format!("error converting YAML to JSON: yaml: line {line}: {text}"),
    }
}

fn first_document(file: &str, data: &[u8]) -> Result<Option<bulwark_yaml::Node>, LoadError> {
    let text = crate::chart::text_of(data);
    let docs = load_str_with(&text, LoadOptions::default()).map_err(|e| yaml_error(file, &e))?;
    Ok(docs.into_iter().next().map(|d| d.root))
}

fn decode_into(md: &mut ChartMetadata, file: &str, data: &[u8]) -> Result<(), LoadError> {
    if let Some(root) = first_document(file, data)? {
        decode_metadata_into(md, &root).map_err(|e| LoadError::File {
            file: file.to_owned(),
            line: Some(e.line),
            message: e.to_string(),
        })?;
    }
    Ok(())
}

/// Parses a values file as Helm's `LoadValues`: every YAML document must be a mapping (or
/// empty); documents are merged (maps recursively, anything else replaced); numbers become
/// `float64`. Errors read `cannot unmarshal yaml document: …` as Helm's do.
pub fn parse_values(file: &str, data: &[u8]) -> Result<Map, LoadError> {
    let fail = |line: u32, message: String| LoadError::File {
        file: file.to_owned(),
        line: Some(line),
        message: format!("cannot unmarshal yaml document: {message}"),
    };
    let text = crate::chart::text_of(data);
    let docs =
        load_str_with(&text, LoadOptions::default()).map_err(|e| match yaml_error(file, &e) {
            LoadError::File { message, .. } => fail(e.line, message),
            other => other,
        })?;
    let mut out = Map::new();
    for d in docs {
        if let Err(e) = d.root.try_to_json() {
            let message = match non_finite(&d.root) {
                Some(v) => format!("error converting YAML to JSON: json: unsupported value: {v}"),
                None => format!("error converting YAML to JSON: {e}"),
            };
            return Err(fail(e.span.start_line, message));
        }
        match Value::from_yaml(&d.root) {
            Value::Null => {}
            Value::Map(m) => out = merge_maps(out, m),
            other => {
                return Err(fail(
                    d.root.span.start_line,
                    format!(
                        "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                        json_kind(&other)
                    ),
                ));
            }
        }
    }
    Ok(out)
}

/// The first NaN or infinity in a tree, spelled as Go prints it.
fn non_finite(node: &bulwark_yaml::Node) -> Option<&'static str> {
    use bulwark_yaml::NodeKind;
    match &node.kind {
        NodeKind::Scalar(s) => match s.value {
            bulwark_yaml::Value::Float(f) if f.is_nan() => Some("NaN"),
            bulwark_yaml::Value::Float(f) if f.is_infinite() => {
                Some(if f > 0.0 { "+Inf" } else { "-Inf" })
            }
            _ => None,
        },
        NodeKind::Sequence(items) => items.iter().find_map(non_finite),
        NodeKind::Mapping(entries) => entries.iter().find_map(|e| non_finite(&e.value)),
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Int(_) | Value::Float(_) => "number",
        Value::String(_) => "string",
        Value::List(_) => "array",
        Value::Map(_) => "object",
    }
}

/// The helm CLI's `mergeMaps`: maps merge recursively, anything else in `b` replaces.
pub fn merge_maps(mut a: Map, b: Map) -> Map {
    for (k, v) in b {
        match (a.remove(&k), v) {
            (Some(Value::Map(av)), Value::Map(bv)) => {
                a.insert(k, Value::Map(merge_maps(av, bv)));
            }
            (_, v) => {
                a.insert(k, v);
            }
        }
    }
    a
}

/// Checks a lock file as Helm decodes it (a mapping; `generated` an RFC 3339 time;
/// `dependencies` entries well typed); the bytes are kept as written.
fn check_lock(file: &str, data: &[u8]) -> Result<(), LoadError> {
    let Some(root) = first_document(file, data)? else {
        return Ok(());
    };
    let fail = |line: u32, message: String| LoadError::File {
        file: file.to_owned(),
        line: Some(line),
        message,
    };
    match &root.kind {
        bulwark_yaml::NodeKind::Mapping(_) => {}
        bulwark_yaml::NodeKind::Scalar(s) if s.value == bulwark_yaml::Value::Null => {
            return Ok(());
        }
        _ => {
            return Err(fail(
                root.span.start_line,
                "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal value into Go value of type v2.Lock".to_owned(),
            ));
        }
    }
    if let Some(g) = root.get("generated").filter(|g| !g.is_null()) {
        let text = g.scalar_text().unwrap_or_default();
        if !is_rfc3339(text) {
            return Err(fail(
                g.span.start_line,
                format!(
                    "error unmarshaling JSON: while decoding JSON: parsing time {text:?} as \"2006-01-02T15:04:05Z07:00\": cannot parse {text:?} as \"2006\""
                ),
            ));
        }
    }
    for d in root
        .get("dependencies")
        .map(|d| d.items())
        .unwrap_or_default()
    {
        crate::metadata::decode_dependency(d).map_err(|e| fail(e.line, e.to_string()))?;
    }
    Ok(())
}

/// `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`, as Go's `time.RFC3339` parses.
fn is_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
    if b.len() < 20
        || !digits(0..4)
        || b[4] != b'-'
        || !digits(5..7)
        || b[7] != b'-'
        || !digits(8..10)
        || !matches!(b[10], b'T' | b't')
        || !digits(11..13)
        || b[13] != b':'
        || !digits(14..16)
        || b[16] != b':'
        || !digits(17..19)
    {
        return false;
    }
    let mut i = 19;
    if b[i] == b'.' {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    match b.get(i) {
        Some(b'Z' | b'z') => i + 1 == b.len(),
        Some(b'+' | b'-') => {
            i + 6 == b.len() && digits(i + 1..i + 3) && b[i + 3] == b':' && digits(i + 4..i + 6)
        }
        _ => false,
    }
}

/// Builds a chart from its files (Helm's `LoadFiles`); subcharts in `charts/` are loaded
/// from their folders or archives.
pub fn load_files(
    files: Vec<BufferedFile>,
    limits: &LoadLimits,
    nesting: usize,
) -> Result<Chart, LoadError> {
    let mut metadata: Option<ChartMetadata> = None;
    for f in &files {
        if f.name == "Chart.yaml" {
            let md = metadata.get_or_insert_with(ChartMetadata::default);
            decode_into(md, "Chart.yaml", &f.data)?;
            if md.api_version.is_empty() {
                md.api_version = "v1".to_owned();
            }
        }
    }
    let mut chart = Chart {
        metadata: ChartMetadata::default(),
        lock: None,
        templates: Vec::new(),
        files: Vec::new(),
        values: Map::new(),
        raw_values: None,
        schema: None,
        dependencies: Vec::new(),
        origin: String::new(),
    };
    let mut subcharts: BTreeMap<String, Vec<BufferedFile>> = BTreeMap::new();
    for f in files {
        match f.name.as_str() {
            "Chart.yaml" => {}
            "Chart.lock" => {
                check_lock("Chart.lock", &f.data)?;
                chart.lock = Some(f.data);
            }
            "values.yaml" => {
                chart.values = parse_values("values.yaml", &f.data)?;
                chart.raw_values = Some(f.data);
            }
            "values.schema.json" => chart.schema = Some(f.data),
            "requirements.yaml" => {
                let md = metadata.get_or_insert_with(ChartMetadata::default);
                decode_into(md, "requirements.yaml", &f.data)?;
                if md.api_version == "v1" {
                    chart.files.push(ChartFile {
                        name: f.name,
                        data: f.data.into(),
                    });
                }
            }
            "requirements.lock" => {
                check_lock("requirements.lock", &f.data)?;
                let md = metadata.get_or_insert_with(ChartMetadata::default);
                let is_v1 = md.api_version == "v1";
                if is_v1 {
                    chart.files.push(ChartFile {
                        name: f.name,
                        data: f.data.clone().into(),
                    });
                }
                chart.lock = Some(f.data);
            }
            n if n.starts_with("templates/") => chart.templates.push(ChartFile {
                name: f.name,
                data: f.data.into(),
            }),
            n if n.starts_with("charts/") => {
                if n.ends_with(".prov") {
                    chart.files.push(ChartFile {
                        name: f.name,
                        data: f.data.into(),
                    });
                    continue;
                }
                let rest = &n["charts/".len()..];
                let cname = rest.split('/').next().unwrap_or("").to_owned();
                subcharts.entry(cname).or_default().push(BufferedFile {
                    name: rest.to_owned(),
                    data: f.data,
                });
            }
            _ => chart.files.push(ChartFile {
                name: f.name,
                data: f.data.into(),
            }),
        }
    }
    let Some(mut md) = metadata else {
        return Err(LoadError::MissingChartYaml);
    };
    md.validate()?;
    chart.metadata = md;

    for (n, files) in subcharts {
        if n.starts_with('_') || n.starts_with('.') {
            continue;
        }
        let wrap = |source: LoadError| LoadError::Subchart {
            name: n.clone(),
            parent: chart.metadata.name.clone(),
            source: Box::new(source),
        };
        let sub = if n.ends_with(".tgz") {
            let Some(file) = files.into_iter().next() else {
                continue;
            };
            if file.name != n {
                return Err(LoadError::SubchartTar {
                    parent: chart.metadata.name.clone(),
                    expected: n.clone(),
                    got: file.name,
                });
            }
            if nesting + 1 > limits.archive.max_nesting {
                return Err(wrap(LoadError::Path {
                    path: format!("charts/{n}"),
                    message: format!(
                        "chart archives nest deeper than {}",
                        limits.archive.max_nesting
                    ),
                }));
            }
            load_archive(&format!("charts/{n}"), &file.data, limits, nesting + 1)
        } else {
            let buff: Vec<BufferedFile> = files
                .into_iter()
                .filter_map(|f| {
                    let (_, rest) = f.name.split_once('/')?;
                    Some(BufferedFile {
                        name: rest.to_owned(),
                        data: f.data,
                    })
                })
                .collect();
            load_files(buff, limits, nesting)
        };
        let mut sub = sub.map_err(wrap)?;
        sub.origin = format!("charts/{n}");
        chart.dependencies.push(sub);
    }
    Ok(chart)
}
