//! The accept loop: one HTTP/1.1 connection per socket, with a deadline for each request's header
//! (counted from the connection's first moment, and again after each response, so it also closes
//! idle kept-alive connections), at most so many connections at once and per client address, the
//! peer's address handed to handlers, and a graceful shutdown that lets in-flight requests finish.
//!
//! `axum::serve` offers no header-read timeout, and hyper-util's protocol-sniffing builder reads the
//! first bytes without one; hyper's HTTP/1 connection is used directly so every byte is on a clock.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
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
}

impl Default for ConnectionTimeouts {
    fn default() -> Self {
        Self {
            max_connections: 10_000,
            max_connections_per_address: 256,
            header_read: Duration::from_secs(10),
            drain: Duration::from_secs(30),
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
pub async fn serve(
    listener: TcpListener,
    app: Router,
    timeouts: ConnectionTimeouts,
    trusted_proxies: Arc<Vec<IpNet>>,
    stopping: watch::Receiver<bool>,
) -> std::io::Result<()> {
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(timeouts.header_read);
    let max = timeouts.max_connections.max(1);
    let open = Arc::new(Semaphore::new(max));
    let per_address = Arc::new(ConnectionCounts::<String>::default());
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
        let peer_ip: IpAddr = peer.ip().to_canonical();
        let limited = !trusted_proxies.iter().any(|net| net.contains(&peer_ip));
        let address_slot = match limited {
            false => None,
            true => {
                let address = crate::auth::throttle::address_key(peer_ip);
                match per_address.take(address, timeouts.max_connections_per_address) {
                    Some(slot) => Some(slot),
                    // Closed at once: one address may not hold the server's connections.
                    None => continue,
                }
            }
        };
        let _ = stream.set_nodelay(true);
        let socket = CountedSocket { stream, _permit: permit, _address: address_slot };
        let service = app.clone().map_request(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
            request.map(Body::new)
        });
        let connection =
            builder.serve_connection(TokioIo::new(socket), TowerToHyperService::new(service)).with_upgrades();
        let mut stopping = stopping.clone();
        tokio::spawn(async move {
            tokio::pin!(connection);
            let result = tokio::select! {
                result = connection.as_mut() => result,
                () = stopped(&mut stopping) => {
                    connection.as_mut().graceful_shutdown();
                    connection.await
                }
            };
            if let Err(error) = result {
                tracing::debug!(%error, %peer, "a connection ended with an error");
            }
        });
    }
    drop(listener);
    // Every connection holds a permit until it ends: all of them back means all are closed.
    let all = u32::try_from(max).unwrap_or(u32::MAX);
    if tokio::time::timeout(timeouts.drain, open.acquire_many(all)).await.is_err() {
        tracing::warn!("some connections were still open when the drain time ran out");
    }
    Ok(())
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
