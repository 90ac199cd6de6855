//! `serve --demo`: two client organizations with two quarters of activity ending now, loaded once
//! through the API itself (so every rule applies to it as to real data). Development mode only.
//!
//! The story is data (`script`); `timeline` plays it. Every step is a GraphQL request whose clock
//! reads the step's time: the request's `Clock` stands in for the schema's, so handoffs are sent,
//! answered and logged at their moment in the past, and steps run in time order, so the send gate,
//! the working agreement's defaults and "brought by partner marketing" see the organization as it
//! was then. What the server always stamps with the system clock (people's accounts, sessions and
//! access tokens, invitations and memberships, the audit log) reads the time of loading.

mod script;
mod timeline;

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveTime, Utc};
use serde_json::{Value, json};

use crate::auth::Viewer;
use crate::auth::jwt::JwtKeys;
use crate::clock::Clock;
use crate::domain::Role;
use async_graphql::Executor;

use crate::graphql::{Api, prepare};
use crate::store::{Store, organizations};
use script::{Ago, OrgPlan};

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

/// The members of the main organization, its ADMIN first, with their role there.
fn logins() -> Vec<(&'static str, String)> {
    let plan = &script::DEMO;
    std::iter::once((plan.admin, Role::Admin))
        .chain(plan.members.iter().copied())
        .filter_map(|(key, role)| Some((role.contract_name(), person(key)?.email.to_owned())))
        .collect()
}

fn person(key: &str) -> Option<&'static script::Person> {
    script::PEOPLE.iter().find(|p| p.key == key)
}

/// Loads the demo organizations unless the main one exists; returns who to log in as.
pub async fn load(schema: &Api, store: &Store, keys: &JwtKeys) -> Result<DemoLogins, DemoError> {
    let logins = DemoLogins { people: logins(), password: PASSWORD, loaded_now: false };
    let exists = organizations::id_by_slug(store.conn(), SLUG).await.map_err(|e| DemoError(e.to_string()))?;
    if exists.is_some() {
        return Ok(logins);
    }
    let today = Utc::now().date_naive().and_time(NaiveTime::MIN).and_utc();
    let mut demo = Demo { session: Session { schema, store, keys }, today, people: HashMap::new() };
    demo.sign_up_everyone(script::DEMO.founded).await?;
    for plan in &script::ORGS {
        let org = demo.found(plan).await?;
        demo.play(org).await?;
    }
    Ok(DemoLogins { loaded_now: true, ..logins })
}

struct Session<'a> {
    schema: &'a Api,
    store: &'a Store,
    keys: &'a JwtKeys,
}

impl Session<'_> {
    /// Executes `query` as the holder of `token`, with the request's clock reading `at`.
    async fn run(
        &self,
        at: DateTime<Utc>,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> Result<Value, DemoError> {
        let viewer = match token {
            Some(token) => Viewer::authenticate(self.store.clone(), self.keys, token)
                .await
                .map_err(|e| DemoError(async_graphql::Error::from(e).message))?,
            None => Viewer::anonymous(self.store.clone()),
        };
        let request = async_graphql::Request::new(query)
            .variables(async_graphql::Variables::from_json(variables))
            .data(Clock::from_fn(move || at));
        let response = self.schema.execute(prepare(request, viewer, self.store)).await;
        if let Some(err) = response.errors.first() {
            return Err(DemoError(err.message.clone()));
        }
        response.data.into_json().map_err(|e| DemoError(e.to_string()))
    }
}

/// A signed-up person: their access token and user ID.
struct Member {
    token: String,
    id: String,
}

struct Demo<'a> {
    session: Session<'a>,
    /// Midnight (UTC) of the day the demo is loaded; the script counts days back from it.
    today: DateTime<Utc>,
    people: HashMap<&'static str, Member>,
}

/// The organization being played, with the IDs the API gave its things.
struct Org {
    plan: &'static OrgPlan,
    id: String,
    partners: HashMap<&'static str, String>,
    accounts: HashMap<&'static str, String>,
    /// By title.
    handoffs: HashMap<&'static str, String>,
    /// The latest version of the working agreement.
    agreement_version: Option<i64>,
    /// Whether a version is agreed: new handoffs then take its response window.
    agreed: bool,
}

