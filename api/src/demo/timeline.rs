//! Plays an organization's script: every step at its time, oldest first.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

use super::script::{
    About, AgreementStep, Answer, Ask, AskedAbout, Escalation, Fate, HandoffPlan, Meeting, Mention, MetOn, Review,
};
use super::{Demo, DemoError, Org, person, text};
use crate::domain::scorecard::{Component, Grade};

const CONFIRM_ACCOUNT: &str = "mutation($i: ConfirmAccountInput!) { confirmAccount(input: $i) { account { id } } }";
const DRAFT_AGREEMENT: &str = "mutation($i: DraftWorkingAgreementInput!) { draftWorkingAgreement(input: $i) { workingAgreement { version status } } }";
const SIGN_AGREEMENT: &str = "mutation($i: SignWorkingAgreementInput!) { signWorkingAgreement(input: $i) { workingAgreement { version status } } }";
const CREATE_HANDOFF: &str = "mutation($i: CreateHandoffInput!) { createHandoff(input: $i) { handoff { id } } }";
const GRADE: &str = "mutation($i: GradeHandoffInput!) { gradeHandoff(input: $i) { handoff { id } } }";
const SEND: &str = "mutation($i: SendHandoffInput!) { sendHandoff(input: $i) { handoff { id } } }";
const RESPOND: &str = "mutation($i: RespondToHandoffInput!) { respondToHandoff(input: $i) { handoff { id } } }";
const ASK: &str = "mutation($i: LogPartnerAskInput!) { logPartnerAsk(input: $i) { partnerAsk { id } } }";
const MEETING: &str =
    "mutation($i: LogPartnerMeetingInput!) { logPartnerMeeting(input: $i) { partnerMeeting { id } } }";
const MENTION: &str =
    "mutation($i: LogPipelineMentionInput!) { logPipelineMention(input: $i) { pipelineMention { id } } }";
const ESCALATE: &str = "mutation($i: RaiseEscalationInput!) { raiseEscalation(input: $i) { escalation { id } } }";
const REVIEW: &str = "mutation($i: LogScoreReviewInput!) { logScoreReview(input: $i) { scoreReview { id } } }";

/// A sent handoff is drafted and graded this long before it is sent.
const DRAFTED_BEFORE_SENDING: Duration = Duration::hours(26);

