//! OpenPGP keyrings as Helm and GnuPG hand them over: binary packet streams (`gpg --export`,
//! legacy `pubring.gpg`/`secring.gpg`), ASCII-armored exports (several blocks may be
//! concatenated) and GnuPG keyboxes (`pubring.kbx`), holding public keys, secret keys or
//! both. Keys are chosen for signing as Helm chooses them (a user ID equal to the name, else
//! the one key whose user ID contains it) and for verification by the signature's issuer.

use std::io::Cursor;
use std::path::Path;

use pgp::composed::{PublicOrSecret, SignedPublicKey, SignedPublicSubKey, SignedSecretKey};
use pgp::packet::{Signature, SignatureType};
use pgp::types::{KeyDetails, Password};

/// Why a keyring could not be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyringError {
    #[error("cannot read keyring {path}: {message}")]
    Read { path: String, message: String },
    #[error("keyring {path} is not an OpenPGP keyring: {message}")]
    Parse { path: String, message: String },
    #[error("keyring {path} holds no keys")]
    Empty { path: String },
    #[error("no key in keyring {path} has a user ID matching {id:?}")]
    NoSuchKey { path: String, id: String },
    #[error("more than one key in keyring {path} has a user ID containing {id:?}: {}", candidates.join("; "))]
    Ambiguous {
        path: String,
        id: String,
        candidates: Vec<String>,
    },
    #[error(
        "key {key} in keyring {path} is a public key: signing needs a secret keyring (`gpg --export-secret-keys`)"
    )]
    NotSecret { path: String, key: String },
    #[error("key {key} is protected by a passphrase: give it with --passphrase-file")]
    PassphraseNeeded { key: String },
    #[error("wrong passphrase for key {key}")]
    WrongPassphrase { key: String },
}

/// One key of a keyring (the public part, and the secret part when the keyring has it).
#[derive(Debug, Clone)]
pub struct KeyringKey {
    pub public: SignedPublicKey,
    pub secret: Option<SignedSecretKey>,
}

impl KeyringKey {
    /// The user IDs, as text.
    pub fn user_ids(&self) -> Vec<String> {
        self.public
            .details
            .users
            .iter()
            .map(|u| String::from_utf8_lossy(u.id.id()).into_owned())
            .collect()
    }

    /// The primary user ID (the one flagged primary, else the first), or the key ID.
    pub fn name(&self) -> String {
        let users = &self.public.details.users;
        users
            .iter()
            .find(|u| u.signatures.iter().any(Signature::is_primary))
            .or(users.first())
            .map(|u| String::from_utf8_lossy(u.id.id()).into_owned())
            .unwrap_or_else(|| format!("key {}", self.key_id()))
    }

    /// The primary key's fingerprint, upper-case hex.
    pub fn fingerprint(&self) -> String {
        format!("{:X}", self.public.primary_key.fingerprint())
    }

    /// The primary key's 64-bit key ID, upper-case hex.
    pub fn key_id(&self) -> String {
        hex_upper(self.public.primary_key.legacy_key_id().as_ref())
    }

    /// `name <fingerprint>` for messages.
    pub fn describe(&self) -> String {
        format!("{} ({})", self.name(), self.fingerprint())
    }

    /// Whether the key (and the subkey that made a signature, if any) is revoked or expired
    /// at `now` (seconds since the epoch). Revocations count only when their signature
    /// verifies against the primary key.
    pub fn check_valid(
        &self,
        subkey: Option<&SignedPublicSubKey>,
        now: u64,
    ) -> Result<(), KeyProblem> {
        let primary = &self.public.primary_key;
        for sig in &self.public.details.revocation_signatures {
            if sig.verify_key(primary).is_ok() {
                return Err(KeyProblem::Revoked {
                    reason: revocation_reason(sig),
                });
            }
        }
        if let Some(at) = self.primary_expiry()
            && now >= at
        {
            return Err(KeyProblem::Expired { at });
        }
        if let Some(sub) = subkey {
            for sig in &sub.signatures {
                if sig.typ() == Some(SignatureType::SubkeyRevocation)
                    && sig.verify_subkey_binding(primary, &sub.key).is_ok()
                {
                    return Err(KeyProblem::Revoked {
                        reason: revocation_reason(sig),
                    });
                }
            }
            let binding = sub
                .signatures
                .iter()
                .filter(|s| s.typ() == Some(SignatureType::SubkeyBinding))
                .max_by_key(|s| s.created().map(|t| t.as_secs()));
            if let Some(secs) = binding
                .and_then(Signature::key_expiration_time)
                .map(|d| d.as_secs())
                .filter(|&s| s > 0)
            {
                let at = u64::from(sub.key.created_at().as_secs()) + u64::from(secs);
                if now >= at {
                    return Err(KeyProblem::Expired { at });
                }
            }
        }
        Ok(())
    }

