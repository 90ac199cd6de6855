//! A handoffs file: one row per handoff, its packet, its grades and, when it was sent, the seller's
//! answer. Column rules are in docs/import.md.

use chrono::{DateTime, Utc};

use super::cells::{self, PersonRef};
use super::sheet::{Columns, Line, Sheet};
use super::{Problem, Problems};
use crate::domain::scorecard::{Component, Decision, Grade, HandoffStatus, PacketContent};
use crate::domain::text::{self, LongText, Note, ShortText};

/// A column of a component's grade, e.g. `partner_offer_grade`.
pub fn grade_column(component: Component) -> String {
    format!("{}_grade", component.code().to_ascii_lowercase())
}

pub const COLUMNS: Columns = Columns {
    required: &["title", "account", "partner", "seller"],
    optional: &[
        "created_by",
        "created_at",
        "why_this_account",
        "why_now",
        "partner_context",
        "partner_person",
        "our_person",
        "connecting_thread",
        "buyer_problem",
        "offer_description",
        "offer_available_by",
        "offer_agreed_with_partner",
        "next_action",
        "next_action_due_by",
        "owner",
        "acceptance_definition",
        "response_window_days",
        "proof",
        "target_account_logic_grade",
        "partner_context_grade",
        "relationship_path_grade",
        "buyer_problem_grade",
        "partner_offer_grade",
        "next_action_grade",
        "owner_grade",
        "acceptance_criteria_grade",
        "proof_grade",
        "sent_at",
        "response",
        "responded_at",
        "response_reason",
        "failed_components",
    ],
};

/// One handoff as the file has it; people, the account and the partner still by name.
#[derive(Debug, Clone)]
pub struct HandoffLine {
    pub row: u32,
    pub title: String,
    pub account: String,
    pub partner: String,
    pub seller: PersonRef,
    /// The author; the importing member when empty.
    pub created_by: Option<PersonRef>,
    pub created_at: DateTime<Utc>,
    pub owner: Option<PersonRef>,
    /// The packet; its owner is still `owner`, matched later.
    pub content: PacketContent,
    pub grades: Vec<(Component, Grade)>,
    pub sent_at: Option<DateTime<Utc>>,
    pub response: Option<ResponseLine>,
}

/// The seller's answer to a sent handoff.
#[derive(Debug, Clone)]
pub struct ResponseLine {
    pub decision: Decision,
    pub at: DateTime<Utc>,
    pub reason: Option<String>,
    pub failed_components: Vec<Component>,
}

impl HandoffLine {
    /// When a sent handoff had to be answered by.
    pub fn respond_by(&self) -> Option<DateTime<Utc>> {
        Some(crate::domain::scorecard::respond_by(self.sent_at?, self.content.response_window_days?))
    }

    pub fn status(&self) -> HandoffStatus {
        match (&self.sent_at, self.response.as_ref().map(|r| r.decision)) {
            (None, _) => HandoffStatus::Draft,
            (Some(_), Some(Decision::Accept)) => HandoffStatus::Accepted,
            (Some(_), Some(Decision::Decline)) => HandoffStatus::Declined,
            (Some(_), _) => HandoffStatus::Sent,
        }
    }
}

/// Reads every row of `sheet` as a handoff as of `now`: the lines without problems, and the
/// problems of the others.
pub fn handoff_lines(sheet: &Sheet, now: DateTime<Utc>) -> (Vec<HandoffLine>, Problems) {
    let mut lines = Vec::with_capacity(sheet.len());
    let mut problems = Problems::default();
    for line in sheet.lines() {
        let before = problems.count();
        let mut cell = Cells { line: &line, problems: &mut problems, before };
        if let Some(handoff) = cell.handoff(now) {
            lines.push(handoff);
        }
    }
    (lines, problems)
}

