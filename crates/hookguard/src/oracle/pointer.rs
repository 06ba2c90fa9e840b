//! Finds where in a body the value at a JSON Pointer starts, so that schema findings point at
//! a line and column like intake findings do.
//!
//! The body has already passed [`crate::json::intake`] (valid UTF-8, strict JSON, no duplicate keys,
//! bounded depth) when this runs, and it runs only for deliveries with findings. It scans bytes
//! without building a tree and without recursion, so it costs nothing on the valid path and
//! cannot exhaust a stack. On anything unexpected it answers `None` rather than guessing.

/// The byte offset of the value at `pointer` (RFC 6901) in `body`; `""` is the whole body.
#[cfg(test)]
pub(crate) fn value_offset(body: &[u8], pointer: &str) -> Option<usize> {
    value_offsets(body, &[pointer]).into_iter().next().flatten()
}

/// The byte offset of the value at each of `pointers` in `body`, in one pass over the body
/// however many pointers there are: the pointers become a tree of tokens, and the scan enters
/// only the members and elements some pointer names, skipping every other value whole. A
/// report's findings are located in time linear in the body, not in body × findings.
pub(crate) fn value_offsets(body: &[u8], pointers: &[&str]) -> Vec<Option<usize>> {
    let mut offsets = vec![None; pointers.len()];
    let mut tree = Tree::default();
    for (index, pointer) in pointers.iter().enumerate() {
        tree.insert(pointer, index);
    }
    let mut scanner = Scanner { body, at: 0 };
    scanner.skip_whitespace();
    // A body that does not parse this far only leaves some offsets unknown.
    let _ = tree.visit(0, &mut scanner, &mut offsets);
    offsets
}

/// Pointers as a tree of reference tokens; node 0 is the whole body.
#[derive(Default)]
struct Tree {
    nodes: Vec<Node>,
}

#[derive(Default)]
struct Node {
    /// `(token, node)`: the member name or array index that leads to each child.
    children: Vec<(String, usize)>,
    /// Which pointers end at this node.
    ends: Vec<usize>,
}

impl Tree {
    fn insert(&mut self, pointer: &str, index: usize) {
        if self.nodes.is_empty() {
            self.nodes.push(Node::default());
        }
        let tokens = match pointer {
            "" => None,
            _ => match pointer.strip_prefix('/') {
                Some(rest) => Some(rest.split('/')),
                // Not a pointer: never found.
                None => return,
            },
        };
        let mut node = 0;
        for token in tokens.into_iter().flatten() {
            let token = unescape(token);
            let existing = self.nodes.get(node).and_then(|current| {
                current
                    .children
                    .iter()
                    .find(|(name, _)| *name == token)
                    .map(|(_, child)| *child)
            });
            node = match existing {
                Some(child) => child,
                None => {
                    let child = self.nodes.len();
                    self.nodes.push(Node::default());
                    if let Some(current) = self.nodes.get_mut(node) {
                        current.children.push((token, child));
                    }
                    child
                }
            };
        }
        if let Some(end) = self.nodes.get_mut(node) {
            end.ends.push(index);
        }
    }

    /// Records the value starting at the scanner for `node`'s pointers, then enters it as far
    /// as `node`'s children lead, and leaves the scanner after the value. Recursion follows
    /// the pointers, not the body: it is as deep as the longest pointer.
    fn visit(
        &self,
        node: usize,
        scanner: &mut Scanner<'_>,
        offsets: &mut [Option<usize>],
    ) -> Option<()> {
        let current = self.nodes.get(node)?;
        for &end in &current.ends {
            if let Some(offset) = offsets.get_mut(end) {
                *offset = Some(scanner.at);
            }
        }
        if current.children.is_empty() {
            return scanner.skip_value();
        }
        match scanner.peek()? {
            b'{' => {
                scanner.at += 1;
                loop {
                    scanner.skip_whitespace();
                    if scanner.peek()? == b'}' {
                        scanner.at += 1;
                        return Some(());
                    }
                    let key_start = scanner.at;
                    scanner.skip_string()?;
                    let raw_key = scanner.body.get(key_start..scanner.at)?;
                    scanner.expect(b':')?;
                    scanner.skip_whitespace();
                    let child = current
                        .children
                        .iter()
                        .find(|(name, _)| key_matches(raw_key, name));
                    match child {
                        Some(&(_, child)) => self.visit(child, scanner, offsets)?,
                        None => scanner.skip_value()?,
                    }
                    if !scanner.after_item(b'}')? {
                        return Some(());
                    }
                }
            }
            b'[' => {
                scanner.at += 1;
                let mut index = 0usize;
                loop {
                    scanner.skip_whitespace();
                    if scanner.peek()? == b']' {
                        scanner.at += 1;
                        return Some(());
                    }
                    let child = current
                        .children
                        .iter()
                        .find(|(name, _)| name.parse::<usize>().ok() == Some(index));
                    match child {
                        Some(&(_, child)) => self.visit(child, scanner, offsets)?,
                        None => scanner.skip_value()?,
                    }
                    if !scanner.after_item(b']')? {
                        return Some(());
                    }
                    index += 1;
                }
            }
            _ => scanner.skip_value(),
        }
    }
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

    /// After a member or element: `true` past a `,` (another follows), `false` past `close`.
    fn after_item(&mut self, close: u8) -> Option<bool> {
        self.skip_whitespace();
        match self.peek()? {
            b',' => {
                self.at += 1;
                Some(true)
            }
            byte if byte == close => {
                self.at += 1;
                Some(false)
            }
            _ => None,
        }
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
    fn finds_many_pointers_in_one_pass() {
        let pointers = [
            "/n",
            "/a/b~0c/0",
            "",
            "/list/1/k",
            "/missing",
            "/a/b~0c/2/1",
            "/a",
        ];
        let found = super::value_offsets(BODY.as_bytes(), &pointers);
        let one_by_one: Vec<Option<usize>> = pointers
            .iter()
            .map(|pointer| value_offset(BODY.as_bytes(), pointer))
            .collect();
        assert_eq!(found, one_by_one);
        assert_eq!(found.iter().filter(|offset| offset.is_some()).count(), 6);
        assert!(BODY[found[0].unwrap()..].starts_with("-1.5e3"));
    }

    #[test]
    fn answers_none_for_what_is_not_there() {
        for pointer in ["/missing", "/list/2", "/list/x", "/n/0", "a", "/a/b~0c/3"] {
            assert_eq!(value_at(pointer), None, "{pointer}");
        }
    }
}
