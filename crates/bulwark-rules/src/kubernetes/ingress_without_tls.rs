use bulwark_core::Finding;
use bulwark_yaml::Node;

use crate::context::{ObjectCtx, field_span, missing_span};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports Ingresses that serve plain HTTP: an Ingress with no `spec.tls`, and each host
    /// of `spec.rules` that no `spec.tls` entry lists.
    ///
    /// A `tls` entry covers the hosts it lists; a wildcard such as `*.example.com` covers
    /// one label (`shop.example.com`, not `a.shop.example.com`); an entry without `hosts`
    /// covers every host (the controller's default certificate). Rules without a `host` are
    /// served over TLS as soon as the Ingress has a `tls` entry.
    ///
    /// ## Why is this bad?
    /// Without TLS, credentials, session cookies and data cross the network in clear text,
    /// where anyone on the path can read or change them. Browsers also mark such sites as
    /// not secure.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   rules:
    ///     - host: shop.example.com
    ///       http:
    ///         paths:
    ///           - path: /
    ///             pathType: Prefix
    ///             backend:
    ///               service: {name: shop, port: {number: 80}}
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// spec:
    ///   tls:
    ///     - hosts: [shop.example.com]
    ///       secretName: shop-example-com-tls
    ///   rules:
    ///     - host: shop.example.com
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: Ingress TLS](https://kubernetes.io/docs/concepts/services-networking/ingress/#tls)
    pub(crate) static META = {
        code: "KUB063",
        name: "ingress-without-tls",
        family: Kubernetes,
        severity: Medium,
        summary: "Ingress serves a host without TLS",
        help: "add a `spec.tls` entry with a certificate Secret for every host of the Ingress",
        aliases: [],
        compliance: ["NSA-K8S-TLS", "PCI-DSS-4.2.1"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

/// Whether a TLS host pattern covers a rule host (`*.example.com` covers one label).
fn covers(pattern: &str, host: &str) -> bool {
    if pattern.eq_ignore_ascii_case(host) {
        return true;
    }
    match pattern.strip_prefix("*.") {
        Some(suffix) => host
            .split_once('.')
            .is_some_and(|(label, rest)| label != "*" && rest.eq_ignore_ascii_case(suffix)),
        None => false,
    }
}

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    if ctx.object.kind != "Ingress" {
        return;
    }
    let Some(spec) = ctx.object.spec().filter(|s| s.is_mapping()) else {
        return;
    };
    let tls = spec.get("tls").map(Node::items).unwrap_or_default();
    if tls.is_empty() {
        let span = field_span(spec, "tls").unwrap_or_else(|| missing_span(spec));
        out.push(
            ctx.finding(
                span,
                format!(
                    "{} has no `spec.tls`, so it serves its hosts over plain HTTP",
                    ctx.object_label()
                ),
            )
            .with_label("no TLS for this Ingress"),
        );
        return;
    }
    let mut patterns = Vec::new();
    for entry in tls {
        let hosts = entry.get("hosts").map(Node::items).unwrap_or_default();
        if hosts.is_empty() {
            return; // the default certificate covers every host
        }
        patterns.extend(hosts.iter().filter_map(Node::scalar_text));
    }
    let rules = spec.get("rules").map(Node::items).unwrap_or_default();
    for rule in rules {
        let Some(host) = rule.get("host").and_then(Node::scalar_text) else {
            continue;
        };
        if patterns.iter().any(|p| covers(p, host)) {
            continue;
        }
        let Some(span) = field_span(rule, "host") else {
            continue;
        };
        out.push(
            ctx.finding(
                span,
                format!(
                    "host `{host}` of {} is not listed in `spec.tls`, so it is served over plain HTTP",
                    ctx.object_label()
                ),
            )
            .with_label("no TLS for this host"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::covers;

    #[test]
    fn wildcards_cover_one_label() {
        assert!(covers("shop.example.com", "SHOP.example.com"));
        assert!(covers("*.example.com", "shop.example.com"));
        assert!(!covers("*.example.com", "a.shop.example.com"));
        assert!(!covers("*.example.com", "example.com"));
        assert!(covers("*.example.com", "*.example.com"));
        assert!(!covers("shop.example.com", "*.example.com"));
    }
}
