#!/usr/bin/env bash
# Used by scripts/setup only when `rustup target add wasm32-wasip2` cannot download.
#
# Makes `cargo build --target wasm32-wasip2` possible on a machine where
# `rustup target add wasm32-wasip2` cannot download the prebuilt standard library.
#
# It installs Debian's Rust toolchain (rustc-web, cargo-web, rust-web-src, clippy,
# rustfmt), builds the wasm32-wasip2 standard library from that exact source with
# -Zbuild-std, installs it into the toolchain's sysroot next to wasi-libc, and
# registers the result with rustup as the toolchain `wasip2`.
#
# Afterwards:   cargo +wasip2 build --target wasm32-wasip2
#   or:         export RUSTUP_TOOLCHAIN=wasip2   (plain cargo/rustc/clippy/rustfmt then use it)
#
# Idempotent: a second run that finds the toolchain working does nothing.
set -euo pipefail

say() { echo "wasip2-offline: $*" >&2; }

# A program and a test harness both build for the target.
works() {
  local d rc=0; d=$(mktemp -d)
  printf 'fn main() { println!("ok"); }\n#[test]\nfn t() {}\n' > "$d/m.rs"
  PATH="/usr/local/bin:$PATH" rustc +wasip2 --edition 2021 --target wasm32-wasip2 -O "$d/m.rs" -o "$d/m.wasm" >/dev/null 2>&1 || rc=1
  PATH="/usr/local/bin:$PATH" rustc +wasip2 --edition 2021 --target wasm32-wasip2 --test "$d/m.rs" -o "$d/t.wasm" >/dev/null 2>&1 || rc=1
  rm -rf "$d"; return $rc
}

if rustup toolchain list 2>/dev/null | grep -q '^wasip2' && works; then
  say "toolchain 'wasip2' already works"; exit 0
fi

[ "$(id -u)" = 0 ] || { say "run as root: it installs Debian packages"; exit 1; }
export DEBIAN_FRONTEND=noninteractive
if ! apt-cache policy rustc-web 2>/dev/null | grep -q 'Candidate: [0-9]'; then apt-get update -qq; fi
apt-get install -y -qq rustc-web cargo-web rust-web-src rust-web-clippy rustfmt-web wasi-libc >/dev/null
# Link with the lld and llvm-ar of the LLVM that Debian's rustc was built with.
llvm=$(/usr/bin/rustc -vV | sed -n 's/^LLVM version: \([0-9]*\).*/\1/p')
[ -n "$llvm" ] || { say "cannot tell which LLVM /usr/bin/rustc uses"; exit 1; }
lld="lld-$llvm"
apt-get install -y -qq "$lld" "llvm-$llvm" >/dev/null
ln -sf "/usr/bin/wasm-ld-$llvm" /usr/local/bin/wasm-ld

