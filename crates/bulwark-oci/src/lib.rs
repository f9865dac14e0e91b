//! `bulwark-oci` owns container images: OCI image layouts (folders and tars), `docker save`
//! archives (also zstd- or gzip-compressed), registries (the distribution API: pull, push,
//! tags, referrers; anonymous, Basic and bearer-token authentication with credentials from
//! the Docker config), and the squashed filesystem an image's layers make.
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
//! Registries: [`RegistryClient`] (blocking, `ureq` over rustls) fetches manifests and blobs
//! by tag or digest and checks every digest, uploads blobs (monolithic or chunked) and
//! manifests, lists tags, and finds referrers (OCI 1.1 API, or the `sha256-<hex>` tag index
//! on registries without it). [`Image::open_registry`] pulls an image (streaming each layer
//! into the same reader as local layers); [`push_image`] pushes a local one. References
//! follow Docker's rules ([`Reference`]). Loopback registries are spoken to over plain HTTP,
//! others over HTTPS unless [`RegistryOptions::insecure`].
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
pub mod reference;
pub mod registry;
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
pub use reference::{Reference, Repository};
pub use registry::{Credentials, RegistryClient, RegistryOptions, push_image};
pub use source::ImageSource;
pub use spec::{ImageConfig, Platform};
