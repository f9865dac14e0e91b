//! What a render needs besides the template engine: `.Release`, `.Capabilities`, `.Chart`,
//! `.Template`, the coalesced `.Values`, and the templates in Helm's order with their full
//! names — plus the checks Helm makes before rendering (installable chart type,
//! `kubeVersion`, values schema).

use crate::chart::{Chart, ChartFile};
use crate::coalesce::{CoalesceError, Warnings, coalesce_values};
use crate::dependencies::process_dependencies;
use crate::schema::{SchemaError, validate_against_schema};
use crate::semver::is_compatible_range;
use crate::value::{Map, Value, table};

/// `.Release`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseOptions {
    pub name: String,
    pub namespace: String,
    pub revision: i64,
    pub is_install: bool,
    pub is_upgrade: bool,
}

impl Default for ReleaseOptions {
    fn default() -> Self {
        ReleaseOptions {
            name: "release-name".into(),
            namespace: "default".into(),
            revision: 1,
            is_install: true,
            is_upgrade: false,
        }
    }
}

impl ReleaseOptions {
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("IsInstall".into(), Value::Bool(self.is_install));
        m.insert("IsUpgrade".into(), Value::Bool(self.is_upgrade));
        m.insert("Name".into(), self.name.as_str().into());
        m.insert("Namespace".into(), self.namespace.as_str().into());
        m.insert("Revision".into(), Value::Int(self.revision));
        m.insert("Service".into(), "Helm".into());
        Value::Map(m)
    }
}

/// `.Capabilities.KubeVersion`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KubeVersion {
    /// As given, with a `v` prefix (`v1.33.4-gke.1245000`).
    pub version: String,
    /// `vMAJOR.MINOR.PATCH`, used for `kubeVersion` constraints.
    pub normalized: String,
    pub major: String,
    pub minor: String,
}

impl KubeVersion {
    /// Helm's `ParseKubeVersion` (Kubernetes' generic version parser: `[v]X.Y[.Z][…]`).
    pub fn parse(input: &str) -> Option<KubeVersion> {
        let s = input.trim();
        let s = s.strip_prefix('v').unwrap_or(s);
        let end = s
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(s.len());
        let core = &s[..end];
        let nums: Vec<&str> = core.split('.').collect();
        if nums.len() < 2 || nums.len() > 3 || nums.iter().any(|n| n.is_empty()) {
            return None;
        }
        let parsed: Vec<u64> = nums.iter().map(|n| n.parse().ok()).collect::<Option<_>>()?;
        let patch = parsed.get(2).copied().unwrap_or(0);
        let version = if input.trim().starts_with('v') {
            input.trim().to_owned()
        } else {
            format!("v{}", input.trim())
        };
        Some(KubeVersion {
            version,
            normalized: format!("v{}.{}.{patch}", parsed[0], parsed[1]),
            major: parsed[0].to_string(),
            minor: parsed[1].to_string(),
        })
    }
}

/// `.Capabilities.HelmVersion` (Go's `BuildInfo`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelmVersion {
    pub version: String,
    pub git_commit: String,
    pub git_tree_state: String,
    pub go_version: String,
    pub kube_client_version: String,
}

/// `.Capabilities`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capabilities {
    pub kube_version: KubeVersion,
    pub api_versions: Vec<String>,
    pub helm_version: HelmVersion,
}

/// The API versions Helm v4.2's SDK reports by default (client-go's scheme plus
/// apiextensions), in Helm's order.
pub const DEFAULT_API_VERSIONS: &[&str] = &[
    "v1",
    "admissionregistration.k8s.io/v1",
    "admissionregistration.k8s.io/v1alpha1",
    "admissionregistration.k8s.io/v1beta1",
    "internal.apiserver.k8s.io/v1alpha1",
    "apps/v1",
    "apps/v1beta1",
    "apps/v1beta2",
    "authentication.k8s.io/v1",
    "authentication.k8s.io/v1alpha1",
    "authentication.k8s.io/v1beta1",
    "authorization.k8s.io/v1",
    "authorization.k8s.io/v1beta1",
    "autoscaling/v1",
    "autoscaling/v2",
    "batch/v1",
    "batch/v1beta1",
    "certificates.k8s.io/v1",
    "certificates.k8s.io/v1beta1",
    "certificates.k8s.io/v1alpha1",
    "coordination.k8s.io/v1alpha2",
    "coordination.k8s.io/v1beta1",
    "coordination.k8s.io/v1",
    "discovery.k8s.io/v1",
    "discovery.k8s.io/v1beta1",
    "events.k8s.io/v1",
    "events.k8s.io/v1beta1",
    "extensions/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1",
    "flowcontrol.apiserver.k8s.io/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1beta2",
    "flowcontrol.apiserver.k8s.io/v1beta3",
    "networking.k8s.io/v1",
    "networking.k8s.io/v1beta1",
    "node.k8s.io/v1",
    "node.k8s.io/v1alpha1",
    "node.k8s.io/v1beta1",
    "policy/v1",
    "policy/v1beta1",
    "rbac.authorization.k8s.io/v1",
    "rbac.authorization.k8s.io/v1beta1",
    "rbac.authorization.k8s.io/v1alpha1",
    "resource.k8s.io/v1",
    "resource.k8s.io/v1beta2",
    "resource.k8s.io/v1beta1",
    "resource.k8s.io/v1alpha3",
    "scheduling.k8s.io/v1alpha2",
    "scheduling.k8s.io/v1beta1",
    "scheduling.k8s.io/v1",
    "storage.k8s.io/v1beta1",
    "storage.k8s.io/v1",
    "storage.k8s.io/v1alpha1",
    "storagemigration.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1",
];

