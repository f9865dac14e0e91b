use bulwark_core::Finding;

use super::labels::{label_instructions, label_pairs, label_schema};
use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// With `strict_labels: true`, reports LABEL instructions that set a label the
    /// `label_schema` option does not list (one finding per LABEL, at its first such key).
    /// Without `strict_labels` the rule reports nothing.
    ///
    /// ## Why is this bad?
    /// Teams that publish a label schema want every image to carry the same, documented
    /// set of labels; ad-hoc labels (`version`, `maintainer`, `build-date`) duplicate the
    /// schema's under other names and drift from it.
    ///
    /// ## Example
    /// With `label_schema: {org.opencontainers.image.version: semver}` and
    /// `strict_labels: true`:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.version="1.4.2" version="1.4.2"
    /// ```
    ///
    /// ## Fix
    /// Remove the label, or add it to the schema:
    /// ```dockerfile
    /// LABEL org.opencontainers.image.version="1.4.2"
    /// ```
    ///
    /// ## Options
    /// - `strict_labels` (boolean, default `false`): report labels outside the schema.
    /// - `label_schema` (map of label name to type, default: none): the labels allowed
    ///   (see `missing-label`). A `.hadolint.yaml` sets both from `strict-labels` and
    ///   `label-schema`.
    ///
    /// ```yaml
    /// rules:
    ///   options:
    ///     superfluous-label:
    ///       strict_labels: true
    ///       label_schema: {org.opencontainers.image.version: semver}
    /// ```
    ///
    /// ## References
    /// - [hadolint DL3050](https://github.com/hadolint/hadolint/wiki/DL3050)
    pub(crate) static META = {
        code: "DKF102",
        name: "superfluous-label",
        family: Dockerfile,
        severity: Low,
        summary: "label is not in the label schema (strict labels)",
        help: "remove the label, or add it to `label_schema`",
        aliases: ["DL3050"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    if ctx.options.bool("strict_labels") != Some(true) {
        return;
    }
    let schema = label_schema(ctx.options);
    for (ins, pairs) in label_instructions(ctx) {
        let pairs = label_pairs(ctx, ins, pairs);
        let extra: Vec<_> = pairs
            .iter()
            .filter(|p| !schema.iter().any(|(k, _)| *k == p.key))
            .collect();
        let Some(first) = extra.first() else {
            continue;
        };
        let names: Vec<String> = extra.iter().map(|p| format!("`{}`", p.key)).collect();
        out.push(
            ctx.finding(
                first.kv.key.span,
                format!(
                    "{} {} not in the label schema",
                    names.join(", "),
                    if names.len() == 1 { "is" } else { "are" }
                ),
            )
            .with_label("label outside the schema"),
        );
    }
}
