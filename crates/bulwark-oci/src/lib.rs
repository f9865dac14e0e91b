//! `bulwark-oci` owns container images: OCI image layouts (folders and tars), `docker save`
//! archives (also zstd- or gzip-compressed), and the squashed filesystem an image's layers
//! make.
//!
//! Open an image with [`ImageSource::parse`] and [`ImageSource::open`] (or the `Image::open_*`
//! functions); read its filesystem through [`Image::fs`], a [`FileTree`]. A root filesystem
//! folder is read through the same type with [`FileTree::from_dir`], so catalogers see one
//! interface:
//!
//! - [`FileTree::entries`]: every entry's metadata (path, kind, mode, size, link target, the
//!   layer it came from), sorted by path; [`FileTree::get`], [`FileTree::descendants`],
//!   [`FileTree::children`];
//! - [`FileTree::resolve`]: symbolic links followed as inside a container;
//! - [`FileTree::open`], [`FileTree::read`], [`FileTree::read_path`]: file contents;
//! - [`FileTree::for_each_file`]: contents of the files a predicate selects, in the order
//!   that reads the storage sequentially.
//!
//! How layers are read: each layer blob's compression is recognised by its magic bytes (gzip,
//! zstd or none, whatever the media type says); a compressed layer is decompressed once, on
//! one thread per core, into an anonymous spool file while its tar headers are collected;
//! uncompressed layers (docker archives) are read in place inside the archive. The headers are
//! then applied bottom up as a runtime extracts them (whiteouts, opaque folders, entries
//! written through symbolic-link folders, hard links), keeping metadata only. File contents
//! are read on demand with positional reads, from any number of threads.
//!
//! Images are untrusted input: entry names climbing above the root are refused
//! ([`Error::PathEscape`]), symbolic links resolve inside the root, and sizes, entry counts,
//! decompression ratios, document sizes and link chains are bounded by [`Limits`]. Blob digests
//! and layer diff ids are checked unless [`OpenOptions::skip_verify`] is set.

mod archive;
pub mod compress;
pub mod error;
pub mod fs;
pub mod image;
mod layer;
pub mod limits;
mod section;
pub mod source;
pub mod spec;
mod squash;
mod tar;

pub use compress::Compression;
pub use error::{Error, Result};
pub use fs::{Entry, EntryKind, FileReader, FileTree, LayerInfo};
pub use image::{Image, OpenOptions};
pub use limits::Limits;
pub use source::ImageSource;
pub use spec::{ImageConfig, Platform};