enum Step {
    Draft(&'static HandoffPlan),
    Send(&'static HandoffPlan),
    Answer(&'static HandoffPlan, &'static Answer),
    /// Sales leadership (the first) confirms an account (the second) as a target.
    Confirm(&'static str, &'static str),
    Agreement(&'static AgreementStep),
    Ask(&'static Ask),
    Meeting(&'static Meeting),
    Mention(&'static Mention),
    Escalation(&'static Escalation),
    Review(&'static Review),
}

impl Step {
    fn label(&self) -> String {
        match self {
            Step::Draft(h) => format!("drafting \"{}\"", h.title),
            Step::Send(h) => format!("sending \"{}\"", h.title),
            Step::Answer(h, a) => format!("answering \"{}\" with {}", h.title, a.decision),
            Step::Confirm(_, account) => format!("confirming {account}"),
            Step::Agreement(AgreementStep::Draft { .. }) => "drafting the working agreement".into(),
            Step::Agreement(AgreementStep::Sign { by, .. }) => format!("signing the working agreement as {by}"),
            Step::Ask(_) => "logging a partner ask".into(),
            Step::Meeting(_) => "logging a partner meeting".into(),
            Step::Mention(_) => "logging a pipeline mention".into(),
            Step::Escalation(_) => "raising an escalation".into(),
            Step::Review(_) => "logging a score review".into(),
        }
    }
}

/// Text, or nothing for an empty string.
fn some(text: &str) -> Option<&str> {
    (!text.is_empty()).then_some(text)
}

fn id_of<'m>(ids: &'m HashMap<&'static str, String>, name: &str) -> Result<&'m str, DemoError> {
    ids.get(name).map(String::as_str).ok_or_else(|| DemoError(format!("the script names no {name} at that time")))
}

impl Demo<'_> {
    /// Every step of the organization's script with its time, oldest first (steps at the same
    /// time keep the script's order).
    fn timeline(&self, org: &Org) -> Vec<(DateTime<Utc>, Step)> {
        let plan = org.plan;
        let mut steps = Vec::new();
        for h in plan.handoffs {
            let at = self.at(h.at);
            match h.fate {
                Fate::Draft => steps.push((at, Step::Draft(h))),
                Fate::Sent(answers) => {
                    steps.push((at - DRAFTED_BEFORE_SENDING, Step::Draft(h)));
                    steps.push((at, Step::Send(h)));
                    steps.extend(answers.iter().map(|a| (at + Duration::hours(a.after_hours), Step::Answer(h, a))));
                }
            }
        }
        steps.extend(plan.confirmations.iter().map(|(at, by, account)| (self.at(*at), Step::Confirm(by, account))));
        steps.extend(plan.agreement.iter().map(|s| match s {
            AgreementStep::Draft { at, .. } | AgreementStep::Sign { at, .. } => (self.at(*at), Step::Agreement(s)),
        }));
        steps.extend(plan.asks.iter().map(|a| (self.at(a.at), Step::Ask(a))));
        steps.extend(plan.meetings.iter().map(|m| (self.at(m.at), Step::Meeting(m))));
        steps.extend(plan.mentions.iter().map(|m| (self.at(m.at), Step::Mention(m))));
        steps.extend(plan.escalations.iter().map(|e| (self.at(e.at), Step::Escalation(e))));
        steps.extend(plan.reviews.iter().map(|r| (self.at(r.at), Step::Review(r))));
        steps.sort_by_key(|(at, _)| *at);
        steps
    }

    /// Plays the organization's script.
    pub(super) async fn play(&self, mut org: Org) -> Result<(), DemoError> {
        for (at, step) in self.timeline(&org) {
            self.step(&mut org, at, &step)
                .await
                .map_err(|e| DemoError(format!("{}, {} at {at}: {}", org.plan.slug, step.label(), e.0)))?;
        }
        Ok(())
    }

    async fn step(&self, org: &mut Org, at: DateTime<Utc>, step: &Step) -> Result<(), DemoError> {
        let marketer = org.plan.marketer;
        match *step {
            Step::Draft(h) => self.draft(org, at, h).await,
            Step::Send(h) => {
                let input = json!({ "handoffId": id_of(&org.handoffs, h.title)? });
                self.run(at, marketer, SEND, input).await.map(drop)
            }
            Step::Answer(h, a) => {
                let account = org.plan.accounts.iter().find(|x| x.name == h.account);
                let seller = account.map(|x| x.seller).unwrap_or_default();
                let mut input =
                    json!({ "handoffId": id_of(&org.handoffs, h.title)?, "decision": a.decision, "reason": a.reason });
                if !a.failed.is_empty() {
                    input["failedComponents"] = a.failed.iter().map(|c| c.code()).collect();
                }
                self.run(at, seller, RESPOND, input).await.map(drop)
            }
            Step::Confirm(by, account) => {
                let input = json!({ "id": id_of(&org.accounts, account)?, "confirmed": true });
                self.run(at, by, CONFIRM_ACCOUNT, input).await.map(drop)
            }
            Step::Agreement(s) => self.agreement(org, at, s).await,
            Step::Ask(a) => {
                let mut input =
                    json!({ "organizationId": org.id, "partnerId": id_of(&org.partners, a.partner)?, "note": a.note });
                match a.account {
                    AskedAbout::Known(name) => input["accountId"] = json!(id_of(&org.accounts, name)?),
                    AskedAbout::Named(name) => input["accountName"] = json!(name),
                }
                self.run(at, a.seller, ASK, input).await.map(drop)
            }
            Step::Meeting(m) => {
                let (account, partner, handoff) = match m.on {
                    MetOn::After(title) => {
                        let h = org.plan.handoffs.iter().find(|h| h.title == title);
                        let (account, partner) = h.map(|h| (h.account, h.partner)).unwrap_or_default();
                        (account, partner, Some(id_of(&org.handoffs, title)?))
                    }
                    MetOn::On(account, partner) => (account, partner, None),
                };
                let input = json!({
                    "organizationId": org.id, "accountId": id_of(&org.accounts, account)?,
                    "partnerId": id_of(&org.partners, partner)?, "handoffId": handoff, "note": some(m.note),
                });
                self.run(at, m.seller, MEETING, input).await.map(drop)
            }
            Step::Mention(m) => {
                let input = json!({
                    "organizationId": org.id, "reviewKind": m.review, "accountId": id_of(&org.accounts, m.account)?,
                    "partnerId": id_of(&org.partners, m.partner)?, "partnerMarketingPresent": m.marketing_present,
                    "note": some(m.note),
                });
                self.run(at, m.by, MENTION, input).await.map(drop)
            }
            Step::Escalation(e) => {
                let mut input = json!({ "organizationId": org.id, "topic": e.topic.code(), "note": some(e.note) });
                let (handoff, account, partner) = match e.about {
                    About::Handoff(title) => (Some(title), None, None),
                    About::Account(account) => (None, Some(account), None),
                    About::Partner(partner) => (None, None, Some(partner)),
                    About::Both(account, partner) => (None, Some(account), Some(partner)),
                };
                for (field, ids, name) in [
                    ("handoffId", &org.handoffs, handoff),
                    ("accountId", &org.accounts, account),
                    ("partnerId", &org.partners, partner),
                ] {
                    if let Some(name) = name {
                        input[field] = json!(id_of(ids, name)?);
                    }
                }
                self.run(at, e.by, ESCALATE, input).await.map(drop)
            }
            Step::Review(r) => {
                let attendees =
                    r.attendees.iter().map(|a| Ok(self.member(a)?.id.as_str())).collect::<Result<Vec<_>, _>>()?;
                let input = json!({ "organizationId": org.id, "attendeeIds": attendees, "note": some(r.note) });
                self.run(at, r.by, REVIEW, input).await.map(drop)
            }
        }
    }

    /// Creates the handoff as partner marketing would fill it in, and grades it.
    async fn draft(&self, org: &mut Org, at: DateTime<Utc>, h: &'static HandoffPlan) -> Result<(), DemoError> {
        let plan = org.plan;
        let partner = plan.partners.iter().find(|p| p.name == h.partner);
        let (sells, why, offer, problem) = partner.map(|p| (p.sells, p.why, p.offer, p.problem)).unwrap_or_default();
        let seller = plan.accounts.iter().find(|a| a.name == h.account).and_then(|a| person(a.seller));
        let marketer = person(plan.marketer).map(|p| p.name).unwrap_or_default();
        let (account, partner) = (h.account, h.partner);
        let date = |days: i64| (at + Duration::days(days)).date_naive().to_string();
        let mut input = json!({
            "organizationId": org.id, "accountId": id_of(&org.accounts, account)?,
            "partnerId": id_of(&org.partners, partner)?, "title": h.title,
            "ownerId": self.member(plan.marketer)?.id,
            "nextAction": format!("Book a 30-minute call with {partner}'s account lead for {account}"),
            "nextActionDueBy": date(7),
            "whyThisAccount": format!("{account} is on {}'s priority list this quarter", seller.map(|s| s.name).unwrap_or_default()),
            "whyNow": "Their budget review starts next month",
            "partnerContext": format!("{partner} sells {}: {why}", sells.to_lowercase()),
            "partnerPerson": format!("Jordan Reyes, {partner}'s account lead for {account}"),
            "ourPerson": marketer,
            "connectingThread": format!("Jordan and {marketer} met at {partner}'s customer council"),
            "buyerProblem": problem,
            "offerDescription": offer,
            "offerAvailableBy": date(14),
            "offerAgreedWithPartner": h.grades[Component::PartnerOffer.index()] == Grade::Strong,
            "proof": [{
                "label": format!("{partner} case study"),
                "url": format!("https://example.com/{}/case-study", partner.to_lowercase()),
            }],
        });
        // Under an agreed working agreement the handoff takes the agreed acceptance criteria.
        if !org.agreed {
            input["responseWindowDays"] = json!(plan.window_days);
            input["acceptanceDefinition"] = json!("The seller books the call within the response window");
        }
        let created = self.run(at, plan.marketer, CREATE_HANDOFF, input).await?;
        let id = text(&created, &["createHandoff", "handoff", "id"])?;
        let grades: Vec<Value> = Component::ALL
            .iter()
            .zip(h.grades)
            .map(|(c, g)| json!({ "component": c.code(), "grade": g.code() }))
            .collect();
        self.run(at, plan.marketer, GRADE, json!({ "handoffId": id, "grades": grades })).await?;
        org.handoffs.insert(h.title, id);
        Ok(())
    }

    async fn agreement(&self, org: &mut Org, at: DateTime<Utc>, step: &AgreementStep) -> Result<(), DemoError> {
        let (by, query, input) = match step {
            AgreementStep::Draft { by, terms, .. } => {
                let required = terms.required.map(|cs| cs.iter().map(|c| c.code()).collect::<Vec<_>>());
                let mut input = json!({ "organizationId": org.id });
                for (field, value) in [
                    ("requiredComponents", json!(required)),
                    ("acceptanceDefinition", json!(terms.acceptance)),
                    ("responseWindowDays", json!(terms.window_days)),
                    ("minimumScoreToSend", json!(terms.minimum_score)),
                    ("influenceLanguage", json!(terms.influence)),
                    ("scoreReviewCadenceDays", json!(terms.cadence_days)),
                ] {
                    // Omitted fields carry over from the latest version.
                    if !value.is_null() {
                        input[field] = value;
                    }
                }
                (by, DRAFT_AGREEMENT, input)
            }
            AgreementStep::Sign { by, .. } => {
                let version = org.agreement_version.ok_or_else(|| DemoError("nothing to sign yet".into()))?;
                (by, SIGN_AGREEMENT, json!({ "organizationId": org.id, "version": version }))
            }
        };
        let data = self.run(at, by, query, input).await?;
        let agreement = data.as_object().and_then(|o| o.values().next()).map(|p| &p["workingAgreement"]);
        org.agreement_version = agreement.and_then(|a| a["version"].as_i64());
        org.agreed |= agreement.is_some_and(|a| a["status"] == "AGREED");
        Ok(())
    }
}
