use bulwark_core::Finding;

use crate::context::{ObjectCtx, field_span, missing_span};
use crate::kubernetes::{ImagePin, image_pin, image_text};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports containers (including init and ephemeral containers) whose image is not
    /// pinned by a digest (`image@sha256:…`), and containers with no `image`.
    ///
    /// ## Why is this bad?
    /// Every tag, not only `latest`, can be pushed again: a registry compromise, a mistaken
    /// push or an upstream re-release changes what `web:1.4.2` means, and nodes that pull
    /// later run something else than the one that was reviewed and scanned. A digest names
    /// the content itself. This is a hardening recommendation, reported at `info` severity;
    /// `KUB050` reports the mutable `latest` tag.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     image: registry.example.com/web:1.4.2
    /// ```
    ///
    /// ## Fix
    /// Keep the tag for readers and add the digest that was tested (tools such as
    /// `crane digest` or Renovate can fill it in):
    /// ```yaml
    ///   - name: web
    ///     image: registry.example.com/web:1.4.2@sha256:5b161f051d017e55d358435f295f5e9a297e66158f136321d9b04520ec6c48a3
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: container images, image names](https://kubernetes.io/docs/concepts/containers/images/#image-names)
    pub(crate) static META = {
        code: "KUB051",
        name: "image-without-digest",
        family: Kubernetes,
        severity: Info,
        summary: "image is not pinned by a digest",
        help: "reference the image by digest, such as `web:1.4.2@sha256:…`",
        aliases: ["CKV_K8S_43"],
        compliance: ["NIST-800-190-4.2.2"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    for c in ctx.containers() {
        let who = format!("container `{}` of {}", c.display_name(), ctx.object_label());
        let message = match image_text(c) {
            None => format!("{who} sets no image"),
            Some(image) if image_pin(image) == ImagePin::Digest => continue,
            Some(image) => format!("{who} uses image `{image}` without a digest"),
        };
        let span = field_span(c.node, "image").unwrap_or_else(|| missing_span(c.node));
        out.push(
            ctx.container_finding(c, span, message)
                .with_label("not pinned by digest"),
        );
    }
}
