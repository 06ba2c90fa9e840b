//! JSON Pointers (RFC 6901), built one way everywhere: findings, refusals, overlays, surveys.

/// Escapes a name for use as a reference token (`~` as `~0`, `/` as `~1`).
pub(crate) fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Appends `/token`, escaped, to `pointer`.
pub(crate) fn push_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    // Bytes, not characters: this runs for every member a findings walk or a survey enters.
    if token.bytes().any(|byte| byte == b'~' || byte == b'/') {
        pointer.push_str(&escape(token));
    } else {
        pointer.push_str(token);
    }
}

/// Appends `/` and `token` (a member name's bytes), escaped, to a pointer kept as bytes.
pub(crate) fn push_token_bytes(pointer: &mut Vec<u8>, token: &[u8]) {
    pointer.push(b'/');
    for &byte in token {
        match byte {
            b'~' => pointer.extend_from_slice(b"~0"),
            b'/' => pointer.extend_from_slice(b"~1"),
            _ => pointer.push(byte),
        }
    }
}

/// Appends `/index` to a pointer kept as bytes.
pub(crate) fn push_index_bytes(pointer: &mut Vec<u8>, index: usize) {
    use std::io::Write;
    // Writing to a `Vec` cannot fail.
    let _ = write!(pointer, "/{index}");
}

/// Decodes one reference token; `None` for a `~` not followed by `0` or `1`.
pub(crate) fn unescape(token: &str) -> Option<String> {
    let mut decoded = String::with_capacity(token.len());
    let mut characters = token.chars();
    while let Some(character) = characters.next() {
        if character != '~' {
            decoded.push(character);
            continue;
        }
        match characters.next() {
            Some('0') => decoded.push('~'),
            Some('1') => decoded.push('/'),
            _ => return None,
        }
    }
    Some(decoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_escape_and_unescape_both_ways() {
        for name in ["plain", "a/b", "~", "~1", "/~0/", ""] {
            let mut pointer = String::new();
            push_token(&mut pointer, name);
            assert_eq!(pointer, format!("/{}", escape(name)));
            assert_eq!(unescape(&escape(name)).as_deref(), Some(name));
        }
        assert_eq!(escape("a~/b"), "a~0~1b");
        assert_eq!(unescape("bad~2"), None);
    }
}
