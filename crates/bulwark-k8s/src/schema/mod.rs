//! Schema validation of Kubernetes objects against the strict JSON schemas that
//! kubernetes-validate ships, embedded at build time (or read from a user folder), checked
//! directly on the YAML node tree so every error carries the span of the offending node.
//!
//! The validator knows the keywords those schemas use — `type`, `properties`,
//! `additionalProperties`, `items`, `required`, `enum`, `$ref`, `oneOf`, `format` — plus
//! `anyOf`/`allOf` for user schemas; other keywords are ignored. Values are judged as the YAML
//! loader resolved them (go-yaml v2 rules: a quoted `"80"` is a string, `80` an integer).

mod compile;
mod dir;
mod embedded;
mod format;
mod repr;
mod validate;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use bulwark_core::Span;
use bulwark_yaml::Node;

use crate::K8sObject;
use compile::Arena;
use dir::DirSchemas;

/// One way an object breaks its schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError {
    /// The offending node: the unexpected key, the value of the wrong type, or (for a
    /// missing required field) the first key of the mapping that should hold it.
    pub span: Span,
    /// Where the failing instance is, as kubernetes-validate writes it
    /// (`spec.volumes.0.storageos`); empty for the object itself.
    pub path: String,
    /// What is wrong, in jsonschema's words
    /// (`Additional properties are not allowed ('pool' was unexpected)`).
    pub message: String,
}

/// The outcome of validating one object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Validation {
    Valid,
    /// No schema for this kind and API version (custom resources, `List`, removed APIs):
    /// information, not an error.
    NoSchema,
    /// The errors, in document order.
    Invalid(Vec<SchemaError>),
    /// A user-supplied schema could not be read or compiled.
    SchemaUnusable(String),
}

impl Validation {
    pub fn is_valid(&self) -> bool {
        matches!(self, Validation::Valid)
    }

    /// The error kubernetes-validate would report (jsonschema's `best_match`: the one
    /// closest to the root, the first of those).
    pub fn best_error(&self) -> Option<&SchemaError> {
        match self {
            Validation::Invalid(errors) => errors
                .iter()
                .enumerate()
                .min_by_key(|(i, e)| (depth(&e.path), *i))
                .map(|(_, e)| e),
            _ => None,
        }
    }
}

fn depth(path: &str) -> usize {
    if path.is_empty() {
        0
    } else {
        path.split('.').count()
    }
}

/// Why a schema set could not be built.
#[derive(Debug, thiserror::Error)]
pub enum SchemaLoadError {
    #[error("`{0}` is not a Kubernetes version (expected something like `1.37` or `1.37.0`)")]
    InvalidVersion(String),
    #[error(
        "no schemas for Kubernetes {requested}: the newest embedded version is {newest}; pass a schema folder for newer versions"
    )]
    UnsupportedVersion { requested: String, newest: String },
    #[error("no Kubernetes schemas are embedded in this build")]
    NoEmbeddedSchemas,
    #[error("embedded schemas for Kubernetes {version} are unusable: {message}")]
    Corrupt { version: String, message: String },
    #[error("schema folder {} does not exist or is not a folder", .0.display())]
    NotADirectory(PathBuf),
}

/// Schemas to validate objects against: the embedded ones of one Kubernetes version, or a
/// folder of user schemas.
#[derive(Clone)]
pub struct SchemaSet {
    source: Source,
    strict: bool,
    check_formats: bool,
}

#[derive(Clone)]
enum Source {
    Embedded { index: usize, arena: Arc<Arena> },
    Dir(Arc<DirSchemas>),
}

impl std::fmt::Debug for SchemaSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("SchemaSet");
        match &self.source {
            Source::Embedded { index, .. } => d.field("embedded", &embedded::folder(*index)),
            Source::Dir(dir) => d.field("dir", &dir.root()),
        };
        d.field("strict", &self.strict)
            .field("check_formats", &self.check_formats)
            .finish()
    }
}

impl SchemaSet {
    /// The embedded schemas for a Kubernetes version (`"1.36"`, `"1.36.0"`, `"v1.36"`);
    /// `None` picks the newest. As kubernetes-validate: the newest embedded minor not newer than
    /// the request is used, a request older than every embedded version gets the oldest, and a
    /// request newer than the newest is an error. Decompresses and compiles the version's
    /// schemas on first use (once per process).
    pub fn embedded(version: Option<&str>) -> Result<SchemaSet, SchemaLoadError> {
        let index = embedded::select(version)?;
        let arena = embedded::arena(index)?;
        Ok(SchemaSet {
            source: Source::Embedded { index, arena },
            strict: true,
            check_formats: true,
        })
    }

