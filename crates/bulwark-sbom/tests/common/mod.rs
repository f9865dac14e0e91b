//! Opens the fixture images with bulwark-oci.
#![allow(dead_code)]

use std::path::Path;

pub fn open_image(path: &Path) -> bulwark_oci::Image {
    let name = path.to_string_lossy();
    let target = if name.contains(".oci.") {
        format!("oci-archive:{name}")
    } else {
        format!("docker-archive:{name}")
    };
    let source = bulwark_oci::ImageSource::parse(&target)
        .expect("target")
        .expect("an image target");
    source
        .open(&bulwark_oci::OpenOptions::default())
        .expect("image opens")
}

pub fn catalog_image(path: &Path) -> bulwark_sbom::Catalog {
    let image = open_image(path);
    let mut src = bulwark_sbom::ImageTreeSource::from_image(&image);
    bulwark_sbom::catalog(&mut src).expect("catalogue")
}
