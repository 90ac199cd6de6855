//! The accept loop: one hyper connection per socket, with a deadline for each request's header
//! (which also closes idle keep-alive connections), the peer's address handed to handlers, and a
//! graceful shutdown that lets in-flight requests finish.
//!
//! `axum::serve` offers no header-read timeout: a client sending half a header held a connection
//! for as long as it liked.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tower::ServiceExt;

/// How long the parts of a connection may take, and how many may be open.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionTimeouts {
    /// Open connections at once; further ones wait in the kernel's backlog until one closes.
    pub max_connections: usize,
    /// From the first byte a request's header is awaited (or from the end of the previous response
    /// on a kept-alive connection) until the header is complete.
    pub header_read: Duration,
    /// How long shutdown waits for open connections before closing them.
    pub drain: Duration,
}

impl Default for ConnectionTimeouts {
    fn default() -> Self {
        Self { max_connections: 10_000, header_read: Duration::from_secs(10), drain: Duration::from_secs(30) }
    }
}

pub async fn serve(
    listener: TcpListener,
    app: Router,
    timeouts: ConnectionTimeouts,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    // HTTP/1.1 only: clients and proxies speak it, and hyper's HTTP/2 server has no header or
    // idle timeout (keep-alive pings are answered by any client that holds a connection open).
    let mut builder = Builder::new(TokioExecutor::new()).http1_only();
    builder.http1().timer(TokioTimer::new()).header_read_timeout(timeouts.header_read);
    let graceful = GracefulShutdown::new();
    let open = std::sync::Arc::new(tokio::sync::Semaphore::new(timeouts.max_connections.max(1)));
    tokio::pin!(shutdown);
    loop {
        // At the cap, stop accepting until a connection closes.
        let permit = tokio::select! {
            permit = open.clone().acquire_owned() => permit.expect("the semaphore is never closed"),
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors and the like: wait rather than spin.
                    tracing::warn!(%error, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let service = app.clone().map_request(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
            request.map(Body::new)
        });
        let connection = builder
            .serve_connection_with_upgrades(TokioIo::new(stream), TowerToHyperService::new(service))
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, %peer, "a connection ended with an error");
            }
            drop(permit);
        });
    }
    drop(listener);
    if tokio::time::timeout(timeouts.drain, graceful.shutdown()).await.is_err() {
        tracing::warn!("some connections were still open when the drain time ran out");
    }
    Ok(())
}
