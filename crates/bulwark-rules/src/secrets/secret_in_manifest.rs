use bulwark_core::Finding;
use bulwark_yaml::Node;

use crate::context::{ObjectCtx, key_span};
use crate::kubernetes::code_list;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `Secret` objects whose `data` or `stringData` hold values, that is, secrets
    /// committed to the repository in the clear. `data` is only base64-encoded: anyone who
    /// can read the file can decode it.
    ///
    /// Not reported: Secrets without values (an empty `data`, or a
    /// `kubernetes.io/service-account-token` Secret that the control plane fills in),
    /// values that are obvious placeholders or template expressions, and encrypted forms
    /// such as Bitnami `SealedSecret` or External Secrets `ExternalSecret` objects, which
    /// are other kinds.
    ///
    /// ## Why is this bad?
    /// A secret in git is readable by everyone with access to the repository, its forks, its
    /// CI logs and its backups, for ever: rewriting history does not recall clones. It also
    /// cannot be rotated without a commit, so it tends not to be.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Secret
    /// metadata:
    ///   name: db
    /// type: Opaque
    /// data:
    ///   password: czNjcjN0LXBhc3N3MHJk
    /// ```
    ///
    /// ## Fix
    /// Commit an encrypted or referenced form and let the cluster produce the `Secret`:
    /// ```yaml
    /// apiVersion: external-secrets.io/v1
    /// kind: ExternalSecret
    /// metadata:
    ///   name: db
    /// spec:
    ///   secretStoreRef: {kind: ClusterSecretStore, name: vault}
    ///   target: {name: db}
    ///   data:
    ///     - secretKey: password
    ///       remoteRef: {key: prod/db, property: password}
    /// ```
    /// Sealed Secrets (`kubeseal`) and SOPS-encrypted files work as well. Rotate any
    /// credential that was committed.
    ///
    /// ## References
    /// - [Kubernetes: good practices for Secrets](https://kubernetes.io/docs/concepts/security/secrets-good-practices/)
    /// - [External Secrets Operator](https://external-secrets.io/), [Sealed Secrets](https://github.com/bitnami-labs/sealed-secrets), [SOPS](https://getsops.io/)
    /// - CIS Kubernetes Benchmark 5.4.2: consider external secret storage
    pub(crate) static META = {
        code: "SEC001",
        name: "secret-in-manifest",
        family: Secrets,
        severity: High,
        summary: "Secret object with values committed in the manifest",
        help: "commit a SealedSecret, an ExternalSecret or a SOPS-encrypted file instead, and rotate the exposed values",
        aliases: [],
        compliance: ["CIS-K8S-5.4.2", "NSA-K8S-SECRETS", "PCI-DSS-8.6.2", "PCI-DSS-3.5.1"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    if ctx.object.kind != "Secret" || ctx.object.api_version != "v1" {
        return;
    }
    for field in ["data", "stringData"] {
        let Some(map) = ctx.object.node.get(field) else {
            continue;
        };
        let keys: Vec<String> = map
            .entries()
            .iter()
            .filter(|e| has_value(&e.value, field == "data"))
            .map(|e| e.key.key_string())
            .collect();
        if keys.is_empty() {
            continue;
        }
        let span = key_span(ctx.object.node, field).unwrap_or(map.span);
        let names: Vec<&str> = keys.iter().map(String::as_str).collect();
        let (what, label) = if field == "data" {
            ("base64-encoded", "base64 is an encoding, not encryption")
        } else {
            ("plain-text", "readable by anyone who can read the file")
        };
        out.push(
            ctx.finding(
                span,
                format!(
                    "{} commits {what} values in `{field}`: {}",
                    ctx.object_label(),
                    code_list(&names)
                ),
            )
            .with_label(label),
        );
    }
}

/// Whether a value is a secret rather than nothing or a placeholder.
fn has_value(value: &Node, base64: bool) -> bool {
    let Some(text) = value.scalar_text() else {
        return false;
    };
    // A base64 value is opaque: only an empty one is nothing. A plain-text one may be a
    // placeholder or a template expression.
    if base64 {
        !text.trim().is_empty()
    } else {
        !super::is_placeholder(text)
    }
}
