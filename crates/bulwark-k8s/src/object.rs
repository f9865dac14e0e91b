use bulwark_core::Resource;
use bulwark_yaml::{Document, Node};

/// One Kubernetes object: a YAML document (or an item of a `kind: List`) that is a mapping
/// with string `apiVersion` and `kind`.
#[derive(Debug, Clone, Copy)]
pub struct K8sObject<'a> {
    pub node: &'a Node,
    pub api_version: &'a str,
    pub kind: &'a str,
    pub name: Option<&'a str>,
    pub namespace: Option<&'a str>,
    /// Index of the document in its stream.
    pub document: usize,
    /// Index within the enclosing `List`, if the object is a list item.
    pub list_item: Option<usize>,
}

impl<'a> K8sObject<'a> {
    /// Reads a node as an object; `None` when it lacks `apiVersion` or `kind`.
    pub fn from_node(node: &'a Node, document: usize, list_item: Option<usize>) -> Option<Self> {
        let api_version = node.get("apiVersion")?.as_str()?;
        let kind = node.get("kind")?.as_str()?;
        let metadata = node.get("metadata");
        let name = metadata
            .and_then(|m| m.get("name"))
            .and_then(Node::scalar_text)
            .or_else(|| {
                metadata
                    .and_then(|m| m.get("generateName"))
                    .and_then(Node::scalar_text)
            });
        let namespace = metadata
            .and_then(|m| m.get("namespace"))
            .and_then(Node::scalar_text);
        Some(K8sObject {
            node,
            api_version,
            kind,
            name,
            namespace,
            document,
            list_item,
        })
    }

    /// The API group (`apps` for `apps/v1`, empty for core `v1`).
    pub fn group(&self) -> &'a str {
        self.api_version
            .rsplit_once('/')
            .map(|(g, _)| g)
            .unwrap_or("")
    }

    pub fn metadata(&self) -> Option<&'a Node> {
        self.node.get("metadata")
    }

    pub fn spec(&self) -> Option<&'a Node> {
        self.node.get("spec")
    }

    /// The value of annotation `key`.
    pub fn annotation(&self, key: &str) -> Option<&'a Node> {
        self.metadata()?.get("annotations")?.get(key)
    }

    pub fn annotations(&self) -> impl Iterator<Item = (String, &'a Node)> {
        self.metadata()
            .and_then(|m| m.get("annotations"))
            .map(Node::entries)
            .unwrap_or(&[])
            .iter()
            .map(|e| (e.key.key_string(), &e.value))
    }

    pub fn labels(&self) -> impl Iterator<Item = (String, &'a Node)> {
        self.metadata()
            .and_then(|m| m.get("labels"))
            .map(Node::entries)
            .unwrap_or(&[])
            .iter()
            .map(|e| (e.key.key_string(), &e.value))
    }

    pub fn resource(&self) -> Resource {
        Resource {
            api_version: self.api_version.to_owned(),
            kind: self.kind.to_owned(),
            namespace: self.namespace.map(str::to_owned),
            name: self.name.map(str::to_owned),
            container: None,
        }
    }

    /// Whether this object kind lives in a namespace (cluster-scoped built-in kinds are not).
    pub fn is_namespaced(&self) -> bool {
        !matches!(
            self.kind,
            "Namespace"
                | "Node"
                | "PersistentVolume"
                | "ClusterRole"
                | "ClusterRoleBinding"
                | "CustomResourceDefinition"
                | "StorageClass"
                | "PriorityClass"
                | "IngressClass"
                | "RuntimeClass"
                | "PodSecurityPolicy"
                | "ValidatingWebhookConfiguration"
                | "MutatingWebhookConfiguration"
                | "ValidatingAdmissionPolicy"
                | "ValidatingAdmissionPolicyBinding"
                | "APIService"
                | "CSIDriver"
                | "CSINode"
                | "VolumeAttachment"
                | "CertificateSigningRequest"
                | "ClusterIssuer"
        )
    }
}

/// Every Kubernetes object in a stream of documents; the items of `kind: List` (and of other
/// `*List` kinds with `items`) are returned as objects of their own.
pub fn objects_in(docs: &[Document]) -> Vec<K8sObject<'_>> {
    let mut out = Vec::new();
    for doc in docs {
        let Some(obj) = K8sObject::from_node(&doc.root, doc.index, None) else {
            continue;
        };
        if obj.kind.ends_with("List")
            && let Some(items) = doc.root.get("items").and_then(Node::as_sequence)
        {
            for (i, item) in items.iter().enumerate() {
                if let Some(o) = K8sObject::from_node(item, doc.index, Some(i)) {
                    out.push(o);
                }
            }
            continue;
        }
        out.push(obj);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_flattened_and_non_kubernetes_documents_skipped() {
        let docs = bulwark_yaml::load_str(
            "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {name: a, namespace: ns}\n---\nfoo: bar\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n",
        )
        .expect("yaml");
        let objs = objects_in(&docs);
        assert_eq!(objs.len(), 2);
        assert_eq!(objs[0].kind, "Service");
        assert_eq!(objs[0].namespace, Some("ns"));
        assert_eq!(objs[0].list_item, Some(0));
        assert_eq!(objs[1].group(), "apps");
        assert_eq!(objs[1].name, Some("web"));
    }
}
