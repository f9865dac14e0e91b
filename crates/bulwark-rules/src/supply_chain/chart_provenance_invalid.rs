use bulwark_core::{Finding, Location};

use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// When a scan is asked to verify charts (`--verify --keyring FILE`), reports a chart
    /// archive whose provenance file does not verify: the archive's SHA-256 differs from the
    /// one signed (tampered archive), the signature does not match the provenance text
    /// (tampered provenance), the signing key is not in the keyring, the key has expired or
    /// been revoked, or the provenance file is malformed.
    ///
    /// ## Why is this bad?
    /// A provenance file that does not verify is a red flag, not a formality: either the
    /// chart is not what its author published, or it was signed by someone the keyring does
    /// not trust (any more). Installing it gives unknown templates access to the cluster.
    ///
    /// ## Example
    /// ```text
    /// web-1.2.0.tgz        # rebuilt after signing
    /// web-1.2.0.tgz.prov   # signs the sha256 of the original archive
    /// ```
    ///
    /// ## Fix
    /// Fetch the chart again from its publisher and verify it (`bulwark verify
    /// web-1.2.0.tgz --keyring pubring.gpg`). If the key changed, obtain the new public
    /// key through a trusted channel before adding it to the keyring.
    ///
    /// ## References
    /// - [Helm: provenance and integrity](https://helm.sh/docs/topics/provenance/)
    /// - NIST SP 800-190 4.1.5 (image/artifact trust), SLSA (verify provenance)
    pub(crate) static META = {
        code: "SUP011",
        name: "chart-provenance-invalid",
        family: SupplyChain,
        severity: Critical,
        summary: "chart provenance does not verify",
        help: "do not install the chart: fetch it again from its publisher and verify it with the publisher's public key",
        aliases: [],
        compliance: ["NIST-800-190-4.1.5", "SLSA-PROVENANCE-VERIFIED"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Artifact,
    default_enabled: true,
};

pub(crate) fn finding(path: &str, reason: &str, location: Location) -> Finding {
    Finding::new(
        &META,
        format!("provenance of chart archive `{path}` does not verify"),
        location,
    )
    .with_label(reason.to_owned())
}
