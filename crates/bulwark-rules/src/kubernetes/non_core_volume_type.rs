use bulwark_core::Finding;
use bulwark_yaml::Node;

use crate::context::{ObjectCtx, key_span};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports workloads with volumes of a type that the Pod Security Standards' restricted
    /// level does not allow inline in a pod: `awsElasticBlockStore`, `azureDisk`,
    /// `azureFile`, `cephfs`, `cinder`, `fc`, `flexVolume`, `flocker`, `gcePersistentDisk`,
    /// `gitRepo`, `glusterfs`, `iscsi`, `nfs`, `photonPersistentDisk`, `portworxVolume`,
    /// `quobyte`, `rbd`, `scaleIO`, `storageos` and `vsphereVolume`. It reports once per
    /// workload, at the first such volume. (`hostPath` is reported by KUB035.)
    ///
    /// ## Why is this bad?
    /// Inline volumes of these types connect the node directly to storage named in the pod:
    /// any user who may create pods can mount any share or disk the node can reach, with the
    /// node's credentials, and `flexVolume` runs a driver binary on the node. Storage should
    /// be provisioned by administrators as PersistentVolumes and claimed with a
    /// PersistentVolumeClaim (or through a CSI driver), so that access is granted explicitly.
    ///
    /// ## Example
    /// ```yaml
    /// volumes:
    ///   - name: shared
    ///     nfs:
    ///       server: nfs.example.com
    ///       path: /exports/shared
    /// ```
    ///
    /// ## Fix
    /// Define the storage as a PersistentVolume and claim it:
    /// ```yaml
    /// volumes:
    ///   - name: shared
    ///     persistentVolumeClaim:
    ///       claimName: shared
    /// ```
    ///
    /// ## References
    /// - [Pod Security Standards: restricted, volume types](https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted)
    pub(crate) static META = {
        code: "KUB047",
        name: "non-core-volume-type",
        family: Kubernetes,
        severity: Low,
        summary: "pod mounts storage inline instead of through a PersistentVolumeClaim",
        help: "provision the storage as a PersistentVolume and mount it through a PersistentVolumeClaim",
        aliases: ["AVD-KSV-0028", "KSV028", "KSV-0028"],
        compliance: ["PSS-RESTRICTED-VOLUME-TYPES", "NIST-800-190-4.4.3"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

/// Volume sources the restricted level forbids, besides `hostPath`.
const RESTRICTED_TYPES: [&str; 20] = [
    "awsElasticBlockStore",
    "azureDisk",
    "azureFile",
    "cephfs",
    "cinder",
    "fc",
    "flexVolume",
    "flocker",
    "gcePersistentDisk",
    "gitRepo",
    "glusterfs",
    "iscsi",
    "nfs",
    "photonPersistentDisk",
    "portworxVolume",
    "quobyte",
    "rbd",
    "scaleIO",
    "storageos",
    "vsphereVolume",
];

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    let Some(pod) = ctx.pod_spec() else {
        return;
    };
    let found: Vec<(&Node, &str)> = pod
        .volumes()
        .iter()
        .filter_map(|v| {
            let t = RESTRICTED_TYPES
                .into_iter()
                .find(|t| v.get_non_null(t).is_some())?;
            Some((v, t))
        })
        .collect();
    let Some((first, first_type)) = found.first() else {
        return;
    };
    let list: Vec<String> = found
        .iter()
        .map(|(v, t)| {
            let name = v
                .get("name")
                .and_then(Node::scalar_text)
                .unwrap_or("(unnamed)");
            format!("`{name}` ({t})")
        })
        .collect();
    out.push(
        ctx.finding(
            key_span(first, first_type).unwrap_or(first.span),
            format!(
                "volume{} {} of {} mount{} storage inline",
                if list.len() == 1 { "" } else { "s" },
                list.join(", "),
                ctx.object_label(),
                if list.len() == 1 { "s" } else { "" }
            ),
        )
        .with_label(format!("`{first_type}` volume")),
    );
}
