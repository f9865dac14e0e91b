//! `bulwark sbom TARGET`: catalogue an image, a folder or an SBOM file and write the SBOM.

use std::io::Write;
use std::path::Path;

use bulwark_sbom::format::{Format, WriteOptions, write};
use bulwark_sbom::{Catalog, DirSource, ImageTreeSource, Sbom};

use crate::cli::{SbomArgs, SbomFormat};

/// Catalogues a target: an image (`oci:`, `oci-archive:`, `docker-archive:`), a folder, or
/// an SBOM file read back.
pub fn catalog_target(target: &str) -> Result<Catalog, String> {
    if let Some(source) = bulwark_oci::ImageSource::parse(target).map_err(|e| e.to_string())? {
        return catalog_image(&source, target, &bulwark_oci::OpenOptions::default())
            .map(|(c, _)| c);
    }
    let path = Path::new(target);
    if path.is_dir() {
        let mut src = DirSource::new(path);
        return bulwark_sbom::catalog(&mut src).map_err(|e| format!("{target}: {e}"));
    }
    if path.is_file() {
        let bytes = fs_err::read(path).map_err(|e| e.to_string())?;
        let sbom: Sbom = bulwark_sbom::format::read_sbom(&bytes, target).map_err(|e| {
            format!("{e} (a file target must be an SBOM; name images as oci:DIR, oci-archive:FILE or docker-archive:FILE)")
        })?;
        return Ok(Catalog {
            sbom,
            warnings: Vec::new(),
        });
    }
    Err(format!(
        "{target}: no such file or folder (registry references are not supported yet: pull the image with `docker save` or `skopeo copy` and use docker-archive:FILE)"
    ))
}

/// Catalogues an image; also returns what the image is known by (the target as written, its
/// names, manifest and config digests), which VEX statements may name.
pub fn catalog_image(
    source: &bulwark_oci::ImageSource,
    target: &str,
    options: &bulwark_oci::OpenOptions,
) -> Result<(Catalog, Vec<String>), String> {
    let image = source.open(options).map_err(|e| format!("{target}: {e}"))?;
    let mut src = ImageTreeSource::from_image(&image);
    let catalog = bulwark_sbom::catalog(&mut src).map_err(|e| format!("{target}: {e}"))?;
    let mut identities = vec![target.to_owned(), image.source.clone()];
    identities.extend(image.names.iter().cloned());
    identities.extend(image.manifest_digest.iter().cloned());
    identities.extend(image.index_digest.iter().cloned());
    identities.push(image.config_digest.clone());
    Ok((catalog, identities))
}

/// RFC 3339 creation time: `SOURCE_DATE_EPOCH` when set (reproducible builds), else now.
fn created() -> String {
    let ts = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| jiff::Timestamp::from_second(secs).ok())
        .unwrap_or_else(jiff::Timestamp::now);
    ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

pub fn run(args: SbomArgs) -> Result<u8, String> {
    let catalog = catalog_target(&args.target)?;
    for w in &catalog.warnings {
        eprintln!("warning: {}: {}", w.path, w.message);
    }
    let format = match args.format {
        SbomFormat::CyclonedxJson => Format::CycloneDxJson,
        SbomFormat::SpdxJson => Format::SpdxJson,
        SbomFormat::Json => Format::Json,
    };
    let options = WriteOptions {
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        created: Some(created()),
    };
    let text = write(&catalog.sbom, format, &options);
    match &args.output {
        Some(p) => fs_err::write(p, text.as_bytes()).map_err(|e| e.to_string())?,
        None => {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(text.as_bytes());
        }
    }
    Ok(0)
}
