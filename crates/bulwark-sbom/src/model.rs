//! The package model every cataloger fills and every SBOM format reads and writes.

use serde::{Deserialize, Serialize};

use crate::purl::Purl;

/// What kind of package this is (Syft's package types, so reports compare one to one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PackageType {
    Deb,
    Apk,
    Rpm,
    Python,
    Npm,
    GoModule,
    RustCrate,
    JavaArchive,
    Gem,
    PhpComposer,
    Dotnet,
    /// A package read from an SBOM whose type is not one of the above.
    Unknown,
}

impl PackageType {
    /// Syft's name for the type (`deb`, `python`, `go-module`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            PackageType::Deb => "deb",
            PackageType::Apk => "apk",
            PackageType::Rpm => "rpm",
            PackageType::Python => "python",
            PackageType::Npm => "npm",
            PackageType::GoModule => "go-module",
            PackageType::RustCrate => "rust-crate",
            PackageType::JavaArchive => "java-archive",
            PackageType::Gem => "gem",
            PackageType::PhpComposer => "php-composer",
            PackageType::Dotnet => "dotnet",
            PackageType::Unknown => "unknown",
        }
    }

    /// The type a package URL type stands for.
    pub fn from_purl_type(t: &str) -> PackageType {
        match t {
            "deb" => PackageType::Deb,
            "apk" => PackageType::Apk,
            "rpm" => PackageType::Rpm,
            "pypi" => PackageType::Python,
            "npm" => PackageType::Npm,
            "golang" => PackageType::GoModule,
            "cargo" => PackageType::RustCrate,
            "maven" => PackageType::JavaArchive,
            "gem" => PackageType::Gem,
            "composer" => PackageType::PhpComposer,
            "nuget" => PackageType::Dotnet,
            _ => PackageType::Unknown,
        }
    }

    /// Whether packages of this type come from the operating system's package manager.
    pub fn is_os(self) -> bool {
        matches!(self, PackageType::Deb | PackageType::Apk | PackageType::Rpm)
    }
}

/// An OSV ecosystem name (`Debian:12`, `PyPI`, `crates.io`, ...): what an advisory
/// database keys its records on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Ecosystem(pub String);

impl Ecosystem {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How strongly a file supports a package (Syft's `evidence` annotation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Evidence {
    /// The file the package was read from.
    Primary,
    /// A file that adds to it (a licence file, a file list).
    Supporting,
    /// Another file that belongs to the package.
    Owned,
}

/// A file a package was found in, and the image layer that file came from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Location {
    /// Absolute path inside the image or folder (`/var/lib/dpkg/status`); for an entry
    /// inside an archive, the archive's path.
    pub path: String,
    /// The layer's diff id (`sha256:…`) when the file came from an image.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub layer: Option<String>,
    pub evidence: Evidence,
}

/// A distribution's source package a binary package was built from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SourcePackage {
    pub name: String,
    /// Empty when it is the binary package's own version.
    pub version: String,
}

/// One package found in a target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Package {
    pub name: String,
    pub version: String,
    #[serde(rename = "type")]
    pub kind: PackageType,
    /// The OSV ecosystem used to match advisories (`Debian:12`, `PyPI`, `Go`, ...).
    pub ecosystem: Ecosystem,
    pub purl: Purl,
    /// The cataloger that found it, named as Syft names it (`dpkg-db-cataloger`).
    pub found_by: String,
    /// Licences as declared (SPDX ids where the declaration maps to one).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub licenses: Vec<String>,
    /// For distribution packages: the source package.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub source: Option<SourcePackage>,
    /// CPU architecture when the package says (`amd64`, `x86_64`, `all`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub arch: Option<String>,
    /// Maintainer, author or vendor when the package says.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub supplier: Option<String>,
    /// Files the package was found in; the primary one first.
    pub locations: Vec<Location>,
    /// Files the package installed (from dpkg, apk and rpm file lists), absolute paths.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub files: Vec<String>,
}

impl Package {
    /// A new package with its purl; no licences, locations or files yet.
    pub fn new(
        kind: PackageType,
        name: impl Into<String>,
        version: impl Into<String>,
        ecosystem: &str,
        purl: Purl,
        found_by: &str,
    ) -> Package {
        Package {
            name: name.into(),
            version: version.into(),
            kind,
            ecosystem: Ecosystem(ecosystem.to_string()),
            purl,
            found_by: found_by.to_string(),
            licenses: Vec::new(),
            source: None,
            arch: None,
            supplier: None,
            locations: Vec::new(),
            files: Vec::new(),
        }
    }

    /// The primary location's path, or "" when the package has none (read from an SBOM).
    pub fn primary_path(&self) -> &str {
        self.locations
            .first()
            .map(|l| l.path.as_str())
            .unwrap_or("")
    }

    /// The key packages are sorted by: deterministic, independent of discovery order.
    pub fn sort_key(&self) -> (&str, &str, &str, &str, &str) {
        (
            self.name.as_str(),
            self.version.as_str(),
            self.kind.as_str(),
            self.purl.as_str(),
            self.primary_path(),
        )
    }
}

/// The operating system of an image or root filesystem, from `os-release`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Distro {
    /// `ID` (`debian`, `alpine`, `rhel`, ...).
    pub id: String,
    /// `VERSION_ID` (`12`, `3.19.1`).
    pub version_id: String,
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub codename: String,
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub pretty_name: String,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub id_like: Vec<String>,
}

/// What was catalogued.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceInfo {
    /// The target as the user named it.
    pub name: String,
    /// `image`, `directory`, `file` or `sbom`.
    pub kind: String,
    /// Image manifest digest, when known.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub digest: Option<String>,
    /// Image layers (diff ids) in order, bottom first.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub layers: Vec<String>,
}

/// Everything found in one target.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sbom {
    pub source: SourceInfo,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub distro: Option<Distro>,
    pub packages: Vec<Package>,
}

impl Sbom {
    /// Sorts packages and their locations so output is the same on every run.
    pub fn normalize(&mut self) {
        for p in &mut self.packages {
            if p.locations.len() > 1 {
                let first = p.locations.remove(0);
                p.locations.sort();
                p.locations.dedup();
                p.locations.insert(0, first);
            }
            p.licenses.dedup();
            p.files.sort();
            p.files.dedup();
        }
        self.packages
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    }
}
