//! Chart provenance in `bulwark scan`: chart archives (`*.tgz`) given as targets or found in
//! scanned folders are checked against the `.prov` beside them. With `--verify`, an archive
//! without a provenance file is a finding (`SUP010`); a provenance file that does not verify
//! is always one (`SUP011`) when a keyring is available.

use std::path::{Path, PathBuf};

use bulwark_core::TargetReport;
use bulwark_rules::{ArtifactKind, ArtifactVerdict, Config, artifact_report};
use bulwark_sign::Keyring;

use crate::cli::ScanArgs;

/// Whether a path names a chart archive.
pub fn is_chart_archive(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with(".tgz"))
}

/// The provenance targets of a scan.
pub fn scan(args: &ScanArgs, config: &Config) -> Result<Vec<TargetReport>, String> {
    let archives = chart_archives(&args.targets, &|p| config.is_excluded(p))?;
    if archives.is_empty() {
        return Ok(Vec::new());
    }
    let keyring_path = args
        .keyring
        .clone()
        .or_else(crate::verify_cmd::default_keyring);
    let keyring = match (&keyring_path, args.verify) {
        (Some(p), _) => Some(Keyring::load(p).map_err(|e| e.to_string())?),
        (None, true) => {
            return Err("--verify needs --keyring FILE (a GnuPG public keyring)".to_owned());
        }
        (None, false) => None,
    };
    let now = crate::verify_cmd::now();
    let mut out = Vec::new();
    for archive in archives {
        let display = archive.to_string_lossy().replace('\\', "/");
        let prov = PathBuf::from(format!("{}.prov", archive.display()));
        let verdict = if !prov.is_file() {
            if !args.verify {
                continue;
            }
            ArtifactVerdict::Unsigned {
                detail: format!("no `{}` beside it", file_name(&prov)),
            }
        } else {
            let Some(keyring) = &keyring else { continue };
            match bulwark_sign::provenance::verify_archive_file(&archive, keyring, now) {
                Ok(v) => ArtifactVerdict::Verified { signer: v.signer },
                Err(e) => ArtifactVerdict::Invalid {
                    reason: e.to_string(),
                },
            }
        };
        out.push(artifact_report(
            &display,
            ArtifactKind::ChartArchive,
            &verdict,
            config,
        ));
    }
    Ok(out)
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Chart archives among the targets: files named `*.tgz`, and those found walking folders
/// (honouring `.gitignore`, as the rest of the scan does).
fn chart_archives(
    targets: &[PathBuf],
    excluded: &dyn Fn(&str) -> bool,
) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for t in targets {
        if t.is_file() {
            if is_chart_archive(t) {
                out.push(t.clone());
            }
            continue;
        }
        if !t.is_dir() {
            continue;
        }
        let walker = ignore::WalkBuilder::new(t)
            .hidden(true)
            .git_ignore(true)
            .git_global(false)
            .require_git(false)
            .follow_links(false)
            .sort_by_file_path(|a, b| a.cmp(b))
            .build();
        for entry in walker {
            let entry = entry.map_err(|e| e.to_string())?;
            let p = entry.path();
            if !entry.file_type().is_some_and(|ft| ft.is_file()) || !is_chart_archive(p) {
                continue;
            }
            let rel = p
                .strip_prefix(t)
                .unwrap_or(p)
                .to_string_lossy()
                .replace('\\', "/");
            if !excluded(&rel) {
                out.push(p.to_owned());
            }
        }
    }
    Ok(out)
}
