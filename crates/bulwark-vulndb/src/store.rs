//! The advisory database: one SQLite file. Advisories are stored whole (compact JSON) per
//! source, with an index from (ecosystem, package name) to the advisories that name it.
//! Re-importing a source replaces it in one transaction.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use crate::Error;
use crate::import::ParsedSource;
use crate::matcher::{ecosystem_key, name_key};
use crate::model::Advisory;

const SCHEMA_VERSION: &str = "1";

/// Days after which `db status` and scans call the database stale.
pub const STALE_AFTER_DAYS: i64 = 7;

/// The default database file: `$XDG_CACHE_HOME/bulwark/vulndb.sqlite` (or the platform's
/// cache folder).
pub fn default_db_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(dirs::cache_dir)?;
    Some(base.join("bulwark").join("vulndb.sqlite"))
}

/// One imported source, as `db status` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceStatus {
    pub name: String,
    pub origin: String,
    pub formats: String,
    /// RFC 3339 time of the import.
    pub imported_at: String,
    pub advisories: i64,
    /// The newest `modified`/`published` date among its advisories, if any.
    pub newest: Option<String>,
}

/// The database.
pub struct Database {
    conn: Connection,
    path: PathBuf,
}

fn db_err(path: &Path) -> impl Fn(rusqlite::Error) -> Error + '_ {
    move |e| Error::Database(format!("{}: {e}", path.display()))
}

/// The schema version stored in the database, `None` when it has none yet (a new file).
fn schema_version(conn: &Connection, path: &Path) -> Result<Option<String>, Error> {
    let version: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = 'schema'", [], |r| {
            r.get(0)
        })
        .optional()
        .map_err(db_err(path))?;
    match version.as_deref() {
        None | Some(SCHEMA_VERSION) => Ok(version),
        Some(other) => Err(Error::Database(format!(
            "{}: schema version {other}, this bulwark reads version {SCHEMA_VERSION}: delete the file and import again",
            path.display()
        ))),
    }
}

