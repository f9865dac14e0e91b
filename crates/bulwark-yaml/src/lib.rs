//! `bulwark-yaml` turns YAML streams into node trees that keep the exact span of every key
//! and value, for every document of a stream.
//!
//! Scalars keep the text the author wrote (`Scalar::text`, after quoting and escapes are
//! undone) beside the value a resolver gives it (`Scalar::value`). Two resolver profiles:
//! [`Profile::GoYamlV2`] resolves as go-yaml v2 does behind `sigs.k8s.io/yaml` (Kubernetes,
//! Helm: `yes`/`on`/`y` are booleans, `0777` is octal, timestamps stay strings), and
//! [`Profile::Yaml12Core`] follows the YAML 1.2 core schema. Anchors and aliases are
//! expanded (with a budget against alias bombs), merge keys (`<<`) are applied and duplicate
//! keys keep the last value, as Kubernetes does.
//!
//! Like libyaml (which go-yaml ports), the loader accepts flow-collection lines and quoted
//! string continuation lines indented less than YAML 1.2 requires. Known differences from
//! go-yaml v2 that remain: a tab right after `- `, `? ` or `: ` in block context is
//! accepted here (libyaml stops with "found character that cannot start any token"); keys
//! that only become equal as JSON keys (`1` and `'1'`) keep the last one, where Go's map
//! order decides. Errors say what was expected in plain words ([`YamlError`]).

pub mod emit;
mod explain;
mod load;
mod node;
mod resolve;

pub use load::{LoadOptions, YamlError, load_str, load_str_with};
pub use node::{Document, Entry, JsonConversionError, Node, NodeKind, Scalar, ScalarStyle, Value};
pub use resolve::{Profile, resolve_plain};
