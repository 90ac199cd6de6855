//! Gives every error a string `extensions.code`, including the ones async-graphql raises itself,
//! and makes sure no error without a code (an unexpected cause) reaches a client verbatim.

use async_graphql::ServerError;

fn has_code(err: &ServerError) -> bool {
    err.extensions.as_ref().is_some_and(|e| e.get("code").is_some())
}

/// `err` with `code`, unless it has one.
pub fn with_code(mut err: ServerError, code: &str) -> ServerError {
    if !has_code(&err) {
        err.extensions.get_or_insert_with(Default::default).set("code", code);
    }
    err
}

/// Every error of an answer with a code. An error without a path was raised before execution
/// (validation, limits, choosing the operation): the request itself is invalid. One with a path
/// and no code is classified below.
pub fn classify(errors: Vec<ServerError>) -> Vec<ServerError> {
    errors
        .into_iter()
        .map(
            |err| if err.path.is_empty() { with_code(err, "GRAPHQL_VALIDATION_FAILED") } else { classify_uncoded(err) },
        )
        .collect()
}

/// Errors still without a code come from async-graphql's argument coercion (the client sent a value
/// of the wrong shape) or from a cause nobody mapped; the latter is logged and hidden.
fn classify_uncoded(err: ServerError) -> ServerError {
    if has_code(&err) {
        return err;
    }
    let coercion =
        ["Failed to parse", "Invalid value for argument", "Expected input type", "Internal: Failed to parse"];
    if coercion.iter().any(|p| err.message.starts_with(p)) {
        return with_code(err, "BAD_USER_INPUT");
    }
    tracing::error!(error = %err.message, path = ?err.path, "unclassified error hidden from the client");
    let mut hidden = ServerError::new("internal server error", None);
    hidden.path = err.path;
    hidden.locations = err.locations;
    with_code(hidden, "INTERNAL_SERVER_ERROR")
}
