//! GraphQL over WebSocket (`graphql-transport-ws`, and the older `graphql-ws`) on `/graphql`.
//!
//! The first message must be `connection_init` carrying `{"authorization": "Bearer <token>"}`; it is
//! checked here, before the GraphQL session starts, so the close codes follow graphql-transport-ws:
//! 4408 when no init arrives within 10 seconds, 4403 for a missing or failing credential, 4400 for
//! anything else in its place. Every subscription needs a member, so an anonymous connection would
//! only hold resources.
//!
//! Connections are counted per client address from the upgrade on (HTTP 429 past the cap), and per
//! person once authenticated (4429). A connection whose client sends nothing, not even the pong
//! to our pings, for three ping intervals is closed.

use std::time::Duration;

use async_graphql::Data;
use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::extract::ws::{CloseFrame, Message, WebSocket};
use axum::extract::{FromRequestParts, Request, WebSocketUpgrade};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt, stream};

use super::AppState;
use super::client_address::ClientAddress;
use super::connection_counts::ConnectionSlot;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::graphql::ConnectionCredential;

const INIT_TIMEOUT: Duration = Duration::from_secs(10);
const CLOSE_GRACE: Duration = Duration::from_secs(1);
/// Ping intervals between re-checks of a connection's credential (a revoked API token, a removed
/// user): a minute at the default interval.
const RECHECK_EVERY_PINGS: u32 = 3;
const MAX_MESSAGE_BYTES: usize = 64 * 1024;
const READ_BUFFER_BYTES: usize = 2 * 1024;
/// The wait suggested to a client refused for holding too many connections.
const RETRY_CONNECTION_AFTER: Duration = Duration::from_secs(5);
/// Open connections one person (or one API token's member) may hold at once, by default.
pub const WS_CONNECTIONS_PER_USER: usize = 10;

pub async fn upgrade(state: AppState, client: ClientAddress, request: Request) -> Response {
    // CORS does not cover WebSockets: a page on another origin would otherwise connect freely.
    if !state.allowed_origins.admits_websocket(request.headers()) {
        let message = "this page's origin may not open a WebSocket here (CORS_ALLOWED_ORIGINS)";
        return super::problem::refuse(axum::http::StatusCode::FORBIDDEN, "FORBIDDEN", message);
    }
    let address = crate::auth::throttle::address_key(client.0);
    let Some(address_slot) = state.connections_by_address.take(address, state.ws_connections_per_address) else {
        // A slot frees when one of the address's connections closes, which cannot be foreseen:
        // the client is told to back off for a few seconds rather than retry at once.
        let message = "too many open WebSocket connections from this address; close one, or retry later";
        return super::problem::rate_limited(message, RETRY_CONNECTION_AFTER);
    };
    let (mut parts, _) = request.into_parts();
    let protocol = match GraphQLProtocol::from_request_parts(&mut parts, &state).await {
        Ok(protocol) => protocol,
        Err(rejection) => return rejection.into_response(),
    };
    let upgrade = match WebSocketUpgrade::from_request_parts(&mut parts, &state).await {
        Ok(upgrade) => upgrade,
        Err(rejection) => return rejection.into_response(),
    };
    upgrade
        .max_message_size(MAX_MESSAGE_BYTES)
        // Frames too: tungstenite makes room for a whole frame as its header announces it, so an
        // unbounded frame size would let a client make the server hold 16 MiB per socket.
        .max_frame_size(MAX_MESSAGE_BYTES)
        // Messages are small: a 2 KiB read buffer (instead of 128 KiB) per idle socket; the buffer
        // grows for a larger frame.
        .read_buffer_size(READ_BUFFER_BYTES)
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| serve(state, client, address_slot, protocol, socket))
}

/// A connection's life: the handshake, then the open connection. The handshake runs in its own
/// allocation, freed once it is done, so the task that lives as long as the socket keeps room
/// only for the open connection (2 KiB rather than 5).
fn serve(
    state: AppState,
    client: ClientAddress,
    address_slot: ConnectionSlot<String>,
    protocol: GraphQLProtocol,
    socket: WebSocket,
) -> impl Future<Output = ()> + Send + 'static {
    let handshake = Box::pin(handshake(state, client, protocol, socket));
    async move {
        let _address_slot = address_slot;
        if let Some(connection) = handshake.await {
            connection.run().await;
        }
    }
}

/// An authenticated connection, ready to serve GraphQL.
struct Connection {
    _open: crate::metrics::Open,
    _user_slot: ConnectionSlot<uuid::Uuid>,
    sink: SplitSink<WebSocket, Message>,
    stream: SplitStream<WebSocket>,
    /// The `connection_init` message, handed on to the GraphQL session.
    first: Message,
    token: String,
    time_left: Option<Duration>,
    client: ClientAddress,
    protocol: GraphQLProtocol,
    api: crate::graphql::Api,
    store: crate::store::Store,
    keys: crate::auth::jwt::JwtKeys,
    keepalive_every: Duration,
    shutting_down: tokio::sync::watch::Receiver<bool>,
}

