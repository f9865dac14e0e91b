use bulwark_core::Finding;

use super::labels::{LabelType, check_schema_values, is_uri};
use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports labels that the `label_schema` option types as `url` whose value is not an
    /// absolute URI (RFC 3986: a scheme, `:`, then only the characters URIs allow, with `%XX`
    /// escapes). Without a schema the rule reports nothing.
    ///
    /// ## Why is this bad?
    /// Tools follow these labels (`org.opencontainers.image.source`, `…url`, `…documentation`)
    /// to link an image to its repository and documentation; a value such as
    /// `github.com/acme/app` without a scheme is not a link any of them can open.
    ///
    /// ## Example
    /// With `label_schema: {org.opencontainers.image.source: url}`:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.source="github.com/acme/app"
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// LABEL org.opencontainers.image.source="https://github.com/acme/app"
    /// ```
    ///
    /// ## Options
    /// - `label_schema` (map of label name to type, default: none): the labels to check and
    ///   their types (see `missing-label`); a `.hadolint.yaml` sets it from `label-schema`.
    ///
    /// ```yaml
    /// rules:
    ///   options:
    ///     label-not-url:
    ///       label_schema:
    ///         org.opencontainers.image.source: url
    /// ```
    ///
    /// ## References
    /// - [RFC 3986: URI generic syntax](https://www.rfc-editor.org/rfc/rfc3986)
    /// - [hadolint DL3052](https://github.com/hadolint/hadolint/wiki/DL3052)
    pub(crate) static META = {
        code: "DKF104",
        name: "label-not-url",
        family: Dockerfile,
        severity: Medium,
        summary: "label of type `url` is not a valid URL",
        help: "write an absolute URL with a scheme, such as `https://github.com/acme/app`",
        aliases: ["DL3052"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    check_schema_values(
        ctx,
        out,
        Some(LabelType::Url),
        |v| !is_uri(v),
        |name, value| format!("label `{name}` is `{value}`, which is not a valid URL"),
        "not a URL",
    );
}
