//! cosign-compatible image signatures on the command line: `bulwark sign IMAGE --key
//! cosign.key`, `bulwark verify IMAGE --key cosign.pub`, and the verdict `bulwark scan IMAGE
//! --require-signature --key cosign.pub` turns into findings. Images live in a registry
//! (through bulwark-oci's client) or an OCI image layout folder (`oci:DIR[:NAME]`).

use std::path::Path;

use bulwark_oci::{Error as OciError, ImageSource, Reference, RegistryClient, RegistryOptions};
use bulwark_rules::ArtifactVerdict;
use bulwark_sign::image::{
    ImageDescriptor, ImageVerification, LayoutStore, ReferrerEntry, SignatureStore, StoreError,
    sign_with_bundle, sign_with_signature_tag, verify_image,
};
use bulwark_sign::{CosignPrivateKey, CosignPublicKey};

use crate::cli::{KeyPairArgs, SignArgs};

/// An image whose signatures are read or written, and the store holding them.
pub struct SignedTarget {
    /// The repository as the payload names it (`registry/name`, or the layout's name).
    pub repository: String,
    /// The image's manifest.
    pub image: ImageDescriptor,
    store: Box<dyn SignatureStore>,
}

impl SignedTarget {
    /// Resolves `target` (a registry reference, `docker://…`, or `oci:DIR[:NAME]`).
    pub fn open(target: &str, insecure: bool) -> Result<SignedTarget, String> {
        let source = ImageSource::parse(target)
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("`{target}` is not an image reference"))?;
        match source {
            ImageSource::Registry(reference) => {
                let client = RegistryClient::new(RegistryOptions {
                    insecure,
                    ..RegistryOptions::default()
                });
                let fetched = client
                    .get_manifest(&reference)
                    .map_err(|e| format!("{target}: {e}"))?;
                let image = ImageDescriptor {
                    digest: fetched.digest,
                    media_type: fetched.media_type,
                    size: fetched.bytes.len() as u64,
                };
                Ok(SignedTarget {
                    repository: reference.repository.to_string(),
                    image,
                    store: Box::new(RegistryStore { client, reference }),
                })
            }
            ImageSource::OciDir { path, name } => {
                let store = LayoutStore::open(&path).map_err(|e| e.to_string())?;
                let image = store.image(name.as_deref()).map_err(|e| e.to_string())?;
                Ok(SignedTarget {
                    repository: name.unwrap_or_else(|| layout_name(&path)),
                    image,
                    store: Box::new(store),
                })
            }
            ImageSource::OciArchive { .. } | ImageSource::DockerArchive { .. } => Err(format!(
                "{target}: signatures are stored beside images in a registry or an OCI layout \
                 folder (`oci:DIR`), not in archives"
            )),
        }
    }

    /// The image's signatures checked with `key`.
    pub fn verify(&self, key: &CosignPublicKey) -> Result<ImageVerification, String> {
        verify_image(self.store.as_ref(), key, &self.image.digest).map_err(|e| e.to_string())
    }
}

fn layout_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A repository of a registry as a signature store.
struct RegistryStore {
    client: RegistryClient,
    reference: Reference,
}

impl RegistryStore {
    fn at(&self, tag: Option<&str>, digest: Option<&str>) -> Reference {
        Reference {
            repository: self.reference.repository.clone(),
            tag: tag.map(str::to_owned),
            digest: digest.map(str::to_owned),
        }
    }
}

fn store_error(e: OciError) -> StoreError {
    StoreError(e.to_string())
}

fn is_not_found(e: &OciError) -> bool {
    matches!(e, OciError::Registry { message, .. } if message.starts_with("HTTP 404"))
}

impl SignatureStore for RegistryStore {
    fn tagged_manifest(&self, tag: &str) -> Result<Option<Vec<u8>>, StoreError> {
        match self.client.get_manifest(&self.at(Some(tag), None)) {
            Ok(m) => Ok(Some(m.bytes)),
            Err(e) if is_not_found(&e) => Ok(None),
            Err(e) => Err(store_error(e)),
        }
    }

    fn manifest(&self, digest: &str) -> Result<Vec<u8>, StoreError> {
        self.client
            .get_manifest(&self.at(None, Some(digest)))
            .map(|m| m.bytes)
            .map_err(store_error)
    }

    fn blob(&self, digest: &str, size: u64) -> Result<Vec<u8>, StoreError> {
        let descriptor = bulwark_oci::spec::Descriptor {
            media_type: String::new(),
            digest: digest.to_owned(),
            size,
            platform: None,
            annotations: Default::default(),
            artifact_type: None,
            urls: Vec::new(),
        };
        self.client
            .get_blob_bytes(&self.reference.repository, &descriptor)
            .map_err(store_error)
    }

    fn referrers(
        &self,
        digest: &str,
        artifact_type: &str,
    ) -> Result<Vec<ReferrerEntry>, StoreError> {
        let index = self
            .client
            .referrers(&self.reference.repository, digest, Some(artifact_type))
            .map_err(store_error)?;
        Ok(index
            .manifests
            .into_iter()
            .map(|d| ReferrerEntry {
                digest: d.digest,
                artifact_type: d.artifact_type,
            })
            .collect())
    }

    fn put_blob(&self, media_type: &str, bytes: &[u8]) -> Result<(), StoreError> {
        self.client
            .push_blob_bytes(&self.reference.repository, media_type, bytes)
            .map(|_| ())
            .map_err(store_error)
    }

