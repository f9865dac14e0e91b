use bulwark_core::{Finding, Location};

use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// When a scan requires image signatures (`bulwark scan IMAGE --require-signature --key
    /// cosign.pub`), reports an image (in a registry, or an OCI layout folder `oci:DIR`) that
    /// carries no cosign signature at all: no `sha256-<digest>.sig` signature tag and no
    /// sigstore bundle referring to its manifest digest.
    ///
    /// ## Why is this bad?
    /// A tag is a movable pointer: whoever can push to the repository (or sits between the
    /// registry and the cluster) can point it at other content. Without a signature nothing
    /// shows that the image running is the one that was built and checked by its publisher.
    ///
    /// ## Example
    /// ```text
    /// registry.example/web:1.4    # pushed, never signed
    /// ```
    ///
    /// ## Fix
    /// Sign the image after its checks passed, by digest, and keep the private key out of the
    /// build's reach:
    /// ```text
    /// bulwark sign registry.example/web:1.4 --key cosign.key
    /// ```
    /// (`cosign sign --key cosign.key` writes the same signature.) Enforce signatures at
    /// admission (Sigstore policy-controller, Kyverno `verifyImages`, Gatekeeper + ratify).
    ///
    /// ## References
    /// - [cosign: signing containers](https://docs.sigstore.dev/cosign/signing/signing_with_containers/)
    /// - NIST SP 800-190 4.1.5 (image trust), SLSA (verify artifacts before use)
    pub(crate) static META = {
        code: "SUP012",
        name: "image-signature-missing",
        family: SupplyChain,
        severity: High,
        summary: "image has no signature",
        help: "sign the image by digest (`bulwark sign IMAGE --key cosign.key` or `cosign sign`) and verify signatures at admission",
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
    Finding::new(&META, format!("image `{path}` is not signed"), location)
        .with_label(detail.to_owned())
}
