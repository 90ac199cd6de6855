//! Reads the facts behind the trust signals for a span of time, narrowed to one partner or one
//! seller when asked. The formulas are in `domain::trust`.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::handoffs::{self, SentHandoff};
use super::trust_records::{between, between_across};
use super::{PortfolioTx, StoreError, TenantTx};
use crate::domain::scorecard::HandoffStatus;
use crate::domain::trust::{AskFact, DecisionFact, EscalationFact, MeetingFact, MentionFact, TrustFacts};
use entity::{escalation, partner_ask, partner_meeting, pipeline_mention};
use sea_orm::DerivePartialModel;

/// Whose behaviour a report covers.
#[derive(Debug, Clone, Copy, Default)]
pub struct TrustScope {
    pub partner_id: Option<Uuid>,
    pub seller_id: Option<Uuid>,
}

fn keeps(filter: Option<Uuid>, value: Option<Uuid>) -> bool {
    filter.is_none() || filter == value
}

/// Six statements (handoffs, asks, meetings, mentions, escalations, and the partners of escalated
/// handoffs when narrowing by partner), whatever the span.
pub async fn load(
    tx: &TenantTx,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    scope: TrustScope,
) -> Result<TrustFacts, StoreError> {
    let sent = handoffs::sent_between(tx, from, to, scope.partner_id, scope.seller_id).await?;
    let records = Records {
        asks: between::<partner_ask::Entity, AskRow>(tx, from, to).await?,
        meetings: between::<partner_meeting::Entity, MeetingRow>(tx, from, to).await?,
        mentions: between::<pipeline_mention::Entity, MentionRow>(tx, from, to).await?,
        escalations: between::<escalation::Entity, EscalationRow>(tx, from, to).await?,
    };
    // An escalation about a handoff is about that handoff's partner too.
    let handoff_partners = match scope.partner_id {
        Some(_) => {
            let ids: Vec<Uuid> = records.escalations.iter().filter_map(|e| e.handoff_id).collect();
            handoffs::partners_of(tx, &ids).await?.into_iter().collect()
        }
        None => HashMap::new(),
    };
    Ok(facts(sent, records, scope, &handoff_partners))
}

