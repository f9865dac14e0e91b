use bulwark_core::Finding;

use crate::context::ObjectCtx;
use crate::kubernetes::{backticked, host_path_volumes, normalize_host_path};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports workloads with a `hostPath` volume of one of the node's system directories
    /// (`/`, `/boot`, `/dev`, `/etc`, `/lib`, `/proc`, `/sys`, `/usr`, `/var/lib/docker`),
    /// once per workload. The path must be one of the list; subdirectories are reported by
    /// KUB038 when they are writable.
    ///
    /// ## Why is this bad?
    /// These directories hold the node's operating system, kernel interfaces, devices and
    /// container storage. Mounted into a pod, they expose credentials and other pods' data,
    /// and, if writable, let a process replace binaries or configuration of the node; it is a
    /// short step to a root shell on the node.
    ///
    /// ## Example
    /// ```yaml
    /// volumes:
    ///   - name: host-etc
    ///     hostPath:
    ///       path: /etc
    /// ```
    ///
    /// ## Fix
    /// Mount only the file the workload needs, read-only, or better get the data another way
    /// (a ConfigMap, the downward API, a node agent's API):
    /// ```yaml
    /// volumes:
    ///   - name: machine-id
    ///     hostPath:
    ///       path: /etc/machine-id
    ///       type: File
    /// ```
    ///
    /// ## Options
    /// - `paths` (list of strings, default the list above): the host paths to report; it
    ///   replaces the default list.
    ///
    /// ## References
    /// - [Kubernetes: volumes, hostPath](https://kubernetes.io/docs/concepts/storage/volumes/#hostpath)
    pub(crate) static META = {
        code: "KUB037",
        name: "disallowed-host-path",
        family: Kubernetes,
        severity: High,
        summary: "pod mounts a system directory of the node",
        help: "mount only the single file needed, read-only, or get the data without a `hostPath` volume",
        aliases: ["AVD-KSV-0121", "KSV121", "KSV-0121"],
        compliance: ["PSS-BASELINE-HOST-PATH-VOLUMES", "NSA-K8S-POD-HOST-PATH", "NIST-800-190-4.4.3"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

const DEFAULT_PATHS: [&str; 9] = [
    "/",
    "/boot",
    "/dev",
    "/etc",
    "/lib",
    "/proc",
    "/sys",
    "/usr",
    "/var/lib/docker",
];

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    let disallowed: Vec<String> = match ctx.options.strings("paths") {
        Some(paths) => paths.iter().map(|p| normalize_host_path(p)).collect(),
        None => DEFAULT_PATHS.iter().map(|p| (*p).to_owned()).collect(),
    };
    let volumes = host_path_volumes(ctx);
    let hits: Vec<_> = volumes
        .iter()
        .filter(|v| v.path.as_ref().is_some_and(|p| disallowed.contains(p)))
        .collect();
    let Some(first) = hits.first() else {
        return;
    };
    let mut paths: Vec<&str> = Vec::new();
    for p in hits.iter().filter_map(|v| v.path.as_deref()) {
        if !paths.contains(&p) {
            paths.push(p);
        }
    }
    out.push(
        ctx.finding(
            first.span,
            format!(
                "volume{} of {} mount{} system director{} {} of the node",
                if hits.len() == 1 {
                    format!(" `{}`", first.display_name())
                } else {
                    "s".to_owned()
                },
                ctx.object_label(),
                if hits.len() == 1 { "s" } else { "" },
                if paths.len() == 1 { "y" } else { "ies" },
                backticked(&paths)
            ),
        )
        .with_label(format!("volume `{}`", first.display_name())),
    );
}

#[cfg(test)]
mod tests {
    use crate::kubernetes::host_kernel_tests::findings_of;

    const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: 'x:1'}]\n  volumes:\n  - {name: etc, hostPath: {path: /etc/}}\n  - {name: srv, hostPath: {path: /srv}}\n";

    #[test]
    fn paths_option_replaces_the_default_list() {
        let f = findings_of("KUB037", "", POD);
        assert_eq!(f.len(), 1);
        assert!(f[0].message.contains("`/etc`"), "{}", f[0].message);
        let f = findings_of(
            "KUB037",
            "rules:\n  options:\n    KUB037:\n      paths: [/srv]\n",
            POD,
        );
        assert_eq!(f.len(), 1);
        assert!(f[0].message.contains("`/srv`"), "{}", f[0].message);
    }
}
