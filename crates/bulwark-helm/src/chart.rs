//! The loaded chart: metadata, templates, files, default values, schema and subcharts.

use crate::metadata::ChartMetadata;
use crate::value::Map;

/// A file of a chart (template, `.Files` entry), named relative to its chart's root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartFile {
    pub name: String,
    pub data: std::sync::Arc<[u8]>,
}

/// A chart as Helm's loader builds it. Subcharts are owned; a chart's place in the tree
/// (Helm's parent link) is given by the path walked from the root (see
/// [`Chart::walk`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub metadata: ChartMetadata,
    /// `Chart.lock` or `requirements.lock`, as written.
    pub lock: Option<Vec<u8>>,
    /// Everything under `templates/` (partials included), in load order.
    pub templates: Vec<ChartFile>,
    /// Other files (`.Files`): README, `crds/`, `files/`, `.helmignore`, `.prov` in `charts/`,
    /// and for `apiVersion: v1` `requirements.yaml`/`requirements.lock`.
    pub files: Vec<ChartFile>,
    /// `values.yaml`, parsed (numbers are `float64`).
    pub values: Map,
    /// `values.yaml` as written (`helm show values`).
    pub raw_values: Option<Vec<u8>>,
    /// `values.schema.json`, as written.
    pub schema: Option<Vec<u8>>,
    /// Subcharts from `charts/` (folders and archives), ordered by their entry name.
    pub dependencies: Vec<Chart>,
    /// Where the chart was loaded from, relative to its parent chart's folder: the entry
    /// `charts/<folder>` or `charts/<name>.tgz`; empty for the chart loaded itself. (An
    /// aliased subchart keeps the entry it was loaded from.)
    pub origin: String,
}

impl Chart {
    pub fn name(&self) -> &str {
        &self.metadata.name
    }

    pub fn is_library(&self) -> bool {
        self.metadata.is_library()
    }

    /// Helm's `CRDObjects`: `crds/*.yaml|yml|json` of this chart and its subcharts, with
    /// full names (`<chart>/charts/<sub>/crds/x.yaml`).
    pub fn crd_files(&self) -> Vec<(String, &ChartFile)> {
        let mut out = Vec::new();
        self.walk(|full, c| {
            for f in &c.files {
                let lower = f.name.to_ascii_lowercase();
                if f.name.starts_with("crds/")
                    && (lower.ends_with(".yaml")
                        || lower.ends_with(".yml")
                        || lower.ends_with(".json"))
                {
                    out.push((format!("{full}/{}", f.name), f));
                }
            }
        });
        out
    }

    /// The chart at a path of names from this chart (`["top", "sub"]`, as in
    /// [`crate::TemplateRef::chart_path`]).
    pub fn descendant(&self, path: &[String]) -> Option<&Chart> {
        let (first, rest) = path.split_first()?;
        if first != self.name() {
            return None;
        }
        rest.iter().try_fold(self, |c, name| {
            c.dependencies.iter().find(|d| d.name() == name)
        })
    }

    /// Visits this chart and every subchart, depth first, with its full path
    /// (`parent/charts/child`, Helm's `ChartFullPath`).
    pub fn walk<'a>(&'a self, mut visit: impl FnMut(&str, &'a Chart)) {
        fn rec<'a>(c: &'a Chart, prefix: &str, visit: &mut dyn FnMut(&str, &'a Chart)) {
            let full = if prefix.is_empty() {
                c.name().to_owned()
            } else {
                format!("{prefix}/charts/{}", c.name())
            };
            visit(&full, c);
            for d in &c.dependencies {
                rec(d, &full, visit);
            }
        }
        rec(self, "", &mut visit);
    }
}

/// A file's bytes as text, invalid UTF-8 replaced by U+FFFD as Go's conversions do
/// (`String::from_utf8_lossy`, with the common all-valid case checked by the faster
/// `str::from_utf8` first).
pub fn text_of(data: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(data) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(data),
    }
}
