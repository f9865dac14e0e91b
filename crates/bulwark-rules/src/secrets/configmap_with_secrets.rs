use std::sync::LazyLock;

use bulwark_core::Finding;
use regex::Regex;

use super::span_of_text;
use crate::context::ObjectCtx;
use crate::registry::{Check, Rule};

/// Words that make a ConfigMap key a credential, anywhere in the key, any case.
static KEY: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?i)pass|pword|secret|aws_access_key_id|pswrd|token|pwd").ok());

/// A credential assignment in a line of a value (`password: …`, `token=…`), any case.
static ASSIGNMENT: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:password|pass|pword|passphrase|passwrd|passwd|secret|secretkey|appsecret|clientsecret|aws_access_key_id|pswrd|token|pwd)\s*[=:]",
    )
    .ok()
});

declare_rule! {
    /// ## What it does
    /// Reports ConfigMaps that appear to hold credentials, with the patterns of Trivy's
    /// KSV-0109:
    /// - a key of `data` that contains `pass`, `pword`, `pswrd`, `pwd`, `secret`, `token`
    ///   or `aws_access_key_id` (any case), such as `db_password` or `api-token`;
    /// - a line of a `data` value that assigns one of `password`, `pass`, `passwd`,
    ///   `passphrase`, `pwd`, `secret`, `secretkey`, `appSecret`, `clientSecret`, `token`,
    ///   `aws_access_key_id` (`password: …`, `token=…`), unless the text after the `:` or
    ///   `=` is empty or starts with a reference (`${`, `$(`, `{{`).
    ///
    /// One finding per ConfigMap, listing the keys.
    ///
    /// ## Why is this bad?
    /// ConfigMaps are not meant for confidential data: they are readable by far more
    /// subjects than Secrets (the built-in `view` role reads them), are never encrypted at
    /// rest, and are printed by `kubectl describe`. A credential in one is exposed to every
    /// reader of the namespace.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: app
    /// data:
    ///   app.properties: |
    ///     db.url=jdbc:postgresql://db:5432/app
    ///     db.password=s3cr3t
    /// ```
    ///
    /// ## Fix
    /// Move the credential to a Secret (created from a SealedSecret, an ExternalSecret or
    /// SOPS), mount it, and keep only its location in the ConfigMap:
    /// ```yaml
    /// data:
    ///   app.properties: |
    ///     db.url=jdbc:postgresql://db:5432/app
    ///     db.password.file=/var/run/secrets/db/password
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: ConfigMaps](https://kubernetes.io/docs/concepts/configuration/configmap/)
    pub(crate) static META = {
        code: "SEC005",
        name: "configmap-with-secrets",
        family: Secrets,
        severity: High,
        summary: "ConfigMap appears to hold credentials",
        help: "move the credentials to a Secret and mount it; keep only non-confidential settings in the ConfigMap",
        aliases: ["AVD-KSV-0109", "KSV0109", "KSV-0109"],
        compliance: ["NSA-K8S-SECRETS", "PCI-DSS-8.6.2"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    if ctx.object.kind != "ConfigMap" {
        return;
    }
    let (Some(key_re), Some(assignment_re)) = (KEY.as_ref(), ASSIGNMENT.as_ref()) else {
        return;
    };
    let Some(data) = ctx.object.node.get("data") else {
        return;
    };
    // (name for the message, where to point)
    let mut found: Vec<(String, bulwark_core::Span)> = Vec::new();
    for e in data.entries() {
        let key = e.key.key_string();
        if key_re.is_match(&key) {
            found.push((format!("`{key}`"), e.key.span));
        }
        // Values are read as strings only (as Trivy does).
        let Some(value) = e.value.as_str() else {
            continue;
        };
        for line in value.split('\n') {
            if !assignment_re.is_match(line) {
                continue;
            }
            if let Some(name) = assigned_name(line) {
                found.push((
                    format!("`{}` (in `{key}`)", name.trim()),
                    span_of_text(ctx.file, &e.value, line),
                ));
            }
        }
    }
    let Some((_, span)) = found.first() else {
        return;
    };
    let mut names: Vec<&str> = Vec::new();
    for (n, _) in &found {
        if !names.contains(&n.as_str()) {
            names.push(n);
        }
    }
    out.push(
        ctx.finding(
            *span,
            format!(
                "{} holds what look like credentials: {}",
                ctx.object_label(),
                names.join(", ")
            ),
        )
        .with_label("ConfigMaps are readable by many and never encrypted"),
    );
}

/// The name a line assigns a credential to: the text before the first `:` (or `=`), when
/// the text between it and the next delimiter is not empty and is not a reference.
fn assigned_name(line: &str) -> Option<&str> {
    [':', '='].into_iter().find_map(|d| {
        let mut parts = line.split(d);
        let name = parts.next()?;
        let value = parts.next()?;
        let unquoted = value.strip_prefix('"').unwrap_or(value);
        let reference = ["${", "$(", "{{"].iter().any(|p| unquoted.starts_with(p));
        (!value.is_empty() && !reference).then_some(name)
    })
}

#[cfg(test)]
mod tests {
    use super::assigned_name;

    #[test]
    fn assignments_with_values_and_without() {
        assert_eq!(assigned_name("password: hunter2"), Some("password"));
        assert_eq!(assigned_name("db.password=s3cr3t"), Some("db.password"));
        assert_eq!(assigned_name("password:"), None);
        assert_eq!(assigned_name("token=${TOKEN}"), None);
        assert_eq!(assigned_name("secret=\"$(SECRET)\""), None);
    }
}
