//! The demo's story, as data: who works where, what partner marketing sent and when, how sellers
//! answered, and what else they logged, over the last two quarters.
//!
//! Times are [`Ago`]: whole days before today (UTC) at an hour of the day, so every step lies in
//! the past whenever the demo is loaded. The trust report compares the last 90 days with the 90
//! before; the story keeps every event clear of the boundary between them (1 to 85 days ago for
//! this quarter, 95 to 179 for the one before).
//!
//! `demo` (Demo Co) is the story of trust building. Last quarter its handoffs scored 11.5 on
//! average; sellers answered after a median of 65 hours (twice after the response window closed),
//! accepted half, and escalated partner emails as not worth reading. Sales confirmed its target accounts, both sides signed a
//! working agreement (minimum score 12, owner, next action and acceptance criteria required, three
//! days to answer) and scores are reviewed monthly. This quarter handoffs score 15.4, sellers
//! answer in 16 hours and accept three in four; they ask for partner help on accounts partner
//! marketing never brought, take second partner meetings, name partners in forecast calls without
//! partner marketing in the room, and escalate which account or which partner rather than whether
//! handoffs are worth reading. One handoff is overdue, one awaits a clarification, one is fresh,
//! and five drafts wait in every band.
//!
//! `demo-northwind` (Northwind Traders) is smaller and going the other way: no agreement signed,
//! no score review, weaker handoffs answered later and mostly declined.

use crate::domain::Role;
use crate::domain::scorecard::{Component, Grade};
use crate::domain::trust::EscalationTopic;
use About::{Account, Both, Handoff, Partner};
use AskedAbout::{Known, Named};
use Component::{AcceptanceCriteria, NextAction, Owner, PartnerOffer, Proof, RelationshipPath};
use EscalationTopic::{WhichAccount, WhichPartner, WorthReading};
use MetOn::{After, On};

/// A moment in the demo's past: `days` before today (UTC), at `hour` o'clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ago {
    pub days: i64,
    pub hour: i64,
}

const fn ago(days: i64, hour: i64) -> Ago {
    Ago { days, hour }
}

pub struct Person {
    pub key: &'static str,
    pub name: &'static str,
    pub email: &'static str,
}

/// Everyone in the demo; they all log in with `super::PASSWORD`.
pub const PEOPLE: [Person; 10] = [
    Person { key: "ada", name: "Ada Admin", email: "admin@demo.example" },
    Person { key: "pat", name: "Pat Marketer", email: "marketer@demo.example" },
    Person { key: "sam", name: "Sam Seller", email: "sam@demo.example" },
    Person { key: "riley", name: "Riley Seller", email: "riley@demo.example" },
    Person { key: "morgan", name: "Morgan Seller", email: "morgan@demo.example" },
    Person { key: "lee", name: "Lee Leader", email: "leader@demo.example" },
    Person { key: "noor", name: "Noor Marketer", email: "noor@northwind.example" },
    Person { key: "kit", name: "Kit Seller", email: "kit@northwind.example" },
    Person { key: "jo", name: "Jo Seller", email: "jo@northwind.example" },
    Person { key: "nico", name: "Nico Seller", email: "nico@northwind.example" },
];

pub struct PartnerPlan {
    pub name: &'static str,
    pub sells: &'static str,
    pub why: &'static str,
    /// What the partner offers in its handoffs.
    pub offer: &'static str,
    /// The buyer's problem its handoffs address, in the buyer's words.
    pub problem: &'static str,
}

pub struct AccountPlan {
    pub name: &'static str,
    /// The owning seller's key; handoffs on the account go to them.
    pub seller: &'static str,
}

/// A seller's answer, some hours after the handoff was sent.
pub struct Answer {
    pub after_hours: i64,
    pub decision: &'static str,
    pub reason: &'static str,
    pub failed: &'static [Component],
}

const fn accept(after_hours: i64, reason: &'static str) -> Answer {
    Answer { after_hours, decision: "ACCEPT", reason, failed: &[] }
}

const fn decline(after_hours: i64, reason: &'static str, failed: &'static [Component]) -> Answer {
    Answer { after_hours, decision: "DECLINE", reason, failed }
}

const fn clarify(after_hours: i64, reason: &'static str) -> Answer {
    Answer { after_hours, decision: "REQUEST_CLARIFICATION", reason, failed: &[] }
}

