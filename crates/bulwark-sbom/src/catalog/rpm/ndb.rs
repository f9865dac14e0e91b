//! rpm's own "ndb" package database (`/usr/lib/sysimage/rpm/Packages.db`, SUSE since
//! 15 SP3 / Tumbleweed): a 32-byte header (magic `RpmP`, version 0, generation, number of
//! 4 KiB slot pages), then slots of 16 bytes (magic `Slot`, package index, block offset,
//! block count; index 0 is a free slot), then blobs in 16-byte blocks: a head (magic
//! `BlbS`, package index, write time, blob length), the header blob, zero padding and a
//! tail ending the last block (Adler-32 of head, blob and padding; blob length; magic
//! `BlbE`). All little-endian (rpm's `lib/backend/ndb/rpmpkg.c`).

const DB_MAGIC: u32 = u32::from_le_bytes(*b"RpmP");
const SLOT_MAGIC: u32 = u32::from_le_bytes(*b"Slot");
const BLOB_MAGIC: u32 = u32::from_le_bytes(*b"BlbS");
const TAIL_MAGIC: u32 = u32::from_le_bytes(*b"BlbE");
const PAGE: usize = 4096;
const BLOCK: usize = 16;
const HEAD: usize = 16;
const TAIL: usize = 12;
/// rpm refuses more slot pages than this, and so do we.
const MAX_SLOT_PAGES: usize = 2048;

fn le32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// Whether a file starts like an ndb package database.
pub(crate) fn is_ndb(data: &[u8]) -> bool {
    le32(data, 0) == Some(DB_MAGIC)
}

/// Every package blob, in slot order; a damaged blob is reported and skipped.
pub(crate) fn values(data: &[u8]) -> Result<(Vec<Vec<u8>>, Vec<String>), String> {
    if !is_ndb(data) {
        return Err("not an rpm ndb database (no `RpmP` magic)".into());
    }
    if le32(data, 4) != Some(0) {
        return Err(format!(
            "rpm ndb database version {} is not supported",
            le32(data, 4).unwrap_or(0)
        ));
    }
    let slot_pages = le32(data, 12).unwrap_or(0) as usize;
    if slot_pages == 0 || slot_pages > MAX_SLOT_PAGES || slot_pages * PAGE > data.len() {
        return Err(format!(
            "rpm ndb database declares {slot_pages} slot pages in {} bytes",
            data.len()
        ));
    }
    let mut out = Vec::new();
    let mut problems = Vec::new();
    // the header takes the place of the first two slots
    for at in (32..slot_pages * PAGE).step_by(16) {
        let field = |k: usize| le32(data, at + 4 * k).unwrap_or(0);
        if field(0) != SLOT_MAGIC {
            problems.push(format!("slot at byte {at} has a bad magic number"));
            break;
        }
        let (pkg, off, cnt) = (field(1), field(2) as usize, field(3) as usize);
        if pkg == 0 {
            continue;
        }
        let start = off.saturating_mul(BLOCK);
        let end = start.saturating_add(cnt.saturating_mul(BLOCK));
        let Some(area) = data.get(start..end).filter(|a| a.len() >= HEAD + TAIL) else {
            problems.push(format!(
                "package {pkg}: blob blocks {off}+{cnt} lie outside the file"
            ));
            continue;
        };
        let len = le32(area, 12).unwrap_or(0) as usize;
        if le32(area, 0) != Some(BLOB_MAGIC) || le32(area, 4) != Some(pkg) {
            problems.push(format!("package {pkg}: blob head does not match its slot"));
            continue;
        }
        if HEAD + len + TAIL > area.len() {
            problems.push(format!(
                "package {pkg}: blob of {len} bytes does not fit its {cnt} blocks"
            ));
            continue;
        }
        let tail = area.len() - TAIL;
        if le32(area, tail + 8) != Some(TAIL_MAGIC) || le32(area, tail + 4) != Some(len as u32) {
            problems.push(format!("package {pkg}: blob tail does not match its head"));
            continue;
        }
        if le32(area, tail) != Some(adler2::adler32_slice(&area[..tail])) {
            problems.push(format!("package {pkg}: blob checksum does not match"));
            continue;
        }
        out.push(area[HEAD..HEAD + len].to_vec());
    }
    Ok((out, problems))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_short_and_foreign_files() {
        assert!(values(b"RpmP").is_err());
        assert!(values(&[0u8; 64]).is_err());
        let mut d = vec![0u8; PAGE];
        d[..4].copy_from_slice(b"RpmP");
        d[12..16].copy_from_slice(&5u32.to_le_bytes());
        assert!(values(&d).is_err());
    }
}
