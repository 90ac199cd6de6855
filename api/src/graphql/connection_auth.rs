//! On a WebSocket, every operation re-checks the connection's credential, so a revoked token, an
//! expired access token or a removed member is refused on the next operation, not at reconnect.

use std::any::TypeId;
use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest};
use async_graphql::{Request, ServerResult};

use crate::auth::Viewer;
use crate::auth::jwt::JwtKeys;
use crate::store::Store;

/// The bearer token a WebSocket connection authenticated with in `connection_init`.
pub struct ConnectionCredential(pub String);

pub struct Reauthenticate;

impl ExtensionFactory for Reauthenticate {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ReauthenticateExtension)
    }
}

struct ReauthenticateExtension;

#[async_graphql::async_trait::async_trait]
impl Extension for ReauthenticateExtension {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        let has_viewer = request.data.contains_key(&TypeId::of::<Viewer>());
        let credential = ctx
            .session_data
            .get(&TypeId::of::<ConnectionCredential>())
            .and_then(|c| c.downcast_ref::<ConnectionCredential>());
        let (Some(credential), false) = (credential, has_viewer) else { return next.run(ctx, request).await };
        let (Some(store), Some(keys)) = (ctx.data_opt::<Store>(), ctx.data_opt::<JwtKeys>()) else {
            return next.run(ctx, request).await;
        };
        let viewer = Viewer::authenticate(store.clone(), keys, &credential.0)
            .await
            .map_err(|e| async_graphql::Error::from(e).into_server_error(Default::default()))?;
        next.run(ctx, super::prepare(request, viewer, store)).await
    }
}
