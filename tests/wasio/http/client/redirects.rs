//! Redirects: each status code's rules, limits, loops, and credentials across origins.

use http::Method;
use wasio::http::{Client, Error, Redirect, StatusCode};

use super::{Echo, client, client_builder, fetch_json};

#[wasio::test]
async fn each_redirect_status_changes_the_method_as_rfc_9110_says() {
    let client = client();
    for (code, method, expected_method, body_kept) in [
        (301, Method::POST, "GET", false),
        (302, Method::POST, "GET", false),
        (302, Method::PUT, "PUT", true),
        (303, Method::POST, "GET", false),
        (303, Method::DELETE, "GET", false),
        (307, Method::POST, "POST", true),
        (308, Method::PUT, "PUT", true),
    ] {
        let response = client
            .request(method.clone(), &format!("redirect/{code}?to=/echo"))
            .body("payload")
            .header("content-type", "text/plain")
            .send()
            .await
            .unwrap();
        assert_eq!(response.url().path(), "/echo", "{code} {method}");
        let echo: Echo = response.json().await.unwrap();
        assert_eq!(echo.method, expected_method, "{code} {method}");
        assert_eq!(
            echo.body == "payload",
            body_kept,
            "{code} {method}: body {:?}",
            echo.body
        );
        if !body_kept {
            assert_eq!(
                echo.content_type, "",
                "{code} {method}: content headers dropped"
            );
        }
    }
}

#[wasio::test]
async fn chains_are_followed_up_to_the_limit() {
    let client = client();
    // `redirect-chain/n` takes n + 1 redirects to reach /echo.
    let echo: Echo = fetch_json(client.get("redirect-chain/9")).await;
    assert_eq!(echo.path, "/echo", "10 redirects: the default limit");
    match client.get("redirect-chain/10").send().await {
        Err(Error::TooManyRedirects { limit: 10, url }) => {
            assert_eq!(
                url.path(),
                "/redirect-chain/0",
                "the 11th redirect was not followed"
            );
        }
        other => panic!("{other:?}"),
    }
    let strict = client_builder()
        .redirect(Redirect::limited(2))
        .build()
        .unwrap();
    assert!(matches!(
        strict.get("redirect-chain/2").send().await,
        Err(Error::TooManyRedirects { limit: 2, .. })
    ));
}

#[wasio::test]
async fn a_redirect_loop_ends_with_an_error() {
    let error = client().get("redirect-loop").send().await.unwrap_err();
    assert!(matches!(error, Error::TooManyRedirects { .. }), "{error}");
    assert!(
        error.to_string().contains("more than 10 redirects"),
        "{error}"
    );
}

#[wasio::test]
async fn with_no_policy_the_redirect_itself_comes_back() {
    let client = client_builder().redirect(Redirect::none()).build().unwrap();
    let response = client
        .get("redirect/302?to=/elsewhere")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(response.headers()["location"], "/elsewhere");
}

#[wasio::test]
async fn authorization_stays_with_its_origin() {
    let client = client();
    let same: Echo = fetch_json(client.get("redirect/302?to=/echo").bearer_auth("secret")).await;
    assert_eq!(same.headers["authorization"], "Bearer secret");
    // The peer redirects from 127.0.0.1 to localhost: another origin.
    let other: Echo = fetch_json(client.get("redirect-cross").bearer_auth("secret")).await;
    assert!(
        !other.headers.contains_key("authorization"),
        "{:?}",
        other.headers
    );
    // A cookie the request set itself is a credential too.
    let other: Echo = fetch_json(
        client
            .get("redirect-cross")
            .header("cookie", "session=secret"),
    )
    .await;
    assert!(!other.headers.contains_key("cookie"), "{:?}", other.headers);
}

#[wasio::test]
async fn a_303_drops_a_streamed_body_and_its_length() {
    let stream = futures_lite::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from("12345"))]);
    let echo: Echo = fetch_json(
        client()
            .post("redirect/303?to=/echo")
            .header("content-length", "5")
            .body(wasio::http::Body::from_stream(stream)),
    )
    .await;
    assert_eq!(echo.method, "GET");
    assert_eq!(echo.body_len, 0);
    assert!(
        !echo.headers.contains_key("content-length"),
        "{:?}",
        echo.headers
    );
}

#[wasio::test]
async fn a_location_that_is_not_ascii_is_an_error() {
    let error = Client::new()
        .get(&format!("{}/bad-location", super::raw_peer()))
        .send()
        .await
        .unwrap_err();
    match &error {
        Error::InvalidUrl { url, reason } => {
            assert_eq!(url, "/café");
            assert_eq!(*reason, "the redirect location is not ASCII");
        }
        other => panic!("{other:?}"),
    }
}

#[wasio::test]
async fn a_streamed_body_is_not_replayed_so_a_307_comes_back_as_it_is() {
    let stream = futures_lite::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from("once"))]);
    let response = client()
        .post("redirect/307?to=/echo")
        .body(wasio::http::Body::from_stream(stream))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::TEMPORARY_REDIRECT);
}

#[wasio::test]
async fn a_location_that_is_not_http_is_an_error() {
    let error = client()
        .get("redirect/302?to=ftp://files/x")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidUrl { .. }), "{error}");
}
