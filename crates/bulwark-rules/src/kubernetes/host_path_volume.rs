use bulwark_core::Finding;

use crate::context::ObjectCtx;
use crate::kubernetes::{HostPathVolume, host_path_volumes};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports workloads that declare `hostPath` volumes, once per workload (at the first
    /// one).
    ///
    /// ## Why is this bad?
    /// A `hostPath` volume mounts a file or directory of the node into the pod. It ties the
    /// pod to the node's file system layout, outlives the pod, and is the most common way out
    /// of a container: writable host paths let a process plant binaries, cron jobs or kubelet
    /// manifests on the node, and even read-only ones leak credentials and other pods' data.
    /// The Pod Security Standards forbid `hostPath` volumes at the baseline level.
    /// KUB036, KUB037 and KUB038 report the most dangerous paths separately.
    ///
    /// ## Example
    /// ```yaml
    /// volumes:
    ///   - name: data
    ///     hostPath:
    ///       path: /mnt/data
    /// ```
    ///
    /// ## Fix
    /// Use a PersistentVolumeClaim (a `local` PersistentVolume when the data must stay on a
    /// node), an `emptyDir` for scratch space, or a ConfigMap or Secret for configuration:
    /// ```yaml
    /// volumes:
    ///   - name: data
    ///     persistentVolumeClaim:
    ///       claimName: data
    /// ```
    ///
    /// ## References
    /// - [Pod Security Standards: baseline, HostPath volumes](https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline)
    /// - [Kubernetes: volumes, hostPath](https://kubernetes.io/docs/concepts/storage/volumes/#hostpath)
    /// - CIS Kubernetes Benchmark 5.2.12
    pub(crate) static META = {
        code: "KUB035",
        name: "host-path-volume",
        family: Kubernetes,
        severity: Medium,
        summary: "pod mounts a directory or file of the node (`hostPath`)",
        help: "replace the `hostPath` volume with a PersistentVolumeClaim, an `emptyDir`, a ConfigMap or a Secret",
        aliases: ["AVD-KSV-0023", "KSV023", "KSV-0023"],
        compliance: ["CIS-K8S-5.2.12", "PSS-BASELINE-HOST-PATH-VOLUMES", "NSA-K8S-POD-HOST-PATH", "NIST-800-190-4.4.3"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    let volumes = host_path_volumes(ctx);
    let Some(first) = volumes.first() else {
        return;
    };
    let path = |v: &HostPathVolume<'_>| v.path.clone().unwrap_or_else(|| "(no path)".to_owned());
    let message = if volumes.len() == 1 {
        format!(
            "volume `{}` of {} mounts `{}` of the node",
            first.display_name(),
            ctx.object_label(),
            path(first)
        )
    } else {
        let list: Vec<String> = volumes
            .iter()
            .map(|v| format!("`{}` (volume `{}`)", path(v), v.display_name()))
            .collect();
        format!(
            "volumes of {} mount paths of the node: {}",
            ctx.object_label(),
            list.join(", ")
        )
    };
    out.push(
        ctx.finding(first.span, message)
            .with_label("`hostPath` volume"),
    );
}
