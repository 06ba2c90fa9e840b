//! JSON strings written as serde_json writes them, straight into a byte buffer: the report's
//! strings and the normalized payload's keys. Most strings need no escape (event names,
//! codes, pointers, UUIDs); they are copied as they are, and serde_json's own escaping writes
//! the others, so both writers give the bytes `serde_json::to_writer` would.

/// Writes `text` (decoded UTF-8) as a JSON string, escaped as serde_json escapes it: only a
/// quote, a backslash and the control characters below U+0020 are escaped.
pub(crate) fn string(out: &mut Vec<u8>, text: &[u8]) {
    // Every byte looked at, without stopping early: the compiler makes this a vector loop,
    // about twice as fast as a search on the short strings written here (measured on the
    // report's writing).
    let needs_escape = text.iter().fold(false, |found, &byte| {
        found | (byte < 0x20) | (byte == b'"') | (byte == b'\\')
    });
    if needs_escape && let Ok(text) = std::str::from_utf8(text) {
        // Writing a `str` into a `Vec` cannot fail.
        let _ = serde_json::to_writer(&mut *out, text);
    } else {
        out.reserve(text.len() + 2);
        out.push(b'"');
        out.extend_from_slice(text);
        out.push(b'"');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn strings_are_written_as_serde_json_writes_them(text in "\\PC*|[\\x00-\\x7f\"\\\\]{0,12}") {
            let mut out = Vec::new();
            string(&mut out, text.as_bytes());
            prop_assert_eq!(out, serde_json::to_vec(&text).unwrap_or_default());
        }
    }
}