/// Waits for `connection_init` and checks its credential; `None` once the connection is closed.
async fn handshake(
    state: AppState,
    client: ClientAddress,
    protocol: GraphQLProtocol,
    socket: WebSocket,
) -> Option<Box<Connection>> {
    let open = crate::metrics::Open::new(crate::metrics::OPEN_WEBSOCKETS);
    let (mut sink, mut stream) = socket.split();
    let first = match tokio::time::timeout(INIT_TIMEOUT, first_data_message(&mut stream)).await {
        Err(_) => return close(&mut sink, 4408, "Connection initialisation timeout").await,
        Ok(None) => return None,
        Ok(Some(message)) => message,
    };
    let token = match credential_from_init(&first) {
        Ok(token) => token,
        Err((code, reason)) => return close(&mut sink, code, &reason).await,
    };
    let viewer = match Viewer::authenticate(state.store.clone(), &state.keys, &token).await {
        Ok(viewer) => viewer,
        Err(AppError::Unauthenticated(why) | AppError::CredentialRefused(_, why)) => {
            return close(&mut sink, 4403, &format!("Forbidden: {why}")).await;
        }
        Err(AppError::Unavailable) => {
            return close(&mut sink, 1013, "Try again later: the service is unavailable").await;
        }
        Err(other) => {
            let _ = async_graphql::Error::from(other); // logs an internal cause
            return close(&mut sink, 4500, "Internal server error").await;
        }
    };
    let Some(user_slot) = state.connections.take(viewer.user_id().unwrap_or_default(), state.ws_connections_per_user)
    else {
        return close(&mut sink, 4429, "Too many open connections for this user").await;
    };
    // Boxed: its fields move out when the connection starts, and the box is freed then.
    Some(Box::new(Connection {
        _open: open,
        _user_slot: user_slot,
        sink,
        stream,
        first,
        token,
        time_left: viewer.time_left(),
        client,
        protocol,
        api: state.api,
        store: state.store,
        keys: state.keys,
        keepalive_every: state.ws_keepalive,
        shutting_down: state.shutting_down,
    }))
}

impl Connection {
    /// Takes the connection boxed: an `async fn`'s arguments keep their room in its future for
    /// as long as it runs, so only a pointer is kept, and the box itself is freed at once.
    async fn run(self: Box<Self>) {
        let Connection {
            _open,
            _user_slot,
            mut sink,
            stream,
            first,
            token,
            time_left,
            client,
            protocol,
            api,
            store,
            keys,
            keepalive_every,
            mut shutting_down,
        } = {
            // Moved out whole inside this block, so that the box is freed here, not when `run` ends.
            let boxed = self;
            *boxed
        };
        // Hand the init message on, so the GraphQL session acknowledges it as usual. Every message
        // from the client (pongs included) counts as a sign of life.
        let last_heard = std::sync::Arc::new(std::sync::Mutex::new(tokio::time::Instant::now()));
        let heard = last_heard.clone();
        let incoming =
            stream.inspect(move |_| *heard.lock().unwrap_or_else(|e| e.into_inner()) = tokio::time::Instant::now());
        let replayed = stream::once(async move { Ok(first) }).chain(incoming);
        // Outgoing messages pass through a channel so that ping frames can be interleaved. This one
        // allocates per queued message, so an idle connection holds almost nothing (tokio's
        // allocates a block of 32 slots up front), and its sender is the sink itself.
        let (outgoing, mut queued) = futures_channel::mpsc::channel::<Message>(64);
        let credential = token.clone();
        // Both futures are made in place (`pin!` of the expression): a binding moved into a pinned
        // copy would keep its own room in this task for the connection's whole life.
        let mut forward = std::pin::pin!(async move {
            // Ping frames keep idle connections open through proxies and load balancers, and tell a
            // live client from a vanished one.
            let mut keepalive = tokio::time::interval(keepalive_every);
            keepalive.tick().await;
            // The socket lives no longer than its credential: closed when an access token expires,
            // and when a re-check (every few pings) finds the credential revoked or its user gone.
            let expiry = time_left.map(|left| tokio::time::Instant::now() + left + CLOSE_GRACE);
            let mut expired = std::pin::pin!(async move {
                match expiry {
                    Some(at) => tokio::time::sleep_until(at).await,
                    None => std::future::pending().await,
                }
            });
            let mut ticks = 0u32;
            let closing = loop {
                let message = tokio::select! {
                    message = queued.next() => match message {
                        Some(message) => message,
                        None => break None,
                    },
                    // Shutting down: no grace, the drain is waiting.
                    () = super::serve::stopped(&mut shutting_down) => {
                        close::<()>(&mut sink, 1001, "Going away: the server is shutting down").await;
                        break None;
                    }
                    () = &mut expired => break Some((4403, "Forbidden: the access token expired".to_owned())),
                    _ = keepalive.tick() => {
                        let silent = last_heard.lock().unwrap_or_else(|e| e.into_inner()).elapsed();
                        if silent > keepalive_every * 3 {
                            break Some((1001, "Idle: nothing received for three ping intervals".to_owned()));
                        }
                        ticks += 1;
                        if ticks.is_multiple_of(RECHECK_EVERY_PINGS)
                            && let Err(AppError::Unauthenticated(why) | AppError::CredentialRefused(_, why)) =
                                Box::pin(Viewer::authenticate(store.clone(), &keys, &credential)).await
                        {
                            break Some((4403, format!("Forbidden: {why}")));
                        }
                        Message::Ping(Default::default())
                    }
                };
                if sink.send(message).await.is_err() {
                    break None;
                }
            };
            if let Some((code, reason)) = closing {
                close::<()>(&mut sink, code, &reason).await;
                // A moment for the close frame to be read before the socket goes.
                tokio::time::sleep(CLOSE_GRACE).await;
            }
        });
        let mut session = std::pin::pin!(
            GraphQLWebSocket::new_with_pair(outgoing, replayed, api, protocol)
                .on_connection_init(move |_| async move {
                    let mut data = Data::default();
                    data.insert(crate::graphql::SubscriptionCount::default());
                    data.insert(client);
                    data.insert(ConnectionCredential(token));
                    Ok(data)
                })
                .serve()
        );
        // The session ends when the client goes; dropping its channel then lets the forwarder flush
        // and end. When the forwarder ends first (the client fell silent or its socket broke), the
        // session is dropped with it, which closes the socket.
        tokio::select! {
            () = &mut session => forward.await,
            () = &mut forward => {}
        }
    }
}

