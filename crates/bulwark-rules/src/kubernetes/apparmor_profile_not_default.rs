use bulwark_core::Finding;

use crate::context::ObjectCtx;
use crate::kubernetes::{effective_profile, pod_annotation};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports containers (including init and ephemeral containers) whose AppArmor profile is
    /// set to something other than the container runtime's default: the pod annotation
    /// `container.apparmor.security.beta.kubernetes.io/<container name>` with a value other
    /// than `runtime/default`, or, without that annotation, a
    /// `securityContext.appArmorProfile.type` in effect (the container's, else the pod's)
    /// other than `RuntimeDefault`. An unset profile is not reported: the runtime applies its
    /// default.
    ///
    /// ## Why is this bad?
    /// AppArmor confines what a process may do with files, mounts, signals and raw sockets. The
    /// runtime's default profile denies the operations most container escapes rely on.
    /// `unconfined` turns the protection off; a custom (`localhost/…`) profile replaces a
    /// maintained profile with one that must be installed, kept in sync and reviewed on every
    /// node. The Pod Security Standards forbid `unconfined` at the baseline level.
    ///
    /// ## Example
    /// ```yaml
    /// metadata:
    ///   annotations:
    ///     container.apparmor.security.beta.kubernetes.io/web: unconfined
    /// ```
    ///
    /// ## Fix
    /// Remove the override, or set the default explicitly:
    /// ```yaml
    /// spec:
    ///   securityContext:
    ///     appArmorProfile:
    ///       type: RuntimeDefault
    /// ```
    ///
    /// ## Options
    /// - `allow-localhost` (boolean, default `false`): accept profiles loaded on the node
    ///   (`localhost/<profile>`, `type: Localhost`), as the Pod Security Standards do; only
    ///   `unconfined` is reported then.
    ///
    /// ## References
    /// - [Kubernetes: restrict a container's access to resources with AppArmor](https://kubernetes.io/docs/tutorials/security/apparmor/)
    /// - [Pod Security Standards: baseline, AppArmor](https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline)
    pub(crate) static META = {
        code: "KUB043",
        name: "apparmor-profile-not-default",
        family: Kubernetes,
        severity: Medium,
        summary: "container overrides the runtime's default AppArmor profile",
        help: "remove the AppArmor override or set `securityContext.appArmorProfile.type: RuntimeDefault`",
        aliases: ["AVD-KSV-0002", "KSV002", "KSV-0002"],
        compliance: ["PSS-BASELINE-APPARMOR", "NSA-K8S-POD-APPARMOR", "NIST-800-190-4.4.3"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    let allow_localhost = ctx.options.bool("allow-localhost").unwrap_or(false);
    for c in ctx.containers() {
        let who = format!("container `{}` of {}", c.display_name(), ctx.object_label());
        let annotation = c.name.and_then(|n| {
            pod_annotation(
                ctx,
                &format!("container.apparmor.security.beta.kubernetes.io/{n}"),
            )
        });
        if let Some((value, span)) = annotation {
            let profile = value.scalar_text().unwrap_or_default();
            if profile == "runtime/default"
                || (allow_localhost && profile.starts_with("localhost/"))
            {
                continue;
            }
            out.push(
                ctx.container_finding(
                    c,
                    span,
                    format!("{who} uses AppArmor profile `{profile}` (annotation)"),
                )
                .with_label(label(profile == "unconfined")),
            );
        } else if let Some(p) = effective_profile(ctx, c, "appArmorProfile") {
            if p.kind == "RuntimeDefault" || (allow_localhost && p.kind == "Localhost") {
                continue;
            }
            let level = if p.from_pod { " (set for the pod)" } else { "" };
            out.push(
                ctx.container_finding(
                    c,
                    p.span,
                    format!("{who} uses AppArmor profile type `{}`{level}", p.kind),
                )
                .with_label(label(p.kind == "Unconfined")),
            );
        }
    }
}

fn label(unconfined: bool) -> &'static str {
    if unconfined {
        "AppArmor is turned off"
    } else {
        "not the runtime's default profile"
    }
}

#[cfg(test)]
mod tests {
    use crate::kubernetes::host_kernel_tests::findings_of;

    #[test]
    fn allow_localhost_accepts_profiles_on_the_node() {
        let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    container.apparmor.security.beta.kubernetes.io/a: localhost/deny-write\nspec:\n  securityContext: {appArmorProfile: {type: Unconfined}}\n  containers:\n  - {name: a, image: 'x:1'}\n  - {name: b, image: 'x:1', securityContext: {appArmorProfile: {type: Localhost, localhostProfile: p}}}\n";
        assert_eq!(findings_of("KUB043", "", pod).len(), 2);
        let f = findings_of(
            "KUB043",
            "rules:\n  options:\n    KUB043:\n      allow-localhost: true\n",
            pod,
        );
        assert!(f.is_empty(), "{f:?}");
    }
}