impl Database {
    /// Opens (creating if needed) the database at `path`.
    pub fn open(path: &Path) -> Result<Database, Error> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs_err::create_dir_all(dir).map_err(|e| Error::Io(e.to_string()))?;
        }
        let conn = Connection::open(path).map_err(db_err(path))?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = NORMAL;
             CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS sources (
                 name TEXT PRIMARY KEY, origin TEXT NOT NULL, formats TEXT NOT NULL,
                 imported_at TEXT NOT NULL, advisories INTEGER NOT NULL, newest TEXT);
             CREATE TABLE IF NOT EXISTS advisories (
                 id INTEGER PRIMARY KEY, source TEXT NOT NULL, advisory_id TEXT NOT NULL,
                 body TEXT NOT NULL);
             CREATE INDEX IF NOT EXISTS advisories_source ON advisories (source);
             CREATE INDEX IF NOT EXISTS advisories_id ON advisories (advisory_id);
             CREATE TABLE IF NOT EXISTS affected (
                 ecosystem TEXT NOT NULL, name TEXT NOT NULL, advisory INTEGER NOT NULL);
             CREATE INDEX IF NOT EXISTS affected_key ON affected (ecosystem, name);",
        )
        .map_err(db_err(path))?;
        if schema_version(&conn, path)?.is_none() {
            conn.execute(
                "INSERT INTO meta (key, value) VALUES ('schema', ?1)",
                [SCHEMA_VERSION],
            )
            .map_err(db_err(path))?;
        }
        Ok(Database {
            conn,
            path: path.to_owned(),
        })
    }

    /// Opens an existing database for reading only, as scans do: nothing is created or
    /// written (no tables, no journal-mode change, no checkpoint when it closes), and the
    /// schema is read only when the first query needs it.
    ///
    /// # Errors
    /// [`Error::Database`] when the file is missing, not a database, or of another schema
    /// version.
    pub fn open_read_only(path: &Path) -> Result<Database, Error> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(db_err(path))?;
        // Advisory bodies are read straight from the mapped file rather than copied in
        // page by page.
        conn.query_row("PRAGMA mmap_size = 1073741824", [], |_| Ok(()))
            .optional()
            .map_err(db_err(path))?;
        if schema_version(&conn, path)?.is_none() {
            return Err(Error::Database(format!(
                "{}: not a bulwark advisory database (no schema version): run `bulwark db import` or `db update`",
                path.display()
            )));
        }
        Ok(Database {
            conn,
            path: path.to_owned(),
        })
    }

    /// Leaves the file in rollback-journal mode, with the write-ahead log folded in and
    /// removed, after an import: one self-contained file that read-only scans open without
    /// creating `-wal`/`-shm` files beside it.
    pub fn finish_writing(&self) -> Result<(), Error> {
        self.conn
            .query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))
            .map_err(db_err(&self.path))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Replaces the source `src.name` with the advisories of `src`.
    pub fn replace_source(&mut self, src: &ParsedSource) -> Result<(), Error> {
        let path = self.path.clone();
        let err = db_err(&path);
        let tx = self.conn.transaction().map_err(&err)?;
        tx.execute(
            "DELETE FROM affected WHERE advisory IN (SELECT id FROM advisories WHERE source = ?1)",
            [&src.name],
        )
        .map_err(&err)?;
        tx.execute("DELETE FROM advisories WHERE source = ?1", [&src.name])
            .map_err(&err)?;
        let mut newest: Option<&str> = None;
        {
            let mut ins_adv = tx
                .prepare("INSERT INTO advisories (source, advisory_id, body) VALUES (?1, ?2, ?3)")
                .map_err(&err)?;
            let mut ins_aff = tx
                .prepare("INSERT INTO affected (ecosystem, name, advisory) VALUES (?1, ?2, ?3)")
                .map_err(&err)?;
            let mut keys: Vec<(String, String)> = Vec::new();
            for a in &src.advisories {
                let body = serde_json::to_string(a).map_err(|e| Error::Database(e.to_string()))?;
                ins_adv
                    .execute(params![src.name, a.id, body])
                    .map_err(&err)?;
                let rowid = tx.last_insert_rowid();
                keys.clear();
                for aff in &a.affected {
                    let Some(eco) = ecosystem_key(&aff.ecosystem) else {
                        continue;
                    };
                    let name = name_key(&eco, &aff.name);
                    if !keys.iter().any(|(e, n)| *e == eco && *n == name) {
                        keys.push((eco, name));
                    }
                }
                for (eco, name) in &keys {
                    ins_aff.execute(params![eco, name, rowid]).map_err(&err)?;
                }
                for d in [a.modified.as_deref(), a.published.as_deref()]
                    .into_iter()
                    .flatten()
                {
                    // OSV writes 0001-01-01 when a date is unknown, the Ubuntu tracker `unknown`.
                    if d.starts_with(|c: char| c.is_ascii_digit())
                        && !d.starts_with("0001")
                        && newest.is_none_or(|n| d > n)
                    {
                        newest = Some(d);
                    }
                }
            }
        }
        let formats: Vec<&str> = src.formats.iter().copied().collect();
        tx.execute(
            "INSERT OR REPLACE INTO sources (name, origin, formats, imported_at, advisories, newest)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                src.name,
                src.origin,
                formats.join(","),
                jiff::Timestamp::now().to_string(),
                src.advisories.len() as i64,
                newest,
            ],
        )
        .map_err(&err)?;
        if !src.ecosystems.is_empty() {
            tx.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('ecosystems', ?1)",
                [src.ecosystems.join(",")],
            )
            .map_err(&err)?;
        }
        tx.commit().map_err(&err)
    }

    /// Every source, by name.
    pub fn status(&self) -> Result<Vec<SourceStatus>, Error> {
        let err = db_err(&self.path);
        let mut st = self
            .conn
            .prepare("SELECT name, origin, formats, imported_at, advisories, newest FROM sources ORDER BY name")
            .map_err(&err)?;
        let rows = st
            .query_map([], |r| {
                Ok(SourceStatus {
                    name: r.get(0)?,
                    origin: r.get(1)?,
                    formats: r.get(2)?,
                    imported_at: r.get(3)?,
                    advisories: r.get(4)?,
                    newest: r.get(5)?,
                })
            })
            .map_err(&err)?;
        rows.collect::<Result<_, _>>().map_err(&err)
    }

    /// Days since the most recent import, or `None` for an empty database.
    pub fn age_days(&self) -> Result<Option<i64>, Error> {
        let newest = self
            .status()?
            .into_iter()
            .filter_map(|s| s.imported_at.parse::<jiff::Timestamp>().ok())
            .max();
        Ok(newest.map(|t| (jiff::Timestamp::now().as_second() - t.as_second()) / 86_400))
    }

    /// The advisories (with their source) indexed under an ecosystem key and name key.
    pub fn candidates(
        &self,
        ecosystem: &str,
        name: &str,
    ) -> Result<Vec<(String, Advisory)>, Error> {
        let err = db_err(&self.path);
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT a.source, a.body FROM affected f JOIN advisories a ON a.id = f.advisory
                 WHERE f.ecosystem = ?1 AND f.name = ?2 ORDER BY a.id",
            )
            .map_err(&err)?;
        let rows = st
            .query_map(params![ecosystem, name], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })
            .map_err(&err)?;
        let mut out = Vec::new();
        for row in rows {
            let (source, body) = row.map_err(&err)?;
            let adv: Advisory = serde_json::from_str(&body).map_err(|e| {
                Error::Database(format!("{}: stored advisory: {e}", self.path.display()))
            })?;
            out.push((source, adv));
        }
        Ok(out)
    }

    /// Number of advisories stored.
    pub fn advisory_count(&self) -> Result<i64, Error> {
        self.conn
            .query_row("SELECT COUNT(*) FROM advisories", [], |r| r.get(0))
            .map_err(db_err(&self.path))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn read_only_open_reads_and_never_writes() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("db.sqlite");
        let db = Database::open(&path).unwrap();
        db.finish_writing().unwrap();
        drop(db);
        let listing = || {
            let mut names: Vec<String> = std::fs::read_dir(tmp.path())
                .unwrap()
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            names
        };
        // Rollback-journal mode after writing: one file, no `-wal`/`-shm`.
        assert_eq!(listing(), ["db.sqlite"]);
        let before = std::fs::read(&path).unwrap();
        let db = Database::open_read_only(&path).unwrap();
        assert_eq!(db.advisory_count().unwrap(), 0);
        assert!(db.candidates("Go", "stdlib").unwrap().is_empty());
        drop(db);
        assert_eq!(listing(), ["db.sqlite"]);
        assert_eq!(std::fs::read(&path).unwrap(), before);

        // A missing file is an error and stays missing.
        let missing = tmp.path().join("none.sqlite");
        assert!(Database::open_read_only(&missing).is_err());
        assert!(!missing.exists());

        // A SQLite file that is not an advisory database.
        let other = tmp.path().join("other.sqlite");
        Connection::open(&other)
            .unwrap()
            .execute_batch("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);")
            .unwrap();
        let e = Database::open_read_only(&other).err().unwrap().to_string();
        assert!(e.contains("not a bulwark advisory database"), "{e}");
        let wrong = tmp.path().join("wrong.sqlite");
        Connection::open(&wrong)
            .unwrap()
            .execute_batch(
                "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                 INSERT INTO meta VALUES ('schema', '0');",
            )
            .unwrap();
        let e = Database::open_read_only(&wrong).err().unwrap().to_string();
        assert!(e.contains("schema version 0"), "{e}");
    }
}
