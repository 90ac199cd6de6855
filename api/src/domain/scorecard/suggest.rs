//! Suggested grades: for each component, the grade the packet itself supports and why, from the
//! seed's "Strong" test for that component read against the packet's fields. A component whose
//! every part is there is STRONG, one with some parts WEAK, one with none MISSING. Grades a
//! marketer gives above what the packet supports are `gaps`.

use chrono::NaiveDate;

use super::{Component, Grade, GradeSet};

/// Words that mark a buyer problem as written in partnership language rather than the buyer's
/// own (matched as whole words, any case). docs/scorecard.md lists them.
pub const PARTNERSHIP_WORDS: [&str; 15] = [
    "partner",
    "partners",
    "partnership",
    "partnering",
    "alliance",
    "alliances",
    "co-sell",
    "co-selling",
    "cosell",
    "ecosystem",
    "synergy",
    "synergies",
    "go-to-market",
    "gtm",
    "joint",
];

/// Local parts and names that mark an owner as a team alias rather than one person.
const TEAM_ALIASES: [&str; 12] = [
    "team",
    "sales",
    "partners",
    "alliances",
    "channel",
    "marketing",
    "info",
    "support",
    "ops",
    "hello",
    "noreply",
    "no-reply",
];

/// How long a partner offer and a next action may lie ahead and still be this handoff's.
const OFFER_WITHIN_DAYS: i64 = 14;
const ACTION_WITHIN_DAYS: i64 = 7;

/// The handoff's owner as the packet names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OwnerFact<'a> {
    pub name: &'a str,
    pub email: &'a str,
    /// A member of the handoff's organization.
    pub member: bool,
}

/// What the packet holds, and the few facts around it that its Strong tests read.
#[derive(Debug, Clone, Default)]
pub struct PacketFacts<'a> {
    /// The day the packet is judged on: the day it was sent, or today for a draft.
    pub on: NaiveDate,
    /// The account is on the confirmed list of the organization's agreed working agreement.
    pub account_confirmed: bool,
    /// The account's seller is the seller the handoff is addressed to.
    pub account_owned_by_seller: bool,
    pub why_this_account: Option<&'a str>,
    pub why_now: Option<&'a str>,
    pub partner_context: Option<&'a str>,
    pub partner_person: Option<&'a str>,
    pub our_person: Option<&'a str>,
    pub connecting_thread: Option<&'a str>,
    pub buyer_problem: Option<&'a str>,
    pub offer_description: Option<&'a str>,
    pub offer_available_by: Option<NaiveDate>,
    pub offer_agreed_with_partner: bool,
    pub next_action: Option<&'a str>,
    pub next_action_due_by: Option<NaiveDate>,
    pub owner: Option<OwnerFact<'a>>,
    pub acceptance_definition: Option<&'a str>,
    pub response_window_days: Option<u16>,
    /// The proof's links.
    pub proof_urls: Vec<&'a str>,
}

/// The grade a packet supports for one component, with one reason per part of its Strong test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub component: Component,
    pub grade: Grade,
    /// What is there, then what is not, each in a sentence a marketer can act on.
    pub reasons: Vec<String>,
}

/// One part of a Strong test: whether the packet meets it, said either way.
struct Part {
    met: bool,
    yes: String,
    no: String,
}

fn part(met: bool, yes: impl Into<String>, no: impl Into<String>) -> Part {
    Part { met, yes: yes.into(), no: no.into() }
}

fn judge(component: Component, parts: Vec<Part>) -> Suggestion {
    let met = parts.iter().filter(|p| p.met).count();
    let grade = match met {
        0 => Grade::Missing,
        n if n == parts.len() => Grade::Strong,
        _ => Grade::Weak,
    };
    let (yes, no): (Vec<_>, Vec<_>) = parts.into_iter().partition(|p| p.met);
    let reasons = yes.into_iter().map(|p| p.yes).chain(no.into_iter().map(|p| p.no)).collect();
    Suggestion { component, grade, reasons }
}

