//! The `#[wasio::main]` and `#[wasio::test]` attributes. Use them through the `wasio` crate.
//!
//! Both take an `async fn` and wrap its body in `wasio::run`, leaving the rest of the
//! signature as written. They parse nothing but the tokens they need, so they pull in no
//! parser crates.

use proc_macro::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};

/// Runs an `async fn main` on the wasio event loop. See `wasio::main`.
///
/// It also adds `wasio::export_run!()`: under WASI 0.3 `main` must run inside the task of an
/// async `wasi:cli/run` export to wait on the host (under WASI 0.2 that adds nothing).
#[proc_macro_attribute]
pub fn main(attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut out = expand("main", attr, item, TokenStream::new());
    out.extend(
        "::wasio::export_run!();"
            .parse::<TokenStream>()
            .expect("valid tokens"),
    );
    out
}

/// Runs an `async fn` test on its own wasio event loop. See `wasio::test`.
#[proc_macro_attribute]
pub fn test(attr: TokenStream, item: TokenStream) -> TokenStream {
    let test_attr: TokenStream = "#[::core::prelude::v1::test]"
        .parse()
        .expect("valid tokens");
    expand("test", attr, item, test_attr)
}

fn expand(name: &str, attr: TokenStream, item: TokenStream, prefix: TokenStream) -> TokenStream {
    if let Some(first) = attr.into_iter().next() {
        return error(
            first.span(),
            &format!("#[wasio::{name}] takes no arguments"),
        );
    }
    let tokens: Vec<TokenTree> = item.into_iter().collect();
    let Some(fn_at) = tokens.iter().position(|t| is_ident(t, "fn")) else {
        return error(
            Span::call_site(),
            &format!("#[wasio::{name}] goes on an `async fn`"),
        );
    };
    let Some(async_at) = fn_at
        .checked_sub(1)
        .filter(|&i| is_ident(&tokens[i], "async"))
    else {
        return error(
            tokens[fn_at].span(),
            &format!("#[wasio::{name}] needs an `async fn`"),
        );
    };
    let body_at = tokens.len() - 1;
    let Some(TokenTree::Group(body)) = tokens.last() else {
        return error(tokens[body_at].span(), "expected the function body");
    };
    if body.delimiter() != Delimiter::Brace {
        return error(body.span(), "expected the function body");
    }
    let output = return_type(&tokens[fn_at..body_at]);

    let mut out = prefix;
    out.extend(tokens[..async_at].iter().cloned());
    out.extend(tokens[async_at + 1..body_at].iter().cloned());
    let mut call: TokenStream = match output {
        Some(ty) => {
            let mut path: TokenStream = "::wasio::__private::run_returning::<"
                .parse()
                .expect("valid tokens");
            path.extend(ty);
            path.extend("_ >".parse::<TokenStream>().expect("valid tokens"));
            path
        }
        None => "::wasio::run".parse().expect("valid tokens"),
    };
    let mut future: TokenStream = "async move".parse().expect("valid tokens");
    future.extend([TokenTree::Group(body.clone())]);
    call.extend([TokenTree::Group(Group::new(Delimiter::Parenthesis, future))]);
    out.extend([TokenTree::Group(Group::new(Delimiter::Brace, call))]);
    out
}

/// The tokens after `->` in a signature, up to the body (a `where` clause ends them), with a
/// trailing comma for the turbofish; `None` without a return type.
fn return_type(signature: &[TokenTree]) -> Option<TokenStream> {
    let params = signature.iter().position(
        |t| matches!(t, TokenTree::Group(g) if g.delimiter() == Delimiter::Parenthesis),
    )?;
    let signature = &signature[params + 1..];
    let arrow = signature.windows(2).position(|w| {
        matches!(&w[0], TokenTree::Punct(p) if p.as_char() == '-' && p.spacing() == Spacing::Joint)
            && matches!(&w[1], TokenTree::Punct(p) if p.as_char() == '>')
    })?;
    let mut ty: TokenStream = signature[arrow + 2..]
        .iter()
        .take_while(|t| !is_ident(t, "where"))
        .cloned()
        .collect();
    ty.extend([TokenTree::Punct(Punct::new(',', Spacing::Alone))]);
    Some(ty)
}

fn is_ident(token: &TokenTree, name: &str) -> bool {
    matches!(token, TokenTree::Ident(i) if i.to_string() == name)
}

/// `compile_error!("message")` pointing at `span`.
fn error(span: Span, message: &str) -> TokenStream {
    let mut literal = Literal::string(message);
    literal.set_span(span);
    let mut bang = Punct::new('!', Spacing::Alone);
    bang.set_span(span);
    [
        TokenTree::Ident(Ident::new("compile_error", span)),
        TokenTree::Punct(bang),
        TokenTree::Group(Group::new(
            Delimiter::Parenthesis,
            TokenTree::Literal(literal).into(),
        )),
    ]
    .into_iter()
    .collect()
}
