use bulwark_core::Finding;

use super::labels::{LabelType, check_schema_values, is_rfc3339};
use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports labels that the `label_schema` option types as `rfc3339` whose value is not an
    /// RFC 3339 date-time: `YYYY-MM-DDTHH:MM:SS`, optional fraction of a second, then `Z` or an
    /// offset `+HH:MM`, with a real calendar date. Without a schema the rule reports nothing.
    ///
    /// ## Why is this bad?
    /// `org.opencontainers.image.created` and similar labels are compared and sorted by tools;
    /// a date without a time zone or in a local format (`01/05/2024`) is ambiguous or
    /// unreadable to them.
    ///
    /// ## Example
    /// With `label_schema: {org.opencontainers.image.created: rfc3339}`:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.created="2024-05-01 12:00"
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// LABEL org.opencontainers.image.created="2024-05-01T12:00:00Z"
    /// ```
    ///
    /// ## Options
    /// - `label_schema` (map of label name to type, default: none): the labels to check and
    ///   their types (see `missing-label`); a `.hadolint.yaml` sets it from `label-schema`.
    ///
    /// ```yaml
    /// rules:
    ///   options:
    ///     label-not-rfc3339:
    ///       label_schema:
    ///         org.opencontainers.image.created: rfc3339
    /// ```
    ///
    /// ## References
    /// - [RFC 3339: date and time on the Internet](https://www.rfc-editor.org/rfc/rfc3339)
    /// - [hadolint DL3053](https://github.com/hadolint/hadolint/wiki/DL3053)
    pub(crate) static META = {
        code: "DKF105",
        name: "label-not-rfc3339",
        family: Dockerfile,
        severity: Medium,
        summary: "label of type `rfc3339` is not an RFC 3339 date-time",
        help: "write the date-time as RFC 3339, such as `2024-05-01T12:00:00Z` (`date -u +%Y-%m-%dT%H:%M:%SZ`)",
        aliases: ["DL3053"],
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
        Some(LabelType::Rfc3339),
        |v| !is_rfc3339(v),
        |name, value| format!("label `{name}` is `{value}`, which is not an RFC 3339 date-time"),
        "not RFC 3339",
    );
}
