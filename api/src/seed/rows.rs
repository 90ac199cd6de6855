//! One seeded organization's rows, generated in memory and then written in one transaction.

use chrono::{DateTime, Duration, Utc};
use entity::codes::{
    Band as StoredBand, Components, Decision as StoredDecision, EscalationTopic as StoredTopic, Ids, ProofLink,
    ProofLinks, ReviewKind,
};
use entity::{
    account, escalation, handoff, handoff_grade, handoff_response, membership, organization, partner, partner_ask,
    partner_meeting, pipeline_mention, score_review, user, working_agreement,
};
use sea_orm::{ActiveValue::Set, TransactionTrait};
use uuid::Uuid;

use super::Plan;
use super::random::Random;
use crate::domain::Role;
use crate::domain::scorecard::{Component, Grade, GradeSet, HandoffStatus};
use crate::store::trust_records::{Logged, Logger, Record, record_row};
use crate::store::{Store, StoreError, bulk};

const SELLERS: usize = 10;
const PARTNERS: usize = 20;
const HANDOFFS_PER_ACCOUNT: u32 = 20;
const RESPONSE_WINDOW_DAYS: i64 = 3;

pub fn admin_email(slug: &str) -> String {
    format!("admin@{slug}.example")
}

/// How many rows of each kind an organization wrote.
#[derive(Debug, Default)]
pub struct Counts {
    pub people: u64,
    pub handoffs: u64,
    pub grades: u64,
    pub responses: u64,
    pub records: u64,
}

pub struct Organization {
    organization: organization::ActiveModel,
    users: Vec<user::ActiveModel>,
    memberships: Vec<membership::ActiveModel>,
    partners: Vec<partner::ActiveModel>,
    accounts: Vec<account::ActiveModel>,
    handoffs: Vec<handoff::ActiveModel>,
    grades: Vec<handoff_grade::ActiveModel>,
    responses: Vec<handoff_response::ActiveModel>,
    agreement: working_agreement::ActiveModel,
    asks: Vec<partner_ask::ActiveModel>,
    meetings: Vec<partner_meeting::ActiveModel>,
    mentions: Vec<pipeline_mention::ActiveModel>,
    escalations: Vec<escalation::ActiveModel>,
    reviews: Vec<score_review::ActiveModel>,
}

struct Person {
    id: Uuid,
    role: Role,
}