    /// When the primary key expires: its creation time plus the key expiration time of the
    /// newest self-signature (user ID certifications and direct-key signatures).
    fn primary_expiry(&self) -> Option<u64> {
        let details = &self.public.details;
        let newest = details
            .users
            .iter()
            .flat_map(|u| u.signatures.iter())
            .chain(details.direct_signatures.iter())
            .filter(|s| s.is_certification() || s.typ() == Some(SignatureType::Key))
            .filter(|s| {
                let issuer = self.public.primary_key.legacy_key_id();
                s.issuer_key_id().iter().any(|k| **k == issuer)
                    || s.issuer_fingerprint()
                        .iter()
                        .any(|f| **f == self.public.primary_key.fingerprint())
            })
            .max_by_key(|s| s.created().map(|t| t.as_secs()))?;
        let secs = newest.key_expiration_time()?.as_secs();
        (secs > 0)
            .then(|| u64::from(self.public.primary_key.created_at().as_secs()) + u64::from(secs))
    }
}

/// Why a key may not be trusted any more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyProblem {
    /// Expired at this time (seconds since the epoch).
    Expired { at: u64 },
    /// Revoked, with the reason given in the revocation (may be empty).
    Revoked { reason: String },
}

fn revocation_reason(sig: &Signature) -> String {
    let code = sig
        .revocation_reason_code()
        .map(|c| format!("{c:?}"))
        .unwrap_or_default();
    let text = sig
        .revocation_reason_string()
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default();
    match (code.is_empty(), text.trim().is_empty()) {
        (true, true) => String::new(),
        (false, true) => code,
        (true, false) => text.trim().to_owned(),
        (false, false) => format!("{code}: {}", text.trim()),
    }
}

