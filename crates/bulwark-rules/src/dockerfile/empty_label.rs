use bulwark_core::Finding;

use super::labels::check_schema_values;
use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports labels of the `label_schema` option set to an empty value (`LABEL
    /// org.opencontainers.image.version=""`). Without a schema the rule reports nothing.
    ///
    /// ## Why is this bad?
    /// A required label that is present but empty satisfies a presence check while carrying no
    /// information: the image still cannot be traced to its version, source or owner. It is
    /// usually a build argument that was not passed.
    ///
    /// ## Example
    /// With `label_schema: {org.opencontainers.image.version: text}`:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ARG VERSION=""
    /// LABEL org.opencontainers.image.version="${VERSION}"
    /// ```
    ///
    /// ## Fix
    /// Give the build argument a value, or fail the build when it is missing:
    /// ```dockerfile
    /// ARG VERSION=0.0.0-dev
    /// LABEL org.opencontainers.image.version="${VERSION}"
    /// ```
    ///
    /// ## Options
    /// - `label_schema` (map of label name to type, default: none): the labels to check and
    ///   their types (see `missing-label`); a `.hadolint.yaml` sets it from `label-schema`.
    ///
    /// ```yaml
    /// rules:
    ///   options:
    ///     empty-label:
    ///       label_schema:
    ///         org.opencontainers.image.version: text
    /// ```
    ///
    /// ## References
    /// - [hadolint DL3051](https://github.com/hadolint/hadolint/wiki/DL3051)
    pub(crate) static META = {
        code: "DKF103",
        name: "empty-label",
        family: Dockerfile,
        severity: Medium,
        summary: "label of the label schema is empty",
        help: "give the label a value, or remove it",
        aliases: ["DL3051"],
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
        None,
        str::is_empty,
        |name, _| format!("label `{name}` is empty"),
        "empty value",
    );
}
