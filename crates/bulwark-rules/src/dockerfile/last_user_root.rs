use std::collections::BTreeMap;

use bulwark_core::Finding;
use bulwark_dockerfile::{Detail, Instruction, InstructionKind};

use super::{file_users, is_trivy_root};
use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports each build stage whose last `USER` instruction switches to `root` (`root`,
    /// `0`, `root:<group>` or `0:<group>`), at that instruction. Every stage is checked, as
    /// hadolint does (DL3002): a stage that ends as root hands root to every stage built
    /// `FROM` it, and the final stage's last `USER` is the user the container runs as.
    /// `ONBUILD USER` is not checked (it applies to child images).
    ///
    /// A Dockerfile with no `USER` at all is reported by `user-not-set` (DKF123).
    ///
    /// ## Why is this bad?
    /// A process running as root inside the container is root on the host's kernel: a
    /// container escape, a writable host mount or a kernel bug turns into full control of
    /// the node. Switching to root to install packages is fine; ending a stage as root is
    /// not.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// USER node
    /// RUN npm ci
    /// USER root
    /// CMD ["node", "server.js"]
    /// ```
    ///
    /// ## Fix
    /// Switch back to an unprivileged user after the steps that need root:
    /// ```dockerfile
    /// USER root
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// USER node
    /// CMD ["node", "server.js"]
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference: USER](https://docs.docker.com/reference/dockerfile/#user)
    /// - CIS Docker Benchmark 4.1: ensure that a user for the container has been created
    /// - [hadolint DL3002](https://github.com/hadolint/hadolint/wiki/DL3002)
    pub(crate) static META = {
        code: "DKF122",
        name: "last-user-root",
        family: Dockerfile,
        severity: Medium,
        summary: "last `USER` of a stage is root",
        help: "end the stage with `USER <non-root user>`, such as `USER 10001` or a user created with `useradd`",
        aliases: ["DL3002", "AVD-DS-0002", "DS002", "DS-0002", "CKV_DOCKER_8"],
        compliance: ["CIS-DOCKER-4.1", "NIST-800-190-4.1.2"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

/// Whether hadolint takes a USER value for root.
fn is_root(user: &str) -> bool {
    user == "root" || user == "0" || user.starts_with("root:") || user.starts_with("0:")
}

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    let df = ctx.dockerfile;
    // stage → its last USER, when that USER is root
    let mut last_root: BTreeMap<usize, &Instruction> = BTreeMap::new();
    for ins in &df.instructions {
        let (InstructionKind::User, Detail::User(user), Some(stage)) =
            (ins.kind, &ins.detail, ins.stage)
        else {
            continue;
        };
        if is_root(user.value.trim()) {
            last_root.insert(stage, ins);
        } else {
            last_root.remove(&stage);
        }
    }
    let file_last = file_users(df).last().map(|(i, _)| i.index);
    let final_stage = df.stages.len().saturating_sub(1);
    for (stage, ins) in last_root {
        let Detail::User(user) = &ins.detail else {
            continue;
        };
        let value = user.value.trim();
        let message = if stage == final_stage {
            format!("the image runs as `{value}`: this is the last `USER` of the final stage")
        } else {
            let st = &df.stages[stage];
            let name = match &st.name {
                Some(n) => format!("stage `{n}`"),
                None => format!("the stage from `{}`", st.image.value),
            };
            format!("{name} ends as `{value}`, and stages built from it start as root")
        };
        let is_file_last = file_last == Some(ins.index);
        // Trivy (DS-0002) and Checkov (CKV_DOCKER_8) look at the last USER of the whole file.
        let mut finding = ctx.finding(user.span, message).with_label("root user");
        finding.aliases.retain(|a| match a.as_str() {
            "AVD-DS-0002" | "DS002" | "DS-0002" => is_file_last && is_trivy_root(value),
            "CKV_DOCKER_8" => is_file_last && value == "root",
            _ => true,
        });
        out.push(finding);
    }
}
