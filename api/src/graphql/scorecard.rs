//! `Organization.scorecard`: the last N handoffs actually sent, not the best ones.

use async_graphql::{Context, ID, Object, SimpleObject};
use uuid::Uuid;

use super::context::{now, store};
use super::handoffs::Handoff;
use super::handoffs::types::PlayTrigger;
use super::ids::{Kind, decode};
use super::inline::Inline;
use super::scoping::read_in;
use super::scorecard_enums::{BandGql, ComponentGql, PlayGql};
use super::users::User;
use crate::domain::Role;
use crate::domain::scorecard::{Component, GradeSet, RulePlay, ScorecardSummary, rule_plays, summarize};
use crate::error::{AppError, AppResult};
use crate::store::{handoff_views, handoffs, working_agreements};

/// A component's average points across the scorecard's handoffs.
#[derive(SimpleObject)]
pub struct ComponentAverage {
    /// The component.
    pub component: ComponentGql,
    /// 0 to 2.
    pub average_points: f64,
}

/// A play that belongs to the organization rather than to a packet, with why it applies.
#[derive(SimpleObject)]
#[graphql(name = "RulePlay")]
pub struct RulePlayGql {
    /// RENEGOTIATE_THE_RULE or SCORE_IN_THE_OPEN.
    pub play: PlayGql,
    /// Why it applies, in a sentence.
    pub reason: String,
}

impl From<RulePlay> for RulePlayGql {
    fn from(r: RulePlay) -> Self {
        Self { play: r.play.into(), reason: r.reason.to_owned() }
    }
}

/// The scorecard over the organization's last sent handoffs.
pub struct Scorecard {
    pub summary: ScorecardSummary,
    pub handoffs: Vec<Handoff>,
    pub rule_plays: Vec<RulePlay>,
}

/// The scorecard over the organization's last sent handoffs.
#[Object]
impl Scorecard {
    /// How many handoffs it covers (0 when none was sent).
    async fn handoff_count(&self) -> i32 {
        self.summary.handoff_count as i32
    }
    /// Average score, 0 to 18; null with no handoffs.
    async fn average_score(&self) -> Option<f64> {
        self.summary.average_score
    }
    /// The band of the average: it must reach a band's lowest score.
    async fn band(&self) -> Option<BandGql> {
        self.summary.band.map(Into::into)
    }
    /// The band's next step.
    async fn band_guidance(&self) -> Option<&'static str> {
        self.summary.band.map(|b| b.guidance())
    }
    /// Per-component average points, in the table's order; empty with no handoffs.
    async fn component_averages(&self) -> Vec<ComponentAverage> {
        let Some(averages) = self.summary.component_averages else { return Vec::new() };
        Component::ALL
            .into_iter()
            .map(|c| ComponentAverage { component: c.into(), average_points: averages[c.index()] })
            .collect()
    }
    /// The two components with the lowest average, weakest first (ties in the table's order).
    async fn weakest_components(&self) -> Vec<ComponentGql> {
        self.summary.weakest.iter().map(|c| (*c).into()).collect()
    }
    /// Plays for the components at their typical (nearest) grade.
    async fn plays(&self) -> Vec<PlayGql> {
        self.summary.plays.iter().map(|t| t.play.into()).collect()
    }
    /// Each play with the components that triggered it.
    async fn play_triggers(&self) -> Vec<PlayTrigger> {
        self.summary.plays.iter().cloned().map(PlayTrigger::from).collect()
    }
    /// The organization's own plays among `plays`, each with its reason.
    async fn rule_plays(&self) -> Vec<RulePlayGql> {
        self.rule_plays.iter().copied().map(Into::into).collect()
    }
    /// The handoffs it covers, newest sent first.
    async fn handoffs(&self) -> &[Handoff] {
        &self.handoffs
    }
    /// Per person who graded the handoffs here (partner marketers, and leaders or admins who
    /// graded): of the handoffs they graded, how many they graded higher than the packet supports
    /// in at least one component (`Handoff.gradeGaps`), highest rate first.
    async fn grade_gaps_by_marketer(&self, ctx: &Context<'_>) -> AppResult<Vec<MarketerGradeGaps>> {
        let mut tally: Vec<MarketerGradeGaps> = Vec::new();
        for handoff in &self.handoffs {
            let view = &handoff.view;
            let gapped = handoff.gap_components(ctx).await?;
            // Each component's current grade is its grader's; a gap is charged to whoever gave it.
            let mut graders: Vec<(Uuid, bool)> = Vec::new();
            for component in Component::ALL {
                let Some(row) = view.current_grade(component) else { continue };
                let gap = gapped.contains(&component);
                match graders.iter_mut().find(|(who, _)| *who == row.graded_by) {
                    Some((_, any)) => *any |= gap,
                    None => graders.push((row.graded_by, gap)),
                }
            }
            for (grader, gap) in graders {
                let entry = match tally.iter_mut().position(|t| t.grader == grader) {
                    Some(i) => &mut tally[i],
                    None => {
                        let person = view.person(Some(grader)).map(|p| Inline(User(p.clone())));
                        tally.push(MarketerGradeGaps { grader, marketer: person, handoffs: 0, gapped: 0 });
                        tally.last_mut().expect("just pushed")
                    }
                };
                entry.handoffs += 1;
                entry.gapped += u32::from(gap);
            }
        }
        tally.sort_by(|a, b| b.rate().total_cmp(&a.rate()));
        Ok(tally)
    }
}