    fn put_tagged_manifest(
        &self,
        tag: &str,
        media_type: &str,
        bytes: &[u8],
    ) -> Result<(), StoreError> {
        self.client
            .push_manifest(&self.reference.repository, tag, media_type, bytes)
            .map(|_| ())
            .map_err(store_error)
    }

    fn put_referrer(
        &self,
        subject: &str,
        artifact_type: &str,
        media_type: &str,
        bytes: &[u8],
    ) -> Result<(), StoreError> {
        self.client
            .push_referrer(
                &self.reference.repository,
                media_type,
                bytes,
                Some(artifact_type),
                subject,
                Default::default(),
            )
            .map(|_| ())
            .map_err(store_error)
    }
}

/// The password of a cosign key: the first line of `--passphrase-file`, else
/// `$COSIGN_PASSWORD` (cosign's own variable, so scripts written for cosign work unchanged),
/// else empty.
fn key_password(passphrase_file: Option<&Path>) -> Result<Vec<u8>, String> {
    match passphrase_file {
        Some(f) => crate::verify_cmd::first_line(f),
        None => Ok(std::env::var("COSIGN_PASSWORD")
            .unwrap_or_default()
            .into_bytes()),
    }
}

/// `bulwark generate-key-pair [--output-key-prefix P]`: P.key and P.pub as cosign writes them.
pub fn run_generate_key_pair(args: KeyPairArgs) -> Result<u8, String> {
    let password = key_password(args.passphrase_file.as_deref())?;
    let key = CosignPrivateKey::generate();
    let private = key.to_encrypted_pem(&password).map_err(|e| e.to_string())?;
    let prefix = args.output_key_prefix.to_string_lossy().into_owned();
    let (key_path, pub_path) = (format!("{prefix}.key"), format!("{prefix}.pub"));
    for p in [&key_path, &pub_path] {
        if Path::new(p).exists() {
            return Err(format!("{p} exists: not overwriting a key"));
        }
    }
    fs_err::write(&key_path, private).map_err(|e| e.to_string())?;
    fs_err::write(&pub_path, key.public_key().to_pem()).map_err(|e| e.to_string())?;
    println!("Private key written to {key_path}\nPublic key written to {pub_path}");
    Ok(0)
}

/// `bulwark sign IMAGE --key cosign.key [--passphrase-file F] [--bundle]`.
pub fn run_sign(args: SignArgs) -> Result<u8, String> {
    let text = fs_err::read_to_string(&args.key).map_err(|e| e.to_string())?;
    let password = key_password(args.passphrase_file.as_deref())?;
    let key = CosignPrivateKey::from_pem(&text, &password)
        .map_err(|e| format!("{}: {e}", args.key.display()))?;
    let target = SignedTarget::open(&args.image, args.insecure)?;
    let store = target.store.as_ref();
    let written = if args.bundle {
        sign_with_bundle(store, &key, &target.repository, &target.image)
            .map(|d| format!("sigstore bundle {d} referring to it"))
    } else {
        sign_with_signature_tag(store, &key, &target.repository, &target.image)
            .map(|t| format!("signature tag {t}"))
    }
    .map_err(|e| format!("{}: {e}", args.image))?;
    println!(
        "Signed {}@{} ({written})",
        target.repository, target.image.digest
    );
    Ok(0)
}

/// `bulwark verify IMAGE --key cosign.pub`: 0 when a signature verifies, 1 when none does.
pub fn run_verify(image: &str, key_path: &Path, insecure: bool) -> Result<u8, String> {
    let key = load_public_key(key_path)?;
    let target = SignedTarget::open(image, insecure)?;
    let result = target.verify(&key)?;
    let who = format!("{}@{}", target.repository, target.image.digest);
    if !result.is_verified() {
        eprintln!("error: {}", verdict_reason(&who, &result));
        return Ok(1);
    }
    println!("Verification for {who} --");
    println!("The cosign claims were validated; the signatures were verified against the key.");
    for v in &result.verified {
        println!(
            "  {}: {} signed for {}",
            v.form, v.signed.manifest_digest, v.signed.docker_reference
        );
    }
    for r in &result.rejected {
        println!("  ignored {} ({}): {}", r.location, r.form, r.reason);
    }
    Ok(0)
}

/// A cosign public key file (PEM `PUBLIC KEY`).
pub fn load_public_key(path: &Path) -> Result<CosignPublicKey, String> {
    let text = fs_err::read_to_string(path).map_err(|e| e.to_string())?;
    CosignPublicKey::from_pem(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn verdict_reason(who: &str, result: &ImageVerification) -> String {
    if result.is_unsigned() {
        format!("{who}: no signatures found (no signature tag, no sigstore bundle referrer)")
    } else {
        format!(
            "{who}: no signature verifies with the key:\n{}",
            result.reasons()
        )
    }
}

/// The verdict of `scan --require-signature` for one image target.
pub fn image_verdict(
    target: &str,
    key: &CosignPublicKey,
    insecure: bool,
) -> Result<ArtifactVerdict, String> {
    let signed = SignedTarget::open(target, insecure)?;
    let result = signed.verify(key)?;
    Ok(if result.is_verified() {
        ArtifactVerdict::Verified {
            signer: "the given key".to_owned(),
        }
    } else if result.is_unsigned() {
        ArtifactVerdict::Unsigned {
            detail: format!(
                "{}@{} has no signature tag and no sigstore bundle",
                signed.repository, signed.image.digest
            ),
        }
    } else {
        ArtifactVerdict::Invalid {
            reason: result.reasons(),
        }
    })
}
