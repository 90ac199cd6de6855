//! Which address a request comes from, for limits that key on it: the socket's peer, or, when the
//! peer is a configured trusted proxy, the nearest untrusted hop in `X-Forwarded-For`. A header
//! from anyone else is ignored, so a client cannot choose its own address.

use std::net::IpAddr;

use axum::http::HeaderMap;
use ipnet::IpNet;

/// The client's address as the limits see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

/// Parses `10.0.0.0/8` or a single address such as `10.1.2.3`.
pub fn parse_network(raw: &str) -> Result<IpNet, String> {
    let raw = raw.trim();
    raw.parse::<IpNet>()
        .or_else(|_| raw.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("`{raw}` is not an IP address or network (CIDR)"))
}

pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    // A dual-stack listener sees IPv4 peers as `::ffff:a.b.c.d`; compare them as IPv4.
    let peer = peer.to_canonical();
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    // Each proxy appends the address it saw: read from the right, past our own proxies.
    let mut nearest = peer;
    for hop in hops.iter().rev() {
        match parse_hop(hop) {
            Some(ip) if is_trusted(&ip) => nearest = ip,
            Some(ip) => return ip,
            None => return nearest,
        }
    }
    nearest
}

/// One `X-Forwarded-For` entry: an address, possibly with a port (`1.2.3.4:5678`, `[::1]:80`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(ip) = hop.parse::<IpAddr>() {
        return Some(ip.to_canonical());
    }
    if let Ok(socket) = hop.parse::<std::net::SocketAddr>() {
        return Some(socket.ip().to_canonical());
    }
    hop.strip_prefix('[').and_then(|h| h.strip_suffix(']')).and_then(|h| h.parse::<IpAddr>().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(xff: &str) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert("x-forwarded-for", xff.parse().unwrap());
        map
    }

    #[test]
    fn forwarded_addresses_count_only_behind_a_trusted_proxy() {
        let trusted = vec![parse_network("10.0.0.0/8").unwrap(), parse_network("192.0.2.1").unwrap()];
        let proxy: IpAddr = "10.0.0.5".parse().unwrap();
        let stranger: IpAddr = "198.51.100.7".parse().unwrap();
        assert_eq!(client_address(stranger, &headers("1.2.3.4"), &trusted), stranger);
        assert_eq!(client_address(proxy, &headers("6.6.6.6, 1.2.3.4"), &trusted), "1.2.3.4".parse::<IpAddr>().unwrap());
        assert_eq!(
            client_address(proxy, &headers("1.2.3.4, 10.0.0.9"), &trusted),
            "1.2.3.4".parse::<IpAddr>().unwrap()
        );
        assert_eq!(client_address(proxy, &headers("garbage"), &trusted), proxy);
        assert_eq!(client_address(proxy, &HeaderMap::new(), &trusted), proxy);
        assert!(parse_network("not-an-ip").is_err());
        // IPv4 peers on a dual-stack socket, and hops written with ports or brackets.
        let mapped: IpAddr = "::ffff:10.0.0.5".parse().unwrap();
        assert_eq!(client_address(mapped, &headers("1.2.3.4"), &trusted), "1.2.3.4".parse::<IpAddr>().unwrap());
        assert_eq!(client_address(proxy, &headers("1.2.3.4:5678"), &trusted), "1.2.3.4".parse::<IpAddr>().unwrap());
        assert_eq!(
            client_address(proxy, &headers("[2001:db8::1]:443"), &trusted),
            "2001:db8::1".parse::<IpAddr>().unwrap()
        );
        assert_eq!(
            client_address(proxy, &headers("[2001:db8::2]"), &trusted),
            "2001:db8::2".parse::<IpAddr>().unwrap()
        );
    }
}
