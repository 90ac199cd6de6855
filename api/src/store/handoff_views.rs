//! A page of handoffs with everything their GraphQL fields show, loaded in a fixed number of
//! statements (grades, accounts, partners, people; the send gate's facts when asked) whatever the
//! page size.

use std::collections::HashMap;
use std::sync::Arc;

use sea_orm::ConnectionTrait;
use tokio::sync::OnceCell;
use uuid::Uuid;

use super::accounts::Account;
use super::grades::{self, GradeRow};
use super::handoffs::{self, HandoffRow, Listed, packet_of};
use super::organizations::{self, Organization};
use super::partners::Partner;
use super::tenant_table::{TenantTable, find_many, find_many_across};
use super::users::{self, User};
use super::{PortfolioTx, StoreError, TenantTx, memberships, working_agreements};
use crate::domain::Role;
use crate::domain::scorecard::{
    Component, Grade, GradeSet, OwnerFact, PacketFacts, SendCheck, SendFacts, SendRules, Suggestion, suggest,
};

/// The rows a handoff's fields show. What several handoffs of a page name (people, accounts,
/// partners) is read once and shared between their views, not copied into each.
#[derive(Debug, Clone)]
pub struct HandoffView {
    pub row: HandoffRow,
    /// The current grading of each graded component, at `Component::index()`.
    current_grades: CurrentGrades,
    pub account: Option<Arc<Account>>,
    pub partner: Option<Arc<Partner>>,
    /// What the views loaded together share: the people they name, their organization and its
    /// send rules.
    page: Arc<PageFacts>,
}

type CurrentGrades = [Option<Arc<GradeRow>>; Component::ALL.len()];

/// Facts about a page's organization, read once for the whole page and only when a field asks,
/// so a page's cost does not grow with its size.
#[derive(Debug)]
struct PageFacts {
    organization_id: Uuid,
    /// The people the page's fields name: sellers, owners, creators and current graders.
    people: HashMap<Uuid, Arc<User>>,
    seller_ids: Vec<Uuid>,
    organization: OnceCell<Organization>,
    /// The send rules and the page's sellers' roles.
    gate: OnceCell<(SendRules, HashMap<Uuid, Role>)>,
    /// What suggested grades read beyond the packet: the agreed working agreement's confirmed
    /// accounts, and the roles of the people the page names (owners among them).
    packet_context: OnceCell<PacketContext>,
}

/// The agreed working agreement's confirmed accounts (`None`: nothing agreed), and the roles of
/// the people a page names.
type PacketContext = (Option<Vec<Uuid>>, HashMap<Uuid, Role>);

impl HandoffView {
    pub fn grade_set(&self) -> GradeSet {
        GradeSet::from_pairs(
            Component::ALL.into_iter().filter_map(|c| self.current_grade(c).map(|row| (c, Grade::from(row.grade)))),
        )
    }

    /// The current grading of `component`; `None` when it was never graded.
    pub fn current_grade(&self, component: Component) -> Option<&Arc<GradeRow>> {
        self.current_grades[component.index()].as_ref()
    }

    pub fn person(&self, id: Option<Uuid>) -> Option<&Arc<User>> {
        id.and_then(|id| self.page.people.get(&id))
    }

    /// The send gate's check of this handoff: its organization's rules, its grades, and the people
    /// and terms it names (its seller counts only while a SELLER).
    pub async fn send_check(&self, conn: &impl ConnectionTrait) -> Result<SendCheck, StoreError> {
        let page = &self.page;
        let (rules, roles) = page
            .gate
            .get_or_try_init(|| async {
                let rules = working_agreements::send_rules(conn, page.organization_id).await?;
                let roles = memberships::roles_in(conn, page.organization_id, &page.seller_ids).await?;
                Ok::<_, StoreError>((rules, roles))
            })
            .await?;
        let seller_is_seller = self.row.seller_id.and_then(|s| roles.get(&s)).is_some_and(|r| *r == Role::Seller);
        Ok(rules.check(&self.grade_set(), packet_of(&self.row, seller_is_seller)?))
    }

