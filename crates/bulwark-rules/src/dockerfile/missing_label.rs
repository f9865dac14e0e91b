use std::collections::BTreeSet;

use bulwark_core::Finding;
use bulwark_dockerfile::{Detail, InstructionKind};

use super::labels::{hadolint_image_name, label_pairs, label_schema};
use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports build stages that do not set a label the `label_schema` option requires.
    /// Without a schema the rule reports nothing.
    ///
    /// A stage counts as labelled when it sets the label itself or is built `FROM` a stage
    /// that does. Stages that only feed others (a `COPY --from=<stage>` names them, or a
    /// later stage built `FROM` them sets the label) are not reported, so in a multi-stage
    /// build only the images you ship need the labels. These are hadolint's semantics
    /// (DL3049); `ONBUILD LABEL` labels the child image and does not count.
    ///
    /// ## Why is this bad?
    /// An organisation's label schema is how images are traced back to their source,
    /// owner, version and licence (`org.opencontainers.image.source`, `…version`,
    /// `…licenses`); an image without them cannot be attributed by registries, SBOM tools
    /// or incident responders.
    ///
    /// ## Example
    /// With `label_schema: {org.opencontainers.image.source: url}`:
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// RUN go build -o /app .
    ///
    /// FROM gcr.io/distroless/static
    /// COPY --from=build /app /app
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// FROM gcr.io/distroless/static
    /// LABEL org.opencontainers.image.source="https://github.com/acme/app"
    /// COPY --from=build /app /app
    /// ```
    ///
    /// ## Options
    /// - `label_schema` (map of label name to type, default: none): the labels every
    ///   shipped stage must set, and the type each value must have: `text`, `url`,
    ///   `rfc3339`, `spdx`, `hash`, `semver` or `email` (DKF103–DKF109 check the values).
    ///   A `.hadolint.yaml` beside the scan sets it from its `label-schema` for every label
    ///   rule at once.
    ///
    /// ```yaml
    /// rules:
    ///   options:
    ///     missing-label:
    ///       label_schema:
    ///         org.opencontainers.image.source: url
    ///         org.opencontainers.image.version: semver
    /// ```
    ///
    /// ## References
    /// - [OCI image annotations](https://github.com/opencontainers/image-spec/blob/main/annotations.md)
    /// - [hadolint DL3049](https://github.com/hadolint/hadolint/wiki/DL3049)
    pub(crate) static META = {
        code: "DKF101",
        name: "missing-label",
        family: Dockerfile,
        severity: Low,
        summary: "stage does not set a label the label schema requires",
        help: "add the label with `LABEL <name>=<value>` to the stage",
        aliases: ["DL3049"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

/// A stage as hadolint's DL3049 tracks it: its FROM instruction and its name.
struct StageState {
    from: usize,
    alias: Option<String>,
    image_name: String,
    image: String,
}

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    for (label, _) in label_schema(ctx.options) {
        check_label(ctx, &label, out);
    }
}

fn check_label(ctx: &DockerfileCtx<'_>, label: &str, out: &mut Vec<Finding>) {
    let df = ctx.dockerfile;
    let mut stages: Vec<StageState> = Vec::new();
    let mut good: BTreeSet<usize> = BTreeSet::new();
    let mut bad: BTreeSet<usize> = BTreeSet::new();
    // Marks the bad stages whose alias is `name` as silent (not reported).
    let silence = |stages: &[StageState], bad: &mut BTreeSet<usize>, name: &str| {
        bad.retain(|&s| stages[s].alias.as_deref() != Some(name));
    };
    for ins in &df.instructions {
        match (&ins.kind, &ins.detail) {
            (InstructionKind::From, Detail::From { name, image, .. }) => {
                let stage = StageState {
                    from: ins.index,
                    alias: name.as_ref().map(|n| n.value.clone()),
                    image_name: hadolint_image_name(&image.value),
                    image: image.value.clone(),
                };
                let inherits = good
                    .iter()
                    .any(|&g| stages[g].alias.as_deref() == Some(stage.image_name.as_str()));
                let id = stages.len();
                stages.push(stage);
                if inherits {
                    good.insert(id);
                } else {
                    bad.insert(id);
                }
            }
            (InstructionKind::Copy, Detail::Copy { from: Some(f), .. }) if !stages.is_empty() => {
                silence(&stages, &mut bad, &f.value);
            }
            (InstructionKind::Label, Detail::Label(pairs))
                if !stages.is_empty()
                    && label_pairs(ctx, ins, pairs).iter().any(|p| p.key == label) =>
            {
                let current = stages.len() - 1;
                let name = match &stages[current].alias {
                    Some(a) => a.clone(),
                    None => stages[current].image_name.clone(),
                };
                silence(&stages, &mut bad, &name);
                bad.remove(&current);
                good.insert(current);
            }
            _ => {}
        }
    }
    for s in bad {
        let Some(from) = df.instructions.get(stages[s].from) else {
            continue;
        };
        let which = match &stages[s].alias {
            Some(a) => format!("stage `{a}`"),
            None => format!("the stage from `{}`", stages[s].image),
        };
        out.push(
            ctx.instruction_finding(from, format!("{which} does not set the label `{label}`"))
                .with_label(format!("no `{label}` label in this stage")),
        );
    }
}
