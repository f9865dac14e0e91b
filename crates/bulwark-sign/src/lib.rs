//! `bulwark-sign` owns signatures: Helm provenance files (OpenPGP cleartext signatures made
//! and checked with rPGP, keyrings as Helm and GnuPG use them: [`keyring`], [`provenance`])
//! and cosign-compatible image signatures (key files, simple-signing payloads, ECDSA P-256,
//! the cosign signature-tag and sigstore-bundle forms: [`cosign`]; storing and finding them
//! beside an image in any manifest/blob store: [`image`]).
//!
//! Nothing here talks to a registry: callers implement [`image::SignatureStore`] over one
//! (an OCI image layout store is included); this crate builds and checks what goes in them.

pub mod cosign;
pub mod image;
pub mod keyring;
pub mod provenance;

pub use cosign::{CosignError, CosignPrivateKey, CosignPublicKey, SignedImage};
pub use keyring::{KeyProblem, Keyring, KeyringError, KeyringKey, UnlockedKey};
pub use provenance::{
    ProvenanceError, ProvenanceFile, Verification, archive_digest, message_block,
};
