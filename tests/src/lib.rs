//! The end-to-end harness: each test starts the real server on a free loopback port against a fresh
//! database, and talks to it over HTTP (and WebSocket) as a client would.
//!
//! SQLite by default (a file in a temporary directory). With `TEST_DATABASE_URL` set to a
//! PostgreSQL URL, each test gets its own new database named `<that database>_t_<random>`.

use std::net::SocketAddr;

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use handoff_api::clock::Clock;
use handoff_api::config::Config;
use handoff_api::server::{self, Server};
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};

pub mod documents;
pub mod smtp;
pub mod ws;

pub use documents::{ACCEPT, INVITE};
use documents::{CREATE_ACCOUNT, CREATE_HANDOFF, CREATE_PARTNER, GRADE_HANDOFF, SEND_HANDOFF};

pub struct TestApp {
    pub addr: SocketAddr,
    pub client: reqwest::Client,
    server: Option<Server>,
    _dir: Option<tempfile::TempDir>,
    /// The server's clock when the test set one (`spawn_at`).
    time: Option<Arc<Mutex<DateTime<Utc>>>>,
    database_url: String,
}

/// A signed-up person.
#[derive(Debug, Clone)]
pub struct Person {
    pub email: String,
    pub token: String,
    pub user_id: String,
    pub refresh_token: String,
}

pub const PASSWORD: &str = "correct horse battery staple";

impl Person {
    /// The person an `AuthPayload` (of `signUp` or `login`) describes.
    fn from_auth(email: &str, payload: &Value) -> Self {
        Person {
            email: email.to_owned(),
            token: payload["token"].as_str().unwrap().to_owned(),
            user_id: payload["viewer"]["id"].as_str().unwrap().to_owned(),
            refresh_token: payload["refreshToken"].as_str().unwrap().to_owned(),
        }
    }
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// A server whose background sweeps stay quiet, so statement counts see only the requests.
    pub async fn spawn_without_sweeps() -> Self {
        Self::spawn_with(without_sweeps).await
    }

    /// Starts a server with the test configuration adjusted by `adjust`.
    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> Self {
        // `RUST_LOG=handoff_api=debug cargo test` shows the server's logs beside a failing test.
        if let Ok(filter) = std::env::var("RUST_LOG") {
            let _ = tracing_subscriber::fmt().with_env_filter(filter).with_test_writer().try_init();
        }
        let (database_url, dir) = fresh_database().await;
        Self::start(database_url, dir, adjust).await
    }

