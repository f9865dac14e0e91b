use bulwark_core::Finding;
use bulwark_dockerfile::InstructionKind;

use crate::context::DockerfileCtx;
use crate::dockerfile::own_instructions;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports the `MAINTAINER` instruction.
    ///
    /// ## Why is this bad?
    /// `MAINTAINER` has been deprecated since Docker 1.13: it sets a field that tools no
    /// longer read. Labels carry the same information where registries, scanners and
    /// `docker inspect` look for it.
    ///
    /// ## Example
    /// ```dockerfile
    /// MAINTAINER Jane Doe <jane@example.com>
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference: MAINTAINER (deprecated)](https://docs.docker.com/reference/dockerfile/#maintainer-deprecated)
    /// - [BuildKit check MaintainerDeprecated](https://docs.docker.com/reference/build-checks/maintainer-deprecated/)
    /// - [hadolint DL4000](https://github.com/hadolint/hadolint/wiki/DL4000)
    pub(crate) static META = {
        code: "DKF023",
        name: "maintainer-deprecated",
        family: Dockerfile,
        severity: High,
        summary: "`MAINTAINER` is deprecated",
        help: "replace it with `LABEL org.opencontainers.image.authors=\"…\"`",
        aliases: ["DL4000", "AVD-DS-0022", "DS022", "DS-0022", "CKV_DOCKER_6"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    let mut first = true;
    for ins in own_instructions(ctx) {
        if ins.kind != InstructionKind::Maintainer {
            continue;
        }
        let mut finding = ctx
            .instruction_finding(ins, "`MAINTAINER` is deprecated; labels carry the author")
            .with_label("deprecated instruction");
        if !first {
            // Checkov reports the file once.
            finding.aliases.retain(|a| a != "CKV_DOCKER_6");
        }
        first = false;
        out.push(finding);
    }
}