pub(crate) fn hex_upper(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

/// A set of OpenPGP keys.
#[derive(Debug, Clone, Default)]
pub struct Keyring {
    /// Where it was read from (for messages).
    pub source: String,
    pub keys: Vec<KeyringKey>,
}

impl Keyring {
    /// Reads a keyring file (binary, armored or keybox).
    pub fn load(path: &Path) -> Result<Keyring, KeyringError> {
        let bytes = fs_err::read(path).map_err(|e| KeyringError::Read {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        Keyring::from_bytes(&path.display().to_string(), &bytes)
    }

    /// Parses keyring bytes; `source` names them in errors.
    pub fn from_bytes(source: &str, bytes: &[u8]) -> Result<Keyring, KeyringError> {
        let fail = |message: String| KeyringError::Parse {
            path: source.to_owned(),
            message,
        };
        let mut parsed: Vec<PublicOrSecret> = Vec::new();
        if is_keybox(bytes) {
            for block in keybox_keyblocks(bytes).map_err(fail)? {
                parsed.extend(parse_binary(block).map_err(fail)?);
            }
        } else if let Some(blocks) = armored_blocks(bytes) {
            for block in blocks {
                let (keys, _) = PublicOrSecret::from_armor_many(Cursor::new(block))
                    .map_err(|e| fail(e.to_string()))?;
                for k in keys {
                    parsed.push(k.map_err(|e| fail(e.to_string()))?);
                }
            }
        } else {
            parsed = parse_binary(bytes).map_err(fail)?;
        }
        let mut ring = Keyring {
            source: source.to_owned(),
            keys: Vec::new(),
        };
        for k in parsed {
            ring.add(k);
        }
        if ring.keys.is_empty() {
            return Err(KeyringError::Empty {
                path: source.to_owned(),
            });
        }
        Ok(ring)
    }

    fn add(&mut self, key: PublicOrSecret) {
        let (public, secret) = match key {
            PublicOrSecret::Public(p) => (p, None),
            PublicOrSecret::Secret(s) => (s.to_public_key(), Some(s)),
        };
        let fp = public.primary_key.fingerprint();
        if let Some(existing) = self
            .keys
            .iter_mut()
            .find(|k| k.public.primary_key.fingerprint() == fp)
        {
            if existing.secret.is_none() {
                existing.secret = secret;
            }
            return;
        }
        self.keys.push(KeyringKey { public, secret });
    }

    /// The key to sign with, as Helm picks it: a user ID equal to `id`, else the single key
    /// with a user ID containing `id` (the 64-bit key ID or fingerprint in hex also select).
    pub fn find(&self, id: &str) -> Result<&KeyringKey, KeyringError> {
        let wanted = id.trim_start_matches("0x").to_ascii_uppercase();
        if let Some(k) = self.keys.iter().find(|k| {
            k.user_ids().iter().any(|u| u == id)
                || (wanted.len() >= 8 && (k.fingerprint().ends_with(&wanted)))
        }) {
            return Ok(k);
        }
        let candidates: Vec<&KeyringKey> = self
            .keys
            .iter()
            .filter(|k| k.user_ids().iter().any(|u| u.contains(id)))
            .collect();
        match candidates.as_slice() {
            [] => Err(KeyringError::NoSuchKey {
                path: self.source.clone(),
                id: id.to_owned(),
            }),
            [one] => Ok(one),
            many => Err(KeyringError::Ambiguous {
                path: self.source.clone(),
                id: id.to_owned(),
                candidates: many.iter().map(|k| k.describe()).collect(),
            }),
        }
    }

    /// The key (and subkey) that issued a signature, by issuer fingerprint or key ID.
    pub fn issuer_of(&self, sig: &Signature) -> Option<(&KeyringKey, Option<&SignedPublicSubKey>)> {
        let ids: Vec<Vec<u8>> = sig
            .issuer_key_id()
            .iter()
            .map(|k| k.as_ref().to_vec())
            .collect();
        let fps: Vec<Vec<u8>> = sig
            .issuer_fingerprint()
            .iter()
            .map(|f| f.as_bytes().to_vec())
            .collect();
        let matches =
            |id: &[u8], fp: &[u8]| ids.iter().any(|i| i == id) || fps.iter().any(|f| f == fp);
        for k in &self.keys {
            let p = &k.public.primary_key;
            if matches(p.legacy_key_id().as_ref(), p.fingerprint().as_bytes()) {
                return Some((k, None));
            }
            for sub in &k.public.public_subkeys {
                if matches(
                    sub.key.legacy_key_id().as_ref(),
                    sub.key.fingerprint().as_bytes(),
                ) {
                    return Some((k, Some(sub)));
                }
            }
        }
        None
    }
}

/// A secret key unlocked for signing.
#[derive(Debug)]
pub struct UnlockedKey {
    pub key: KeyringKey,
    pub(crate) secret: SignedSecretKey,
    pub(crate) password: Password,
}

impl UnlockedKey {
    /// Picks the key named `id` in a secret keyring and checks `passphrase` opens it (Helm
    /// reads the first line of `--passphrase-file`; pass that line).
    pub fn open(
        keyring: &Keyring,
        id: &str,
        passphrase: Option<&[u8]>,
    ) -> Result<UnlockedKey, KeyringError> {
        let key = keyring.find(id)?;
        let Some(secret) = key.secret.clone() else {
            return Err(KeyringError::NotSecret {
                path: keyring.source.clone(),
                key: key.describe(),
            });
        };
        let encrypted = secret.primary_key.secret_params().is_encrypted();
        let password = match (encrypted, passphrase) {
            (false, _) => Password::empty(),
            (true, None) => {
                return Err(KeyringError::PassphraseNeeded {
                    key: key.describe(),
                });
            }
            (true, Some(p)) => Password::from(p),
        };
        if encrypted {
            let opened = secret.primary_key.unlock(&password, |_, _| Ok(()));
            if !matches!(opened, Ok(Ok(()))) {
                return Err(KeyringError::WrongPassphrase {
                    key: key.describe(),
                });
            }
        }
        Ok(UnlockedKey {
            key: key.clone(),
            secret,
            password,
        })
    }
}

fn parse_binary(bytes: &[u8]) -> Result<Vec<PublicOrSecret>, String> {
    let bytes = without_trust_packets(bytes)?;
    let keys = PublicOrSecret::from_bytes_many(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    keys.map(|k| k.map_err(|e| e.to_string())).collect()
}

/// The packet stream without GnuPG's local trust packets (tag 12), which legacy keyrings
/// and keyboxes interleave with user IDs and which would otherwise cut keys short.
fn without_trust_packets(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut pos = 0usize;
    while pos < bytes.len() {
        let start = pos;
        let tag_byte = bytes[pos];
        if tag_byte & 0x80 == 0 {
            return Err(format!("invalid OpenPGP packet header at offset {pos}"));
        }
        pos += 1;
        let (tag, len) = if tag_byte & 0x40 != 0 {
            let tag = tag_byte & 0x3f;
            let first = *bytes.get(pos).ok_or("truncated packet length")?;
            pos += 1;
            let len = match first {
                0..=191 => usize::from(first),
                192..=223 => {
                    let second = *bytes.get(pos).ok_or("truncated packet length")?;
                    pos += 1;
                    ((usize::from(first) - 192) << 8) + usize::from(second) + 192
                }
                255 => {
                    let b = bytes.get(pos..pos + 4).ok_or("truncated packet length")?;
                    pos += 4;
                    u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize
                }
                // Partial lengths are for data packets, never in keyrings: keep the rest as is.
                _ => {
                    out.extend_from_slice(&bytes[start..]);
                    return Ok(out);
                }
            };
            (tag, len)
        } else {
            let tag = (tag_byte >> 2) & 0x0f;
            let len = match tag_byte & 3 {
                0 => {
                    let b = *bytes.get(pos).ok_or("truncated packet length")?;
                    pos += 1;
                    usize::from(b)
                }
                1 => {
                    let b = bytes.get(pos..pos + 2).ok_or("truncated packet length")?;
                    pos += 2;
                    usize::from(u16::from_be_bytes([b[0], b[1]]))
                }
                2 => {
                    let b = bytes.get(pos..pos + 4).ok_or("truncated packet length")?;
                    pos += 4;
                    u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize
                }
                _ => bytes.len() - pos,
            };
            (tag, len)
        };
        let end = pos
            .checked_add(len)
            .filter(|&e| e <= bytes.len())
            .ok_or_else(|| format!("OpenPGP packet at offset {start} runs past the end"))?;
        if tag != 12 {
            out.extend_from_slice(&bytes[start..end]);
        }
        pos = end;
    }
    Ok(out)
}

/// The armored blocks of a text keyring (`cat a.asc b.asc > ring.asc` works, as in GnuPG),
/// or `None` when the bytes are not armored.
fn armored_blocks(bytes: &[u8]) -> Option<Vec<&[u8]>> {
    let text = std::str::from_utf8(bytes).ok()?;
    if !text.trim_start().starts_with("-----BEGIN PGP ") {
        return None;
    }
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("-----BEGIN PGP ") {
        let after = &rest[start..];
        let Some(end_marker) = after.find("-----END PGP ") else {
            out.push(after.as_bytes());
            break;
        };
        let tail = &after[end_marker..];
        let line_end = tail.find('\n').map_or(tail.len(), |i| i + 1);
        let block_len = end_marker + line_end;
        out.push(&after.as_bytes()[..block_len]);
        rest = &after[block_len..];
    }
    Some(out)
}

/// A GnuPG keybox starts with a header blob: length, type 1, version 1, flags, `KBXf`.
fn is_keybox(bytes: &[u8]) -> bool {
    bytes.len() >= 12 && bytes[4] == 1 && &bytes[8..12] == b"KBXf"
}

/// The OpenPGP keyblocks of a keybox (blob type 2; X.509 blobs are skipped).
fn keybox_keyblocks(bytes: &[u8]) -> Result<Vec<&[u8]>, String> {
    let mut out = Vec::new();
    let mut pos = 0usize;
    let be32 = |b: &[u8], at: usize| -> Option<usize> {
        b.get(at..at + 4)
            .map(|s| u32::from_be_bytes([s[0], s[1], s[2], s[3]]) as usize)
    };
    while pos < bytes.len() {
        let len = be32(bytes, pos).ok_or("truncated keybox blob header")?;
        if len < 5 || pos + len > bytes.len() {
            return Err(format!(
                "keybox blob at offset {pos} has an invalid length {len}"
            ));
        }
        let blob = &bytes[pos..pos + len];
        if blob[4] == 2 {
            let off = be32(blob, 8).ok_or("truncated keybox OpenPGP blob")?;
            let klen = be32(blob, 12).ok_or("truncated keybox OpenPGP blob")?;
            let block = off
                .checked_add(klen)
                .and_then(|end| blob.get(off..end))
                .ok_or_else(|| format!("keybox blob at offset {pos} points outside itself"))?;
            out.push(block);
        }
        pos += len;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_concatenated_armor_blocks() {
        let text = b"-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nAAAA\n-----END PGP PUBLIC KEY BLOCK-----\n-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nBBBB\n-----END PGP PUBLIC KEY BLOCK-----\n";
        let blocks = armored_blocks(text).expect("armored");
        assert_eq!(blocks.len(), 2);
        assert!(blocks[1].starts_with(b"-----BEGIN"));
        assert!(armored_blocks(b"\x99\x01").is_none());
    }

    #[test]
    fn rejects_keybox_blobs_pointing_outside() {
        let mut kbx = vec![0, 0, 0, 32, 1, 1, 0, 0];
        kbx.extend_from_slice(b"KBXf");
        kbx.resize(32, 0);
        kbx.extend_from_slice(&[0, 0, 0, 16, 2, 1, 0, 0, 0, 0, 0, 200, 0, 0, 0, 9]);
        assert!(is_keybox(&kbx));
        assert!(keybox_keyblocks(&kbx).is_err());
        assert!(Keyring::from_bytes("x", &kbx).is_err());
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for bytes in [
            &b""[..],
            b"\x00\x01\x02",
            b"-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n!!\n",
        ] {
            assert!(Keyring::from_bytes("x", bytes).is_err());
        }
    }
}
