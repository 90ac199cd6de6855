//! Where a webhook may be sent. Any member can create an organization and register a URL, so an
//! unchecked URL would let anyone make the server talk to its own network (metadata services,
//! databases, admin consoles) and read back what answered. A destination is resolved and checked
//! when it is registered and again before every delivery (a name can be re-pointed after it was
//! checked), and the delivery connects to exactly the addresses that were checked.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use ipnet::IpNet;
use url::{Host, Url};

/// Which destinations are allowed besides public addresses.
#[derive(Debug, Clone, Default)]
pub struct DestinationPolicy {
    /// Networks allowed although they are not public (a receiver inside the network).
    pub allowed_networks: Vec<IpNet>,
    /// Host names allowed whatever they resolve to.
    pub allowed_hosts: Vec<String>,
    /// Refuse `http://` (production mode).
    pub https_only: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DestinationError {
    #[error("must be an absolute http(s) URL")]
    NotWeb,
    #[error("must use https")]
    NotHttps,
    #[error("must not carry a user name or password; the signature authenticates deliveries")]
    Credentials,
    #[error("the host `{0}` does not resolve")]
    Unresolved(String),
    /// The address is deliberately not named: a user must not learn what internal names resolve to.
    #[error("does not lead to a public address; webhooks go to public receivers")]
    NotPublic,
}

/// Checks the URL's form: scheme, host, no credentials.
pub fn parse(raw: &str, policy: &DestinationPolicy) -> Result<Url, DestinationError> {
    let url = Url::parse(raw.trim()).map_err(|_| DestinationError::NotWeb)?;
    match url.scheme() {
        "https" => {}
        "http" if policy.https_only => return Err(DestinationError::NotHttps),
        "http" => {}
        _ => return Err(DestinationError::NotWeb),
    }
    if url.host().is_none() {
        return Err(DestinationError::NotWeb);
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(DestinationError::Credentials);
    }
    Ok(url)
}

/// Resolves the URL's host and checks every address it names; returns the addresses a delivery
/// must connect to (all of them allowed).
pub async fn resolve(url: &Url, policy: &DestinationPolicy) -> Result<Vec<SocketAddr>, DestinationError> {
    let port = url.port_or_known_default().ok_or(DestinationError::NotWeb)?;
    let addresses: Vec<SocketAddr> = match url.host() {
        Some(Host::Ipv4(ip)) => vec![SocketAddr::new(IpAddr::V4(ip), port)],
        Some(Host::Ipv6(ip)) => vec![SocketAddr::new(IpAddr::V6(ip), port)],
        Some(Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            let found: Vec<SocketAddr> = tokio::net::lookup_host((name.as_str(), port))
                .await
                .map_err(|_| DestinationError::Unresolved(name.clone()))?
                .collect();
            if found.is_empty() {
                return Err(DestinationError::Unresolved(name));
            }
            if policy.allowed_hosts.iter().any(|h| h.trim_end_matches('.').eq_ignore_ascii_case(&name)) {
                return Ok(found);
            }
            found
        }
        None => return Err(DestinationError::NotWeb),
    };
    for address in &addresses {
        let ip = address.ip();
        if !is_public(ip) && !policy.allowed_networks.iter().any(|net| net.contains(&ip)) {
            return Err(DestinationError::NotPublic);
        }
    }
    Ok(addresses)
}

/// Whether an address is reachable on the public internet, as opposed to loopback, private,
/// link-local, shared (CGNAT), multicast, unspecified, reserved, or an IPv6 form of such an IPv4
/// address (mapped, compatible, NAT64, 6to4, Teredo).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    let not_public = ip.is_unspecified()
        || a == 0                                   // "this network"
        || ip.is_loopback()                         // 127/8
        || ip.is_private()                          // 10/8, 172.16/12, 192.168/16
        || ip.is_link_local()                       // 169.254/16, cloud metadata
        || (a == 100 && (64..128).contains(&b))     // 100.64/10, shared address space (CGNAT)
        || (a == 192 && b == 0 && c == 0)           // 192.0.0/24, protocol assignments
        || (a == 198 && (b == 18 || b == 19))       // 198.18/15, benchmarking
        || ip.is_multicast()                        // 224/4
        || a >= 240; // 240/4 reserved, and the broadcast address
    !not_public
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let segments = ip.segments();
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    let embedded = |high: u16, low: u16| Ipv4Addr::new((high >> 8) as u8, high as u8, (low >> 8) as u8, low as u8);
    let not_public = ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()                                    // ff00::/8
        || (segments[0] & 0xfe00) == 0xfc00                     // fc00::/7 unique local
        || (segments[0] & 0xffc0) == 0xfe80                     // fe80::/10 link-local
        || (segments[0] & 0xffc0) == 0xfec0                     // fec0::/10 site-local (deprecated)
        || (segments[..6] == [0; 6])                            // ::/96, IPv4-compatible (deprecated)
        || (segments[0] == 0x0064 && segments[1] == 0xff9b && segments[2] == 0x0001) // 64:ff9b:1::/48, local-use NAT64
        || (segments[0] == 0x0064 && segments[1] == 0xff9b && !is_public_v4(embedded(segments[6], segments[7]))) // NAT64
        || (segments[0] == 0x2002 && !is_public_v4(embedded(segments[1], segments[2]))) // 6to4
        || (segments[0] == 0x2001 && segments[1] == 0); // 2001::/32 Teredo
    !not_public
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn internal_addresses_are_not_public() {
        for internal in [
            "127.0.0.1",
            "127.8.9.10",
            "10.0.0.1",
            "172.16.5.4",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.254",
            "0.0.0.0",
            "0.1.2.3",
            "224.0.0.1",
            "239.255.255.250",
            "240.0.0.1",
            "255.255.255.255",
            "198.18.0.1",
            "192.0.0.8",
            "::",
            "::1",
            "fe80::1",
            "fd00::1",
            "fc12::3",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2002:7f00:1::",
            "2001:0:4136:e378::1",
        ] {
            assert!(!is_public(ip(internal)), "{internal} counted as public");
        }
        for public in ["93.184.215.14", "8.8.8.8", "100.128.0.1", "203.0.113.10", "2606:4700::1111", "64:ff9b::808:808"]
        {
            assert!(is_public(ip(public)), "{public} counted as internal");
        }
    }

