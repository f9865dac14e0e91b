//! Helm provenance files (`<chart>-<version>.tgz.prov`), written and checked as Helm's
//! `pkg/provenance` does.
//!
//! A provenance file is an OpenPGP cleartext-signed message (hash SHA-512) whose text is the
//! chart's `Chart.yaml` as Helm writes it back, a blank line, the YAML document-end marker
//! `...`, and a `files:` map from the archive's file name to `sha256:<hex>` of the archive:
//!
//! ```text
//! -----BEGIN PGP SIGNED MESSAGE-----
//! Hash: SHA512
//!
//! apiVersion: v2
//! name: demo
//! version: 0.1.0
//!
//! ...
//! files:
//!   demo-0.1.0.tgz: sha256:4c1f…
//! -----BEGIN PGP SIGNATURE-----
//! …
//! -----END PGP SIGNATURE-----
//! ```
//!
//! Verification checks the signature against a keyring first (unknown key, bad signature,
//! then revoked or expired key, each its own error), then the archive's digest (a changed
//! archive is told apart from a changed provenance file).

use std::collections::BTreeMap;

use pgp::composed::{ArmorOptions, CleartextSignedMessage};
use pgp::crypto::hash::HashAlgorithm;
use pgp::packet::{SignatureConfig, SignatureType, Subpacket, SubpacketData};
use pgp::types::{KeyDetails, Timestamp};
use sha2::{Digest, Sha256};

use crate::keyring::{KeyProblem, Keyring, UnlockedKey, hex_upper};

/// Why a provenance file could not be written or did not verify.
#[derive(Debug, thiserror::Error)]
pub enum ProvenanceError {
    #[error("provenance file is malformed: {0}")]
    Malformed(String),
    #[error("provenance was signed by key {key_id}, which is not in keyring {keyring}")]
    UnknownKey { key_id: String, keyring: String },
    #[error(
        "provenance file has been tampered with: the signature by {key} does not match its text"
    )]
    TamperedProvenance { key: String },
    #[error(
        "chart archive {file} has been tampered with: its sha256 is {actual}, the provenance file signed {expected}"
    )]
    TamperedPackage {
        file: String,
        expected: String,
        actual: String,
    },
    #[error("provenance file has no sha256 for {file} (it lists: {})", listed.join(", "))]
    MissingFile { file: String, listed: Vec<String> },
    #[error("signing key {key} expired on {}", utc_date(*at))]
    ExpiredKey { key: String, at: u64 },
    #[error("signing key {key} has been revoked{}", if reason.is_empty() { String::new() } else { format!(" ({reason})") })]
    RevokedKey { key: String, reason: String },
    #[error("cannot sign: {0}")]
    Sign(String),
    #[error("cannot read {path}: {message}")]
    Read { path: String, message: String },
}

/// What a successful verification establishes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// The signer's primary user ID.
    pub signer: String,
    /// The signing key's primary fingerprint.
    pub fingerprint: String,
    /// The archive file name and its `sha256:<hex>` as signed.
    pub file_name: String,
    pub file_hash: String,
    /// Signature creation time (seconds since the epoch), when the signature carries it.
    pub signed_at: Option<u64>,
}

/// Verifies the archive at `archive` against the provenance file beside it
/// (`<archive>.prov`) at time `now` (seconds since the epoch).
pub fn verify_archive_file(
    archive: &std::path::Path,
    keyring: &Keyring,
    now: u64,
) -> Result<Verification, ProvenanceError> {
    let read = |p: &std::path::Path| {
        fs_err::read(p).map_err(|e| ProvenanceError::Read {
            path: p.display().to_string(),
            message: e.to_string(),
        })
    };
    let bytes = read(archive)?;
    let prov_path = std::path::PathBuf::from(format!("{}.prov", archive.display()));
    let prov_text = String::from_utf8_lossy(&read(&prov_path)?).into_owned();
    let file_name = archive
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    ProvenanceFile::parse(&prov_text)?.verify(&bytes, &file_name, keyring, now)
}

