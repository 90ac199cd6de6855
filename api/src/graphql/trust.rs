//! `Organization.trustReport` and `Organization.trustSeries`: the six seller-behaviour signals.

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::context::{now, store, viewer};
use super::ids::{Kind, decode};
use crate::domain::access::TRUST_READERS;
use crate::domain::trust::{self as domain, SignalReport, TrustSummary, Window};
use crate::error::{AppError, AppResult};
use crate::store::trust_facts::{self, TrustScope};

/// The six signals that show whether sales trusts partner marketing.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(name = "Signal", remote = "domain::Signal")]
pub enum SignalGql {
    /// Median hours from sent to decision (down is healthy); silence past `respondBy` is the loudest distrust signal.
    ResponseTime,
    /// Accepted ÷ decided-or-overdue handoffs.
    AcceptanceRate,
    /// Asks for partner help on accounts partner marketing did not bring.
    SellerInitiatedAsks,
    /// Partner influence mentioned in forecast and pipeline reviews with partner marketing absent.
    PipelineLanguage,
    /// Of sellers who took a partner meeting, the share who took a second.
    RepeatUsage,
    /// Share of escalations about which account or which partner, not whether handoffs are worth reading.
    EscalationQuality,
}

/// What a signal's movement means for trust.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(name = "Reading", remote = "domain::Reading")]
pub enum ReadingGql {
    /// Moved in the healthy direction by more than 10 %.
    Building,
    /// Moved against the healthy direction by more than 10 %.
    Burning,
    /// Within 10 % of the previous window, or no previous window to compare with.
    Steady,
    /// Fewer events than the signal's minimum sample in this window.
    NotEnoughData,
}

/// The direction of a change between two windows.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(name = "Trend", remote = "domain::Trend")]
pub enum TrendGql {
    /// Rose by more than 10 %.
    Up,
    /// Fell by more than 10 %.
    Down,
    /// Within 10 %.
    Flat,
}

/// The width of a point in a series.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(name = "Bucket", remote = "domain::Bucket")]
pub enum BucketGql {
    /// Calendar weeks from Monday 00:00 UTC.
    Week,
    /// Calendar months (UTC).
    Month,
}

/// One signal over the report's window, with the window before it.
pub struct TrustSignal(pub SignalReport);

/// One signal over the report's window, with the window before it.
#[Object]
impl TrustSignal {
    /// Which signal.
    async fn signal(&self) -> SignalGql {
        self.0.signal.into()
    }
    /// Its value in this window; null without data.
    async fn value(&self) -> Option<f64> {
        self.0.current.value
    }
    /// Its value in the window before; null without data.
    async fn previous_value(&self) -> Option<f64> {
        self.0.previous.value
    }
    /// The direction of the change; null without a value in this window or with the previous window
    /// below the minimum sample.
    async fn trend(&self) -> Option<TrendGql> {
        self.0.trend.map(Into::into)
    }
    /// What the change means for trust.
    async fn reading(&self) -> ReadingGql {
        self.0.reading.into()
    }
    /// How many events this window's value rests on.
    async fn sample_size(&self) -> i32 {
        self.0.current.sample as i32
    }
    /// How many events the previous window's value rests on.
    async fn previous_sample_size(&self) -> i32 {
        self.0.previous.sample as i32
    }
}

/// The trust report: what sellers do with handoffs, this window against the one before.
pub struct TrustReport(pub TrustSummary);

