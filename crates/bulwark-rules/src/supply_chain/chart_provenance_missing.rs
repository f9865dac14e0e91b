use bulwark_core::{Finding, Location};

use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// When a scan is asked to verify charts (`bulwark scan CHART.tgz --verify --keyring
    /// FILE`), reports a chart archive that has no Helm provenance file (`CHART.tgz.prov`)
    /// beside it. Chart archives found in scanned folders are checked the same way.
    ///
    /// ## Why is this bad?
    /// Without a provenance file nothing ties the archive to its author: a chart that was
    /// replaced on a mirror, in a cache or in transit installs just as well as the real one,
    /// and its templates run with whatever access the release gets.
    ///
    /// ## Example
    /// ```text
    /// charts/
    ///   web-1.2.0.tgz          # no web-1.2.0.tgz.prov
    /// ```
    ///
    /// ## Fix
    /// Sign charts when packaging them and publish the provenance file with the archive:
    /// ```text
    /// bulwark package web/ --sign --key 'Release Team' --keyring secring.gpg
    /// ```
    /// (`helm package --sign` writes the same file.) Install with `helm install --verify`.
    ///
    /// ## References
    /// - [Helm: provenance and integrity](https://helm.sh/docs/topics/provenance/)
    /// - NIST SP 800-190 4.1.5 (image/artifact trust), SLSA build track (provenance)
    pub(crate) static META = {
        code: "SUP010",
        name: "chart-provenance-missing",
        family: SupplyChain,
        severity: High,
        summary: "chart archive has no provenance file",
        help: "sign the chart when packaging it (`bulwark package --sign` or `helm package --sign`) and publish the .prov beside the archive",
        aliases: [],
        compliance: ["NIST-800-190-4.1.5", "SLSA-PROVENANCE-EXISTS"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Artifact,
    default_enabled: true,
};

pub(crate) fn finding(path: &str, detail: &str, location: Location) -> Finding {
    Finding::new(
        &META,
        format!("chart archive `{path}` has no provenance file"),
        location,
    )
    .with_label(detail.to_owned())
}
