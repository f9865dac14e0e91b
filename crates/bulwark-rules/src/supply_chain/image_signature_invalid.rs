use bulwark_core::{Finding, Location};

use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// When a scan requires image signatures (`--require-signature --key cosign.pub`),
    /// reports an image that has signatures, none of which verifies with the key: signed by
    /// another key, signing another manifest digest (the tag was moved to other content
    /// after signing), a changed or malformed simple-signing payload or sigstore bundle.
    /// Each rejected signature is listed with its reason.
    ///
    /// ## Why is this bad?
    /// A signature that does not verify means the image is not what the key holder signed:
    /// the tag was re-pushed, the signature was copied from another image, or someone else
    /// signed it. Running it runs content nobody trusted vouched for.
    ///
    /// ## Example
    /// ```text
    /// registry.example/web:1.4    # re-pushed after signing: the signature names the old digest
    /// ```
    ///
    /// ## Fix
    /// Deploy by digest the image that was signed, or find out who moved the tag; sign the
    /// new image only after it passed the same checks. If the signing key was rotated, verify
    /// with the new public key obtained through a trusted channel.
    ///
    /// ## References
    /// - [cosign: verifying signatures](https://docs.sigstore.dev/cosign/verifying/verify/)
    /// - NIST SP 800-190 4.1.5 (image trust), SLSA (verify artifacts before use)
    pub(crate) static META = {
        code: "SUP013",
        name: "image-signature-invalid",
        family: SupplyChain,
        severity: Critical,
        summary: "image signature does not verify",
        help: "do not run the image: deploy the signed digest, or find out why the tag points at content the key did not sign",
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
        format!("no signature of image `{path}` verifies with the key"),
        location,
    )
    .with_label(reason.to_owned())
}
