//! Image targets of `bulwark scan` (and `bulwark sbom`): telling them from paths and
//! opening them with bulwark-oci.

use std::path::PathBuf;

use bulwark_oci::{ImageSource, OpenOptions, Platform, RegistryOptions};

use crate::cli::ImageArgs;

/// How to open images, from the command line.
pub fn open_options(args: &ImageArgs) -> Result<OpenOptions, String> {
    let platform = match &args.platform {
        Some(p) => Some(Platform::parse(p).map_err(|e| e.to_string())?),
        None => None,
    };
    Ok(OpenOptions {
        platform,
        registry: RegistryOptions {
            insecure: args.insecure,
            ..RegistryOptions::default()
        },
        ..OpenOptions::default()
    })
}

/// An image target: as written, and where the image comes from.
pub type ImageTarget = (String, ImageSource);

/// Splits targets into images and paths.
pub fn split_targets(targets: &[PathBuf]) -> Result<(Vec<ImageTarget>, Vec<PathBuf>), String> {
    let mut images = Vec::new();
    let mut paths = Vec::new();
    for t in targets {
        let text = t.to_string_lossy();
        match ImageSource::parse(&text).map_err(|e| e.to_string())? {
            Some(source) => images.push((text.into_owned(), source)),
            None => paths.push(t.clone()),
        }
    }
    Ok((images, paths))
}
