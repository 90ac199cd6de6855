//! The real binary, killed with SIGKILL right after it acknowledged a send: after a restart on the
//! same database the event is there for pollers and resuming subscribers, and its webhook is
//! delivered (the kill gave the first process no chance to deliver, or to finish anything).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

fn stamp() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
}

/// Starts the binary on `dir`'s database; returns it and its URL (the caller kills and reaps it).
#[allow(clippy::zombie_processes)]
fn start(dir: &std::path::Path) -> (Child, String) {
    let database = format!("sqlite://{}", dir.join("handoff.db").display());
    let mut child = Command::new(env!("CARGO_BIN_EXE_handoff-api"))
        .args(["--database-url", &database, "--listen-addr", "127.0.0.1:0"])
        .env("WEBHOOK_ALLOWED_NETWORKS", "127.0.0.1/32")
        .env("WEBHOOK_RETRY_BASE_SECONDS", "1")
        // A delivery the kill interrupted mid-attempt is taken over once its lease (3 s) ends.
        .env("WEBHOOK_TIMEOUT_SECONDS", "1")
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(dir.join(format!("server-{}.log", stamp()))).unwrap())
        .spawn()
        .expect("the server binary starts");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    loop {
        let mut line = String::new();
        if stdout.read_line(&mut line).unwrap_or(0) == 0 {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the server exited before serving");
        }
        if let Some(url) = line.trim().strip_prefix("handoff-api is serving on ") {
            return (child, url.to_owned());
        }
    }
}

/// A webhook receiver on loopback that refuses the first delivery (so the first process cannot
/// have delivered before it was killed) and records every body.
fn receiver() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let recorded = seen.clone();
    std::thread::spawn(move || {
        for (n, stream) in listener.incoming().enumerate() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            if length == 0 || reader.read_exact(&mut body).is_err() {
                continue;
            }
            recorded.lock().unwrap().push(String::from_utf8_lossy(&body).into_owned());
            let status = if n == 0 { "500 Internal Server Error" } else { "204 No Content" };
            let _ = write!(stream, "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
    });
    (url, seen)
}

struct Client {
    http: reqwest::Client,
    url: String,
}

impl Client {
    async fn ok(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let mut request =
            self.http.post(format!("{}/graphql", self.url)).json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let body: Value = request.send().await.unwrap().json().await.unwrap();
        assert!(body.get("errors").is_none(), "{query}: {body:#}");
        body["data"].clone()
    }

    async fn sign_up(&self, email: &str) -> (String, String) {
        let query = "mutation($i: SignUpInput!) { signUp(input: $i) { token viewer { id } } }";
        let input = json!({ "i": { "email": email, "password": "a long passphrase here", "name": "Someone" } });
        let data = self.ok(None, query, input).await;
        (
            data["signUp"]["token"].as_str().unwrap().to_owned(),
            data["signUp"]["viewer"]["id"].as_str().unwrap().to_owned(),
        )
    }
}

