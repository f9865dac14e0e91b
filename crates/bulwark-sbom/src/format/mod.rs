//! SBOM formats.
