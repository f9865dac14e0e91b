//! Arbitrary bytes as a Helm provenance file (when valid UTF-8) and as an OpenPGP keyring:
//! parsing returns `Ok` or `Err`, never panics or hangs; a parsed provenance file is then
//! verified against a keyring of test keys and an archive, which must fail cleanly.
#![no_main]

use std::sync::OnceLock;

use bulwark_sign::{Keyring, ProvenanceFile};
use libfuzzer_sys::fuzz_target;

fn keyring() -> &'static Keyring {
    static RING: OnceLock<Keyring> = OnceLock::new();
    RING.get_or_init(|| {
        Keyring::from_bytes(
            "test keyring",
            include_bytes!("../../crates/bulwark-sign/tests/fixtures/pubring.asc"),
        )
        .expect("test keyring parses")
    })
}

fuzz_target!(|data: &[u8]| {
    if let Ok(ring) = Keyring::from_bytes("fuzz", data) {
        for key in &ring.keys {
            let _ = key.describe();
            let _ = key.check_valid(None, 0);
        }
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(prov) = ProvenanceFile::parse(text) {
        let name = prov.files.keys().next().cloned().unwrap_or_default();
        let _ = prov.verify(data, &name, keyring(), 1_700_000_000);
    }
});
