use bulwark_yaml::Node;

use crate::K8sObject;

/// A pod spec inside an object, with the path that leads to it.
#[derive(Debug, Clone, Copy)]
pub struct PodSpec<'a> {
    pub node: &'a Node,
    /// The metadata of the pod template (labels, annotations), if any.
    pub template_metadata: Option<&'a Node>,
    /// Mapping keys from the object root to the pod spec, e.g. `spec.template.spec`.
    pub path: &'static [&'static str],
}

impl<'a> PodSpec<'a> {
    pub fn get(&self, key: &str) -> Option<&'a Node> {
        self.node.get(key)
    }

    /// The pod-level `securityContext`.
    pub fn security_context(&self) -> Option<&'a Node> {
        self.node.get_non_null("securityContext")
    }

    /// Annotation of the pod template (or of a bare Pod's metadata).
    pub fn annotation(&self, key: &str) -> Option<&'a Node> {
        self.template_metadata?.get("annotations")?.get(key)
    }

    pub fn volumes(&self) -> &'a [Node] {
        self.node.get("volumes").map(Node::items).unwrap_or(&[])
    }
}

/// The pod spec of a workload: Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet,
/// ReplicationController, Job, CronJob and PodTemplate (any API version).
pub fn pod_spec<'a>(obj: &K8sObject<'a>) -> Option<PodSpec<'a>> {
    let (path, meta_path): (&'static [&'static str], &'static [&'static str]) = match obj.kind {
        "Pod" => (&["spec"], &["metadata"]),
        "Deployment"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicaSet"
        | "ReplicationController"
        | "Job"
        | "DeploymentConfig" => (
            &["spec", "template", "spec"],
            &["spec", "template", "metadata"],
        ),
        "CronJob" => (
            &["spec", "jobTemplate", "spec", "template", "spec"],
            &["spec", "jobTemplate", "spec", "template", "metadata"],
        ),
        "PodTemplate" => (&["template", "spec"], &["template", "metadata"]),
        _ => return None,
    };
    let node = obj.node.path(path).filter(|n| n.is_mapping())?;
    Some(PodSpec {
        node,
        template_metadata: obj.node.path(meta_path),
        path,
    })
}

/// Which list of a pod spec a container is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContainerKind {
    Container,
    Init,
    Ephemeral,
}

impl ContainerKind {
    pub fn field(self) -> &'static str {
        match self {
            ContainerKind::Container => "containers",
            ContainerKind::Init => "initContainers",
            ContainerKind::Ephemeral => "ephemeralContainers",
        }
    }
}

/// A container of a pod spec.
#[derive(Debug, Clone, Copy)]
pub struct Container<'a> {
    pub node: &'a Node,
    pub kind: ContainerKind,
    /// Index within its list.
    pub index: usize,
    pub name: Option<&'a str>,
}

impl<'a> Container<'a> {
    pub fn get(&self, key: &str) -> Option<&'a Node> {
        self.node.get(key)
    }

    pub fn security_context(&self) -> Option<&'a Node> {
        self.node.get_non_null("securityContext")
    }

    pub fn image(&self) -> Option<&'a Node> {
        self.node.get("image")
    }

    /// The name for messages: the container's name, or `#index` when it has none.
    pub fn display_name(&self) -> String {
        self.name
            .map(str::to_owned)
            .unwrap_or_else(|| format!("{}[{}]", self.kind.field(), self.index))
    }
}

/// Containers, then init containers, then ephemeral containers of a pod spec.
pub fn containers<'a>(spec: &PodSpec<'a>) -> Vec<Container<'a>> {
    let mut out = Vec::new();
    for kind in [
        ContainerKind::Container,
        ContainerKind::Init,
        ContainerKind::Ephemeral,
    ] {
        for (index, node) in spec
            .node
            .get(kind.field())
            .map(Node::items)
            .unwrap_or(&[])
            .iter()
            .enumerate()
        {
            if !node.is_mapping() {
                continue;
            }
            out.push(Container {
                node,
                kind,
                index,
                name: node.get("name").and_then(Node::scalar_text),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::objects_in;

    #[test]
    fn cronjob_containers_are_found_in_order() {
        let docs = bulwark_yaml::load_str(
            "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          initContainers: [{name: init, image: busybox}]\n          containers:\n          - name: main\n            image: alpine:3\n",
        )
        .expect("yaml");
        let objs = objects_in(&docs);
        let spec = pod_spec(&objs[0]).expect("pod spec");
        let cs = containers(&spec);
        assert_eq!(cs.len(), 2);
        assert_eq!(cs[0].name, Some("main"));
        assert_eq!(cs[1].kind, ContainerKind::Init);
    }
}
