//! HTTP client benchmark: rounds of concurrent GETs of a 1 KiB body, issued by wasio's
//! `Client`, by wstd 0.6.8's client, and by raw wasi:http bindings with one `poll` loop and no
//! runtime (the floor). `scripts/bench` runs each in its own process against a native server,
//! next to aiohttp's `ClientSession` (benches/aiohttp_client.py).
//!
//! `wasmtime run -Shttp http_client.wasm <floor|wasio|wstd> <url> <concurrent>` prints the
//! median wall time of a round.

use std::time::Instant;

const ROUNDS: usize = 9;

// Built with `--features p3` too: `main` then runs inside an async `wasi:cli/run` task.
wasio::export_run!();

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [peer, url, n] = args.as_slice() else {
        eprintln!("usage: http_client.wasm <floor|wasio|wstd> <url> <concurrent>");
        std::process::exit(2);
    };
    let Ok(n) = n.parse::<usize>() else {
        eprintln!("concurrent must be a whole number");
        std::process::exit(2);
    };
    let round: Box<dyn Fn() -> Result<(), String>> = match peer.as_str() {
        "floor" => Box::new(|| floor::round(url, n)),
        "wasio" => {
            let client = wasio::http::Client::new();
            Box::new(move || wasio::run(wasio_round(&client, url, n)))
        }
        "wstd" => Box::new(|| wstd::runtime::block_on(wstd_round(url, n))),
        _ => {
            eprintln!("unknown peer {peer}");
            std::process::exit(2);
        }
    };
    let mut times = Vec::new();
    for i in 0..=ROUNDS {
        let start = Instant::now();
        if let Err(error) = round() {
            eprintln!("{peer}: round {i}: {error}");
            std::process::exit(1);
        }
        if i > 0 {
            times.push(start.elapsed());
        }
    }
    times.sort();
    println!("{:.2} ms", times[ROUNDS / 2].as_secs_f64() * 1e3);
}

async fn wasio_round(client: &wasio::http::Client, url: &str, n: usize) -> Result<(), String> {
    let requests = (0..n).map(|_| async {
        let body = client
            .get(url)
            .send()
            .await?
            .error_for_status()?
            .bytes()
            .await?;
        Ok::<_, wasio::http::Error>(body.len())
    });
    let sizes = wasio::future::try_join_all(requests)
        .await
        .map_err(|e| e.to_string())?;
    check(&sizes)
}

async fn wstd_round(url: &str, n: usize) -> Result<(), String> {
    use wstd::http::{Body, BodyExt, Client, Request};
    let client = Client::new();
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let request = Request::get(url)
                .body(Body::empty())
                .map_err(|e| e.to_string());
            let client = client.clone();
            wstd::runtime::spawn(async move {
                let response = client.send(request?).await.map_err(|e| e.to_string())?;
                let body = response.into_body().into_boxed_body().collect().await;
                Ok::<_, String>(body.map_err(|e| e.to_string())?.to_bytes().len())
            })
        })
        .collect();
    let mut sizes = Vec::new();
    for task in tasks {
        sizes.push(task.await?);
    }
    check(&sizes)
}

fn check(sizes: &[usize]) -> Result<(), String> {
    match sizes.iter().find(|&&size| size != 1024) {
        Some(size) => Err(format!("a body of {size} bytes, not 1024")),
        None => Ok(()),
    }
}

/// The floor: wasi:http straight from the bindings, every request driven by one poll loop.
mod floor {
    use wasip2::http::outgoing_handler::handle;
    use wasip2::http::types::{
        Fields, FutureIncomingResponse, IncomingBody, OutgoingBody, OutgoingRequest, Scheme,
    };
    use wasip2::io::poll::{Pollable, poll};
    use wasip2::io::streams::{InputStream, StreamError};

    enum State {
        Head(Pollable, FutureIncomingResponse),
        Body(Pollable, InputStream, IncomingBody, usize),
        Done(usize),
    }

    pub fn round(url: &str, n: usize) -> Result<(), String> {
        let uri: http::Uri = url.parse().map_err(|_| "bad URL")?;
        let authority = uri.authority().ok_or("no authority")?.as_str().to_string();
        let mut states: Vec<State> = (0..n)
            .map(|_| {
                let request = OutgoingRequest::new(Fields::new());
                request
                    .set_scheme(Some(&Scheme::Http))
                    .map_err(|()| "scheme")?;
                request
                    .set_authority(Some(&authority))
                    .map_err(|()| "authority")?;
                request
                    .set_path_with_query(Some(uri.path()))
                    .map_err(|()| "path")?;
                let body = request.body().map_err(|()| "body")?;
                let future = handle(request, None).map_err(|e| format!("{e:?}"))?;
                OutgoingBody::finish(body, None).map_err(|e| format!("{e:?}"))?;
                Ok(State::Head(future.subscribe(), future))
            })
            .collect::<Result<_, String>>()?;
        while states.iter().any(|s| !matches!(s, State::Done(_))) {
            let waiting: Vec<usize> = (0..n)
                .filter(|&i| !matches!(states[i], State::Done(_)))
                .collect();
            let list: Vec<&Pollable> = waiting
                .iter()
                .map(|&i| match &states[i] {
                    State::Head(p, _) | State::Body(p, ..) => p,
                    State::Done(_) => unreachable!(),
                })
                .collect();
            let ready = poll(&list);
            drop(list);
            for index in ready {
                let i = waiting[index as usize];
                let state = std::mem::replace(&mut states[i], State::Done(0));
                states[i] = advance(state)?;
            }
        }
        for state in &states {
            if let State::Done(size) = state {
                if *size != 1024 {
                    return Err(format!("a body of {size} bytes"));
                }
            }
        }
        Ok(())
    }

    fn advance(state: State) -> Result<State, String> {
        match state {
            State::Head(pollable, future) => {
                drop(pollable);
                let response = future.get().ok_or("not ready")?.map_err(|()| "taken")?;
                let response = response.map_err(|e| format!("{e:?}"))?;
                let body = response.consume().map_err(|()| "consumed")?;
                drop(response);
                let stream = body.stream().map_err(|()| "no stream")?;
                Ok(State::Body(stream.subscribe(), stream, body, 0))
            }
            State::Body(pollable, stream, body, mut size) => loop {
                match stream.read(64 * 1024) {
                    Ok(bytes) if bytes.is_empty() => {
                        return Ok(State::Body(pollable, stream, body, size));
                    }
                    Ok(bytes) => size += bytes.len(),
                    Err(StreamError::Closed) => {
                        drop(pollable);
                        drop(stream);
                        drop(IncomingBody::finish(body));
                        return Ok(State::Done(size));
                    }
                    Err(StreamError::LastOperationFailed(e)) => return Err(e.to_debug_string()),
                }
            },
            done => Ok(done),
        }
    }
}
