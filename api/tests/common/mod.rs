//! What the tests that run the real binary share: starting it on a database file, a webhook
//! receiver on loopback, and a small GraphQL client.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

pub const PASSWORD: &str = "a long passphrase here";

/// Starts the binary on `dir`'s SQLite database, logging to `server-<run>.log` there; returns it
/// and its URL (the caller kills and reaps it). Webhooks may go to loopback; a delivery a kill
/// interrupted mid-attempt is taken over once its lease (3 s) ends.
pub fn start(dir: &std::path::Path, run: &str) -> (Child, String) {
    let (child, url, _) = start_with(dir, run, &[]);
    (child, url)
}

/// `start` with more environment; also returns the rest of the start-up banner (the lines after
/// the URL, written with it at once).
#[allow(clippy::zombie_processes)]
pub fn start_with(dir: &std::path::Path, run: &str, env: &[(&str, &str)]) -> (Child, String, String) {
    let database = format!("sqlite://{}", dir.join("handoff.db").display());
    let mut child = Command::new(env!("CARGO_BIN_EXE_handoff-api"))
        .args(["--database-url", &database, "--listen-addr", "127.0.0.1:0"])
        .env_remove("LOG_LEVEL")
        // The tests name their own trace collector, if any.
        .env_remove("OTEL_EXPORTER_OTLP_ENDPOINT")
        .env_remove("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
        .env_remove("OTEL_SERVICE_NAME")
        .env_remove("OTEL_RESOURCE_ATTRIBUTES")
        .envs(env.iter().copied())
        .env("WEBHOOK_ALLOWED_NETWORKS", "127.0.0.1/32")
        .env("WEBHOOK_RETRY_BASE_SECONDS", "1")
        .env("WEBHOOK_TIMEOUT_SECONDS", "1")
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(dir.join(format!("server-{run}.log"))).unwrap())
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
            let rest = String::from_utf8_lossy(stdout.buffer()).into_owned();
            return (child, url.to_owned(), rest);
        }
    }
}

/// A fresh directory for one test's database and logs.
pub fn scratch(name: &str) -> std::path::PathBuf {
    let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    let dir = std::env::temp_dir().join(format!("handoff-{name}-{}-{stamp}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A webhook receiver on loopback that records every body; it refuses the first `refuse` of them
/// with a 500 and accepts the rest.
pub fn receiver(refuse: usize) -> (String, Arc<Mutex<Vec<String>>>) {
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
            let status = if n < refuse { "500 Internal Server Error" } else { "204 No Content" };
            let _ = write!(stream, "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
    });
    (url, seen)
}

#[derive(Clone)]
pub struct Client {
    pub http: reqwest::Client,
    pub url: String,
}

impl Client {
    pub fn new(url: &str) -> Self {
        Self { http: reqwest::Client::new(), url: url.to_owned() }
    }

    pub async fn post(&self, token: Option<&str>, query: &str, variables: Value) -> Result<Value, reqwest::Error> {
        self.post_with(token, query, variables, &[]).await
    }

    /// `post` with more request headers (a request id, a trace parent).
    pub async fn post_with(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
        headers: &[(&str, &str)],
    ) -> Result<Value, reqwest::Error> {
        let mut request =
            self.http.post(format!("{}/graphql", self.url)).json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await?.json().await
    }

    /// The `data` of an answer that must have no errors.
    pub async fn ok(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        self.ok_with(token, query, variables, &[]).await
    }

    /// `ok` with more request headers.
    pub async fn ok_with(&self, token: Option<&str>, query: &str, variables: Value, headers: &[(&str, &str)]) -> Value {
        let body = self.post_with(token, query, variables, headers).await.unwrap();
        assert!(body.get("errors").is_none(), "{query}: {body:#}");
        body["data"].clone()
    }

    /// Signs up; returns the token and the user's ID.
    pub async fn sign_up(&self, email: &str) -> (String, String) {
        let query = "mutation($i: SignUpInput!) { signUp(input: $i) { token viewer { id } } }";
        let data =
            self.ok(None, query, json!({ "i": { "email": email, "password": PASSWORD, "name": "Someone" } })).await;
        (
            data["signUp"]["token"].as_str().unwrap().to_owned(),
            data["signUp"]["viewer"]["id"].as_str().unwrap().to_owned(),
        )
    }

    pub async fn login(&self, email: &str) -> String {
        let query = "mutation($i: LoginInput!) { login(input: $i) { token } }";
        let data = self.ok(None, query, json!({ "i": { "email": email, "password": PASSWORD } })).await;
        data["login"]["token"].as_str().unwrap().to_owned()
    }

    /// An organization `slug` with a SELLER besides its admin, a partner and an account of that
    /// seller; returns the organization's, the seller's, the partner's and the account's IDs.
    pub async fn organization(&self, admin: &str, slug: &str) -> (String, String, String, String) {
        let create = "mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) { organization { id } } }";
        let org = self.ok(Some(admin), create, json!({ "i": { "name": slug, "slug": slug } })).await["createOrganization"]
            ["organization"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let email = format!("seller@{slug}.example");
        let invited = self
            .ok(
                Some(admin),
                "mutation($i: InviteMemberInput!) { inviteMember(input: $i) { token } }",
                json!({ "i": { "organizationId": org, "email": email, "role": "SELLER" } }),
            )
            .await;
        let (seller, seller_id) = self.sign_up(&email).await;
        self.ok(
            Some(&seller),
            "mutation($i: AcceptInvitationInput!) { acceptInvitation(input: $i) { membership { role } } }",
            json!({ "i": { "token": invited["inviteMember"]["token"] } }),
        )
        .await;
        let partner = self
            .ok(
                Some(admin),
                "mutation($i: CreatePartnerInput!) { createPartner(input: $i) { partner { id } } }",
                json!({ "i": { "organizationId": org, "name": "Snowflake", "sells": "data", "whyTheyMatter": "installed there" } }),
            )
            .await["createPartner"]["partner"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let account = self
            .ok(
                Some(admin),
                "mutation($i: CreateAccountInput!) { createAccount(input: $i) { account { id } } }",
                json!({ "i": { "organizationId": org, "name": "Globex", "sellerId": seller_id } }),
            )
            .await["createAccount"]["account"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        (org, seller_id, partner, account)
    }
}

/// The UUID inside an opaque global ID (`base64url("Kind:uuid")`).
pub fn uuid_of(global_id: &str) -> String {
    use base64::Engine;
    let text = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(global_id).unwrap();
    String::from_utf8(text).unwrap().split_once(':').unwrap().1.to_owned()
}