/// The facts of `load`, not narrowed, for each of a portfolio's organizations: five statements
/// whatever their number.
pub async fn load_across(
    ptx: &PortfolioTx,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<HashMap<Uuid, TrustFacts>, StoreError> {
    let mut sent = handoffs::sent_across(ptx, from, to).await?;
    let mut asks =
        by_organization(between_across::<partner_ask::Entity, AskRow>(ptx, from, to).await?, |r| r.organization_id);
    let mut meetings =
        by_organization(between_across::<partner_meeting::Entity, MeetingRow>(ptx, from, to).await?, |r| {
            r.organization_id
        });
    let mut mentions =
        by_organization(between_across::<pipeline_mention::Entity, MentionRow>(ptx, from, to).await?, |r| {
            r.organization_id
        });
    let mut escalations =
        by_organization(between_across::<escalation::Entity, EscalationRow>(ptx, from, to).await?, |r| {
            r.organization_id
        });
    let mut all = HashMap::new();
    for id in ptx.organization_ids() {
        let records = Records {
            asks: asks.remove(id).unwrap_or_default(),
            meetings: meetings.remove(id).unwrap_or_default(),
            mentions: mentions.remove(id).unwrap_or_default(),
            escalations: escalations.remove(id).unwrap_or_default(),
        };
        let sent = sent.remove(id).unwrap_or_default();
        all.insert(*id, facts(sent, records, TrustScope::default(), &HashMap::new()));
    }
    Ok(all)
}

fn by_organization<R>(rows: Vec<R>, organization: impl Fn(&R) -> Uuid) -> HashMap<Uuid, Vec<R>> {
    let mut grouped: HashMap<Uuid, Vec<R>> = HashMap::new();
    for row in rows {
        grouped.entry(organization(&row)).or_default().push(row);
    }
    grouped
}

/// One organization's trust records as read.
struct Records {
    asks: Vec<AskRow>,
    meetings: Vec<MeetingRow>,
    mentions: Vec<MentionRow>,
    escalations: Vec<EscalationRow>,
}

/// The facts the signals read, narrowed to `scope`; `handoff_partners` names the partner of each
/// escalated handoff when narrowing by partner.
fn facts(
    sent: Vec<SentHandoff>,
    records: Records,
    scope: TrustScope,
    handoff_partners: &HashMap<Uuid, Uuid>,
) -> TrustFacts {
    let decisions = sent
        .iter()
        .filter_map(|h| {
            Some(DecisionFact {
                sent_at: h.sent_at?,
                respond_by: h.respond_by?,
                decided_at: h.decided_at,
                accepted: HandoffStatus::from(h.status) == HandoffStatus::Accepted,
            })
        })
        .collect();
    let scores = sent.iter().filter_map(|h| Some((h.sent_at?, h.score))).collect();
    let asks = records
        .asks
        .into_iter()
        .filter(|a| keeps(scope.partner_id, a.partner_id) && keeps(scope.seller_id, Some(a.seller_id)))
        .map(|a| AskFact { asked_at: a.asked_at, brought: a.brought_by_partner_marketing })
        .collect();
    let meetings = records
        .meetings
        .into_iter()
        .filter(|m| keeps(scope.partner_id, Some(m.partner_id)) && keeps(scope.seller_id, Some(m.seller_id)))
        .map(|m| MeetingFact { seller_id: m.seller_id, met_at: m.met_at })
        .collect();
    let mentions = records
        .mentions
        .into_iter()
        .filter(|m| keeps(scope.partner_id, m.partner_id) && keeps(scope.seller_id, Some(m.logged_by)))
        .map(|m| MentionFact { mentioned_at: m.mentioned_at, partner_marketing_present: m.partner_marketing_present })
        .collect();
    let escalations = records
        .escalations
        .into_iter()
        .filter(|e| {
            let partner = e.partner_id.or_else(|| e.handoff_id.and_then(|h| handoff_partners.get(&h).copied()));
            keeps(scope.partner_id, partner) && keeps(scope.seller_id, Some(e.logged_by))
        })
        .map(|e| EscalationFact { raised_at: e.raised_at, topic: e.topic.into() })
        .collect();
    TrustFacts { decisions, asks, mentions, meetings, escalations, scores }
}

// What the signals and the narrowing read of each record: a few columns, not the whole row (a
// partial model selects exactly its fields).

#[derive(DerivePartialModel)]
#[sea_orm(entity = "partner_ask::Entity")]
struct AskRow {
    organization_id: Uuid,
    asked_at: DateTime<Utc>,
    brought_by_partner_marketing: bool,
    partner_id: Option<Uuid>,
    seller_id: Uuid,
}

#[derive(DerivePartialModel)]
#[sea_orm(entity = "partner_meeting::Entity")]
struct MeetingRow {
    organization_id: Uuid,
    met_at: DateTime<Utc>,
    partner_id: Uuid,
    seller_id: Uuid,
}

#[derive(DerivePartialModel)]
#[sea_orm(entity = "pipeline_mention::Entity")]
struct MentionRow {
    organization_id: Uuid,
    mentioned_at: DateTime<Utc>,
    partner_marketing_present: bool,
    partner_id: Option<Uuid>,
    logged_by: Uuid,
}

#[derive(DerivePartialModel)]
#[sea_orm(entity = "escalation::Entity")]
struct EscalationRow {
    organization_id: Uuid,
    raised_at: DateTime<Utc>,
    topic: entity::codes::EscalationTopic,
    partner_id: Option<Uuid>,
    handoff_id: Option<Uuid>,
    logged_by: Uuid,
}