#[tokio::test]
async fn a_send_acknowledged_just_before_a_kill_reaches_its_webhook_after_a_restart() {
    let dir = std::env::temp_dir().join(format!("handoff-killed-{}-{}", std::process::id(), stamp()));
    std::fs::create_dir_all(&dir).unwrap();
    let (hook, seen) = receiver();
    let (mut first, url) = start(&dir);
    let api = Client { http: reqwest::Client::new(), url };

    let (admin, admin_id) = api.sign_up("admin@killed.example").await;
    let org = api
        .ok(
            Some(&admin),
            "mutation { createOrganization(input: { name: \"Killed\", slug: \"killed\" }) { organization { id } } }",
            json!({}),
        )
        .await["createOrganization"]["organization"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let invited = api
        .ok(
            Some(&admin),
            "mutation($i: InviteMemberInput!) { inviteMember(input: $i) { token } }",
            json!({ "i": { "organizationId": org, "email": "seller@killed.example", "role": "SELLER" } }),
        )
        .await;
    let (seller, seller_id) = api.sign_up("seller@killed.example").await;
    let secret = invited["inviteMember"]["token"].as_str().unwrap();
    api.ok(
        Some(&seller),
        "mutation($i: AcceptInvitationInput!) { acceptInvitation(input: $i) { membership { role } } }",
        json!({ "i": { "token": secret } }),
    )
    .await;
    api.ok(
        Some(&admin),
        "mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { webhookEndpoint { id } } }",
        json!({ "i": { "organizationId": org, "url": hook, "eventTypes": ["LANDED"] } }),
    )
    .await;
    let partner = api
        .ok(Some(&admin), "mutation($i: CreatePartnerInput!) { createPartner(input: $i) { partner { id } } }", json!({ "i": { "organizationId": org, "name": "Snowflake", "sells": "data", "whyTheyMatter": "installed there" } }))
        .await["createPartner"]["partner"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let account = api
        .ok(
            Some(&admin),
            "mutation($i: CreateAccountInput!) { createAccount(input: $i) { account { id } } }",
            json!({ "i": { "organizationId": org, "name": "Globex", "sellerId": seller_id } }),
        )
        .await["createAccount"]["account"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let packet = json!({ "i": { "organizationId": org, "accountId": account, "partnerId": partner, "title": "Killed",
        "ownerId": admin_id, "nextAction": "Book the call", "responseWindowDays": 3, "acceptanceDefinition": "Booked" } });
    let handoff = api
        .ok(Some(&admin), "mutation($i: CreateHandoffInput!) { createHandoff(input: $i) { handoff { id } } }", packet)
        .await["createHandoff"]["handoff"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let grades: Vec<Value> = handoff_api::domain::scorecard::Component::ALL
        .iter()
        .map(|c| json!({ "component": c.code(), "grade": "STRONG" }))
        .collect();
    api.ok(
        Some(&admin),
        "mutation($i: GradeHandoffInput!) { gradeHandoff(input: $i) { handoff { score } } }",
        json!({ "i": { "handoffId": handoff, "grades": grades } }),
    )
    .await;

    // Acknowledged, then killed at once: no drain, no shutdown, nothing after the answer.
    api.ok(
        Some(&admin),
        "mutation($i: SendHandoffInput!) { sendHandoff(input: $i) { handoff { status } } }",
        json!({ "i": { "handoffId": handoff } }),
    )
    .await;
    first.kill().unwrap();
    first.wait().unwrap();

    let (mut second, url) = start(&dir);
    let api = Client { http: reqwest::Client::new(), url };
    let (admin, _) = {
        let query = "mutation($i: LoginInput!) { login(input: $i) { token viewer { id } } }";
        let data = api
            .ok(None, query, json!({ "i": { "email": "admin@killed.example", "password": "a long passphrase here" } }))
            .await;
        (data["login"]["token"].as_str().unwrap().to_owned(), ())
    };
    let events = api
        .ok(Some(&admin), "{ organization(slug: \"killed\") { events(types: [LANDED]) { edges { cursor node { id handoff { status } } } } } }", json!({}))
        .await;
    let landed = &events["organization"]["events"]["edges"][0]["node"];
    assert_eq!(landed["handoff"]["status"], "SENT", "the event survived the kill: {events:#}");
    let event_id = landed["id"].as_str().unwrap().to_owned();
    let mut delivered = false;
    for _ in 0..300 {
        if seen.lock().unwrap().len() >= 2 {
            delivered = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    second.kill().unwrap();
    second.wait().unwrap();
    assert!(delivered, "the webhook was retried after the restart: {:?}", seen.lock().unwrap());
    let bodies = seen.lock().unwrap().clone();
    for body in &bodies {
        assert_eq!(
            serde_json::from_str::<Value>(body).unwrap()["id"],
            event_id.as_str(),
            "one event, one id: {bodies:?}"
        );
    }
}
