//! The server's side of the negotiation (RFC 7692, sections 5 and 7.1): the first offer it
//! can honour, and its answer.

use super::header::Extension;
use super::params::Params;
use super::{Agreed, Direction, NAME, PerMessageDeflate};

/// The first permessage-deflate offer among `offers` that `settings` can honour, with the
/// answer's `Sec-WebSocket-Extensions` value; `None` declines them all. An offer with an
/// unknown parameter, a duplicate or a bad value is declined (the handshake goes on), and so
/// is one asking for `server_max_window_bits=8`, which zlib cannot compress with.
///
/// ```
/// use wasio::ws::deflate::{PerMessageDeflate, answer_offers, parse_extensions};
///
/// let offers = parse_extensions([
///     "permessage-deflate; server_max_window_bits=8, permessage-deflate; client_max_window_bits",
/// ])
/// .unwrap();
/// let (agreed, answer) = answer_offers(&offers, &PerMessageDeflate::new()).unwrap();
/// // The server's own window (12 bits by default) goes in the answer.
/// assert_eq!(answer, "permessage-deflate; server_max_window_bits=12");
/// assert_eq!((agreed.server.window_bits, agreed.client.window_bits), (12, 15));
/// ```
pub fn answer_offers(
    offers: &[Extension],
    settings: &PerMessageDeflate,
) -> Option<(Agreed, String)> {
    offers
        .iter()
        .filter(|offer| offer.name.eq_ignore_ascii_case(NAME))
        .find_map(|offer| {
            let params = Params::parse(&offer.params).ok()?;
            let (agreed, answer) = accept(&params, settings)?;
            let mut text = NAME.to_string();
            answer.write(&mut text);
            Some((agreed, text))
        })
}

/// The answer to one valid offer, or `None` when it cannot be honoured.
fn accept(offer: &Params, settings: &PerMessageDeflate) -> Option<(Agreed, Params)> {
    let mut answer = Params::default();
    let mut server = Direction::UNLIMITED;
    let mut client = Direction::UNLIMITED;

    let own = settings.own_window();
    server.window_bits = match offer.server_max_window_bits {
        Some(bits) if bits < 9 => return None,
        Some(bits) => bits.min(own),
        None => own,
    };
    if offer.server_max_window_bits.is_some() || server.window_bits < 15 {
        answer.server_max_window_bits = Some(server.window_bits);
    }
    server.no_context_takeover = offer.server_no_context_takeover || settings.own_reset();
    answer.server_no_context_takeover = server.no_context_takeover;

    let wanted = settings.peer_window();
    client.window_bits = match offer.client_max_window_bits {
        // The client cannot be asked: it compresses with up to 15 bits.
        None => 15,
        Some(offered) => {
            let offered = offered.unwrap_or(15);
            if wanted < offered {
                answer.client_max_window_bits = Some(Some(wanted));
            }
            offered.min(wanted)
        }
    };
    // An offer's client_no_context_takeover is only a hint (and Autobahn's clients take it
    // as "may be asked"): the window is kept unless the answer asks the client to reset.
    client.no_context_takeover = settings.peer_reset();
    answer.client_no_context_takeover = client.no_context_takeover;
    Some((Agreed { server, client }, answer))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ws::deflate::parse_extensions;

    fn answer(header: &str, settings: PerMessageDeflate) -> Option<(Agreed, String)> {
        answer_offers(&parse_extensions([header]).unwrap(), &settings)
    }

    fn direction(window_bits: u8, no_context_takeover: bool) -> Direction {
        Direction {
            window_bits,
            no_context_takeover,
        }
    }

    #[test]
    fn the_plain_offer_is_accepted_as_it_is() {
        let widest = PerMessageDeflate::new().window_bits(15);
        let (agreed, text) = answer("permessage-deflate", widest).unwrap();
        assert_eq!(text, "permessage-deflate");
        assert_eq!(agreed.server, Direction::UNLIMITED);
        assert_eq!(agreed.client, Direction::UNLIMITED);
    }

    #[test]
    fn by_default_the_server_answers_its_12_bit_window() {
        let (agreed, text) = answer("permessage-deflate", PerMessageDeflate::new()).unwrap();
        assert_eq!(text, "permessage-deflate; server_max_window_bits=12");
        assert_eq!(agreed.server, direction(12, false));
        assert_eq!(agreed.client, Direction::UNLIMITED);
    }

    #[test]
    fn the_clients_requests_are_honoured_and_answered() {
        let (agreed, text) = answer(
            "permessage-deflate; server_no_context_takeover; server_max_window_bits=9; \
             client_max_window_bits=10; client_no_context_takeover",
            PerMessageDeflate::new(),
        )
        .unwrap();
        assert_eq!(
            text,
            "permessage-deflate; server_no_context_takeover; server_max_window_bits=9"
        );
        assert_eq!(agreed.server, direction(9, true));
        assert_eq!(agreed.client, direction(10, false));
    }

    #[test]
    fn the_servers_own_limits_are_answered_when_the_offer_allows_them() {
        let settings = PerMessageDeflate::new()
            .window_bits(11)
            .peer_window_bits(12)
            .no_context_takeover(true)
            .peer_no_context_takeover(true);
        let (agreed, text) = answer(
            "permessage-deflate; client_max_window_bits; server_max_window_bits=13",
            settings,
        )
        .unwrap();
        assert_eq!(
            text,
            "permessage-deflate; server_no_context_takeover; client_no_context_takeover; \
             server_max_window_bits=11; client_max_window_bits=12"
        );
        assert_eq!(agreed.server, direction(11, true));
        assert_eq!(agreed.client, direction(12, true));
        // Without client_max_window_bits in the offer the client's window cannot be limited.
        let (agreed, text) = answer("permessage-deflate", settings).unwrap();
        assert!(!text.contains("client_max_window_bits"), "{text}");
        assert_eq!(agreed.client.window_bits, 15);
    }

    #[test]
    fn unusable_offers_are_skipped_for_the_next_one() {
        for bad in [
            "permessage-deflate; server_max_window_bits=8",
            "permessage-deflate; server_max_window_bits=16",
            "permessage-deflate; client_max_window_bits=0",
            "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
            "permessage-deflate; unknown",
            "permessage-deflate; server_max_window_bits",
            "x-webkit-deflate-frame",
        ] {
            assert_eq!(answer(bad, PerMessageDeflate::new()), None, "{bad}");
            let then_good = format!("{bad}, permessage-deflate; client_max_window_bits=12");
            let (agreed, text) = answer(&then_good, PerMessageDeflate::new()).unwrap();
            assert_eq!(
                text, "permessage-deflate; server_max_window_bits=12",
                "{bad}"
            );
            assert_eq!(agreed.client.window_bits, 12);
        }
    }
}
