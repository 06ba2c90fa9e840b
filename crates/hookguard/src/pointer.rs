//! Finds where in a body the value at a JSON Pointer starts, so that schema findings point at
//! a line and column like intake findings do.
//!
//! The body has already passed [`crate::intake`] (valid UTF-8, strict JSON, no duplicate keys,
//! bounded depth) when this runs, and it runs only for deliveries with findings. It scans bytes
//! without building a tree and without recursion, so it costs nothing on the valid path and
//! cannot exhaust a stack. On anything unexpected it answers `None` rather than guessing.

/// The byte offset of the value at `pointer` (RFC 6901) in `body`; `""` is the whole body.
pub(crate) fn value_offset(body: &[u8], pointer: &str) -> Option<usize> {
    let mut scanner = Scanner { body, at: 0 };
    scanner.skip_whitespace();
    if pointer.is_empty() {
        return Some(scanner.at);
    }
    let tokens = pointer.strip_prefix('/')?.split('/');
    for token in tokens {
        let token = unescape(token);
        match scanner.peek()? {
            b'{' => scanner.enter_member(&token)?,
            b'[' => scanner.enter_element(token.parse().ok()?)?,
            _ => return None,
        }
    }
    Some(scanner.at)
}

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

struct Scanner<'a> {
    body: &'a [u8],
    at: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.body.get(self.at).copied()
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    /// Consumes `byte` (after whitespace) or fails.
    fn expect(&mut self, byte: u8) -> Option<()> {
        self.skip_whitespace();
        (self.peek()? == byte).then(|| self.at += 1)
    }

    /// From `{`, moves to the start of the value of member `name`.
    fn enter_member(&mut self, name: &str) -> Option<()> {
        self.expect(b'{')?;
        loop {
            self.skip_whitespace();
            let key_start = self.at;
            self.skip_string()?;
            let raw_key = self.body.get(key_start..self.at)?;
            self.expect(b':')?;
            self.skip_whitespace();
            if key_matches(raw_key, name) {
                return Some(());
            }
            self.skip_value()?;
            self.skip_whitespace();
            match self.peek()? {
                b',' => self.at += 1,
                _ => return None,
            }
        }
    }

    /// From `[`, moves to the start of element `index`.
    fn enter_element(&mut self, index: usize) -> Option<()> {
        self.expect(b'[')?;
        for _ in 0..index {
            self.skip_whitespace();
            self.skip_value()?;
            self.expect(b',')?;
        }
        self.skip_whitespace();
        (self.peek()? != b']').then_some(())
    }

    /// Moves past one string, from its opening quote.
    fn skip_string(&mut self) -> Option<()> {
        if self.peek()? != b'"' {
            return None;
        }
        self.at += 1;
        loop {
            let rest = self.body.get(self.at..)?;
            let special = rest
                .iter()
                .position(|&byte| byte == b'"' || byte == b'\\')?;
            self.at += special;
            match self.peek()? {
                b'\\' => self.at += 2,
                _ => {
                    self.at += 1;
                    return Some(());
                }
            }
        }
    }

    /// Moves past one value of any kind. Containers are skipped by counting brackets outside
    /// strings: the body is known to be well formed, so no recursion is needed.
    fn skip_value(&mut self) -> Option<()> {
        match self.peek()? {
            b'"' => self.skip_string(),
            b'{' | b'[' => {
                let mut depth = 0usize;
                loop {
                    match self.peek()? {
                        b'"' => {
                            self.skip_string()?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth = depth.checked_sub(1)?;
                            if depth == 0 {
                                self.at += 1;
                                return Some(());
                            }
                        }
                        _ => {}
                    }
                    self.at += 1;
                }
            }
            _ => {
                while !matches!(
                    self.peek(),
                    None | Some(b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
                ) {
                    self.at += 1;
                }
                Some(())
            }
        }
    }
}

/// Whether a raw, quoted key from the body spells `name`. Keys without escapes (nearly all)
/// compare as bytes; others are decoded first.
fn key_matches(raw_key: &[u8], name: &str) -> bool {
    let Some(inner) = raw_key
        .strip_prefix(b"\"")
        .and_then(|key| key.strip_suffix(b"\""))
    else {
        return false;
    };
    if !inner.contains(&b'\\') {
        return inner == name.as_bytes();
    }
    serde_json::from_slice::<String>(raw_key).is_ok_and(|key| key == name)
}

#[cfg(test)]
mod tests {
    use super::value_offset;

    const BODY: &str = r#" {
  "a": {"b~c": [10, {"d/e": "x\"}]"}, [1, 2]],
        "\u0066": true},
  "list": [ "s", {"k": null} ],
  "n": -1.5e3
}"#;

    fn value_at(pointer: &str) -> Option<&'static str> {
        value_offset(BODY.as_bytes(), pointer).map(|offset| &BODY[offset..])
    }

    #[test]
    fn finds_values_through_objects_arrays_and_escapes() {
        assert!(value_at("").unwrap().starts_with("{\n"));
        assert!(value_at("/a").unwrap().starts_with(r#"{"b~c""#));
        assert!(value_at("/a/b~0c/0").unwrap().starts_with("10,"));
        assert!(
            value_at("/a/b~0c/1/d~1e")
                .unwrap()
                .starts_with(r#""x\"}]""#)
        );
        assert!(value_at("/a/b~0c/2/1").unwrap().starts_with("2]"));
        assert!(value_at("/a/f").unwrap().starts_with("true}"));
        assert!(value_at("/list/1/k").unwrap().starts_with("null}"));
        assert!(value_at("/n").unwrap().starts_with("-1.5e3\n"));
    }

    #[test]
    fn answers_none_for_what_is_not_there() {
        for pointer in ["/missing", "/list/2", "/list/x", "/n/0", "a", "/a/b~0c/3"] {
            assert_eq!(value_at(pointer), None, "{pointer}");
        }
    }
}
