use bulwark_core::Finding;

use super::labels::{LabelType, check_schema_values, is_semver};
use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports labels that the `label_schema` option types as `semver` whose value is not a
    /// semantic version `MAJOR.MINOR.PATCH[-prerelease][+build]`, read as hadolint's SemVer
    /// parser does (identifiers of letters, digits and `-`; an identifier starting with a digit
    /// must be all digits). Without a schema the rule reports nothing.
    ///
    /// ## Why is this bad?
    /// Release tooling sorts and compares `org.opencontainers.image.version`; `v1.2`, `1.2` or
    /// `latest` cannot be ordered against other versions.
    ///
    /// ## Example
    /// With `label_schema: {org.opencontainers.image.version: semver}`:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.version="v1.4"
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// LABEL org.opencontainers.image.version="1.4.0"
    /// ```
    ///
    /// ## Options
    /// - `label_schema` (map of label name to type, default: none): the labels to check and
    ///   their types (see `missing-label`); a `.hadolint.yaml` sets it from `label-schema`.
    ///
    /// ```yaml
    /// rules:
    ///   options:
    ///     label-not-semver:
    ///       label_schema:
    ///         org.opencontainers.image.version: semver
    /// ```
    ///
    /// ## References
    /// - [Semantic Versioning 2.0.0](https://semver.org/)
    /// - [hadolint DL3056](https://github.com/hadolint/hadolint/wiki/DL3056)
    pub(crate) static META = {
        code: "DKF108",
        name: "label-not-semver",
        family: Dockerfile,
        severity: Medium,
        summary: "label of type `semver` is not a semantic version",
        help: "write the version as `MAJOR.MINOR.PATCH`, optionally with `-prerelease` and `+build`, without a `v`",
        aliases: ["DL3056"],
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
        Some(LabelType::Semver),
        |v| !is_semver(v),
        |name, value| format!("label `{name}` is `{value}`, which is not a semantic version"),
        "not SemVer",
    );
}
