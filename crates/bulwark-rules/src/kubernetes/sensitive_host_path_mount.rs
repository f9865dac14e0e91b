use bulwark_core::Finding;

use crate::context::{ObjectCtx, field_span, missing_span};
use crate::kubernetes::{host_path_volumes, normalize_host_path, path_within};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports volume mounts that give a container write access to a sensitive directory of
    /// the node: a `hostPath` volume whose path is a sensitive directory, lies inside one
    /// (`/etc/kubernetes` is inside `/etc`) or contains one (`/var` contains `/var/lib/kubelet`),
    /// mounted without `readOnly: true`. Unix sockets (paths ending in `.sock`, such as the
    /// containerd or CRI-O socket) are reported even when mounted read-only, since a
    /// read-only mount does not stop a process from connecting to a socket.
    ///
    /// The sensitive directories are `/`, `/bin`, `/boot`, `/dev`, `/etc`, `/home`, `/lib`,
    /// `/lib64`, `/opt/cni`, `/proc`, `/root`, `/run`, `/sbin`, `/sys`, `/usr`,
    /// `/var/lib/containerd`, `/var/lib/docker`, `/var/lib/etcd`, `/var/lib/kubelet`,
    /// `/var/log` and `/var/run`. Other host paths are reported by KUB035 only.
    ///
    /// ## Why is this bad?
    /// Write access to these directories is write access to the node: a process can replace
    /// binaries or libraries, add a static pod manifest or a cron job, change the kubelet's
    /// or the CNI plugin's configuration, read and write other pods' volumes and secrets, or
    /// drive the container runtime through its socket. Each is a way to root on the node.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: agent
    ///     image: registry.example.com/agent:1.4.2
    ///     volumeMounts:
    ///       - name: kubelet
    ///         mountPath: /var/lib/kubelet
    /// volumes:
    ///   - name: kubelet
    ///     hostPath:
    ///       path: /var/lib/kubelet
    /// ```
    ///
    /// ## Fix
    /// Mount the path read-only, and only the subdirectory that is needed:
    /// ```yaml
    ///     volumeMounts:
    ///       - name: kubelet-pods
    ///         mountPath: /var/lib/kubelet/pods
    ///         readOnly: true
    /// ```
    ///
    /// ## Options
    /// - `paths` (list of strings, default the list above): the sensitive directories; it
    ///   replaces the default list.
    ///
    /// ## References
    /// - [Kubernetes: volumes, hostPath](https://kubernetes.io/docs/concepts/storage/volumes/#hostpath)
    /// - [NSA/CISA Kubernetes Hardening Guide: pod security](https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF)
    pub(crate) static META = {
        code: "KUB038",
        name: "sensitive-host-path-mount",
        family: Kubernetes,
        severity: High,
        summary: "container can write to a sensitive directory of the node",
        help: "add `readOnly: true` to the volume mount and mount only the subdirectory that is needed",
        aliases: [],
        compliance: ["PSS-BASELINE-HOST-PATH-VOLUMES", "NSA-K8S-POD-HOST-PATH", "NIST-800-190-4.4.3"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

const DEFAULT_PATHS: [&str; 21] = [
    "/",
    "/bin",
    "/boot",
    "/dev",
    "/etc",
    "/home",
    "/lib",
    "/lib64",
    "/opt/cni",
    "/proc",
    "/root",
    "/run",
    "/sbin",
    "/sys",
    "/usr",
    "/var/lib/containerd",
    "/var/lib/docker",
    "/var/lib/etcd",
    "/var/lib/kubelet",
    "/var/log",
    "/var/run",
];

/// Whether a host path is, lies inside, or contains a sensitive directory. `/` counts only
/// itself: every path lies inside it.
fn is_sensitive(path: &str, sensitive: &[String]) -> bool {
    sensitive
        .iter()
        .any(|dir| (dir != "/" && path_within(path, dir)) || path_within(dir, path) || path == dir)
}

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    let sensitive: Vec<String> = match ctx.options.strings("paths") {
        Some(paths) => paths.iter().map(|p| normalize_host_path(p)).collect(),
        None => DEFAULT_PATHS.iter().map(|p| (*p).to_owned()).collect(),
    };
    let volumes = host_path_volumes(ctx);
    if volumes.is_empty() {
        return;
    }
    for c in ctx.containers() {
        for mount in c.get("volumeMounts").map(|m| m.items()).unwrap_or_default() {
            let Some(name) = mount.get("name").and_then(|n| n.scalar_text()) else {
                continue;
            };
            let Some(path) = volumes
                .iter()
                .find(|v| v.name == Some(name))
                .and_then(|v| v.path.as_deref())
            else {
                continue;
            };
            let socket = path.ends_with(".sock");
            let read_only = mount.get("readOnly").and_then(|r| r.as_bool()) == Some(true);
            if !(socket || (!read_only && is_sensitive(path, &sensitive))) {
                continue;
            }
            let (span, label) = if socket {
                (
                    missing_span(mount),
                    "a read-only mount does not protect a socket",
                )
            } else if let Some(span) = field_span(mount, "readOnly") {
                (span, "the node's directory is writable")
            } else {
                (missing_span(mount), "`readOnly` is not set")
            };
            let at = mount
                .get("mountPath")
                .and_then(|p| p.scalar_text())
                .map(|p| format!(" at `{p}`"))
                .unwrap_or_default();
            let message = if socket {
                format!(
                    "container `{}` of {} mounts socket `{path}` of the node (volume `{name}`){at}",
                    c.display_name(),
                    ctx.object_label()
                )
            } else {
                format!(
                    "container `{}` of {} mounts `{path}` of the node writable (volume `{name}`){at}",
                    c.display_name(),
                    ctx.object_label()
                )
            };
            let mut finding = ctx.container_finding(c, span, message).with_label(label);
            if socket {
                finding = finding.with_help("remove the socket volume and its mounts; talk to the service through an API instead");
            }
            out.push(finding);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_sensitive;
    use crate::kubernetes::host_kernel_tests::findings_of;

    #[test]
    fn sensitive_paths_include_parents_and_children_but_not_everything_under_root() {
        let list: Vec<String> = super::DEFAULT_PATHS
            .iter()
            .map(|p| (*p).to_owned())
            .collect();
        assert!(is_sensitive("/", &list));
        assert!(is_sensitive("/var", &list));
        assert!(is_sensitive("/var/lib/kubelet/pods", &list));
        assert!(is_sensitive("/etc/kubernetes", &list));
        assert!(!is_sensitive("/data", &list));
        assert!(!is_sensitive("/var/lib/mysql", &list));
        assert!(!is_sensitive("/etcd-data", &list));
    }

    #[test]
    fn paths_option_replaces_the_default_list() {
        let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    image: x:1\n    volumeMounts: [{name: d, mountPath: /d}]\n  volumes:\n  - {name: d, hostPath: {path: /data/app}}\n";
        assert!(findings_of("KUB038", "", pod).is_empty());
        let f = findings_of(
            "KUB038",
            "rules:\n  options:\n    KUB038:\n      paths: [/data]\n",
            pod,
        );
        assert_eq!(f.len(), 1);
    }
}