    async fn start(database_url: String, dir: Option<tempfile::TempDir>, adjust: impl FnOnce(&mut Config)) -> Self {
        let mut config = Config::development(database_url.clone());
        config.jwt_secret = TEST_SECRET.to_owned();
        // Replicas share the key that seals webhook secrets, as a deployment's would.
        config.webhooks.secret_box =
            handoff_api::webhooks::SecretBox::new(&[("test".into(), TEST_SECRET.into())]).expect("a valid key");
        // Every test signs its people up from one address; the sign-up tests set their own limit.
        config.throttle.sign_ups = 10_000;
        adjust(&mut config);
        let caches_credentials = database_url.starts_with("postgres") && !config.credential_cache.is_zero();
        let server = server::start(config).await.expect("the server starts");
        if caches_credentials {
            // The cache turns on once the listening connection has heard its first notice; on a
            // loaded machine that can come after a test's first requests, which would then read
            // what a test expects to be cached.
            let started = std::time::Instant::now();
            while !server.store().credentials().is_enabled() && started.elapsed() < std::time::Duration::from_secs(10) {
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
        }
        Self {
            addr: server.addr(),
            client: reqwest::Client::new(),
            server: Some(server),
            _dir: dir,
            time: None,
            database_url,
        }
    }

    /// A server configured from command-line style `args` alone, exactly as the binary resolves
    /// them (no test secret), on an embedded database in a temporary directory; returns the
    /// directory too, so a test can restart a server on it.
    pub async fn spawn_from_settings(dir: &std::path::Path, args: &[&str]) -> Self {
        #[derive(clap::Parser)]
        struct Cli {
            #[command(flatten)]
            settings: handoff_api::config::Settings,
        }
        let url = format!("sqlite://{}", dir.join("handoff.db").display());
        let mut argv = vec!["handoff-api", "--database-url", &url, "--listen-addr", "127.0.0.1:0"];
        argv.extend_from_slice(args);
        let cli = <Cli as clap::Parser>::try_parse_from(argv).expect("the arguments parse");
        let config = cli.settings.resolve().expect("the settings resolve");
        let server = server::start(config).await.expect("the server starts");
        Self {
            addr: server.addr(),
            client: reqwest::Client::new(),
            server: Some(server),
            _dir: None,
            time: None,
            database_url: url,
        }
    }

    /// A server on an existing database (one a test restored, say).
    pub async fn spawn_on(database_url: String) -> Self {
        Self::start(database_url, None, |_| {}).await
    }

    /// A second server process on this one's database, as another replica behind a load balancer.
    pub async fn spawn_replica(&self) -> Self {
        self.spawn_replica_with(|_| {}).await
    }

    /// `spawn_replica` with the configuration adjusted by `adjust`.
    /// A replica reads the same clock as this server when the test set one (`spawn_at`).
    pub async fn spawn_replica_with(&self, adjust: impl FnOnce(&mut Config)) -> Self {
        let time = self.time.clone();
        let shared = time.clone();
        let mut replica = Self::start(self.database_url.clone(), None, move |c| {
            if let Some(shared) = shared {
                c.clock = Clock::from_fn(move || *shared.lock().unwrap());
            }
            adjust(c);
        })
        .await;
        replica.time = time;
        replica
    }

    /// Stops this server but keeps its database, so a replica can carry on (a restart).
    pub async fn stop_server(&mut self) {
        if let Some(server) = self.server.take() {
            server.stop().await.expect("the server stops cleanly");
        }
    }

    /// Begins stopping this server and returns at once; the task ends when it has stopped.
    pub fn stop_in_background(&mut self) -> tokio::task::JoinHandle<()> {
        let server = self.server.take().expect("the server is running");
        tokio::spawn(async move { server.stop().await.expect("the server stops cleanly") })
    }

    /// Whether the tests run on PostgreSQL (`TEST_DATABASE_URL`).
    pub fn on_postgres(&self) -> bool {
        self.database_url.starts_with("postgres")
    }

    /// Starts a server whose clock reads `start` until the test moves it.
    pub async fn spawn_at(start: &str) -> Self {
        Self::spawn_at_with(start, |_| {}).await
    }

    /// `spawn_at` with the configuration adjusted by `adjust`.
    pub async fn spawn_at_with(start: &str, adjust: impl FnOnce(&mut Config)) -> Self {
        let time = Arc::new(Mutex::new(at(start)));
        let shared = time.clone();
        let mut app = Self::spawn_with(move |c| {
            c.clock = Clock::from_fn(move || *shared.lock().unwrap());
            adjust(c);
        })
        .await;
        app.time = Some(time);
        app
    }

    /// Sets the server's clock (after `spawn_at`).
    pub fn set_time(&self, to: &str) {
        *self.time.as_ref().expect("spawned with spawn_at").lock().unwrap() = at(to);
    }

    /// Moves the server's clock forward (after `spawn_at`).
    pub fn advance(&self, by: Duration) {
        *self.time.as_ref().expect("spawned with spawn_at").lock().unwrap() += by;
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

    /// POSTs one GraphQL operation with one file, as the GraphQL multipart request specification
    /// sends it: `file_variable` (e.g. `variables.i.file`) is the variable the file fills.
    pub async fn upload(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
        file_variable: &str,
        file: &[u8],
    ) -> (u16, Value) {
        let boundary = "----handoff-e2e-boundary-7d1c";
        let operations = json!({ "query": query, "variables": variables }).to_string();
        let map = json!({ "0": [file_variable] }).to_string();
        let mut body = Vec::new();
        for (name, value) in [("operations", operations.as_str()), ("map", map.as_str())] {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            );
        }
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"0\"; filename=\"history.csv\"\r\n\
                 Content-Type: text/csv\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(file);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        self.post_multipart(token, &format!("multipart/form-data; boundary={boundary}"), body).await
    }

    /// POSTs a raw body as `content_type` to `/graphql`; returns the status and the JSON body.
    pub async fn post_multipart(&self, token: Option<&str>, content_type: &str, body: Vec<u8>) -> (u16, Value) {
        let mut request = self.client.post(self.url("/graphql")).header("content-type", content_type).body(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("the server answers");
        let status = response.status().as_u16();
        (status, response.json().await.expect("a JSON body"))
    }

    /// The newest entry of `slug`'s audit trail (`action detail actor { email }`), read by `admin`.
    pub async fn last_audit_event(&self, admin: &Person, slug: &str) -> Value {
        let query = "query($s: String!) { organization(slug: $s) { auditLog(first: 1) {
            edges { node { action detail actor { email } } } } } }";
        let data = self.ok(Some(&admin.token), query, json!({ "s": slug })).await;
        data["organization"]["auditLog"]["edges"][0]["node"].clone()
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
                "mutation($i: SignUpInput!) { signUp(input: $i) { token refreshToken viewer { id } } }",
                json!({ "i": { "email": email, "password": PASSWORD, "name": email.split('@').next().unwrap() } }),
            )
            .await;
        Person::from_auth(email, &data["signUp"])
    }

    /// Logs in an existing person (a seeded one, say) with `password`.
    pub async fn log_in(&self, email: &str, password: &str) -> Person {
        let data = self
            .ok(
                None,
                "mutation($i: LoginInput!) { login(input: $i) { token refreshToken viewer { id } } }",
                json!({ "i": { "email": email, "password": password } }),
            )
            .await;
        Person::from_auth(email, &data["login"])
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

    /// Adds `person` to the organization with `role`: `admin` invites, the person accepts.
    pub async fn add_member(&self, admin: &Person, org_id: &str, person: &Person, role: &str) {
        let secret = self.invite(admin, org_id, &person.email, role).await;
        self.ok(Some(&person.token), ACCEPT, json!({ "i": { "token": secret } })).await;
    }

    /// Invites `email` with `role` as `admin` on a server that sends no mail; returns the secret.
    pub async fn invite(&self, admin: &Person, org_id: &str, email: &str, role: &str) -> String {
        let data = self
            .ok(Some(&admin.token), INVITE, json!({ "i": { "organizationId": org_id, "email": email, "role": role } }))
            .await;
        data["inviteMember"]["token"].as_str().expect("the secret is shown when no mail is sent").to_owned()
    }

    /// Rows in `table`, read straight from the database (for tests that check what was stored).
    pub async fn count_rows(&self, table: &str) -> i64 {
        let store = self.server.as_ref().expect("the server runs").store();
        let row = store
            .conn()
            .query_one_raw(sea_orm::Statement::from_string(
                store.backend(),
                format!("SELECT COUNT(*) AS n FROM {table}"),
            ))
            .await
            .expect("the count runs")
            .expect("a row");
        row.try_get::<i64>("", "n").expect("a count")
    }

    /// The first column of every row `sql` returns, as text (for tests that check what was stored).
    pub async fn column_text(&self, sql: &str) -> Vec<String> {
        first_column_text(self.server.as_ref().expect("the server runs").store().conn(), sql).await
    }

    /// Runs `sql` unfiltered inside a tenant transaction of `person` in `org_id` (then rolls back),
    /// returning its first column as UUIDs.
    pub async fn in_tenant_transaction(&self, person: &Person, org_id: &str, sql: &str) -> Vec<uuid::Uuid> {
        let tx = self.tenant_transaction(person, org_id).await;
        tx.unfiltered_uuids(sql).await.expect("the statement runs")
    }

    /// A tenant transaction of `person` in `org_id`, as a resolver would open one.
    pub async fn tenant_transaction(&self, person: &Person, org_id: &str) -> handoff_api::store::TenantTx {
        use handoff_api::auth::{Viewer, jwt::JwtKeys};
        let store = self.server.as_ref().expect("the server runs").store();
        let keys = JwtKeys::new(TEST_SECRET.as_bytes(), Duration::minutes(15));
        let viewer = Viewer::authenticate(store.clone(), &keys, &person.token).await.expect("a valid token");
        let scope = viewer.require(uuid_of(org_id), &handoff_api::domain::Role::ALL).await.expect("a member");
        store.tenant(&scope).await.expect("a tenant transaction")
    }

    /// A portfolio transaction of `person` over `org_ids`, as `Viewer.portfolio` opens one.
    pub async fn portfolio_transaction(&self, person: &Person, org_ids: &[&str]) -> handoff_api::store::PortfolioTx {
        use handoff_api::auth::{Viewer, jwt::JwtKeys};
        let store = self.server.as_ref().expect("the server runs").store();
        let keys = JwtKeys::new(TEST_SECRET.as_bytes(), Duration::minutes(15));
        let viewer = Viewer::authenticate(store.clone(), &keys, &person.token).await.expect("a valid token");
        let mut scopes = Vec::new();
        for org_id in org_ids {
            let roles = handoff_api::store::PORTFOLIO_ROLES;
            scopes.push(viewer.require(uuid_of(org_id), &roles).await.expect("an ADMIN or SALES_LEADER"));
        }
        store.portfolio(&scopes).await.expect("a portfolio transaction")
    }

    /// The server's database handle, for tests that call the store directly (a background sweep).
    pub fn store(&self) -> &handoff_api::store::Store {
        self.server.as_ref().expect("the server runs").store()
    }

    /// The database URL the server uses.
    pub fn database_url(&self) -> &str {
        &self.database_url
    }

    /// Runs one SQL statement on the server's database (to break it on purpose).
    pub async fn execute_sql(&self, sql: &str) {
        let store = self.server.as_ref().expect("the server runs").store();
        store.conn().execute_unprepared(sql).await.expect("the statement runs");
    }

    /// Closes the server's database pool under it, as an outage would.
    pub async fn close_database(&self) {
        let store = self.server.as_ref().expect("the server runs").store();
        store.conn().clone().close().await.expect("the pool closes");
    }

    /// POSTs one GraphQL operation as if relayed by a proxy for `client` (`X-Forwarded-For`);
    /// counts only when the test server trusts loopback as a proxy.
    pub async fn post_from(&self, client: &str, query: &str, variables: Value) -> (u16, Value) {
        let response = self
            .client
            .post(self.url("/graphql"))
            .header("x-forwarded-for", client)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("the server answers");
        let status = response.status().as_u16();
        (status, response.json().await.expect("a JSON body"))
    }

    /// SQL statements the server has executed so far.
    /// Waits until the server issues no statement of its own for a while: after mutations, its
    /// event dispatcher reads the new events once, and a statement count must not include that.
    pub async fn settle(&self) {
        let mut last = self.statements();
        let mut quiet = 0;
        for _ in 0..100 {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            let now = self.statements();
            quiet = if now == last { quiet + 1 } else { 0 };
            last = now;
            if quiet >= 4 {
                return;
            }
        }
        panic!("the server kept issuing statements on its own");
    }

    pub fn statements(&self) -> u64 {
        self.server.as_ref().expect("the server runs").store().statements_executed()
    }

    /// An organization with one member of each role (and a second seller).
    pub async fn team(&self, slug: &str) -> Team {
        let admin = self.sign_up(&format!("admin@{slug}.example")).await;
        let org_id = self.create_org(&admin, slug).await;
        let mut members = Vec::new();
        for (name, role) in
            [("marketer", "PARTNER_MARKETER"), ("seller", "SELLER"), ("seller2", "SELLER"), ("leader", "SALES_LEADER")]
        {
            let person = self.sign_up(&format!("{name}@{slug}.example")).await;
            self.add_member(&admin, &org_id, &person, role).await;
            members.push(person);
        }
        let leader = members.pop().unwrap();
        let seller2 = members.pop().unwrap();
        let seller = members.pop().unwrap();
        let marketer = members.pop().unwrap();
        Team { slug: slug.to_owned(), org_id, admin, marketer, seller, seller2, leader }
    }

    pub async fn create_partner(&self, who: &Person, org_id: &str, name: &str) -> String {
        let data = self
            .ok(
                Some(&who.token),
                CREATE_PARTNER,
                json!({ "i": { "organizationId": org_id, "name": name, "sells": "data tooling", "whyTheyMatter": "installed at the account" } }),
            )
            .await;
        data["createPartner"]["partner"]["id"].as_str().unwrap().to_owned()
    }

    pub async fn create_account(&self, who: &Person, org_id: &str, name: &str, seller: &Person) -> String {
        let data = self
            .ok(
                Some(&who.token),
                CREATE_ACCOUNT,
                json!({ "i": { "organizationId": org_id, "name": name, "sellerId": seller.user_id, "onPriorityList": true } }),
            )
            .await;
        data["createAccount"]["account"]["id"].as_str().unwrap().to_owned()
    }

    /// A draft with every sendable field filled in, addressed to the account's seller.
    pub async fn create_handoff(&self, team: &Team, account_id: &str, partner_id: &str, title: &str) -> String {
        let data = self
            .ok(
                Some(&team.marketer.token),
                CREATE_HANDOFF,
                json!({ "i": {
                    "organizationId": team.org_id, "accountId": account_id, "partnerId": partner_id, "title": title,
                    "ownerId": team.marketer.user_id, "nextAction": "Book the teardown call this week",
                    "responseWindowDays": 3, "acceptanceDefinition": "Seller books the call",
                    "whyThisAccount": "On the seller's Q3 list", "buyerProblem": "\"Our close takes nine days\"",
                    "proof": [{ "label": "Case study", "url": "https://example.com/case" }]
                } }),
            )
            .await;
        data["createHandoff"]["handoff"]["id"].as_str().unwrap().to_owned()
    }

    /// Grades the nine components in table order with `grades` (e.g. `["STRONG"; 9]`).
    pub async fn grade_all(&self, who: &Person, handoff_id: &str, grades: [&str; 9]) -> Value {
        let grades: Vec<Value> =
            COMPONENTS.iter().zip(grades).map(|(c, g)| json!({ "component": c, "grade": g })).collect();
        self.ok(
            Some(&who.token),
            GRADE_HANDOFF,
            json!({ "i": { "handoffId": handoff_id, "grades": grades } }),
        )
        .await["gradeHandoff"]["handoff"]
            .clone()
    }

    pub async fn send(&self, who: &Person, handoff_id: &str) -> Value {
        self.gql(Some(&who.token), SEND_HANDOFF, json!({ "i": { "handoffId": handoff_id } })).await
    }

    /// A draft with every sendable field filled in but no grades: partner "Snowflake", account
    /// "Globex" of the team's seller.
    pub async fn drafted_handoff(&self, team: &Team, title: &str) -> Drafted {
        let partner_id = self.create_partner(&team.marketer, &team.org_id, "Snowflake").await;
        let account_id = self.create_account(&team.marketer, &team.org_id, "Globex", &team.seller).await;
        let id = self.create_handoff(team, &account_id, &partner_id, title).await;
        Drafted { id, account_id, partner_id }
    }

    /// `drafted_handoff`, graded to `score` by the team's partner marketer (see `grades_for`).
    pub async fn handoff_scoring(&self, team: &Team, title: &str, score: u8) -> Drafted {
        let drafted = self.drafted_handoff(team, title).await;
        let graded = self.grade_all(&team.marketer, &drafted.id, grades_for(score)).await;
        assert_eq!(graded["score"], score, "{graded:#}");
        drafted
    }

    /// A handoff graded 18 and sent to the team's seller.
    pub async fn landed_handoff(&self, team: &Team, title: &str) -> Drafted {
        let drafted = self.handoff_scoring(team, title, 18).await;
        let sent = self.send(&team.marketer, &drafted.id).await;
        assert_eq!(sent["data"]["sendHandoff"]["handoff"]["status"], "SENT", "{sent:#}");
        drafted
    }

    /// Stops the server, draining in-flight requests.
    pub async fn stop(mut self) {
        if let Some(server) = self.server.take() {
            server.stop().await.expect("the server stops cleanly");
        }
    }
}