fn given(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
}

/// Sentences in a text: runs ended by `.`, `!` or `?` followed by a space or the end.
fn sentences(text: &str) -> usize {
    let ends = text.char_indices().filter(|&(i, c)| {
        matches!(c, '.' | '!' | '?') && text[i + c.len_utf8()..].chars().next().is_none_or(char::is_whitespace)
    });
    let ended = ends.count();
    let trailing = !text.trim_end().ends_with(['.', '!', '?']);
    ended + usize::from(trailing && !text.trim().is_empty())
}

fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !(c.is_alphanumeric() || c == '-')).filter(|w| !w.is_empty()).map(str::to_lowercase)
}

/// The partnership words a text uses, in the order of the list.
pub fn partnership_words(text: &str) -> Vec<&'static str> {
    let used: Vec<String> = words(text).collect();
    PARTNERSHIP_WORDS.into_iter().filter(|w| used.iter().any(|u| u == w)).collect()
}

fn within(date: Option<NaiveDate>, on: NaiveDate, days: i64) -> bool {
    date.is_some_and(|d| d >= on && (d - on).num_days() <= days)
}

fn team_alias(owner: &OwnerFact) -> bool {
    let local = owner.email.split('@').next().unwrap_or_default().to_lowercase();
    let local_parts: Vec<&str> = local.split(['.', '-', '_', '+']).collect();
    let named_team = words(owner.name).any(|w| w == "team");
    named_team || TEAM_ALIASES.iter().any(|alias| local == *alias || local_parts.contains(alias))
}

/// A link a seller can open and check: http(s) with a host that is a public name.
fn verifiable(url: &str) -> bool {
    let Ok(url) = url::Url::parse(url) else { return false };
    let public_name =
        url.host_str().is_some_and(|h| h.contains('.') && !h.ends_with(".local") && !h.ends_with(".internal"));
    matches!(url.scheme(), "http" | "https")
        && public_name
        && url.host().is_some_and(|h| matches!(h, url::Host::Domain(_)))
}

