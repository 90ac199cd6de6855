//! The accept loop: one HTTP/1.1 connection per socket, with a deadline for each request's header
//! (counted from the connection's first moment, and again after each response, so it also closes
//! idle kept-alive connections), at most so many connections at once and per client address, the
//! peer's address handed to handlers, and a graceful shutdown that lets in-flight requests finish
//! and never cuts a request a proxy has sent.
//!
//! `axum::serve` offers no header-read timeout, and hyper-util's protocol-sniffing builder reads the
//! first bytes without one; hyper's HTTP/1 connection is used directly so every byte is on a clock.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::header::CONNECTION;
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use ipnet::IpNet;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};

use super::connection_counts::{ConnectionCounts, ConnectionSlot};
use tower::ServiceExt;

/// How long the parts of a connection may take, and how many may be open.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionTimeouts {
    /// Open connections at once; further ones wait in the kernel's backlog until one closes.
    pub max_connections: usize,
    /// Open connections per client address (IPv6 by /64); trusted proxies are not limited.
    pub max_connections_per_address: usize,
    /// From a connection's start (or the end of the previous response) until a request's header
    /// is complete.
    pub header_read: Duration,
    /// How long shutdown waits for open connections before closing them.
    pub drain: Duration,
    /// Once shutdown begins, how long an idle kept-alive connection stays open for one more
    /// request before it is closed. Longer than a proxy's keep-alive towards the server (5 s in
    /// deploy/nginx.conf), the proxy closes such connections itself.
    pub idle_grace: Duration,
}

impl Default for ConnectionTimeouts {
    fn default() -> Self {
        Self {
            max_connections: 10_000,
            max_connections_per_address: 256,
            header_read: Duration::from_secs(10),
            drain: Duration::from_secs(30),
            idle_grace: Duration::from_secs(6),
        }
    }
}

/// A client socket that holds its places in the connection counts for as long as it lives: an
/// upgraded WebSocket keeps the socket (hyper's connection future ends at the upgrade), so it stays
/// counted until it really closes.
struct CountedSocket {
    stream: tokio::net::TcpStream,
    _permit: tokio::sync::OwnedSemaphorePermit,
    _address: Option<ConnectionSlot<String>>,
    _open: crate::metrics::Open,
}

impl tokio::io::AsyncRead for CountedSocket {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl tokio::io::AsyncWrite for CountedSocket {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::pin::Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::pin::Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

/// Serves `app` until `stopping` turns true (open WebSockets watch the same signal and close),
/// then lets open connections finish, waiting for them up to the drain time.
///
/// A client behind a proxy must never see a request fail because its replica stopped: the proxy
/// resends a request only when it knows the replica never took it. So once stopping, the server
/// - accepts what the kernel already queued (closing the listener would reset those connections
///   after the proxy may have written a request on them);
/// - answers every further request on a kept-alive connection with `Connection: close`, and
///   leaves idle ones open for `idle_grace`, so the proxy closes them rather than sending a
///   request down a connection being closed; then closes those still idle.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    timeouts: ConnectionTimeouts,
    trusted_proxies: Arc<Vec<IpNet>>,
    stopping: watch::Receiver<bool>,
) -> std::io::Result<()> {
    let max = timeouts.max_connections.max(1);
    let open = Arc::new(Semaphore::new(max));
    let connections = Connections::new(app, timeouts, trusted_proxies, stopping.clone());
    let mut shutdown = stopping.clone();
    loop {
        // At the cap, stop accepting until a connection closes.
        let permit = tokio::select! {
            permit = open.clone().acquire_owned() => permit.expect("the semaphore is never closed"),
            () = stopped(&mut shutdown) => break,
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
            () = stopped(&mut shutdown) => break,
        };
        connections.serve(stream, peer, permit);
    }
    // Asked of the kernel directly (the reactor may not have seen the newest arrivals yet).
    let listener = listener.into_std()?;
    while let Ok(permit) = open.clone().try_acquire_owned() {
        let Ok((stream, peer)) = listener.accept() else { break };
        match stream.set_nonblocking(true).and_then(|()| tokio::net::TcpStream::from_std(stream)) {
            Ok(stream) => connections.serve(stream, peer, permit),
            Err(error) => tracing::debug!(%error, %peer, "a queued connection could not be served"),
        }
    }
    drop(listener);
    // Every connection holds a permit until it ends: all of them back means all are closed.
    let all = u32::try_from(max).unwrap_or(u32::MAX);
    if tokio::time::timeout(timeouts.drain, open.acquire_many(all)).await.is_err() {
        tracing::warn!("some connections were still open when the drain time ran out");
    }
    Ok(())
}

/// What every accepted connection is served with.
struct Connections {
    builder: hyper::server::conn::http1::Builder,
    app: Router,
    timeouts: ConnectionTimeouts,
    trusted_proxies: Arc<Vec<IpNet>>,
    per_address: Arc<ConnectionCounts<String>>,
    stopping: watch::Receiver<bool>,
}

impl Connections {
    fn new(
        app: Router,
        timeouts: ConnectionTimeouts,
        trusted_proxies: Arc<Vec<IpNet>>,
        stopping: watch::Receiver<bool>,
    ) -> Self {
        let mut builder = hyper::server::conn::http1::Builder::new();
        builder.timer(TokioTimer::new()).header_read_timeout(timeouts.header_read);
        Self { builder, app, timeouts, trusted_proxies, per_address: Default::default(), stopping }
    }