    /// The embedded Kubernetes versions (`1.36.0`, `1.37.0`), oldest first.
    pub fn embedded_versions() -> Vec<&'static str> {
        embedded::versions().collect()
    }

    /// User schemas in a folder, looked up as kubeconform and kubernetes-validate name them:
    /// `<kind>-<group prefix>-<version>.json` (`deployment-apps-v1.json`, `pod-v1.json`),
    /// `<group>/<kind>_<version>.json` (the CRDs-catalog layout) and `<kind>_<version>.json`
    /// (openapi2jsonschema's CRD output), kind lowercased. `$ref`s may point into the same
    /// file (`#/$defs/..`, `#/definitions/..`) or into a file beside it
    /// (`_definitions.json#/definitions/..`, `/api/_definitions.json#/$defs/..`).
    /// Files are read and compiled when an object first needs them.
    pub fn from_dir(path: impl AsRef<Path>) -> Result<SchemaSet, SchemaLoadError> {
        let path = path.as_ref();
        if !path.is_dir() {
            return Err(SchemaLoadError::NotADirectory(path.to_owned()));
        }
        Ok(SchemaSet {
            source: Source::Dir(Arc::new(DirSchemas::new(path.to_owned()))),
            strict: true,
            check_formats: true,
        })
    }

    /// Strict (the default): unknown fields are errors, as `kubernetes-validate --strict`.
    /// Non-strict: `additionalProperties: false` is not enforced, as kubernetes-validate
    /// without `--strict`.
    pub fn with_strict(mut self, strict: bool) -> SchemaSet {
        self.strict = strict;
        self
    }

    /// Whether `format` is checked (on by default): `int32` ranges, base64 for `byte`,
    /// RFC 3339 for `date-time` — what the API server would reject when decoding.
    /// kubernetes-validate does not check formats.
    pub fn with_format_checks(mut self, check: bool) -> SchemaSet {
        self.check_formats = check;
        self
    }

    pub fn is_strict(&self) -> bool {
        self.strict
    }

    /// The Kubernetes version validated against, as kubernetes-validate reports it (`1.37`);
    /// `None` for a user folder.
    pub fn kubernetes_version(&self) -> Option<String> {
        match &self.source {
            Source::Embedded { index, .. } => {
                Some(embedded::display_version(embedded::folder(*index)))
            }
            Source::Dir(_) => None,
        }
    }

    /// Validates an object against the schema of its kind and API version.
    pub fn validate(&self, obj: &K8sObject<'_>) -> Validation {
        self.validate_node(obj.api_version, obj.kind, obj.node)
    }

    /// Validates a node as an object of `kind` in `api_version`.
    pub fn validate_node(&self, api_version: &str, kind: &str, node: &Node) -> Validation {
        match &self.source {
            Source::Embedded { arena, .. } => {
                let Some(&id) = arena.kinds.get(&schema_stem(api_version, kind)) else {
                    return Validation::NoSchema;
                };
                self.run(arena, id, node)
            }
            Source::Dir(dir) => match dir.lookup(api_version, kind) {
                dir::Lookup::Missing => Validation::NoSchema,
                dir::Lookup::Failed(message) => Validation::SchemaUnusable(message),
                dir::Lookup::Found(id) => dir.with_arena(|arena| self.run(arena, id, node)),
            },
        }
    }

    fn run(&self, arena: &Arena, id: u32, node: &Node) -> Validation {
        let mut walker = validate::Walker::new(arena, self.strict, self.check_formats);
        walker.check_root(id, node);
        if walker.errors.is_empty() {
            Validation::Valid
        } else {
            let mut errors = walker.errors;
            errors.sort_by_key(|e| e.span.start);
            Validation::Invalid(errors)
        }
    }

    /// kubernetes-validate's words for an object without a schema.
    pub fn no_schema_message(&self, obj: &K8sObject<'_>) -> String {
        let version = self
            .kubernetes_version()
            .map(|v| format!(" for kubernetes version {v}"))
            .unwrap_or_default();
        format!(
            "couldn't find schema for kind {} with api version {}{version}",
            obj.kind, obj.api_version
        )
    }
}

/// The schema file stem kubernetes-validate looks up: kind lowercased, then the API group up to
/// its first dot, then the version (`rbac.authorization.k8s.io/v1` → `clusterrole-rbac-v1`).
pub(crate) fn schema_stem(api_version: &str, kind: &str) -> String {
    let kind = kind.to_lowercase();
    match api_version.split_once('/') {
        None => format!("{kind}-{api_version}"),
        Some((group, version)) => {
            let prefix = group.split('.').next().unwrap_or(group);
            format!("{kind}-{prefix}-{version}")
        }
    }
}

#[cfg(test)]
mod tests;
