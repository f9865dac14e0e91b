//! `bulwark package`: pack chart folders into the `.tgz` Helm loads, reproducibly (every
//! entry dated `SOURCE_DATE_EPOCH`, else the Unix epoch), and with `--sign` write the Helm
//! provenance file beside each archive.

use std::path::Path;

use bulwark_helm::{PackageOptions, package_dir};

use crate::cli::PackageArgs;

pub fn run(args: PackageArgs) -> Result<u8, String> {
    let options = PackageOptions {
        version: args.version.clone(),
        app_version: args.app_version.clone(),
        mtime: source_date_epoch()?,
    };
    let signer = if args.sign {
        Some(crate::verify_cmd::load_signer(&args)?)
    } else {
        None
    };
    let dest = args.destination.as_deref().unwrap_or(Path::new("."));
    fs_err::create_dir_all(dest).map_err(|e| e.to_string())?;
    for dir in &args.charts {
        let package = package_dir(dir, &options).map_err(|e| format!("{}: {e}", dir.display()))?;
        let path = dest.join(&package.file_name);
        fs_err::write(&path, &package.bytes).map_err(|e| e.to_string())?;
        println!(
            "Successfully packaged chart and saved it to: {}",
            path.display()
        );
        if let Some(signer) = &signer {
            let prov = crate::verify_cmd::sign_package(signer, &package)?;
            let prov_path = dest.join(format!("{}.prov", package.file_name));
            fs_err::write(&prov_path, prov).map_err(|e| e.to_string())?;
            println!(
                "Signed it with {}: {}",
                signer.key.describe(),
                prov_path.display()
            );
        }
    }
    Ok(0)
}

/// `SOURCE_DATE_EPOCH` (seconds), else 0.
fn source_date_epoch() -> Result<u64, String> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) if !v.is_empty() => v
            .parse()
            .map_err(|_| format!("invalid SOURCE_DATE_EPOCH {v:?}: expected seconds since 1970")),
        _ => Ok(0),
    }
}
