//! The plugin module's ABI driven by a confused or hostile host: arbitrary sequences of calls
//! with arbitrary addresses and lengths. Nothing panics, every status is a documented one, and
//! a well-behaved call after the storm still gets the core's verdict.
#![no_main]

use std::sync::{LazyLock, Mutex};

use arbitrary::Arbitrary;
use hookguard_plugin::{Session, status};
use libfuzzer_sys::fuzz_target;

/// One session for all runs, as a module instance serves a whole host run: its validator is
/// compiled once (per run it would dominate the time). Each run starts from default options
/// and frees what it allocated, so runs do not see each other's buffers.
static SESSION: LazyLock<Mutex<Session>> = LazyLock::new(|| Mutex::new(Session::new()));

fn reset(session: &mut Session) {
    let options = b"{}";
    let address = session.alloc(options.len()).expect("small allocation");
    session.buffer_mut(address).expect("live")[..options.len()].copy_from_slice(options);
    assert_eq!(session.configure(address, options.len()), status::OK);
    assert_eq!(session.free(address, options.len()), status::OK);
}

#[derive(Debug, Arbitrary)]
enum Call {
    Alloc(u16),
    Free {
        pick: u8,
        len: u16,
    },
    Write {
        pick: u8,
        bytes: Vec<u8>,
    },
    Configure {
        pick: u8,
        offset: u16,
        len: u16,
    },
    Validate {
        pick: u8,
        offset: u16,
        len: u16,
        normalize: bool,
    },
    Verify {
        pick: u8,
        offset: u16,
        len: u16,
        body_len: u16,
    },
    Admit {
        pick: u8,
        offset: u16,
        len: u16,
        body_len: u16,
    },
    Answer,
    Settle {
        pick: u8,
        offset: u16,
        len: u16,
    },
    Screen {
        pick: u8,
        offset: u16,
        len: u16,
    },
    Observe {
        pick: u8,
        offset: u16,
        len: u16,
    },
    ObserveNew {
        pick: u8,
        offset: u16,
        len: u16,
    },
    Schema {
        pick: u8,
        offset: u16,
        len: u16,
    },
    Raw {
        address: u32,
        len: u32,
    },
}

const KNOWN: [i32; 5] = [
    status::OK,
    status::INVALID,
    status::BAD_BUFFER,
    status::BAD_OPTIONS,
    status::UNKNOWN_ALLOCATION,
];

fuzz_target!(|calls: Vec<Call>| {
    let mut guard = SESSION
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let session = &mut *guard;
    reset(session);
    let mut live: Vec<(usize, usize)> = Vec::new();
    let pick = |live: &[(usize, usize)], pick: u8| {
        live.get(usize::from(pick) % live.len().max(1)).copied()
    };
    // An address inside (or past) a live buffer, or a small absolute one when none is live.
    let at = |live: &[(usize, usize)], which: u8, offset: u16| {
        pick(live, which).map_or(0, |(address, _)| address) + usize::from(offset)
    };
    for call in calls.into_iter().take(64) {
        let code = match call {
            Call::Alloc(len) => {
                if let Some(address) = session.alloc(usize::from(len)) {
                    live.push((address, usize::from(len)));
                }
                status::OK
            }
            Call::Free { pick: which, len } => match pick(&live, which) {
                Some((address, size)) => {
                    let code =
                        session.free(address, if len % 2 == 0 { size } else { usize::from(len) });
                    if code == status::OK {
                        live.retain(|&(a, _)| a != address);
                    }
                    code
                }
                None => session.free(usize::from(len), 0),
            },
            Call::Write { pick: which, bytes } => {
                if let Some((address, _)) = pick(&live, which) {
                    let buffer = session.buffer_mut(address).expect("live");
                    let n = buffer.len().min(bytes.len());
                    buffer[..n].copy_from_slice(&bytes[..n]);
                }
                status::OK
            }
            Call::Configure {
                pick: which,
                offset,
                len,
            } => session.configure(at(&live, which, offset), usize::from(len)),
            Call::Validate {
                pick: which,
                offset,
                len,
                normalize,
            } => session.validate(at(&live, which, offset), usize::from(len), normalize),
            Call::Verify {
                pick: which,
                offset,
                len,
                body_len,
            } => {
                let start = at(&live, which, offset);
                session.verify((start, usize::from(len)), (start, usize::from(body_len)))
            }
            Call::Admit {
                pick: which,
                offset,
                len,
                body_len,
            } => {
                let start = at(&live, which, offset);
                session.admit((start, usize::from(len)), (start, usize::from(body_len)))
            }
            Call::Answer => session.answer(),
            Call::Settle {
                pick: which,
                offset,
                len,
            } => session.settle(at(&live, which, offset), usize::from(len)),
            Call::Observe {
                pick: which,
                offset,
                len,
            } => session.observe(at(&live, which, offset), usize::from(len)),
            Call::ObserveNew {
                pick: which,
                offset,
                len,
            } => session.observe_new(at(&live, which, offset), usize::from(len)),
            Call::Screen {
                pick: which,
                offset,
                len,
            } => session.screen(at(&live, which, offset), usize::from(len)),
            Call::Schema {
                pick: which,
                offset,
                len,
            } => session.schema(at(&live, which, offset), usize::from(len)),
            Call::Raw { address, len } => session.validate(address as usize, len as usize, false),
        };
        assert!(KNOWN.contains(&code), "undocumented status {code}");
    }
    // The session still works: a fresh buffer with a real delivery gets the core's verdict.
    let body = br#"{"status":"VERIFICATION_COMPLETE","uploaded_doc_pk":0,"book_pk":0}"#;
    let address = session.alloc(body.len()).expect("small allocation");
    session.buffer_mut(address).expect("live")[..body.len()].copy_from_slice(body);
    if session.configure(address, 0) == status::OK {
        unreachable!("empty options are not JSON");
    }
    let code = session.validate(address, body.len(), false);
    // Options may have been changed by the storm (e.g. max_bytes below this body), but the
    // answer is always a verdict.
    assert!(code == status::OK || code == status::INVALID);
    assert_eq!(session.free(address, body.len()), status::OK);
    for (address, len) in live {
        session.free(address, len);
    }
});
