//! JSON-like messages for the compressed WebSocket benchmarks: each one an array of records
//! with the same keys and varied values (ids, user names, flags, scores, tags, a few words of
//! text), padded with spaces to its exact size. Deterministic: benches/ws_codec.rs,
//! benches/ws_native (ws-load) and benches/websockets_deflate.py (the same generator in
//! Python) build identical bytes (ws_codec.rs and websockets_deflate.py check them against the
//! same FNV-1a hash).

const WORDS: [&str; 16] = [
    "hello", "world", "message", "channel", "update", "status", "online", "typing", "reply",
    "thread", "ok", "thanks", "see", "you", "soon", "again",
];
const TAGS: [&str; 8] = [
    "red", "green", "blue", "admin", "guest", "new", "vip", "bot",
];

/// `count` messages of `size` bytes (at least 2), one after the other from one generator.
pub fn messages(count: usize, size: usize) -> Vec<Vec<u8>> {
    let mut state = 0x853C_49E6_748F_EA9B_u64;
    let mut id = 0u64;
    (0..count)
        .map(|_| {
            let mut out = b"[".to_vec();
            loop {
                let record = record(&mut state, id);
                // The record, its comma and the closing bracket must fit.
                if out.len() + record.len() + 2 > size {
                    break;
                }
                if out.len() > 1 {
                    out.push(b',');
                }
                out.extend_from_slice(record.as_bytes());
                id += 1;
            }
            out.push(b']');
            out.resize(size.max(2), b' ');
            out
        })
        .collect()
}

fn record(state: &mut u64, id: u64) -> String {
    let r = next(state);
    let words = 3 + (r >> 48) % 6;
    let text: Vec<&str> = (0..words)
        .map(|_| WORDS[(next(state) % 16) as usize])
        .collect();
    format!(
        r#"{{"id":{id},"user":"user{:04}","active":{},"score":{}.{:02},"tags":["{}","{}"],"text":"{}"}}"#,
        r % 10000,
        (r >> 16) & 1 == 1,
        (r >> 20) % 1000,
        (r >> 32) % 100,
        TAGS[((r >> 40) % 8) as usize],
        TAGS[((r >> 44) % 8) as usize],
        text.join(" "),
    )
}

/// xorshift64.
fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}
