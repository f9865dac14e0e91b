use bulwark_core::Finding;
use bulwark_yaml::Node;

use crate::context::{ObjectCtx, key_span};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports containers and init containers that read a Secret into environment
    /// variables: an `env` entry with `valueFrom.secretKeyRef`, or an `envFrom` entry with
    /// `secretRef`. One finding per entry. Custom resources that embed a pod template
    /// (Argo Rollouts, Knative Services, …) are read too.
    ///
    /// ## Why is this bad?
    /// Environment variables are easy to leak: applications print them in crash reports and
    /// debug pages, pass them to every child process, and expose them through
    /// `/proc/<pid>/environ` to anything that shares the process namespace. They are also
    /// fixed at start-up, so a rotated Secret needs a restart. A Secret mounted as a volume
    /// is a file with restrictive permissions that Kubernetes updates in place.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     env:
    ///       - name: DB_PASSWORD
    ///         valueFrom:
    ///           secretKeyRef: {name: db, key: password}
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     volumeMounts:
    ///       - name: db
    ///         mountPath: /var/run/secrets/db
    ///         readOnly: true
    /// volumes:
    ///   - name: db
    ///     secret:
    ///       secretName: db
    ///       defaultMode: 0400
    /// ```
    /// and have the application read `/var/run/secrets/db/password`.
    ///
    /// ## References
    /// - [Kubernetes: good practices for Secrets](https://kubernetes.io/docs/concepts/security/secrets-good-practices/)
    /// - CIS Kubernetes Benchmark 5.4.1: prefer using secrets as files over secrets as environment variables
    pub(crate) static META = {
        code: "SEC004",
        name: "secret-in-env-var",
        family: Secrets,
        severity: Low,
        summary: "Secret passed to a container as environment variables",
        help: "mount the Secret as a volume and read the value from the file",
        aliases: ["CKV_K8S_35"],
        compliance: ["CIS-K8S-5.4.1", "NSA-K8S-SECRETS"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    for c in &super::env_containers(ctx) {
        for var in c.get("env").map(Node::items).unwrap_or(&[]) {
            let Some(value_from) = var.get("valueFrom") else {
                continue;
            };
            let Some(sel) = value_from.get("secretKeyRef") else {
                continue;
            };
            let name = var.get("name").and_then(Node::scalar_text).unwrap_or("?");
            let source = match (
                sel.get("name").and_then(Node::scalar_text),
                sel.get("key").and_then(Node::scalar_text),
            ) {
                (Some(s), Some(k)) => format!("key `{k}` of Secret `{s}`"),
                (Some(s), None) => format!("Secret `{s}`"),
                _ => "a Secret".to_owned(),
            };
            let span = key_span(value_from, "secretKeyRef").unwrap_or(value_from.span);
            out.push(
                ctx.container_finding(
                    c,
                    span,
                    format!(
                        "container `{}` of {} reads {source} into environment variable `{name}`",
                        c.display_name(),
                        ctx.object_label()
                    ),
                )
                .with_label("secret exposed as an environment variable"),
            );
        }
        for from in c.get("envFrom").map(Node::items).unwrap_or(&[]) {
            let Some(secret_ref) = from.get("secretRef") else {
                continue;
            };
            let source = match secret_ref.get("name").and_then(Node::scalar_text) {
                Some(s) => format!("every key of Secret `{s}`"),
                None => "every key of a Secret".to_owned(),
            };
            let span = key_span(from, "secretRef").unwrap_or(from.span);
            out.push(
                ctx.container_finding(
                    c,
                    span,
                    format!(
                        "container `{}` of {} reads {source} into environment variables",
                        c.display_name(),
                        ctx.object_label()
                    ),
                )
                .with_label("secret exposed as environment variables"),
            );
        }
    }
}
