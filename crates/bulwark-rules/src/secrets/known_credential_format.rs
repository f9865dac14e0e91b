use std::sync::LazyLock;

use bulwark_core::Finding;
use bulwark_yaml::{Node, NodeKind};
use regex::Regex;

use super::span_of_text;
use crate::context::ObjectCtx;
use crate::registry::{Check, Rule};

/// A credential format: what it is, and the pattern of its values.
struct Format {
    what: &'static str,
    pattern: &'static str,
}

const FORMATS: [Format; 14] = [
    Format {
        what: "a private key",
        pattern: r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----",
    },
    Format {
        what: "an AWS access key ID",
        pattern: r"\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b",
    },
    Format {
        what: "a GitHub token",
        pattern: r"\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{82})\b",
    },
    Format {
        what: "a GitLab token",
        pattern: r"\bgl(?:pat|dt|rt|cbt|ptt)-[A-Za-z0-9_-]{20,}",
    },
    Format {
        what: "a Slack token",
        pattern: r"\bxox[abposr]-[A-Za-z0-9-]{10,}",
    },
    Format {
        what: "a Slack webhook URL",
        pattern: r"https://hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]{20,}",
    },
    Format {
        what: "a Google API key",
        pattern: r"\bAIza[0-9A-Za-z_-]{35}\b",
    },
    Format {
        what: "a Stripe secret key",
        pattern: r"\b(?:sk|rk)_live_[0-9A-Za-z]{24,}\b",
    },
    Format {
        what: "a SendGrid API key",
        pattern: r"\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b",
    },
    Format {
        what: "an npm token",
        pattern: r"\bnpm_[A-Za-z0-9]{36}\b",
    },
    Format {
        what: "a Hugging Face token",
        pattern: r"\bhf_[A-Za-z]{34}\b",
    },
    Format {
        what: "an OpenAI API key",
        pattern: r"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,}",
    },
    Format {
        what: "a JSON Web Token",
        pattern: r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}",
    },
    Format {
        what: "a password in a URL",
        pattern: r"\b[A-Za-z][A-Za-z0-9+.-]{1,20}://[^\s/:@'\x22]+:([^\s/@'\x22]+)@[^\s/'\x22]+",
    },
];

static COMPILED: LazyLock<Vec<(&'static str, Option<Regex>)>> = LazyLock::new(|| {
    FORMATS
        .iter()
        .map(|f| (f.what, Regex::new(f.pattern).ok()))
        .collect()
});

declare_rule! {
    /// ## What it does
    /// Reports values in a known credential format written anywhere in an object other
    /// than a `Secret` (container environment, `command` and `args`, ConfigMap data,
    /// annotations, custom resources): private key blocks, AWS access key IDs, GitHub,
    /// GitLab, Slack, Google, Stripe, SendGrid, npm, Hugging Face and OpenAI tokens, Slack
    /// webhook URLs, JSON Web Tokens, and passwords in URLs (`postgres://app:…@db`).
    /// Secrets are SEC001's.
    ///
    /// Not reported: documentation examples (`AKIAIOSFODNN7EXAMPLE`), values with too few
    /// distinct characters to be real (`ghp_xxxx…`), and URL passwords that are placeholders
    /// or references (`$(DB_PASSWORD)`).
    ///
    /// ## Why is this bad?
    /// These formats are issued by their services and are live credentials until revoked.
    /// Written in a manifest, they are in git history, in every rendered copy, readable by
    /// anyone who can `get` the object, and found within minutes by the scanners that watch
    /// public repositories.
    ///
    /// ## Example
    /// ```yaml
    /// args:
    ///   - --github-token=ghp_6fR2pXqL0c7bN9sW4eK1mZ8vT3yH5jU0aQ2d
    /// ```
    ///
    /// ## Fix
    /// Revoke the credential, issue a new one, keep it in a Secret (created from a
    /// SealedSecret, an ExternalSecret or SOPS) and mount it as a file:
    /// ```yaml
    /// args:
    ///   - --github-token-file=/var/run/secrets/github/token
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: good practices for Secrets](https://kubernetes.io/docs/concepts/security/secrets-good-practices/)
    /// - CWE-798: use of hard-coded credentials
    pub(crate) static META = {
        code: "SEC003",
        name: "known-credential-format",
        family: Secrets,
        severity: High,
        summary: "value in a known credential format (token, key, password URL) in a manifest",
        help: "revoke the credential, issue a new one and keep it in a Secret mounted as a file",
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
    if ctx.object.kind == "Secret" {
        return;
    }
    let mut scalars = Vec::new();
    string_values(ctx.object.node, &mut scalars);
    for node in scalars {
        let Some(text) = node.as_str() else {
            continue;
        };
        for (what, matched) in credentials_in(text) {
            let span = span_of_text(ctx.file, node, matched);
            out.push(
                ctx.finding(span, format!("{} contains {what}", ctx.object_label()))
                    .with_label("a live credential, in plain text"),
            );
        }
    }
}

/// Every string scalar under `node` that is a value (mapping keys are names, not values).
fn string_values<'a>(node: &'a Node, out: &mut Vec<&'a Node>) {
    match &node.kind {
        NodeKind::Scalar(_) => {
            if node.as_str().is_some() {
                out.push(node);
            }
        }
        NodeKind::Sequence(items) => {
            for item in items {
                string_values(item, out);
            }
        }
        NodeKind::Mapping(entries) => {
            for e in entries {
                string_values(&e.value, out);
            }
        }
    }
}

