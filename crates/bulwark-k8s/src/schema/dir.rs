//! User schemas from a folder (kubeconform's `--schema-location DIR`), read and compiled
//! when first needed.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError, RwLock};

use serde_json::Value;

use super::compile::{Arena, Compiler, RefSource, pointer};
use super::schema_stem;

#[derive(Debug, Clone)]
pub(crate) enum Lookup {
    Found(u32),
    Missing,
    Failed(String),
}

pub(crate) struct DirSchemas {
    root: PathBuf,
    state: RwLock<DirState>,
}

#[derive(Default)]
struct DirState {
    arena: Arena,
    refs: HashMap<String, u32>,
    files: Files,
    /// By `<apiVersion>\n<kind>`.
    lookups: HashMap<String, Lookup>,
}

/// Parsed schema documents by path.
#[derive(Default)]
struct Files {
    docs: HashMap<PathBuf, Arc<Value>>,
}

impl Files {
    fn load(&mut self, path: &Path) -> Result<Arc<Value>, String> {
        if let Some(doc) = self.docs.get(path) {
            return Ok(doc.clone());
        }
        let bytes = fs_err::read(path).map_err(|e| e.to_string())?;
        let doc: Value =
            serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        let doc = Arc::new(doc);
        self.docs.insert(path.to_owned(), doc.clone());
        Ok(doc)
    }
}

impl RefSource for Files {
    /// `base` is the path of the referring document.
    fn canonical(&self, reference: &str, base: &str) -> Result<(String, String), String> {
        let (file, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let doc = if file.is_empty() {
            PathBuf::from(base)
        } else {
            let dir = Path::new(base).parent().unwrap_or(Path::new(""));
            if file.starts_with('/') || file.contains("://") {
                // `/api/_definitions.json`, `https://…/_definitions.json`: the file of that
                // name beside the schema, as kubernetes-validate registers it.
                let name = file.rsplit('/').next().unwrap_or(file);
                dir.join(name)
            } else {
                dir.join(file)
            }
        };
        let doc = doc.to_string_lossy().into_owned();
        Ok((format!("{doc}#{fragment}"), doc))
    }

    fn resolve(&mut self, key: &str) -> Result<Value, String> {
        let (file, fragment) = key.rsplit_once('#').unwrap_or((key, ""));
        let doc = self.load(Path::new(file))?;
        pointer(&doc, fragment)
            .cloned()
            .ok_or_else(|| format!("{file}: no `#{fragment}` to resolve a `$ref`"))
    }
}

impl DirSchemas {
    pub fn new(root: PathBuf) -> DirSchemas {
        DirSchemas {
            root,
            state: RwLock::new(DirState::default()),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The candidate files for an object, most specific first.
    fn candidates(&self, api_version: &str, kind: &str) -> Vec<PathBuf> {
        let lower = kind.to_lowercase();
        let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
        let mut out = vec![
            self.root
                .join(format!("{}.json", schema_stem(api_version, kind))),
        ];
        if !group.is_empty() {
            out.push(
                self.root
                    .join(group)
                    .join(format!("{lower}_{version}.json")),
            );
        }
        out.push(self.root.join(format!("{lower}_{version}.json")));
        out
    }

    pub fn lookup(&self, api_version: &str, kind: &str) -> Lookup {
        let key = format!("{api_version}\n{kind}");
        if let Some(found) = self
            .state
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .lookups
            .get(&key)
        {
            return found.clone();
        }
        let mut state = self.state.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(found) = state.lookups.get(&key) {
            return found.clone();
        }
        let found = self.compile(&mut state, api_version, kind);
        state.lookups.insert(key, found.clone());
        found
    }

    fn compile(&self, state: &mut DirState, api_version: &str, kind: &str) -> Lookup {
        let Some(path) = self
            .candidates(api_version, kind)
            .into_iter()
            .find(|p| p.is_file())
        else {
            return Lookup::Missing;
        };
        let DirState {
            arena, refs, files, ..
        } = state;
        let doc = match files.load(&path) {
            Ok(doc) => doc,
            Err(message) => return Lookup::Failed(message),
        };
        let base = path.to_string_lossy().into_owned();
        let before = arena.schemas.len();
        match Compiler::new(arena, refs, files).compile_root(&doc, &base) {
            Ok(id) => Lookup::Found(id),
            Err(message) => {
                // Forget the half-compiled schemas so no later lookup reuses a placeholder.
                arena.schemas.truncate(before);
                refs.retain(|_, id| (*id as usize) < before);
                Lookup::Failed(format!("{}: {message}", path.display()))
            }
        }
    }

    pub fn with_arena<T>(&self, f: impl FnOnce(&Arena) -> T) -> T {
        let state = self.state.read().unwrap_or_else(PoisonError::into_inner);
        f(&state.arena)
    }
}
