use bulwark_core::Finding;
use bulwark_yaml::Node;

use super::known_credential_format::find_credential;
use crate::context::{ObjectCtx, field_span};
use crate::registry::{Check, Rule};

/// Words that make a variable a credential wherever they appear in its name.
const CREDENTIAL_WORDS: [&str; 12] = [
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "PASS",
    "PWD",
    "SECRET",
    "SECRETS",
    "TOKEN",
    "APIKEY",
    "CREDENTIAL",
    "CREDENTIALS",
    "PRIVATEKEY",
];

/// Words that make `…_KEY` a credential (`API_KEY`, `SIGNING_KEY`). Not `ACCESS`: an
/// `ACCESS_KEY` is usually the public half of a key pair (AWS, MinIO, S3), whose secret half
/// is named `SECRET…`.
const KEY_QUALIFIERS: [&str; 13] = [
    "API",
    "PRIVATE",
    "SECRET",
    "SIGNING",
    "ENCRYPTION",
    "MASTER",
    "AUTH",
    "SSH",
    "HMAC",
    "JWT",
    "SESSION",
    "CLIENT",
    "LICENSE",
];

/// Last words that make a variable about a credential, not the credential itself
/// (`PASSWORD_FILE`, `TOKEN_TTL`, `SECRET_NAME`).
const NOT_THE_CREDENTIAL: [&str; 44] = [
    "FILE",
    "PATH",
    "DIR",
    "NAME",
    "NAMES",
    "URL",
    "URI",
    "ENDPOINT",
    "HOST",
    "PORT",
    "TTL",
    "TIMEOUT",
    "EXPIRY",
    "EXPIRATION",
    "EXPIRES",
    "LENGTH",
    "LEN",
    "SIZE",
    "TYPE",
    "MODE",
    "ENABLED",
    "ENABLE",
    "DISABLED",
    "DISABLE",
    "REF",
    "ID",
    "ALGORITHM",
    "ALG",
    "HEADER",
    "FIELD",
    "FORMAT",
    "VERSION",
    "POLICY",
    "REGEX",
    "PATTERN",
    "PREFIX",
    "USER",
    "USERNAME",
    "LOCATION",
    "MOUNT",
    "NAMESPACE",
    "ISSUER",
    "AUDIENCE",
    "REQUIRED",
];

