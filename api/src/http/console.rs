//! The query console at `/`: a page, a script and a style sheet of our own, compiled into the
//! binary, so the console works with no network beyond this server (an air-gapped deployment, a
//! strict proxy, a laptop on a train) and runs no third-party code.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

const PAGE: &str = include_str!("console/index.html");
const SCRIPT: &str = include_str!("console/console.js");
const STYLE: &str = include_str!("console/console.css");

/// Only this server's own origin, for everything: no inline script or style, no frames, no forms
/// posted elsewhere. `connect-src 'self'` covers fetches and the WebSocket to this host.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

fn asset(body: &'static str, content_type: &'static str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

pub async fn page() -> Response {
    asset(PAGE, "text/html; charset=utf-8")
}

pub async fn script() -> Response {
    asset(SCRIPT, "text/javascript; charset=utf-8")
}

pub async fn style() -> Response {
    asset(STYLE, "text/css; charset=utf-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The console names no other host: no CDN, no font service, no favicon from elsewhere.
    #[test]
    fn the_assets_load_nothing_from_other_hosts() {
        for asset in [PAGE, SCRIPT, STYLE] {
            assert!(!asset.contains("http://") && !asset.contains("https://") && !asset.contains("//cdn"));
            assert!(!asset.contains("@import") && !asset.contains("url("));
        }
        // Scripts and styles are files, never inline, so the policy can forbid inline code.
        assert!(!PAGE.contains("<script>") && !PAGE.contains("style="));
    }
}