/// The grade the packet supports for each component, in the scorecard's order.
pub fn suggest(p: &PacketFacts) -> Vec<Suggestion> {
    let owner = p.owner.as_ref();
    let partner_context = given(p.partner_context);
    let buyer_problem = given(p.buyer_problem);
    let next_action = given(p.next_action);
    let jargon = buyer_problem.map(partnership_words).unwrap_or_default();
    vec![
        judge(
            Component::TargetAccountLogic,
            vec![
                part(
                    p.account_confirmed,
                    "the account is on the agreed working agreement's confirmed accounts",
                    "the account is not on the agreed working agreement's confirmed accounts",
                ),
                part(
                    p.account_owned_by_seller,
                    "the addressed seller owns the account",
                    "the addressed seller does not own the account",
                ),
                part(
                    given(p.why_this_account).is_some(),
                    "it says why this account",
                    "it does not say why this account",
                ),
                part(given(p.why_now).is_some(), "it says why now", "it does not say why now"),
            ],
        ),
        judge(
            Component::PartnerContext,
            vec![
                part(partner_context.is_some(), "the partner context is given", "no partner context is given"),
                part(
                    partner_context.is_some_and(|t| sentences(t) == 1),
                    "the fit is told in one sentence",
                    "the fit is not told in one sentence",
                ),
            ],
        ),
        judge(
            Component::RelationshipPath,
            vec![
                part(
                    given(p.partner_person).is_some(),
                    "a person at the partner is named",
                    "no person at the partner is named",
                ),
                part(given(p.our_person).is_some(), "a person on our side is named", "no person on our side is named"),
                part(
                    given(p.connecting_thread).is_some(),
                    "the thread that connects them is given",
                    "the thread that connects them is not given",
                ),
            ],
        ),
        judge(
            Component::BuyerProblem,
            vec![
                part(buyer_problem.is_some(), "the buyer problem is stated", "no buyer problem is stated"),
                part(
                    buyer_problem.is_some() && jargon.is_empty(),
                    "it is in the buyer's words",
                    if jargon.is_empty() {
                        "it is not in the buyer's words".to_owned()
                    } else {
                        format!("it is in partnership language ({})", jargon.join(", "))
                    },
                ),
            ],
        ),
        judge(
            Component::PartnerOffer,
            vec![
                part(given(p.offer_description).is_some(), "the offer is described", "the offer is not described"),
                part(
                    within(p.offer_available_by, p.on, OFFER_WITHIN_DAYS),
                    "the offer is dated within two weeks",
                    "the offer is not dated within two weeks",
                ),
                part(
                    p.offer_agreed_with_partner,
                    "the partner agreed to the offer",
                    "the partner has not agreed to the offer",
                ),
            ],
        ),
        judge(
            Component::NextAction,
            vec![
                part(next_action.is_some(), "a next action is given", "no next action is given"),
                part(
                    next_action.is_some_and(|t| sentences(t) == 1 && !t.contains(['\n', ';'])),
                    "it is one action",
                    "it is not one action",
                ),
                part(
                    within(p.next_action_due_by, p.on, ACTION_WITHIN_DAYS),
                    "it is due within a week",
                    "it is not due within a week",
                ),
            ],
        ),
        judge(
            Component::Owner,
            vec![
                part(owner.is_some_and(|o| !o.name.trim().is_empty()), "an owner is named", "no owner is named"),
                part(owner.is_some_and(|o| o.member), "the owner is a member", "the owner is not a member"),
                part(owner.is_some_and(|o| !team_alias(o)), "the owner is one person", "the owner is a team alias"),
            ],
        ),
        judge(
            Component::AcceptanceCriteria,
            vec![
                part(
                    given(p.acceptance_definition).is_some(),
                    "what counts as accepted is defined",
                    "what counts as accepted is not defined",
                ),
                part(
                    p.response_window_days.is_some_and(|d| d > 0),
                    "a response window in days is set",
                    "no response window in days is set",
                ),
            ],
        ),
        judge(
            Component::Proof,
            vec![
                part(!p.proof_urls.is_empty(), "proof is attached", "no proof is attached"),
                part(
                    p.proof_urls.iter().any(|u| verifiable(u)),
                    "a seller can open and check a link",
                    "no link a seller can open and check",
                ),
            ],
        ),
    ]
}