/// Every credential in `text`: what it is and the matched text.
fn credentials_in(text: &str) -> Vec<(&'static str, &str)> {
    let mut out = Vec::new();
    for (what, re) in COMPILED.iter() {
        let Some(re) = re else {
            continue;
        };
        for caps in re.captures_iter(text) {
            let Some(m) = caps.get(0) else {
                continue;
            };
            let secret = caps.get(1).map_or(m.as_str(), |g| g.as_str());
            if is_example(m.as_str(), secret) {
                continue;
            }
            out.push((*what, m.as_str()));
        }
    }
    out
}

/// The first credential in `text`, if any (for rules that defer to this one).
pub(crate) fn find_credential(text: &str) -> Option<(&'static str, &str)> {
    credentials_in(text).into_iter().next()
}

/// Documentation examples and placeholders that have the shape of a credential.
fn is_example(matched: &str, secret: &str) -> bool {
    if matched.contains("EXAMPLE") || matched.contains("example") {
        return true;
    }
    if super::is_placeholder(secret) {
        return true;
    }
    if matched.starts_with("-----BEGIN") {
        return false;
    }
    let mut distinct: Vec<char> = secret.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    distinct.len() < 6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_compiles() {
        assert!(COMPILED.iter().all(|(_, re)| re.is_some()));
    }

    #[test]
    fn finds_live_formats_and_skips_examples() {
        let found = |t: &str| {
            credentials_in(t)
                .into_iter()
                .map(|(w, _)| w)
                .collect::<Vec<_>>()
        };
        assert_eq!(found("key=AKIAZ7QX3MPLW2R8HN5T"), ["an AWS access key ID"]);
        assert!(found("AKIAIOSFODNN7EXAMPLE").is_empty());
        assert_eq!(
            found("--token=ghp_6fR2pXqL0c7bN9sW4eK1mZ8vT3yH5jU0aQ2d"),
            ["a GitHub token"]
        );
        assert!(found("ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx").is_empty());
        assert_eq!(
            found("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n"),
            ["a private key"]
        );
        assert!(found("-----BEGIN CERTIFICATE-----").is_empty());
        assert_eq!(
            found("postgres://app:Zq8vR2mK7w@db:5432/app"),
            ["a password in a URL"]
        );
        assert!(found("postgres://app:$(DB_PASSWORD)@db:5432/app").is_empty());
        assert!(found("postgres://app:<password>@db:5432/app").is_empty());
        assert!(found("http://localhost:8080/path").is_empty());
    }
}