src=$(/usr/bin/rustc --print sysroot)/lib/rustlib/src/rust/library
[ -f "$src/Cargo.lock" ] || { say "no standard library source at $src"; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src"
printf '[package]\nname = "stdbuild"\nversion = "0.0.0"\nedition = "2021"\n' > "$work/Cargo.toml"
: > "$work/src/lib.rs"
say "building the wasm32-wasip2 standard library from $src (a minute or two)"
( cd "$work" && PATH="/usr/local/bin:$PATH" RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 \
  CARGO_TARGET_WASM32_WASIP2_RUSTFLAGS="-L native=/usr/lib/wasm32-wasi -Cembed-bitcode=yes" \
  /usr/bin/cargo build -q --release --target wasm32-wasip2 -Zbuild-std=std,panic_abort,test )

lib=$(/usr/bin/rustc --print sysroot)/lib/rustlib/wasm32-wasip2/lib
rm -rf "$lib"; mkdir -p "$lib/self-contained"
find "$work/target/wasm32-wasip2/release/deps" -name 'lib*.rlib' ! -name 'libstdbuild-*' -exec cp {} "$lib/" \;
cp /usr/lib/wasm32-wasi/*.o /usr/lib/wasm32-wasi/*.a "$lib/self-contained/"

# Debian's wasi-libc predates the symbols that today's std and libtest reference for sockets,
# threads and a few file calls; add stubs that fail as "unsupported" so everything links.
cat > "$work/libc-stubs.rs" <<'STUBS'
//! Symbols that Rust's wasm32-wasip2 standard library (and libtest) reference but Debian's older
//! wasi-libc lacks. Each fails the way an unsupported call fails (ENOSYS, EAGAIN), so programs
//! and test harnesses link; std::net and std::thread report "unsupported" at run time.
//! Every parameter is i32 on wasm32; arities and returns match the libc crate's declarations.
#![no_std]
#![allow(clippy::missing_safety_doc)]

type I = i32;
const ENOSYS: I = 52;
const EAGAIN: I = 6;
const EAI_FAIL: I = -4;

unsafe extern "C" {
    static mut errno: I;
}

unsafe fn fail(code: I) -> I {
    unsafe { errno = code };
    -1
}

#[unsafe(no_mangle)] pub unsafe extern "C" fn socket(_: I, _: I, _: I) -> I { unsafe { fail(ENOSYS) } }
#[unsafe(no_mangle)] pub unsafe extern "C" fn bind(_: I, _: I, _: I) -> I { unsafe { fail(ENOSYS) } }
#[unsafe(no_mangle)] pub unsafe extern "C" fn connect(_: I, _: I, _: I) -> I { unsafe { fail(ENOSYS) } }
#[unsafe(no_mangle)] pub unsafe extern "C" fn listen(_: I, _: I) -> I { unsafe { fail(ENOSYS) } }
#[unsafe(no_mangle)] pub unsafe extern "C" fn setsockopt(_: I, _: I, _: I, _: I, _: I) -> I { unsafe { fail(ENOSYS) } }
#[unsafe(no_mangle)] pub unsafe extern "C" fn sendto(_: I, _: I, _: I, _: I, _: I, _: I) -> I { unsafe { fail(ENOSYS) } }
#[unsafe(no_mangle)] pub unsafe extern "C" fn recvfrom(_: I, _: I, _: I, _: I, _: I, _: I) -> I { unsafe { fail(ENOSYS) } }
#[unsafe(no_mangle)] pub unsafe extern "C" fn getpeername(_: I, _: I, _: I) -> I { unsafe { fail(ENOSYS) } }
#[unsafe(no_mangle)] pub unsafe extern "C" fn getsockname(_: I, _: I, _: I) -> I { unsafe { fail(ENOSYS) } }
#[unsafe(no_mangle)] pub unsafe extern "C" fn getaddrinfo(_: I, _: I, _: I, _: I) -> I { EAI_FAIL }
#[unsafe(no_mangle)] pub unsafe extern "C" fn freeaddrinfo(_: I) {}
#[unsafe(no_mangle)] pub unsafe extern "C" fn gai_strerror(_: I) -> *const u8 { b"name resolution is not supported\0".as_ptr() }
#[unsafe(no_mangle)] pub unsafe extern "C" fn realpath(_: I, _: I) -> I { unsafe { fail(ENOSYS) }; 0 }
#[unsafe(no_mangle)] pub unsafe extern "C" fn chmod(_: I, _: I) -> I { unsafe { fail(ENOSYS) } }
#[unsafe(no_mangle)] pub unsafe extern "C" fn fchmod(_: I, _: I) -> I { unsafe { fail(ENOSYS) } }
#[unsafe(no_mangle)] pub unsafe extern "C" fn pthread_create(_: I, _: I, _: I, _: I) -> I { EAGAIN }
#[unsafe(no_mangle)] pub unsafe extern "C" fn pthread_join(_: I, _: I) -> I { ENOSYS }
#[unsafe(no_mangle)] pub unsafe extern "C" fn pthread_detach(_: I) -> I { ENOSYS }
#[unsafe(no_mangle)] pub unsafe extern "C" fn pthread_attr_init(_: I) -> I { 0 }
#[unsafe(no_mangle)] pub unsafe extern "C" fn pthread_attr_destroy(_: I) -> I { 0 }
#[unsafe(no_mangle)] pub unsafe extern "C" fn pthread_attr_setstacksize(_: I, _: I) -> I { 0 }
STUBS
PATH="/usr/local/bin:$PATH" /usr/bin/rustc --edition 2024 --target wasm32-wasip2 --crate-type lib \
  --emit obj -O -C panic=abort -C relocation-model=static "$work/libc-stubs.rs" -o "$work/libc-stubs.o"
"/usr/lib/llvm-${lld#lld-}/bin/llvm-ar" qs "$lib/self-contained/libc.a" "$work/libc-stubs.o"

rustup toolchain link wasip2 "$(/usr/bin/rustc --print sysroot)"
works || { say "toolchain 'wasip2' was built but cannot compile for wasm32-wasip2"; exit 1; }
say "toolchain 'wasip2' ready: cargo +wasip2 build --target wasm32-wasip2"
