//! `bulwark-k8s` is the Kubernetes object model that rules work on: which YAML documents are
//! Kubernetes objects (and the items of `kind: List`), their identity, every pod-spec carrier
//! down to its containers, and image references parsed by the Docker reference grammar.
//!
//! Everything borrows the `bulwark-yaml` node tree, so each field keeps its span.

mod image;
mod object;
mod workload;

pub use image::{ImageRef, ImageRefError};
pub use object::{K8sObject, objects_in};
pub use workload::{Container, ContainerKind, PodSpec, containers, pod_spec};
pub mod schema;
pub use schema::{SchemaError, SchemaLoadError, SchemaSet, Validation};
