//! Gives every error a string `extensions.code`, including the ones async-graphql raises itself,
//! and makes sure no error without a code (an unexpected cause) reaches a client verbatim.

use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextRequest, NextValidation,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Response, ServerError, ServerResult, ValidationResult, Variables};

pub struct ErrorCodes;

impl ExtensionFactory for ErrorCodes {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ErrorCodesExtension)
    }
}

struct ErrorCodesExtension;

fn has_code(err: &ServerError) -> bool {
    err.extensions.as_ref().is_some_and(|e| e.get("code").is_some())
}

fn with_code(mut err: ServerError, code: &str) -> ServerError {
    if !has_code(&err) {
        err.extensions.get_or_insert_with(Default::default).set("code", code);
    }
    err
}

#[async_graphql::async_trait::async_trait]
impl Extension for ErrorCodesExtension {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut response = next.run(ctx).await;
        response.errors = response.errors.into_iter().map(classify_uncoded).collect();
        response
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        next.run(ctx, query, variables).await.map_err(|e| with_code(e, "GRAPHQL_PARSE_FAILED"))
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        next.run(ctx)
            .await
            .map_err(|errs| errs.into_iter().map(|e| with_code(e, "GRAPHQL_VALIDATION_FAILED")).collect())
    }
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
