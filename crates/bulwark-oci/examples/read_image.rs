//! Opens each image target given and reads every regular file of its squashed filesystem;
//! prints the time of each step. `cargo run --release -p bulwark-oci --example read_image --
//! oci-archive:…/debian-polyglot.oci.tar`

#![allow(clippy::print_stdout)]

use std::time::Instant;

use bulwark_oci::{Error, ImageSource, OpenOptions};

fn main() -> Result<(), Error> {
    let skip_verify = std::env::var_os("SKIP_VERIFY").is_some();
    for target in std::env::args().skip(1) {
        let t0 = Instant::now();
        let source = ImageSource::parse(&target)?
            .ok_or_else(|| Error::Usage(format!("{target}: not an image target")))?;
        let image = source.open(&OpenOptions {
            skip_verify,
            ..OpenOptions::default()
        })?;
        let opened = t0.elapsed();
        let mut bytes = 0u64;
        let mut files = 0u64;
        image.fs().for_each_file::<Error>(
            |e| e.is_file(),
            |_, r| {
                bytes += std::io::copy(r, &mut std::io::sink())
                    .map_err(|e| Error::Usage(e.to_string()))?;
                files += 1;
                Ok(())
            },
        )?;
        println!(
            "{target}: {} entries, {} layers, opened in {:.3}s; read {files} files ({bytes} bytes) in {:.3}s",
            image.fs().entries().len(),
            image.layers().len(),
            opened.as_secs_f64(),
            (t0.elapsed() - opened).as_secs_f64()
        );
    }
    Ok(())
}
