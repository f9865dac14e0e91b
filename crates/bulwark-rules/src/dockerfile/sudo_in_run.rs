use bulwark_core::Finding;
use bulwark_dockerfile::shell::Word;

use crate::context::DockerfileCtx;
use crate::dockerfile::run_shell::{is_trigger, is_trivy_id, read_run, runs, trivy_run_values};
use crate::kubernetes::drop_aliases;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `RUN` instructions (and `ONBUILD RUN` triggers) that call `sudo`.
    ///
    /// ## Why is this bad?
    /// Build steps run as the user of the last `USER` instruction, without a terminal and
    /// without a password to type: `sudo` either is not installed, prompts and hangs, or
    /// works only because the image grants password-less root to its user, which any
    /// process in the running container can then use too. Its behaviour also depends on
    /// `/etc/sudoers`, `requiretty` and the environment it resets, so the same step behaves
    /// differently from one base image to the next.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM ubuntu:24.04
    /// USER app
    /// RUN sudo apt-get update && sudo apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ## Fix
    /// Switch to root for the steps that need it and back to the unprivileged user after;
    /// to drop privileges in an entrypoint script, use a tool such as `gosu`, `su-exec` or
    /// `setpriv`:
    /// ```dockerfile
    /// FROM ubuntu:24.04
    /// USER root
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// USER app
    /// ```
    ///
    /// ## References
    /// - [hadolint DL3004](https://github.com/hadolint/hadolint/wiki/DL3004)
    /// - [Dockerfile best practices: USER](https://docs.docker.com/build/building/best-practices/#user)
    /// - CIS Docker Benchmark 4.1 (create a user for the container)
    pub(crate) static META = {
        code: "DKF072",
        name: "sudo-in-run",
        family: Dockerfile,
        severity: High,
        summary: "RUN uses `sudo`",
        help: "run the step as root with `USER root` (and switch back after), or drop privileges with `gosu`/`su-exec` at runtime",
        aliases: ["DL3004", "AVD-DS-0010", "DS010", "DS-0010"],
        compliance: ["NIST-800-190-4.2.2"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    for ins in runs(ctx, true) {
        let script = read_run(ctx, ins);
        let commands = script.commands();
        let Some(sudo) = commands.iter().find(|c| c.is("sudo")) else {
            continue;
        };
        let what =
            sudo_target(sudo.args).map_or_else(String::new, |w| format!(" to run `{}`", w.value));
        let finding = ctx
            .finding(sudo.name_word.span, format!("`RUN` uses `sudo`{what}"))
            .with_label("build steps should not escalate with `sudo`");
        // Trivy's DS010 reads shell-form RUNs only (not ONBUILD triggers) and looks for a
        // `&&`-separated part that starts with `sudo`.
        let values = trivy_run_values(ins);
        let trivy = !is_trigger(ctx.dockerfile, ins)
            && values.len() == 1
            && values[0]
                .split("&&")
                .any(|p| p.trim_start().starts_with("sudo"));
        out.push(drop_aliases(finding, |a| is_trivy_id(a) && !trivy));
    }
}

/// The command `sudo [options] command…` runs: the first word after the options (and
/// the values of `-u`, `-g`, `-h`, `-p`, `-U`, `-C`, `-D`, `-r`, `-t`, `-T`).
fn sudo_target(args: &[Word]) -> Option<&Word> {
    let mut i = 0;
    while let Some(w) = args.get(i) {
        let v = w.value.as_str();
        if v == "--" {
            return args.get(i + 1);
        }
        if v.starts_with("--") {
            i += 1;
            continue;
        }
        match v.strip_prefix('-') {
            Some(cluster) if !cluster.is_empty() => {
                let takes_value = cluster
                    .chars()
                    .last()
                    .is_some_and(|c| "ughpUCDrtT".contains(c));
                i += if takes_value { 2 } else { 1 };
            }
            _ => return Some(w),
        }
    }
    None
}
