//! Bundles the plugin module into the binary.
//!
//! The module is built for another target (`wasm32-wasip1`) by `scripts/just plugin`, which a
//! build script cannot do without a nested cargo. So this script takes the module that recipe
//! left in `target/hookguard.wasm` (or the file named by `HOOKGUARD_MODULE`). Without one, the
//! binary still builds and asks for `--module PATH` at run time.

use std::path::PathBuf;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(hookguard_bundled_module)");
    println!("cargo::rerun-if-env-changed=HOOKGUARD_MODULE");
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let module = std::env::var_os("HOOKGUARD_MODULE")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest_dir.join("../../target/hookguard.wasm"));
    println!("cargo::rerun-if-changed={}", module.display());
    if module.is_file() {
        println!("cargo::rustc-cfg=hookguard_bundled_module");
        println!(
            "cargo::rustc-env=HOOKGUARD_BUNDLED_MODULE={}",
            module.display()
        );
    } else {
        println!(
            "cargo::warning=no plugin module at {}: this hookguard binary will need --module \
             (run `scripts/just plugin` first to bundle one)",
            module.display()
        );
    }
}
