//! User-supplied values as the helm CLI composes them (`pkg/cli/values`): `-f` files merged
//! left to right, then `--set-json`, `--set`, `--set-string`, `--set-file` and
//! `--set-literal`, each parsed into the same map.

use std::path::PathBuf;

use crate::loader::{LoadError, merge_maps, parse_values};
use crate::strvals::{
    StrvalsError, parse_into, parse_into_file, parse_into_string, parse_json, parse_literal_into,
};
use crate::value::{Map, Value};

/// The values flags of `helm install`/`helm template`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValueOptions {
    /// `-f/--values`.
    pub value_files: Vec<PathBuf>,
    /// `--set-json`.
    pub json_values: Vec<String>,
    /// `--set`.
    pub values: Vec<String>,
    /// `--set-string`.
    pub string_values: Vec<String>,
    /// `--set-file` (`key=path`; the file's text becomes the value).
    pub file_values: Vec<String>,
    /// `--set-literal`.
    pub literal_values: Vec<String>,
}

/// Why user values could not be composed; messages follow the helm CLI's.
#[derive(Debug, thiserror::Error)]
pub enum ValuesError {
    #[error("failed to parse {path}: {source}")]
    File {
        path: String,
        #[source]
        source: Box<LoadError>,
    },
    #[error("failed parsing --{flag} data {line}: {source}")]
    Flag {
        flag: &'static str,
        line: String,
        #[source]
        source: StrvalsError,
    },
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

impl ValueOptions {
    /// Helm's `Options.MergeValues`.
    pub fn merge_values(&self) -> Result<Map, ValuesError> {
        let mut base = Map::new();
        for path in &self.value_files {
            let bytes = fs_err::read(path)?;
            let name = path.display().to_string();
            let current = parse_values(&name, &bytes).map_err(|e| ValuesError::File {
                path: name.clone(),
                source: Box::new(e),
            })?;
            base = merge_maps(base, current);
        }
        self.apply_flags(base)
    }

    /// The `--set` family applied over `base` (what [`ValueOptions::merge_values`] does
    /// after the `-f` files).
    pub fn apply_flags(&self, mut base: Map) -> Result<Map, ValuesError> {
        for line in &self.json_values {
            parse_json(line, &mut base).map_err(flag("set-json", line))?;
        }
        for line in &self.values {
            parse_into(line, &mut base).map_err(flag("set", line))?;
        }
        for line in &self.string_values {
            parse_into_string(line, &mut base).map_err(flag("set-string", line))?;
        }
        for line in &self.file_values {
            let mut read = |path: &str| -> Result<Value, String> {
                fs_err::read(path)
                    .map(|b| Value::String(String::from_utf8_lossy(&b).into_owned()))
                    .map_err(|e| e.to_string())
            };
            parse_into_file(line, &mut base, &mut read).map_err(flag("set-file", line))?;
        }
        for line in &self.literal_values {
            parse_literal_into(line, &mut base).map_err(flag("set-literal", line))?;
        }
        Ok(base)
    }
}

fn flag(flag: &'static str, line: &str) -> impl FnOnce(StrvalsError) -> ValuesError {
    let line = line.to_owned();
    move |source| ValuesError::Flag { flag, line, source }
}
