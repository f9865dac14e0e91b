//! `bulwark db import|status`: the offline advisory database.

use std::path::PathBuf;
use std::time::Instant;

use bulwark_vulndb::{Database, STALE_AFTER_DAYS, default_db_path, parse_input};

use crate::cli::{DbArgs, DbCommand};

/// The database path: `--db`, else the cache folder.
pub fn db_path(flag: Option<&PathBuf>) -> Result<PathBuf, String> {
    match flag {
        Some(p) => Ok(p.clone()),
        None => {
            default_db_path().ok_or_else(|| "no cache folder is known: pass --db PATH".to_owned())
        }
    }
}

pub fn run(args: DbArgs) -> Result<u8, String> {
    match args.command {
        DbCommand::Import { paths, db } => import(&paths, db.as_ref()),
        DbCommand::Status { db } => status(db.as_ref()),
        DbCommand::Update {
            source,
            ecosystems,
            db,
        } => update(&source, &ecosystems, db.as_ref()),
    }
}

fn import(paths: &[PathBuf], db: Option<&PathBuf>) -> Result<u8, String> {
    let path = db_path(db)?;
    let mut database = Database::open(&path).map_err(|e| e.to_string())?;
    let mut code = 0;
    for p in paths {
        let started = Instant::now();
        let src = match parse_input(p) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error: {}: {e}", p.display());
                code = 2;
                continue;
            }
        };
        for issue in &src.issues {
            eprintln!(
                "warning: {}: {}: {}",
                p.display(),
                issue.path,
                issue.message
            );
        }
        database.replace_source(&src).map_err(|e| e.to_string())?;
        println!(
            "{}: {} advisories from {} files ({}) in {:.2}s",
            src.name,
            src.advisories.len(),
            src.files,
            src.formats.iter().copied().collect::<Vec<_>>().join(", "),
            started.elapsed().as_secs_f64()
        );
    }
    database.finish_writing().map_err(|e| e.to_string())?;
    println!("database: {}", path.display());
    Ok(code)
}

fn update(source: &str, ecosystems: &[String], db: Option<&PathBuf>) -> Result<u8, String> {
    let path = db_path(db)?;
    let mut database = Database::open(&path).map_err(|e| e.to_string())?;
    let ecosystems: Vec<String> = if ecosystems.is_empty() {
        bulwark_vulndb::update::DEFAULT_ECOSYSTEMS
            .iter()
            .map(|e| (*e).to_owned())
            .collect()
    } else {
        ecosystems.to_vec()
    };
    let started = Instant::now();
    let mut code = 0;
    for u in bulwark_vulndb::update::update(&mut database, source, &ecosystems) {
        match &u.result {
            Ok(src) => {
                for issue in &src.issues {
                    eprintln!("warning: {}: {}: {}", u.origin, issue.path, issue.message);
                }
                println!(
                    "{}: {} advisories from {} files",
                    src.name,
                    src.advisories.len(),
                    src.files
                );
            }
            Err(e) => {
                eprintln!("error: {}: {e}", u.ecosystem);
                code = 2;
            }
        }
    }
    database.finish_writing().map_err(|e| e.to_string())?;
    println!(
        "database: {} ({:.2}s)",
        path.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(code)
}

fn status(db: Option<&PathBuf>) -> Result<u8, String> {
    let path = db_path(db)?;
    if !path.exists() {
        println!(
            "no advisory database at {}: run `bulwark db import` or `bulwark db update`",
            path.display()
        );
        return Ok(0);
    }
    let database = Database::open(&path).map_err(|e| e.to_string())?;
    let sources = database.status().map_err(|e| e.to_string())?;
    println!("database: {}", path.display());
    println!(
        "{:<28} {:>10}  {:<22} {:<25} formats",
        "source", "advisories", "imported", "newest advisory"
    );
    for s in &sources {
        println!(
            "{:<28} {:>10}  {:<22} {:<25} {}",
            s.name,
            s.advisories,
            s.imported_at.split('.').next().unwrap_or(&s.imported_at),
            s.newest.as_deref().unwrap_or("-"),
            s.formats
        );
    }
    if let Some(age) = database.age_days().map_err(|e| e.to_string())? {
        if age > STALE_AFTER_DAYS {
            eprintln!(
                "warning: the advisory database was last imported {age} days ago: run `bulwark db update` (scans still use it)"
            );
        } else {
            println!("age: {age} days");
        }
    }
    Ok(0)
}