/// The components graded higher than the packet supports, in the scorecard's order.
pub fn gaps(grades: &GradeSet, suggested: &[Suggestion]) -> Vec<Component> {
    suggested.iter().filter(|s| grades.get(s.component).points() > s.grade.points()).map(|s| s.component).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    /// A packet that passes every Strong test.
    fn strong() -> PacketFacts<'static> {
        PacketFacts {
            on: day(2),
            account_confirmed: true,
            account_owned_by_seller: true,
            why_this_account: Some("Renewal in the quarter"),
            why_now: Some("Budget approved last week"),
            partner_context: Some("Snowflake hosts their warehouse and ran the pilot with them."),
            partner_person: Some("Dana Reyes, Snowflake AE"),
            our_person: Some("Sam, account executive"),
            connecting_thread: Some("Dana and Sam share the pilot steering group"),
            buyer_problem: Some("Month-end close takes twelve days"),
            offer_description: Some("A close-time teardown workshop"),
            offer_available_by: Some(day(10)),
            offer_agreed_with_partner: true,
            next_action: Some("Book a call with the controller this week"),
            next_action_due_by: Some(day(6)),
            owner: Some(OwnerFact { name: "Pat Marketer", email: "pat@acme.example", member: true }),
            acceptance_definition: Some("A discovery call is booked"),
            response_window_days: Some(3),
            proof_urls: vec!["https://example.com/pilot-report"],
        }
    }

    fn grade_of(p: &PacketFacts, component: Component) -> Suggestion {
        suggest(p).into_iter().find(|s| s.component == component).unwrap()
    }

    #[test]
    fn a_packet_meeting_every_strong_test_is_strong_throughout() {
        let all = suggest(&strong());
        assert_eq!(all.iter().map(|s| s.component).collect::<Vec<_>>(), Component::ALL.to_vec());
        for s in all {
            assert_eq!(s.grade, Grade::Strong, "{s:?}");
        }
    }

    #[test]
    fn target_account_logic_needs_the_confirmed_owned_account_and_both_whys() {
        let mut p = strong();
        p.account_confirmed = false;
        let s = grade_of(&p, Component::TargetAccountLogic);
        assert_eq!(s.grade, Grade::Weak);
        assert!(s.reasons.last().unwrap().contains("not on the agreed working agreement"), "{s:?}");
        let p = PacketFacts { on: day(2), ..Default::default() };
        assert_eq!(grade_of(&p, Component::TargetAccountLogic).grade, Grade::Missing);
    }

    #[test]
    fn partner_context_must_fit_in_one_sentence() {
        let mut p = strong();
        p.partner_context = Some("Snowflake hosts their warehouse. They ran the pilot. Dana knows the CFO.");
        assert_eq!(grade_of(&p, Component::PartnerContext).grade, Grade::Weak);
        p.partner_context = Some("Snowflake runs their warehouse (v2.1 since 2024), and ran the pilot");
        assert_eq!(grade_of(&p, Component::PartnerContext).grade, Grade::Strong);
        p.partner_context = Some("   ");
        assert_eq!(grade_of(&p, Component::PartnerContext).grade, Grade::Missing);
    }

    #[test]
    fn relationship_path_needs_a_person_on_each_side_and_the_thread() {
        let mut p = strong();
        p.connecting_thread = None;
        assert_eq!(grade_of(&p, Component::RelationshipPath).grade, Grade::Weak);
        p.partner_person = None;
        p.our_person = None;
        assert_eq!(grade_of(&p, Component::RelationshipPath).grade, Grade::Missing);
    }

    #[test]
    fn buyer_problem_in_partnership_language_is_weak_and_names_the_words() {
        let mut p = strong();
        p.buyer_problem = Some("Unlock joint Go-To-Market synergies with our Partner");
        let s = grade_of(&p, Component::BuyerProblem);
        assert_eq!(s.grade, Grade::Weak);
        assert!(s.reasons.last().unwrap().contains("partner, synergies, go-to-market, joint"), "{s:?}");
        // Whole words only: "partnered" and "departments" are the buyer's own words here.
        p.buyer_problem = Some("Finance departments re-key invoices the vendor partnered on");
        assert_eq!(grade_of(&p, Component::BuyerProblem).grade, Grade::Strong);
        p.buyer_problem = None;
        assert_eq!(grade_of(&p, Component::BuyerProblem).grade, Grade::Missing);
    }

    #[test]
    fn partner_offer_must_be_described_dated_within_two_weeks_and_agreed() {
        let mut p = strong();
        p.offer_available_by = Some(day(17)); // fifteen days out
        assert_eq!(grade_of(&p, Component::PartnerOffer).grade, Grade::Weak);
        p.offer_available_by = Some(day(16)); // fourteen
        assert_eq!(grade_of(&p, Component::PartnerOffer).grade, Grade::Strong);
        p.offer_available_by = Some(day(1)); // already past
        assert_eq!(grade_of(&p, Component::PartnerOffer).grade, Grade::Weak);
        p.offer_agreed_with_partner = false;
        p.offer_description = None;
        p.offer_available_by = None;
        assert_eq!(grade_of(&p, Component::PartnerOffer).grade, Grade::Missing);
    }

    #[test]
    fn next_action_is_one_action_due_within_a_week() {
        let mut p = strong();
        p.next_action = Some("Call the controller. Then email the CFO. Then book a demo.");
        assert_eq!(grade_of(&p, Component::NextAction).grade, Grade::Weak);
        p.next_action = Some("Call the controller; email the CFO");
        assert_eq!(grade_of(&p, Component::NextAction).grade, Grade::Weak);
        p.next_action = Some("Call the controller");
        p.next_action_due_by = Some(day(10)); // eight days out
        assert_eq!(grade_of(&p, Component::NextAction).grade, Grade::Weak);
        p.next_action_due_by = Some(day(9));
        assert_eq!(grade_of(&p, Component::NextAction).grade, Grade::Strong);
        p.next_action = None;
        p.next_action_due_by = None;
        assert_eq!(grade_of(&p, Component::NextAction).grade, Grade::Missing);
    }

    #[test]
    fn owner_is_one_named_member_not_a_team_alias() {
        let mut p = strong();
        p.owner = Some(OwnerFact { name: "Partner Team", email: "pat@acme.example", member: true });
        assert_eq!(grade_of(&p, Component::Owner).grade, Grade::Weak);
        p.owner = Some(OwnerFact { name: "Sales", email: "partner-sales@acme.example", member: true });
        let s = grade_of(&p, Component::Owner);
        assert_eq!(s.grade, Grade::Weak);
        assert_eq!(s.reasons.last().unwrap(), "the owner is a team alias");
        // A person whose name merely contains an alias word is a person.
        p.owner = Some(OwnerFact { name: "Teamo Salesky", email: "teamo.salesky@acme.example", member: true });
        assert_eq!(grade_of(&p, Component::Owner).grade, Grade::Strong);
        p.owner = None;
        assert_eq!(grade_of(&p, Component::Owner).grade, Grade::Missing);
    }

    #[test]
    fn acceptance_criteria_need_a_definition_and_a_window_in_days() {
        let mut p = strong();
        p.response_window_days = None;
        assert_eq!(grade_of(&p, Component::AcceptanceCriteria).grade, Grade::Weak);
        p.acceptance_definition = None;
        assert_eq!(grade_of(&p, Component::AcceptanceCriteria).grade, Grade::Missing);
    }

    #[test]
    fn proof_needs_a_link_a_seller_can_check() {
        let mut p = strong();
        p.proof_urls = vec!["http://localhost/report", "https://10.0.0.7/deck", "https://wiki.internal/page"];
        assert_eq!(grade_of(&p, Component::Proof).grade, Grade::Weak);
        p.proof_urls.push("https://docs.example.com/case-study");
        assert_eq!(grade_of(&p, Component::Proof).grade, Grade::Strong);
        p.proof_urls.clear();
        assert_eq!(grade_of(&p, Component::Proof).grade, Grade::Missing);
    }

    #[test]
    fn gaps_are_the_components_graded_above_what_the_packet_supports() {
        let mut p = strong();
        p.proof_urls.clear();
        p.owner = None;
        p.connecting_thread = None;
        let graded = GradeSet::from_pairs([
            (Component::Proof, Grade::Strong),              // supports MISSING: a gap
            (Component::Owner, Grade::Missing),             // graded lower: no gap
            (Component::RelationshipPath, Grade::Strong),   // supports WEAK: a gap
            (Component::TargetAccountLogic, Grade::Strong), // supports STRONG: no gap
        ]);
        assert_eq!(gaps(&graded, &suggest(&p)), vec![Component::RelationshipPath, Component::Proof]);
    }

    #[test]
    fn sentences_are_counted_at_their_ends() {
        assert_eq!(sentences("One."), 1);
        assert_eq!(sentences("One"), 1);
        assert_eq!(sentences("One. Two"), 2);
        assert_eq!(sentences("Version 2.1 ships! Really?"), 2);
        assert_eq!(sentences(""), 0);
    }
}
