//! The client's side of the negotiation (RFC 7692, sections 5 and 7.1): its offer, and the
//! check of the server's answer.

use super::header::Extension;
use super::params::{NegotiationError, Params};
use super::{Agreed, Direction, NAME, PerMessageDeflate};

/// The `Sec-WebSocket-Extensions` value a client with `settings` offers. It always allows
/// the server to limit the client's window (`client_max_window_bits`), as browsers do.
///
/// ```
/// use wasio::ws::deflate::{PerMessageDeflate, offer};
///
/// assert_eq!(offer(&PerMessageDeflate::new()), "permessage-deflate; client_max_window_bits=12");
/// assert_eq!(
///     offer(&PerMessageDeflate::new().window_bits(15)),
///     "permessage-deflate; client_max_window_bits"
/// );
/// assert_eq!(
///     offer(&PerMessageDeflate::new().window_bits(12).peer_window_bits(10)),
///     "permessage-deflate; server_max_window_bits=10; client_max_window_bits=12"
/// );
/// ```
pub fn offer(settings: &PerMessageDeflate) -> String {
    let own = settings.own_window();
    let peer = settings.peer_window();
    let params = Params {
        server_no_context_takeover: settings.peer_reset(),
        client_no_context_takeover: settings.own_reset(),
        server_max_window_bits: (peer < 15).then_some(peer),
        client_max_window_bits: Some((own < 15).then_some(own)),
    };
    let mut text = NAME.to_string();
    params.write(&mut text);
    text
}

/// What the server's answer (its permessage-deflate extensions, `answers`) agrees to, for
/// a client that offered [`offer`]`(settings)`; `Ok(None)` when it declined. An answer
/// that breaks RFC 7692 or does not fit the offer is an error, which fails the handshake.
///
/// A `client_max_window_bits` above the client's own window (Autobahn's fuzzing server
/// answers 15 to every offer in its cases 13.4 and 13.6) is accepted: the client keeps
/// compressing with its own, smaller window, which is always within what the server allows.
pub fn check_answer(
    answers: &[Extension],
    settings: &PerMessageDeflate,
) -> Result<Option<Agreed>, NegotiationError> {
    let answer = match answers {
        [] => return Ok(None),
        [answer] => Params::parse(&answer.params)?,
        _ => return Err(NegotiationError::Repeated),
    };
    let offered_peer = settings.peer_window();
    let server_window = match answer.server_max_window_bits {
        None if offered_peer < 15 => {
            return Err(NegotiationError::Missing("server_max_window_bits"));
        }
        None => 15,
        Some(bits) if bits > offered_peer => {
            return Err(NegotiationError::NotAllowed("server_max_window_bits"));
        }
        Some(bits) => bits,
    };
    if settings.peer_reset() && !answer.server_no_context_takeover {
        return Err(NegotiationError::Missing("server_no_context_takeover"));
    }
    let client_window = match answer.client_max_window_bits {
        None => settings.own_window(),
        Some(None) => return Err(NegotiationError::BadValue("client_max_window_bits")),
        // zlib cannot compress with a window of 8.
        Some(Some(bits)) if bits < 9 => {
            return Err(NegotiationError::NotAllowed("client_max_window_bits"));
        }
        Some(Some(bits)) => bits.min(settings.own_window()),
    };
    Ok(Some(Agreed {
        server: Direction {
            window_bits: server_window,
            no_context_takeover: answer.server_no_context_takeover,
        },
        client: Direction {
            window_bits: client_window,
            no_context_takeover: answer.client_no_context_takeover || settings.own_reset(),
        },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ws::deflate::parse_extensions;

    fn check(
        header: &str,
        settings: PerMessageDeflate,
    ) -> Result<Option<Agreed>, NegotiationError> {
        check_answer(&parse_extensions([header]).unwrap(), &settings)
    }

    #[test]
    fn the_offer_carries_every_setting() {
        let all = PerMessageDeflate::new()
            .window_bits(9)
            .peer_window_bits(11)
            .no_context_takeover(true)
            .peer_no_context_takeover(true);
        assert_eq!(
            offer(&all),
            "permessage-deflate; server_no_context_takeover; client_no_context_takeover; \
             server_max_window_bits=11; client_max_window_bits=9"
        );
    }

    #[test]
    fn valid_answers_set_both_directions() {
        let agreed = check(
            "permessage-deflate; server_no_context_takeover; client_max_window_bits=10; \
             server_max_window_bits=12",
            PerMessageDeflate::new(),
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            agreed.server,
            Direction {
                window_bits: 12,
                no_context_takeover: true
            }
        );
        assert_eq!(
            agreed.client,
            Direction {
                window_bits: 10,
                no_context_takeover: false
            }
        );
        // The server may compress with a window of 8: the client inflates it with 9.
        let eight = check(
            "permessage-deflate; server_max_window_bits=8",
            PerMessageDeflate::new(),
        );
        assert_eq!(eight.unwrap().unwrap().server.window_bits, 8);
        // A client that offered no context takeover keeps to it even when not answered.
        let hint = check(
            "permessage-deflate",
            PerMessageDeflate::new().no_context_takeover(true),
        );
        assert!(hint.unwrap().unwrap().client.no_context_takeover);
        assert_eq!(check_answer(&[], &PerMessageDeflate::new()), Ok(None));
        // A larger window than the client offered: the client keeps to its own.
        for (answer, own, window) in [(15, 12, 12), (13, 12, 12), (11, 12, 11), (15, 15, 15)] {
            let agreed = check(
                &format!("permessage-deflate; client_max_window_bits={answer}"),
                PerMessageDeflate::new().window_bits(own),
            );
            assert_eq!(
                agreed.unwrap().unwrap().client.window_bits,
                window,
                "{answer}"
            );
        }
    }

    #[test]
    fn invalid_answers_fail() {
        use NegotiationError::*;
        let limited = PerMessageDeflate::new()
            .window_bits(12)
            .peer_window_bits(10)
            .peer_no_context_takeover(true);
        for (header, settings, expected) in [
            (
                "permessage-deflate; foo",
                PerMessageDeflate::new(),
                UnknownParameter("foo".into()),
            ),
            (
                "permessage-deflate; client_no_context_takeover; client_no_context_takeover",
                PerMessageDeflate::new(),
                Duplicate("client_no_context_takeover"),
            ),
            (
                "permessage-deflate; client_max_window_bits",
                PerMessageDeflate::new(),
                BadValue("client_max_window_bits"),
            ),
            (
                "permessage-deflate; client_max_window_bits=8",
                PerMessageDeflate::new(),
                NotAllowed("client_max_window_bits"),
            ),
            (
                "permessage-deflate; server_max_window_bits=20",
                PerMessageDeflate::new(),
                BadValue("server_max_window_bits"),
            ),
            (
                "permessage-deflate; server_no_context_takeover; server_max_window_bits=11",
                limited,
                NotAllowed("server_max_window_bits"),
            ),
            (
                "permessage-deflate; server_no_context_takeover",
                limited,
                Missing("server_max_window_bits"),
            ),
            (
                "permessage-deflate; server_max_window_bits=10",
                limited,
                Missing("server_no_context_takeover"),
            ),
            (
                "permessage-deflate, permessage-deflate",
                PerMessageDeflate::new(),
                Repeated,
            ),
        ] {
            assert_eq!(check(header, settings), Err(expected), "{header}");
        }
    }
}
