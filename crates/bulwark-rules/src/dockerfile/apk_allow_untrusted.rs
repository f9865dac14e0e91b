use bulwark_core::Finding;

use super::pkg_command::{nested_commands, run_scripts};
use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `apk` commands given `--allow-untrusted`, also in a script run by
    /// `sh -c`, `bash -c` or `su … -c`.
    ///
    /// ## Why is this bad?
    /// `--allow-untrusted` makes apk accept packages and indexes whose signature is missing
    /// or made with an unknown key. Anything that can tamper with the download (a mirror, a
    /// proxy, a compromised build context) can then put its own code into the image.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apk add --no-cache --allow-untrusted /tmp/packages/tool-1.2.apk
    /// ```
    ///
    /// ## Fix
    /// Sign locally built packages (`abuild-sign`) and install the public key under
    /// `/etc/apk/keys`, or install from a repository whose key apk already trusts:
    /// ```dockerfile
    /// COPY keys/builder.rsa.pub /etc/apk/keys/
    /// RUN apk add --no-cache /tmp/packages/tool-1.2.apk
    /// ```
    ///
    /// ## References
    /// - [apk(8): `--allow-untrusted`](https://man.archlinux.org/man/extra/apk-tools/apk.8.en)
    /// - CIS Docker Benchmark 4.11: install only verified packages
    pub(crate) static META = {
        code: "DKF054",
        name: "apk-allow-untrusted",
        family: Dockerfile,
        severity: High,
        summary: "apk accepts packages without a trusted signature",
        help: "remove `--allow-untrusted`; sign local packages and add the key to /etc/apk/keys",
        aliases: ["CKV2_DOCKER_7"],
        compliance: ["CIS-DOCKER-4.11", "NIST-800-190-4.1.3"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    for run in run_scripts(ctx) {
        let direct = run.commands().find_map(|c| {
            c.is("apk")
                .then(|| c.args.iter().find(|a| a.flags.contains(&"allow-untrusted")))
                .flatten()
                .map(|a| (a.word, false))
        });
        // `su nobody -c "apk index --allow-untrusted …"` runs apk too.
        let nested = || {
            run.commands().find_map(|c| {
                let (word, commands) = nested_commands(&c)?;
                commands
                    .iter()
                    .any(|words| {
                        words
                            .first()
                            .is_some_and(|n| n.rsplit('/').next() == Some("apk"))
                            && words.iter().any(|w| w == "--allow-untrusted")
                    })
                    .then_some((word, true))
            })
        };
        let Some((word, in_script)) = direct.or_else(nested) else {
            continue;
        };
        let message = if in_script {
            "the script run here calls `apk` with `--allow-untrusted`"
        } else {
            "`apk` runs with `--allow-untrusted`"
        };
        out.push(
            ctx.finding(word.span, message)
                .with_label("unsigned packages are accepted"),
        );
    }
}
