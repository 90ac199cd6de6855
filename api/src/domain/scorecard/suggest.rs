//! Suggested grades: for each component, the grade the packet itself supports and why, from the
//! seed's "Strong" test for that component read against the packet's fields. A component whose
//! every part is there is STRONG, one with some parts WEAK, one with none MISSING. Grades a
//! marketer gives above what the packet supports are `gaps`.

use chrono::NaiveDate;

use super::{Component, Grade, GradeSet};

/// Words that mark a buyer problem as written in partnership language rather than the buyer's
/// own, matched as whole words in any case; a hyphenated word also matches through its first part
/// (`partner-led`, `ecosystem-driven`). Words a buyer uses about their own business ("partners"
/// at a law firm, a "joint" replacement) are left out. docs/scorecard.md lists them.
pub const PARTNERSHIP_WORDS: [&str; 13] = [
    "partnership",
    "partnering",
    "alliance",
    "alliances",
    "co-sell",
    "co-selling",
    "cosell",
    "co-marketing",
    "ecosystem",
    "synergy",
    "synergies",
    "go-to-market",
    "gtm",
];

/// First parts of hyphenated partnership words (`partner-led`, `partner-sourced`).
const PARTNERSHIP_PREFIXES: [&str; 2] = ["partner", "ecosystem"];

/// Words that, alone or together, make an address or a name a team's rather than a person's
/// (`sales@`, `partner-sales@`, "Partner Marketing").
const TEAM_WORDS: [&str; 22] = [
    "team",
    "teams",
    "sales",
    "salesteam",
    "partner",
    "partners",
    "partnermarketing",
    "alliance",
    "alliances",
    "channel",
    "marketing",
    "info",
    "support",
    "ops",
    "hello",
    "noreply",
    "no-reply",
    "office",
    "admin",
    "bizdev",
    "group",
    "desk",
];

/// Words that stand before a role, not a name ("The account executive", "Our AE").
const NOT_NAMES: [&str; 12] =
    ["the", "our", "their", "a", "an", "someone", "somebody", "anyone", "tbd", "tba", "unknown", "n/a"];

/// Abbreviations whose period does not end a sentence.
const ABBREVIATIONS: [&str; 22] = [
    "e.g", "i.e", "etc", "inc", "ltd", "co", "corp", "llc", "dr", "mr", "mrs", "ms", "jr", "sr", "vs", "st", "no",
    "a.m", "p.m", "u.s", "approx", "dept",
];

/// Top-level names that are never public.
const PRIVATE_SUFFIXES: [&str; 10] =
    [".local", ".internal", ".corp", ".lan", ".home", ".test", ".localhost", ".invalid", ".intranet", ".private"];

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
    /// The organization has an agreed working agreement.
    pub agreement_agreed: bool,
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

/// Sentences in a text. A `.`, `!` or `?` ends one when a space and a capital (or the end)
/// follow, unless it closes an abbreviation (`e.g.`, `Inc.`, `Dr.`, `a.m.`) or an initial (`J.`).
fn sentences(text: &str) -> usize {
    let chars: Vec<char> = text.trim().chars().collect();
    if chars.is_empty() {
        return 0;
    }
    let mut count = 0;
    for (i, c) in chars.iter().enumerate() {
        if !matches!(c, '.' | '!' | '?') || chars.get(i + 1).is_some_and(|n| matches!(n, '.' | '!' | '?')) {
            continue;
        }
        let rest = &chars[i + 1..];
        let at_end = rest.iter().all(|c| c.is_whitespace() || matches!(c, '"' | '\'' | ')'));
        let starts_next = rest.first().is_some_and(|c| c.is_whitespace())
            && rest.iter().find(|c| !c.is_whitespace()).is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
        if !(at_end || starts_next) {
            continue;
        }
        let word: String =
            chars[..i].iter().rev().take_while(|c| !c.is_whitespace()).collect::<Vec<_>>().into_iter().rev().collect();
        let word = word.trim_start_matches(['(', '"', '\'']).to_lowercase();
        let initial = word.chars().count() == 1 && word.chars().all(char::is_alphabetic);
        if *c == '.' && !at_end && (initial || ABBREVIATIONS.contains(&word.as_str())) {
            continue;
        }
        count += 1;
    }
    let ended =
        chars.iter().rev().find(|c| !matches!(c, '"' | '\'' | ')')).is_some_and(|c| matches!(c, '.' | '!' | '?'));
    count + usize::from(!ended)
}

fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !(c.is_alphanumeric() || c == '-')).filter(|w| !w.is_empty()).map(str::to_lowercase)
}

