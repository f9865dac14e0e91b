//! rpm's sqlite backend (`rpmdb.sqlite`, RHEL 9, Fedora 33+, Amazon Linux 2023): table
//! `Packages (hnum INTEGER PRIMARY KEY, blob BLOB)`, one header blob per row.
//!
//! The file is opened from memory, read-only. rpm keeps the database in WAL mode; an image
//! holds it checkpointed (its `-wal` file empty), and an in-memory database cannot use a
//! WAL, so the copy handed to SQLite is marked as a rollback-journal database (header bytes
//! 18 and 19), which changes nothing in what it reads.

use std::io::Read;

const MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// Whether a file starts like an SQLite database.
pub(crate) fn is_sqlite(data: &[u8]) -> bool {
    data.starts_with(MAGIC)
}

/// Every `Packages.blob`, in `hnum` order.
pub(crate) fn values(data: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    if !is_sqlite(data) || data.len() < 100 {
        return Err("not an SQLite database".into());
    }
    let mut conn = rusqlite::Connection::open_in_memory().map_err(|e| e.to_string())?;
    let journal = [1u8, 1];
    let reader = data[..18].chain(&journal[..]).chain(&data[20..]);
    conn.deserialize_read_exact(rusqlite::MAIN_DB, reader, data.len(), true)
        .map_err(|e| format!("SQLite cannot open the database: {e}"))?;
    let mut stmt = conn
        .prepare("SELECT blob FROM Packages ORDER BY hnum")
        .map_err(|e| format!("no rpm `Packages` table: {e}"))?;
    let rows = stmt
        .query_map([], |row| row.get::<_, Vec<u8>>(0))
        .map_err(|e| e.to_string())?;
    rows.map(|r| r.map_err(|e| format!("reading `Packages`: {e}")))
        .collect()
}