pub enum Fate {
    /// Drafted and graded at `at`, never sent.
    Draft,
    /// Drafted and graded the day before `at`, sent at `at`, then answered.
    Sent(&'static [Answer]),
}

pub struct HandoffPlan {
    pub title: &'static str,
    pub account: &'static str,
    pub partner: &'static str,
    /// In the scorecard's order: target account logic, partner context, relationship path, buyer
    /// problem, partner offer, next action, owner, acceptance criteria, proof.
    pub grades: [Grade; 9],
    pub at: Ago,
    pub fate: Fate,
}

const S: Grade = Grade::Strong;
const W: Grade = Grade::Weak;
const M: Grade = Grade::Missing;

/// A version of the working agreement; `None` carries the field over from the latest version.
#[derive(Clone, Copy)]
pub struct Terms {
    pub required: Option<&'static [Component]>,
    pub acceptance: Option<&'static str>,
    pub window_days: Option<i32>,
    pub minimum_score: Option<i32>,
    pub influence: Option<&'static str>,
    pub cadence_days: Option<i32>,
}

const CARRY_OVER: Terms = Terms {
    required: None,
    acceptance: None,
    window_days: None,
    minimum_score: None,
    influence: None,
    cadence_days: None,
};

pub enum AgreementStep {
    Draft {
        at: Ago,
        by: &'static str,
        terms: Terms,
    },
    /// Signs the latest version, for the signer's side.
    Sign {
        at: Ago,
        by: &'static str,
    },
}

/// Which account an ask is about.
pub enum AskedAbout {
    Known(&'static str),
    /// An account not in the organization yet.
    Named(&'static str),
}

/// Logged by the seller who asked.
pub struct Ask {
    pub at: Ago,
    pub seller: &'static str,
    pub account: AskedAbout,
    pub partner: &'static str,
    pub note: &'static str,
}

const fn ask(at: Ago, seller: &'static str, account: AskedAbout, partner: &'static str, note: &'static str) -> Ask {
    Ask { at, seller, account, partner, note }
}

/// What led to a partner meeting.
pub enum MetOn {
    /// The handoff with this title (its account and partner).
    After(&'static str),
    /// The seller's own initiative, on this account with this partner.
    On(&'static str, &'static str),
}

/// Logged by the seller who met the partner.
pub struct Meeting {
    pub at: Ago,
    pub seller: &'static str,
    pub on: MetOn,
    pub note: &'static str,
}

const fn meet(at: Ago, seller: &'static str, on: MetOn, note: &'static str) -> Meeting {
    Meeting { at, seller, on, note }
}

/// Whether partner marketing was in the room when a partner came up.
const PRESENT: bool = true;
const ABSENT: bool = false;

pub struct Mention {
    pub at: Ago,
    pub by: &'static str,
    pub review: &'static str,
    pub account: &'static str,
    pub partner: &'static str,
    pub marketing_present: bool,
    pub note: &'static str,
}

const fn mention(
    at: Ago,
    by: &'static str,
    review: &'static str,
    account: &'static str,
    partner: &'static str,
    marketing_present: bool,
    note: &'static str,
) -> Mention {
    Mention { at, by, review, account, partner, marketing_present, note }
}

/// What an escalation is about.
pub enum About {
    /// The handoff with this title.
    Handoff(&'static str),
    Account(&'static str),
    Partner(&'static str),
    /// An account and a partner.
    Both(&'static str, &'static str),
}

pub struct Escalation {
    pub at: Ago,
    pub by: &'static str,
    pub topic: EscalationTopic,
    pub about: About,
    pub note: &'static str,
}

const fn escalate(at: Ago, by: &'static str, topic: EscalationTopic, about: About, note: &'static str) -> Escalation {
    Escalation { at, by, topic, about, note }
}

pub struct Review {
    pub at: Ago,
    pub by: &'static str,
    pub attendees: &'static [&'static str],
    pub note: &'static str,
}

const fn review(at: Ago, by: &'static str, attendees: &'static [&'static str], note: &'static str) -> Review {
    Review { at, by, attendees, note }
}

pub struct OrgPlan {
    pub name: &'static str,
    pub slug: &'static str,
    /// Created by `admin`; partners and accounts are added the same day.
    pub founded: Ago,
    pub admin: &'static str,
    /// Builds, grades and sends every handoff.
    pub marketer: &'static str,
    /// Invited by the admin, in this order.
    pub members: &'static [(&'static str, Role)],
    pub partners: &'static [PartnerPlan],
    pub accounts: &'static [AccountPlan],
    /// The response window handoffs carry while no working agreement is agreed.
    pub window_days: i32,
    /// Accounts sales leadership confirms as targets: when, by whom, which.
    pub confirmations: &'static [(Ago, &'static str, &'static str)],
    pub agreement: &'static [AgreementStep],
    pub handoffs: &'static [HandoffPlan],
    pub asks: &'static [Ask],
    pub meetings: &'static [Meeting],
    pub mentions: &'static [Mention],
    pub escalations: &'static [Escalation],
    pub reviews: &'static [Review],
}

const SNOWFLAKE: PartnerPlan = PartnerPlan {
    name: "Snowflake",
    sells: "A data cloud",
    why: "Runs the warehouse at three of our top accounts",
    offer: "A two-hour teardown of their month-end pipeline with a Snowflake architect",
    problem: "\"Month-end close takes nine days and finance is tired of it\"",
};
const DATADOG: PartnerPlan = PartnerPlan {
    name: "Datadog",
    sells: "Observability",
    why: "Their champions sit in the platform teams we sell to",
    offer: "A benchmark of their alerting against three peers, run by Datadog's solutions team",
    problem: "\"We find out about outages from customers on social media\"",
};
const OKTA: PartnerPlan = PartnerPlan {
    name: "Okta",
    sells: "Identity",
    why: "Every security review asks how we integrate with them",
    offer: "A half-day identity workshop with Okta's field engineer",
    problem: "\"Every new tool means another password and another audit finding\"",
};

const DEMO_TEAM: [&str; 5] = ["lee", "pat", "sam", "riley", "morgan"];

pub const DEMO: OrgPlan = OrgPlan {
    name: "Demo Co",
    slug: super::SLUG,
    founded: ago(182, 9),
    admin: "ada",
    marketer: "pat",
    members: &[
        ("pat", Role::PartnerMarketer),
        ("sam", Role::Seller),
        ("riley", Role::Seller),
        ("morgan", Role::Seller),
        ("lee", Role::SalesLeader),
    ],
    partners: &[SNOWFLAKE, DATADOG, OKTA],
    accounts: &[
        AccountPlan { name: "Globex", seller: "sam" },
        AccountPlan { name: "Initech", seller: "sam" },
        AccountPlan { name: "Hooli", seller: "riley" },
        AccountPlan { name: "Umbrella", seller: "riley" },
        AccountPlan { name: "Stark Industries", seller: "morgan" },
        AccountPlan { name: "Wayne Enterprises", seller: "morgan" },
        // Never handed off: asks about it are the seller's own idea.
        AccountPlan { name: "Tyrell Corp", seller: "morgan" },
    ],
    window_days: 5,
    confirmations: &[
        (ago(104, 10), "lee", "Globex"),
        (ago(104, 10), "lee", "Initech"),
        (ago(104, 10), "lee", "Hooli"),
        (ago(104, 10), "lee", "Stark Industries"),
        (ago(104, 10), "lee", "Wayne Enterprises"),
    ],
    agreement: &[
        AgreementStep::Draft {
            at: ago(102, 15),
            by: "pat",
            terms: Terms {
                required: Some(&[Owner, AcceptanceCriteria]),
                acceptance: Some("The seller books a call with the partner's named contact within the response window"),
                window_days: Some(3),
                minimum_score: Some(12),
                influence: Some(
                    "Name the partner in the opportunity's Partner field: Sourced when they brought the deal, Influenced when they moved it",
                ),
                cadence_days: Some(30),
            },
        },
        // Sales wants the ask itself named before a handoff goes out.
        AgreementStep::Draft {
            at: ago(100, 11),
            by: "lee",
            terms: Terms { required: Some(&[NextAction, Owner, AcceptanceCriteria]), ..CARRY_OVER },
        },
        AgreementStep::Sign { at: ago(99, 16), by: "pat" },
        AgreementStep::Sign { at: ago(97, 10), by: "lee" },
    ],
    handoffs: &[
        // Last quarter: no agreement, five days to answer; 11.5 on average, half accepted,
        // answers after a median of 65 hours, two after the window closed.
        HandoffPlan {
            title: "Globex: warehouse cost review with Snowflake",
            account: "Globex",
            partner: "Snowflake",
            grades: [S, W, W, S, W, S, W, M, M],
            at: ago(172, 10),
            fate: Fate::Sent(&[accept(70, "Worth a call, once I found who at Snowflake to ask")]),
        },
        HandoffPlan {
            title: "Hooli: identity workshop with Okta",
            account: "Hooli",
            partner: "Okta",
            grades: [S, W, M, S, W, S, W, M, M],
            at: ago(165, 9),
            fate: Fate::Sent(&[decline(
                96,
                "No named contact at Okta and nothing I can verify",
                &[RelationshipPath, Proof],
            )]),
        },
        HandoffPlan {
            title: "Stark: observability benchmark with Datadog",
            account: "Stark Industries",
            partner: "Datadog",
            grades: [S, W, W, S, W, S, W, W, M],
            at: ago(158, 14),
            fate: Fate::Sent(&[accept(150, "Sorry for the silence: yes, their platform lead wants this")]),
        },
        HandoffPlan {
            title: "Initech: monitoring consolidation",
            account: "Initech",
            partner: "Datadog",
            grades: [S, S, W, S, W, S, W, W, M],
            at: ago(150, 9),
            fate: Fate::Sent(&[
                clarify(20, "Which Datadog rep covers Initech?"),
                decline(52, "Initech renewed their incumbent last month", &[]),
            ]),
        },
        HandoffPlan {
            title: "Umbrella: data-sharing pilot with Snowflake",
            account: "Umbrella",
            partner: "Snowflake",
            grades: [S, W, W, S, W, S, W, M, M],
            at: ago(142, 11),
            fate: Fate::Sent(&[decline(170, "Not now", &[])]),
        },
        HandoffPlan {
            title: "Wayne: SSO rollout with Okta",
            account: "Wayne Enterprises",
            partner: "Okta",
            grades: [S, S, W, S, S, S, W, W, M],
            at: ago(133, 9),
            fate: Fate::Sent(&[accept(40, "Their CISO asked about Okta last week")]),
        },
        HandoffPlan {
            title: "Globex: second workload",
            account: "Globex",
            partner: "Snowflake",
            grades: [S, S, W, W, W, S, W, W, M],
            at: ago(124, 10),
            fate: Fate::Sent(&[accept(60, "Booked, with the same Snowflake architect")]),
        },
        HandoffPlan {
            title: "Hooli: security posture review",
            account: "Hooli",
            partner: "Okta",
            grades: [S, S, W, S, W, S, W, W, M],
            at: ago(115, 13),
            fate: Fate::Sent(&[decline(
                75,
                "The offer is a webinar invitation, not something for Hooli",
                &[PartnerOffer],
            )]),
        },
        HandoffPlan {
            title: "Stark: cost review with Snowflake",
            account: "Stark Industries",
            partner: "Snowflake",
            grades: [S, S, S, S, W, S, S, W, M],
            at: ago(106, 9),
            fate: Fate::Sent(&[accept(30, "Booked the cost review")]),
        },
        HandoffPlan {
            title: "Initech: log pipeline teardown with Datadog",
            account: "Initech",
            partner: "Datadog",
            grades: [S, S, W, S, S, S, W, W, M],
            at: ago(98, 10),
            fate: Fate::Sent(&[decline(48, "Timing: they are in the middle of a reorganization", &[])]),
        },
        // This quarter, under the agreement (minimum 12, three days to answer): 15.4 on
        // average, three in four accepted, answers after a median of 16 hours.
        HandoffPlan {
            title: "Globex: close-time teardown with Snowflake",
            account: "Globex",
            partner: "Snowflake",
            grades: [S, S, S, S, S, S, W, W, W],
            at: ago(84, 9),
            fate: Fate::Sent(&[accept(20, "Booked the teardown with Jordan at Snowflake")]),
        },
        HandoffPlan {
            title: "Hooli: identity workshop, take two",
            account: "Hooli",
            partner: "Okta",
            grades: [S, S, W, S, S, S, W, W, W],
            at: ago(77, 10),
            fate: Fate::Sent(&[accept(26, "A named Okta engineer this time: booked")]),
        },
        HandoffPlan {
            title: "Stark: scoped observability benchmark",
            account: "Stark Industries",
            partner: "Datadog",
            grades: [S, S, S, S, S, S, S, W, W],
            at: ago(70, 9),
            fate: Fate::Sent(&[accept(8, "Their platform lead said yes within the hour")]),
        },
        HandoffPlan {
            title: "Umbrella: data-sharing pilot",
            account: "Umbrella",
            partner: "Snowflake",
            grades: [S, S, W, S, S, S, W, W, M],
            at: ago(63, 11),
            fate: Fate::Sent(&[decline(
                30,
                "No named contact at Snowflake for Umbrella, and the case study is from another industry",
                &[RelationshipPath, Proof],
            )]),
        },
        HandoffPlan {
            title: "Initech: cost review with Snowflake",
            account: "Initech",
            partner: "Snowflake",
            grades: [S, S, S, S, S, S, S, S, W],
            at: ago(56, 9),
            fate: Fate::Sent(&[accept(5, "Booked the call")]),
        },
        HandoffPlan {
            title: "Wayne: identity consolidation with Okta",
            account: "Wayne Enterprises",
            partner: "Okta",
            grades: [S, S, W, S, W, S, S, W, S],
            at: ago(49, 14),
            fate: Fate::Sent(&[accept(12, "Booked the workshop for their IT leads")]),
        },
        HandoffPlan {
            title: "Globex: Snowflake migration briefing",
            account: "Globex",
            partner: "Snowflake",
            grades: [S; 9],
            at: ago(42, 9),
            fate: Fate::Sent(&[accept(4, "Best packet yet: booked")]),
        },
        HandoffPlan {
            title: "Hooli: security posture review with Okta",
            account: "Hooli",
            partner: "Okta",
            grades: [S, S, W, S, W, S, S, W, W],
            at: ago(35, 10),
            fate: Fate::Sent(&[
                clarify(6, "Who at Okta owns the Hooli relationship?"),
                accept(22, "Thanks: booked with their account lead"),
            ]),
        },
        HandoffPlan {
            title: "Stark: Datadog APM pilot",
            account: "Stark Industries",
            partner: "Datadog",
            grades: [S, S, S, S, S, S, S, W, W],
            at: ago(28, 9),
            fate: Fate::Sent(&[decline(18, "Stark's platform team is already trialing it through Datadog's rep", &[])]),
        },
        HandoffPlan {
            title: "Initech: log pipeline teardown, revisited",
            account: "Initech",
            partner: "Datadog",
            grades: [S, S, S, S, S, S, S, S, W],
            at: ago(21, 11),
            fate: Fate::Sent(&[accept(10, "The reorganization is done: booked")]),
        },
        HandoffPlan {
            title: "Umbrella: data clean-room workshop with Snowflake",
            account: "Umbrella",
            partner: "Snowflake",
            grades: [S, S, S, S, W, S, S, W, W],
            at: ago(14, 9),
            fate: Fate::Sent(&[accept(16, "Booked")]),
        },
        // Silence: past its respond-by date, no decision.
        HandoffPlan {
            title: "Wayne: Okta access review",
            account: "Wayne Enterprises",
            partner: "Okta",
            grades: [S, S, W, S, S, S, S, W, M],
            at: ago(6, 10),
            fate: Fate::Sent(&[]),
        },
        HandoffPlan {
            title: "Globex: second workload with Snowflake",
            account: "Globex",
            partner: "Snowflake",
            grades: [S, S, S, S, W, S, S, S, W],
            at: ago(2, 9),
            fate: Fate::Sent(&[clarify(5, "Is the offer the teardown from the spring, or a new one?")]),
        },
        HandoffPlan {
            title: "Initech: observability benchmark with Datadog",
            account: "Initech",
            partner: "Datadog",
            grades: [S, S, S, S, S, S, S, W, W],
            at: ago(1, 10),
            fate: Fate::Sent(&[]),
        },
        // Drafts in every band.
        HandoffPlan {
            title: "Hooli: renewal expansion",
            account: "Hooli",
            partner: "Okta",
            grades: [S, S, S, S, S, S, S, S, W],
            at: ago(3, 15),
            fate: Fate::Draft,
        },
        HandoffPlan {
            title: "Initech: migration assessment",
            account: "Initech",
            partner: "Snowflake",
            grades: [S, S, W, S, W, S, W, M, M],
            at: ago(5, 11),
            fate: Fate::Draft,
        },
        HandoffPlan {
            title: "Umbrella: partner intro, no offer yet",
            account: "Umbrella",
            partner: "Datadog",
            grades: [S, W, W, W, M, M, M, M, M],
            at: ago(4, 10),
            fate: Fate::Draft,
        },
        HandoffPlan {
            title: "Globex: idea from the partner summit",
            account: "Globex",
            partner: "Datadog",
            grades: [M; 9],
            at: ago(8, 16),
            fate: Fate::Draft,
        },
        HandoffPlan {
            title: "Wayne: conference follow-up",
            account: "Wayne Enterprises",
            partner: "Okta",
            grades: [S, W, W, W, W, M, W, M, M],
            at: ago(2, 14),
            fate: Fate::Draft,
        },
    ],
    // Asks on accounts partner marketing had not brought: one of three last quarter, five of six now.
    asks: &[
        ask(ago(161, 11), "sam", Known("Globex"), "Snowflake", "Follow-up on the cost review"),
        ask(ago(128, 15), "riley", Known("Hooli"), "Okta", "They asked about SSO again"),
        ask(ago(110, 10), "morgan", Named("Cyberdyne"), "Datadog", "Their SRE lead mentioned Datadog"),
        ask(ago(80, 14), "sam", Named("Soylent"), "Snowflake", "New logo: their data team runs on Snowflake"),
        ask(ago(66, 9), "morgan", Known("Tyrell Corp"), "Datadog", "Could Datadog benchmark them like Stark?"),
        ask(ago(52, 16), "riley", Known("Hooli"), "Okta", "A second workshop, for the app teams"),
        ask(ago(33, 11), "sam", Named("Massive Dynamic"), "Okta", "Security review next month"),
        ask(ago(19, 10), "morgan", Known("Tyrell Corp"), "Snowflake", "Their CFO wants a faster close too"),
        ask(ago(9, 13), "riley", Named("Vandelay Industries"), "Datadog", "Met their platform lead at a meetup"),
    ],
    // Sellers with a second partner meeting: one of three last quarter, all three now.
    meetings: &[
        meet(ago(168, 14), "sam", After("Globex: warehouse cost review with Snowflake"), "Intro call"),
        meet(ago(140, 10), "riley", On("Hooli", "Okta"), "Met their account lead at the summit"),
        meet(ago(130, 15), "morgan", After("Wayne: SSO rollout with Okta"), "SSO scoping"),
        meet(ago(120, 11), "sam", After("Globex: second workload"), "Second workload scoping"),
        meet(ago(82, 10), "sam", After("Globex: close-time teardown with Snowflake"), "The teardown"),
        meet(ago(75, 14), "riley", After("Hooli: identity workshop, take two"), "Workshop prep"),
        meet(ago(68, 9), "morgan", After("Stark: scoped observability benchmark"), "Benchmark kickoff"),
        meet(ago(54, 15), "sam", After("Initech: cost review with Snowflake"), "Cost review"),
        meet(ago(47, 10), "morgan", After("Wayne: identity consolidation with Okta"), "Workshop"),
        meet(ago(40, 11), "sam", After("Globex: Snowflake migration briefing"), "Migration briefing"),
        meet(ago(12, 16), "riley", After("Umbrella: data clean-room workshop with Snowflake"), "Workshop"),
    ],
    // Partners named with partner marketing absent: one of three last quarter, four of five now.
    mentions: &[
        mention(ago(150, 16), "lee", "PIPELINE", "Globex", "Snowflake", PRESENT, "Pat walked us through it"),
        mention(ago(125, 16), "lee", "FORECAST", "Wayne Enterprises", "Okta", PRESENT, ""),
        mention(ago(108, 10), "sam", "DEAL_REVIEW", "Stark Industries", "Snowflake", ABSENT, ""),
        mention(ago(80, 16), "lee", "FORECAST", "Globex", "Snowflake", ABSENT, "Sam called it Snowflake-influenced"),
        mention(ago(60, 11), "riley", "DEAL_REVIEW", "Hooli", "Okta", ABSENT, ""),
        mention(ago(45, 16), "lee", "PIPELINE", "Initech", "Snowflake", PRESENT, ""),
        mention(ago(30, 10), "morgan", "DEAL_REVIEW", "Wayne Enterprises", "Okta", ABSENT, ""),
        mention(
            ago(16, 16),
            "lee",
            "FORECAST",
            "Umbrella",
            "Snowflake",
            ABSENT,
            "Partner-sourced, in the agreed words",
        ),
    ],
    // Which account or which partner, not whether handoffs are worth reading: one in four last
    // quarter, three in four now.
    escalations: &[
        escalate(
            ago(163, 10),
            "riley",
            WorthReading,
            Handoff("Hooli: identity workshop with Okta"),
            "No named contact",
        ),
        escalate(ago(145, 15), "sam", WorthReading, Partner("Snowflake"), "Partner emails read like newsletters"),
        escalate(
            ago(137, 9),
            "morgan",
            WhichAccount,
            Handoff("Stark: observability benchmark with Datadog"),
            "Wrong team",
        ),
        escalate(ago(118, 14), "lee", WorthReading, Partner("Datadog"), "Sellers archive partner handoffs unread"),
        escalate(
            ago(74, 11),
            "morgan",
            WhichPartner,
            Both("Stark Industries", "Snowflake"),
            "Datadog fits Stark better",
        ),
        escalate(ago(58, 15), "riley", WhichAccount, Account("Umbrella"), "Their data team reports into the parent"),
        escalate(ago(38, 10), "sam", WhichPartner, Both("Initech", "Okta"), "Initech runs another identity provider"),
        escalate(
            ago(25, 14),
            "riley",
            WorthReading,
            Handoff("Umbrella: data-sharing pilot"),
            "No named contact, again",
        ),
    ],
    reviews: &[
        review(ago(95, 15), "lee", &DEMO_TEAM, "First review under the agreement: last quarter averaged 11.5"),
        review(ago(66, 15), "lee", &DEMO_TEAM, "Scores up; relationship path is still the weakest component"),
        review(ago(37, 15), "lee", &DEMO_TEAM, "The first 18/18 handoff"),
        review(ago(9, 15), "lee", &DEMO_TEAM, "Proof is the weakest component now"),
    ],
};

/// The demo ADMIN and sales leader belong here too, so their portfolio compares two clients.
pub const NORTHWIND: OrgPlan = OrgPlan {
    name: "Northwind Traders",
    slug: "demo-northwind",
    founded: ago(150, 10),
    admin: "ada",
    marketer: "noor",
    members: &[
        ("noor", Role::PartnerMarketer),
        ("kit", Role::Seller),
        ("jo", Role::Seller),
        ("nico", Role::Seller),
        ("lee", Role::SalesLeader),
    ],
    partners: &[
        PartnerPlan {
            name: "HubSpot",
            sells: "Marketing automation",
            why: "Most of our mid-market accounts run their campaigns on it",
            offer: "A campaign audit with a HubSpot solutions partner",
            problem: "\"Our leads go cold before sales ever sees them\"",
        },
        PartnerPlan {
            name: "Twilio",
            sells: "Customer messaging",
            why: "Their contact-centre buyers are ours",
            offer: "A contact-centre teardown",
            problem: "\"Customers wait twenty minutes on hold\"",
        },
    ],
    accounts: &[
        AccountPlan { name: "Contoso", seller: "kit" },
        AccountPlan { name: "Fabrikam", seller: "jo" },
        AccountPlan { name: "Tailspin Toys", seller: "nico" },
    ],
    window_days: 5,
    confirmations: &[],
    // A draft nobody signed.
    agreement: &[AgreementStep::Draft {
        at: ago(40, 11),
        by: "noor",
        terms: Terms { acceptance: Some("The seller replies within the week"), window_days: Some(5), ..CARRY_OVER },
    }],
    handoffs: &[
        HandoffPlan {
            title: "Contoso: HubSpot campaign audit",
            account: "Contoso",
            partner: "HubSpot",
            grades: [S, S, W, S, W, S, W, W, M],
            at: ago(140, 10),
            fate: Fate::Sent(&[accept(30, "Booked")]),
        },
        HandoffPlan {
            title: "Fabrikam: Twilio messaging pilot",
            account: "Fabrikam",
            partner: "Twilio",
            grades: [S, W, W, S, W, S, W, W, M],
            at: ago(128, 9),
            fate: Fate::Sent(&[accept(44, "Worth a try")]),
        },
        HandoffPlan {
            title: "Tailspin: HubSpot onboarding review",
            account: "Tailspin Toys",
            partner: "HubSpot",
            grades: [S, S, W, S, S, S, W, W, M],
            at: ago(112, 11),
            fate: Fate::Sent(&[decline(20, "Budget frozen until next quarter", &[])]),
        },
        HandoffPlan {
            title: "Contoso: Twilio contact-centre teardown",
            account: "Contoso",
            partner: "Twilio",
            grades: [S, W, W, W, W, S, W, W, M],
            at: ago(80, 10),
            fate: Fate::Sent(&[decline(
                150,
                "Nobody at Twilio knows Contoso, and Twilio never agreed to the teardown",
                &[RelationshipPath, PartnerOffer],
            )]),
        },
        HandoffPlan {
            title: "Fabrikam: HubSpot ABM pilot",
            account: "Fabrikam",
            partner: "HubSpot",
            grades: [S, W, M, S, W, S, W, W, M],
            at: ago(60, 9),
            fate: Fate::Sent(&[accept(130, "Late, but yes")]),
        },
        HandoffPlan {
            title: "Tailspin: Twilio SMS notifications",
            account: "Tailspin Toys",
            partner: "Twilio",
            grades: [S, W, W, S, W, S, W, W, M],
            at: ago(45, 14),
            fate: Fate::Sent(&[decline(100, "Nothing I could check", &[Proof])]),
        },
        HandoffPlan {
            title: "Contoso: HubSpot renewal add-on",
            account: "Contoso",
            partner: "HubSpot",
            grades: [S, W, W, W, W, S, W, W, M],
            at: ago(20, 10),
            fate: Fate::Sent(&[decline(90, "Not a priority for Contoso", &[])]),
        },
        HandoffPlan {
            title: "Fabrikam: partner summit leads",
            account: "Fabrikam",
            partner: "HubSpot",
            grades: [M; 9],
            at: ago(3, 10),
            fate: Fate::Draft,
        },
        HandoffPlan {
            title: "Tailspin: co-marketing webinar",
            account: "Tailspin Toys",
            partner: "Twilio",
            grades: [S, W, W, W, W, W, W, W, W],
            at: ago(6, 10),
            fate: Fate::Draft,
        },
    ],
    asks: &[],
    meetings: &[meet(ago(125, 14), "kit", After("Contoso: HubSpot campaign audit"), "Campaign audit")],
    mentions: &[mention(ago(55, 16), "lee", "FORECAST", "Contoso", "Twilio", PRESENT, "Noor asked for it to be noted")],
    escalations: &[
        escalate(
            ago(50, 10),
            "kit",
            WorthReading,
            Handoff("Contoso: Twilio contact-centre teardown"),
            "Who checks these?",
        ),
        escalate(ago(30, 15), "nico", WorthReading, Partner("Twilio"), "Twilio handoffs never carry proof"),
    ],
    reviews: &[],
};

/// The organizations, the main one first.
pub const ORGS: [OrgPlan; 2] = [DEMO, NORTHWIND];

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::domain::scorecard::GradeSet;

    /// Hours from the event to today's midnight (UTC): positive means in the past.
    fn hours_before_today(at: Ago) -> i64 {
        at.days * 24 - at.hour
    }

    /// When each handoff was sent, by title, in hours before today.
    fn sent(org: &OrgPlan) -> HashMap<&'static str, i64> {
        org.handoffs
            .iter()
            .filter(|h| matches!(h.fate, Fate::Sent(_)))
            .map(|h| (h.title, hours_before_today(h.at)))
            .collect()
    }

    /// Every dated step of an organization, but answers.
    fn moments(org: &OrgPlan) -> Vec<Ago> {
        let agreement = org.agreement.iter().map(|s| match s {
            AgreementStep::Draft { at, .. } | AgreementStep::Sign { at, .. } => *at,
        });
        org.handoffs
            .iter()
            .map(|h| h.at)
            .chain(org.confirmations.iter().map(|c| c.0))
            .chain(agreement)
            .chain(org.asks.iter().map(|a| a.at))
            .chain(org.meetings.iter().map(|m| m.at))
            .chain(org.mentions.iter().map(|m| m.at))
            .chain(org.escalations.iter().map(|e| e.at))
            .chain(org.reviews.iter().map(|r| r.at))
            .collect()
    }

    #[test]
    fn every_step_lies_in_one_window_and_in_the_past() {
        for org in &ORGS {
            for at in moments(org) {
                assert!((0..24).contains(&at.hour), "{}: {at:?}", org.slug);
                assert!((1..=85).contains(&at.days) || (95..=179).contains(&at.days), "{}: {at:?}", org.slug);
                // Drafted the day before sending, after the founding.
                assert!(at.days + 1 < org.founded.days, "{}: {at:?}", org.slug);
            }
            for h in org.handoffs {
                if let Fate::Sent(answers) = &h.fate {
                    let hours: Vec<i64> = answers.iter().map(|a| a.after_hours).collect();
                    assert!(hours.is_sorted() && hours.iter().all(|h| *h > 0), "{}", h.title);
                    assert!(hours.iter().all(|a| *a < hours_before_today(h.at)), "{}: answered in the future", h.title);
                    // Clarifications first, then at most one final answer.
                    let finals: Vec<usize> =
                        (0..answers.len()).filter(|i| answers[*i].decision != "REQUEST_CLARIFICATION").collect();
                    assert!(finals.iter().all(|i| *i + 1 == answers.len()), "{}", h.title);
                }
            }
        }
    }

    #[test]
    fn every_name_refers_to_something_in_its_organization() {
        let people: Vec<&str> = PEOPLE.iter().map(|p| p.key).collect();
        for org in &ORGS {
            let members: Vec<&str> = std::iter::once(org.admin).chain(org.members.iter().map(|m| m.0)).collect();
            assert!(members.iter().all(|m| people.contains(m)), "{}", org.slug);
            let role = |key: &str| org.members.iter().find(|m| m.0 == key).map(|m| m.1);
            let accounts: Vec<&str> = org.accounts.iter().map(|a| a.name).collect();
            let partners: Vec<&str> = org.partners.iter().map(|p| p.name).collect();
            assert!(org.accounts.iter().all(|a| role(a.seller) == Some(Role::Seller)), "{}", org.slug);
            assert_eq!(role(org.marketer), Some(Role::PartnerMarketer));
            let mut titles: Vec<&str> = org.handoffs.iter().map(|h| h.title).collect();
            titles.sort_unstable();
            titles.dedup();
            assert_eq!(titles.len(), org.handoffs.len(), "{}: titles repeat", org.slug);
            for h in org.handoffs {
                assert!(accounts.contains(&h.account) && partners.contains(&h.partner), "{}", h.title);
            }
            // A record names a handoff only after it was sent.
            let sent = sent(org);
            let after_sending = |title: &str, at: Ago| sent.get(title).is_some_and(|s| *s > hours_before_today(at));
            for a in org.asks {
                assert_eq!(role(a.seller), Some(Role::Seller));
                assert!(partners.contains(&a.partner));
                if let AskedAbout::Known(name) = a.account {
                    assert!(accounts.contains(&name), "{name}");
                }
            }
            for m in org.meetings {
                assert_eq!(role(m.seller), Some(Role::Seller));
                match m.on {
                    After(title) => assert!(after_sending(title, m.at), "{title}"),
                    On(account, partner) => assert!(accounts.contains(&account) && partners.contains(&partner)),
                }
            }
            for m in org.mentions {
                assert!(members.contains(&m.by) && accounts.contains(&m.account) && partners.contains(&m.partner));
            }
            for e in org.escalations {
                assert!(members.contains(&e.by));
                match e.about {
                    Handoff(title) => assert!(after_sending(title, e.at), "{title}"),
                    Account(account) => assert!(accounts.contains(&account)),
                    Partner(partner) => assert!(partners.contains(&partner)),
                    Both(account, partner) => assert!(accounts.contains(&account) && partners.contains(&partner)),
                }
            }
            for r in org.reviews {
                assert_eq!(role(r.by), Some(Role::SalesLeader));
                assert!(r.attendees.iter().all(|a| members.contains(a)));
            }
            for (_, by, account) in org.confirmations {
                assert_eq!(role(by), Some(Role::SalesLeader));
                assert!(accounts.contains(account));
            }
        }
    }

    #[test]
    fn what_the_agreement_requires_every_later_handoff_has() {
        // Agreed 97 days ago: minimum 12; next action, owner and acceptance criteria present.
        for h in DEMO.handoffs.iter().filter(|h| h.at.days < 97 && matches!(h.fate, Fate::Sent(_))) {
            let grades = GradeSet::new(h.grades);
            assert!(grades.score() >= 12, "{}", h.title);
            for c in [NextAction, Owner, AcceptanceCriteria] {
                assert_ne!(grades.get(c), Grade::Missing, "{}", h.title);
            }
        }
        // Before it, the organization's minimum of 9.
        for org in &ORGS {
            for h in org.handoffs.iter().filter(|h| matches!(h.fate, Fate::Sent(_))) {
                assert!(GradeSet::new(h.grades).score() >= 9, "{}", h.title);
            }
        }
    }
}
