//! A small, bounded ZIP reader for Java archives: the central directory (ZIP64 included),
//! stored and deflated entries. Archives are untrusted: every offset is checked, and
//! inflated sizes are capped.

#[derive(Debug, Clone)]
pub struct ZipEntry {
    pub name: String,
    method: u16,
    compressed: u64,
    pub size: u64,
    local_offset: u64,
}

pub struct ZipArchive<'a> {
    data: &'a [u8],
    pub entries: Vec<ZipEntry>,
}

fn u16_at(d: &[u8], o: usize) -> Option<u16> {
    Some(u16::from_le_bytes(d.get(o..o + 2)?.try_into().ok()?))
}
fn u32_at(d: &[u8], o: usize) -> Option<u32> {
    Some(u32::from_le_bytes(d.get(o..o + 4)?.try_into().ok()?))
}
fn u64_at(d: &[u8], o: usize) -> Option<u64> {
    Some(u64::from_le_bytes(d.get(o..o + 8)?.try_into().ok()?))
}

/// Most entries read from one archive's central directory.
const MAX_ENTRIES: usize = 1 << 20;

impl<'a> ZipArchive<'a> {
    /// Reads the central directory; `None` when this is not a ZIP file.
    pub fn parse(data: &'a [u8]) -> Option<ZipArchive<'a>> {
        // end of central directory: 22 bytes plus a comment of at most 64 KiB
        let search_from = data.len().saturating_sub(22 + 0xffff);
        let eocd = (search_from..=data.len().checked_sub(22)?)
            .rev()
            .find(|&i| data[i..i + 4] == [0x50, 0x4b, 0x05, 0x06])?;
        let mut count = u64::from(u16_at(data, eocd + 10)?);
        let mut cd_offset = u64::from(u32_at(data, eocd + 16)?);
        if (count == 0xffff || cd_offset == 0xffff_ffff) && eocd >= 20 {
            // ZIP64 locator just before the EOCD
            let loc = eocd - 20;
            if u32_at(data, loc)? == 0x0706_4b50 {
                let z64 = usize::try_from(u64_at(data, loc + 8)?).ok()?;
                if u32_at(data, z64)? == 0x0606_4b50 {
                    count = u64_at(data, z64 + 32)?;
                    cd_offset = u64_at(data, z64 + 48)?;
                }
            }
        }
        let mut entries = Vec::new();
        let mut o = usize::try_from(cd_offset).ok()?;
        for _ in 0..count.min(MAX_ENTRIES as u64) {
            if u32_at(data, o)? != 0x0201_4b50 {
                break;
            }
            let method = u16_at(data, o + 10)?;
            let mut compressed = u64::from(u32_at(data, o + 20)?);
            let mut size = u64::from(u32_at(data, o + 24)?);
            let name_len = usize::from(u16_at(data, o + 28)?);
            let extra_len = usize::from(u16_at(data, o + 30)?);
            let comment_len = usize::from(u16_at(data, o + 32)?);
            let mut local_offset = u64::from(u32_at(data, o + 42)?);
            let name = String::from_utf8_lossy(data.get(o + 46..o + 46 + name_len)?).into_owned();
            // ZIP64 extended information extra field
            let extra = data.get(o + 46 + name_len..o + 46 + name_len + extra_len)?;
            let mut e = 0;
            while e + 4 <= extra.len() {
                let id = u16_at(extra, e)?;
                let len = usize::from(u16_at(extra, e + 2)?);
                if id == 1 {
                    let mut f = e + 4;
                    if size == 0xffff_ffff {
                        size = u64_at(extra, f)?;
                        f += 8;
                    }
                    if compressed == 0xffff_ffff {
                        compressed = u64_at(extra, f)?;
                        f += 8;
                    }
                    if local_offset == 0xffff_ffff {
                        local_offset = u64_at(extra, f)?;
                    }
                }
                e += 4 + len;
            }
            entries.push(ZipEntry {
                name,
                method,
                compressed,
                size,
                local_offset,
            });
            o += 46 + name_len + extra_len + comment_len;
        }
        Some(ZipArchive { data, entries })
    }

    /// An entry's content, inflated to at most `limit` bytes; `None` when unreadable, in an
    /// unsupported method, or larger than `limit`.
    pub fn read(&self, entry: &ZipEntry, limit: usize) -> Option<Vec<u8>> {
        if entry.size > limit as u64 {
            return None;
        }
        let o = usize::try_from(entry.local_offset).ok()?;
        if u32_at(self.data, o)? != 0x0403_4b50 {
            return None;
        }
        let name_len = usize::from(u16_at(self.data, o + 26)?);
        let extra_len = usize::from(u16_at(self.data, o + 28)?);
        let start = o + 30 + name_len + extra_len;
        let end = start.checked_add(usize::try_from(entry.compressed).ok()?)?;
        let raw = self.data.get(start..end)?;
        match entry.method {
            0 => Some(raw.to_vec()),
            8 => miniz_oxide::inflate::decompress_to_vec_with_limit(raw, limit).ok(),
            _ => None,
        }
    }

    /// The entry with this exact name.
    pub fn find(&self, name: &str) -> Option<&ZipEntry> {
        self.entries.iter().find(|e| e.name == name)
    }
}