declare_rule! {
    /// ## What it does
    /// Reports container environment variables whose name says they hold a credential
    /// (`…PASSWORD`, `…SECRET`, `…TOKEN`, `API_KEY`, `…_PASS`, `PRIVATE_KEY`,
    /// `CREDENTIALS`, …) and whose `value` is written in the manifest.
    ///
    /// Not reported: `valueFrom` references, empty values, references to other variables
    /// (`$(DB_PASSWORD)`), template expressions, obvious placeholders (`<password>`,
    /// `changeme`, `xxxx`), file paths (`GOOGLE_APPLICATION_CREDENTIALS=/var/run/key.json`),
    /// names about a credential rather than the credential itself (`PASSWORD_FILE`,
    /// `TOKEN_TTL`, `SECRET_NAME`), and values in a known credential format, which SEC003
    /// reports.
    ///
    /// ## Why is this bad?
    /// The value is in git, in every rendered copy of the manifest, in the object stored in
    /// etcd without encryption at rest, and visible to anyone who can `get` the workload
    /// (`kubectl describe` prints it). Environment variables also leak through crash
    /// reports, debug endpoints and child processes.
    ///
    /// ## Example
    /// ```yaml
    /// env:
    ///   - name: DB_PASSWORD
    ///     value: s3cr3t-passw0rd
    /// ```
    ///
    /// ## Fix
    /// Keep the value in a Secret (created from a SealedSecret, an ExternalSecret or SOPS)
    /// and mount it as a file, or at least reference it:
    /// ```yaml
    /// env:
    ///   - name: DB_PASSWORD
    ///     valueFrom:
    ///       secretKeyRef: {name: db, key: password}
    /// ```
    ///
    /// ## Options
    /// - `extra_words`: more words that make a variable a credential, such as `DSN` for
    ///   `SENTRY_DSN` (matched against the words of the name, any case).
    /// - `ignore_names`: variable names never reported (any case), for values that are
    ///   meant to be public.
    ///
    /// ```yaml
    /// rules:
    ///   options:
    ///     credential-in-env:
    ///       extra_words: [DSN, WEBHOOK]
    ///       ignore_names: [GRAFANA_ANONYMOUS_TOKEN]
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: using Secrets as environment variables](https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-environment-variables)
    /// - CWE-798: use of hard-coded credentials
    pub(crate) static META = {
        code: "SEC002",
        name: "credential-in-env",
        family: Secrets,
        severity: High,
        summary: "credential written as a literal environment variable value",
        help: "move the value to a Secret and mount it as a file, or reference it with `valueFrom.secretKeyRef`",
        aliases: [],
        compliance: ["NSA-K8S-SECRETS", "PCI-DSS-8.6.2"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    let upper =
        |v: Vec<String>| -> Vec<String> { v.into_iter().map(|s| s.to_ascii_uppercase()).collect() };
    let extra_words = upper(ctx.options.strings("extra_words").unwrap_or_default());
    let ignore_names = upper(ctx.options.strings("ignore_names").unwrap_or_default());
    for c in &super::env_containers(ctx) {
        for var in c.get("env").map(Node::items).unwrap_or(&[]) {
            let Some(name) = var.get("name").and_then(Node::scalar_text) else {
                continue;
            };
            let Some(value) = var.get("value").and_then(Node::scalar_text) else {
                continue;
            };
            if ignore_names.contains(&name.to_ascii_uppercase())
                || !names_credential(name, &extra_words)
                || super::is_placeholder(value)
                || is_path(value)
            {
                continue;
            }
            if find_credential(value).is_some() {
                continue;
            }
            let span = field_span(var, "value").unwrap_or(var.span);
            out.push(
                ctx.container_finding(
                    c,
                    span,
                    format!(
                        "container `{}` of {} sets `{name}` to a value written in the manifest",
                        c.display_name(),
                        ctx.object_label()
                    ),
                )
                .with_label("credential in plain text"),
            );
        }
    }
}

/// Whether a value is a file path (`GOOGLE_APPLICATION_CREDENTIALS=/var/run/key.json`): the
/// variable says where the credential is, not what it is.
pub(crate) fn is_path(value: &str) -> bool {
    let v = value.trim();
    (v.starts_with('/') || v.starts_with("./") || v.starts_with("~/"))
        && !v.contains(char::is_whitespace)
}

/// The words of a variable name, upper-case: `dbPassword` and `DB_PASSWORD` are
/// `DB`, `PASSWORD`.
pub(crate) fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for ch in name.chars() {
        if !ch.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if ch.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = ch.is_ascii_lowercase() || ch.is_ascii_digit();
        cur.push(ch.to_ascii_uppercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Whether a variable name says the variable holds a credential (`extra_words`: more words
/// that do, upper-case).
pub(crate) fn names_credential(name: &str, extra_words: &[String]) -> bool {
    let w = words(name);
    let Some(last) = w.last() else {
        return false;
    };
    if NOT_THE_CREDENTIAL.contains(&last.as_str()) {
        return false;
    }
    // `PWD` alone is the shell's working directory.
    if w.len() == 1 && last == "PWD" {
        return false;
    }
    w.iter().enumerate().any(|(i, word)| {
        CREDENTIAL_WORDS.contains(&word.as_str())
            || extra_words.contains(word)
            || (word == "KEY" && i > 0 && KEY_QUALIFIERS.contains(&w[i - 1].as_str()))
    })
}

#[cfg(test)]
mod tests {
    use super::names_credential;
    use crate::kubernetes::{findings_of, findings_with_config};

    #[test]
    fn credential_names_and_names_about_credentials() {
        for name in [
            "DB_PASSWORD",
            "MYSQL_ROOT_PASSWORD",
            "dbPassword",
            "GITHUB_TOKEN",
            "SECRET_KEY_BASE",
            "NEXTAUTH_SECRET",
            "STRIPE_API_KEY",
            "AWS_SECRET_ACCESS_KEY",
            "SMTP_PASS",
            "JWT_SIGNING_KEY",
            "GOOGLE_APPLICATION_CREDENTIALS_JSON",
        ] {
            assert!(names_credential(name, &[]), "{name}");
        }
        for name in [
            "PASSWORD_FILE",
            "TOKEN_TTL",
            "SECRET_NAME",
            "VAULT_TOKEN_PATH",
            "PWD",
            "AWS_ACCESS_KEY_ID",
            "MINIO_ACCESS_KEY",
            "CACHE_KEY",
            "PASSENGER_COUNT",
            "BYPASS_LIST",
            "TOKENIZER_MODEL",
            "PUBLIC_KEY",
        ] {
            assert!(!names_credential(name, &[]), "{name}");
        }
    }

    #[test]
    fn options_add_words_and_ignore_names() {
        assert!(names_credential("SENTRY_DSN", &["DSN".to_owned()]));
        assert!(!names_credential("SENTRY_DSN", &[]));
        let yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    env:\n    - {name: DB_PASSWORD, value: hunter2}\n";
        assert_eq!(findings_of("SEC002", yaml).len(), 1);
        let config = crate::Config::parse(
            ".bulwark.yaml",
            "rules:\n  options:\n    SEC002:\n      ignore_names: [db_password]\n",
        );
        let Ok(config) = config else {
            panic!("config: {config:?}");
        };
        assert!(findings_with_config("SEC002", yaml, &config).is_empty());
    }
}