/// Reads one row's cells, noting each cell's problem and going on, so one pass finds them all. A
/// cell whose problem was found reading the file is not read again (nor reported twice), and a row
/// with any problem yields no line.
pub(super) struct Cells<'a, 'b> {
    pub line: &'a Line<'a>,
    pub problems: &'b mut Problems,
    pub before: u64,
}

impl Cells<'_, '_> {
    pub fn read<T>(&mut self, column: &str, parse: impl FnOnce(&str) -> Result<T, String>) -> Option<T> {
        if self.line.is_bad(column) {
            return None;
        }
        match parse(self.line.get(column)) {
            Ok(value) => Some(value),
            Err(message) => {
                self.problem(Some(column), message);
                None
            }
        }
    }

    pub fn problem(&mut self, column: Option<&str>, message: impl Into<String>) {
        self.problems.push(Problem::new(self.line.row, column, message));
    }

    /// Whether this row has had a problem so far, reading the file included.
    pub fn failed(&self) -> bool {
        self.line.flagged() || self.problems.count() > self.before
    }

    pub fn required_name(&mut self, column: &str) -> Option<String> {
        self.read(column, |raw| ShortText::required_string(raw).map_err(|e| e.0))
    }

    pub fn note(&mut self, column: &str) -> Option<Option<String>> {
        self.read(column, |raw| Note::optional_string(Some(raw)).map_err(|e| e.0))
    }

    fn long(&mut self, column: &str) -> Option<Option<String>> {
        self.read(column, |raw| LongText::optional_string(Some(raw)).map_err(|e| e.0))
    }

    fn short(&mut self, column: &str) -> Option<Option<String>> {
        self.read(column, |raw| ShortText::optional_string(Some(raw)).map_err(|e| e.0))
    }

    pub fn person(&mut self, column: &str) -> Option<Option<PersonRef>> {
        self.read(column, PersonRef::parse)
    }

    /// A moment that has happened: not in the future, within the last five years.
    pub fn past(&mut self, column: &str, now: DateTime<Utc>) -> Option<Option<DateTime<Utc>>> {
        self.read(column, |raw| match cells::instant(raw)? {
            None => Ok(None),
            Some(at) => text::happened_at(Some(at), now).map(Some).map_err(|e| e.0),
        })
    }

    fn handoff(&mut self, now: DateTime<Utc>) -> Option<HandoffLine> {
        let title = self.required_name("title");
        let account = self.required_name("account");
        let partner = self.required_name("partner");
        let seller = self.person("seller").and_then(|seller| {
            seller.or_else(|| {
                self.problem(Some("seller"), "must name the addressed seller (an email or a member's name)");
                None
            })
        });
        let created_by = self.person("created_by");
        let owner = self.person("owner");
        let created_at = self.past("created_at", now);
        let texts = [
            "why_this_account",
            "why_now",
            "partner_context",
            "connecting_thread",
            "buyer_problem",
            "offer_description",
            "next_action",
            "acceptance_definition",
        ]
        .map(|column| self.long(column));
        let partner_person = self.short("partner_person");
        let our_person = self.short("our_person");
        let offer_available_by = self.read("offer_available_by", cells::date);
        let next_action_due_by = self.read("next_action_due_by", cells::date);
        let offer_agreed_with_partner = self.read("offer_agreed_with_partner", cells::flag);
        let response_window_days = self.read("response_window_days", |raw| {
            if raw.is_empty() {
                return Ok(None);
            }
            let days: i32 = raw.parse().map_err(|_| "must be a whole number of days, 1 to 90".to_owned())?;
            text::response_window_days(days).map(Some).map_err(|e| e.0)
        });
        let proof = self.read("proof", cells::proof);
        let mut grades = Vec::new();
        for component in Component::ALL {
            if let Some(Some(grade)) = self.read(&grade_column(component), cells::grade) {
                grades.push((component, grade));
            }
        }
        let sent_at = self.past("sent_at", now);
        let response = self.response(now);
        if self.failed() {
            return None;
        }
        let [
            why_this_account,
            why_now,
            partner_context,
            connecting_thread,
            buyer_problem,
            offer_description,
            next_action,
            acceptance_definition,
        ] = texts.map(Option::unwrap_or_default);
        let line = HandoffLine {
            row: self.line.row,
            title: title?,
            account: account?,
            partner: partner?,
            seller: seller?,
            created_by: created_by?,
            // Without its own time a row was written when it was sent, or is written now.
            created_at: created_at?.or(sent_at.flatten()).unwrap_or(now),
            owner: owner?,
            content: PacketContent {
                why_this_account,
                why_now,
                partner_context,
                partner_person: partner_person?,
                our_person: our_person?,
                connecting_thread,
                buyer_problem,
                offer_description,
                offer_available_by: offer_available_by?,
                offer_agreed_with_partner: offer_agreed_with_partner?,
                next_action,
                next_action_due_by: next_action_due_by?,
                owner_id: None,
                acceptance_definition,
                response_window_days: response_window_days?,
                proof: proof?,
            },
            grades,
            sent_at: sent_at.flatten(),
            response: response?,
        };
        self.check_history(&line);
        (!self.failed()).then_some(line)
    }

