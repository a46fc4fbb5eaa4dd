//! Links the `sala` binary as a position-dependent executable on Linux.
//!
//! Polars brings some 170,000 pointers that a position-independent executable must relocate
//! at every start, copying the pages that hold them: 7 ms of each run, more than `sala check`
//! then needs for a small portal. Fixed addresses need none. The libraries it loads keep their
//! randomised addresses, and the library crate (tests, other programs) is not affected.
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
