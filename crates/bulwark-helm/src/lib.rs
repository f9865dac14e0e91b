//! `bulwark-helm` owns Helm charts up to the point where templates execute: loading a chart
//! from a folder or an untrusted `.tgz` ([`load`]), Helm's `.helmignore` rules
//! ([`IgnoreRules`]), `Chart.yaml` validation ([`ChartMetadata`]), dependency processing
//! (aliases, `condition`, `tags`, `import-values`: [`process_dependencies`]), values
//! (parsing with Helm's number semantics, coalescing with subchart defaults and globals,
//! `--set` family parsing in [`strvals`], `values.schema.json` validation) and the render
//! context (`.Release`, `.Capabilities`, `.Chart`, `.Template`, templates in Helm's order:
//! [`prepare`], [`templates`]).
//!
//! Values are [`Value`]s: null, bool, `int64`, `float64`, string, list, and maps with
//! string keys ordered by key. Numbers carry Helm's Go types: values files (chart defaults,
//! `-f`) go through JSON in Helm, so their numbers are `float64` (`1000000` prints `1e+06`);
//! `--set` infers `int64`.
//!
//! Helm behaviour is followed as in Helm v4.2 (`pkg/chart/v2/loader`, `pkg/ignore`,
//! `pkg/chart/common/util`, `pkg/chart/v2/util/dependencies.go`, `pkg/strvals`); messages
//! of errors Helm returns keep Helm's wording.

pub mod archive;
pub mod chart;
pub mod coalesce;
pub mod dependencies;
pub mod ignore;
pub mod loader;
pub mod metadata;
pub mod render;
pub mod schema;
pub mod semver;
pub mod strvals;
pub mod value;
pub mod values;

pub use archive::{ArchiveError, ArchiveLimits, BufferedFile};
pub use chart::{Chart, ChartFile};
pub use coalesce::{
    CoalesceError, Warnings, coalesce_tables, coalesce_values, merge_tables, merge_values,
};
pub use dependencies::process_dependencies;
pub use ignore::IgnoreRules;
pub use loader::{LoadError, LoadLimits, load, load_archive, load_dir, load_files, parse_values};
pub use metadata::{ChartMetadata, Dependency, ImportValue, Maintainer, ValidationError};
pub use render::{
    Capabilities, KubeVersion, PrepareError, ReleaseOptions, RenderInput, TemplateRef,
    check_installable, prepare, rendered_template_names, templates,
};
pub use schema::{SchemaError, validate_against_schema};
pub use value::{Map, Value};
pub use values::{ValueOptions, ValuesError};