const SIGN_UP: &str = "mutation($i: SignUpInput!) { signUp(input: $i) { token viewer { id } } }";
const CREATE_ORGANIZATION: &str =
    "mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) { organization { id } } }";
const INVITE: &str = "mutation($i: InviteMemberInput!) { inviteMember(input: $i) { token } }";
const ACCEPT_INVITATION: &str =
    "mutation($i: AcceptInvitationInput!) { acceptInvitation(input: $i) { membership { role } } }";
const CREATE_PARTNER: &str = "mutation($i: CreatePartnerInput!) { createPartner(input: $i) { partner { id } } }";
const CREATE_ACCOUNT: &str = "mutation($i: CreateAccountInput!) { createAccount(input: $i) { account { id } } }";

/// The string at `path` in a response, e.g. `["signUp", "token"]`.
fn text(data: &Value, path: &[&str]) -> Result<String, DemoError> {
    path.iter()
        .try_fold(data, |v, key| v.get(key))
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| DemoError(format!("the answer has no {}", path.join("."))))
}

impl Demo<'_> {
    fn at(&self, ago: Ago) -> DateTime<Utc> {
        self.today - Duration::days(ago.days) + Duration::hours(ago.hour)
    }

    fn member(&self, key: &str) -> Result<&Member, DemoError> {
        self.people.get(key).ok_or_else(|| DemoError(format!("the script names nobody called {key}")))
    }

    /// Runs `query` with `{ "i": input }` as `who`, at `at`.
    async fn run(&self, at: DateTime<Utc>, who: &str, query: &str, input: Value) -> Result<Value, DemoError> {
        let token = &self.member(who)?.token;
        self.session.run(at, Some(token), query, json!({ "i": input })).await
    }

    async fn sign_up_everyone(&mut self, when: Ago) -> Result<(), DemoError> {
        let at = self.at(when);
        for p in &script::PEOPLE {
            let input = json!({ "i": { "email": p.email, "password": PASSWORD, "name": p.name } });
            let data = self.session.run(at, None, SIGN_UP, input).await?;
            let member =
                Member { token: text(&data, &["signUp", "token"])?, id: text(&data, &["signUp", "viewer", "id"])? };
            self.people.insert(p.key, member);
        }
        Ok(())
    }

    /// Creates the organization; its people join the way real members do (an invitation,
    /// accepted with its secret), then partner marketing adds partners and accounts.
    async fn found(&self, plan: &'static OrgPlan) -> Result<Org, DemoError> {
        let at = self.at(plan.founded);
        let created =
            self.run(at, plan.admin, CREATE_ORGANIZATION, json!({ "name": plan.name, "slug": plan.slug })).await?;
        let id = text(&created, &["createOrganization", "organization", "id"])?;
        for (key, role) in plan.members {
            let email = person(key).map(|p| p.email).unwrap_or_default();
            let input = json!({ "organizationId": id, "email": email, "role": role.contract_name() });
            let invited = self.run(at, plan.admin, INVITE, input).await?;
            let secret = text(&invited, &["inviteMember", "token"])?;
            self.run(at, key, ACCEPT_INVITATION, json!({ "token": secret })).await?;
        }
        let mut org = Org {
            plan,
            id,
            partners: HashMap::new(),
            accounts: HashMap::new(),
            handoffs: HashMap::new(),
            agreement_version: None,
            agreed: false,
        };
        let at = at + Duration::hours(1);
        for p in plan.partners {
            let input = json!({ "organizationId": org.id, "name": p.name, "sells": p.sells, "whyTheyMatter": p.why });
            let data = self.run(at, plan.marketer, CREATE_PARTNER, input).await?;
            org.partners.insert(p.name, text(&data, &["createPartner", "partner", "id"])?);
        }
        for a in plan.accounts {
            let seller = &self.member(a.seller)?.id;
            let input = json!({ "organizationId": org.id, "name": a.name, "sellerId": seller, "onPriorityList": true });
            let data = self.run(at, plan.marketer, CREATE_ACCOUNT, input).await?;
            org.accounts.insert(a.name, text(&data, &["createAccount", "account", "id"])?);
        }
        Ok(org)
    }
}
