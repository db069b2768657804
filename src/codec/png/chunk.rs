//! Writing PNG chunks: one whole chunk, or the IDAT chunks of a stream written as it is made.

/// Largest IDAT chunk written: small enough that its CRC is computed while the bytes are still
/// in cache.
pub const IDAT_MAX: usize = 256 * 1024;

/// The IDAT chunks of a PNG being written: compressed bytes go straight into the file, a new
/// chunk starts every [`IDAT_MAX`] bytes, and each chunk's length and CRC are filled in when
/// it is closed.
pub struct IdatWriter<'a> {
    out: &'a mut Vec<u8>,
    /// Where the open chunk's length field is.
    start: usize,
}

impl<'a> IdatWriter<'a> {
    pub fn new(out: &'a mut Vec<u8>) -> IdatWriter<'a> {
        let start = out.len();
        out.extend_from_slice(&[0, 0, 0, 0]);
        out.extend_from_slice(b"IDAT");
        IdatWriter { out, start }
    }

    pub fn put(&mut self, b: &[u8]) {
        self.out.extend_from_slice(b);
        if self.out.len() - self.start - 8 >= IDAT_MAX {
            self.close();
            self.start = self.out.len();
            self.out.extend_from_slice(&[0, 0, 0, 0]);
            self.out.extend_from_slice(b"IDAT");
        }
    }

    /// Fills in the open chunk's length and CRC.
    fn close(&mut self) {
        // At most IDAT_MAX plus one write: far below 2³¹.
        let len = (self.out.len() - self.start - 8) as u32;
        let crc = crc32fast::hash(self.out.get(self.start + 4..).unwrap_or(&[]));
        if let Some(field) = self.out.get_mut(self.start..self.start + 4) {
            field.copy_from_slice(&len.to_be_bytes());
        }
        self.out.extend_from_slice(&crc.to_be_bytes());
    }

    pub fn finish(mut self) {
        self.close();
    }
}

/// Appends one whole chunk.
pub fn put_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let at = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32fast::hash(out.get(at..).unwrap_or(&[]));
    out.extend_from_slice(&crc.to_be_bytes());
}
