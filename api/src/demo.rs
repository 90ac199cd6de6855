//! `serve --demo`: a demo organization with a member of each role, partners, accounts and a dozen
//! handoffs across every band and status, loaded once through the API itself (so every rule
//! applies to it as to real data). Development mode only.

use serde_json::{Value, json};

use crate::auth::Viewer;
use crate::auth::jwt::JwtKeys;
use crate::domain::scorecard::Component;
use crate::graphql::{AppSchema, prepare};
use crate::store::{Store, organizations};

pub const SLUG: &str = "demo";
/// Shown on start in development mode; `--demo` is refused in production mode.
pub const PASSWORD: &str = "demo-password-not-secret";

/// Who to log in as.
pub struct DemoLogins {
    pub people: Vec<(&'static str, String)>,
    pub password: &'static str,
    pub loaded_now: bool,
}

#[derive(Debug, thiserror::Error)]
#[error("loading the demo data failed: {0}")]
pub struct DemoError(String);

const PEOPLE: [(&str, &str, &str); 5] = [
    ("ADMIN", "Ada Admin", "admin@demo.example"),
    ("PARTNER_MARKETER", "Pat Marketer", "marketer@demo.example"),
    ("SELLER", "Sam Seller", "sam@demo.example"),
    ("SELLER", "Riley Seller", "riley@demo.example"),
    ("SALES_LEADER", "Lee Leader", "leader@demo.example"),
];

/// Grades in table order, a status to reach, and a title, for each demo handoff.
const HANDOFFS: [(&str, [&str; 9], &str); 12] = [
    ("Globex: close-time teardown with Snowflake", ["STRONG"; 9], "ACCEPTED"),
    (
        "Initech: observability benchmark with Datadog",
        ["STRONG", "STRONG", "STRONG", "STRONG", "STRONG", "STRONG", "STRONG", "WEAK", "WEAK"],
        "SENT",
    ),
    (
        "Hooli: identity workshop with Okta",
        ["STRONG", "STRONG", "WEAK", "STRONG", "STRONG", "STRONG", "STRONG", "WEAK", "WEAK"],
        "ACCEPTED",
    ),
    (
        "Umbrella: data-sharing pilot",
        ["STRONG", "WEAK", "WEAK", "STRONG", "WEAK", "STRONG", "STRONG", "WEAK", "MISSING"],
        "DECLINED",
    ),
    (
        "Globex: second workload",
        ["STRONG", "WEAK", "WEAK", "WEAK", "WEAK", "STRONG", "WEAK", "WEAK", "MISSING"],
        "CLARIFY",
    ),
    (
        "Initech: cost review",
        ["STRONG", "STRONG", "STRONG", "WEAK", "STRONG", "STRONG", "STRONG", "WEAK", "MISSING"],
        "ACCEPTED",
    ),
    (
        "Hooli: security posture review",
        ["WEAK", "WEAK", "WEAK", "WEAK", "WEAK", "WEAK", "WEAK", "WEAK", "WEAK"],
        "SENT",
    ),
    (
        "Umbrella: partner intro, no offer yet",
        ["STRONG", "WEAK", "WEAK", "WEAK", "MISSING", "MISSING", "MISSING", "MISSING", "MISSING"],
        "DRAFT",
    ),
    ("Globex: idea from the partner summit", ["MISSING"; 9], "DRAFT"),
    (
        "Initech: migration assessment",
        ["STRONG", "STRONG", "WEAK", "STRONG", "WEAK", "STRONG", "WEAK", "MISSING", "MISSING"],
        "DRAFT",
    ),
    (
        "Hooli: renewal expansion",
        ["STRONG", "STRONG", "STRONG", "STRONG", "STRONG", "STRONG", "STRONG", "STRONG", "WEAK"],
        "DRAFT",
    ),
    (
        "Umbrella: conference follow-up",
        ["STRONG", "WEAK", "WEAK", "WEAK", "WEAK", "MISSING", "WEAK", "MISSING", "MISSING"],
        "DRAFT",
    ),
];

struct Session<'a> {
    schema: &'a AppSchema,
    store: &'a Store,
    keys: &'a JwtKeys,
}

impl Session<'_> {
    async fn run(&self, token: Option<&str>, query: &str, variables: Value) -> Result<Value, DemoError> {
        let viewer = match token {
            Some(token) => Viewer::authenticate(self.store.clone(), self.keys, token)
                .await
                .map_err(|e| DemoError(async_graphql::Error::from(e).message))?,
            None => Viewer::anonymous(self.store.clone()),
        };
        let request = async_graphql::Request::new(query).variables(async_graphql::Variables::from_json(variables));
        let response = self.schema.execute(prepare(request, viewer, self.store)).await;
        if let Some(err) = response.errors.first() {
            return Err(DemoError(err.message.clone()));
        }
        response.data.into_json().map_err(|e| DemoError(e.to_string()))
    }
}