/// `sha256:<hex>` of archive bytes.
pub fn archive_digest(archive: &[u8]) -> String {
    let sum = Sha256::digest(archive);
    let hex: String = sum.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// The signed text Helm builds: the metadata, `\n...\n`, then the `files:` block.
pub fn message_block(metadata_yaml: &str, archive: &[u8], file_name: &str) -> String {
    let files = serde_json::json!({ "files": { file_name: archive_digest(archive) } });
    format!(
        "{metadata_yaml}\n...\n{}",
        bulwark_yaml::emit::to_yaml(&files)
    )
}

/// Clear-signs the message block of an archive with `key`, as `helm package --sign` does
/// (SHA-512, text signature, primary key); returns the provenance file's text.
pub fn sign(
    key: &UnlockedKey,
    metadata_yaml: &str,
    archive: &[u8],
    file_name: &str,
) -> Result<String, ProvenanceError> {
    // Helm v4 signs the whole block, its last line break included (a blank line then
    // precedes the signature armor).
    clear_sign(key, &message_block(metadata_yaml, archive, file_name))
}

/// An OpenPGP cleartext signature of `text`.
pub fn clear_sign(key: &UnlockedKey, text: &str) -> Result<String, ProvenanceError> {
    let fail = |e: pgp::errors::Error| ProvenanceError::Sign(e.to_string());
    let primary = &key.secret.primary_key;
    let mut config = SignatureConfig::v4(
        SignatureType::Text,
        primary.algorithm(),
        HashAlgorithm::Sha512,
    );
    config.hashed_subpackets = vec![
        Subpacket::regular(SubpacketData::SignatureCreationTime(Timestamp::now())).map_err(fail)?,
        Subpacket::regular(SubpacketData::IssuerFingerprint(primary.fingerprint()))
            .map_err(fail)?,
    ];
    config.unhashed_subpackets = vec![
        Subpacket::regular(SubpacketData::IssuerKeyId(primary.legacy_key_id())).map_err(fail)?,
    ];
    let msg = CleartextSignedMessage::new(text, config, primary, &key.password).map_err(fail)?;
    // As Helm v4 writes it: no armor checksum line, nothing after the last armor line.
    let armored = msg
        .to_armored_string(ArmorOptions {
            headers: None,
            include_checksum: false,
        })
        .map_err(fail)?;
    Ok(armored.trim_end_matches(['\n', '\r']).to_owned())
}

/// A parsed provenance file (nothing verified yet).
#[derive(Debug, Clone)]
pub struct ProvenanceFile {
    /// The signed text, dash-unescaped, with `\n` line ends.
    pub text: String,
    /// The metadata part (the chart's `Chart.yaml`).
    pub metadata: String,
    /// `files:` entries: archive name → `sha256:<hex>`.
    pub files: BTreeMap<String, String>,
    message: CleartextSignedMessage,
}

impl ProvenanceFile {
    /// Parses the cleartext armor and the message block (`…\n...\nfiles: …`).
    pub fn parse(input: &str) -> Result<ProvenanceFile, ProvenanceError> {
        let start = input
            .find("-----BEGIN PGP SIGNED MESSAGE-----")
            .ok_or_else(|| ProvenanceError::Malformed("signature block not found".into()))?;
        let (message, _) = CleartextSignedMessage::from_string(&input[start..])
            .map_err(|e| ProvenanceError::Malformed(e.to_string()))?;
        if message.signatures().is_empty() {
            return Err(ProvenanceError::Malformed(
                "no signature in the signature block".into(),
            ));
        }
        let text = unescape(message.text());
        let mut parts = text.splitn(3, "\n...\n");
        let metadata = parts.next().unwrap_or_default().to_owned();
        let sums = parts.next().ok_or_else(|| {
            ProvenanceError::Malformed(
                "message block must have at least two parts (metadata, `...`, files)".into(),
            )
        })?;
        let files = parse_files(sums)?;
        Ok(ProvenanceFile {
            text,
            metadata,
            files,
            message,
        })
    }

    /// Checks the signature against `keyring` at time `now` (seconds since the epoch),
    /// then that `archive` (named `file_name`) has the digest the file signed.
    pub fn verify(
        &self,
        archive: &[u8],
        file_name: &str,
        keyring: &Keyring,
        now: u64,
    ) -> Result<Verification, ProvenanceError> {
        let (key, signed_at) = self.verify_signature(keyring, now)?;
        let actual = archive_digest(archive);
        let Some(expected) = self.files.get(file_name) else {
            return Err(ProvenanceError::MissingFile {
                file: file_name.to_owned(),
                listed: self.files.keys().cloned().collect(),
            });
        };
        if *expected != actual {
            return Err(ProvenanceError::TamperedPackage {
                file: file_name.to_owned(),
                expected: expected.clone(),
                actual,
            });
        }
        Ok(Verification {
            signer: key.name(),
            fingerprint: key.fingerprint(),
            file_name: file_name.to_owned(),
            file_hash: actual,
            signed_at,
        })
    }

    /// The key that made a valid signature over the text.
    pub fn verify_signature<'k>(
        &self,
        keyring: &'k Keyring,
        now: u64,
    ) -> Result<(&'k crate::keyring::KeyringKey, Option<u64>), ProvenanceError> {
        let signed = self.message.signed_text();
        let mut first_error = None;
        for sig in self.message.signatures() {
            let Some((key, subkey)) = keyring.issuer_of(sig) else {
                let issuer = sig
                    .issuer_fingerprint()
                    .first()
                    .map(|f| format!("{f:X}"))
                    .or_else(|| sig.issuer_key_id().first().map(|k| hex_upper(k.as_ref())))
                    .unwrap_or_else(|| "(no issuer in the signature)".to_owned());
                first_error.get_or_insert(ProvenanceError::UnknownKey {
                    key_id: issuer,
                    keyring: keyring.source.clone(),
                });
                continue;
            };
            let verified = match subkey {
                Some(sub) => sig.verify(&sub.key, signed.as_bytes()),
                None => sig.verify(&key.public.primary_key, signed.as_bytes()),
            };
            if verified.is_err() {
                first_error.get_or_insert(ProvenanceError::TamperedProvenance {
                    key: key.describe(),
                });
                continue;
            }
            return match key.check_valid(subkey, now) {
                Ok(()) => Ok((key, sig.created().map(|t| u64::from(t.as_secs())))),
                Err(KeyProblem::Expired { at }) => Err(ProvenanceError::ExpiredKey {
                    key: key.describe(),
                    at,
                }),
                Err(KeyProblem::Revoked { reason }) => Err(ProvenanceError::RevokedKey {
                    key: key.describe(),
                    reason,
                }),
            };
        }
        Err(first_error.unwrap_or_else(|| {
            ProvenanceError::Malformed("no signature in the signature block".into())
        }))
    }
}

