//! Chooses the host layer: `cfg(wasio_p3)` (WASI 0.3) with the `p3` feature or on a
//! `wasm32-wasip3` target, WASI 0.2 otherwise.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(wasio_p3)");
    let feature = std::env::var_os("CARGO_FEATURE_P3").is_some();
    let target = std::env::var("CARGO_CFG_TARGET_ENV").is_ok_and(|env| env == "p3");
    if feature || target {
        println!("cargo::rustc-cfg=wasio_p3");
    }
}