    #[test]
    fn urls_must_be_web_urls_without_credentials() {
        let open = DestinationPolicy::default();
        assert!(parse("https://hooks.example.com/x", &open).is_ok());
        assert_eq!(parse("ftp://example.com/x", &open), Err(DestinationError::NotWeb));
        assert_eq!(parse("https://user:pw@example.com/", &open), Err(DestinationError::Credentials));
        assert_eq!(parse("not a url", &open), Err(DestinationError::NotWeb));
        let production = DestinationPolicy { https_only: true, ..Default::default() };
        assert_eq!(parse("http://example.com/", &production), Err(DestinationError::NotHttps));
    }

    #[tokio::test]
    async fn numeric_and_named_loopback_forms_are_refused_unless_allowed() {
        let open = DestinationPolicy::default();
        for raw in [
            "http://2130706433/",
            "http://0x7f.1/",
            "http://127.1/",
            "http://localhost:8080/",
            "http://[::ffff:7f00:1]/",
        ] {
            let url = parse(raw, &open).unwrap();
            assert_eq!(resolve(&url, &open).await, Err(DestinationError::NotPublic), "{raw}");
        }
        let allowing =
            DestinationPolicy { allowed_networks: vec!["127.0.0.0/8".parse().unwrap()], ..Default::default() };
        let url = parse("http://127.0.0.1:9/hook", &allowing).unwrap();
        assert_eq!(resolve(&url, &allowing).await.unwrap(), vec!["127.0.0.1:9".parse().unwrap()]);
        let public = parse("https://203.0.113.10/hook", &open).unwrap();
        assert_eq!(resolve(&public, &open).await.unwrap(), vec!["203.0.113.10:443".parse().unwrap()]);
    }
}