/// The partnership words a text uses, in the order of the list, then hyphenated ones as written.
pub fn partnership_words(text: &str) -> Vec<String> {
    let used: Vec<String> = words(text).collect();
    let mut found: Vec<String> =
        PARTNERSHIP_WORDS.into_iter().filter(|w| used.iter().any(|u| u == w)).map(str::to_owned).collect();
    let spaced = used.join(" ");
    if spaced.contains("go to market") && !found.iter().any(|w| w == "go-to-market") {
        found.push("go to market".to_owned());
    }
    for word in &used {
        let hyphenated = word.split_once('-').is_some_and(|(first, _)| PARTNERSHIP_PREFIXES.contains(&first));
        if hyphenated && !found.contains(word) && !PARTNERSHIP_WORDS.contains(&word.as_str()) {
            found.push(word.clone());
        }
    }
    found
}

/// Due between the day judged and `days` later.
fn within(date: Option<NaiveDate>, on: NaiveDate, days: i64) -> bool {
    date.is_some_and(|d| d >= on && (d - on).num_days() <= days)
}

/// Available by `days` after the day judged at the latest (an offer available already counts).
fn by(date: Option<NaiveDate>, on: NaiveDate, days: i64) -> bool {
    date.is_some_and(|d| (d - on).num_days() <= days)
}

fn team_alias(owner: &OwnerFact) -> bool {
    // `pat+sales@` is Pat's own address with a tag.
    let local = owner.email.split('@').next().unwrap_or_default().split('+').next().unwrap_or_default().to_lowercase();
    let team_word = |w: &str| TEAM_WORDS.contains(&w);
    let address_parts: Vec<&str> = local.split(['.', '-', '_']).filter(|p| !p.is_empty()).collect();
    let address = !address_parts.is_empty() && address_parts.iter().all(|p| team_word(p));
    let name_parts: Vec<String> =
        owner.name.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
    let name = name_parts.iter().any(|w| w == "team" || w == "teams")
        || (!name_parts.is_empty() && name_parts.iter().all(|w| team_word(w)));
    address || name
}

/// Whether a text names a person: a capitalised word that is not an acronym ("TBD", "AE") and
/// not a word that stands before a role ("The account executive").
fn names_someone(text: &str) -> bool {
    text.split(|c: char| !(c.is_alphanumeric() || c == '/' || c == '\'' || c == '-')).filter(|w| !w.is_empty()).any(
        |w| {
            let mut letters = w.chars();
            let capitalised = letters.next().is_some_and(char::is_uppercase) && letters.any(char::is_lowercase);
            capitalised && !NOT_NAMES.contains(&w.to_lowercase().as_str())
        },
    )
}

