//! Rules whose findings come from the user's policies (`POL` codes): conftest-mode Rego
//! policies and Gatekeeper constraints given with `--policy`. The policy engine
//! (`bulwark-policy`) produces their findings, so they are engine rules: listed for
//! configuration (`--disable POL002`, severity overrides), documentation and reporting.

use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports each message a `deny` or `violation` rule (or a `deny_<suffix>` /
    /// `violation_<suffix>` rule) of a Rego policy given with `--policy DIR` returns for an
    /// input document, with conftest's semantics: policies in the `main` namespace unless
    /// `--namespace` or `--all-namespaces` say otherwise, `exception` rules excluding rules by
    /// name, `--combine` evaluating all inputs as one document. The finding names the input
    /// file (and the Kubernetes object, when the document is one), the policy file, rule and
    /// package. An object message (`{"msg": …}`) may carry `severity` to override the level.
    ///
    /// ## Why is this bad?
    /// The policy encodes one of your organisation's written rules; the input breaks it.
    ///
    /// ## Example
    /// ```rego
    /// package main
    ///
    /// deny contains msg if {
    ///     input.kind == "Deployment"
    ///     not input.spec.template.spec.securityContext.runAsNonRoot
    ///     msg := "Containers must not run as root"
    /// }
    /// ```
    ///
    /// ## Fix
    /// Change the input so the policy passes, or add an `exception` rule to the policy when
    /// the input is an accepted case.
    ///
    /// ## References
    /// - [conftest: writing policies](https://www.conftest.dev/)
    pub static POLICY_DENY = {
        code: "POL001",
        name: "policy-deny",
        family: Policy,
        severity: High,
        summary: "a Rego policy's `deny` or `violation` rule fired",
        help: "change the input so the policy passes, or add an `exception` to the policy",
        aliases: [],
        compliance: [],
    }
}

declare_rule! {
    /// ## What it does
    /// Reports each message a `warn` (or `warn_<suffix>`) rule of a Rego policy given with
    /// `--policy DIR` returns for an input document, with the same namespaces, exceptions and
    /// input handling as `POL001`. Warnings are `info` findings: they show in reports but fail
    /// the scan only with `--fail-on info` (conftest's `--fail-on-warn`).
    ///
    /// ## Why is this bad?
    /// The policy flags something its authors want reviewed without blocking the change.
    ///
    /// ## Example
    /// ```rego
    /// package main
    ///
    /// warn contains msg if {
    ///     input.kind == "Service"
    ///     input.spec.type == "NodePort"
    ///     msg := "NodePort services expose every node"
    /// }
    /// ```
    ///
    /// ## Fix
    /// Review the warning; change the input, or accept it with a suppression that gives the
    /// reason.
    pub static POLICY_WARN = {
        code: "POL002",
        name: "policy-warn",
        family: Policy,
        severity: Info,
        summary: "a Rego policy's `warn` rule fired",
        help: "review the warning; `--fail-on info` makes warnings fail the scan",
        aliases: [],
        compliance: [],
    }
}

declare_rule! {
    /// ## What it does
    /// Applies the Gatekeeper ConstraintTemplates and Constraints found among the `--policy`
    /// inputs to the scanned Kubernetes objects as Gatekeeper's admission webhook would: each
    /// constraint's `match` (kinds, namespaces, excluded namespaces, label and namespace
    /// selectors, scope) picks the objects, its template's `violation` rule runs with
    /// `input.review` and `input.parameters`, and `data.inventory` holds the scanned objects.
    /// Each message is a finding at the object. `enforcementAction: warn` lowers the finding
    /// to `info`; `dryrun` reports it suppressed.
    ///
    /// ## Why is this bad?
    /// The cluster's admission control would refuse (or warn about) this object: finding it
    /// before deployment saves a failed rollout.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: constraints.gatekeeper.sh/v1beta1
    /// kind: K8sRequiredLabels
    /// metadata:
    ///   name: must-have-owner
    /// spec:
    ///   match:
    ///     kinds: [{apiGroups: [""], kinds: ["Namespace"]}]
    ///   parameters:
    ///     labels: [{key: owner}]
    /// ```
    ///
    /// ## Fix
    /// Change the object so its constraint's template passes, or leave it out with the
    /// constraint's `match`.
    ///
    /// ## References
    /// - [Gatekeeper: how to use Gatekeeper](https://open-policy-agent.github.io/gatekeeper/website/docs/howto)
    pub static GATEKEEPER_VIOLATION = {
        code: "POL003",
        name: "gatekeeper-violation",
        family: Policy,
        severity: High,
        summary: "an object violates a Gatekeeper constraint",
        help: "change the object so its constraint's template passes, or leave it out with the constraint's `match`",
        aliases: [],
        compliance: [],
    }
}

/// Every policy rule.
pub static RULES: &[&Rule] = &[
    &Rule {
        meta: &POLICY_DENY,
        check: Check::Engine,
        default_enabled: true,
    },
    &Rule {
        meta: &POLICY_WARN,
        check: Check::Engine,
        default_enabled: true,
    },
    &Rule {
        meta: &GATEKEEPER_VIOLATION,
        check: Check::Engine,
        default_enabled: true,
    },
];
