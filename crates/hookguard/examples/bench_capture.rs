//! Writes a realistic NDJSON capture for the throughput benchmark (`just bench`): every
//! webhook event, in both naming schemes, with fresh identifiers on each line, and about one
//! payload in ten broken the ways real deliveries break (a missing field, a malformed UUID, a
//! wrong type, an unknown event, a duplicate key, truncated JSON).
//!
//! `cargo run --release -p hookguard --example bench_capture -- MEGABYTES OUT.ndjson`

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;

use serde_json::Value;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(megabytes), Some(out)) = (
        args.first().and_then(|size| size.parse::<u64>().ok()),
        args.get(1),
    ) else {
        eprintln!("usage: bench_capture MEGABYTES OUT.ndjson");
        return ExitCode::from(2);
    };
    match write_capture(megabytes << 20, Path::new(out)) {
        Ok(lines) => {
            eprintln!("wrote {lines} payloads ({megabytes} MiB) to {out}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(2)
        }
    }
}

/// The seed examples that are valid (the templates).
fn templates() -> std::io::Result<Vec<Value>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/seeds");
    let mut templates = Vec::new();
    for listing in ["organization", "account"] {
        let mut paths: Vec<_> = std::fs::read_dir(root.join(listing))?
            .filter_map(|entry| entry.ok().map(|entry| entry.path()))
            .collect();
        paths.sort();
        for path in paths {
            let value: Value = serde_json::from_slice(&std::fs::read(&path)?)?;
            // Ocrolus' IMAGE_GROUP_VERIFIED examples carry a malformed UUID; the invalid share
            // of the capture is made on purpose below instead.
            let malformed = value
                .get("uploaded_image_group_uuid")
                .and_then(Value::as_str)
                .is_some_and(|uuid| uuid.len() != 36);
            if !malformed {
                templates.push(value);
            }
        }
    }
    Ok(templates)
}

fn write_capture(target_bytes: u64, out: &Path) -> std::io::Result<u64> {
    let templates = templates()?;
    let mut random = XorShift(0x9E37_79B9_7F4A_7C15);
    let mut writer = BufWriter::new(File::create(out)?);
    let (mut written, mut lines) = (0u64, 0u64);
    while written < target_bytes {
        let index = (random.next() % templates.len() as u64) as usize;
        let mut payload = templates.get(index).cloned().unwrap_or(Value::Null);
        refresh_identifiers(&mut payload, &mut random);
        let mut line = if random.next().is_multiple_of(10) {
            break_payload(payload, &mut random)?
        } else {
            serde_json::to_vec(&payload)?
        };
        line.push(b'\n');
        writer.write_all(&line)?;
        written += line.len() as u64;
        lines += 1;
    }
    writer.flush()?;
    Ok(lines)
}

/// New UUIDs and primary keys, so no two lines are the same bytes. The same old value gets the
/// same new one, so alias fields (`doc_uuid` and `uploaded_doc_uuid`) still agree.
fn refresh_identifiers(value: &mut Value, random: &mut XorShift) {
    let mut renamed = HashMap::new();
    refresh(value, random, &mut renamed);
}

fn refresh(value: &mut Value, random: &mut XorShift, renamed: &mut HashMap<Value, Value>) {
    match value {
        Value::Object(members) => {
            for (name, member) in members.iter_mut() {
                let identifier = match member {
                    Value::String(text) => name.ends_with("uuid") && text.len() == 36,
                    Value::Number(number) => name.ends_with("_pk") && number.is_u64(),
                    _ => false,
                };
                if identifier {
                    let fresh = renamed
                        .entry(member.clone())
                        .or_insert_with(|| match member {
                            Value::String(_) => Value::from(random.uuid()),
                            _ => Value::from(random.next() % 100_000_000),
                        })
                        .clone();
                    *member = fresh;
                } else {
                    refresh(member, random, renamed);
                }
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| refresh(item, random, renamed)),
        _ => {}
    }
}

/// One of the ways deliveries break.
fn break_payload(mut payload: Value, random: &mut XorShift) -> std::io::Result<Vec<u8>> {
    let Some(members) = payload.as_object_mut() else {
        return Ok(b"[]".to_vec());
    };
    match random.next() % 6 {
        0 => {
            members.remove("book_uuid");
        }
        1 => {
            members.insert(
                "book_uuid".into(),
                Value::from("35ef4501b93d4ce2b766b670a057c0fb"),
            );
        }
        2 => {
            members.insert("book_pk".into(), Value::from("11917"));
        }
        3 => {
            members.insert("event_name".into(), Value::from("book.verified.v3"));
        }
        4 => {
            let mut text = serde_json::to_vec(&payload)?;
            text.pop();
            text.extend_from_slice(br#","book_uuid":"35ef4501-b93d-4ce2-b766-b670a057c0fb"}"#);
            return Ok(text);
        }
        _ => {
            let mut text = serde_json::to_vec(&payload)?;
            text.truncate(text.len() / 2);
            return Ok(text);
        }
    }
    serde_json::to_vec(&payload).map_err(Into::into)
}

/// A small deterministic generator: the same capture on every machine, no dependency.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn uuid(&mut self) -> String {
        let (high, low) = (self.next(), self.next());
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            high >> 32,
            (high >> 16) & 0xffff,
            high & 0xfff,
            0x8000 | ((low >> 48) & 0x3fff),
            low & 0xffff_ffff_ffff
        )
    }
}
