//! `Answer`: a response known now, or the future of one, as one future type, polled in place.
//!
//! What the WASI 0.3 export awaits for each request. An `async` block that awaits a future it
//! was given keeps two copies of it (the one it captured and the one it awaits), and every
//! layer doubles again; a request's futures grew to kilobytes that were copied whole on the
//! way to the host. `Answer` (and the export's `Respond`) hold their future once.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

use super::response::Response;

pin_project! {
    /// A response now, or the future of one.
    #[project = Projection]
    pub(crate) enum Answer<F> {
        /// The response is `future`'s.
        Later { #[pin] future: F },
        /// The response is known (taken when polled).
        Now { response: Option<Response> },
    }
}

impl<F: Future<Output = Response>> Future for Answer<F> {
    type Output = Response;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Response> {
        match self.project() {
            Projection::Later { future } => future.poll(cx),
            Projection::Now { response } => match response.take() {
                Some(response) => Poll::Ready(response),
                None => Poll::Pending,
            },
        }
    }
}

impl<F> Answer<F> {
    /// An answer of `response`, now.
    pub(crate) fn now(response: Response) -> Answer<F> {
        Answer::Now {
            response: Some(response),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::future::ready;
    use std::pin::pin;
    use std::task::Waker;

    use http::StatusCode;

    use super::*;

    #[test]
    fn an_answer_now_or_later_is_its_response_once() {
        let mut cx = Context::from_waker(Waker::noop());
        let mut now = pin!(Answer::<std::future::Ready<Response>>::now(Response::new(
            StatusCode::CREATED
        )));
        let Poll::Ready(response) = now.as_mut().poll(&mut cx) else {
            panic!("an answer now is ready");
        };
        assert_eq!(response.status(), StatusCode::CREATED);
        assert!(now.poll(&mut cx).is_pending(), "its response was taken");
        let later = pin!(Answer::Later {
            future: ready(Response::new(StatusCode::ACCEPTED))
        });
        let Poll::Ready(response) = later.poll(&mut cx) else {
            panic!("a ready future's answer is ready");
        };
        assert_eq!(response.status(), StatusCode::ACCEPTED);
    }
}
