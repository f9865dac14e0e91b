use bulwark_core::Finding;

use super::pkg_command::run_scripts;
use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `npm config set strict-ssl false` and `yarn config set strict-ssl false`
    /// (also `npm set`, `npm c set`, `strict-ssl=false`).
    ///
    /// ## Why is this bad?
    /// With `strict-ssl` off, npm and yarn accept any TLS certificate for the registry:
    /// anything between the build and the registry can serve its own packages, whose
    /// install scripts then run in the image. The setting also stays in the image's
    /// `.npmrc` for every later install.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN npm config set strict-ssl false && npm ci
    /// ```
    ///
    /// ## Fix
    /// Trust the registry's CA instead:
    /// ```dockerfile
    /// COPY internal-ca.crt /usr/local/share/ca-certificates/
    /// ENV NODE_EXTRA_CA_CERTS=/usr/local/share/ca-certificates/internal-ca.crt
    /// RUN npm ci
    /// ```
    ///
    /// ## References
    /// - [npm config: `strict-ssl`](https://docs.npmjs.com/cli/using-npm/config#strict-ssl)
    pub(crate) static META = {
        code: "DKF057",
        name: "npm-strict-ssl-disabled",
        family: Dockerfile,
        severity: High,
        summary: "npm or yarn is set to accept any TLS certificate",
        help: "do not set `strict-ssl false`; add the registry's CA (`NODE_EXTRA_CA_CERTS`) instead",
        aliases: ["CKV2_DOCKER_13"],
        compliance: ["NIST-800-190-4.1.3"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    for run in run_scripts(ctx) {
        let found = run.commands().find_map(|c| {
            if !(c.is("npm") || c.is("yarn")) {
                return None;
            }
            let args: Vec<&str> = c.args.iter().map(|a| a.value()).collect();
            let set = args
                .iter()
                .position(|a| *a == "set")
                .filter(|&i| i == 0 || matches!(args[i - 1], "config" | "c"))?;
            let key = c.args.get(set + 1)?;
            let off = match key.value().split_once('=') {
                Some(("strict-ssl", v)) => v == "false",
                None if key.value() == "strict-ssl" => {
                    c.args.get(set + 2).is_some_and(|v| v.value() == "false")
                }
                _ => false,
            };
            off.then(|| (c.name().to_owned(), key.word))
        });
        let Some((tool, word)) = found else { continue };
        out.push(
            ctx.finding(word.span, format!("`{tool}` is set to `strict-ssl false`"))
                .with_label("registry certificates are not verified"),
        );
    }
}
