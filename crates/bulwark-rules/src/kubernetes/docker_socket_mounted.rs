use bulwark_core::Finding;

use crate::context::ObjectCtx;
use crate::kubernetes::host_path_volumes;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports workloads with a `hostPath` volume of the Docker daemon's socket
    /// (`/var/run/docker.sock`, or `/run/docker.sock`, the same file), once per workload.
    ///
    /// ## Why is this bad?
    /// Whoever can talk to the Docker socket controls the Docker daemon, which runs as root on
    /// the node: a process in the pod can start a privileged container that mounts the node's
    /// root file system, and so own the node and every pod on it. Mounting the socket
    /// read-only does not help, since connecting to a socket is not a write to the file.
    ///
    /// ## Example
    /// ```yaml
    /// volumes:
    ///   - name: docker
    ///     hostPath:
    ///       path: /var/run/docker.sock
    /// ```
    ///
    /// ## Fix
    /// Remove the volume and its `volumeMounts`. Build images with a daemonless builder
    /// (BuildKit rootless, kaniko, buildah) and read container metadata through the
    /// Kubernetes API or the kubelet instead.
    ///
    /// ## References
    /// - [Docker: protect the Docker daemon socket](https://docs.docker.com/engine/security/protect-access/)
    /// - [OWASP Docker Security Cheat Sheet, rule 1](https://cheatsheetseries.owasp.org/cheatsheets/Docker_Security_Cheat_Sheet.html)
    pub(crate) static META = {
        code: "KUB036",
        name: "docker-socket-mounted",
        family: Kubernetes,
        severity: High,
        summary: "pod mounts the Docker daemon socket",
        help: "remove the `docker.sock` volume and its mounts; build images with a daemonless builder",
        aliases: ["AVD-KSV-0006", "KSV006", "KSV-0006", "CKV_K8S_27"],
        compliance: ["PSS-BASELINE-HOST-PATH-VOLUMES", "NSA-K8S-POD-HOST-PATH", "NIST-800-190-4.4.3"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

/// Where Docker listens (`/var/run` is a link to `/run` on current distributions). Paths are
/// compared as written: with a trailing slash the socket file would fail to mount.
const DOCKER_SOCKETS: [&str; 2] = ["/var/run/docker.sock", "/run/docker.sock"];

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    let volumes = host_path_volumes(ctx);
    let Some(v) = volumes
        .iter()
        .find(|v| v.raw_path.is_some_and(|p| DOCKER_SOCKETS.contains(&p)))
    else {
        return;
    };
    out.push(
        ctx.finding(
            v.span,
            format!(
                "volume `{}` of {} mounts the Docker daemon socket `{}`",
                v.display_name(),
                ctx.object_label(),
                v.raw_path.unwrap_or_default()
            ),
        )
        .with_label("the Docker daemon controls the node"),
    );
}
