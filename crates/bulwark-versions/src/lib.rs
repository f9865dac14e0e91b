//! `bulwark-versions` owns the version orders of package ecosystems: one module per scheme,
//! each parsing a version string into a value whose `Ord` is that ecosystem's precedence.
//!
//! | module | ecosystems |
//! |---|---|
//! | [`semver`] | SemVer 2.0 (crates.io, Hex, Pub, Kubernetes), Cargo requirements |
//! | [`npm`] | npm (node-semver versions and ranges) |
//! | [`pep440`] | PyPI (PEP 440 versions and specifiers) |
//! | [`maven`] | Maven (ComparableVersion) |
//! | [`go`] | Go modules (with pseudo-versions) and the Go toolchain (`go1.21rc2`) |
//! | [`rubygems`] | RubyGems (`Gem::Version`) |
//! | [`nuget`] | NuGet (four-part SemVer, case-insensitive labels) |
//! | [`dpkg`] | Debian and Ubuntu packages |
//! | [`rpm`] | RPM EVR (Red Hat, SUSE, Rocky, Alma, …) |
//! | [`apk`] | Alpine and Wolfi packages |
//!
//! [`Scheme`] picks the order for an OSV ecosystem name and compares two strings with it.

pub mod apk;
pub mod dpkg;
pub mod go;
pub mod maven;
pub mod npm;
pub mod nuget;
pub mod pep440;
pub mod rpm;
pub mod rubygems;
pub mod semver;

use std::cmp::Ordering;
use std::fmt;

/// A version string that a scheme cannot read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {scheme} version `{input}`: {reason}")]
pub struct VersionError {
    pub scheme: Scheme,
    pub input: String,
    pub reason: String,
}

impl VersionError {
    pub(crate) fn new(scheme: Scheme, input: &str, reason: impl Into<String>) -> Self {
        VersionError {
            scheme,
            input: input.to_owned(),
            reason: reason.into(),
        }
    }
}

/// A version order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    SemVer,
    Npm,
    Pep440,
    Maven,
    Go,
    RubyGems,
    NuGet,
    Dpkg,
    Rpm,
    Apk,
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Scheme::SemVer => "SemVer",
            Scheme::Npm => "npm",
            Scheme::Pep440 => "PEP 440",
            Scheme::Maven => "Maven",
            Scheme::Go => "Go",
            Scheme::RubyGems => "RubyGems",
            Scheme::NuGet => "NuGet",
            Scheme::Dpkg => "dpkg",
            Scheme::Rpm => "RPM",
            Scheme::Apk => "APK",
        })
    }
}

impl Scheme {
    /// The order OSV's `ECOSYSTEM` ranges use for an ecosystem (`PyPI`, `Debian:12`,
    /// `Alpine:v3.18`, …; the part after `:` is ignored). `None` for ecosystems without a
    /// defined order (`OSS-Fuzz`, `GIT`).
    pub fn for_ecosystem(ecosystem: &str) -> Option<Scheme> {
        let base = ecosystem.split(':').next().unwrap_or(ecosystem);
        Some(match base {
            "PyPI" => Scheme::Pep440,
            "npm" => Scheme::Npm,
            "Maven" => Scheme::Maven,
            "Go" => Scheme::Go,
            "RubyGems" => Scheme::RubyGems,
            "NuGet" => Scheme::NuGet,
            "Debian" | "Ubuntu" => Scheme::Dpkg,
            "Alpine" | "Wolfi" | "Chainguard" | "Alpaquita" | "BellSoft Hardened Containers" => {
                Scheme::Apk
            }
            "Red Hat" | "Rocky Linux" | "AlmaLinux" | "SUSE" | "openSUSE" | "Photon OS"
            | "Mageia" | "openEuler" | "Azure Linux" | "Mariner" | "CentOS" | "Fedora"
            | "Amazon Linux" | "Oracle Linux" => Scheme::Rpm,
            "crates.io" | "Hex" | "Pub" | "kubernetes" | "SwiftURL" | "Packagist" | "CRAN"
            | "Hackage" | "GitHub Actions" | "Bitnami" | "Julia" | "Erlang" => Scheme::SemVer,
            _ => return None,
        })
    }

    /// Compares two versions in this order.
    pub fn compare(self, a: &str, b: &str) -> Result<Ordering, VersionError> {
        Ok(match self {
            Scheme::SemVer => {
                semver::Version::parse_lenient(a)?.cmp(&semver::Version::parse_lenient(b)?)
            }
            Scheme::Npm => npm::parse(a)?.cmp(&npm::parse(b)?),
            Scheme::Pep440 => pep440::Version::parse(a)?.cmp(&pep440::Version::parse(b)?),
            Scheme::Maven => maven::Version::parse(a).cmp(&maven::Version::parse(b)),
            Scheme::Go => go::Version::parse(a)?.cmp(&go::Version::parse(b)?),
            Scheme::RubyGems => rubygems::Version::parse(a)?.cmp(&rubygems::Version::parse(b)?),
            Scheme::NuGet => nuget::Version::parse(a)?.cmp(&nuget::Version::parse(b)?),
            Scheme::Dpkg => dpkg::Version::parse(a)?.cmp(&dpkg::Version::parse(b)?),
            Scheme::Rpm => rpm::Version::parse(a).cmp(&rpm::Version::parse(b)),
            Scheme::Apk => apk::Version::parse(a)?.cmp(&apk::Version::parse(b)?),
        })
    }

    /// Checks that `v` is a version of this scheme.
    pub fn validate(self, v: &str) -> Result<(), VersionError> {
        self.compare(v, v).map(|_| ())
    }
}

/// Splits `s` at the first ASCII digit/non-digit boundary: `("123", "abc")` for `"123abc"`.
pub(crate) fn split_digits(s: &str) -> (&str, &str) {
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    s.split_at(n)
}

/// Compares two runs of ASCII digits numerically, of any length (leading zeros ignored).
pub(crate) fn cmp_digits(a: &str, b: &str) -> Ordering {
    let a = a.trim_start_matches('0');
    let b = b.trim_start_matches('0');
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecosystems_pick_their_scheme() {
        assert_eq!(Scheme::for_ecosystem("Debian:12"), Some(Scheme::Dpkg));
        assert_eq!(Scheme::for_ecosystem("Alpine:v3.18"), Some(Scheme::Apk));
        assert_eq!(Scheme::for_ecosystem("PyPI"), Some(Scheme::Pep440));
        assert_eq!(Scheme::for_ecosystem("OSS-Fuzz"), None);
        assert_eq!(cmp_digits("007", "7"), Ordering::Equal);
        assert_eq!(cmp_digits("10", "9"), Ordering::Greater);
    }
}