/// The bearer token of a `connection_init` message, or the close code and reason that refuse it.
fn credential_from_init(first: &Message) -> Result<String, (u16, String)> {
    let init: Option<serde_json::Value> = match first {
        Message::Text(text) => serde_json::from_str(text.as_str()).ok(),
        Message::Binary(bytes) => serde_json::from_slice(bytes).ok(),
        _ => None,
    };
    let Some(init) = init.filter(|m| m["type"] == "connection_init") else {
        return Err((4400, "The first message must be connection_init".to_owned()));
    };
    // Checked now so a bad credential closes the connection; checked again before every operation.
    match bearer_from_init(&init["payload"]) {
        Ok(Some(token)) => Ok(token),
        Ok(None) => Err((4403, format!("Forbidden: {INIT_SHAPES}"))),
        Err(AppError::Unauthenticated(why)) => Err((4403, format!("Forbidden: {why}"))),
        Err(_) => Err((4400, INIT_SHAPES.to_owned())),
    }
}

async fn first_data_message(stream: &mut SplitStream<WebSocket>) -> Option<Message> {
    while let Some(Ok(message)) = stream.next().await {
        match message {
            Message::Text(_) | Message::Binary(_) => return Some(message),
            Message::Close(_) => return None,
            Message::Ping(_) | Message::Pong(_) => {}
        }
    }
    None
}

/// Sends a close frame; `None`, so a refused handshake can `return close(…).await`.
async fn close<T>(sink: &mut SplitSink<WebSocket, Message>, code: u16, reason: &str) -> Option<T> {
    let frame = CloseFrame { code, reason: reason.chars().take(120).collect::<String>().into() };
    let _ = sink.send(Message::Close(Some(frame))).await;
    None
}

/// The bearer token in a `connection_init` payload; `None` for an anonymous connection.
/// The `connection_init` payloads that carry a credential, as clients send them.
const INIT_SHAPES: &str = "connection_init needs {\"authorization\": \"Bearer <token>\"} (or \"Authorization\", or \"headers\": {\"Authorization\": …} as Apollo clients send it)";

/// The credential of a `connection_init` payload: `authorization` or `Authorization` at the top,
/// or inside `headers` (Apollo's shape). `None` when the payload names none.
fn bearer_from_init(payload: &serde_json::Value) -> Result<Option<String>, AppError> {
    let find = |v: &serde_json::Value| v.get("authorization").or_else(|| v.get("Authorization")).cloned();
    let header = find(payload).or_else(|| payload.get("headers").and_then(find));
    let Some(header) = header else { return Ok(None) };
    let header = header.as_str().ok_or(AppError::Unauthenticated(
        "the authorization in connection_init must be a string: \"Bearer <token>\"",
    ))?;
    header
        .split_once(' ')
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .map(Some)
        .ok_or(AppError::Unauthenticated("send `authorization: Bearer <token>` in connection_init"))
}
