//! `bulwark verify`: check a chart archive against its Helm provenance file (signature by a
//! key of the keyring, then the archive's SHA-256), or an image's cosign signature; and the
//! signing half of `bulwark package --sign`.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use bulwark_helm::{ChartPackage, load_archive, metadata_yaml};
use bulwark_sign::{Keyring, UnlockedKey, provenance};

use crate::cli::{PackageArgs, VerifyArgs};

pub fn run(args: VerifyArgs) -> Result<u8, String> {
    if let Some(key) = &args.key {
        return crate::image_sign::run_verify(&args.target.to_string_lossy(), key, args.insecure);
    }
    let text = args.target.to_string_lossy();
    if !args.target.exists() && matches!(bulwark_oci::ImageSource::parse(&text), Ok(Some(_))) {
        return Err(format!(
            "`{text}` is an image: verifying its signatures needs --key FILE (a cosign public key)"
        ));
    }
    let keyring_path = args.keyring.clone().or_else(default_keyring).ok_or(
        "no keyring: pass --keyring FILE (a GnuPG public keyring: binary, armored or keybox)",
    )?;
    let keyring = Keyring::load(&keyring_path).map_err(|e| e.to_string())?;
    let verification = match verify_chart(&args.target, &keyring) {
        Ok(v) => v,
        // Verification ran and failed: a finding, not a usage error.
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(1);
        }
    };
    println!(
        "Signed by: {}\nUsing Key With Fingerprint: {}\nChart Hash Verified: {}",
        verification.signer, verification.fingerprint, verification.file_hash
    );
    Ok(0)
}

/// Verifies `CHART.tgz` against `CHART.tgz.prov` now.
pub fn verify_chart(archive: &Path, keyring: &Keyring) -> Result<provenance::Verification, String> {
    verify_chart_at(archive, keyring, now())
}

/// Verifies `CHART.tgz` against `CHART.tgz.prov` at time `now`.
pub fn verify_chart_at(
    archive: &Path,
    keyring: &Keyring,
    now: u64,
) -> Result<provenance::Verification, String> {
    provenance::verify_archive_file(archive, keyring, now)
        .map_err(|e| format!("{}: {e}", archive.display()))
}

pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// GnuPG's public keyring: `$GNUPGHOME` (else `~/.gnupg`) `/pubring.kbx` or `pubring.gpg`.
pub fn default_keyring() -> Option<PathBuf> {
    let home = std::env::var_os("GNUPGHOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".gnupg")))?;
    ["pubring.kbx", "pubring.gpg"]
        .iter()
        .map(|f| home.join(f))
        .find(|p| p.is_file())
}

/// The key of `package --sign --key NAME --keyring FILE [--passphrase-file F]`.
pub fn load_signer(args: &PackageArgs) -> Result<UnlockedKey, String> {
    let key = args.key.as_deref().ok_or("--sign needs --key NAME")?;
    let keyring_path = args
        .keyring
        .clone()
        .or_else(|| {
            let home = std::env::var_os("GNUPGHOME")
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".gnupg")))?;
            Some(home.join("secring.gpg"))
        })
        .ok_or("--sign needs --keyring FILE (a secret keyring)")?;
    let keyring = Keyring::load(&keyring_path).map_err(|e| e.to_string())?;
    let passphrase = match &args.passphrase_file {
        Some(f) => Some(first_line(f)?),
        None => None,
    };
    UnlockedKey::open(&keyring, key, passphrase.as_deref()).map_err(|e| e.to_string())
}

/// The first line of a passphrase file (`-` reads standard input), as Helm reads it.
pub fn first_line(path: &Path) -> Result<Vec<u8>, String> {
    let bytes = if path == Path::new("-") {
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut b).map_err(|e| e.to_string())?;
        b
    } else {
        fs_err::read(path).map_err(|e| e.to_string())?
    };
    let line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    Ok(line.strip_suffix(b"\r").unwrap_or(line).to_vec())
}

/// The provenance text of a packaged chart: its archive's metadata as Helm writes it back,
/// and the archive's digest, clear-signed.
pub fn sign_package(key: &UnlockedKey, package: &ChartPackage) -> Result<String, String> {
    let chart = load_archive(&package.file_name, &package.bytes, &Default::default(), 0)
        .map_err(|e| e.to_string())?;
    provenance::sign(
        key,
        &metadata_yaml(&chart.metadata),
        &package.bytes,
        &package.file_name,
    )
    .map_err(|e| e.to_string())
}