impl Organization {
    /// The `n`th organization of `plan`, its history ending at `now`.
    pub fn generate(plan: Plan, n: u32, now: DateTime<Utc>, password_hash: &str) -> Self {
        let mut random = Random::new(plan.seed, u64::from(n));
        let slug = super::slug(n);
        let year_ago = now - Duration::days(365);
        let founded = year_ago - Duration::days(30);
        let organization_id = random.id(founded);
        let organization = organization::ActiveModel {
            id: Set(organization_id),
            name: Set(format!("Seeded client {n:03}")),
            slug: Set(slug.clone()),
            min_score_to_send: Set(9),
            created_at: Set(founded),
        };

        let mut roles = vec![(Role::Admin, "admin".to_owned()), (Role::SalesLeader, "leader".to_owned())];
        roles.extend((1..=2).map(|i| (Role::PartnerMarketer, format!("marketer{i}"))));
        roles.extend((1..=SELLERS).map(|i| (Role::Seller, format!("seller{i}"))));
        let mut people = Vec::new();
        let (mut users, mut memberships) = (Vec::new(), Vec::new());
        for (role, name) in roles {
            let id = random.id(founded);
            users.push(user::ActiveModel {
                id: Set(id),
                email: Set(format!("{name}@{slug}.example")),
                name: Set(format!("{name} of {slug}")),
                password_hash: Set(password_hash.to_owned()),
                created_at: Set(founded),
                sessions_valid_after: Set(None),
            });
            memberships.push(membership::ActiveModel {
                id: Set(random.id(founded)),
                organization_id: Set(organization_id),
                user_id: Set(id),
                role: Set(role.into()),
                created_at: Set(founded),
            });
            people.push(Person { id, role });
        }
        let with_role = |role: Role| people.iter().filter(|p| p.role == role).map(|p| p.id).collect::<Vec<_>>();
        let (admin, leader) = (with_role(Role::Admin)[0], with_role(Role::SalesLeader)[0]);
        let (marketers, sellers) = (with_role(Role::PartnerMarketer), with_role(Role::Seller));

        let partners: Vec<partner::ActiveModel> = (0..PARTNERS)
            .map(|i| partner::ActiveModel {
                id: Set(random.id(founded)),
                organization_id: Set(organization_id),
                name: Set(format!("Partner {i:02}")),
                sells: Set("data tooling".into()),
                why_they_matter: Set("installed at our target accounts".into()),
                created_at: Set(founded),
                updated_at: Set(founded),
                archived_at: Set(None),
            })
            .collect();
        let partner_ids: Vec<Uuid> = partners.iter().map(|p| *p.id.as_ref()).collect();
        let handoffs = plan.handoffs_of(n);
        let account_count = (handoffs / HANDOFFS_PER_ACCOUNT).max(10) as usize;
        let accounts: Vec<account::ActiveModel> = (0..account_count)
            .map(|i| account::ActiveModel {
                id: Set(random.id(founded)),
                organization_id: Set(organization_id),
                name: Set(format!("Account {i:05}")),
                seller_id: Set(sellers[i % sellers.len()]),
                on_priority_list: Set(i % 3 == 0),
                confirmed_by_sales: Set(i % 2 == 0),
                created_at: Set(founded),
                updated_at: Set(founded),
                archived_at: Set(None),
            })
            .collect();
        let account_sellers: Vec<(Uuid, Uuid)> =
            accounts.iter().map(|a| (*a.id.as_ref(), *a.seller_id.as_ref())).collect();

        let mut seeded = Organization {
            organization,
            users,
            memberships,
            partners,
            accounts,
            handoffs: Vec::new(),
            grades: Vec::new(),
            responses: Vec::new(),
            agreement: agreement(&mut random, organization_id, admin, leader, year_ago),
            asks: Vec::new(),
            meetings: Vec::new(),
            mentions: Vec::new(),
            escalations: Vec::new(),
            reviews: Vec::new(),
        };
        // Created in time order over the year, so ids (UUIDv7) follow creation.
        let step = Duration::seconds(365 * 86_400 / i64::from(handoffs.max(1)));
        for h in 0..handoffs {
            let created = random.within(year_ago + step * h as i32, step);
            let (account_id, seller) = *random.pick(&account_sellers);
            let marketer = *random.pick(&marketers);
            seeded.handoff(&mut random, organization_id, h, created, now, account_id, seller, marketer, &partner_ids);
        }
        seeded.records(
            &mut random,
            organization_id,
            year_ago,
            now,
            &sellers,
            &marketers,
            leader,
            &account_sellers,
            &partner_ids,
        );
        seeded
    }

