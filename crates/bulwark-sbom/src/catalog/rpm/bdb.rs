//! Berkeley DB hash databases, as rpm's `bdb` backend writes `/var/lib/rpm/Packages`
//! (RHEL/CentOS up to 8, Amazon Linux 2, older SUSE): read page by page, no libdb.
//!
//! Page 0 is the hash metadata page (magic `0x061561`, in the byte order of the machine that
//! wrote it; page size; last page number). Hash pages (types 2 and 13) hold an array of
//! 16-bit item offsets after the 26-byte page header; items alternate key, data. A data item
//! is either on the page (`H_KEYDATA`, type 1) or in a chain of overflow pages (`H_OFFPAGE`,
//! type 3: first page and total length; each overflow page of type 7 carries its byte count
//! in the header's free-offset field). rpm keys each header by its 32-bit instance number;
//! key 0 holds the next instance number, not a header.

const HASH_MAGIC: u32 = 0x0006_1561;
const PAGE_HEADER: usize = 26;
const P_HASH_UNSORTED: u8 = 2;
const P_OVERFLOW: u8 = 7;
const P_HASH: u8 = 13;
const H_KEYDATA: u8 = 1;
const H_OFFPAGE: u8 = 3;

/// Whether a file starts like a Berkeley DB hash database.
pub(crate) fn is_bdb(data: &[u8]) -> bool {
    data.get(12..16).is_some_and(|m| {
        let m = [m[0], m[1], m[2], m[3]];
        u32::from_le_bytes(m) == HASH_MAGIC || u32::from_be_bytes(m) == HASH_MAGIC
    })
}

struct Db<'a> {
    data: &'a [u8],
    page_size: usize,
    pages: usize,
    big_endian: bool,
}

impl<'a> Db<'a> {
    fn u32_at(&self, b: &[u8], at: usize) -> Option<u32> {
        let s = b.get(at..at + 4)?;
        let a = [s[0], s[1], s[2], s[3]];
        Some(if self.big_endian {
            u32::from_be_bytes(a)
        } else {
            u32::from_le_bytes(a)
        })
    }

    fn u16_at(&self, b: &[u8], at: usize) -> Option<u16> {
        let s = b.get(at..at + 2)?;
        let a = [s[0], s[1]];
        Some(if self.big_endian {
            u16::from_be_bytes(a)
        } else {
            u16::from_le_bytes(a)
        })
    }

    fn page(&self, n: usize) -> Option<&'a [u8]> {
        if n >= self.pages {
            return None;
        }
        self.data.get(n * self.page_size..(n + 1) * self.page_size)
    }

    /// The bytes of an overflow chain starting at `pgno`, `len` in total.
    fn overflow(&self, mut pgno: usize, len: usize) -> Result<Vec<u8>, String> {
        let mut out = Vec::with_capacity(len.min(self.data.len()));
        let mut hops = 0;
        while pgno != 0 && out.len() < len {
            hops += 1;
            let page = self
                .page(pgno)
                .filter(|_| hops <= self.pages)
                .ok_or_else(|| format!("overflow chain leads to missing page {pgno}"))?;
            if page[25] != P_OVERFLOW {
                return Err(format!(
                    "page {pgno} in an overflow chain has type {}",
                    page[25]
                ));
            }
            let on_page = self.u16_at(page, 22).unwrap_or(0) as usize;
            let chunk = page
                .get(PAGE_HEADER..PAGE_HEADER + on_page)
                .ok_or_else(|| format!("overflow page {pgno} claims {on_page} bytes"))?;
            out.extend_from_slice(chunk);
            pgno = self.u32_at(page, 16).unwrap_or(0) as usize;
        }
        if out.len() != len {
            return Err(format!(
                "overflow item holds {} bytes, {len} expected",
                out.len()
            ));
        }
        Ok(out)
    }
}

/// Every value stored under a non-zero key, in page order; a malformed item is reported
/// and skipped.
pub(crate) fn values(data: &[u8]) -> Result<(Vec<Vec<u8>>, Vec<String>), String> {
    if !is_bdb(data) {
        return Err("not a Berkeley DB hash database (no hash magic number)".into());
    }
    let big_endian = u32::from_be_bytes([data[12], data[13], data[14], data[15]]) == HASH_MAGIC;
    let mut db = Db {
        data,
        page_size: 0,
        pages: 0,
        big_endian,
    };
    let page_size = db.u32_at(data, 20).unwrap_or(0) as usize;
    if !(512..=65536).contains(&page_size) || !page_size.is_power_of_two() {
        return Err(format!("Berkeley DB page size {page_size} is not valid"));
    }
    if data.get(24).copied().unwrap_or(0) != 0 {
        return Err("encrypted Berkeley DB databases are not supported".into());
    }
    let last = db.u32_at(data, 32).unwrap_or(0) as usize;
    db.page_size = page_size;
    db.pages = (last + 1).min(data.len() / page_size);
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for n in 1..db.pages {
        let Some(page) = db.page(n) else { break };
        if !matches!(page[25], P_HASH | P_HASH_UNSORTED) {
            continue;
        }
        let entries = db.u16_at(page, 20).unwrap_or(0) as usize;
        let offsets: Vec<usize> = (0..entries)
            .map_while(|i| db.u16_at(page, PAGE_HEADER + 2 * i).map(usize::from))
            .collect();
        // item i runs from its offset to the previous item's offset (or the page end)
        let item = |i: usize| -> Option<&[u8]> {
            let end = if i == 0 { page_size } else { offsets[i - 1] };
            page.get(offsets[i]..end)
        };
        for pair in (0..offsets.len()).step_by(2) {
            if pair + 1 >= offsets.len() {
                break;
            }
            let (Some(key), Some(value)) = (item(pair), item(pair + 1)) else {
                problems.push(format!("page {n} item {pair} lies outside the page"));
                continue;
            };
            if key.first() != Some(&H_KEYDATA) || key[1..].iter().all(|&b| b == 0) {
                continue;
            }
            match value.first() {
                Some(&H_KEYDATA) => out.push(value[1..].to_vec()),
                Some(&H_OFFPAGE) => {
                    let (Some(pgno), Some(len)) = (db.u32_at(value, 4), db.u32_at(value, 8)) else {
                        problems.push(format!("page {n} item {pair}: short off-page reference"));
                        continue;
                    };
                    if len as usize > data.len() {
                        problems.push(format!(
                            "page {n} item {pair}: off-page item of {len} bytes is larger than the file"
                        ));
                        continue;
                    }
                    match db.overflow(pgno as usize, len as usize) {
                        Ok(v) => out.push(v),
                        Err(e) => problems.push(format!("page {n} item {pair}: {e}")),
                    }
                }
                // duplicates are not used by rpm's Packages database
                _ => {}
            }
        }
    }
    Ok((out, problems))
}
