use bulwark_core::Finding;

use crate::context::{ObjectCtx, field_span, missing_span};
use crate::kubernetes::{ImagePin, image_pin, image_text, scoped_container_finding};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports containers (including init and ephemeral containers) whose image uses the
    /// `latest` tag, or no tag at all (which means `latest`), without a digest. A container
    /// with no `image` is reported too: there is no version to pin.
    ///
    /// ## Why is this bad?
    /// `latest` moves: the image that runs tomorrow is not the one that was tested today, a
    /// rollback cannot return to a known version, and nodes may run different images for the
    /// same pod template. A pinned version (better: a digest) makes deployments reproducible
    /// and auditable.
    ///
    /// The tag is read as the runtime reads it, from the last path segment, so
    /// `registry.example.com:5000/web` has no tag while `web:1.4@sha256:…` is pinned by its
    /// digest. Placeholders such as `<your-image>` count as images without a tag.
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
    /// - [Kubernetes: configuration best practices, container images](https://kubernetes.io/docs/concepts/configuration/overview/#container-images)
    pub(crate) static META = {
        code: "KUB050",
        name: "latest-image-tag",
        family: Kubernetes,
        severity: Medium,
        summary: "image uses the `latest` tag or no tag",
        help: "pin the image to a version tag, or better to a digest (`image@sha256:…`)",
        aliases: ["AVD-KSV-0013", "KSV013", "KSV-0013", "CKV_K8S_14", "latest-tag"],
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
        let (message, label) = match image_text(c) {
            None => (format!("{who} sets no image"), "no image, so no version"),
            Some(image) => match image_pin(image) {
                ImagePin::Digest | ImagePin::Tag(_) => continue,
                ImagePin::Latest => (
                    format!("{who} uses image `{image}` with the `latest` tag"),
                    "mutable tag",
                ),
                ImagePin::NoTag => (
                    format!("{who} uses image `{image}` with no tag (so `latest`)"),
                    "no tag means `latest`",
                ),
            },
        };
        let span = field_span(c.node, "image").unwrap_or_else(|| missing_span(c.node));
        let finding = ctx.container_finding(c, span, message).with_label(label);
        out.push(scoped_container_finding(ctx, c, finding));
    }
}

#[cfg(test)]
mod tests {
    use crate::kubernetes::{ImagePin, findings_of, image_pin};

    #[test]
    fn reads_the_tag_of_the_last_path_segment() {
        assert_eq!(image_pin("nginx"), ImagePin::NoTag);
        assert_eq!(image_pin("nginx:"), ImagePin::NoTag);
        assert_eq!(image_pin("nginx:latest"), ImagePin::Latest);
        assert_eq!(image_pin("nginx:LATEST"), ImagePin::Tag("LATEST"));
        assert_eq!(image_pin("registry.example.com:5000/web"), ImagePin::NoTag);
        assert_eq!(
            image_pin("registry.example.com:5000/web:2"),
            ImagePin::Tag("2")
        );
        assert_eq!(image_pin("web@sha256:abc"), ImagePin::Digest);
        assert_eq!(image_pin("<your-image>"), ImagePin::NoTag);
    }

    #[test]
    fn trivy_ids_only_on_containers_trivy_reads() {
        let found = findings_of(
            "KUB050",
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  initContainers: [{name: init, image: busybox}]\n  containers: [{name: app, image: 'app:latest'}]\n  ephemeralContainers: [{name: debug, image: busybox}]\n---\napiVersion: v1\nkind: PodTemplate\nmetadata: {name: t}\ntemplate:\n  spec:\n    containers: [{name: app, image: app}]\n",
        );
        let ids: Vec<(String, bool, bool)> = found
            .iter()
            .map(|f| {
                let c = f.resource.as_ref().and_then(|r| r.container.clone());
                (
                    c.unwrap_or_default(),
                    f.aliases.iter().any(|a| a == "KSV-0013"),
                    f.aliases.iter().any(|a| a == "CKV_K8S_14"),
                )
            })
            .collect();
        assert_eq!(
            ids,
            [
                ("init".to_owned(), true, true),
                ("app".to_owned(), true, true),
                ("debug".to_owned(), false, true),
                ("app".to_owned(), false, true),
            ]
        );
    }
}
