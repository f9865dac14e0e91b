//! `bulwark-sbom` owns package catalogues and SBOM documents: catalogers for OS packages
//! (dpkg, apk, rpm) and language packages (Python, npm, Go, Rust, Java, Ruby, PHP, .NET) over an
//! image, a root filesystem or a source tree; CycloneDX 1.6 and SPDX 2.3 JSON out and in.
//!
//! Catalogers read a [`FileSource`] in one streaming pass ([`catalog::catalog`]); what they
//! find is an [`Sbom`]: the distribution, and each [`Package`] with its name, version,
//! package URL, OSV ecosystem, source package, licences and locations (file and layer).

pub mod catalog;
pub mod error;
pub mod format;
pub mod model;
pub mod purl;
pub mod source;
pub mod tree;

pub use catalog::{Catalog, catalog};
pub use error::{SbomError, Warning};
pub use model::{
    Distro, Ecosystem, Evidence, Location, Package, PackageType, Sbom, SourceInfo, SourcePackage,
};
pub use purl::{Purl, PurlParts};
pub use source::{DirSource, Entry, EntryKind, FileListSource, FileSource, ImageTreeSource};
