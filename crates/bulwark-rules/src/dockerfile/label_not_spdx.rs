use bulwark_core::Finding;

use super::labels::{LabelType, check_schema_values, is_spdx_license_id};
use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports labels that the `label_schema` option types as `spdx` whose value is not one
    /// identifier of the SPDX License List, written exactly as the list writes it
    /// (`Apache-2.0`, `BSD-3-Clause`; deprecated identifiers such as `GPL-2.0` count). As in
    /// hadolint, an expression (`MIT OR Apache-2.0`) is not an identifier. Without a schema the
    /// rule reports nothing.
    ///
    /// ## Why is this bad?
    /// Licence compliance tooling reads `org.opencontainers.image.licenses` to decide whether
    /// an image may be distributed; `Apache 2`, `apache-2.0` or `BSD` are not identifiers it
    /// can match.
    ///
    /// ## Example
    /// With `label_schema: {org.opencontainers.image.licenses: spdx}`:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.licenses="Apache 2"
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// LABEL org.opencontainers.image.licenses="Apache-2.0"
    /// ```
    ///
    /// ## Options
    /// - `label_schema` (map of label name to type, default: none): the labels to check and
    ///   their types (see `missing-label`); a `.hadolint.yaml` sets it from `label-schema`.
    ///
    /// ```yaml
    /// rules:
    ///   options:
    ///     label-not-spdx:
    ///       label_schema:
    ///         org.opencontainers.image.licenses: spdx
    /// ```
    ///
    /// ## References
    /// - [SPDX License List](https://spdx.org/licenses/)
    /// - [hadolint DL3054](https://github.com/hadolint/hadolint/wiki/DL3054)
    pub(crate) static META = {
        code: "DKF106",
        name: "label-not-spdx",
        family: Dockerfile,
        severity: Medium,
        summary: "label of type `spdx` is not an SPDX license identifier",
        help: "use an identifier of the SPDX License List exactly as written there, such as `Apache-2.0`",
        aliases: ["DL3054"],
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
        Some(LabelType::Spdx),
        |v| !is_spdx_license_id(v),
        |name, value| {
            format!("label `{name}` is `{value}`, which is not an SPDX license identifier")
        },
        "not an SPDX identifier",
    );
}