/// A link a seller can open and check: http(s) with a host that is a public name.
fn verifiable(url: &str) -> bool {
    let Ok(url) = url::Url::parse(url) else { return false };
    let Some(url::Host::Domain(host)) = url.host() else { return false };
    let host = host.trim_end_matches('.').to_lowercase();
    matches!(url.scheme(), "http" | "https")
        && host.contains('.')
        && !PRIVATE_SUFFIXES.iter().any(|suffix| host.ends_with(suffix))
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
                    if p.agreement_agreed {
                        "the account is not on the agreed working agreement's confirmed accounts"
                    } else {
                        "no working agreement is agreed, so no account is confirmed"
                    },
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
                    given(p.partner_person).is_some_and(names_someone),
                    "a person at the partner is named",
                    "no person at the partner is named",
                ),
                part(
                    given(p.our_person).is_some_and(names_someone),
                    "a person on our side is named",
                    "no person on our side is named",
                ),
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
                    by(p.offer_available_by, p.on, OFFER_WITHIN_DAYS),
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
            agreement_agreed: true,
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
        p.agreement_agreed = false;
        let s = grade_of(&p, Component::TargetAccountLogic);
        assert_eq!(s.reasons.last().unwrap(), "no working agreement is agreed, so no account is confirmed");
        for missing in 0..3 {
            let mut p = strong();
            match missing {
                0 => p.account_owned_by_seller = false,
                1 => p.why_this_account = None,
                _ => p.why_now = Some(" "),
            }
            assert_eq!(grade_of(&p, Component::TargetAccountLogic).grade, Grade::Weak, "part {missing}");
        }
        let p = PacketFacts { on: day(2), ..Default::default() };
        assert_eq!(grade_of(&p, Component::TargetAccountLogic).grade, Grade::Missing);
    }

    #[test]
    fn partner_context_must_fit_in_one_sentence() {
        let mut p = strong();
        p.partner_context = Some("Snowflake hosts their warehouse. They ran the pilot. Dana knows the CFO.");
        assert_eq!(grade_of(&p, Component::PartnerContext).grade, Grade::Weak);
        for one in [
            "Snowflake runs their warehouse (v2.1 since 2024), and ran the pilot",
            "Acme Inc. hosts their warehouse and ran the pilot, e.g. the close dashboards.",
            "Snowflake's team under Dr. Lee ran the U.S. pilot at 9 a.m. daily!",
        ] {
            p.partner_context = Some(one);
            assert_eq!(grade_of(&p, Component::PartnerContext).grade, Grade::Strong, "{one}");
        }
        p.partner_context = Some("   ");
        assert_eq!(grade_of(&p, Component::PartnerContext).grade, Grade::Missing);
    }

    #[test]
    fn relationship_path_needs_a_named_person_on_each_side_and_the_thread() {
        let mut p = strong();
        p.connecting_thread = None;
        assert_eq!(grade_of(&p, Component::RelationshipPath).grade, Grade::Weak);
        // A role or a placeholder is not a named person.
        for unnamed in ["The account executive", "TBD", "our AE"] {
            let mut p = strong();
            p.our_person = Some(unnamed);
            assert_eq!(grade_of(&p, Component::RelationshipPath).grade, Grade::Weak, "{unnamed}");
        }
        let mut p = strong();
        p.partner_person = Some("someone");
        assert_eq!(grade_of(&p, Component::RelationshipPath).grade, Grade::Weak);
        p.our_person = None;
        p.connecting_thread = None;
        assert_eq!(grade_of(&p, Component::RelationshipPath).grade, Grade::Missing);
    }

    #[test]
    fn buyer_problem_in_partnership_language_is_weak_and_names_the_words() {
        let mut p = strong();
        p.buyer_problem = Some("Unlock joint Go-To-Market synergies through a partner-led motion");
        let s = grade_of(&p, Component::BuyerProblem);
        assert_eq!(s.grade, Grade::Weak);
        assert_eq!(s.reasons.last().unwrap(), "it is in partnership language (synergies, go-to-market, partner-led)");
        p.buyer_problem = Some("We need a go to market plan");
        assert_eq!(grade_of(&p, Component::BuyerProblem).grade, Grade::Weak);
        // The buyer's own words: a law firm's partners, a joint replacement, "partnered".
        for own in [
            "Partners lose six billable hours a week to manual conflict checks",
            "Joint replacement claims take nine days to approve",
            "Finance departments re-key invoices the vendor partnered on",
        ] {
            p.buyer_problem = Some(own);
            assert_eq!(grade_of(&p, Component::BuyerProblem).grade, Grade::Strong, "{own}");
        }
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
        p.offer_available_by = Some(day(1)); // available already
        assert_eq!(grade_of(&p, Component::PartnerOffer).grade, Grade::Strong);
        for part in 0..2 {
            let mut p = strong();
            match part {
                0 => p.offer_agreed_with_partner = false,
                _ => p.offer_description = None,
            }
            assert_eq!(grade_of(&p, Component::PartnerOffer).grade, Grade::Weak, "part {part}");
        }
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
        for (name, email) in [
            ("Partner Team", "pat@acme.example"),
            ("Sales", "partner-sales@acme.example"),
            ("Partner Marketing", "pm@acme.example"),
            ("Pat", "partners@acme.example"),
        ] {
            p.owner = Some(OwnerFact { name, email, member: true });
            let s = grade_of(&p, Component::Owner);
            assert_eq!(s.grade, Grade::Weak, "{name} <{email}>");
            assert_eq!(s.reasons.last().unwrap(), "the owner is a team alias");
        }
        // People whose name or address merely contains such a word, or carries a tag.
        for (name, email) in [
            ("Teamo Salesky", "teamo.salesky@acme.example"),
            ("Pat Marketer", "pat+sales@acme.example"),
            ("Jo Ops", "jo.ops@acme.example"),
        ] {
            p.owner = Some(OwnerFact { name, email, member: true });
            assert_eq!(grade_of(&p, Component::Owner).grade, Grade::Strong, "{name} <{email}>");
        }
        p.owner = Some(OwnerFact { name: "Pat Marketer", email: "pat@acme.example", member: false });
        let s = grade_of(&p, Component::Owner);
        assert_eq!((s.grade, s.reasons.last().unwrap().as_str()), (Grade::Weak, "the owner is not a member"));
        p.owner = None;
        assert_eq!(grade_of(&p, Component::Owner).grade, Grade::Missing);
    }

    #[test]
    fn acceptance_criteria_need_a_definition_and_a_window_in_days() {
        let mut p = strong();
        p.response_window_days = Some(0);
        assert_eq!(grade_of(&p, Component::AcceptanceCriteria).grade, Grade::Weak);
        p.response_window_days = None;
        assert_eq!(grade_of(&p, Component::AcceptanceCriteria).grade, Grade::Weak);
        let mut p = strong();
        p.acceptance_definition = None;
        assert_eq!(grade_of(&p, Component::AcceptanceCriteria).grade, Grade::Weak);
        p.response_window_days = None;
        assert_eq!(grade_of(&p, Component::AcceptanceCriteria).grade, Grade::Missing);
    }

    #[test]
    fn proof_needs_a_link_a_seller_can_check() {
        let mut p = strong();
        p.proof_urls = vec![
            "http://localhost/report",
            "https://10.0.0.7/deck",
            "https://wiki.internal/page",
            "https://intranet.corp/deck",
            "https://app.localhost./x",
            "ftp://files.example.com/report",
        ];
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
        assert_eq!(sentences("Email J. Smith."), 1);
        assert_eq!(sentences("Wait... what?"), 1);
        assert_eq!(sentences("Call the controller. Then email the CFO."), 2);
    }
}