/// The trust report: what sellers do with handoffs, this window against the one before.
#[Object]
impl TrustReport {
    /// Start of the window.
    async fn from(&self) -> DateTime<Utc> {
        self.0.window.start
    }
    /// End of the window (now).
    async fn to(&self) -> DateTime<Utc> {
        self.0.window.end
    }
    /// The six signals, in the contract's order.
    async fn signals(&self) -> Vec<TrustSignal> {
        self.0.signals.iter().copied().map(TrustSignal).collect()
    }
    /// Median hours from sent to decision in this window.
    async fn median_response_hours(&self) -> Option<f64> {
        self.0.signals[0].current.value
    }
    /// Share of handoffs sent in this window, and due, with no decision by `respondBy`.
    async fn silent_share(&self) -> Option<f64> {
        self.0.silent_share.value
    }
    /// Average score of the handoffs sent in this window.
    async fn average_handoff_score(&self) -> Option<f64> {
        self.0.score.value
    }
    /// Average score of the handoffs sent in the window before.
    async fn previous_average_handoff_score(&self) -> Option<f64> {
        self.0.previous_score.value
    }
    /// Direction of the average handoff score.
    async fn handoff_score_trend(&self) -> Option<TrendGql> {
        self.0.score_trend.map(Into::into)
    }
    /// More signals are BUILDING than BURNING.
    async fn trust_improving(&self) -> bool {
        self.0.trust_improving
    }
    /// "Both have to trend up": the handoff score rose and trust is improving.
    async fn both_improving(&self) -> bool {
        self.0.both_improving
    }
}

/// One point of a signal's series.
#[derive(SimpleObject)]
pub struct TrustPoint {
    /// Start of the bucket.
    pub from: DateTime<Utc>,
    /// End of the bucket.
    pub to: DateTime<Utc>,
    /// The signal's value in the bucket; null without data.
    pub value: Option<f64>,
    /// How many events the value rests on.
    pub sample_size: i32,
}

/// Whose behaviour to report on, from the `partnerId` and `sellerId` arguments.
pub fn scope_of(partner_id: Option<ID>, seller_id: Option<ID>) -> AppResult<TrustScope> {
    Ok(TrustScope {
        partner_id: partner_id.map(|r| decode(&r, Kind::Partner, "partnerId")).transpose()?,
        seller_id: seller_id.map(|r| decode(&r, Kind::User, "sellerId")).transpose()?,
    })
}

/// The report for `organization_id` over the last `days` days and the `days` before.
pub async fn report(
    ctx: &Context<'_>,
    caller: &crate::auth::Viewer,
    organization_id: Uuid,
    days: i32,
    partner_id: Option<ID>,
    seller_id: Option<ID>,
) -> AppResult<TrustReport> {
    if !(1..=730).contains(&days) {
        return Err(AppError::bad_input("days", "must be between 1 and 730"));
    }
    let filter = scope_of(partner_id, seller_id)?;
    let scope = caller.require(organization_id, TRUST_READERS).await?;
    let now = now(ctx);
    let window = Window::ending(now, days as u32);
    let tx = store(ctx).tenant(&scope).await?;
    let facts = trust_facts::load(&tx, window.previous().start, window.end, filter).await?;
    tx.commit().await?;
    Ok(TrustReport(domain::summarize_trust(&facts, window, now)))
}

/// A signal's value per calendar bucket in `[from, to)`, for charts.
pub async fn series(
    ctx: &Context<'_>,
    organization_id: Uuid,
    signal: SignalGql,
    bucket: BucketGql,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    filter: TrustScope,
) -> AppResult<Vec<TrustPoint>> {
    let buckets = domain::buckets(from, to, bucket.into())
        .ok_or_else(|| AppError::bad_input("to", "must be after `from`, spanning at most 400 buckets"))?;
    let scope = viewer(ctx).require(organization_id, TRUST_READERS).await?;
    let now = now(ctx);
    let (start, end) = (buckets[0].start, buckets[buckets.len() - 1].end);
    let tx = store(ctx).tenant(&scope).await?;
    let facts = trust_facts::load(&tx, start, end, filter).await?;
    tx.commit().await?;
    Ok(buckets
        .into_iter()
        .map(|w| {
            let value = domain::evaluate(signal.into(), &facts, w, now);
            TrustPoint { from: w.start, to: w.end, value: value.value, sample_size: value.sample as i32 }
        })
        .collect())
}
