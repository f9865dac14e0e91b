//! Shared by the "only the last one counts" rules: `CMD`, `ENTRYPOINT` and `HEALTHCHECK`.

use bulwark_core::Finding;
use bulwark_dockerfile::InstructionKind;

use crate::context::DockerfileCtx;
use crate::dockerfile::own_instructions;

/// Reports every `kind` instruction of a stage after its first one, pointing at the keyword.
/// `trivy` is the Trivy id of the peer check, which reports each stage once: only the first
/// repeat of a stage keeps it.
pub(crate) fn check_repeats(
    ctx: &DockerfileCtx<'_>,
    out: &mut Vec<Finding>,
    kind: InstructionKind,
    trivy: &[&str],
) {
    // (stage, line of the first one, repeats so far)
    let mut seen: Vec<(Option<usize>, u32, usize)> = Vec::new();
    for ins in own_instructions(ctx) {
        if ins.kind != kind {
            continue;
        }
        let Some(entry) = seen.iter_mut().find(|(s, _, _)| *s == ins.stage) else {
            seen.push((ins.stage, ins.start_line, 0));
            continue;
        };
        entry.2 += 1;
        let keyword = kind.as_str();
        let mut finding = ctx
            .finding(
                ins.keyword_span,
                format!(
                    "this stage already has a `{keyword}` (line {}); only the last one takes effect",
                    entry.1
                ),
            )
            .with_label(format!("another `{keyword}`"));
        if entry.2 > 1 {
            finding.aliases.retain(|a| !trivy.contains(&a.as_str()));
        }
        out.push(finding);
    }
}
