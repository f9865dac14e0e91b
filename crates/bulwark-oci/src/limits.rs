//! Bounds on untrusted images: every reader checks them and fails with
//! [`Error::LimitExceeded`](crate::Error::LimitExceeded) instead of exhausting memory or disk.

/// Bounds applied while reading an image or a root filesystem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Entries in the squashed filesystem (and in each layer).
    pub max_entries: u64,
    /// Uncompressed bytes over all layers of one image (and of an outer compressed archive).
    pub max_total_bytes: u64,
    /// Uncompressed bytes per compressed byte of a layer, checked once a layer has grown past
    /// [`Limits::ratio_floor`].
    pub max_ratio: u64,
    /// Uncompressed size below which the ratio is not checked.
    pub ratio_floor: u64,
    /// JSON documents (index, manifest, config, `manifest.json`).
    pub max_json_bytes: u64,
    /// Layers of one image.
    pub max_layers: usize,
    /// Bytes of one path or link target (after PAX and GNU long names).
    pub max_path_bytes: usize,
    /// Bytes of one PAX extended header or GNU long name record.
    pub max_pax_bytes: u64,
    /// Symbolic links followed while resolving one path.
    pub max_symlink_hops: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_entries: 2_000_000,
            max_total_bytes: 32 << 30,
            max_ratio: 250,
            ratio_floor: 256 << 20,
            max_json_bytes: 8 << 20,
            max_layers: 512,
            max_path_bytes: 4096,
            max_pax_bytes: 1 << 20,
            max_symlink_hops: 40,
        }
    }
}
