use bulwark_core::Finding;
use bulwark_k8s::ImageRef;

use crate::context::{ObjectCtx, field_span, missing_span};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports container images that use the `latest` tag, or no tag at all (which means
    /// `latest`), without a digest.
    ///
    /// ## Why is this bad?
    /// `latest` moves: the image that runs tomorrow is not the one that was tested today, a
    /// rollback cannot return to a known version, and nodes may run different images for the
    /// same pod template. A pinned version (better: a digest) makes deployments reproducible
    /// and auditable.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     image: nginx
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    ///   - name: web
    ///     image: nginx:1.27.2
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: container images, image names](https://kubernetes.io/docs/concepts/containers/images/#image-names)
    pub(crate) static META = {
        code: "KUB050",
        name: "latest-image-tag",
        family: Kubernetes,
        severity: Medium,
        summary: "image uses the `latest` tag or no tag",
        help: "pin the image to a version tag, or better to a digest (`image@sha256:…`)",
        aliases: ["AVD-KSV-0013", "KSV013", "KSV-0013", "CKV_K8S_14", "latest-tag"],
        compliance: ["NIST-800-190-4.1.1", "CIS-K8S-5.7.4"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    for c in ctx.containers() {
        let Some(image) = c.image().and_then(|n| n.as_str()) else {
            continue;
        };
        let Ok(r) = ImageRef::parse(image) else {
            continue;
        };
        if r.is_latest_without_digest() {
            let span = field_span(c.node, "image").unwrap_or_else(|| missing_span(c.node));
            let what = if r.tag.is_some() {
                "the `latest` tag"
            } else {
                "no tag (so `latest`)"
            };
            out.push(
                ctx.container_finding(
                    c,
                    span,
                    format!(
                        "container `{}` of {} uses image `{image}` with {what}",
                        c.display_name(),
                        ctx.object_label()
                    ),
                )
                .with_label("mutable tag"),
            );
        }
    }
}