/// A draft and what it was made with.
#[derive(Debug, Clone)]
pub struct Drafted {
    pub id: String,
    pub account_id: String,
    pub partner_id: String,
}

/// Grades that add up to `score` (0 to 18): STRONG from the first component on, one WEAK when the
/// score is odd, MISSING after.
pub fn grades_for(score: u8) -> [&'static str; 9] {
    assert!(score <= 18, "a score is 0 to 18");
    let mut grades = ["MISSING"; 9];
    let strong = usize::from(score / 2);
    grades[..strong].fill("STRONG");
    if score % 2 == 1 {
        grades[strong] = "WEAK";
    }
    grades
}

/// An organization with one member of each role.
#[derive(Debug, Clone)]
pub struct Team {
    pub slug: String,
    pub org_id: String,
    pub admin: Person,
    pub marketer: Person,
    pub seller: Person,
    pub seller2: Person,
    pub leader: Person,
}

/// The nine components in the scorecard's order.
pub const COMPONENTS: [&str; 9] = [
    "TARGET_ACCOUNT_LOGIC",
    "PARTNER_CONTEXT",
    "RELATIONSHIP_PATH",
    "BUYER_PROBLEM",
    "PARTNER_OFFER",
    "NEXT_ACTION",
    "OWNER",
    "ACCEPTANCE_CRITERIA",
    "PROOF",
];

