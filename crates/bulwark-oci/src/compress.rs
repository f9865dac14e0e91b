//! Layer and archive compression, recognised by magic bytes (media types lie: docker archives
//! name uncompressed layers `.tar`, some registries serve zstd under a gzip media type).

use std::io::{self, BufRead, BufReader, Read};

use ruzstd::decoding::errors::{FrameDecoderError, ReadFrameHeaderError};
use ruzstd::decoding::{BlockDecodingStrategy, FrameDecoder};

/// How a blob is compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// A plain tar.
    None,
    /// gzip (RFC 1952), possibly several members.
    Gzip,
    /// Zstandard, possibly several frames.
    Zstd,
}

impl Compression {
    /// Recognises the compression from the first bytes of a blob.
    pub fn sniff(head: &[u8]) -> Compression {
        if head.starts_with(&[0x1f, 0x8b]) {
            Compression::Gzip
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Compression::Zstd
        } else {
            Compression::None
        }
    }

    /// The name used in messages and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Compression::None => "none",
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
        }
    }
}

/// A reader of the decompressed bytes of `input`.
pub fn decompress<'a, R: Read + 'a>(input: R, compression: Compression) -> Box<dyn Read + 'a> {
    match compression {
        Compression::None => Box::new(input),
        Compression::Gzip => Box::new(flate2::read::MultiGzDecoder::new(BufReader::with_capacity(
            1 << 16,
            input,
        ))),
        Compression::Zstd => Box::new(ZstdFrames::new(BufReader::with_capacity(1 << 16, input))),
    }
}

/// Decodes every frame of a zstd stream, skipping skippable frames and checking each frame's
/// content checksum when it has one.
struct ZstdFrames<R: BufRead> {
    input: R,
    decoder: FrameDecoder,
    in_frame: bool,
}

impl<R: BufRead> ZstdFrames<R> {
    fn new(input: R) -> Self {
        ZstdFrames {
            input,
            decoder: FrameDecoder::new(),
            in_frame: false,
        }
    }

    /// Starts the next frame; `false` at the end of the input.
    fn start_frame(&mut self) -> io::Result<bool> {
        loop {
            if self.input.fill_buf()?.is_empty() {
                return Ok(false);
            }
            match self.decoder.reset(&mut self.input) {
                Ok(()) => return Ok(true),
                Err(FrameDecoderError::ReadFrameHeaderError(ReadFrameHeaderError::SkipFrame {
                    length,
                    ..
                })) => {
                    let skipped = io::copy(
                        &mut (&mut self.input).take(u64::from(length)),
                        &mut io::sink(),
                    )?;
                    if skipped < u64::from(length) {
                        return Err(invalid("zstd: stream ends inside a skippable frame"));
                    }
                }
                Err(e) => return Err(invalid(format!("zstd: {e}"))),
            }
        }
    }
}

fn invalid(message: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.into())
}

impl<R: BufRead> Read for ZstdFrames<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            if !self.in_frame {
                if !self.start_frame()? {
                    return Ok(0);
                }
                self.in_frame = true;
            }
            while self.decoder.can_collect() == 0 && !self.decoder.is_finished() {
                self.decoder
                    .decode_blocks(&mut self.input, BlockDecodingStrategy::UptoBlocks(1))
                    .map_err(|e| invalid(format!("zstd: {e}")))?;
            }
            let n = self.decoder.read(buf)?;
            if n > 0 {
                return Ok(n);
            }
            if let (Some(stored), Some(computed)) = (
                self.decoder.get_checksum_from_data(),
                self.decoder.get_calculated_checksum(),
            ) && stored != computed
            {
                return Err(invalid("zstd: content checksum mismatch"));
            }
            self.in_frame = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_concatenated_zstd_frames() {
        let mut data = ruzstd::encoding::compress_to_vec(
            &b"first frame "[..],
            ruzstd::encoding::CompressionLevel::Fastest,
        );
        data.extend(ruzstd::encoding::compress_to_vec(
            &b"second frame"[..],
            ruzstd::encoding::CompressionLevel::Fastest,
        ));
        assert_eq!(Compression::sniff(&data), Compression::Zstd);
        let mut out = String::new();
        let r = decompress(&data[..], Compression::Zstd).read_to_string(&mut out);
        assert!(r.is_ok(), "{r:?}");
        assert_eq!(out, "first frame second frame");
    }

    #[test]
    fn truncated_zstd_is_an_error_not_a_panic() {
        let data = ruzstd::encoding::compress_to_vec(
            &[7u8; 100_000][..],
            ruzstd::encoding::CompressionLevel::Fastest,
        );
        let mut out = Vec::new();
        let r = decompress(&data[..data.len() / 2], Compression::Zstd).read_to_end(&mut out);
        assert!(r.is_err());
    }
}
