//! Values variants of the Helm differential tests: our own values for corpus charts, rendered
//! by the Helm v4 SDK oracle (`cargo xtask helm-goldens`) and by `bulwark-helm` (its
//! `differential` test), compared template by template.
//!
//! Layout, under a variants root (`crates/bulwark-helm/tests/differential`):
//! `<corpus chart id>/<variant>.yaml` is a `-f` values file, `<variant>.flags` holds
//! `--set`, `--set-string` and `--set-json` arguments (one a line, `#` comments), either or
//! both; `<variant>.golden.json` is the oracle's render.

use std::path::{Path, PathBuf};

use crate::walk_files;

/// One values variant of one corpus chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValuesVariant {
    /// The chart's id in `corpus/charts/INDEX.json` (`bitnami__charts/nginx`).
    pub chart: String,
    /// The file stem shared by the variant's files.
    pub name: String,
    /// The `-f` values file, when there is one.
    pub values_file: Option<PathBuf>,
    /// `--set-json` arguments, in order.
    pub set_json: Vec<String>,
    /// `--set` arguments, in order.
    pub set: Vec<String>,
    /// `--set-string` arguments, in order.
    pub set_string: Vec<String>,
    /// Where the oracle's render is kept.
    pub golden: PathBuf,
}

impl ValuesVariant {
    /// `chart/variant`, the variant's name in reports and known-difference lists.
    pub fn id(&self) -> String {
        format!("{}/{}", self.chart, self.name)
    }
}

/// Every variant below `root`, sorted by id. A `.flags` line that is not one of the three
/// flags is an error naming the file and line.
pub fn values_variants(root: &Path) -> Result<Vec<ValuesVariant>, String> {
    let mut out: Vec<ValuesVariant> = Vec::new();
    for path in walk_files(root) {
        let Some(file) = path.file_name().and_then(|f| f.to_str()) else {
            continue;
        };
        let (name, kind) = if let Some(stem) = file.strip_suffix(".yaml") {
            (stem, "yaml")
        } else if let Some(stem) = file.strip_suffix(".flags") {
            (stem, "flags")
        } else {
            continue;
        };
        let dir = path.parent().unwrap_or(root);
        let chart = dir
            .strip_prefix(root)
            .unwrap_or(dir)
            .to_string_lossy()
            .replace('\\', "/");
        let i = match out.iter().position(|v| v.chart == chart && v.name == name) {
            Some(i) => i,
            None => {
                out.push(ValuesVariant {
                    chart,
                    name: name.to_owned(),
                    values_file: None,
                    set_json: Vec::new(),
                    set: Vec::new(),
                    set_string: Vec::new(),
                    golden: dir.join(format!("{name}.golden.json")),
                });
                out.len() - 1
            }
        };
        let v = &mut out[i];
        if kind == "yaml" {
            v.values_file = Some(path.clone());
            continue;
        }
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (flag, arg) = line.split_once(' ').unwrap_or((line, ""));
            let list = match flag {
                "--set" => &mut v.set,
                "--set-string" => &mut v.set_string,
                "--set-json" => &mut v.set_json,
                _ => {
                    return Err(format!(
                        "{}:{}: expected `--set`, `--set-string` or `--set-json` and an argument, found `{line}`",
                        path.display(),
                        n + 1
                    ));
                }
            };
            list.push(arg.trim_start().to_owned());
        }
    }
    out.sort_by_key(ValuesVariant::id);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_values_and_flags_files_and_rejects_unknown_flags() {
        let dir =
            std::env::temp_dir().join(format!("bulwark-test-variants-{}", std::process::id()));
        let chart = dir.join("owner__repo/app");
        std::fs::create_dir_all(&chart).expect("mkdir");
        std::fs::write(chart.join("a.yaml"), "x: 1\n").expect("write");
        std::fs::write(
            chart.join("a.flags"),
            "# comment\n--set b=2\n--set-string c=3\n--set-json d={\"e\": 1}\n",
        )
        .expect("write");
        std::fs::write(chart.join("b.flags"), "--set x=1\n").expect("write");
        std::fs::write(chart.join("a.golden.json"), "{}").expect("write");
        let got = values_variants(&dir).expect("variants");
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].id(), "owner__repo/app/a");
        assert_eq!(got[0].values_file, Some(chart.join("a.yaml")));
        assert_eq!(got[0].set, ["b=2"]);
        assert_eq!(got[0].set_string, ["c=3"]);
        assert_eq!(got[0].set_json, ["d={\"e\": 1}"]);
        assert_eq!(got[1].values_file, None);
        std::fs::write(chart.join("b.flags"), "--values x.yaml\n").expect("write");
        let err = values_variants(&dir).expect_err("unknown flag");
        assert!(err.contains("b.flags:1"), "{err}");
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }
}
