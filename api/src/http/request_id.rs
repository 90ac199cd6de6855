//! Request ids: the server makes one for every request. A client's `x-request-id` is kept only when
//! it is a short token of safe characters, so nothing a client sends is echoed or logged raw
//! (quotes, tabs and newlines could forge log lines or break log parsers).

use axum::http::Request;

use super::REQUEST_ID;

const MAX_LEN: usize = 64;

/// Whether a client-chosen request id may be kept.
pub fn is_safe(id: &[u8]) -> bool {
    (1..=MAX_LEN).contains(&id.len()) && id.iter().all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(b))
}

/// Removes an unsafe client request id, so the next layer generates one.
pub fn drop_unsafe<B>(mut request: Request<B>) -> Request<B> {
    let unsafe_ids = request.headers().get_all(REQUEST_ID).iter().any(|v| !is_safe(v.as_bytes()));
    if unsafe_ids || request.headers().get_all(REQUEST_ID).iter().count() > 1 {
        request.headers_mut().remove(REQUEST_ID);
    }
    request
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_short_plain_tokens_are_kept() {
        assert!(is_safe(b"0b6f2c1e-9d4a-4c1b-8f3e-2a7d5c9e1f00"));
        assert!(is_safe(b"trace.abc_123:7"));
        assert!(!is_safe(b""));
        assert!(!is_safe(b"a\"b"));
        assert!(!is_safe(b"a\tb"));
        assert!(!is_safe(b"with space"));
        assert!(!is_safe("é".as_bytes()));
        assert!(!is_safe(&[b'a'; 65]));
    }
}