/// The secret test servers sign with, so tests can forge tokens that differ in one respect only.
pub const TEST_SECRET: &str = "test-secret-0123456789-0123456789-abcdef";

/// Quiets a server's background sweeps (`spawn_with(without_sweeps)`), so that statement counts
/// see only the requests.
pub fn without_sweeps(c: &mut Config) {
    c.webhook_poll = std::time::Duration::from_secs(3600);
    c.overdue_interval = std::time::Duration::from_secs(3600);
    c.event_poll = std::time::Duration::from_secs(3600);
    c.notice_heartbeat = std::time::Duration::from_secs(3600);
}

/// The row id inside a global ID.
pub fn uuid_of(global_id: &str) -> uuid::Uuid {
    use base64::Engine;
    let text = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(global_id).expect("a global ID");
    let text = String::from_utf8(text).expect("UTF-8");
    uuid::Uuid::parse_str(text.split_once(':').expect("Kind:uuid").1).expect("a UUID")
}

/// An RFC 3339 time.
pub fn at(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339).expect("an RFC 3339 time").with_timezone(&Utc)
}

/// The `extensions.code` of the first error, if any.
pub fn error_code(body: &Value) -> Option<&str> {
    body["errors"][0]["extensions"]["code"].as_str()
}

/// The `extensions.field` of the first error, if any.
pub fn error_field(body: &Value) -> Option<&str> {
    body["errors"][0]["extensions"]["field"].as_str()
}

/// Asserts that the first error has `code` and names `field` (`None`: names no field), showing the
/// whole answer when it does not.
#[track_caller]
pub fn expect_error(body: &Value, code: &str, field: Option<&str>) {
    assert_eq!((error_code(body), error_field(body)), (Some(code), field), "{body:#}");
}

/// `expect_error` for one of several cases, naming the case when it fails.
#[track_caller]
pub fn expect_error_for(case: &impl std::fmt::Debug, body: &Value, code: &str, field: Option<&str>) {
    assert_eq!((error_code(body), error_field(body)), (Some(code), field), "{case:?}: {body:#}");
}

/// A new, empty database (never migrated) and the directory holding it on SQLite.
/// The first column of what `sql` returns on `db`, as text.
pub async fn first_column_text(db: &sea_orm::DatabaseConnection, sql: &str) -> Vec<String> {
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(db.get_database_backend(), sql.to_owned()))
        .await
        .expect("the query runs");
    rows.iter().map(|row| row.try_get_by_index::<String>(0).expect("a text column")).collect()
}

pub async fn fresh_database() -> (String, Option<tempfile::TempDir>) {
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
