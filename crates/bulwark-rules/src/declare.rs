/// Declares a rule's metadata. The doc comment above becomes the rule's documentation (the
/// `## What it does`, `## Why is this bad?`, `## Example`, `## Fix`, `## Options`,
/// `## References` sections), and every field is required, so a rule without aliases or
/// compliance references does not compile (write `[]` where no peer or control applies).
///
/// ```ignore
/// declare_rule! {
///     /// ## What it does
///     /// …
///     pub(crate) static META = {
///         code: "KUB017",
///         name: "privileged-container",
///         family: Kubernetes,
///         severity: High,
///         summary: "container runs privileged",
///         help: "remove `securityContext.privileged: true`",
///         aliases: ["AVD-KSV-0017", "KSV017", "CKV_K8S_16", "privileged-container"],
///         compliance: ["CIS-K8S-5.2.1", "PSS-BASELINE-PRIVILEGED"],
///     }
/// }
/// ```
macro_rules! declare_rule {
    (
        $(#[doc = $doc:expr])*
        $vis:vis static $id:ident = {
            code: $code:literal,
            name: $name:literal,
            family: $family:ident,
            severity: $sev:ident,
            summary: $summary:literal,
            help: $help:literal,
            aliases: [$($alias:literal),* $(,)?],
            compliance: [$($comp:literal),* $(,)?] $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        $vis static $id: bulwark_core::RuleMeta = bulwark_core::RuleMeta {
            code: $code,
            name: $name,
            family: bulwark_core::RuleFamily::$family,
            severity: bulwark_core::Severity::$sev,
            summary: $summary,
            help: $help,
            aliases: &[$($alias),*],
            compliance: &[$($comp),*],
            docs: concat!($($doc, "\n"),*),
        };
    };
}