    /// The grade the packet supports for each component (`domain::scorecard::suggest`), judged on
    /// the day it was sent, or on `today` while a draft. Two statements per page, on first use.
    pub async fn suggestions(
        &self,
        conn: &impl ConnectionTrait,
        today: chrono::NaiveDate,
    ) -> Result<Vec<Suggestion>, StoreError> {
        let page = &self.page;
        let (confirmed, roles) = page
            .packet_context
            .get_or_try_init(|| async {
                let confirmed = working_agreements::confirmed_accounts(conn, page.organization_id).await?;
                let named: Vec<Uuid> = page.people.keys().copied().collect();
                let roles = memberships::roles_in(conn, page.organization_id, &named).await?;
                Ok::<_, StoreError>((confirmed, roles))
            })
            .await?;
        let row = &self.row;
        let owner = self.person(row.owner_id);
        let proof = handoffs::proof_of(row);
        let facts = PacketFacts {
            on: row.sent_at.map_or(today, |at| at.date_naive()),
            agreement_agreed: confirmed.is_some(),
            account_confirmed: confirmed.as_ref().is_some_and(|ids| ids.contains(&row.account_id)),
            account_owned_by_seller: row
                .seller_id
                .is_some_and(|seller| self.account.as_ref().is_some_and(|a| a.seller_id == seller)),
            why_this_account: row.why_this_account.as_deref(),
            why_now: row.why_now.as_deref(),
            partner_context: row.partner_context.as_deref(),
            partner_person: row.partner_person.as_deref(),
            our_person: row.our_person.as_deref(),
            connecting_thread: row.connecting_thread.as_deref(),
            buyer_problem: row.buyer_problem.as_deref(),
            offer_description: row.offer_description.as_deref(),
            offer_available_by: row.offer_available_by,
            offer_agreed_with_partner: row.offer_agreed_with_partner,
            next_action: row.next_action.as_deref(),
            next_action_due_by: row.next_action_due_by,
            owner: owner.map(|o| OwnerFact { name: &o.name, email: &o.email, member: roles.contains_key(&o.id) }),
            acceptance_definition: row.acceptance_definition.as_deref(),
            response_window_days: row.response_window_days.and_then(|d| u16::try_from(d).ok()),
            proof_urls: proof.iter().map(|p| p.url.as_str()).collect(),
        };
        Ok(suggest(&facts))
    }

    /// The organization the handoff belongs to.
    pub async fn organization(&self, conn: &impl ConnectionTrait) -> Result<&Organization, StoreError> {
        let id = self.page.organization_id;
        self.page.organization.get_or_try_init(|| organizations::find(conn, id)).await
    }
}

/// The handoff `id`, locked, with everything its fields show and the facts the send gate decides
/// on: the rules in force and its seller's role come with the row in one read.
pub async fn for_send(tx: &TenantTx, id: Uuid) -> Result<Option<(HandoffView, SendFacts)>, StoreError> {
    let Some(bundle) = handoffs::lock_for_send(tx, id).await? else { return Ok(None) };
    let roles: HashMap<Uuid, Role> = bundle.row.seller_id.zip(bundle.seller_role).into_iter().collect();
    let seller_is_seller = bundle.seller_role == Some(Role::Seller);
    let facts_rules = bundle.rules.clone();
    let view = load_with(tx, vec![bundle.row], Some((bundle.rules, roles))).await?.remove(0);
    let facts = SendFacts {
        status: handoffs::status_of(&view.row),
        archived: view.row.archived_at.is_some(),
        grades: view.grade_set(),
        rules: facts_rules,
        packet: handoffs::packet_of(&view.row, seller_is_seller)?,
    };
    Ok(Some((view, facts)))
}

pub async fn load(tx: &TenantTx, rows: Vec<HandoffRow>) -> Result<Vec<HandoffView>, StoreError> {
    load_with(tx, rows, None).await
}

/// `load`, with the send rules and sellers' roles already known when `gate` is given.
async fn load_with(
    tx: &TenantTx,
    rows: Vec<HandoffRow>,
    gate: Option<(SendRules, HashMap<Uuid, Role>)>,
) -> Result<Vec<HandoffView>, StoreError> {
    let accounts = unique(rows.iter().map(|r| r.account_id));
    let accounts = by_id::<entity::account::Entity>(find_many::<entity::account::Entity>(tx, &accounts).await?);
    let partners = unique(rows.iter().map(|r| r.partner_id));
    let partners = by_id::<entity::partner::Entity>(find_many::<entity::partner::Entity>(tx, &partners).await?);
    with_grades_and_people(tx, rows, accounts, partners, gate).await
}

/// Views of a page of handoffs read with their accounts and partners (`handoffs::list`): grades
/// and people are the page's only further reads.
pub async fn load_listed(tx: &TenantTx, listed: Vec<Listed>) -> Result<Vec<HandoffView>, StoreError> {
    let (mut accounts, mut partners) = (HashMap::new(), HashMap::new());
    let mut rows = Vec::with_capacity(listed.len());
    for Listed { row, account, partner } in listed {
        if let Some(account) = account {
            accounts.entry(account.id).or_insert_with(|| Arc::new(account));
        }
        if let Some(partner) = partner {
            partners.entry(partner.id).or_insert_with(|| Arc::new(partner));
        }
        rows.push(row);
    }
    with_grades_and_people(tx, rows, accounts, partners, None).await
}

async fn with_grades_and_people(
    tx: &TenantTx,
    rows: Vec<HandoffRow>,
    accounts: HashMap<Uuid, Arc<Account>>,
    partners: HashMap<Uuid, Arc<Partner>>,
    gate: Option<(SendRules, HashMap<Uuid, Role>)>,
) -> Result<Vec<HandoffView>, StoreError> {
    let refs: Vec<&HandoffRow> = rows.iter().collect();
    let grade_rows = grades::of_handoffs(tx, &refs).await?;
    let people = unique(people_named(rows.iter(), grade_rows.iter()));
    let people = users::find_many_kept(tx.untenanted(), tx.credentials(), &people).await?;
    Ok(assemble(rows, grade_rows, Named { accounts, partners, people }, gate))
}

