use std::collections::BTreeSet;

use bulwark_core::Finding;
use bulwark_dockerfile::{Detail, InstructionKind};

use super::labels::{hadolint_image_name, hadolint_stage_name};
use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports each build stage that has no `HEALTHCHECK` (`HEALTHCHECK NONE` counts) and
    /// is not built `FROM` a stage that has one, at the stage's `FROM`. These are hadolint's
    /// semantics (DL3057): a stage inherits a health check only from a stage whose alias
    /// (or, for a stage without alias, whose image name) is the image it is built from.
    ///
    /// Off by default, as in hadolint: most multi-stage builds have builder stages that
    /// need no health check, and `healthcheck-missing` (DKF131) already reports an image
    /// without any. Enable it with `rules: {enable: [stage-healthcheck-missing]}`, or with
    /// `override` in `.hadolint.yaml`.
    ///
    /// ## Why is this bad?
    /// Every stage that can be built as an image of its own (`docker build --target`) runs
    /// without a health check: Docker and Compose cannot tell a live but broken service
    /// from a healthy one.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.27 AS web
    /// HEALTHCHECK CMD curl -fsS http://localhost/ || exit 1
    ///
    /// FROM nginx:1.27 AS debug
    /// RUN apt-get update && apt-get install -y --no-install-recommends strace
    /// ```
    ///
    /// ## Fix
    /// Build the second stage from the first, or give it its own `HEALTHCHECK`:
    /// ```dockerfile
    /// FROM web AS debug
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference: HEALTHCHECK](https://docs.docker.com/reference/dockerfile/#healthcheck)
    /// - [hadolint DL3057](https://github.com/hadolint/hadolint/wiki/DL3057)
    pub(crate) static META = {
        code: "DKF132",
        name: "stage-healthcheck-missing",
        family: Dockerfile,
        severity: Info,
        summary: "build stage has no `HEALTHCHECK` and does not inherit one",
        help: "add `HEALTHCHECK CMD …` (or `HEALTHCHECK NONE`) to the stage, or build it `FROM` a stage that has one",
        aliases: ["DL3057"],
        compliance: ["CIS-DOCKER-4.6"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: false,
};

/// A stage as hadolint's DL3057 tracks it.
struct StageId {
    /// Alias, or image name for a stage without alias.
    name: String,
    /// Name of the image it is built from.
    source: String,
    from: usize,
}

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    let df = ctx.dockerfile;
    let mut stages: Vec<StageId> = Vec::new();
    let mut good: BTreeSet<usize> = BTreeSet::new();
    let mut bad: BTreeSet<usize> = BTreeSet::new();
    for ins in &df.instructions {
        match (ins.kind, &ins.detail) {
            (InstructionKind::From, Detail::From { image, .. }) => {
                let source = hadolint_image_name(&image.value);
                let id = stages.len();
                let inherits = good.iter().any(|&g| stages[g].name == source);
                stages.push(StageId {
                    name: hadolint_stage_name(ins),
                    source,
                    from: ins.index,
                });
                if inherits {
                    good.insert(id);
                } else {
                    bad.insert(id);
                }
            }
            (InstructionKind::Healthcheck, _) if !stages.is_empty() => {
                // The stage is good, and so are the stages it is built from, transitively.
                let current = stages.len() - 1;
                good.insert(current);
                bad.remove(&current);
                let mut work = vec![current];
                while let Some(s) = work.pop() {
                    let parents: Vec<usize> = bad
                        .iter()
                        .copied()
                        .filter(|&b| stages[b].name == stages[s].source)
                        .collect();
                    for p in parents {
                        bad.remove(&p);
                        good.insert(p);
                        work.push(p);
                    }
                }
            }
            _ => {}
        }
    }
    for s in bad {
        let Some(from) = df.instructions.get(stages[s].from) else {
            continue;
        };
        let stage = df
            .stages
            .iter()
            .find(|st| st.from_instruction == from.index);
        let which = match stage.and_then(|st| st.name.as_deref()) {
            Some(n) => format!("stage `{n}`"),
            None => format!(
                "the stage from `{}`",
                stage.map_or("", |st| st.image.value.as_str())
            ),
        };
        out.push(
            ctx.instruction_finding(
                from,
                format!("{which} has no `HEALTHCHECK` and does not inherit one"),
            )
            .with_label("no `HEALTHCHECK` in this stage"),
        );
    }
}
