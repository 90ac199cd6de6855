//! `Viewer.portfolio`: every organization a person runs as ADMIN or SALES_LEADER, side by side.
//! Their scorecards and trust reports are read together in one read-only transaction, a fixed set
//! of statements whatever the number of organizations (`store::PortfolioTx`).

use std::collections::HashMap;

use async_graphql::{Context, Object};
use uuid::Uuid;

use super::context::{now, store};
use super::handoffs::Handoff;
use super::scorecard::Scorecard;
use super::trust::TrustReport;
use crate::auth::{OrgScope, Viewer};
use crate::domain::Role;
use crate::domain::scorecard::{GradeSet, rule_plays, summarize};
use crate::domain::trust::{Window, summarize_trust};
use crate::error::{AppError, AppResult};
use crate::store::organizations::Organization;
use crate::store::{handoff_views, handoffs, trust_facts, working_agreements};

pub use crate::store::PORTFOLIO_ROLES;
/// The scorecard covers each organization's last this many sent handoffs.
const LAST_SENT: u64 = 3;
/// Organizations read in one set of statements.
const TOGETHER: usize = 500;
/// The trust report covers this many days and the same before.
const TRUST_DAYS: u32 = 90;

/// One organization in a consultant's portfolio.
pub struct PortfolioEntry {
    organization: Organization,
    role: Role,
    scorecard: Option<Scorecard>,
    trust_report: Option<TrustReport>,
}

/// One organization in a consultant's portfolio: its scorecard over the last three handoffs and
/// its trust signals over the last 90 days.
#[Object]
impl PortfolioEntry {
    /// The organization.
    async fn organization(&self) -> super::organizations::Organization {
        super::organizations::Organization(self.organization.clone())
    }
    /// The viewer's role there.
    async fn role(&self) -> super::roles::RoleGql {
        self.role.into()
    }
    /// The scorecard over its last three sent handoffs.
    async fn scorecard(&self) -> AppResult<&Scorecard> {
        self.scorecard.as_ref().ok_or_else(|| not_read("scorecard"))
    }
    /// The trust report over the last 90 days.
    async fn trust_report(&self) -> AppResult<&TrustReport> {
        self.trust_report.as_ref().ok_or_else(|| not_read("trust report"))
    }
}

/// `entries` reads what the query asks for; a field it missed is a defect, not a null.
fn not_read(what: &str) -> AppError {
    AppError::internal(std::io::Error::other(format!("the portfolio's {what} was not read with it")))
}

/// The entries of `organizations` (each with the viewer's role there), read with `viewer`'s
/// rights; the scorecards and trust reports only when the query asks for them.
pub async fn entries(
    ctx: &Context<'_>,
    viewer: &Viewer,
    organizations: Vec<(Organization, Role)>,
) -> AppResult<Vec<PortfolioEntry>> {
    let mut scopes: Vec<OrgScope> = Vec::with_capacity(organizations.len());
    for (organization, _) in &organizations {
        scopes.push(viewer.require(organization.id, &PORTFOLIO_ROLES).await?);
    }
    let asked = ctx.look_ahead();
    let (with_scorecards, with_trust) = (asked.field("scorecard").exists(), asked.field("trustReport").exists());
    let mut read = Read::default();
    if with_scorecards || with_trust {
        // A set of statements per `TOGETHER` organizations: each binds their ids (and their
        // handoffs'), which the databases' limits on bound values cap.
        for chunk in scopes.chunks(TOGETHER) {
            let part = Read::of(ctx, chunk, with_scorecards, with_trust).await?;
            read.scorecards.extend(part.scorecards);
            read.trust_reports.extend(part.trust_reports);
        }
    }
    Ok(organizations
        .into_iter()
        .map(|(organization, role)| PortfolioEntry {
            scorecard: read.scorecards.remove(&organization.id),
            trust_report: read.trust_reports.remove(&organization.id),
            organization,
            role,
        })
        .collect())
}

/// The scorecards and trust reports of a portfolio's organizations.
#[derive(Default)]
struct Read {
    scorecards: HashMap<Uuid, Scorecard>,
    trust_reports: HashMap<Uuid, TrustReport>,
}

impl Read {
    async fn of(ctx: &Context<'_>, scopes: &[OrgScope], with_scorecards: bool, with_trust: bool) -> AppResult<Self> {
        let now = now(ctx);
        let window = Window::ending(now, TRUST_DAYS);
        let tx = store(ctx).portfolio(scopes).await?;
        let (mut views, contexts) = match with_scorecards {
            true => {
                let rows = handoffs::last_sent_across(&tx, LAST_SENT).await?;
                (
                    handoff_views::load_across(&tx, rows).await?,
                    working_agreements::play_contexts_across(&tx, now).await?,
                )
            }
            false => Default::default(),
        };
        let mut facts = match with_trust {
            true => trust_facts::load_across(&tx, window.previous().start, window.end).await?,
            false => HashMap::new(),
        };
        tx.commit().await?;

        let mut read = Self::default();
        for id in scopes.iter().map(OrgScope::organization_id) {
            if let Some(context) = contexts.get(&id) {
                // Newest sent first, as `last_sent_across` returns them.
                let (mine, rest): (Vec<_>, Vec<_>) = views.into_iter().partition(|v| v.row.organization_id == id);
                views = rest;
                let sets: Vec<GradeSet> = mine.iter().map(|v| v.grade_set()).collect();
                let scorecard = Scorecard {
                    summary: summarize(&sets, context),
                    handoffs: mine.into_iter().map(Handoff::new).collect(),
                    rule_plays: rule_plays(context),
                };
                read.scorecards.insert(id, scorecard);
            }
            if let Some(facts) = facts.remove(&id) {
                read.trust_reports.insert(id, TrustReport(summarize_trust(&facts, window, now)));
            }
        }
        Ok(read)
    }
}
