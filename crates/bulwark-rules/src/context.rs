//! What a rule sees while it runs, and helpers to point findings at the right place.

use bulwark_core::{Finding, Location, Resource, RuleMeta, SourceFile, Span};
use bulwark_k8s::{Container, K8sObject, PodSpec, containers, pod_spec};
use bulwark_yaml::Node;

use crate::RuleOptions;

/// The context of an object rule: one Kubernetes object of one file.
pub struct ObjectCtx<'a> {
    pub meta: &'static RuleMeta,
    pub file: &'a SourceFile,
    pub object: &'a K8sObject<'a>,
    pub options: &'a RuleOptions,
    pod_spec: Option<PodSpec<'a>>,
    containers: Vec<Container<'a>>,
}

impl<'a> ObjectCtx<'a> {
    pub fn new(
        meta: &'static RuleMeta,
        file: &'a SourceFile,
        object: &'a K8sObject<'a>,
        options: &'a RuleOptions,
    ) -> Self {
        let pod_spec = pod_spec(object);
        let containers = pod_spec.as_ref().map(containers).unwrap_or_default();
        ObjectCtx {
            meta,
            file,
            object,
            options,
            pod_spec,
            containers,
        }
    }

    /// The pod spec, for workloads (Pod, Deployment, …, CronJob, PodTemplate).
    pub fn pod_spec(&self) -> Option<&PodSpec<'a>> {
        self.pod_spec.as_ref()
    }

    /// Containers, init containers and ephemeral containers of the pod spec.
    pub fn containers(&self) -> &[Container<'a>] {
        &self.containers
    }

    /// `Kind 'name'` for messages.
    pub fn object_label(&self) -> String {
        match self.object.name {
            Some(n) => format!("{} '{}'", self.object.kind, n),
            None => self.object.kind.to_owned(),
        }
    }

    /// A finding of this rule on the object, at `span`.
    pub fn finding(&self, span: Span, message: impl Into<String>) -> Finding {
        Finding::new(self.meta, message, Location::new(self.file.path(), span))
            .with_resource(self.object.resource())
    }

    /// A finding about one container.
    pub fn container_finding(
        &self,
        container: &Container<'_>,
        span: Span,
        message: impl Into<String>,
    ) -> Finding {
        let mut resource = self.object.resource();
        resource.container = Some(container.display_name());
        Finding::new(self.meta, message, Location::new(self.file.path(), span))
            .with_resource(resource)
    }

    /// Where the object starts (its first key), for findings about the object as a whole.
    pub fn object_span(&self) -> Span {
        missing_span(self.object.node)
    }

    /// The `metadata` key, or the object start.
    pub fn metadata_span(&self) -> Span {
        key_span(self.object.node, "metadata").unwrap_or_else(|| self.object_span())
    }
}

/// An object of the scanned set, with its file.
pub struct SetObject<'a> {
    pub file: &'a SourceFile,
    pub object: K8sObject<'a>,
}

/// The context of a set rule: every object of the scan (rules that need to see several
/// objects, such as "workloads with no NetworkPolicy in their namespace").
pub struct SetCtx<'a> {
    pub meta: &'static RuleMeta,
    pub objects: &'a [SetObject<'a>],
    pub options: &'a RuleOptions,
}

impl SetCtx<'_> {
    pub fn finding(
        &self,
        file: &SourceFile,
        span: Span,
        resource: Resource,
        message: impl Into<String>,
    ) -> Finding {
        Finding::new(self.meta, message, Location::new(file.path(), span)).with_resource(resource)
    }
}

/// The span of `key` (the key itself) in a mapping.
pub fn key_span(mapping: &Node, key: &str) -> Option<Span> {
    mapping.entry(key).map(|e| e.key.span)
}

/// The span of a whole `key: value` field when the value is a scalar on the key's line,
/// otherwise of the key alone (a block value would make the snippet span many lines).
pub fn field_span(mapping: &Node, key: &str) -> Option<Span> {
    let e = mapping.entry(key)?;
    if e.value.as_scalar().is_some() && e.value.span.end_line == e.key.span.start_line {
        Some(e.key.span.to(e.value.span))
    } else {
        Some(e.key.span)
    }
}

/// Where a missing field belongs: the first key of `mapping` (the line a person edits), or
/// the mapping itself when it is empty or not a mapping.
pub fn missing_span(mapping: &Node) -> Span {
    match mapping.entries().first() {
        Some(e) => e.key.span,
        None => mapping.span,
    }
}
