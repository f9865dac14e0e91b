//! Image targets of `bulwark scan` (and `bulwark sbom`): telling them from paths and
//! opening them with bulwark-oci.

use std::path::PathBuf;

use bulwark_core::{InputError, TargetKind, TargetReport};
use bulwark_oci::{Image, ImageSource, OpenOptions, Platform, RegistryOptions};

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

/// Reads an image target: its report (an input error when it cannot be read) and the image.
/// Vulnerability findings for the image's packages are added by the advisory matcher; until
/// it is wired here, an image target reports read errors only.
pub fn scan_image(
    display: &str,
    source: &ImageSource,
    options: &OpenOptions,
) -> (TargetReport, Option<Image>) {
    let (errors, image) = match source.open(options) {
        Ok(image) => (Vec::new(), Some(image)),
        Err(e) => (
            vec![InputError {
                path: display.to_string(),
                line: None,
                column: None,
                message: e.to_string(),
            }],
            None,
        ),
    };
    let report = TargetReport {
        kind: TargetKind::Image,
        path: display.to_string(),
        findings: Vec::new(),
        errors,
    };
    (report, image)
}
