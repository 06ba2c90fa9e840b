//! The request's headers as the host hands them over: one buffer in the proxy-wasm map
//! encoding, read in place.
//!
//! The SDK's `get_map_bytes` turns every header into a `String` and a `Vec` (two allocations
//! each, a dozen headers a request) only for the filter to look at five of them; a filter's
//! per-request cost in Envoy is mostly such small work, so the buffer is kept as it came and
//! names and values are borrowed from it.
//!
//! The encoding: the number of pairs (u32, little-endian), then each pair's name and value
//! lengths (u32 each), then each name and value followed by a NUL byte.

/// The request headers (pseudo-headers such as `:path` included, names in lower case), in the
/// proxy-wasm map encoding.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeaderMap {
    encoded: Vec<u8>,
}

impl HeaderMap {
    /// Takes a buffer in the proxy-wasm map encoding. A buffer that is not one reads as
    /// fewer (or no) headers, never as a panic: the host is trusted, but not to the point of
    /// crashing a VM.
    pub fn from_encoded(encoded: Vec<u8>) -> HeaderMap {
        HeaderMap { encoded }
    }

    /// Encodes `(name, value)` pairs (how a test host hands headers over).
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a [u8])> + Clone,
    ) -> HeaderMap {
        let count = pairs.clone().into_iter().count();
        let mut encoded = Vec::new();
        encoded.extend_from_slice(&length(count));
        for (name, value) in pairs.clone() {
            encoded.extend_from_slice(&length(name.len()));
            encoded.extend_from_slice(&length(value.len()));
        }
        for (name, value) in pairs {
            encoded.extend_from_slice(name.as_bytes());
            encoded.push(0);
            encoded.extend_from_slice(value);
            encoded.push(0);
        }
        HeaderMap { encoded }
    }

    /// Every header, in the order the host gave them (a repeated name appears once per field).
    pub fn iter(&self) -> impl Iterator<Item = (&[u8], &[u8])> {
        let count = read_u32(&self.encoded, 0).unwrap_or(0);
        // A count the buffer cannot hold reads as no headers.
        let data_start = count
            .checked_mul(8)
            .and_then(|lengths| lengths.checked_add(4));
        let count = if data_start.is_some() { count } else { 0 };
        let mut next_length = 4;
        let mut next_data = data_start.unwrap_or(0);
        (0..count).map_while(move |_| {
            let name_length = read_u32(&self.encoded, next_length)?;
            let value_length = read_u32(&self.encoded, next_length + 4)?;
            next_length += 8;
            let name = self
                .encoded
                .get(next_data..next_data.checked_add(name_length)?)?;
            let value_start = next_data + name_length + 1;
            let value = self
                .encoded
                .get(value_start..value_start.checked_add(value_length)?)?;
            next_data = value_start + value_length + 1;
            Some((name, value))
        })
    }

    /// The value of the first header named `name` (lower case, as hosts give names).
    pub fn get(&self, name: &str) -> Option<&[u8]> {
        self.iter()
            .find(|(candidate, _)| *candidate == name.as_bytes())
            .map(|(_, value)| value)
    }
}

fn length(value: usize) -> [u8; 4] {
    u32::try_from(value).unwrap_or(u32::MAX).to_le_bytes()
}

fn read_u32(bytes: &[u8], at: usize) -> Option<usize> {
    let word = bytes.get(at..at.checked_add(4)?)?;
    let word: [u8; 4] = word.try_into().ok()?;
    usize::try_from(u32::from_le_bytes(word)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_read_back_in_order_with_repeats() {
        let pairs = [
            (":path", b"/hooks".as_slice()),
            ("webhook-signature", b"a"),
            ("empty", b""),
            ("webhook-signature", b"b"),
        ];
        let map = HeaderMap::from_pairs(pairs);
        let read: Vec<(&[u8], &[u8])> = map.iter().collect();
        let expected: Vec<(&[u8], &[u8])> = pairs
            .iter()
            .map(|(name, value)| (name.as_bytes(), *value))
            .collect();
        assert_eq!(read, expected);
        assert_eq!(map.get("webhook-signature"), Some(b"a".as_slice()));
        assert_eq!(map.get("empty"), Some(b"".as_slice()));
        assert_eq!(map.get("missing"), None);
    }

    #[test]
    fn a_broken_buffer_reads_as_fewer_headers_never_a_panic() {
        let whole = HeaderMap::from_pairs([
            ("content-type", b"application/json".as_slice()),
            ("x", b"y"),
        ]);
        // (Only the final NUL missing still reads both: every byte of every value is there.)
        for cut in 0..whole.encoded.len() - 1 {
            let map = HeaderMap::from_encoded(whole.encoded[..cut].to_vec());
            assert!(map.iter().count() < 2, "cut at {cut}");
        }
        // A count far larger than the buffer, and lengths that overflow.
        let mut lying = whole.encoded.clone();
        lying[..4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(HeaderMap::from_encoded(lying).iter().count() <= 2);
        let mut huge = whole.encoded;
        huge[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(HeaderMap::from_encoded(huge).iter().count(), 0);
    }
}
