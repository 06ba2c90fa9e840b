//! Embeds `schemas/bundle.json` without its indentation (`OUT_DIR/bundle.min.json`): the
//! published file is pretty-printed for readers, and the modules that hand schemas out carry
//! the bundle in their data, where 40% of it would be spaces.

use std::path::Path;

fn main() {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas/bundle.json");
    println!("cargo::rerun-if-changed={}", source.display());
    let Ok(pretty) = std::fs::read(&source) else {
        println!("cargo::error=cannot read {}", source.display());
        return;
    };
    let out_dir = std::env::var_os("OUT_DIR").unwrap_or_default();
    let target = Path::new(&out_dir).join("bundle.min.json");
    if let Err(error) = std::fs::write(&target, minify(&pretty)) {
        println!("cargo::error=cannot write {}: {error}", target.display());
    }
}

/// Drops the whitespace between JSON tokens, leaving strings as they are.
fn minify(json: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(json.len());
    let (mut in_string, mut escaped) = (false, false);
    for &byte in json {
        if in_string {
            out.push(byte);
            match (escaped, byte) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
        } else if !matches!(byte, b' ' | b'\t' | b'\n' | b'\r') {
            in_string = byte == b'"';
            out.push(byte);
        }
    }
    out
}
