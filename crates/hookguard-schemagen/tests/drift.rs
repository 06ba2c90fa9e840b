//! The checked-in `schemas/` folder, `docs/events.md` and the compiled catalog are exactly what the
//! event types generate.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::Path;

#[test]
fn checked_in_schemas_match_the_generated_ones() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let files = hookguard_schemagen::render(&root).unwrap();
    assert_eq!(
        files.len(),
        hookguard::catalog::EVENTS.len() + 7,
        "events + test delivery + bundle + catalog + docs/events.md + the compiled catalog \
         + the core's embedded bundle and catalog"
    );
    for (path, generated) in &files {
        let on_disk = std::fs::read_to_string(root.join(path)).unwrap_or_default();
        assert!(
            on_disk == *generated,
            "{} drifted from the code: run `just schemas`",
            path.display()
        );
    }
    let stale = hookguard_schemagen::stale_files(&root, &files);
    assert!(
        stale.is_empty(),
        "files under schemas/ that the code does not generate: {stale:?}"
    );
}
