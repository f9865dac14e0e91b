//! `bulwark-rules` holds every built-in rule (one file per rule, its doc comment is its
//! documentation), the registry that lists them, the configuration file (`.bulwark.yaml`)
//! and the engine that runs rules over parsed inputs and applies configuration and
//! suppressions.

#[macro_use]
mod declare;
mod config;
mod context;
pub mod dockerfile;
mod engine;
pub mod kubernetes;
pub mod policy;
mod registry;
pub mod secrets;
pub mod supply_chain;
mod suppress;

pub use bulwark_core::RuleMeta;
pub use config::{Config, ConfigError, PathIgnore, RuleOptions};
pub use context::{
    DockerfileCtx, ObjectCtx, SetCtx, SetObject, field_span, first_line_span, key_span,
    missing_span,
};
pub use engine::{
    DockerfileInput, KubernetesFile, ScanOptions, scan_dockerfiles, scan_kubernetes_files,
};
pub use registry::{Check, Rule, all_rules, find_rule};
pub use supply_chain::{ArtifactKind, ArtifactVerdict, artifact_report};
pub use suppress::{apply_config, suppress_from_feeding_file, unusable_suppressions, yaml_extent};