impl Default for Capabilities {
    /// Helm v4.2.3's SDK defaults: Kubernetes v1.36.0.
    fn default() -> Self {
        Capabilities {
            kube_version: KubeVersion {
                version: "v1.36.0".into(),
                normalized: "v1.36.0".into(),
                major: "1".into(),
                minor: "36".into(),
            },
            api_versions: DEFAULT_API_VERSIONS
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
            helm_version: HelmVersion {
                version: "v4.2".into(),
                git_commit: String::new(),
                git_tree_state: String::new(),
                go_version: "go1.26.6".into(),
                kube_client_version: "v1.36".into(),
            },
        }
    }
}

impl Capabilities {
    /// `--kube-version`.
    pub fn with_kube_version(mut self, kv: KubeVersion) -> Self {
        self.kube_version = kv;
        self
    }

    /// `--api-versions`: added to the defaults.
    pub fn with_api_versions<I: IntoIterator<Item = String>>(mut self, extra: I) -> Self {
        self.api_versions.extend(extra);
        self
    }

    pub fn to_value(&self) -> Value {
        let mut kv = Map::new();
        kv.insert("Version".into(), self.kube_version.version.as_str().into());
        kv.insert("Major".into(), self.kube_version.major.as_str().into());
        kv.insert("Minor".into(), self.kube_version.minor.as_str().into());
        kv.insert(
            "GitVersion".into(),
            self.kube_version.version.as_str().into(),
        );
        let mut hv = Map::new();
        let h = &self.helm_version;
        hv.insert("Version".into(), h.version.as_str().into());
        hv.insert("GitCommit".into(), h.git_commit.as_str().into());
        hv.insert("GitTreeState".into(), h.git_tree_state.as_str().into());
        hv.insert("GoVersion".into(), h.go_version.as_str().into());
        hv.insert(
            "KubeClientVersion".into(),
            h.kube_client_version.as_str().into(),
        );
        let mut m = Map::new();
        m.insert("KubeVersion".into(), Value::Map(kv));
        m.insert(
            "APIVersions".into(),
            Value::List(
                self.api_versions
                    .iter()
                    .map(|s| s.as_str().into())
                    .collect(),
            ),
        );
        m.insert("HelmVersion".into(), Value::Map(hv));
        Value::Map(m)
    }
}

/// A template of the chart tree, named as Helm names it.
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateRef<'a> {
    /// `<chart>/templates/x.yaml`, `<chart>/charts/<sub>/templates/y.yaml`.
    pub name: String,
    /// `.Template.BasePath`: `<chart full path>/templates`.
    pub base_path: String,
    /// Names of the charts from the root to the template's chart (`["top", "sub"]`).
    pub chart_path: Vec<String>,
    pub file: &'a ChartFile,
    /// `_*.tpl` and other `_` files: parsed for `define`, not rendered.
    pub is_partial: bool,
}

/// The templates the engine parses, in Helm's render order (more path segments first, then
/// reverse lexical order). Library charts contribute only their partials.
pub fn templates(chart: &Chart) -> Vec<TemplateRef<'_>> {
    let mut out = Vec::new();
    fn rec<'a>(c: &'a Chart, prefix: &str, path: &mut Vec<String>, out: &mut Vec<TemplateRef<'a>>) {
        let full = if prefix.is_empty() {
            c.name().to_owned()
        } else {
            format!("{prefix}/charts/{}", c.name())
        };
        path.push(c.name().to_owned());
        for t in &c.templates {
            let base = t.name.rsplit('/').next().unwrap_or(&t.name);
            let is_partial = base.starts_with('_');
            if c.is_library() && !is_partial {
                continue;
            }
            out.push(TemplateRef {
                name: format!("{full}/{}", t.name),
                base_path: format!("{full}/templates"),
                chart_path: path.clone(),
                file: t,
                is_partial,
            });
        }
        for d in &c.dependencies {
            rec(d, &full, path, out);
        }
        path.pop();
    }
    rec(chart, "", &mut Vec::new(), &mut out);
    out.sort_by(|a, b| {
        let (ca, cb) = (a.name.matches('/').count(), b.name.matches('/').count());
        cb.cmp(&ca).then_with(|| b.name.cmp(&a.name))
    });
    out
}

