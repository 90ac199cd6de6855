//! Reads the facts behind the trust signals for a span of time, narrowed to one partner or one
//! seller when asked. The formulas are in `domain::trust`.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::handoffs;
use super::trust_records::between;
use super::{StoreError, TenantTx};
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

    let asks = between::<partner_ask::Entity, AskRow>(tx, from, to)
        .await?
        .into_iter()
        .filter(|a| keeps(scope.partner_id, a.partner_id) && keeps(scope.seller_id, Some(a.seller_id)))
        .map(|a| AskFact { asked_at: a.asked_at, brought: a.brought_by_partner_marketing })
        .collect();
    let meetings = between::<partner_meeting::Entity, MeetingRow>(tx, from, to)
        .await?
        .into_iter()
        .filter(|m| keeps(scope.partner_id, Some(m.partner_id)) && keeps(scope.seller_id, Some(m.seller_id)))
        .map(|m| MeetingFact { seller_id: m.seller_id, met_at: m.met_at })
        .collect();
    let mentions = between::<pipeline_mention::Entity, MentionRow>(tx, from, to)
        .await?
        .into_iter()
        .filter(|m| keeps(scope.partner_id, m.partner_id) && keeps(scope.seller_id, Some(m.logged_by)))
        .map(|m| MentionFact { mentioned_at: m.mentioned_at, partner_marketing_present: m.partner_marketing_present })
        .collect();

    let raised: Vec<EscalationRow> = between::<escalation::Entity, _>(tx, from, to).await?;
    // An escalation about a handoff is about that handoff's partner too.
    let handoff_partners = match scope.partner_id {
        Some(_) => {
            let ids: Vec<Uuid> = raised.iter().filter_map(|e| e.handoff_id).collect();
            handoffs::partners_of(tx, &ids).await?.into_iter().collect()
        }
        None => std::collections::HashMap::new(),
    };
    let escalations = raised
        .into_iter()
        .filter(|e| {
            let partner = e.partner_id.or_else(|| e.handoff_id.and_then(|h| handoff_partners.get(&h).copied()));
            keeps(scope.partner_id, partner) && keeps(scope.seller_id, Some(e.logged_by))
        })
        .map(|e| EscalationFact { raised_at: e.raised_at, topic: e.topic.into() })
        .collect();
    Ok(TrustFacts { decisions, asks, mentions, meetings, escalations, scores })
}

// What the signals and the narrowing read of each record: a few columns, not the whole row (a
// partial model selects exactly its fields).

#[derive(DerivePartialModel)]
#[sea_orm(entity = "partner_ask::Entity")]
struct AskRow {
    asked_at: DateTime<Utc>,
    brought_by_partner_marketing: bool,
    partner_id: Option<Uuid>,
    seller_id: Uuid,
}

#[derive(DerivePartialModel)]
#[sea_orm(entity = "partner_meeting::Entity")]
struct MeetingRow {
    met_at: DateTime<Utc>,
    partner_id: Uuid,
    seller_id: Uuid,
}

#[derive(DerivePartialModel)]
#[sea_orm(entity = "pipeline_mention::Entity")]
struct MentionRow {
    mentioned_at: DateTime<Utc>,
    partner_marketing_present: bool,
    partner_id: Option<Uuid>,
    logged_by: Uuid,
}

#[derive(DerivePartialModel)]
#[sea_orm(entity = "escalation::Entity")]
struct EscalationRow {
    raised_at: DateTime<Utc>,
    topic: entity::codes::EscalationTopic,
    partner_id: Option<Uuid>,
    handoff_id: Option<Uuid>,
    logged_by: Uuid,
}
