//! Media types of GraphQL over HTTP: which request bodies are read, and which response type a
//! client asked for in `Accept`.

/// The response type the GraphQL-over-HTTP specification defines; with it, a request that fails
/// before execution answers 4xx.
pub const GRAPHQL_RESPONSE: &str = "application/graphql-response+json; charset=utf-8";
pub const JSON: &str = "application/json; charset=utf-8";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseMedia {
    /// `application/json`: GraphQL errors answer 200 (the older convention clients rely on).
    Json,
    /// `application/graphql-response+json`: request errors answer 400.
    GraphqlResponse,
}

impl ResponseMedia {
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Json => JSON,
            Self::GraphqlResponse => GRAPHQL_RESPONSE,
        }
    }
}

/// The response type for an `Accept` header; `None` when the client accepts neither type. A
/// missing header, or one that accepts anything, gets `application/json` (what clients written
/// before the specification expect); the specific type wins when asked for with equal weight.
pub fn negotiate(accept: Option<&str>) -> Option<ResponseMedia> {
    let Some(accept) = accept.map(str::trim).filter(|a| !a.is_empty()) else { return Some(ResponseMedia::Json) };
    let mut best: Option<(f32, u8, ResponseMedia)> = None;
    for range in accept.split(',') {
        let mut parts = range.split(';').map(str::trim);
        let essence = parts.next().unwrap_or_default().to_ascii_lowercase();
        let mut quality = 1.0f32;
        for param in parts {
            if let Some(q) = param.strip_prefix("q=").or_else(|| param.strip_prefix("Q=")) {
                quality = q.parse().unwrap_or(0.0);
            }
        }
        // Specificity breaks ties: the exact GraphQL type, then JSON, then wildcards.
        let (rank, media) = match essence.as_str() {
            "application/graphql-response+json" => (3, ResponseMedia::GraphqlResponse),
            "application/json" => (2, ResponseMedia::Json),
            "application/*" | "*/*" => (1, ResponseMedia::Json),
            _ => continue,
        };
        if quality <= 0.0 {
            continue;
        }
        if best.is_none_or(|(q, r, _)| quality > q || (quality == q && rank > r)) {
            best = Some((quality, rank, media));
        }
    }
    best.map(|(_, _, media)| media)
}

/// Whether a POST body's `Content-Type` is JSON in UTF-8 (the only body GraphQL over HTTP needs;
/// refusing others also stops cross-site form posts, which cannot send it without a preflight).
pub fn is_json_body(content_type: Option<&str>) -> bool {
    let Some(content_type) = content_type else { return false };
    let mut parts = content_type.split(';').map(str::trim);
    if !parts.next().unwrap_or_default().eq_ignore_ascii_case("application/json") {
        return false;
    }
    parts.all(|param| match param.split_once('=') {
        Some((name, value)) if name.trim().eq_ignore_ascii_case("charset") => {
            value.trim().trim_matches('"').eq_ignore_ascii_case("utf-8")
        }
        _ => true,
    })
}

/// Whether a POST body is `multipart/form-data`: a file upload as the GraphQL multipart request
/// specification sends one.
pub fn is_multipart_body(content_type: Option<&str>) -> bool {
    content_type
        .and_then(|c| c.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("multipart/form-data"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_headers_choose_the_response_type() {
        use ResponseMedia::*;
        assert_eq!(negotiate(None), Some(Json));
        assert_eq!(negotiate(Some("*/*")), Some(Json));
        assert_eq!(negotiate(Some("application/graphql-response+json")), Some(GraphqlResponse));
        assert_eq!(negotiate(Some("application/graphql-response+json, application/json;q=0.9")), Some(GraphqlResponse));
        assert_eq!(negotiate(Some("application/json, application/graphql-response+json;q=0.5")), Some(Json));
        assert_eq!(negotiate(Some("application/json, application/graphql-response+json")), Some(GraphqlResponse));
        assert_eq!(negotiate(Some("text/html")), None);
        assert_eq!(negotiate(Some("application/json;q=0")), None);
    }

    #[test]
    fn only_utf8_json_bodies_are_read() {
        assert!(is_json_body(Some("application/json")));
        assert!(is_json_body(Some("Application/JSON; charset=UTF-8")));
        assert!(!is_json_body(Some("application/json; charset=latin1")));
        assert!(!is_json_body(Some("text/plain")));
        assert!(!is_json_body(Some("application/x-www-form-urlencoded")));
        assert!(!is_json_body(None));
    }
}
