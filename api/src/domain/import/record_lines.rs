//! A trust records file: one kind of record per file (partner asks, partner meetings, pipeline
//! mentions, escalations or score reviews), one record per row, each dated.

use chrono::{DateTime, Utc};

use super::Problems;
use super::cells::{self, PersonRef};
use super::handoff_lines::Cells;
use super::sheet::{Columns, Sheet};
use crate::domain::trust::EscalationTopic;

/// The kinds of trust record a file can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKind {
    PartnerAsk,
    PartnerMeeting,
    PipelineMention,
    Escalation,
    ScoreReview,
}

/// Where partner influence came up (`PIPELINE_MENTION`'s review kind).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Review {
    Forecast,
    Pipeline,
    DealReview,
}

impl RecordKind {
    pub fn columns(self) -> &'static Columns {
        match self {
            Self::PartnerAsk => {
                &Columns { required: &["seller", "asked_at", "account"], optional: &["partner", "note"] }
            }
            Self::PartnerMeeting => {
                &Columns { required: &["seller", "account", "partner", "met_at"], optional: &["note"] }
            }
            Self::PipelineMention => &Columns {
                required: &["review_kind", "mentioned_at"],
                optional: &["account", "partner", "partner_marketing_present", "note"],
            },
            Self::Escalation => {
                &Columns { required: &["topic", "raised_at"], optional: &["account", "partner", "note"] }
            }
            Self::ScoreReview => &Columns { required: &["attendees", "reviewed_at"], optional: &["note"] },
        }
    }

    /// The column holding when the record happened.
    fn at_column(self) -> &'static str {
        match self {
            Self::PartnerAsk => "asked_at",
            Self::PartnerMeeting => "met_at",
            Self::PipelineMention => "mentioned_at",
            Self::Escalation => "raised_at",
            Self::ScoreReview => "reviewed_at",
        }
    }
}

