//! Writes a realistic NDJSON capture for the throughput benchmark (`just bench`): every
//! webhook event, in both naming schemes, with fresh identifiers on each line, and about one
//! payload in ten broken the ways real deliveries break (a missing field, a malformed UUID, a
//! wrong type, an unknown event, a duplicate key, truncated JSON).
//!
//! With `--varied`, a capture of other shapes, less kind to a validator: members in shuffled
//! order with spaces between tokens, the detect events' document lists 5 to 40 entries long,
//! free-text reasons hundreds of characters long with escapes and non-ASCII text, one delivery
//! in five carrying members no page documents (nested objects and arrays: warnings, not
//! errors), and about one in twelve broken.
//!
//! With `--examples`, the Ocrolus examples' own shapes, as a capture from Ocrolus would keep
//! them: each line is an example's text as published (its members in their order, the space
//! after each colon), only its line breaks and indentation taken out and every UUID in it
//! replaced by a fresh one (the same old one by the same new one); about one in eleven broken
//! in the text (a UUID cut short, an unknown event name, a member removed, the text cut off).
//!
//! `cargo run --release -p hookguard --example bench_capture -- MEGABYTES OUT.ndjson [--varied | --examples]`

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
        eprintln!("usage: bench_capture MEGABYTES OUT.ndjson [--varied | --examples]");
        return ExitCode::from(2);
    };
    let shape = args.get(2).map(String::as_str);
    let written = match shape {
        Some("--examples") => write_examples(megabytes << 20, Path::new(out)),
        Some("--varied") => write_capture(megabytes << 20, Path::new(out), true),
        None => write_capture(megabytes << 20, Path::new(out), false),
        Some(other) => {
            eprintln!("unknown shape {other}: --varied or --examples");
            return ExitCode::from(2);
        }
    };
    match written {
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

/// The seed examples, each as its published text and as parsed, but for the ones carrying a
/// malformed UUID: Ocrolus' IMAGE_GROUP_VERIFIED examples do, and the invalid share of a capture
/// is made on purpose instead.
fn seed_examples() -> std::io::Result<Vec<(String, Value)>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/seeds");
    let mut examples = Vec::new();
    for listing in ["organization", "account"] {
        let mut paths: Vec<_> = std::fs::read_dir(root.join(listing))?
            .filter_map(|entry| entry.ok().map(|entry| entry.path()))
            .collect();
        paths.sort();
        for path in paths {
            let text = std::fs::read_to_string(&path)?;
            let value: Value = serde_json::from_str(&text)?;
            let malformed = value
                .get("uploaded_image_group_uuid")
                .and_then(Value::as_str)
                .is_some_and(|uuid| uuid.len() != 36);
            if !malformed {
                examples.push((text, value));
            }
        }
    }
    Ok(examples)
}

/// Where each UUID (8-4-4-4-12 hex digits) starts in `text`.
fn uuids(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let shape = |window: &[u8]| {
        window.len() == 36
            && window.iter().enumerate().all(|(at, byte)| match at {
                8 | 13 | 18 | 23 => *byte == b'-',
                _ => byte.is_ascii_hexdigit(),
            })
    };
    let mut found = Vec::new();
    let mut at = 0;
    while at + 36 <= bytes.len() {
        if bytes.get(at..at + 36).is_some_and(shape) {
            found.push(at);
            at += 36;
        } else {
            at += 1;
        }
    }
    found
}

/// The `--examples` capture (see the module's doc).
fn write_examples(target_bytes: u64, out: &Path) -> std::io::Result<u64> {
    let texts: Vec<String> = seed_examples()?
        .iter()
        // One line: the line breaks and the indentation after them go (JSON text has no raw
        // line break inside a string, so every one is layout).
        .map(|(text, _)| text.lines().map(str::trim_start).collect::<String>())
        .collect();
    let mut random = XorShift(0xD1B5_4A32_D192_ED03);
    let mut writer = BufWriter::new(File::create(out)?);
    let (mut written, mut lines) = (0u64, 0u64);
    while written < target_bytes {
        let index = (random.next() % texts.len() as u64) as usize;
        let mut line = texts.get(index).cloned().unwrap_or_default();
        let mut renamed: HashMap<String, String> = HashMap::new();
        for at in uuids(&line) {
            let old = line.get(at..at + 36).unwrap_or_default().to_owned();
            let new = renamed.entry(old).or_insert_with(|| random.uuid()).clone();
            line.replace_range(at..at + 36, &new);
        }
        if random.next().is_multiple_of(11) {
            break_text(&mut line, &mut random);
        }
        line.push('\n');
        writer.write_all(line.as_bytes())?;
        written += line.len() as u64;
        lines += 1;
    }
    writer.flush()?;
    Ok(lines)
}

