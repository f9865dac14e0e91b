//! Executables (ELF, Mach-O, PE): sections read with the `object` crate, then handed to the
//! Go build-info and cargo-auditable readers.

use object::{Object, ObjectSection};

use super::{golang, rust};
use crate::model::{Location, Package};

/// Whether the first four bytes start an ELF, Mach-O (thin or fat) or PE file.
pub fn is_executable(magic: &[u8; 4]) -> bool {
    matches!(
        magic,
        [0x7f, b'E', b'L', b'F']
            | [0xfe, 0xed, 0xfa, 0xce | 0xcf]
            | [0xce | 0xcf, 0xfa, 0xed, 0xfe]
            | [0xca, 0xfe, 0xba, 0xbe]
            | [b'M', b'Z', _, _]
    )
}

/// A section's bytes by name (`.go.buildinfo`, `__go_buildinfo`, `.dep-v0`).
pub(crate) fn section<'a>(file: &object::File<'a>, names: &[&str]) -> Option<&'a [u8]> {
    file.sections()
        .find(|s| s.name().is_ok_and(|n| names.contains(&n)))
        .and_then(|s| s.data().ok())
}

/// Catalogues what an executable's embedded metadata says it contains.
pub fn inspect(data: &[u8], loc: &Location, out: &mut Vec<Package>) {
    // fat Mach-O: each architecture slice on its own
    if data.starts_with(&[0xca, 0xfe, 0xba, 0xbe]) {
        if let Ok(fat) = object::read::macho::MachOFatFile32::parse(data) {
            for arch in fat.arches() {
                if let Ok(slice) = object::read::macho::FatArch::data(arch, data) {
                    inspect_one(slice, loc, out);
                }
            }
        }
        return;
    }
    inspect_one(data, loc, out);
}

fn inspect_one(data: &[u8], loc: &Location, out: &mut Vec<Package>) {
    let file = object::File::parse(data).ok();
    golang::inspect_binary(data, file.as_ref(), loc, out);
    if let Some(f) = &file {
        rust::inspect_binary(f, loc, out);
    }
}