    #[allow(clippy::too_many_arguments)]
    fn handoff(
        &mut self,
        random: &mut Random,
        organization_id: Uuid,
        n: u32,
        created: DateTime<Utc>,
        now: DateTime<Utc>,
        account_id: Uuid,
        seller: Uuid,
        marketer: Uuid,
        partners: &[Uuid],
    ) {
        let id = random.id(created);
        let graded_at = created + Duration::hours(2);
        let mut pairs = Vec::new();
        for component in Component::ALL {
            let grade = match random.below(100) {
                0..45 => Grade::Strong,
                45..80 => Grade::Weak,
                _ => Grade::Missing,
            };
            pairs.push((component, grade));
            self.grades.push(handoff_grade::ActiveModel {
                id: Set(random.id(graded_at)),
                organization_id: Set(organization_id),
                handoff_id: Set(id),
                component: Set(component.into()),
                grade: Set(grade.into()),
                note: Set(None),
                graded_by: Set(marketer),
                graded_at: Set(graded_at),
            });
        }
        let grades = GradeSet::from_pairs(pairs);
        let sent_at = created + Duration::hours(6 + random.below(72) as i64);
        let sent = grades.score() >= 9 && random.chance(80) && sent_at < now;
        let respond_by = sent_at + Duration::days(RESPONSE_WINDOW_DAYS);
        let mut status = if sent { HandoffStatus::Sent } else { HandoffStatus::Draft };
        let mut decided_at = None;
        if sent && random.chance(80) {
            let answered = random.within(sent_at, Duration::days(RESPONSE_WINDOW_DAYS + 2));
            if answered < now {
                let accept = random.chance(if grades.score() >= 15 { 85 } else { 45 });
                let decision = if accept { StoredDecision::Accept } else { StoredDecision::Decline };
                let failed = if accept { Vec::new() } else { vec![Component::BuyerProblem, Component::Proof] };
                self.responses.push(handoff_response::ActiveModel {
                    id: Set(random.id(answered)),
                    organization_id: Set(organization_id),
                    handoff_id: Set(id),
                    seller_id: Set(seller),
                    decision: Set(decision),
                    reason: Set(Some("Seeded answer".into())),
                    failed_components: Set(Components(failed.into_iter().map(Into::into).collect())),
                    created_at: Set(answered),
                });
                status = if accept { HandoffStatus::Accepted } else { HandoffStatus::Declined };
                decided_at = Some(answered);
            }
        }
        let overdue = status == HandoffStatus::Sent && respond_by < now;
        self.handoffs.push(handoff::ActiveModel {
            id: Set(id),
            organization_id: Set(organization_id),
            account_id: Set(account_id),
            partner_id: Set(*random.pick(partners)),
            seller_id: Set(Some(seller)),
            created_by: Set(marketer),
            title: Set(format!("Seeded handoff {n:06}")),
            status: Set(status.into()),
            score: Set(i16::from(grades.score())),
            band: Set(StoredBand::from(grades.band())),
            why_this_account: Set(Some("On the seller's priority list this quarter".into())),
            why_now: Set(Some("Budget opens next month".into())),
            partner_context: Set(Some("The partner runs their data platform".into())),
            partner_person: Set(Some("Dana at the partner".into())),
            our_person: Set(Some("The account's seller".into())),
            connecting_thread: Set(Some("They worked together on the last rollout".into())),
            buyer_problem: Set(Some("\"Our close takes nine days\"".into())),
            offer_description: Set(Some("A teardown of their close process".into())),
            offer_available_by: Set(None),
            offer_agreed_with_partner: Set(true),
            next_action: Set(Some("Book the teardown call".into())),
            next_action_due_by: Set(None),
            owner_id: Set(Some(marketer)),
            acceptance_definition: Set(Some("The seller books the call".into())),
            response_window_days: Set(Some(RESPONSE_WINDOW_DAYS as i16)),
            proof: Set(ProofLinks(vec![ProofLink {
                label: "Case study".into(),
                url: "https://example.com/case".into(),
            }])),
            sent_at: Set(sent.then_some(sent_at)),
            respond_by: Set(sent.then_some(respond_by)),
            decided_at: Set(decided_at),
            overdue_at: Set(overdue.then_some(respond_by)),
            created_at: Set(created),
            updated_at: Set(decided_at.or(sent.then_some(sent_at)).unwrap_or(graded_at)),
            archived_at: Set(None),
        });
    }

    /// A year of trust records: weekly asks, meetings and mentions per seller's share of the
    /// volume, a few escalations, and a score review a month.
    #[allow(clippy::too_many_arguments)]
    fn records(
        &mut self,
        random: &mut Random,
        organization_id: Uuid,
        from: DateTime<Utc>,
        now: DateTime<Utc>,
        sellers: &[Uuid],
        marketers: &[Uuid],
        leader: Uuid,
        accounts: &[(Uuid, Uuid)],
        partners: &[Uuid],
    ) {
        let volume = (self.handoffs.len() / 25).max(12);
        let year = Duration::days(365);
        for _ in 0..volume {
            let at = random.within(from, year);
            let (account_id, seller) = *random.pick(accounts);
            let mut ask: partner_ask::ActiveModel = record::<partner_ask::Entity>(random, organization_id, seller, at);
            ask.seller_id = Set(seller);
            ask.account_id = Set(Some(account_id));
            ask.account_name = Set(None);
            ask.partner_id = Set(Some(*random.pick(partners)));
            ask.brought_by_partner_marketing = Set(random.chance(60));
            self.asks.push(ask);
            let at = random.within(from, year);
            let mut meeting: partner_meeting::ActiveModel =
                record::<partner_meeting::Entity>(random, organization_id, seller, at);
            meeting.seller_id = Set(seller);
            meeting.account_id = Set(account_id);
            meeting.partner_id = Set(*random.pick(partners));
            meeting.handoff_id = Set(None);
            self.meetings.push(meeting);
            let at = random.within(from, year);
            let mut mention: pipeline_mention::ActiveModel =
                record::<pipeline_mention::Entity>(random, organization_id, leader, at);
            mention.review_kind =
                Set(*random.pick(&[ReviewKind::Forecast, ReviewKind::Pipeline, ReviewKind::DealReview]));
            mention.account_id = Set(Some(account_id));
            mention.partner_id = Set(Some(*random.pick(partners)));
            mention.partner_marketing_present = Set(random.chance(50));
            self.mentions.push(mention);
        }
        for _ in 0..volume / 4 {
            let at = random.within(from, year);
            let topics = [StoredTopic::WhichAccount, StoredTopic::WhichPartner, StoredTopic::WorthReading];
            let seller = *random.pick(sellers);
            let mut raised: escalation::ActiveModel = record::<escalation::Entity>(random, organization_id, seller, at);
            raised.handoff_id = Set(None);
            raised.account_id = Set(Some(random.pick(accounts).0));
            raised.partner_id = Set(None);
            raised.topic = Set(*random.pick(&topics));
            self.escalations.push(raised);
        }
        let mut at = from + Duration::days(15);
        while at < now {
            let mut review: score_review::ActiveModel =
                record::<score_review::Entity>(random, organization_id, leader, at);
            review.attendees = Set(Ids(vec![leader, marketers[0]]));
            self.reviews.push(review);
            at += Duration::days(30);
        }
    }