/// One of the ways deliveries break, done to an example's text.
fn break_text(line: &mut String, random: &mut XorShift) {
    let found = uuids(line);
    match random.next() % 4 {
        0 if !found.is_empty() => {
            // A UUID one digit short.
            let at = found
                .get((random.next() % found.len() as u64) as usize)
                .copied()
                .unwrap_or(0);
            line.remove(at + 35);
        }
        1 if line.contains("\"event_name\": \"") => {
            *line = line.replacen("\"event_name\": \"", "\"event_name\": \"v3.", 1);
        }
        2 => {
            // The first member removed.
            if let Some(end) = line.find(", \"").or_else(|| line.find(",\"")) {
                line.replace_range(1..end + 1, "");
            }
        }
        _ => line.truncate(line.len() / 2),
    }
}

/// The seed examples that are valid, parsed (the templates).
fn templates() -> std::io::Result<Vec<Value>> {
    Ok(seed_examples()?
        .into_iter()
        .map(|(_, value)| value)
        .collect())
}

fn write_capture(target_bytes: u64, out: &Path, varied: bool) -> std::io::Result<u64> {
    let templates = templates()?;
    let mut random = XorShift(if varied {
        0x2545_F491_4F6C_DD1D
    } else {
        0x9E37_79B9_7F4A_7C15
    });
    let mut writer = BufWriter::new(File::create(out)?);
    let (mut written, mut lines) = (0u64, 0u64);
    while written < target_bytes {
        let index = (random.next() % templates.len() as u64) as usize;
        let mut payload = templates.get(index).cloned().unwrap_or(Value::Null);
        if varied {
            vary(&mut payload, &mut random);
        }
        refresh_identifiers(&mut payload, &mut random);
        let broken_one_in = if varied { 12 } else { 10 };
        let mut line = if random.next().is_multiple_of(broken_one_in) {
            break_payload(payload, &mut random)?
        } else if varied {
            let mut text = Vec::new();
            write_shuffled(&payload, &mut random, &mut text);
            text
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

/// Other shapes (see the module's doc): longer lists and texts, undocumented members.
fn vary(payload: &mut Value, random: &mut XorShift) {
    let Some(members) = payload.as_object_mut() else {
        return;
    };
    if let Some(Value::Array(documents)) = members.get_mut("uploaded_docs")
        && let Some(first) = documents.first().cloned()
    {
        let length = 5 + (random.next() % 36) as usize;
        while documents.len() < length {
            let mut document = first.clone();
            if let Some(count) = document.get_mut("signal_count") {
                *count = Value::from(random.next() % 12);
            }
            documents.push(document);
        }
    }
    let sentence = "Détecté : the document's \"fonts\" and metadata disagree;\n";
    for text in ["notification_reason", "reason"] {
        if let Some(Value::String(reason)) = members.get_mut(text) {
            let repeats = 2 + (random.next() % 12) as usize;
            reason.push(' ');
            reason.push_str(&sentence.repeat(repeats));
        }
    }
    if random.next().is_multiple_of(5) {
        members.insert(
            "x_delivery_trace".into(),
            serde_json::json!({
                "attempt": random.next() % 5,
                "hops": [{"region": "us-east-1", "ms": 12.5}, {"region": "eu-west-1", "ms": 80.25}],
                "labels": ["retry", "webhook", "ocrolus"],
            }),
        );
    }
}

/// Writes `value` as JSON with each object's members in a random order and, at random, a
/// space after colons and commas (what other senders' serializers write).
fn write_shuffled(value: &Value, random: &mut XorShift, out: &mut Vec<u8>) {
    let space = |random: &mut XorShift, out: &mut Vec<u8>| {
        if random.next().is_multiple_of(2) {
            out.push(b' ');
        }
    };
    match value {
        Value::Object(members) => {
            let mut order: Vec<(&String, &Value)> = members.iter().collect();
            for at in (1..order.len()).rev() {
                order.swap(at, (random.next() % (at as u64 + 1)) as usize);
            }
            out.push(b'{');
            for (index, (name, member)) in order.into_iter().enumerate() {
                if index > 0 {
                    out.push(b',');
                    space(random, out);
                }
                out.extend_from_slice(Value::from(name.as_str()).to_string().as_bytes());
                out.push(b':');
                space(random, out);
                write_shuffled(member, random, out);
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(b',');
                    space(random, out);
                }
                write_shuffled(item, random, out);
            }
            out.push(b']');
        }
        other => out.extend_from_slice(other.to_string().as_bytes()),
    }
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
