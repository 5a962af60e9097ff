//! A static file of the site or theme (`static/`), as a build holds it.

/// A static file: its bytes, shared (not copied) by the output, and a hash of them.
#[derive(Debug, Clone)]
pub struct StaticFile {
    pub bytes: bytes::Bytes,
    /// XXH3 of the bytes, made once when they are read: it names the published file
    /// (`site.3f2a9c1e.css`) and stands for the bytes in the dev server's fingerprints.
    pub hash: u64,
}

impl StaticFile {
    pub fn new(bytes: impl Into<bytes::Bytes>) -> StaticFile {
        let bytes = bytes.into();
        StaticFile {
            hash: xxhash_rust::xxh3::xxh3_64(&bytes),
            bytes,
        }
    }
}

/// Hashes the size and hash of the bytes, not the bytes again.
impl std::hash::Hash for StaticFile {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        (self.bytes.len(), self.hash).hash(h);
    }
}
