declare_rule! {
    /// ## What it does
    /// Reports each package of an image, a root filesystem, an SBOM file or a lockfile that a
    /// known advisory affects at its installed version. Packages are catalogued by
    /// `bulwark-sbom` (OS packages by distribution release and source package, language
    /// packages by their ecosystem) and matched against the offline advisory database
    /// (`bulwark db import` / `bulwark db update`) with each ecosystem's version order.
    /// Advisories that share an id or alias (CVE, GHSA, PYSEC, GO, RUSTSEC, …) become one
    /// finding. The severity is the advisory's CVSS score (v4, else v3, else v2), else the
    /// database's own rating, else medium.
    ///
    /// Each finding carries the package, the installed and fixed versions, the vulnerability
    /// (id, aliases, CVSS vectors) and its evidence: which advisory, which range or version
    /// list matched, and how the package was identified. `--ignore-unfixed` leaves out
    /// advisories no version fixes yet; `--severity` keeps only the given levels; `--vex FILE`
    /// (OpenVEX or CycloneDX VEX) suppresses `not_affected` statements, showing their
    /// justification.
    ///
    /// ## Why is this bad?
    /// An image ships far more than the application: every OS and language package in it may
    /// have a vulnerability disclosed after the image was built. Known, fixed vulnerabilities
    /// are what attackers try first.
    ///
    /// ## Example
    /// ```text
    /// PyPI urllib3 1.26.4 has PYSEC-2023-192 (CVE-2023-43804)
    /// ```
    ///
    /// ## Fix
    /// Upgrade the package to the fixed version shown (rebuild the image on a patched base),
    /// or, when the vulnerable code cannot be reached, publish a VEX `not_affected` statement
    /// with its justification and pass it with `--vex`.
    ///
    /// ## References
    /// - [OSV schema](https://ossf.github.io/osv-schema/)
    /// - [OpenVEX specification](https://github.com/openvex/spec)
    /// - NIST SP 800-190 4.1.1 (image vulnerabilities); PCI DSS 4.0 6.3.3 (known
    ///   vulnerabilities patched)
    pub static VULNERABLE_PACKAGE = {
        code: "SUP001",
        name: "vulnerable-package",
        family: SupplyChain,
        severity: High,
        summary: "package has a known vulnerability",
        help: "upgrade the package to the fixed version, or state why it does not apply in a VEX document",
        aliases: [],
        compliance: ["NIST-800-190-4.1.1", "PCI-DSS-6.3.3"],
    }
}
