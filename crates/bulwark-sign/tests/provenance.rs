//! Helm provenance interop: keyrings in every GnuPG format; bulwark signs and verifies with
//! RSA, Ed25519 and passphrase-protected keys; Helm-signed provenance files (made by the Helm
//! v4 SDK oracle, `fixtures/make-helm-signed.py`) verify; Helm's own test data verifies; each
//! way of failing has its own error. With `$HELM_PY` set, Helm also verifies what bulwark
//! signs and signs what bulwark verifies, live.

#![allow(clippy::print_stderr)]

use std::path::{Path, PathBuf};

use bulwark_sign::provenance::{self, ProvenanceError, ProvenanceFile};
use bulwark_sign::{Keyring, KeyringError, UnlockedKey};

/// 2026-01-01: the revoked key is revoked, the expired key (2020-01-02) has expired.
const NOW: u64 = 1_767_225_600;

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

fn ring(rel: &str) -> Keyring {
    Keyring::load(&fixture(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn passphrase() -> Vec<u8> {
    let text = fs_err::read_to_string(fixture("passphrase.txt")).expect("passphrase");
    text.lines().next().unwrap_or("").as_bytes().to_vec()
}

const SIGNERS: &[(&str, &str)] = &[
    ("rsa", "Bulwark RSA Test <rsa@bulwark.invalid>"),
    ("ed25519", "Bulwark Ed25519 Test <ed25519@bulwark.invalid>"),
    ("pass", "Bulwark Passphrase Test <pass@bulwark.invalid>"),
];

const METADATA: &str = "apiVersion: v2\nappVersion: \"1.0\"\ndescription: Provenance fixture chart\nname: demo\nversion: 0.1.0\n";

#[test]
fn keyrings_in_every_format_hold_the_same_keys() {
    let fingerprints = |r: &Keyring| {
        let mut f: Vec<String> = r.keys.iter().map(|k| k.fingerprint()).collect();
        f.sort();
        f
    };
    let reference = fingerprints(&ring("pubring.gpg"));
    assert_eq!(reference.len(), 5);
    for rel in ["pubring.asc", "pubring.kbx", "secring.gpg", "secring.asc"] {
        assert_eq!(fingerprints(&ring(rel)), reference, "{rel}");
    }
    assert!(ring("secring.gpg").keys.iter().all(|k| k.secret.is_some()));
    assert!(ring("pubring.kbx").keys.iter().all(|k| k.secret.is_none()));
    // GnuPG's trust packets (keybox, legacy keyrings) do not hide the user IDs.
    assert!(
        ring("pubring.kbx")
            .keys
            .iter()
            .all(|k| k.user_ids().len() == 1)
    );
}

#[test]
fn choosing_and_unlocking_keys() {
    let secret = ring("secring.gpg");
    assert!(matches!(
        secret.find("bulwark.invalid"),
        Err(KeyringError::Ambiguous { .. })
    ));
    assert!(matches!(
        secret.find("nobody@example"),
        Err(KeyringError::NoSuchKey { .. })
    ));
    assert_eq!(
        secret
            .find("Bulwark RSA Test <rsa@bulwark.invalid>")
            .map(|k| k.name())
            .ok()
            .as_deref(),
        Some("Bulwark RSA Test <rsa@bulwark.invalid>")
    );
    assert!(matches!(
        UnlockedKey::open(&secret, "pass@", None),
        Err(KeyringError::PassphraseNeeded { .. })
    ));
    assert!(matches!(
        UnlockedKey::open(&secret, "pass@", Some(b"wrong")),
        Err(KeyringError::WrongPassphrase { .. })
    ));
    assert!(UnlockedKey::open(&secret, "pass@", Some(&passphrase())).is_ok());
    assert!(matches!(
        UnlockedKey::open(&ring("pubring.gpg"), "rsa@", None),
        Err(KeyringError::NotSecret { .. })
    ));
}

/// bulwark signs (binary and armored secret keyrings) and verifies (every public format).
#[test]
fn bulwark_signs_and_verifies_with_each_key() {
    let archive = fs_err::read(fixture("helm-signed/rsa/demo-0.1.0.tgz")).expect("archive");
    let pass = passphrase();
    for secret_ring in ["secring.gpg", "secring.asc"] {
        let secret = ring(secret_ring);
        for (id, name) in SIGNERS {
            let pw = (*id == "pass").then_some(pass.as_slice());
            let key = UnlockedKey::open(&secret, &format!("{id}@"), pw).expect("opens");
            let text = provenance::sign(&key, METADATA, &archive, "demo-0.1.0.tgz").expect("signs");
            assert!(text.starts_with(
                "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\napiVersion: v2\n"
            ));
            assert!(text.contains("\n...\nfiles:\n  demo-0.1.0.tgz: sha256:"));
            let prov = ProvenanceFile::parse(&text).expect("parses");
            for public in ["pubring.gpg", "pubring.asc", "pubring.kbx"] {
                let v = prov
                    .verify(&archive, "demo-0.1.0.tgz", &ring(public), NOW)
                    .unwrap_or_else(|e| panic!("{secret_ring} {id} {public}: {e}"));
                assert_eq!(v.signer, *name);
                assert_eq!(v.file_hash, provenance::archive_digest(&archive));
            }
        }
    }
}

#[test]
fn helm_signed_provenance_verifies() {
    for (id, name) in SIGNERS {
        let dir = fixture(&format!("helm-signed/{id}"));
        let archive = fs_err::read(dir.join("demo-0.1.0.tgz")).expect("archive");
        let text = fs_err::read_to_string(dir.join("demo-0.1.0.tgz.prov")).expect("prov");
        let prov = ProvenanceFile::parse(&text).expect("parses");
        for public in ["pubring.gpg", "pubring.asc", "pubring.kbx"] {
            let v = prov
                .verify(&archive, "demo-0.1.0.tgz", &ring(public), NOW)
                .unwrap_or_else(|e| panic!("{id} {public}: {e}"));
            assert_eq!(v.signer, *name);
        }
        // The metadata part is Chart.yaml as Helm writes it back, as bulwark writes it.
        assert_eq!(prov.metadata, METADATA);
    }
}

fn helm_signed(id: &str) -> (Vec<u8>, String) {
    let dir = fixture(&format!("helm-signed/{id}"));
    (
        fs_err::read(dir.join("demo-0.1.0.tgz")).expect("archive"),
        fs_err::read_to_string(dir.join("demo-0.1.0.tgz.prov")).expect("prov"),
    )
}

fn verify(archive: &[u8], text: &str) -> Result<String, ProvenanceError> {
    ProvenanceFile::parse(text)?
        .verify(archive, "demo-0.1.0.tgz", &ring("pubring.gpg"), NOW)
        .map(|v| v.signer)
}

#[test]
fn each_failure_has_its_own_error() {
    let (archive, text) = helm_signed("rsa");
    assert!(verify(&archive, &text).is_ok());

    let mut tampered_archive = archive.clone();
    let last = tampered_archive.len() - 1;
    tampered_archive[last] ^= 1;
    let e = verify(&tampered_archive, &text).expect_err("tampered archive");
    assert!(matches!(e, ProvenanceError::TamperedPackage { .. }), "{e}");
    assert!(
        e.to_string()
            .contains("chart archive demo-0.1.0.tgz has been tampered with"),
        "{e}"
    );

    let tampered_prov = text.replace("version: 0.1.0", "version: 0.1.1");
    let e = verify(&archive, &tampered_prov).expect_err("tampered provenance");
    assert!(
        matches!(e, ProvenanceError::TamperedProvenance { .. }),
        "{e}"
    );

    let (a, t) = helm_signed("stranger");
    let e = verify(&a, &t).expect_err("unknown key");
    assert!(matches!(e, ProvenanceError::UnknownKey { .. }), "{e}");

    let (a, t) = helm_signed("expired");
    let e = verify(&a, &t).expect_err("expired key");
    assert!(matches!(e, ProvenanceError::ExpiredKey { .. }), "{e}");
    assert!(e.to_string().contains("expired on 2020-01-02"), "{e}");

    let (a, t) = helm_signed("revoked");
    let e = verify(&a, &t).expect_err("revoked key");
    assert!(matches!(e, ProvenanceError::RevokedKey { .. }), "{e}");

    let e = ProvenanceFile::parse(&text)
        .expect("parses")
        .verify(&archive, "other-0.1.0.tgz", &ring("pubring.gpg"), NOW)
        .expect_err("other file");
    assert!(matches!(e, ProvenanceError::MissingFile { .. }), "{e}");

    let e = verify(&archive, "not a provenance file").expect_err("malformed");
    assert!(matches!(e, ProvenanceError::Malformed(_)), "{e}");
}

/// Helm's own test data: the hashtest provenance and a GnuPG-signed message block verify
/// with Helm's test key; the tampered block does not.
#[test]
fn helm_testdata_verifies() {
    let key = ring("helm-testdata/helm-test-key.asc");
    let text =
        fs_err::read_to_string(fixture("helm-testdata/hashtest-1.2.3.tgz.prov")).expect("prov");
    let prov = ProvenanceFile::parse(&text).expect("parses");
    let (signer, _) = prov
        .verify_signature(&key, NOW)
        .expect("Helm's signature verifies");
    assert!(
        signer.name().contains("helm-testing@helm.sh"),
        "{}",
        signer.name()
    );
    assert_eq!(
        prov.files.get("hashtest-1.2.3.tgz").map(String::as_str),
        Some("sha256:c6841b3a895f1444a6738b5d04564a57e860ce42f8519c3be807fb6d9bee7888")
    );
    let block = fs_err::read_to_string(fixture("helm-testdata/msgblock.yaml.asc")).expect("asc");
    let parsed = ProvenanceFile::parse(&block).expect("parses");
    assert!(parsed.verify_signature(&key, NOW).is_ok());
    assert!(
        parsed
            .metadata
            .starts_with("description: Test chart versioning\n")
    );
    let tampered =
        fs_err::read_to_string(fixture("helm-testdata/msgblock.yaml.tampered")).expect("tampered");
    let e = ProvenanceFile::parse(&tampered)
        .expect("parses")
        .verify_signature(&key, NOW)
        .expect_err("tampered");
    assert!(
        matches!(e, ProvenanceError::TamperedProvenance { .. }),
        "{e}"
    );
}

/// Live interop with the Helm SDK oracle (skipped without `$HELM_PY`): Helm verifies what
/// bulwark signed, with each key; bulwark verifies what Helm signs now.
#[test]
fn live_helm_interop_matrix() {
    let Some(py) = std::env::var_os("HELM_PY") else {
        eprintln!("skipping: HELM_PY not set");
        return;
    };
    let tmp = tempfile::tempdir().expect("tempdir");
    let archive = fs_err::read(fixture("helm-signed/rsa/demo-0.1.0.tgz")).expect("archive");
    let pass = passphrase();
    let secret = ring("secring.gpg");
    for (id, name) in SIGNERS {
        let dir = tmp.path().join(id);
        fs_err::create_dir_all(&dir).expect("dir");
        let path = dir.join("demo-0.1.0.tgz");
        fs_err::write(&path, &archive).expect("write");
        // bulwark signs, Helm verifies.
        let pw = (*id == "pass").then_some(pass.as_slice());
        let key = UnlockedKey::open(&secret, &format!("{id}@"), pw).expect("opens");
        let text = provenance::sign(&key, METADATA, &archive, "demo-0.1.0.tgz").expect("signs");
        fs_err::write(dir.join("demo-0.1.0.tgz.prov"), &text).expect("write prov");
        // Helm v4.2 reads binary keyrings only (armored ones and keyboxes fail to load there).
        let out = std::process::Command::new(&py)
            .args(["-c", "import sys, json, helm_python as h; print(json.dumps(h.verify(sys.argv[1], sys.argv[2])))"])
            .arg(&path)
            .arg(fixture("pubring.gpg"))
            .output()
            .expect("oracle runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.contains(name),
            "Helm on bulwark's {id}: {stdout} {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // Helm signs, bulwark verifies.
        let helm_dir = tmp.path().join(format!("helm-{id}"));
        fs_err::create_dir_all(&helm_dir).expect("dir");
        let helm_path = helm_dir.join("demo-0.1.0.tgz");
        fs_err::write(&helm_path, &archive).expect("write");
        let mut cmd = std::process::Command::new(&py);
        cmd.args(["-c", "import sys, helm_python as h; h.sign(sys.argv[1], key=sys.argv[2], keyring=sys.argv[3], passphrase_file=(sys.argv[4] or None))"])
            .arg(&helm_path)
            .arg(format!("{id}@"))
            .arg(fixture("secring.gpg"))
            .arg(if *id == "pass" { fixture("passphrase.txt") } else { PathBuf::new() });
        let out = cmd.output().expect("oracle runs");
        assert!(
            out.status.success(),
            "Helm signing with {id}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = fs_err::read_to_string(helm_dir.join("demo-0.1.0.tgz.prov")).expect("prov");
        assert_eq!(
            verify(&archive, &text).ok().as_deref(),
            Some(*name),
            "bulwark on Helm's {id}"
        );
    }
}
