//! The Autobahn test suite's client (run against `kosoku -m fuzzingserver`): asks the
//! fuzzing server how many cases there are, runs each one by echoing every message back
//! until the server closes, then asks it to write its reports. An optional second argument
//! runs the cases on that many connections at once (one by default).
//!
//! `kosoku -m fuzzingserver 127.0.0.1:9001 -i '1.*'` in one shell, then
//! `cargo run --example autobahn_client -- ws://127.0.0.1:9001`.

use wasio::ws::{self, Config, Message, PerMessageDeflate};

const AGENT: &str = "wasio";

/// Runs one case: echo until the connection ends. What the server sends on purpose to
/// break the protocol ends it with an error, which the server's report judges.
async fn run_case(base: &str, case: u32) {
    let url = format!("{base}/runCase?case={case}&agent={AGENT}");
    // permessage-deflate offering client_no_context_takeover: Autobahn's server asks a
    // client for no context takeover (cases 13.2, 13.5 and 13.6) only when it offered it.
    let deflate = PerMessageDeflate::new().no_context_takeover(true);
    let config = Config::new()
        .max_message_size(64 << 20)
        .compression(Some(deflate));
    let Ok(mut ws) = ws::connect_with(&url, config).await else {
        eprintln!("case {case}: could not connect");
        return;
    };
    while let Some(Ok(message)) = ws.recv().await {
        if let Message::Text(_) | Message::Binary(_) = message
            && ws.send(message).await.is_err()
        {
            break;
        }
    }
}

/// The one text message a control URL of the fuzzing server sends.
async fn ask(url: &str) -> Result<String, ws::Error> {
    let mut ws = ws::connect(url).await?;
    let mut answer = String::new();
    while let Some(message) = ws.recv().await {
        if let Message::Text(text) = message? {
            answer = text.to_string();
        }
    }
    Ok(answer)
}

#[wasio::main]
async fn main() -> Result<(), ws::Error> {
    let base = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "ws://127.0.0.1:9001".into());
    let lanes: u32 = std::env::args()
        .nth(2)
        .and_then(|n| n.parse().ok())
        .unwrap_or(1)
        .max(1);
    let count: u32 = ask(&format!("{base}/getCaseCount"))
        .await?
        .trim()
        .parse()
        .map_err(|_| ws::Error::Url("getCaseCount did not answer a number".into()))?;
    println!("{count} cases");
    // Lane k runs cases k + 1, k + 1 + lanes, ...
    let runs: Vec<_> = (1..=lanes)
        .map(|first| {
            let base = base.clone();
            wasio::spawn(async move {
                for case in (first..=count).step_by(lanes as usize) {
                    run_case(&base, case).await;
                }
            })
        })
        .collect();
    for run in runs {
        // A lane that panicked has left its cases unrun: the report says so.
        let _ = run.await;
    }
    // kosoku ends this connection without a close frame once the reports are written.
    match ask(&format!("{base}/updateReports?agent={AGENT}")).await {
        Ok(_) | Err(ws::Error::Abnormal) => println!("reports updated"),
        Err(error) => return Err(error),
    }
    Ok(())
}