    /// Writes the organization in one transaction, parents before children.
    pub async fn write(self, store: &Store) -> Result<Counts, StoreError> {
        let counts = Counts {
            people: self.users.len() as u64,
            handoffs: self.handoffs.len() as u64,
            grades: self.grades.len() as u64,
            responses: self.responses.len() as u64,
            records: (self.asks.len()
                + self.meetings.len()
                + self.mentions.len()
                + self.escalations.len()
                + self.reviews.len()) as u64,
        };
        let tx = store.conn().begin().await?;
        bulk::insert_all(&tx, vec![self.organization]).await?;
        bulk::insert_all(&tx, self.users).await?;
        bulk::insert_all(&tx, self.memberships).await?;
        bulk::insert_all(&tx, self.partners).await?;
        bulk::insert_all(&tx, self.accounts).await?;
        bulk::insert_all(&tx, vec![self.agreement]).await?;
        bulk::insert_all(&tx, self.handoffs).await?;
        bulk::insert_all(&tx, self.grades).await?;
        bulk::insert_all(&tx, self.responses).await?;
        bulk::insert_all(&tx, self.asks).await?;
        bulk::insert_all(&tx, self.meetings).await?;
        bulk::insert_all(&tx, self.mentions).await?;
        bulk::insert_all(&tx, self.escalations).await?;
        bulk::insert_all(&tx, self.reviews).await?;
        tx.commit().await?;
        Ok(counts)
    }
}

/// A trust record logged by `by` at `at`, its own columns left to the caller.
fn record<T: Record>(random: &mut Random, organization_id: Uuid, by: Uuid, at: DateTime<Utc>) -> T::ActiveModel {
    let logger = Logger { id: random.id(at), organization_id, user_id: by };
    record_row::<T>(logger, Logged { note: None, at }, at)
}

/// Version 1, signed by both sides at the start of the year.
fn agreement(
    random: &mut Random,
    organization_id: Uuid,
    admin: Uuid,
    leader: Uuid,
    at: DateTime<Utc>,
) -> working_agreement::ActiveModel {
    working_agreement::ActiveModel {
        id: Set(random.id(at)),
        organization_id: Set(organization_id),
        version: Set(1),
        confirmed_account_ids: Set(Ids(Vec::new())),
        required_components: Set(Components(Vec::new())),
        acceptance_definition: Set(Some("The seller books the call".into())),
        response_window_days: Set(Some(RESPONSE_WINDOW_DAYS as i16)),
        min_score_to_send: Set(9),
        influence_language: Set(Some("partner-sourced".into())),
        score_review_cadence_days: Set(Some(30)),
        drafted_by: Set(admin),
        marketing_signed_by: Set(Some(admin)),
        marketing_signed_at: Set(Some(at)),
        sales_signed_by: Set(Some(leader)),
        sales_signed_at: Set(Some(at)),
        agreed_at: Set(Some(at)),
        created_at: Set(at),
    }
}
