//! Browsers on other origins (`CORS_ALLOWED_ORIGINS`): tower-http answers their preflights and
//! marks answers readable by the origins on the list. Tokens travel in the `Authorization` header,
//! never in cookies, so credentials stay off and no origin can act with a browser's ambient
//! authority. WebSocket handshakes are not covered by CORS: they are checked against the same
//! list here.

use std::time::Duration;

use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, header};
use tower_http::cors::{AllowOrigin, CorsLayer};

/// How long a browser may reuse a preflight's answer; Chromium caps it at two hours.
pub const PREFLIGHT_MAX_AGE: Duration = Duration::from_secs(7_200);

/// The origins that browsers may call the API from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum AllowedOrigins {
    /// None but the API's own (the setting is unset): no CORS headers at all.
    #[default]
    SameOrigin,
    /// Any origin (`*`): for a public API whose tokens are the only authority.
    Any,
    /// These origins, as a browser's `Origin` header spells them.
    List(Vec<HeaderValue>),
}

impl AllowedOrigins {
    /// From the setting's entries (each checked by [`parse_origin`]).
    pub fn from_setting(entries: &[String]) -> Self {
        if entries.is_empty() {
            return Self::SameOrigin;
        }
        if entries.iter().any(|entry| entry == "*") {
            return Self::Any;
        }
        let mut origins: Vec<HeaderValue> =
            entries.iter().filter_map(|entry| HeaderValue::from_str(entry).ok()).collect();
        origins.dedup();
        Self::List(origins)
    }

    /// The layer answering preflights and marking answers; `None` when only the API's own origin
    /// may call it.
    pub fn layer(&self) -> Option<CorsLayer> {
        let allow = match self {
            Self::SameOrigin => return None,
            Self::Any => AllowOrigin::any(),
            Self::List(origins) => AllowOrigin::list(origins.clone()),
        };
        Some(
            CorsLayer::new()
                .allow_origin(allow)
                .allow_methods([Method::GET, Method::POST])
                .allow_headers([
                    header::AUTHORIZATION,
                    header::CONTENT_TYPE,
                    header::ACCEPT,
                    HeaderName::from_static("x-request-id"),
                    HeaderName::from_static("traceparent"),
                    HeaderName::from_static("tracestate"),
                ])
                .expose_headers([HeaderName::from_static("x-request-id"), header::RETRY_AFTER])
                .allow_credentials(false)
                .max_age(PREFLIGHT_MAX_AGE),
        )
    }

    /// Whether a WebSocket handshake with these headers may proceed. Clients that are not
    /// browsers send no `Origin` and pass; a browser page passes when it is on the list or on the
    /// API's own origin (the query console), told by the `Host` it connected to.
    pub fn admits_websocket(&self, headers: &HeaderMap) -> bool {
        let Some(origin) = headers.get(header::ORIGIN) else { return true };
        match self {
            Self::SameOrigin | Self::Any => true,
            Self::List(origins) => origins.contains(origin) || same_origin(origin, headers.get(header::HOST)),
        }
    }
}

/// Whether `origin` names the host and port the request was sent to.
fn same_origin(origin: &HeaderValue, host: Option<&HeaderValue>) -> bool {
    let (Ok(origin), Some(Ok(host))) = (origin.to_str(), host.map(|h| h.to_str())) else { return false };
    let Ok(url) = url::Url::parse(origin) else { return false };
    let authority = match (url.host_str(), url.port()) {
        (Some(name), Some(port)) => format!("{name}:{port}"),
        (Some(name), None) => name.to_owned(),
        _ => return false,
    };
    authority.eq_ignore_ascii_case(host)
}

/// One entry of `CORS_ALLOWED_ORIGINS`: `*`, or an origin such as `https://app.example.com` or
/// `http://localhost:5173`, written as browsers send it (no path, the default port left out).
pub fn parse_origin(entry: &str) -> Result<String, String> {
    let entry = entry.trim();
    if entry == "*" {
        return Ok(entry.to_owned());
    }
    let url = url::Url::parse(entry).map_err(|e| format!("`{entry}` is not an origin ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(format!("`{entry}` is not an http or https origin"));
    }
    let origin = url.origin().ascii_serialization();
    // A path, query, fragment or user name would never match what a browser sends.
    if entry.trim_end_matches('/') != origin {
        return Err(format!("`{entry}` is not an origin: write it as `{origin}`"));
    }
    Ok(origin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_written_as_browsers_send_them() {
        assert_eq!(parse_origin("https://app.example.com").unwrap(), "https://app.example.com");
        assert_eq!(parse_origin(" http://localhost:5173/ ").unwrap(), "http://localhost:5173");
        assert_eq!(parse_origin("*").unwrap(), "*");
        for wrong in [
            "app.example.com",
            "ftp://app.example.com",
            "https://app.example.com/path",
            "https://app.example.com:443",
            "https://user@app.example.com",
            "https://app.example.com?x=1",
            "null",
        ] {
            assert!(parse_origin(wrong).is_err(), "{wrong}");
        }
    }

    fn headers(origin: Option<&'static str>, host: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Some(origin) = origin {
            headers.insert(header::ORIGIN, HeaderValue::from_static(origin));
        }
        headers.insert(header::HOST, HeaderValue::from_static(host));
        headers
    }

    #[test]
    fn a_websocket_from_an_origin_off_the_list_is_refused() {
        let allowed = AllowedOrigins::from_setting(&["https://app.example.com".into()]);
        assert!(allowed.admits_websocket(&headers(Some("https://app.example.com"), "api.example.com")));
        assert!(!allowed.admits_websocket(&headers(Some("https://evil.example"), "api.example.com")));
        assert!(!allowed.admits_websocket(&headers(Some("null"), "api.example.com")));
        // The API's own pages, and clients that are not browsers.
        assert!(allowed.admits_websocket(&headers(Some("http://127.0.0.1:8080"), "127.0.0.1:8080")));
        assert!(allowed.admits_websocket(&headers(None, "api.example.com")));
        assert!(AllowedOrigins::SameOrigin.admits_websocket(&headers(Some("https://evil.example"), "api.example.com")));
        assert_eq!(AllowedOrigins::from_setting(&["https://a.example".into(), "*".into()]), AllowedOrigins::Any);
    }
}
