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

/// The context of a Dockerfile rule: one parsed Dockerfile.
pub struct DockerfileCtx<'a> {
    pub meta: &'static RuleMeta,
    pub file: &'a SourceFile,
    pub dockerfile: &'a bulwark_dockerfile::Dockerfile,
    pub options: &'a RuleOptions,
    /// Shell analysis of each RUN (and ONBUILD RUN), by instruction index.
    scripts: &'a [Option<bulwark_dockerfile::shell::ShellScript>],
}

impl<'a> DockerfileCtx<'a> {
    pub fn new(
        meta: &'static RuleMeta,
        file: &'a SourceFile,
        dockerfile: &'a bulwark_dockerfile::Dockerfile,
        options: &'a RuleOptions,
        scripts: &'a [Option<bulwark_dockerfile::shell::ShellScript>],
    ) -> Self {
        DockerfileCtx {
            meta,
            file,
            dockerfile,
            options,
            scripts,
        }
    }

    /// Every instruction in file order; an ONBUILD is followed by its trigger (the
    /// instruction it runs in a child build), so rules about RUN, COPY… see triggers too.
    pub fn instructions(&self) -> impl Iterator<Item = &'a bulwark_dockerfile::Instruction> {
        self.dockerfile
            .instructions
            .iter()
            .flat_map(|i| std::iter::once(i).chain(i.trigger()))
    }

    /// The shell analysis of a RUN instruction or ONBUILD RUN trigger.
    pub fn script(
        &self,
        instruction: &bulwark_dockerfile::Instruction,
    ) -> Option<&'a bulwark_dockerfile::shell::ShellScript> {
        self.scripts.get(instruction.index)?.as_ref()
    }

    /// The stages, in order.
    pub fn stages(&self) -> &'a [bulwark_dockerfile::Stage] {
        &self.dockerfile.stages
    }

    /// A finding of this rule at `span`.
    pub fn finding(&self, span: Span, message: impl Into<String>) -> Finding {
        Finding::new(self.meta, message, Location::new(self.file.path(), span))
    }

    /// A finding about a whole instruction, pointing at its first line (keyword to the end
    /// of that line), so snippets stay one line long.
    pub fn instruction_finding(
        &self,
        instruction: &bulwark_dockerfile::Instruction,
        message: impl Into<String>,
    ) -> Finding {
        self.finding(first_line_span(self.file, instruction), message)
    }
}

/// The span of an instruction from its keyword to the end of its first line.
pub fn first_line_span(file: &SourceFile, instruction: &bulwark_dockerfile::Instruction) -> Span {
    let start = instruction.keyword_span.start;
    let line_end = file.text()[start..]
        .find(['\n', '\r'])
        .map_or(file.text().len(), |i| start + i)
        .min(instruction.span.end.max(start));
    file.span(start, line_end)
}
