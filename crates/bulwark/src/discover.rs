//! Finding the files to scan under the targets.

use std::path::{Path, PathBuf};

/// What a discovered file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// YAML or JSON that may hold Kubernetes objects.
    Manifest,
    /// A Dockerfile (`Dockerfile`, `Containerfile`, `*.Dockerfile`, `Dockerfile.*`).
    Dockerfile,
    /// A Helm chart: a folder holding `Chart.yaml`, or a `.tgz` archive given as a target.
    Chart,
    /// A lockfile or requirements list (`package-lock.json`, `Cargo.lock`, `go.mod`, …):
    /// its packages are matched against the advisory database.
    Lockfile,
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
    if bulwark_sbom::catalog::is_lockfile(name) {
        return Some(FileKind::Lockfile);
    }
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("yaml" | "yml" | "json") => Some(FileKind::Manifest),
        _ => None,
    }
}

pub fn display_path(p: &Path) -> String {
    let s = p.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_owned).unwrap_or(s)
}

/// Walks the targets: a file is taken as given (whatever its name; a `.tgz` is a chart
/// archive), a folder is walked honouring `.gitignore`/`.ignore` files, keeping YAML and
/// JSON files, Dockerfiles and lockfiles. A folder holding `Chart.yaml` (the target itself or one
/// found while walking) is a chart: it is rendered, so its own files (templates, values,
/// subcharts) are not scanned one by one. `excluded` is asked with each path relative to
/// its target folder.
pub fn discover(
    targets: &[PathBuf],
    excluded: &dyn Fn(&str) -> bool,
) -> Result<Vec<Discovered>, String> {
    let mut out = Vec::new();
    for t in targets {
        let meta = std::fs::metadata(t).map_err(|e| format!("{}: {e}", t.display()))?;
        if meta.is_file() {
            let is_archive = t
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.to_ascii_lowercase().ends_with(".tgz"));
            out.push(Discovered {
                path: t.clone(),
                display: display_path(t),
                kind: if is_archive {
                    FileKind::Chart
                } else {
                    kind_of(t).unwrap_or(FileKind::Manifest)
                },
            });
            continue;
        }
        let first = out.len();
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
        charts_in_place_of_their_files(&mut out, first);
    }
    Ok(out)
}

/// Replaces the files of charts (folders holding `Chart.yaml`) among `out[first..]` by one
/// entry per outermost chart, in walk order; subcharts are part of their parent's render.
fn charts_in_place_of_their_files(out: &mut Vec<Discovered>, first: usize) {
    let mut roots: Vec<PathBuf> = out[first..]
        .iter()
        .filter(|d| d.path.file_name().is_some_and(|n| n == "Chart.yaml"))
        .filter_map(|d| d.path.parent().map(Path::to_path_buf))
        .collect();
    if roots.is_empty() {
        return;
    }
    roots.sort();
    let mut outer: Vec<PathBuf> = Vec::new();
    for r in roots {
        if !outer.iter().any(|o| r.starts_with(o)) {
            outer.push(r);
        }
    }
    let files = out.split_off(first);
    let mut placed = vec![false; outer.len()];
    for d in files {
        match outer.iter().position(|r| d.path.starts_with(r)) {
            Some(i) => {
                if !placed[i] {
                    placed[i] = true;
                    out.push(Discovered {
                        display: display_path(&outer[i]),
                        path: outer[i].clone(),
                        kind: FileKind::Chart,
                    });
                }
            }
            None => out.push(d),
        }
    }
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
