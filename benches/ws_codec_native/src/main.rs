//! benches/ws_codec.rs built for the host: the same WebSocket codec benchmark, natively, to
//! compare with its wasm32-wasip2 build under wasmtime (scripts/bench --only codec).

#[path = "../../ws_codec.rs"]
mod bench;

fn main() {
    bench::main();
}