/// Undoes dash escaping and normalizes line ends to `\n`.
fn unescape(csf: &str) -> String {
    csf.split_inclusive('\n')
        .map(|line| {
            let line = line.strip_prefix("- ").unwrap_or(line);
            line.replace("\r\n", "\n")
        })
        .collect()
}

/// The `files:` map of the second part of a message block.
fn parse_files(yaml: &str) -> Result<BTreeMap<String, String>, ProvenanceError> {
    let docs = bulwark_yaml::load_str(yaml).map_err(|e| {
        ProvenanceError::Malformed(format!("files block: line {}: {}", e.line, e.message))
    })?;
    let Some(root) = docs.first().map(|d| &d.root) else {
        return Ok(BTreeMap::new());
    };
    let Some(files) = root.get("files").filter(|f| !f.is_null()) else {
        return Ok(BTreeMap::new());
    };
    let mut out = BTreeMap::new();
    for e in files.entries() {
        let value = e.value.scalar_text().ok_or_else(|| {
            ProvenanceError::Malformed(format!(
                "files block: the value of {:?} is not a string",
                e.key.key_string()
            ))
        })?;
        out.insert(e.key.key_string(), value.to_owned());
    }
    if files.entries().is_empty() && !matches!(files.kind, bulwark_yaml::NodeKind::Mapping(_)) {
        return Err(ProvenanceError::Malformed(
            "files block: `files` is not a mapping".into(),
        ));
    }
    Ok(out)
}

/// `YYYY-MM-DD` (UTC) of a time in seconds since the epoch.
pub fn utc_date(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_block_as_helm_builds_it() {
        let block = message_block(
            "apiVersion: v1\nname: hashtest\nversion: 1.2.3\n",
            b"abc",
            "hashtest-1.2.3.tgz",
        );
        assert_eq!(
            block,
            "apiVersion: v1\nname: hashtest\nversion: 1.2.3\n\n...\nfiles:\n  hashtest-1.2.3.tgz: sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n"
        );
    }

    #[test]
    fn dates() {
        assert_eq!(utc_date(0), "1970-01-01");
        assert_eq!(utc_date(1_700_000_000), "2023-11-14");
        assert_eq!(utc_date(951_782_400), "2000-02-29");
    }

    #[test]
    fn malformed_inputs_are_errors() {
        for text in [
            "",
            "no armor at all",
            "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nx\n",
            "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nx\n-----BEGIN PGP SIGNATURE-----\n\n-----END PGP SIGNATURE-----\n",
        ] {
            assert!(
                matches!(
                    ProvenanceFile::parse(text),
                    Err(ProvenanceError::Malformed(_))
                ),
                "{text:?}"
            );
        }
    }
}