    fn response(&mut self, now: DateTime<Utc>) -> Option<Option<ResponseLine>> {
        let decision = self.read("response", cells::decision);
        let at = self.past("responded_at", now);
        let reason = self.note("response_reason");
        let failed_components = self.read("failed_components", cells::components);
        let (decision, at, reason, failed_components) = (decision?, at?, reason?, failed_components?);
        let Some(decision) = decision else {
            if at.is_some() || reason.is_some() || !failed_components.is_empty() {
                self.problem(Some("response"), "must say the seller's answer when the row has its time or reason");
                return None;
            }
            return Some(None);
        };
        let Some(at) = at else {
            self.problem(Some("responded_at"), "must say when the seller answered");
            return None;
        };
        if !failed_components.is_empty() && decision != Decision::Decline {
            self.problem(Some("failed_components"), "only a DECLINE names failed components");
            return None;
        }
        Some(Some(ResponseLine { decision, at, reason, failed_components }))
    }

    /// A history that could have happened: written, then sent, then answered, in that order.
    fn check_history(&mut self, line: &HandoffLine) {
        let Some(sent_at) = line.sent_at else {
            if line.response.is_some() {
                self.problem(Some("sent_at"), "must say when the handoff was sent, since it has an answer");
            }
            return;
        };
        if sent_at < line.created_at {
            self.problem(Some("sent_at"), "is before the handoff was created (`created_at`)");
        }
        if line.content.response_window_days.is_none() {
            self.problem(Some("response_window_days"), "must be set on a sent handoff (its respond-by time)");
        }
        if let Some(response) = &line.response
            && response.at < sent_at
        {
            self.problem(Some("responded_at"), "is before the handoff was sent");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::import::Sheet;

    fn now() -> DateTime<Utc> {
        "2026-06-01T12:00:00Z".parse().unwrap()
    }

    fn lines(text: &str) -> (Vec<HandoffLine>, Vec<Problem>) {
        let (sheet, mut problems) = Sheet::read(text.as_bytes(), &COLUMNS).unwrap();
        let (lines, more) = handoff_lines(&sheet, now());
        problems.append(more);
        (lines, problems.into_listed().0)
    }

    const HEAD: &str = "title,account,partner,seller,proof_grade,owner_grade,sent_at,response_window_days,response,responded_at,failed_components\n";

    #[test]
    fn a_full_row_reads_with_its_history() {
        let (lines, problems) = lines(&format!(
            "{HEAD}Intro,Acme,Globex,ana@x.io,STRONG,weak,2026-05-01,3,declined,2026-05-02 09:00,proof;owner\n"
        ));
        assert!(problems.is_empty(), "{problems:?}");
        let line = &lines[0];
        assert_eq!(line.row, 2);
        assert_eq!(line.grades, vec![(Component::Owner, Grade::Weak), (Component::Proof, Grade::Strong)]);
        assert_eq!(line.status(), HandoffStatus::Declined);
        assert_eq!(line.created_at, line.sent_at.unwrap());
        assert_eq!(line.respond_by().unwrap().to_rfc3339(), "2026-05-04T00:00:00+00:00");
        assert_eq!(line.response.as_ref().unwrap().failed_components, vec![Component::Proof, Component::Owner]);
    }

    #[test]
    fn a_draft_needs_no_history() {
        let (lines, problems) = lines(&format!("{HEAD}Intro,Acme,Globex,Ana Lopez,,,,,,,\n"));
        assert!(problems.is_empty());
        assert_eq!(lines[0].status(), HandoffStatus::Draft);
        assert_eq!(lines[0].seller, PersonRef::Name("Ana Lopez".into()));
    }

    #[test]
    fn every_problem_of_a_row_is_reported() {
        let (lines, problems) =
            lines(&format!("{HEAD},Acme,Globex,,GOOD,,2027-01-01,120,maybe,,\nB,Acme,Globex,a@x.io,,,,,,,proof\n"));
        assert!(lines.is_empty());
        let found: Vec<_> = problems.iter().map(|p| (p.row, p.column.clone().unwrap())).collect();
        let expected = [
            (2, "title"),
            (2, "seller"),
            (2, "response_window_days"),
            (2, "proof_grade"),
            (2, "sent_at"),
            (2, "response"),
            (3, "response"),
        ];
        assert_eq!(found, expected.map(|(r, c)| (r, c.to_owned())));
    }

    #[test]
    fn an_impossible_history_is_refused() {
        let text = format!(
            "{HEAD}A,Acme,Globex,a@x.io,,,2026-05-01,,,,\nB,Acme,Globex,a@x.io,,,2026-05-01,3,accept,2026-04-01,\n\
             C,Acme,Globex,a@x.io,,,,,accept,2026-04-01,\nD,Acme,Globex,a@x.io,,,2026-05-01,3,accept,,\n\
             E,Acme,Globex,a@x.io,,,2026-05-01,3,accept,2026-05-02,proof\n"
        );
        let (lines, problems) = lines(&text);
        assert!(lines.is_empty());
        let found: Vec<_> = problems.iter().map(|p| (p.row, p.column.clone().unwrap())).collect();
        let expected = [
            (2, "response_window_days"),
            (3, "responded_at"),
            (4, "sent_at"),
            (5, "responded_at"),
            (6, "failed_components"),
        ];
        assert_eq!(found, expected.map(|(r, c)| (r, c.to_owned())));
    }

    #[test]
    fn a_cell_with_a_problem_is_reported_once_and_its_row_yields_nothing() {
        let (read, problems) = lines("title,account,partner,seller\n=cmd,Acme,Globex,a@x.io\n");
        assert!(read.is_empty());
        assert_eq!(problems.len(), 1, "not also `title must not be empty`: {problems:?}");
        let (read, problems) = lines(
            "title,account,partner,seller,response,responded_at,response_reason\nA,Acme,Globex,a@x.io,maybe,never,\n",
        );
        assert!(read.is_empty());
        let columns: Vec<_> = problems.iter().map(|p| p.column.clone().unwrap()).collect();
        assert_eq!(columns, ["response", "responded_at"], "every cell of the answer is read");
    }

    #[test]
    fn created_after_sent_is_refused() {
        let text = "title,account,partner,seller,created_at,sent_at,response_window_days\n\
                    A,Acme,Globex,a@x.io,2026-05-02,2026-05-01,3\n";
        let (_, problems) = lines(text);
        assert_eq!(problems[0].column.as_deref(), Some("sent_at"));
    }
}
