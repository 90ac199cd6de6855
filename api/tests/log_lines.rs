//! The binary's own log, as an operator's collector reads it: plain text when stderr is not a
//! terminal, and one `info` line per answered request that a client's `x-request-id` finds; in
//! JSON, that line names the user and the organization too.

#[allow(dead_code)] // the shared helpers this test does not need
mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

#[test]
fn each_request_gets_one_plain_info_line_with_its_id_operation_status_and_latency() {
    let dir = std::env::temp_dir().join(format!("handoff-log-lines-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let database = format!("sqlite://{}", dir.join("handoff.db").display());
    let mut server = Command::new(env!("CARGO_BIN_EXE_handoff-api"))
        .args(["--database-url", &database, "--listen-addr", "127.0.0.1:0"])
        .env_remove("RUST_LOG")
        .env_remove("LOG_LEVEL")
        .env_remove("LOG_FORMAT")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the server binary starts");
    let mut stdout = BufReader::new(server.stdout.take().unwrap());
    let address = loop {
        let mut line = String::new();
        assert!(stdout.read_line(&mut line).unwrap() > 0, "the server exited before serving");
        if let Some(url) = line.trim().strip_prefix("handoff-api is serving on http://") {
            break url.to_owned();
        }
    };

    let body = r#"{"query":"query Probe { __typename }"}"#;
    let mut connection = TcpStream::connect(&address).unwrap();
    write!(
        connection,
        "POST /graphql HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nx-request-id: log-probe-7\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    connection.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");

    server.kill().unwrap();
    server.wait().unwrap();
    let mut log = String::new();
    server.stderr.take().unwrap().read_to_string(&mut log).unwrap();
    let _ = std::fs::remove_dir_all(&dir);

    assert!(!log.contains('\u{1b}'), "no colour codes in a log that is not a terminal:\n{log}");
    let lines: Vec<&str> = log.lines().filter(|l| l.contains("log-probe-7")).collect();
    assert_eq!(lines.len(), 1, "one line for the request:\n{log}");
    let line = lines[0];
    for part in [" INFO ", "operation=Probe", "status=200", "latency=", "method=POST", "path=/graphql"] {
        assert!(line.contains(part), "`{part}` missing from: {line}");
    }
}

#[tokio::test]
async fn json_lines_name_the_request_the_user_and_the_organization() {
    let dir = common::scratch("json-log");
    let (mut server, url, _) = common::start_with(&dir, "json", &[("LOG_FORMAT", "json")]);
    let api = common::Client::new(&url);
    let (token, user) = api.sign_up("admin@json-log.example").await;
    let (org, _, _, _) = api.organization(&token, "json-log").await;
    let scores = "query Scores { organization(slug: \"json-log\") { scorecard { handoffCount } } }";
    api.ok_with(Some(&token), scores, serde_json::json!({}), &[("x-request-id", "json-probe-1")]).await;
    server.kill().unwrap();
    server.wait().unwrap();

    let log = std::fs::read_to_string(dir.join("server-json.log")).unwrap();
    let lines: Vec<serde_json::Value> = log
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .filter(|line: &serde_json::Value| line["span"]["request_id"] == "json-probe-1")
        .collect();
    let answered: Vec<&serde_json::Value> =
        lines.iter().filter(|line| line["fields"]["message"] == "finished processing request").collect();
    assert_eq!(answered.len(), 1, "one line for the answered request:\n{log}");
    let span = &answered[0]["span"];
    assert_eq!(span["operation"], "Scores", "{span}");
    assert_eq!(span["user_id"].as_str(), Some(common::uuid_of(&user).as_str()), "{span}");
    assert_eq!(span["organization_id"].as_str(), Some(common::uuid_of(&org).as_str()), "{span}");
    assert_eq!(answered[0]["fields"]["status"], 200);
}
