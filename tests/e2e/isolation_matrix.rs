//! The isolation matrix: every operation the schema lists, run as each role, as an API token of
//! each role, as a member of another organization with this organization's IDs, and anonymously.
//! The expected answers come from the one role-matrix table in docs/security.md; an operation the
//! schema gains without a row there, or without a request here, fails the test.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use handoff_e2e::{ACCEPT, COMPONENTS, INVITE, PASSWORD, Person, Team, TestApp};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

const MATRIX_DOC: &str = include_str!("../../docs/security.md");
const ROLES: [&str; 4] = ["ADMIN", "PARTNER_MARKETER", "SELLER", "SALES_LEADER"];

/// Who makes a request.
#[derive(Clone)]
enum Caller {
    Member(&'static str, Person),
    Token(&'static str, String),
    Outsider(Person),
    Anonymous,
}

impl Caller {
    fn bearer(&self) -> Option<&str> {
        match self {
            Caller::Member(_, p) | Caller::Outsider(p) => Some(&p.token),
            Caller::Token(_, t) => Some(t),
            Caller::Anonymous => None,
        }
    }

    fn label(&self) -> String {
        match self {
            Caller::Member(role, _) => role.to_string(),
            Caller::Token(role, _) => format!("token:{role}"),
            Caller::Outsider(_) => "other organization".into(),
            Caller::Anonymous => "anonymous".into(),
        }
    }
}

/// The expected answer of every operation for every caller, from the table.
fn expected_from_docs() -> BTreeMap<String, Vec<String>> {
    let start = MATRIX_DOC.find("<!-- role-matrix:start -->").expect("the role matrix in docs/security.md");
    let end = MATRIX_DOC.find("<!-- role-matrix:end -->").expect("the end of the role matrix");
    let mut table = BTreeMap::new();
    for line in MATRIX_DOC[start..end].lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<String> = line.trim_matches('|').split('|').map(|c| c.trim().to_owned()).collect();
        let op = cells[0].trim_matches('`').to_owned();
        table.insert(op, cells[1..].to_vec());
    }
    table
}

/// What `caller` should get: the roles' columns, the token column (`as its role` repeats the
/// role's), the outsider's, the anonymous caller's.
fn expectation(row: &[String], caller: &Caller) -> String {
    let by_role = |role: &str| row[ROLES.iter().position(|r| *r == role).unwrap()].clone();
    match caller {
        Caller::Member(role, _) => by_role(role),
        Caller::Token(role, _) if row[4] == "as its role" => by_role(role),
        Caller::Token(..) => row[4].split(' ').next().unwrap().to_owned(),
        Caller::Outsider(_) => row[5].clone(),
        Caller::Anonymous => row[6].clone(),
    }
}

/// What an answer amounts to: a refusal code, `null`, or `yes` (authorized, whatever happened next).
fn classify(body: &Value, field: &str) -> String {
    if let Some(code) = body["errors"][0]["extensions"]["code"].as_str()
        && ["UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND"].contains(&code)
    {
        return code.to_owned();
    }
    if body.get("errors").is_none() && body["data"][field].is_null() {
        return "null".into();
    }
    "yes".into()
}

struct World {
    app: TestApp,
    team: Team,
    outsider: Person,
    /// An organization of its own whose invitations anyone may accept without joining acme.
    side: (Person, String),
    partner: String,
    account: String,
    sent: String,
    delivery: String,
}

impl World {
    async fn new() -> Self {
        let app = TestApp::spawn_without_sweeps().await;
        let team = app.team("acme").await;
        let other = app.team("globex").await;
        let side_admin = app.sign_up("admin@side.example").await;
        let side = (side_admin.clone(), app.create_org(&side_admin, "side").await);
        let partner = app.create_partner(&team.marketer, &team.org_id, "Snowflake").await;
        let account = app.create_account(&team.marketer, &team.org_id, "Globex", &team.seller).await;
        let endpoint = app
            .ok(
                Some(&team.admin.token),
                "mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { webhookEndpoint { id } } }",
                json!({ "i": { "organizationId": team.org_id, "url": "https://203.0.113.10/hook", "eventTypes": ["LANDED"] } }),
            )
            .await;
        let _ = endpoint;
        let mut world = World {
            app,
            team,
            outsider: other.admin,
            side,
            partner,
            account,
            sent: String::new(),
            delivery: String::new(),
        };
        world.sent = world.sent_handoff().await;
        let deliveries = world
            .app
            .ok(
                Some(&world.team.admin.token),
                r#"{ organization(slug: "acme") { webhookEndpoints { deliveries { edges { node { id } } } } } }"#,
                json!({}),
            )
            .await;
        world.delivery = deliveries["organization"]["webhookEndpoints"][0]["deliveries"]["edges"][0]["node"]["id"]
            .as_str()
            .expect("the landed handoff queued a delivery")
            .to_owned();
        world
    }

