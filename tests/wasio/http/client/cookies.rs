//! The opt-in cookie jar.

use std::rc::Rc;

use wasio::http::CookieJar;

use super::{client, client_builder, fetch_json};

#[wasio::test]
async fn cookies_set_by_the_server_are_sent_back() {
    let client = client_builder().cookie_store(true).build().unwrap();
    client
        .get("cookies/set?session=abc&theme=dark")
        .send()
        .await
        .unwrap();
    let jar = client.cookie_jar().unwrap();
    assert_eq!(jar.len(), 2);
    let seen: serde_json::Value = fetch_json(client.get("cookies")).await;
    assert_eq!(seen, serde_json::json!({"session": "abc", "theme": "dark"}));
}

#[wasio::test]
async fn without_a_jar_no_cookie_is_kept() {
    let client = client();
    client.get("cookies/set?session=abc").send().await.unwrap();
    assert!(client.cookie_jar().is_none());
    let seen: serde_json::Value = fetch_json(client.get("cookies")).await;
    assert_eq!(seen, serde_json::json!({}));
}

#[wasio::test]
async fn a_jar_can_be_shared_and_cookies_follow_redirects() {
    let jar = Rc::new(CookieJar::new());
    let first = client_builder().cookie_jar(jar.clone()).build().unwrap();
    let second = client_builder().cookie_jar(jar.clone()).build().unwrap();
    // The cookie is set by a response that redirects; the next hop already carries it.
    first
        .get("redirect/302?to=/cookies/set%3Fuser%3Dada")
        .send()
        .await
        .unwrap();
    let seen: serde_json::Value = fetch_json(second.get("cookies")).await;
    assert_eq!(seen["user"], "ada");
}

#[wasio::test]
async fn the_jar_joins_a_cookie_the_request_sets_itself() {
    let client = client_builder().cookie_store(true).build().unwrap();
    client.get("cookies/set?from_jar=1").send().await.unwrap();
    let seen: serde_json::Value = fetch_json(client.get("cookies").header("cookie", "own=2")).await;
    assert_eq!(seen, serde_json::json!({"own": "2", "from_jar": "1"}));
}

#[wasio::test]
async fn a_site_cannot_set_a_cookie_for_its_public_suffix() {
    let jar = CookieJar::new();
    let site: wasio::http::Uri = "http://shop.example.co.uk/".parse().unwrap();
    jar.store(&site, "everywhere=1; Domain=co.uk");
    jar.store(&site, "mine=1; Domain=example.co.uk");
    let other: wasio::http::Uri = "http://other.co.uk/".parse().unwrap();
    assert!(jar.cookies_for(&other).is_empty());
    let sibling: wasio::http::Uri = "http://www.example.co.uk/".parse().unwrap();
    // With the list, `example.co.uk` is a site of its own, whose subdomains share cookies;
    // without it, every cookie stays with the host that set it.
    let shared = cfg!(feature = "public-suffix");
    assert_eq!(jar.cookies_for(&sibling).len(), usize::from(shared));
}
