//! Vulnerability scanning of images and SBOM files inside `bulwark scan`: catalogue the
//! packages, match them against the advisory database, apply `--ignore-unfixed`,
//! `--severity` and `--vex`, and report `SUP001` findings through the common pipeline.

use std::path::PathBuf;

use bulwark_core::{Finding, InputError, Suppression, SuppressionKind, TargetKind, TargetReport};
use bulwark_sbom::Sbom;
use bulwark_vulndb::findings::{VulnFilter, to_finding};
use bulwark_vulndb::vex::{VexStatement, VexSubject, find_suppression, parse_vex};
use bulwark_vulndb::{Database, STALE_AFTER_DAYS, match_package};

use crate::cli::ScanArgs;
use crate::db_cmd::db_path;

/// What matching needs: the database, the filters and the VEX statements.
pub struct VulnScanner {
    db: Database,
    filter: VulnFilter,
    vex: Vec<VexStatement>,
}

impl VulnScanner {
    /// Opens the database (`--db`, else the cache folder) and reads the `--vex` documents.
    /// Scans never download: `bulwark db update` or `db import` fill the database, so
    /// `--offline` changes nothing here; a stale database warns, never blocks.
    pub fn open(args: &ScanArgs) -> Result<VulnScanner, String> {
        let path = db_path(args.db.as_ref())?;
        if !path.exists() {
            return Err(format!(
                "no advisory database at {}: run `bulwark db update` or `bulwark db import FILE…` first, or pass --db PATH",
                path.display()
            ));
        }
        let db = Database::open_read_only(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        if let Ok(Some(age)) = db.age_days()
            && age > STALE_AFTER_DAYS
        {
            eprintln!(
                "warning: the advisory database was last updated {age} days ago: run `bulwark db update`"
            );
        }
        let mut vex = Vec::new();
        for p in &args.vex {
            vex.extend(read_vex(p)?);
        }
        Ok(VulnScanner {
            db,
            filter: VulnFilter {
                ignore_unfixed: args.ignore_unfixed,
                min_severity: args.severity.map(Into::into),
            },
            vex,
        })
    }

    /// The vulnerability findings of an SBOM's packages, VEX suppressions applied.
    pub fn findings(&self, sbom: &Sbom, subject: &VexSubject) -> Result<Vec<Finding>, String> {
        let rule = &bulwark_rules::supply_chain::VULNERABLE_PACKAGE;
        let mut out = Vec::new();
        for p in &sbom.packages {
            let pkg = to_vuln_package(p);
            let matches = match_package(&self.db, &pkg).map_err(|e| e.to_string())?;
            for m in matches.iter().filter(|m| self.filter.keeps(m)) {
                let mut f = to_finding(m, rule);
                if let Some(s) = find_suppression(&self.vex, m, subject) {
                    f.suppressed = Some(Suppression {
                        kind: SuppressionKind::Vex,
                        reason: format!("{} ({})", s.reason, s.document),
                        expires: None,
                        location: None,
                    });
                }
                out.push(f);
            }
        }
        Ok(out)
    }

    /// A target report for a catalogued target: its findings, or the error matching gave.
    pub fn report(
        &self,
        kind: TargetKind,
        path: &str,
        sbom: &Sbom,
        subject: &VexSubject,
    ) -> TargetReport {
        let (findings, errors) = match self.findings(sbom, subject) {
            Ok(f) => (f, Vec::new()),
            Err(message) => (Vec::new(), vec![input_error(path, message)]),
        };
        TargetReport {
            kind,
            path: path.to_owned(),
            findings,
            errors,
        }
    }
}

pub fn input_error(path: &str, message: String) -> InputError {
    InputError {
        path: path.to_owned(),
        line: None,
        column: None,
        message,
    }
}

fn read_vex(p: &PathBuf) -> Result<Vec<VexStatement>, String> {
    let bytes = fs_err::read(p).map_err(|e| format!("--vex: {e}"))?;
    parse_vex(&bytes, &p.display().to_string()).map_err(|e| format!("--vex: {e}"))
}

/// A catalogued package as the matcher looks it up.
pub fn to_vuln_package(p: &bulwark_sbom::Package) -> bulwark_vulndb::Package {
    let source = p.source.as_ref();
    bulwark_vulndb::Package {
        name: p.name.clone(),
        version: p.version.clone(),
        ecosystem: p.ecosystem.as_str().to_owned(),
        purl: Some(p.purl.as_str().to_owned()).filter(|s| !s.is_empty()),
        source_name: source.map(|s| s.name.clone()),
        source_version: source.map(|s| s.version.clone()).filter(|v| !v.is_empty()),
        locations: p.locations.iter().map(|l| l.path.clone()).collect(),
        found_by: p.found_by.clone(),
    }
}