    fn org(&self) -> &str {
        &self.team.org_id
    }

    async fn draft(&self) -> String {
        self.app.create_handoff(&self.team, &self.account, &self.partner, "a draft").await
    }

    async fn graded_draft(&self) -> String {
        let id = self.draft().await;
        self.app.grade_all(&self.team.marketer, &id, ["STRONG"; 9]).await;
        id
    }

    async fn sent_handoff(&self) -> String {
        let id = self.graded_draft().await;
        let sent = self.app.send(&self.team.marketer, &id).await;
        assert!(sent.get("errors").is_none(), "{sent:#}");
        id
    }

    async fn id_of(&self, who: &Person, query: &str, input: Value, path: &[&str]) -> String {
        let data = self.app.ok(Some(&who.token), query, json!({ "i": input })).await;
        let mut value = &data;
        for key in path {
            value = &value[*key];
        }
        value.as_str().unwrap_or_else(|| panic!("{path:?} in {data:#}")).to_owned()
    }

    async fn person(&self, n: usize) -> Person {
        self.app.sign_up(&format!("matrix{n}@elsewhere.example")).await
    }

    /// The request that exercises `op` once, after whatever setup it needs (done by acme's own
    /// members, so the caller under test does only the request itself).
    async fn request(&self, op: &str, n: usize) -> Option<(String, Value)> {
        let org = self.org().to_owned();
        let (admin, marketer, leader, seller) =
            (&self.team.admin, &self.team.marketer, &self.team.leader, &self.team.seller);
        let m = |name: &str, input_type: &str, selection: &str, input: Value| {
            Some((
                format!("mutation($i: {input_type}!) {{ {name}(input: $i) {{ {selection} }} }}"),
                json!({ "i": input }),
            ))
        };
        if let Some(field) = op.strip_prefix("Organization.") {
            let selection = match field {
                "id" | "name" | "slug" | "createdAt" | "viewerRole" | "minimumScoreToSend" => String::new(),
                "scorecard" => "{ handoffCount }".into(),
                "workingAgreement" | "agreedWorkingAgreement" | "workingAgreementHistory" => "{ version }".into(),
                "trustReport" => "{ signals { signal } }".into(),
                "trustSeries" => r#"(signal: RESPONSE_TIME, bucket: MONTH, from: "2026-01-01T00:00:00Z", to: "2026-03-01T00:00:00Z") { value }"#.into(),
                "webhookEndpoints" => "{ id }".into(),
                "rulePlays" => "{ play reason }".into(),
                _ => "{ edges { node { __typename } } }".into(),
            };
            return Some((
                format!("query($id: ID!) {{ node(id: $id) {{ ... on Organization {{ {field} {selection} }} }} }}"),
                json!({ "id": org }),
            ));
        }
        let email = format!("invitee{n}@elsewhere.example");
        match op {
            "Query.me" => Some(("{ me { id } }".into(), json!({}))),
            "Query.organization" => Some((r#"{ organization(slug: "acme") { id } }"#.into(), json!({}))),
            "Query.node" => Some(("query($id: ID!) { node(id: $id) { id } }".into(), json!({ "id": self.sent }))),
            "Mutation.signUp" => {
                m("signUp", "SignUpInput", "token", json!({ "email": email, "password": PASSWORD, "name": "New" }))
            }
            "Mutation.login" => {
                let p = self.person(n).await;
                m("login", "LoginInput", "token", json!({ "email": p.email, "password": PASSWORD }))
            }
            "Mutation.refreshSession" => {
                let p = self.person(n).await;
                m("refreshSession", "RefreshSessionInput", "token", json!({ "refreshToken": p.refresh_token }))
            }
            "Mutation.logout" => {
                let p = self.person(n).await;
                m("logout", "LogoutInput", "endedSessions", json!({ "refreshToken": p.refresh_token }))
            }
            "Mutation.changePassword" => m(
                "changePassword",
                "ChangePasswordInput",
                "token",
                json!({ "currentPassword": "not the password at all", "newPassword": "another long passphrase" }),
            ),
            "Mutation.createOrganization" => m(
                "createOrganization",
                "CreateOrganizationInput",
                "organization { id }",
                json!({ "name": "New", "slug": format!("matrix-{n}") }),
            ),
            "Mutation.updateOrganizationSettings" => m(
                "updateOrganizationSettings",
                "UpdateOrganizationSettingsInput",
                "organization { id }",
                json!({ "organizationId": org, "minimumScoreToSend": 9 }),
            ),
            "Mutation.inviteMember" => m(
                "inviteMember",
                "InviteMemberInput",
                "token",
                json!({ "organizationId": org, "email": email, "role": "SELLER" }),
            ),
            "Mutation.acceptInvitation" => {
                // Accepting must not change who belongs to acme, so the invitation is to another
                // organization: whoever holds a secret may accept it.
                let secret = self.app.invite(&self.side.0, &self.side.1, &email, "SELLER").await;
                m("acceptInvitation", "AcceptInvitationInput", "membership { role }", json!({ "token": secret }))
            }
            "Mutation.revokeInvitation" => {
                let input = json!({ "organizationId": org, "email": email, "role": "SELLER" });
                let id = self.id_of(admin, INVITE, input, &["inviteMember", "invitation", "id"]).await;
                m("revokeInvitation", "RevokeInvitationInput", "invitation { id }", json!({ "id": id }))
            }
            "Mutation.setMemberRole" | "Mutation.removeMember" => {
                let p = self.person(n).await;
                let secret = self.app.invite(admin, &org, &p.email, "SELLER").await;
                self.app.ok(Some(&p.token), ACCEPT, json!({ "i": { "token": secret } })).await;
                if op == "Mutation.setMemberRole" {
                    m(
                        "setMemberRole",
                        "SetMemberRoleInput",
                        "membership { role }",
                        json!({ "organizationId": org, "userId": p.user_id, "role": "SALES_LEADER" }),
                    )
                } else {
                    m(
                        "removeMember",
                        "RemoveMemberInput",
                        "removedUserId",
                        json!({ "organizationId": org, "userId": p.user_id }),
                    )
                }
            }
            "Mutation.createApiToken" => m(
                "createApiToken",
                "CreateApiTokenInput",
                "token",
                json!({ "organizationId": org, "name": "t", "role": "SELLER" }),
            ),
            "Mutation.revokeApiToken" => {
                let input = json!({ "organizationId": org, "name": "t", "role": "ADMIN" });
                let q = "mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { apiToken { id } } }";
                let id = self.id_of(admin, q, input, &["createApiToken", "apiToken", "id"]).await;
                m("revokeApiToken", "RevokeApiTokenInput", "apiToken { id }", json!({ "id": id }))
            }
            "Mutation.createPartner" => m(
                "createPartner",
                "CreatePartnerInput",
                "partner { id }",
                json!({ "organizationId": org, "name": format!("P{n}"), "sells": "x", "whyTheyMatter": "y" }),
            ),
            "Mutation.updatePartner" | "Mutation.archivePartner" => {
                let id = self.app.create_partner(marketer, &org, &format!("P{n}")).await;
                if op == "Mutation.updatePartner" {
                    m("updatePartner", "UpdatePartnerInput", "partner { id }", json!({ "id": id, "sells": "more" }))
                } else {
                    m("archivePartner", "ArchivePartnerInput", "partner { id }", json!({ "id": id }))
                }
            }
            "Mutation.createAccount" => m(
                "createAccount",
                "CreateAccountInput",
                "account { id }",
                json!({ "organizationId": org, "name": format!("A{n}"), "sellerId": seller.user_id }),
            ),
            "Mutation.updateAccount" | "Mutation.archiveAccount" | "Mutation.confirmAccount" => {
                let id = self.app.create_account(marketer, &org, &format!("A{n}"), seller).await;
                match op {
                    "Mutation.updateAccount" => m(
                        "updateAccount",
                        "UpdateAccountInput",
                        "account { id }",
                        json!({ "id": id, "onPriorityList": false }),
                    ),
                    "Mutation.archiveAccount" => {
                        m("archiveAccount", "ArchiveAccountInput", "account { id }", json!({ "id": id }))
                    }
                    _ => m(
                        "confirmAccount",
                        "ConfirmAccountInput",
                        "account { id }",
                        json!({ "id": id, "confirmed": true }),
                    ),
                }
            }
            "Mutation.createHandoff" => m(
                "createHandoff",
                "CreateHandoffInput",
                "handoff { id }",
                json!({ "organizationId": org, "accountId": self.account, "partnerId": self.partner, "title": "t",
                        "ownerId": marketer.user_id, "nextAction": "Call", "responseWindowDays": 3 }),
            ),
            "Mutation.updateHandoff" => {
                let id = self.draft().await;
                m(
                    "updateHandoff",
                    "UpdateHandoffInput",
                    "handoff { id }",
                    json!({ "handoffId": id, "title": "renamed" }),
                )
            }
            "Mutation.archiveHandoff" => {
                let id = self.draft().await;
                m("archiveHandoff", "ArchiveHandoffInput", "handoff { id }", json!({ "handoffId": id }))
            }
            "Mutation.gradeHandoff" => {
                let grades: Vec<Value> =
                    COMPONENTS.iter().map(|c| json!({ "component": c, "grade": "STRONG" })).collect();
                m(
                    "gradeHandoff",
                    "GradeHandoffInput",
                    "handoff { id }",
                    json!({ "handoffId": self.sent, "grades": grades }),
                )
            }
            "Mutation.sendHandoff" => {
                let id = self.graded_draft().await;
                m("sendHandoff", "SendHandoffInput", "handoff { id }", json!({ "handoffId": id }))
            }
            "Mutation.respondToHandoff" => {
                let id = self.sent_handoff().await;
                m(
                    "respondToHandoff",
                    "RespondToHandoffInput",
                    "handoff { id }",
                    json!({ "handoffId": id, "decision": "ACCEPT" }),
                )
            }
            "Mutation.logPartnerAsk" => m(
                "logPartnerAsk",
                "LogPartnerAskInput",
                "partnerAsk { id }",
                json!({ "organizationId": org, "sellerId": seller.user_id, "accountId": self.account }),
            ),
            "Mutation.logPartnerMeeting" => m(
                "logPartnerMeeting",
                "LogPartnerMeetingInput",
                "partnerMeeting { id }",
                json!({ "organizationId": org, "sellerId": seller.user_id, "accountId": self.account, "partnerId": self.partner }),
            ),
            "Mutation.logPipelineMention" => m(
                "logPipelineMention",
                "LogPipelineMentionInput",
                "pipelineMention { id }",
                json!({ "organizationId": org, "reviewKind": "FORECAST", "accountId": self.account, "partnerMarketingPresent": true }),
            ),
            "Mutation.raiseEscalation" => m(
                "raiseEscalation",
                "RaiseEscalationInput",
                "escalation { id }",
                json!({ "organizationId": org, "topic": "WHICH_ACCOUNT", "accountId": self.account }),
            ),
            "Mutation.logScoreReview" => m(
                "logScoreReview",
                "LogScoreReviewInput",
                "scoreReview { id }",
                json!({ "organizationId": org, "attendeeIds": [leader.user_id] }),
            ),
            "Mutation.createReportLink" => {
                m("createReportLink", "CreateReportLinkInput", "url", json!({ "organizationId": org }))
            }
            // Uploaded as multipart (see the runner); dry runs, so every caller meets the same data.
            "Mutation.importHandoffs" => m(
                "importHandoffs",
                "ImportHandoffsInput",
                "report { rows }",
                json!({ "organizationId": org, "file": null, "dryRun": true }),
            ),
            "Mutation.importTrustRecords" => m(
                "importTrustRecords",
                "ImportTrustRecordsInput",
                "report { rows }",
                json!({ "organizationId": org, "kind": "SCORE_REVIEW", "file": null, "dryRun": true }),
            ),
            "Mutation.archiveTrustRecord" => {
                let q = "mutation($i: RaiseEscalationInput!) { raiseEscalation(input: $i) { escalation { id } } }";
                let input = json!({ "organizationId": org, "topic": "WHICH_PARTNER", "accountId": self.account });
                let id = self.id_of(admin, q, input, &["raiseEscalation", "escalation", "id"]).await;
                m("archiveTrustRecord", "ArchiveTrustRecordInput", "archivedAt", json!({ "id": id }))
            }
            "Mutation.draftWorkingAgreement" | "Mutation.signWorkingAgreement" => {
                let q = "mutation($i: DraftWorkingAgreementInput!) { draftWorkingAgreement(input: $i) { workingAgreement { version } } }";
                let data = self.app.ok(Some(&leader.token), q, json!({ "i": { "organizationId": org } })).await;
                let version = data["draftWorkingAgreement"]["workingAgreement"]["version"].clone();
                if op == "Mutation.draftWorkingAgreement" {
                    m(
                        "draftWorkingAgreement",
                        "DraftWorkingAgreementInput",
                        "workingAgreement { version }",
                        json!({ "organizationId": org, "responseWindowDays": 3 }),
                    )
                } else {
                    m(
                        "signWorkingAgreement",
                        "SignWorkingAgreementInput",
                        "workingAgreement { version }",
                        json!({ "organizationId": org, "version": version }),
                    )
                }
            }
            "Mutation.createWebhookEndpoint" => m(
                "createWebhookEndpoint",
                "CreateWebhookEndpointInput",
                "secret",
                json!({ "organizationId": org, "url": "https://203.0.113.10/hook", "eventTypes": ["GRADED"] }),
            ),
            "Mutation.disableWebhookEndpoint" => {
                let q = "mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { webhookEndpoint { id } } }";
                let input =
                    json!({ "organizationId": org, "url": "https://203.0.113.10/hook", "eventTypes": ["GRADED"] });
                let id = self.id_of(admin, q, input, &["createWebhookEndpoint", "webhookEndpoint", "id"]).await;
                m(
                    "disableWebhookEndpoint",
                    "DisableWebhookEndpointInput",
                    "webhookEndpoint { id }",
                    json!({ "id": id }),
                )
            }
            "Mutation.redeliverWebhook" => {
                m("redeliverWebhook", "RedeliverWebhookInput", "webhookDelivery { id }", json!({ "id": self.delivery }))
            }
            "Subscription.handoffLanded" => Some((
                "subscription($org: ID!) { handoffLanded(organizationId: $org) { id } }".into(),
                json!({ "org": org }),
            )),
            "Subscription.handoffEvents" => Some((
                "subscription($org: ID!) { handoffEvents(organizationId: $org) { type } }".into(),
                json!({ "org": org }),
            )),
            _ => None,
        }
    }
}

/// The next message that is not a ping or pong within `wait` milliseconds; a close frame as
/// `{"type": "close", "code": …}`.
async fn next_message(socket: &mut handoff_e2e::ws::Socket, wait: u64) -> Option<Value> {
    let wait = Duration::from_millis(wait);
    loop {
        match tokio::time::timeout(wait, socket.next()).await {
            Ok(Some(Ok(Message::Text(text)))) => {
                let value: Value = serde_json::from_str(&text).unwrap();
                if value["type"] != "ping" && value["type"] != "pong" {
                    return Some(value);
                }
            }
            Ok(Some(Ok(Message::Close(frame)))) => {
                let code = frame.map(|f| u16::from(f.code)).unwrap_or_default();
                return Some(json!({ "type": "close", "code": code }));
            }
            Ok(Some(Ok(_))) => continue,
            _ => return None,
        }
    }
}

/// Subscribes over graphql-transport-ws and says what came back within a short wait: a refusal
/// code, or `yes` when the subscription stays open.
async fn subscribe(app: &TestApp, bearer: Option<&str>, query: &str, variables: Value) -> String {
    let mut request = format!("ws://{}/graphql", app.addr).into_client_request().unwrap();
    request.headers_mut().insert("sec-websocket-protocol", "graphql-transport-ws".parse().unwrap());
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    let payload = bearer.map_or(json!({}), |t| json!({ "authorization": format!("Bearer {t}") }));
    socket.send(Message::text(json!({ "type": "connection_init", "payload": payload }).to_string())).await.unwrap();
    match next_message(&mut socket, 5_000).await {
        Some(m) if m["type"] == "connection_ack" => {}
        Some(m) if m["type"] == "close" && m["code"] == 4403 => return "UNAUTHENTICATED".into(),
        other => panic!("unexpected answer to connection_init: {other:?}"),
    }
    let subscribe = json!({ "id": "1", "type": "subscribe", "payload": { "query": query, "variables": variables } });
    socket.send(Message::text(subscribe.to_string())).await.unwrap();
    match next_message(&mut socket, 400).await {
        None => "yes".into(),
        Some(m) if m["type"] == "error" => m["payload"][0]["extensions"]["code"].as_str().unwrap_or("error").to_owned(),
        Some(m) if m["type"] == "next" => classify(&m["payload"], "x"),
        Some(m) => format!("unexpected {m}"),
    }
}

async fn operations(app: &TestApp) -> BTreeSet<String> {
    let schema = app
        .ok(
            None,
            r#"{ __schema { queryType { fields { name } } mutationType { fields { name } } subscriptionType { fields { name } } }
                 __type(name: "Organization") { fields { name } } }"#,
            json!({}),
        )
        .await;
    let names = |v: &Value| -> Vec<String> {
        v["fields"].as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap().to_owned()).collect()
    };
    let mut ops = BTreeSet::new();
    for (root, value) in [
        ("Query", &schema["__schema"]["queryType"]),
        ("Mutation", &schema["__schema"]["mutationType"]),
        ("Subscription", &schema["__schema"]["subscriptionType"]),
        ("Organization", &schema["__type"]),
    ] {
        ops.extend(names(value).into_iter().map(|n| format!("{root}.{n}")));
    }
    ops
}

#[tokio::test]
async fn every_operation_answers_each_caller_as_the_role_matrix_says() {
    let world = World::new().await;
    let table = expected_from_docs();
    let ops = operations(&world.app).await;
    let undocumented: Vec<&String> = ops.iter().filter(|op| !table.contains_key(*op)).collect();
    assert!(undocumented.is_empty(), "operations without a row in the role matrix: {undocumented:?}");
    let stale: Vec<&String> = table.keys().filter(|op| !ops.contains(*op)).collect();
    assert!(stale.is_empty(), "rows of the role matrix the schema no longer has: {stale:?}");

    // Every member makes a token of their own role, as a seller's tool would.
    let members: Vec<(&'static str, Person)> = vec![
        ("ADMIN", world.team.admin.clone()),
        ("PARTNER_MARKETER", world.team.marketer.clone()),
        ("SELLER", world.team.seller.clone()),
        ("SALES_LEADER", world.team.leader.clone()),
    ];
    let mut callers: Vec<Caller> = members.iter().map(|(r, p)| Caller::Member(r, p.clone())).collect();
    for (role, person) in &members {
        let created = world
            .app
            .ok(
                Some(&person.token),
                "mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }",
                json!({ "i": { "organizationId": world.org(), "name": "matrix", "role": role } }),
            )
            .await;
        callers.push(Caller::Token(role, created["createApiToken"]["token"].as_str().unwrap().to_owned()));
    }
    callers.push(Caller::Outsider(world.outsider.clone()));
    callers.push(Caller::Anonymous);

    let mut mismatches = Vec::new();
    let mut checked = 0;
    let mut n = 0;
    for op in &ops {
        let row = &table[op];
        for caller in &callers {
            n += 1;
            let Some((query, variables)) = world.request(op, n).await else {
                panic!("no request for {op}: add one to isolation_matrix.rs");
            };
            let field = op.split('.').nth(1).unwrap();
            let actual = if op.starts_with("Subscription.") {
                subscribe(&world.app, caller.bearer(), &query, variables).await
            } else if op.starts_with("Mutation.import") {
                let file = b"attendees,reviewed_at\nleader@matrix.example,2026-01-01\n";
                let (_, body) = world.app.upload(caller.bearer(), &query, variables, "variables.i.file", file).await;
                classify(&body, field)
            } else {
                let body = world.app.gql(caller.bearer(), &query, variables).await;
                let root = if op.starts_with("Organization.") { "node" } else { field };
                classify(&body, root)
            };
            let expected = expectation(row, caller);
            checked += 1;
            if actual != expected {
                mismatches.push(format!("{op} as {}: expected {expected}, got {actual}", caller.label()));
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {checked} answers differ from the role matrix:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    assert!(checked >= 68 * 10, "{checked}");
}
