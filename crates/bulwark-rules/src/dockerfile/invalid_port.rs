use bulwark_core::Finding;
use bulwark_dockerfile::Detail;

use crate::context::DockerfileCtx;
use crate::dockerfile::own_instructions;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `EXPOSE` of a port number above 65535, alone (`EXPOSE 80000`) or in a range
    /// (`EXPOSE 40000-80000/tcp`). Ports given by variables are not checked.
    ///
    /// ## Why is this bad?
    /// TCP and UDP ports are 16-bit numbers: such a port cannot exist. The build fails
    /// (`invalid containerPort`), or the number is a typo for another port that then is not
    /// documented as exposed.
    ///
    /// ## Example
    /// ```dockerfile
    /// EXPOSE 80800
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// EXPOSE 8080
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference: EXPOSE](https://docs.docker.com/reference/dockerfile/#expose)
    /// - [hadolint DL3011](https://github.com/hadolint/hadolint/wiki/DL3011)
    pub(crate) static META = {
        code: "DKF019",
        name: "invalid-port",
        family: Dockerfile,
        severity: High,
        summary: "`EXPOSE` of a port above 65535",
        help: "use a port number from 0 to 65535",
        aliases: ["DL3011", "AVD-DS-0008", "DS008", "DS-0008"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    for ins in own_instructions(ctx) {
        let Detail::Expose(ports) = &ins.detail else {
            continue;
        };
        // One finding per instruction, at its first invalid port.
        let mut invalid = ports.iter().filter_map(|p| {
            let spec = p.value.split('/').next().unwrap_or_default();
            let (single, numbers): (bool, Vec<&str>) = match spec.split_once('-') {
                Some((a, b)) => (false, vec![a, b]),
                None => (true, vec![spec]),
            };
            let too_big = numbers.iter().any(|n| {
                !n.is_empty()
                    && n.bytes().all(|b| b.is_ascii_digit())
                    && n.parse::<u64>().map_or(true, |v| v > 65535)
            });
            too_big.then_some((p, single))
        });
        let Some((first, single)) = invalid.next() else {
            continue;
        };
        let any_single = single || invalid.any(|(_, s)| s);
        let mut finding = ctx
            .finding(
                first.span,
                format!(
                    "`EXPOSE {}` is not a valid port: ports go from 0 to 65535",
                    first.value
                ),
            )
            .with_label("out of range");
        if !any_single {
            // Trivy reads single ports only, not ranges.
            finding.aliases.retain(|a| !a.contains("DS"));
        }
        out.push(finding);
    }
}