/// How often one person graded a scorecard's handoffs above their packets.
pub struct MarketerGradeGaps {
    grader: Uuid,
    marketer: Option<Inline<User>>,
    handoffs: u32,
    gapped: u32,
}

impl MarketerGradeGaps {
    fn rate(&self) -> f64 {
        f64::from(self.gapped) / f64::from(self.handoffs.max(1))
    }
}

/// How often one person graded a scorecard's handoffs above their packets.
#[Object]
impl MarketerGradeGaps {
    /// The person who graded; null once their account is gone.
    async fn marketer(&self) -> Option<&Inline<User>> {
        self.marketer.as_ref()
    }
    /// The scorecard's handoffs with at least one current grade of theirs.
    async fn handoff_count(&self) -> i32 {
        self.handoffs as i32
    }
    /// Those where they graded at least one component higher than the packet supports.
    async fn handoffs_with_gaps(&self) -> i32 {
        self.gapped as i32
    }
    /// `handoffsWithGaps / handoffCount`, 0 to 1.
    async fn gap_rate(&self) -> f64 {
        self.rate()
    }
}

/// The scorecard of `organization_id` over its last `last_n` sent handoffs (1 to 50).
pub async fn compute(
    ctx: &Context<'_>,
    caller: &crate::auth::Viewer,
    organization_id: Uuid,
    last_n: i32,
    partner_id: Option<ID>,
    marketer_id: Option<ID>,
) -> AppResult<Scorecard> {
    if !(1..=50).contains(&last_n) {
        return Err(AppError::bad_input("lastN", "must be between 1 and 50"));
    }
    let partner_id = partner_id.map(|r| decode(&r, Kind::Partner, "partnerId")).transpose()?;
    let marketer_id = marketer_id.map(|r| decode(&r, Kind::User, "marketerId")).transpose()?;
    let scope = caller.require(organization_id, &Role::ALL).await?;
    let tx = store(ctx).tenant(&scope).await?;
    let rows = handoffs::last_sent(&tx, last_n as u64, partner_id, marketer_id, None).await?;
    let views = handoff_views::load(&tx, rows).await?;
    let context = working_agreements::play_context(&tx, now(ctx)).await?;
    tx.commit().await?;
    let sets: Vec<GradeSet> = views.iter().map(|v| v.grade_set()).collect();
    let summary = summarize(&sets, &context);
    let handoffs = views.into_iter().map(Handoff::new).collect();
    Ok(Scorecard { summary, handoffs, rule_plays: rule_plays(&context) })
}

/// `Organization.rulePlays`: the plays that belong to the organization, each with its reason.
pub async fn organization_rule_plays(ctx: &Context<'_>, organization_id: Uuid) -> AppResult<Vec<RulePlayGql>> {
    let context =
        read_in(ctx, organization_id, &Role::ALL, async |tx| Ok(working_agreements::play_context(tx, now(ctx)).await?))
            .await?;
    Ok(crate::domain::scorecard::rule_plays(&context).into_iter().map(Into::into).collect())
}
