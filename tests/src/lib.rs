//! The end-to-end harness: each test starts the real server on a free loopback port against a fresh
//! database, and talks to it over HTTP (and WebSocket) as a client would.
//!
//! SQLite by default (a file in a temporary directory). With `TEST_DATABASE_URL` set to a
//! PostgreSQL URL, each test gets its own new database named `<that database>_t_<random>`.

use std::net::SocketAddr;

use handoff_api::config::Config;
use handoff_api::server::{self, Server};
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};

pub struct TestApp {
    pub addr: SocketAddr,
    pub client: reqwest::Client,
    server: Option<Server>,
    _dir: Option<tempfile::TempDir>,
}

/// A signed-up person.
#[derive(Debug, Clone)]
pub struct Person {
    pub email: String,
    pub token: String,
    pub user_id: String,
}

pub const PASSWORD: &str = "correct horse battery staple";

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// Starts a server with the test configuration adjusted by `adjust`.
    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> Self {
        let (database_url, dir) = fresh_database().await;
        let mut config = Config::development(database_url);
        config.jwt_secret = TEST_SECRET.to_owned();
        adjust(&mut config);
        let server = server::start(config).await.expect("the server starts");
        Self { addr: server.addr(), client: reqwest::Client::new(), server: Some(server), _dir: dir }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// POSTs one GraphQL operation; returns the HTTP status and the JSON body.
    pub async fn post(&self, token: Option<&str>, query: &str, variables: Value) -> (u16, Value) {
        let mut request =
            self.client.post(self.url("/graphql")).json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("the server answers");
        let status = response.status().as_u16();
        (status, response.json().await.expect("a JSON body"))
    }

    /// POSTs one GraphQL operation and returns the JSON body.
    pub async fn gql(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        self.post(token, query, variables).await.1
    }

    /// Like `gql`, but fails the test if the response carries errors; returns `data`.
    pub async fn ok(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let body = self.gql(token, query, variables).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
        body["data"].clone()
    }

    pub async fn sign_up(&self, email: &str) -> Person {
        let data = self
            .ok(
                None,
                "mutation($i: SignUpInput!) { signUp(input: $i) { token viewer { id } } }",
                json!({ "i": { "email": email, "password": PASSWORD, "name": email.split('@').next().unwrap() } }),
            )
            .await;
        Person {
            email: email.to_owned(),
            token: data["signUp"]["token"].as_str().unwrap().to_owned(),
            user_id: data["signUp"]["viewer"]["id"].as_str().unwrap().to_owned(),
        }
    }

    /// Creates an organization as `admin`; returns its ID.
    pub async fn create_org(&self, admin: &Person, slug: &str) -> String {
        let data = self
            .ok(
                Some(&admin.token),
                "mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) { organization { id } } }",
                json!({ "i": { "name": format!("Org {slug}"), "slug": slug } }),
            )
            .await;
        data["createOrganization"]["organization"]["id"].as_str().unwrap().to_owned()
    }

    /// Adds `person` to the organization with `role`, as `admin`.
    pub async fn add_member(&self, admin: &Person, org_id: &str, person: &Person, role: &str) {
        self.ok(
            Some(&admin.token),
            "mutation($i: AddMemberInput!) { addMember(input: $i) { membership { role } } }",
            json!({ "i": { "organizationId": org_id, "email": person.email, "role": role } }),
        )
        .await;
    }

    /// Stops the server, draining in-flight requests.
    pub async fn stop(mut self) {
        if let Some(server) = self.server.take() {
            server.stop().await.expect("the server stops cleanly");
        }
    }
}

/// The secret test servers sign with, so tests can forge tokens that differ in one respect only.
pub const TEST_SECRET: &str = "test-secret-0123456789-0123456789-abcdef";

/// The `extensions.code` of the first error, if any.
pub fn error_code(body: &Value) -> Option<&str> {
    body["errors"][0]["extensions"]["code"].as_str()
}

/// The `extensions.field` of the first error, if any.
pub fn error_field(body: &Value) -> Option<&str> {
    body["errors"][0]["extensions"]["field"].as_str()
}

async fn fresh_database() -> (String, Option<tempfile::TempDir>) {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(admin_url) if !admin_url.is_empty() => (fresh_postgres_database(&admin_url).await, None),
        _ => {
            let dir = tempfile::tempdir().expect("a temporary directory");
            let url = format!("sqlite://{}", dir.path().join("test.db").display());
            (url, Some(dir))
        }
    }
}

async fn fresh_postgres_database(admin_url: &str) -> String {
    let (base, rest) = admin_url.rsplit_once('/').expect("TEST_DATABASE_URL ends with /<database>");
    let (admin_db, params) = match rest.split_once('?') {
        Some((db, params)) => (db, format!("?{params}")),
        None => (rest, String::new()),
    };
    let name = format!("{admin_db}_t_{}", &uuid::Uuid::new_v4().simple().to_string()[..16]);
    let admin = Database::connect(admin_url).await.expect("TEST_DATABASE_URL is reachable");
    admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await.expect("a test database is created");
    admin.close().await.ok();
    format!("{base}/{name}{params}")
}
