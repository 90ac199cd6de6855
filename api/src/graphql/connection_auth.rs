//! On a WebSocket, every operation re-checks the connection's credential (see `executor`), so a
//! revoked token, an expired access token or a removed member is refused on the next operation,
//! not at reconnect.

/// The bearer token a WebSocket connection authenticated with in `connection_init`.
pub struct ConnectionCredential(pub String);