/// The names of the templates a render produces output for (partials excluded, `NOTES.txt`
/// included), sorted.
pub fn rendered_template_names(chart: &Chart) -> Vec<String> {
    let mut names: Vec<String> = templates(chart)
        .into_iter()
        .filter(|t| !t.is_partial)
        .map(|t| t.name)
        .collect();
    names.sort();
    names
}

/// `.Template` for a template.
pub fn template_value(t: &TemplateRef<'_>) -> Value {
    let mut m = Map::new();
    m.insert("BasePath".into(), t.base_path.as_str().into());
    m.insert("Name".into(), t.name.as_str().into());
    Value::Map(m)
}

/// `.Values` of the chart at `chart_path` (Helm gives a subchart the map under its name,
/// or an empty map).
pub fn scoped_values(top: &Map, chart_path: &[String]) -> Map {
    if chart_path.len() <= 1 {
        return top.clone();
    }
    table(top, &chart_path[1..].join("."))
        .cloned()
        .unwrap_or_default()
}

/// Why a chart cannot be rendered before any template runs.
#[derive(Debug, thiserror::Error)]
pub enum PrepareError {
    #[error("{0} charts are not installable")]
    NotInstallable(String),
    #[error(
        "chart requires kubeVersion: {required} which is incompatible with Kubernetes {actual}"
    )]
    KubeVersion { required: String, actual: String },
    #[error(transparent)]
    Coalesce(#[from] CoalesceError),
    #[error(transparent)]
    Schema(#[from] SchemaError),
}

/// Everything a render needs, after Helm's preparation.
#[derive(Debug, Clone)]
pub struct RenderInput {
    /// The chart after dependency processing (disabled subcharts removed, aliases applied,
    /// import values merged).
    pub chart: Chart,
    /// The top-level `.Values`.
    pub values: Map,
    pub release: ReleaseOptions,
    pub capabilities: Capabilities,
    /// What Helm would have logged.
    pub warnings: Warnings,
}

impl RenderInput {
    /// The top-level objects for the root chart: `Values`, `Release`, `Capabilities`,
    /// `Chart` (`.Template` and `.Files` are per template and per chart).
    pub fn top_value(&self) -> Map {
        let mut m = Map::new();
        m.insert("Values".into(), Value::Map(self.values.clone()));
        m.insert("Release".into(), self.release.to_value());
        m.insert("Capabilities".into(), self.capabilities.to_value());
        m.insert("Chart".into(), self.chart.metadata.to_template_value(true));
        m
    }
}

/// The checks `helm install`/`helm template` make that the SDK's render does not (Helm's
/// golden renders come from the SDK, where a library chart renders to nothing and
/// `kubeVersion` is not checked): only application charts install, and the chart's
/// `kubeVersion` range must admit the cluster's version.
pub fn check_installable(chart: &Chart, capabilities: &Capabilities) -> Result<(), PrepareError> {
    if !chart.metadata.chart_type.is_empty() && chart.metadata.chart_type != "application" {
        return Err(PrepareError::NotInstallable(
            chart.metadata.chart_type.clone(),
        ));
    }
    let kv = &chart.metadata.kube_version;
    if !kv.is_empty() && !is_compatible_range(kv, &capabilities.kube_version.normalized) {
        return Err(PrepareError::KubeVersion {
            required: kv.clone(),
            actual: capabilities.kube_version.normalized.clone(),
        });
    }
    Ok(())
}

/// Prepares a render as Helm's SDK does: dependencies are processed with the user's values,
/// values are coalesced and checked against every schema. (Call [`check_installable`] first
/// for `helm install`/`helm template` behaviour.)
pub fn prepare(
    mut chart: Chart,
    user_values: &Map,
    release: ReleaseOptions,
    capabilities: Capabilities,
) -> Result<RenderInput, PrepareError> {
    let mut warnings = Warnings::default();
    process_dependencies(&mut chart, user_values, &mut warnings)?;
    let values = coalesce_values(&chart, user_values, &mut warnings)?;
    validate_against_schema(&chart, &values)?;
    Ok(RenderInput {
        chart,
        values,
        release,
        capabilities,
        warnings,
    })
}
