use bulwark_core::Finding;

use crate::context::{ObjectCtx, field_span};
use crate::kubernetes::{ImagePin, image_pin, image_text};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports containers whose image uses the `latest` tag or no tag and whose
    /// `imagePullPolicy` is set to something other than `Always` (`IfNotPresent` or `Never`).
    ///
    /// Left unset, the pull policy of such an image is already `Always`, so only an explicit
    /// policy is reported. Images pinned by a version tag or a digest are not reported: for
    /// them `IfNotPresent` is the usual choice.
    ///
    /// ## Why is this bad?
    /// With a mutable tag and `IfNotPresent`, each node runs whatever image it pulled the
    /// first time it saw the tag: pods of one Deployment run different code depending on the
    /// node they land on, a fixed image never reaches nodes that already hold the old one,
    /// and a node can start a pod from a stale or tampered local copy without the registry
    /// checking credentials again.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: worker
    ///     image: registry.example.com/worker:latest
    ///     imagePullPolicy: IfNotPresent
    /// ```
    ///
    /// ## Fix
    /// Pin the image (best), or pull it every time:
    /// ```yaml
    ///   - name: worker
    ///     image: registry.example.com/worker:2.3.1
    ///     imagePullPolicy: IfNotPresent
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: image pull policy](https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy)
    pub(crate) static META = {
        code: "KUB053",
        name: "mutable-tag-pull-policy",
        family: Kubernetes,
        severity: Low,
        summary: "image with a mutable tag is not pulled every time",
        help: "pin the image to a version or digest, or set `imagePullPolicy: Always`",
        aliases: [],
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
        let Some(image) = image_text(c) else {
            continue;
        };
        if !matches!(image_pin(image), ImagePin::Latest | ImagePin::NoTag) {
            continue;
        }
        let Some(policy) = c.get("imagePullPolicy").and_then(|n| n.scalar_text()) else {
            continue;
        };
        if policy == "Always" {
            continue;
        }
        let Some(span) = field_span(c.node, "imagePullPolicy") else {
            continue;
        };
        out.push(
            ctx.container_finding(
                c,
                span,
                format!(
                    "container `{}` of {} uses the mutable image `{image}` with `imagePullPolicy: {policy}`",
                    c.display_name(),
                    ctx.object_label()
                ),
            )
            .with_label("nodes keep whatever image they pulled first"),
        );
    }
}
