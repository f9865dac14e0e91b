//! Finding the files to scan under the targets.

use std::path::{Path, PathBuf};

/// What a discovered file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// YAML or JSON that may hold Kubernetes objects.
    Manifest,
    /// A Dockerfile (`Dockerfile`, `Containerfile`, `*.Dockerfile`, `Dockerfile.*`).
    Dockerfile,
}

/// Whether a file name is a Dockerfile's: `Dockerfile`, `Containerfile`, `*.Dockerfile`,
/// `*.dockerfile`, `Dockerfile.*` (`Dockerfile.prod`; not `Dockerfile.md` or other documents).
pub fn is_dockerfile_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if lower == "dockerfile" || lower == "containerfile" {
        return true;
    }
    if lower.ends_with(".dockerfile") || lower.ends_with(".containerfile") {
        return true;
    }
    if let Some(rest) = lower
        .strip_prefix("dockerfile.")
        .or_else(|| lower.strip_prefix("containerfile."))
    {
        return !matches!(
            rest,
            "md" | "txt"
                | "rst"
                | "json"
                | "yaml"
                | "yml"
                | "orig"
                | "bak"
                | "swp"
                | "dockerignore"
        );
    }
    false
}

/// A file to scan: its path on disk and the path shown in reports.
#[derive(Debug, Clone)]
pub struct Discovered {
    pub path: PathBuf,
    pub display: String,
    pub kind: FileKind,
}

fn kind_of(path: &Path) -> Option<FileKind> {
    let name = path.file_name()?.to_str()?;
    if is_dockerfile_name(name) {
        return Some(FileKind::Dockerfile);
    }
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("yaml" | "yml" | "json") => Some(FileKind::Manifest),
        _ => None,
    }
}

fn display_path(p: &Path) -> String {
    let s = p.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_owned).unwrap_or(s)
}

/// Walks the targets: a file is taken as given (whatever its name), a folder is walked
/// honouring `.gitignore`/`.ignore` files, keeping YAML and JSON files and Dockerfiles. `excluded` is asked
/// with each path relative to its target folder.
pub fn discover(
    targets: &[PathBuf],
    excluded: &dyn Fn(&str) -> bool,
) -> Result<Vec<Discovered>, String> {
    let mut out = Vec::new();
    for t in targets {
        let meta = std::fs::metadata(t).map_err(|e| format!("{}: {e}", t.display()))?;
        if meta.is_file() {
            // Chart archives are checked by the provenance scan.
            if crate::provenance_scan::is_chart_archive(t) {
                continue;
            }
            out.push(Discovered {
                path: t.clone(),
                display: display_path(t),
                kind: kind_of(t).unwrap_or(FileKind::Manifest),
            });
            continue;
        }
        let walker = ignore::WalkBuilder::new(t)
            .hidden(true)
            .git_ignore(true)
            .git_global(false)
            .git_exclude(true)
            .require_git(false)
            .follow_links(false)
            .sort_by_file_path(|a, b| a.cmp(b))
            .build();
        for entry in walker {
            let entry = entry.map_err(|e| e.to_string())?;
            if !entry.file_type().is_some_and(|ft| ft.is_file()) {
                continue;
            }
            let p = entry.path();
            let Some(kind) = kind_of(p) else { continue };
            let rel = p.strip_prefix(t).unwrap_or(p);
            if excluded(&display_path(rel)) {
                continue;
            }
            out.push(Discovered {
                path: p.to_owned(),
                display: display_path(p),
                kind,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::is_dockerfile_name;

    #[test]
    fn dockerfile_names() {
        for n in [
            "Dockerfile",
            "dockerfile",
            "Containerfile",
            "web.Dockerfile",
            "Dockerfile.prod",
            "build.dockerfile",
        ] {
            assert!(is_dockerfile_name(n), "{n}");
        }
        for n in [
            "Dockerfile.md",
            "Dockerfile.dockerignore",
            ".dockerignore",
            "Dockerfiles",
            "notes.txt",
        ] {
            assert!(!is_dockerfile_name(n), "{n}");
        }
    }
}
