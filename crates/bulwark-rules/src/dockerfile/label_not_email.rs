use bulwark_core::Finding;

use super::labels::{LabelType, check_schema_values, is_email};
use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports labels that the `label_schema` option types as `email` whose value is not an RFC
    /// 5322 address (`local@domain`, without a display name or angle brackets). Without a
    /// schema the rule reports nothing.
    ///
    /// ## Why is this bad?
    /// Labels such as `org.opencontainers.image.authors` or a team's `maintainer` label are how
    /// incident responders reach the owner of an image; `Ops Team <ops@example.com>` or a bare
    /// name cannot be used as an address by tooling.
    ///
    /// ## Example
    /// With `label_schema: {maintainer: email}`:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL maintainer="Ops Team <ops@example.com>"
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// LABEL maintainer="ops@example.com"
    /// ```
    ///
    /// ## Options
    /// - `label_schema` (map of label name to type, default: none): the labels to check and
    ///   their types (see `missing-label`); a `.hadolint.yaml` sets it from `label-schema`.
    ///
    /// ```yaml
    /// rules:
    ///   options:
    ///     label-not-email:
    ///       label_schema:
    ///         maintainer: email
    /// ```
    ///
    /// ## References
    /// - [RFC 5322: addr-spec](https://www.rfc-editor.org/rfc/rfc5322#section-3.4.1)
    /// - [hadolint DL3058](https://github.com/hadolint/hadolint/wiki/DL3058)
    pub(crate) static META = {
        code: "DKF109",
        name: "label-not-email",
        family: Dockerfile,
        severity: Medium,
        summary: "label of type `email` is not an e-mail address",
        help: "write a bare address such as `team@example.com`, without a display name",
        aliases: ["DL3058"],
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
        Some(LabelType::Email),
        |v| !is_email(v),
        |name, value| format!("label `{name}` is `{value}`, which is not an e-mail address"),
        "not an e-mail address",
    );
}