/// What a record is about, by kind; accounts and partners by name, people by email or name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordTarget {
    PartnerAsk {
        seller: PersonRef,
        account: String,
        partner: Option<String>,
    },
    PartnerMeeting {
        seller: PersonRef,
        account: String,
        partner: String,
    },
    PipelineMention {
        review: Review,
        account: Option<String>,
        partner: Option<String>,
        partner_marketing_present: bool,
    },
    Escalation {
        topic: EscalationTopic,
        account: Option<String>,
        partner: Option<String>,
    },
    ScoreReview {
        attendees: Vec<PersonRef>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordLine {
    pub row: u32,
    pub at: DateTime<Utc>,
    pub note: Option<String>,
    pub target: RecordTarget,
}

/// Reads every row of `sheet` as a record of `kind` as of `now`.
pub fn record_lines(sheet: &Sheet, kind: RecordKind, now: DateTime<Utc>) -> (Vec<RecordLine>, Problems) {
    let mut lines = Vec::with_capacity(sheet.len());
    let mut problems = Problems::default();
    for line in sheet.lines() {
        let before = problems.count();
        let mut cells = Cells { line: &line, problems: &mut problems, before };
        if let Some(record) = cells.record(kind, now) {
            lines.push(record);
        }
    }
    (lines, problems)
}

impl Cells<'_, '_> {
    fn record(&mut self, kind: RecordKind, now: DateTime<Utc>) -> Option<RecordLine> {
        let at_column = kind.at_column();
        let at = self.past(at_column, now).and_then(|at| {
            at.or_else(|| {
                self.problem(Some(at_column), "must say when it happened");
                None
            })
        });
        let note = self.note("note");
        let target = match kind {
            RecordKind::PartnerAsk => {
                let seller = self.seller();
                let account = self.required_name("account");
                let (_, partner) = self.either_named(false);
                RecordTarget::PartnerAsk { seller: seller?, account: account?, partner: partner? }
            }
            RecordKind::PartnerMeeting => {
                let seller = self.seller();
                let account = self.required_name("account");
                let partner = self.required_name("partner");
                RecordTarget::PartnerMeeting { seller: seller?, account: account?, partner: partner? }
            }
            RecordKind::PipelineMention => {
                let review = self.read("review_kind", review);
                let present = self.read("partner_marketing_present", cells::flag);
                let (account, partner) = self.either_named(true);
                let (account, partner) = account.zip(partner)?;
                RecordTarget::PipelineMention { review: review?, account, partner, partner_marketing_present: present? }
            }
            RecordKind::Escalation => {
                let topic = self.read("topic", topic);
                let (account, partner) = self.either_named(true);
                let (account, partner) = account.zip(partner)?;
                RecordTarget::Escalation { topic: topic?, account, partner }
            }
            RecordKind::ScoreReview => RecordTarget::ScoreReview { attendees: self.read("attendees", attendees)? },
        };
        if self.failed() {
            return None;
        }
        Some(RecordLine { row: self.line.row, at: at?, note: note?, target })
    }

    fn seller(&mut self) -> Option<PersonRef> {
        self.person("seller")?.or_else(|| {
            self.problem(Some("seller"), "must name the seller (an email or a member's name)");
            None
        })
    }

    /// The optional `account` and `partner` names; with `one_needed`, at least one must be there.
    fn either_named(&mut self, one_needed: bool) -> (Option<Option<String>>, Option<Option<String>>) {
        let optional = |raw: &str| -> Result<Option<String>, String> {
            crate::domain::text::ShortText::optional_string(Some(raw)).map_err(|e| e.0)
        };
        let account = self.read("account", optional);
        let partner = self.read("partner", optional);
        if one_needed && matches!((&account, &partner), (Some(None), Some(None))) {
            self.problem(Some("account"), "must name an account or a partner (or both)");
        }
        (account, partner)
    }
}

fn review(raw: &str) -> Result<Review, String> {
    match raw.trim().to_ascii_uppercase().replace([' ', '-'], "_").as_str() {
        "FORECAST" => Ok(Review::Forecast),
        "PIPELINE" => Ok(Review::Pipeline),
        "DEAL_REVIEW" => Ok(Review::DealReview),
        _ => Err("must be FORECAST, PIPELINE or DEAL_REVIEW".to_owned()),
    }
}

fn topic(raw: &str) -> Result<EscalationTopic, String> {
    let code = raw.trim().to_ascii_uppercase().replace([' ', '-'], "_");
    EscalationTopic::ALL
        .into_iter()
        .find(|t| t.code() == code)
        .ok_or_else(|| "must be WHICH_ACCOUNT, WHICH_PARTNER or WORTH_READING".to_owned())
}

/// Attendees separated by `;`, `,`, `|` or line breaks; at least one.
fn attendees(raw: &str) -> Result<Vec<PersonRef>, String> {
    let mut people = Vec::new();
    for part in raw.split([';', ',', '|', '\n']).map(str::trim).filter(|p| !p.is_empty()) {
        let person = PersonRef::parse(part)?.ok_or("names an empty attendee")?;
        if !people.contains(&person) {
            people.push(person);
        }
    }
    if people.is_empty() || people.len() > 100 {
        return Err("must name 1 to 100 attendees".to_owned());
    }
    Ok(people)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::import::Problem;

    fn now() -> DateTime<Utc> {
        "2026-06-01T12:00:00Z".parse().unwrap()
    }

    fn read(kind: RecordKind, text: &str) -> (Vec<RecordLine>, Vec<Problem>) {
        let (sheet, mut problems) = Sheet::read(text.as_bytes(), kind.columns()).unwrap();
        let (lines, more) = record_lines(&sheet, kind, now());
        problems.append(more);
        (lines, problems.into_listed().0)
    }

    #[test]
    fn each_kind_reads_its_columns() {
        let (lines, problems) =
            read(RecordKind::PartnerAsk, "seller,asked_at,account,note\nana@x.io,2026-05-01,Acme,asked twice\n");
        assert!(problems.is_empty());
        let expected = RecordTarget::PartnerAsk {
            seller: PersonRef::Email("ana@x.io".into()),
            account: "Acme".into(),
            partner: None,
        };
        assert_eq!((&lines[0].target, lines[0].note.as_deref()), (&expected, Some("asked twice")));

        let (lines, _) = read(
            RecordKind::PipelineMention,
            "review_kind,mentioned_at,partner,partner_marketing_present\ndeal review,2026-05-01,Globex,yes\n",
        );
        let expected = RecordTarget::PipelineMention {
            review: Review::DealReview,
            account: None,
            partner: Some("Globex".into()),
            partner_marketing_present: true,
        };
        assert_eq!(lines[0].target, expected);

        let (lines, _) = read(RecordKind::ScoreReview, "attendees,reviewed_at\n\"a@x.io; Bo Li\",2026-05-01\n");
        let expected = vec![PersonRef::Email("a@x.io".into()), PersonRef::Name("Bo Li".into())];
        assert_eq!(lines[0].target, RecordTarget::ScoreReview { attendees: expected });
    }

    #[test]
    fn missing_times_targets_and_codes_are_reported() {
        let (lines, problems) = read(
            RecordKind::Escalation,
            "topic,raised_at,account,partner\nsomething,,,\nWHICH_ACCOUNT,2030-01-01,Acme,\n",
        );
        assert!(lines.is_empty());
        let found: Vec<_> = problems.iter().map(|p| (p.row, p.column.clone().unwrap())).collect();
        let expected = [(2, "raised_at"), (2, "topic"), (2, "account"), (3, "raised_at")];
        assert_eq!(found, expected.map(|(r, c)| (r, c.to_owned())));
    }

    #[test]
    fn meetings_need_seller_account_and_partner() {
        let (_, problems) = read(RecordKind::PartnerMeeting, "seller,account,partner,met_at\n,,,2026-05-01\n");
        let columns: Vec<_> = problems.iter().map(|p| p.column.clone().unwrap()).collect();
        assert_eq!(columns, vec!["seller", "account", "partner"]);
    }
}
