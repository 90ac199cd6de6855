//! `handoff-api healthcheck`, the container's HEALTHCHECK: success while the server answers,
//! failure (with the address) once nothing listens there.

#[allow(dead_code)] // the shared helpers this test does not need
mod common;

use std::process::Command;

use common::{scratch, start};

fn healthcheck(listen_addr: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_handoff-api"))
        .args(["healthcheck", "--listen-addr", listen_addr])
        .env_remove("RUST_LOG")
        .output()
        .expect("the binary runs")
}

#[test]
fn healthcheck_follows_the_server() {
    let dir = scratch("healthcheck");
    let (mut server, url) = start(&dir, "only");
    let addr = url.trim_start_matches("http://").to_owned();
    // A server bound to every address is probed on loopback.
    let port = addr.rsplit_once(':').unwrap().1;
    for probed in [addr.clone(), format!("0.0.0.0:{port}")] {
        let output = healthcheck(&probed);
        assert!(output.status.success(), "{probed}: {}", String::from_utf8_lossy(&output.stderr));
    }
    server.kill().unwrap();
    server.wait().unwrap();
    let output = healthcheck(&addr);
    assert!(!output.status.success(), "a stopped server must fail the check");
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(message.contains(&format!("http://{addr}/healthz")), "{message}");
}
