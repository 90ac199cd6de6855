//! The schema as clients reach it, over HTTP and WebSocket alike: every operation's document is
//! bounded before validation, a WebSocket operation re-checks its connection's credential, every
//! error leaves with a code, and a mutation that may change credentials clears this replica's
//! credential cache once answered.
//!
//! These rules wrap the schema instead of being schema extensions: with any extension installed,
//! async-graphql sends every field of every answer through the extension chain (a boxed future
//! and a type lookup per field per extension), which cost a page of 50 handoffs about a third of
//! its CPU time (docs/performance.md).

use std::any::TypeId;
use std::sync::Arc;

use async_graphql::futures_util::stream::{self, BoxStream, StreamExt};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::registry::Registry;
use async_graphql::{Data, Executor, Request, Response, ServerError};

use super::connection_auth::ConnectionCredential;
use super::document_cache::DocumentCache;
use super::document_guard::{self, DocumentLimits};
use super::persisted::PersistedDocuments;
use super::{AppSchema, error_codes};
use crate::auth::Viewer;
use crate::auth::jwt::JwtKeys;
use crate::store::Store;

/// The schema with the rules every operation gets; cheap to clone.
#[derive(Clone)]
pub struct Api {
    schema: AppSchema,
    inner: Arc<Inner>,
}

struct Inner {
    limits: DocumentLimits,
    /// Documents sent by hash (automatic persisted queries, or trusted documents only).
    persisted: PersistedDocuments,
    documents: DocumentCache,
    /// The schema's types, for the document guard's enum-literal check.
    registry: Registry,
    store: Store,
    keys: JwtKeys,
}

impl Api {
    pub fn new(
        schema: AppSchema,
        limits: DocumentLimits,
        store: Store,
        keys: JwtKeys,
        persisted: PersistedDocuments,
    ) -> Self {
        let inner =
            Inner { limits, persisted, documents: DocumentCache::default(), registry: super::registry(), store, keys };
        Self { schema, inner: Arc::new(inner) }
    }

    pub fn schema(&self) -> &AppSchema {
        &self.schema
    }

    /// The request's document, parsed once (the schema reuses it): a copy of the parsed form of
    /// the same text when it was parsed before, else parsed now unless the guard's text check
    /// refuses it (the guard then answers). Call it once per request, before anything else parses
    /// the document; `None` when it does not parse.
    pub fn parse<'r>(&self, request: &'r mut Request) -> Option<&'r ExecutableDocument> {
        // A document named by hash is looked up first; a refusal waits in the request for `admit`.
        if let Err(refusal) = self.inner.persisted.resolve(request) {
            request.data.insert(PersistedRefusal(refusal));
            return None;
        }
        if let Some(document) = self.inner.documents.get(&request.query) {
            request.set_parsed_query(ExecutableDocument::clone(&document));
        } else {
            document_guard::check_text(&request.query).ok()?;
            request.parsed_query().ok()?;
            // The text is lent out while the parsed document (kept in the request) is borrowed.
            let text = std::mem::take(&mut request.query);
            if let Ok(document) = request.parsed_query() {
                self.inner.documents.insert(&text, document);
            }
            request.query = text;
        }
        request.parsed_query().ok()
    }

    /// Checks the document (parsed by `parse`, over HTTP already by the handler). A refusal is
    /// the whole answer.
    fn admit(&self, request: &mut Request, parsed: Parsed) -> Result<Admitted, ServerError> {
        if parsed == Parsed::NotYet {
            self.parse(request);
        }
        if let Some(PersistedRefusal(refusal)) =
            request.data.get(&TypeId::of::<PersistedRefusal>()).and_then(|r| r.downcast_ref::<PersistedRefusal>())
        {
            return Err(refusal.clone());
        }
        document_guard::check(request, &self.inner.limits, &self.inner.registry)?;
        let document = request.parsed_query().map_err(|error| error_codes::with_code(error, "GRAPHQL_PARSE_FAILED"))?;
        Ok(Admitted { may_change_credentials: super::credential_changes::may_change_credentials(document) })
    }

    /// What follows an answer: codes on every error, and the credential cache cleared after a
    /// mutation that may have changed credentials.
    fn answer(&self, admitted: &Admitted, mut response: Response) -> Response {
        response.errors = error_codes::classify(std::mem::take(&mut response.errors));
        // Only a mutation that did something: a refused one (anonymous, invalid) changed nothing,
        // and must not let anyone empty the cache at will.
        if admitted.may_change_credentials && did_something(&response) {
            self.inner.store.credentials().clear();
        }
        response
    }
}

/// Why a document named by hash was refused, kept in the request until `admit` answers with it.
struct PersistedRefusal(ServerError);

/// Whether the request's document went through `Api::parse` already.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Parsed {
    /// HTTP requests: the handler parsed it to see which operation it runs.
    Already,
    NotYet,
}

#[derive(Clone, Copy)]
struct Admitted {
    may_change_credentials: bool,
}

impl Executor for Api {
    /// An HTTP request, whose handler parsed its document.
    async fn execute(&self, mut request: Request) -> Response {
        let admitted = match self.admit(&mut request, Parsed::Already) {
            Ok(admitted) => admitted,
            Err(refusal) => return Response::from_errors(vec![refusal]),
        };
        let response = self.schema.execute(request).await;
        self.answer(&admitted, response)
    }

    /// A WebSocket operation: authenticated again with its connection's credential, so a revoked
    /// token, an expired access token or a removed member is refused on the next operation.
    fn execute_stream(&self, mut request: Request, session_data: Option<Arc<Data>>) -> BoxStream<'static, Response> {
        let admitted = match self.admit(&mut request, Parsed::NotYet) {
            Ok(admitted) => admitted,
            Err(refusal) => return stream::once(async move { Response::from_errors(vec![refusal]) }).boxed(),
        };
        let api = self.clone();
        let credential = session_data
            .as_ref()
            .and_then(|data| data.get(&TypeId::of::<ConnectionCredential>()))
            .and_then(|c| c.downcast_ref::<ConnectionCredential>())
            .map(|c| c.0.clone());
        let has_viewer = request.data.contains_key(&TypeId::of::<Viewer>());
        // Boxed: the flattened stream keeps its first future's room for the subscription's whole
        // life; boxed, the future is freed once it has made the stream.
        stream::once(Box::pin(async move {
            let request = match (credential, has_viewer) {
                (Some(credential), false) => {
                    let store = api.inner.store.clone();
                    // Boxed: this stream lives as long as the subscription, and would otherwise keep
                    // room for the authentication's reads all that time.
                    match Box::pin(Viewer::authenticate(store.clone(), &api.inner.keys, &credential)).await {
                        Ok(viewer) => super::prepare(request, viewer, &store),
                        Err(error) => {
                            let error = async_graphql::Error::from(error).into_server_error(Default::default());
                            return stream::once(async move { Response::from_errors(vec![error]) }).boxed();
                        }
                    }
                }
                _ => request,
            };
            let answers = api.clone();
            api.schema
                .execute_stream_with_session_data(request, session_data.unwrap_or_default())
                .map(move |response| answers.answer(&admitted, response))
                .boxed()
        }))
        .flatten()
        .boxed()
    }
}

/// Whether any root field of the answer has a value.
fn did_something(response: &Response) -> bool {
    match &response.data {
        async_graphql::Value::Object(fields) => fields.values().any(|v| *v != async_graphql::Value::Null),
        _ => false,
    }
}
