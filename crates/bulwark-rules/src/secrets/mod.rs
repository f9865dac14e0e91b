//! Rules about secrets (`SEC` codes): credentials committed in manifests, passed through
//! environment variables, or kept in the wrong kind of object.

use bulwark_core::{SourceFile, Span};
use bulwark_k8s::{Container, ContainerKind};
use bulwark_yaml::{Node, NodeKind};

use crate::context::ObjectCtx;

use crate::registry::Rule;

mod configmap_with_secrets;
mod credential_in_env;
mod known_credential_format;
mod secret_in_env_var;
mod secret_in_manifest;

// Shared with the Dockerfile rules (credentials in ENV/ARG and RUN).
pub(crate) use credential_in_env::{is_path, names_credential, words};
pub(crate) use known_credential_format::find_credential;

/// Every secrets rule.
pub static RULES: &[&Rule] = &[
    &secret_in_manifest::RULE,
    &credential_in_env::RULE,
    &known_credential_format::RULE,
    &secret_in_env_var::RULE,
    &configmap_with_secrets::RULE,
];

/// The containers and init containers whose environment the secrets rules read: those of
/// the pod spec of a workload, or, for other kinds (custom resources that embed a pod
/// template, such as Argo Rollouts or Knative Services), the last `containers` and
/// `initContainers` lists found in the object, as Checkov does. Ephemeral containers are
/// debugging sessions added through the API and are left out.
pub(crate) fn env_containers<'a>(ctx: &ObjectCtx<'a>) -> Vec<Container<'a>> {
    if ctx.pod_spec().is_some() {
        return ctx
            .containers()
            .iter()
            .filter(|c| c.kind != ContainerKind::Ephemeral)
            .copied()
            .collect();
    }
    if ctx.object.kind == "CustomResourceDefinition" {
        return Vec::new();
    }
    let mut out = Vec::new();
    for kind in [ContainerKind::Container, ContainerKind::Init] {
        let mut found = None;
        last_list(ctx.object.node, kind.field(), &mut found);
        for (index, node) in found.map(Node::items).unwrap_or(&[]).iter().enumerate() {
            if node.is_mapping() {
                out.push(Container {
                    node,
                    kind,
                    index,
                    name: node.get("name").and_then(Node::scalar_text),
                });
            }
        }
    }
    out
}

/// The last value under a mapping key `key` anywhere below `node`, depth first.
fn last_list<'a>(node: &'a Node, key: &str, found: &mut Option<&'a Node>) {
    match &node.kind {
        NodeKind::Mapping(entries) => {
            for e in entries {
                if e.key.key_matches(key) {
                    *found = Some(&e.value);
                }
                last_list(&e.value, key, found);
            }
        }
        NodeKind::Sequence(items) => {
            for item in items {
                last_list(item, key, found);
            }
        }
        NodeKind::Scalar(_) => {}
    }
}

/// The span of the first occurrence of `needle` in the source text of `node` (a scalar whose
/// value spans several lines, such as a block scalar), else the span of the node.
pub(crate) fn span_of_text(file: &SourceFile, node: &Node, needle: &str) -> Span {
    let text = file.text();
    if needle.is_empty() {
        return node.span;
    }
    text.get(node.span.start..node.span.end)
        .and_then(|s| s.find(needle))
        .map(|at| {
            let start = node.span.start + at;
            file.span(start, start + needle.len())
        })
        .unwrap_or(node.span)
}

/// Whether a literal value is an obvious stand-in rather than a credential: empty, a
/// reference to another variable (`$(DB_PASSWORD)`), a template expression (`${…}`,
/// `{{ … }}`), an `<angle-bracketed>` hint, a mask (`xxxx`, `****`), a placeholder word
/// (`changeme`, `SECRET`, `YOUR_API_KEY`) or a flag (`true`, `1`, `yes`): variables such as
/// `MYSQL_ALLOW_EMPTY_PASSWORD` are switches, not credentials.
pub(crate) fn is_placeholder(value: &str) -> bool {
    let v = value.trim();
    if v.is_empty() || v.contains("$(") || v.contains("${") || v.contains("{{") {
        return true;
    }
    if v.starts_with('<') && v.ends_with('>') {
        return true;
    }
    if v.chars()
        .all(|c| matches!(c, 'x' | 'X' | '*' | '.' | '-' | '_' | '#'))
    {
        return true;
    }
    // Upper-case stand-ins: `SECRET`, `YOUR_API_KEY`, `CHANGE_ME`.
    if v.chars()
        .all(|c| c.is_ascii_uppercase() || c == '_' || c == '-')
        && [
            "SECRET", "PASSWORD", "TOKEN", "KEY", "CHANGE", "REPLACE", "YOUR",
        ]
        .iter()
        .any(|w| v.contains(w))
    {
        return true;
    }
    let lower = v.to_ascii_lowercase();
    let word: String = lower
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    const WORDS: [&str; 19] = [
        "changeme",
        "changeit",
        "replaceme",
        "placeholder",
        "redacted",
        "todo",
        "tbd",
        "fixme",
        "none",
        "null",
        "nil",
        "true",
        "false",
        "yes",
        "no",
        "on",
        "off",
        "0",
        "1",
    ];
    WORDS.contains(&word.as_str())
        || (lower.starts_with("your")
            && (lower.contains("key")
                || lower.contains("token")
                || lower.contains("password")
                || lower.contains("secret")))
        || lower.contains("example")
}

#[cfg(test)]
mod tests {
    use super::is_placeholder;

    #[test]
    fn placeholders_and_real_values() {
        for v in [
            "",
            "  ",
            "$(DB_PASSWORD)",
            "${TOKEN}",
            "{{ .Values.password }}",
            "<your-token>",
            "xxxxxxxx",
            "********",
            "changeme",
            "CHANGE_ME",
            "SECRET",
            "YOUR_API_KEY",
            "your-api-key-here",
            "1",
            "true",
        ] {
            assert!(is_placeholder(v), "{v:?}");
        }
        for v in ["password", "minio123", "s3cr3t-Passw0rd", "hunter2"] {
            assert!(!is_placeholder(v), "{v:?}");
        }
    }
}
