use std::sync::LazyLock;

use bulwark_core::Finding;
use regex::Regex;

use crate::context::{ObjectCtx, field_span};
use crate::kubernetes::drop_aliases;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports each annotation of an Ingress whose name contains `snippet`, such as
    /// `nginx.ingress.kubernetes.io/configuration-snippet`, `server-snippet` or
    /// `auth-snippet`: annotations that paste raw configuration into the ingress
    /// controller. The message says when the snippet runs Lua code or uses an NGINX `alias`
    /// directive, the two forms of CVE-2021-25742.
    ///
    /// ## Why is this bad?
    /// A snippet runs inside the ingress controller, which holds the TLS keys and the
    /// service-account token of every Ingress it serves. Anyone allowed to create or edit an
    /// Ingress can use a snippet to read those Secrets or reroute other tenants' traffic
    /// (CVE-2021-25742, CVE-2023-5044, CVE-2025-1974); ingress-nginx therefore disables
    /// snippet annotations by default since 1.9.
    ///
    /// ## Example
    /// ```yaml
    /// metadata:
    ///   annotations:
    ///     nginx.ingress.kubernetes.io/configuration-snippet: |
    ///       more_set_headers "Request-Id: $req_id";
    /// ```
    ///
    /// ## Fix
    /// Use the dedicated annotation or controller setting for the behaviour (here
    /// `nginx.ingress.kubernetes.io/custom-headers` with a ConfigMap), or move the
    /// configuration into the controller's own ConfigMap, where only its operators can
    /// change it.
    ///
    /// ## References
    /// - [CVE-2021-25742](https://github.com/kubernetes/ingress-nginx/issues/7837)
    /// - [ingress-nginx: `allow-snippet-annotations`](https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/configmap/#allow-snippet-annotations)
    pub(crate) static META = {
        code: "KUB065",
        name: "ingress-snippet-annotation",
        family: Kubernetes,
        severity: High,
        summary: "Ingress injects raw configuration through a snippet annotation",
        help: "replace the snippet with a dedicated annotation or controller setting",
        aliases: ["CKV_K8S_153", "CKV_K8S_152", "CKV_K8S_154"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

/// Lua directives (`content_by_lua_block`, `lua_…`) and references to `kubernetes.io` paths
/// (such as the service-account token under `/var/run/secrets/kubernetes.io`).
static LUA: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"\blua_|_lua\b|_lua_|\bkubernetes\.io\b").ok());

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    if ctx.object.kind != "Ingress" {
        return;
    }
    let Some(annotations) = ctx.object.metadata().and_then(|m| m.get("annotations")) else {
        return;
    };
    for entry in annotations.entries() {
        let key = entry.key.key_string();
        if !key.contains("snippet") {
            continue;
        }
        let value = entry.value.scalar_text().unwrap_or_default();
        let lua = LUA.as_ref().is_some_and(|re| re.is_match(value));
        let alias = value.contains("alias");
        let what = match (lua, alias) {
            (true, _) => ", and it runs Lua code or reads `kubernetes.io` paths",
            (false, true) => ", and it uses an `alias` directive",
            (false, false) => "",
        };
        let Some(span) = field_span(annotations, &key) else {
            continue;
        };
        let finding = ctx
            .finding(
                span,
                format!(
                    "{} injects raw controller configuration through annotation `{key}`{what}",
                    ctx.object_label()
                ),
            )
            .with_label("raw configuration snippet");
        out.push(drop_aliases(finding, |a| {
            (a == "CKV_K8S_152" && !lua) || (a == "CKV_K8S_154" && !alias)
        }));
    }
}

#[cfg(test)]
mod tests {
    use crate::kubernetes::findings_of;

    #[test]
    fn lua_and_alias_ids_only_on_matching_snippets() {
        let found = findings_of(
            "KUB065",
            "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: i\n  annotations:\n    a/configuration-snippet: 'more_set_headers \"X: 1\";'\n    a/server-snippet: 'location / { content_by_lua_block { } }'\n    a/auth-snippet: 'location /x { alias /etc/; }'\n    a/rewrite-target: /\n",
        );
        let ids: Vec<Vec<&str>> = found
            .iter()
            .map(|f| f.aliases.iter().map(String::as_str).collect())
            .collect();
        assert_eq!(
            ids,
            [
                vec!["CKV_K8S_153"],
                vec!["CKV_K8S_153", "CKV_K8S_152"],
                vec!["CKV_K8S_153", "CKV_K8S_154"],
            ]
        );
    }
}
