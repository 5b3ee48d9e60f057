//! Parses the embedded issue at build time, so the reader ships it ready to show.
//!
//! It runs exactly the run-time pipeline (`source::sanitize` → `parse::parse` →
//! `entities::extract`, the code of the `broker-core` build-dependency) on
//! `assets/the-broker-issue-1.txt` and writes the issue and its entities with `postcard` to
//! `$OUT_DIR/embedded.postcard`, which `Library::embedded` reads back. Compiling regexes,
//! building the gazetteer's automaton and parsing otherwise cost the reader milliseconds and
//! megabytes before its first frame, for a result that never changes.
//!
//! The file is rebuilt when the asset changes (`rerun-if-changed`) and whenever `broker-core`
//! changes, since a changed build-dependency recompiles and reruns this script: the shipped
//! copy cannot lag behind the code. A test compares it with a fresh parse all the same.
//!
//! On Linux it also has the binary linked at a fixed address, and with GCC's unwinder built in
//! rather than loaded from `libgcc_s`; see [`link_at_fixed_address`] and
//! [`link_unwinder_statically`].

use std::env;
use std::fs;
use std::path::PathBuf;

use broker_core::{entities, parse, source};

/// Must match `EMBEDDED_ISSUE` in src/lib.rs.
const ASSET: &str = "assets/the-broker-issue-1.txt";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed={ASSET}");
    link_at_fixed_address();
    link_unwinder_statically();
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR")?);
    let text = fs::read_to_string(manifest_dir.join(ASSET))?;
    let text = source::sanitize(&text);
    // A build whose embedded issue does not parse would ship a reader with nothing to show;
    // better to stop here with the reason.
    let issue = parse::parse(&text).map_err(|e| format!("{ASSET} does not parse: {e}"))?;
    let entities = entities::extract(&issue);
    // A tuple rather than a struct: both ends name the types, and the test comparing the
    // shipped copy with a fresh parse catches any mismatch between them.
    let bytes = postcard::to_allocvec(&(&issue, &entities))?;
    let out = PathBuf::from(env::var("OUT_DIR")?);
    fs::write(out.join("embedded.postcard"), bytes)?;
    Ok(())
}

/// Set to build the reader as a position-independent executable after all.
const PIE_ENV: &str = "BROKER_READER_PIE";

/// Links `broker-reader` as a fixed-address executable on Linux. Position-independent, it
/// carries some 14,000 addresses (panic locations, vtables, dependencies' tables) that the
/// loader rewrites before `main`, writing to about 70 pages: a quarter of a millisecond of
/// a four-millisecond start. Linked at a fixed address, they are written by the linker
/// instead. The code stays position-independent, so only the link changes; the executable's
/// own code then has no random address, while libraries, heap and stacks still do. Packagers
/// who want it anyway set `BROKER_READER_PIE=1`.
fn link_at_fixed_address() {
    println!("cargo:rerun-if-env-changed={PIE_ENV}");
    let linux = env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux");
    if linux && env::var_os(PIE_ENV).is_none_or(|v| v.is_empty() || v == "0") {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}

/// Set to link the shared `libgcc_s` after all.
const SHARED_UNWINDER_ENV: &str = "BROKER_READER_SHARED_UNWINDER";

/// Links GCC's unwinder (`libgcc_eh.a`, what `-static-libgcc` links) into the binaries on
/// Linux with glibc, instead of loading `libgcc_s.so.1` at start. Loading that library costs
/// the reader a tenth of a millisecond before `main`: mapping and relocating it, and its
/// constructor, which asks the processor for its features with `cpuid`, an instruction a
/// virtual machine traps (about 5 µs a call here). Panics unwind as before; the tests run
/// with the same unwinder. The archive ships with GCC, which a Rust build on Linux links
/// with; where the C compiler does not know it, the shared library stays. Setting
/// `BROKER_READER_SHARED_UNWINDER=1` keeps it too.
///
/// Named as a library of this package, it comes on the link line before the standard
/// library's `-lgcc_s`, so it is what resolves the unwinder's symbols and `libgcc_s`,
/// linked "as needed", is dropped.
fn link_unwinder_statically() {
    println!("cargo:rerun-if-env-changed={SHARED_UNWINDER_ENV}");
    println!("cargo:rerun-if-env-changed=CC");
    let target = |key: &str| env::var(key).unwrap_or_default();
    let native = target("HOST") == target("TARGET");
    if !native
        || target("CARGO_CFG_TARGET_OS") != "linux"
        || target("CARGO_CFG_TARGET_ENV") != "gnu"
        || target("CARGO_CFG_PANIC") != "unwind"
        || env::var_os(SHARED_UNWINDER_ENV).is_some_and(|v| !v.is_empty() && v != "0")
    {
        return;
    }
    let Some(archive) = c_compiler_file("libgcc_eh.a") else {
        return;
    };
    let Some(dir) = archive.parent() else {
        return;
    };
    println!("cargo:rustc-link-search=native={}", dir.display());
    println!("cargo:rustc-link-lib=static=gcc_eh");
    println!("cargo:rustc-env=BROKER_READER_STATIC_UNWINDER=1");
}

/// Where the C compiler (`$CC`, else `cc`) finds `name`, if it does: asked for a file it
/// does not know, it prints the bare name back.
fn c_compiler_file(name: &str) -> Option<PathBuf> {
    let cc = env::var_os("CC").unwrap_or_else(|| "cc".into());
    let output = std::process::Command::new(cc)
        .arg(format!("-print-file-name={name}"))
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let path = PathBuf::from(String::from_utf8(output.stdout).ok()?.trim());
    (path.is_absolute() && path.is_file()).then_some(path)
}