    /// Serves one accepted socket on its own task.
    fn serve(&self, stream: tokio::net::TcpStream, peer: SocketAddr, permit: tokio::sync::OwnedSemaphorePermit) {
        let peer_ip: IpAddr = peer.ip().to_canonical();
        let limited = !self.trusted_proxies.iter().any(|net| net.contains(&peer_ip));
        let address_slot = match limited {
            false => None,
            true => {
                let address = crate::auth::throttle::address_key(peer_ip);
                match self.per_address.take(address, self.timeouts.max_connections_per_address) {
                    Some(slot) => Some(slot),
                    // Closed at once: one address may not hold the server's connections.
                    None => return,
                }
            }
        };
        let _ = stream.set_nodelay(true);
        let socket = CountedSocket {
            stream,
            _permit: permit,
            _address: address_slot,
            _open: crate::metrics::Open::new(crate::metrics::OPEN_CONNECTIONS),
        };
        let closing = self.stopping.clone();
        let service = self
            .app
            .clone()
            .map_request(move |mut request: hyper::Request<Incoming>| {
                request.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
                request.map(Body::new)
            })
            .map_response(move |mut response: Response| {
                // Stopping: this answer is the connection's last (an upgrade keeps its own header).
                if *closing.borrow() && response.status() != StatusCode::SWITCHING_PROTOCOLS {
                    response.headers_mut().insert(CONNECTION, HeaderValue::from_static("close"));
                }
                response
            });
        let connection =
            self.builder.serve_connection(TokioIo::new(socket), TowerToHyperService::new(service)).with_upgrades();
        let mut stopping = self.stopping.clone();
        let idle_grace = self.timeouts.idle_grace;
        tokio::spawn(async move {
            tokio::pin!(connection);
            let result = tokio::select! {
                result = connection.as_mut() => result,
                () = stopped(&mut stopping) => match tokio::time::timeout(idle_grace, connection.as_mut()).await {
                    Ok(result) => result,
                    Err(_) => {
                        connection.as_mut().graceful_shutdown();
                        connection.await
                    }
                },
            };
            if let Err(error) = result {
                tracing::debug!(%error, %peer, "a connection ended with an error");
            }
        });
    }
}

/// Resolves once shutdown has begun.
pub async fn stopped(stopping: &mut watch::Receiver<bool>) {
    loop {
        if *stopping.borrow_and_update() {
            return;
        }
        if stopping.changed().await.is_err() {
            return;
        }
    }
}