/// Loads the demo organization unless it exists; returns who to log in as.
pub async fn load(schema: &AppSchema, store: &Store, keys: &JwtKeys) -> Result<DemoLogins, DemoError> {
    let logins = DemoLogins {
        people: PEOPLE.iter().map(|(role, _, email)| (*role, (*email).to_owned())).collect(),
        password: PASSWORD,
        loaded_now: false,
    };
    let exists = organizations::id_by_slug(store.conn(), SLUG).await.map_err(|e| DemoError(e.to_string()))?;
    if exists.is_some() {
        return Ok(logins);
    }
    let s = Session { schema, store, keys };
    let mut tokens = Vec::new();
    let mut ids = Vec::new();
    for (_, name, email) in PEOPLE {
        let data = s
            .run(
                None,
                "mutation($i: SignUpInput!) { signUp(input: $i) { token viewer { id } } }",
                json!({ "i": { "email": email, "password": PASSWORD, "name": name } }),
            )
            .await?;
        tokens.push(data["signUp"]["token"].as_str().unwrap_or_default().to_owned());
        ids.push(data["signUp"]["viewer"]["id"].as_str().unwrap_or_default().to_owned());
    }
    let (admin, marketer, sam, riley) = (&tokens[0], &tokens[1], &tokens[2], &tokens[3]);
    let org = s
        .run(
            Some(admin),
            "mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) { organization { id } } }",
            json!({ "i": { "name": "Demo Co", "slug": SLUG } }),
        )
        .await?["createOrganization"]["organization"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    // Everyone joins the way real members do: an invitation, accepted with its secret.
    for ((role, _, email), token) in PEOPLE[1..].iter().zip(&tokens[1..]) {
        let invited = s
            .run(
                Some(admin),
                "mutation($i: InviteMemberInput!) { inviteMember(input: $i) { token } }",
                json!({ "i": { "organizationId": org, "email": email, "role": role } }),
            )
            .await?;
        let secret = invited["inviteMember"]["token"].as_str().unwrap_or_default();
        s.run(
            Some(token),
            "mutation($i: AcceptInvitationInput!) { acceptInvitation(input: $i) { membership { role } } }",
            json!({ "i": { "token": secret } }),
        )
        .await?;
    }

    let mut partners = Vec::new();
    for (name, sells, why) in [
        ("Snowflake", "A data cloud", "Runs the warehouse at three of our top accounts"),
        ("Datadog", "Observability", "Their champions sit in the platform teams we sell to"),
        ("Okta", "Identity", "Every security review asks how we integrate with them"),
    ] {
        let data = s
            .run(
                Some(marketer),
                "mutation($i: CreatePartnerInput!) { createPartner(input: $i) { partner { id } } }",
                json!({ "i": { "organizationId": org, "name": name, "sells": sells, "whyTheyMatter": why } }),
            )
            .await?;
        partners.push(data["createPartner"]["partner"]["id"].as_str().unwrap_or_default().to_owned());
    }
    let mut accounts = Vec::new();
    for (name, seller) in [("Globex", &ids[2]), ("Initech", &ids[2]), ("Hooli", &ids[3]), ("Umbrella", &ids[3])] {
        let data = s
            .run(
                Some(marketer),
                "mutation($i: CreateAccountInput!) { createAccount(input: $i) { account { id } } }",
                json!({ "i": { "organizationId": org, "name": name, "sellerId": seller, "onPriorityList": true } }),
            )
            .await?;
        accounts.push(data["createAccount"]["account"]["id"].as_str().unwrap_or_default().to_owned());
    }

    for (i, (title, grades, outcome)) in HANDOFFS.iter().enumerate() {
        let seller = if i % 4 < 2 { sam } else { riley };
        let input = json!({ "i": {
            "organizationId": org, "accountId": accounts[i % 4], "partnerId": partners[i % 3], "title": title,
            "ownerId": ids[1], "nextAction": "Book a 30-minute call with the partner's account lead this week",
            "responseWindowDays": 3, "acceptanceDefinition": "The seller books the call within the window",
            "whyThisAccount": "Named on the seller's priority list for this quarter",
            "whyNow": "Their renewal review starts next month",
            "partnerContext": "The partner already runs a core workload there and has a sponsor",
            "partnerPerson": "Jordan at the partner", "ourPerson": "Pat Marketer",
            "connectingThread": "Met at the partner's customer council",
            "buyerProblem": "\"Month-end close takes nine days and finance is tired of it\"",
            "offerDescription": "A two-hour teardown of their current pipeline", "offerAgreedWithPartner": i % 2 == 0,
            "proof": [{ "label": "Public case study", "url": "https://example.com/case-study" }]
        } });
        let id = s
            .run(
                Some(marketer),
                "mutation($i: CreateHandoffInput!) { createHandoff(input: $i) { handoff { id } } }",
                input,
            )
            .await?["createHandoff"]["handoff"]["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let graded: Vec<Value> =
            Component::ALL.iter().zip(grades).map(|(c, g)| json!({ "component": c.code(), "grade": g })).collect();
        s.run(
            Some(marketer),
            "mutation($i: GradeHandoffInput!) { gradeHandoff(input: $i) { handoff { id } } }",
            json!({ "i": { "handoffId": id, "grades": graded } }),
        )
        .await?;
        if *outcome == "DRAFT" {
            continue;
        }
        s.run(
            Some(marketer),
            "mutation($i: SendHandoffInput!) { sendHandoff(input: $i) { handoff { id } } }",
            json!({ "i": { "handoffId": id } }),
        )
        .await?;
        let answer = match *outcome {
            "ACCEPTED" => json!({ "handoffId": id, "decision": "ACCEPT", "reason": "Booked the call" }),
            "DECLINED" => {
                json!({ "handoffId": id, "decision": "DECLINE", "reason": "No named contact and nothing I can verify", "failedComponents": ["RELATIONSHIP_PATH", "PROOF"] })
            }
            "CLARIFY" => {
                json!({ "handoffId": id, "decision": "REQUEST_CLARIFICATION", "reason": "Who at the partner knows the CFO?" })
            }
            _ => continue,
        };
        s.run(
            Some(seller),
            "mutation($i: RespondToHandoffInput!) { respondToHandoff(input: $i) { handoff { id } } }",
            json!({ "i": answer }),
        )
        .await?;
    }
    Ok(DemoLogins { loaded_now: true, ..logins })
}