/// Views of handoffs of a portfolio's organizations (`handoffs::last_sent_across`), in the same
/// four statements as `load` whatever the number of organizations. The handoffs of each
/// organization share their facts, as a page's do.
pub async fn load_across(ptx: &PortfolioTx, rows: Vec<HandoffRow>) -> Result<Vec<HandoffView>, StoreError> {
    let handoff_ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let grade_rows = grades::of_handoffs_across(ptx, &handoff_ids).await?;
    let ids = NamedIds::of(&rows, &grade_rows);
    let accounts =
        by_id::<entity::account::Entity>(find_many_across::<entity::account::Entity>(ptx, &ids.accounts).await?);
    let partners =
        by_id::<entity::partner::Entity>(find_many_across::<entity::partner::Entity>(ptx, &ids.partners).await?);
    let people = users::find_many_kept(ptx.untenanted(), ptx.credentials(), &ids.people).await?;
    Ok(assemble(rows, grade_rows, Named { accounts, partners, people }, None))
}

/// The accounts, partners and people some handoffs and their gradings name.
struct NamedIds {
    accounts: Vec<Uuid>,
    partners: Vec<Uuid>,
    people: Vec<Uuid>,
}

impl NamedIds {
    fn of(rows: &[HandoffRow], grade_rows: &[GradeRow]) -> Self {
        Self {
            accounts: unique(rows.iter().map(|r| r.account_id)),
            partners: unique(rows.iter().map(|r| r.partner_id)),
            people: unique(people_named(rows.iter(), grade_rows.iter())),
        }
    }
}

fn people_named<'a>(
    rows: impl Iterator<Item = &'a HandoffRow>,
    grade_rows: impl Iterator<Item = &'a GradeRow>,
) -> impl Iterator<Item = Uuid> {
    rows.flat_map(|r| [r.seller_id, r.owner_id, Some(r.created_by)]).flatten().chain(grade_rows.map(|g| g.graded_by))
}

/// What `NamedIds` named, read.
struct Named {
    accounts: HashMap<Uuid, Arc<Account>>,
    partners: HashMap<Uuid, Arc<Partner>>,
    people: Vec<Arc<User>>,
}

/// The views of `rows`, those of one organization sharing one `PageFacts` (`gate` is given only
/// for one organization's handoff).
fn assemble(
    rows: Vec<HandoffRow>,
    grade_rows: Vec<GradeRow>,
    named: Named,
    mut gate: Option<(SendRules, HashMap<Uuid, Role>)>,
) -> Vec<HandoffView> {
    let people: HashMap<Uuid, Arc<User>> = named.people.into_iter().map(|u| (u.id, u)).collect();
    let mut pages: HashMap<Uuid, Arc<PageFacts>> = HashMap::new();
    for organization_id in unique(rows.iter().map(|r| r.organization_id)) {
        let of_organization = || rows.iter().filter(move |r| r.organization_id == organization_id);
        let grades = grade_rows.iter().filter(|g| g.organization_id == organization_id);
        let named = people_named(of_organization(), grades).filter_map(|id| Some((id, people.get(&id)?.clone())));
        pages.insert(
            organization_id,
            Arc::new(PageFacts {
                organization_id,
                people: named.collect(),
                seller_ids: unique(of_organization().filter_map(|r| r.seller_id)),
                organization: OnceCell::new(),
                gate: OnceCell::new_with(gate.take()),
                packet_context: OnceCell::new(),
            }),
        );
    }
    // Oldest first, so a later grading of a component replaces an earlier one.
    let mut current: HashMap<Uuid, CurrentGrades> = HashMap::with_capacity(rows.len());
    for grade in grade_rows {
        let (handoff, slot) = (grade.handoff_id, Component::from(grade.component).index());
        current.entry(handoff).or_default()[slot] = Some(Arc::new(grade));
    }
    rows.into_iter()
        .map(|row| HandoffView {
            current_grades: current.remove(&row.id).unwrap_or_default(),
            account: named.accounts.get(&row.account_id).cloned(),
            partner: named.partners.get(&row.partner_id).cloned(),
            page: pages[&row.organization_id].clone(),
            row,
        })
        .collect()
}

/// Rows by id, each shared by the views that name it.
fn by_id<T: TenantTable>(rows: Vec<T::Model>) -> HashMap<Uuid, Arc<T::Model>> {
    rows.into_iter().map(|row| (T::key(&row).1, Arc::new(row))).collect()
}

fn unique(ids: impl Iterator<Item = Uuid>) -> Vec<Uuid> {
    let mut ids: Vec<Uuid> = ids.collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}
