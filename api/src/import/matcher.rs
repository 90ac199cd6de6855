//! Matching a file's names against the organization: people by email or by a name only one member
//! has; accounts and partners by name, ignoring case. Accounts and partners a handoffs file names
//! that the organization lacks are created (and reported); people never are: a person joins an
//! organization only by accepting an invitation.

use std::collections::{BTreeSet, HashMap};

use uuid::Uuid;

use crate::domain::Role;
use crate::domain::import::PersonRef;
// Names compare trimmed, case and runs of spaces ignored, as handoff titles do.
use crate::store::import::title_key as key;
use crate::store::import::{Directory, Member, Named, NewNamed};

pub struct Matcher {
    by_email: HashMap<String, usize>,
    by_name: HashMap<String, Vec<usize>>,
    members: Vec<Member>,
    accounts: HashMap<String, Vec<Named>>,
    partners: HashMap<String, Vec<Named>>,
    pub new_accounts: Vec<NewNamed>,
    pub new_partners: Vec<NewNamed>,
    new_index: HashMap<(bool, String), Uuid>,
    pub unknown_people: BTreeSet<String>,
}

fn by_key(rows: Vec<Named>) -> HashMap<String, Vec<Named>> {
    let mut map: HashMap<String, Vec<Named>> = HashMap::new();
    for row in rows {
        map.entry(key(&row.name)).or_default().push(row);
    }
    map
}

impl Matcher {
    pub fn new(directory: Directory) -> Self {
        let mut by_email = HashMap::new();
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, m) in directory.members.iter().enumerate() {
            by_email.insert(m.email.to_lowercase(), i);
            by_name.entry(key(&m.name)).or_default().push(i);
        }
        Self {
            by_email,
            by_name,
            members: directory.members,
            accounts: by_key(directory.accounts),
            partners: by_key(directory.partners),
            new_accounts: Vec::new(),
            new_partners: Vec::new(),
            new_index: HashMap::new(),
            unknown_people: BTreeSet::new(),
        }
    }

    /// The member `person` names, who must hold one of `roles`.
    pub fn person(&mut self, person: &PersonRef, roles: &[Role]) -> Result<Uuid, String> {
        let found = match person {
            PersonRef::Email(email) => self.by_email.get(email).copied().ok_or_else(|| {
                format!("no member of the organization has the email {email}; invite them, then import again")
            }),
            PersonRef::Name(name) => match self.by_name.get(&key(name)).map(Vec::as_slice) {
                Some([one]) => Ok(*one),
                Some(many) if many.len() > 1 => {
                    Err(format!("{} members are named {name}; give their email instead", many.len()))
                }
                _ => Err(format!("no member is named {name}; give their email, or invite them first")),
            },
        };
        let member = match found {
            Ok(i) => &self.members[i],
            Err(message) => {
                if !message.contains("members are named") {
                    self.unknown_people.insert(person.shown().to_owned());
                }
                return Err(message);
            }
        };
        if !roles.contains(&member.role) {
            let wanted: Vec<_> = roles.iter().map(|r| r.contract_name()).collect();
            return Err(format!(
                "{} is a {}, and this column needs a {}",
                person.shown(),
                member.role.contract_name(),
                wanted.join(" or ")
            ));
        }
        Ok(member.user_id)
    }

    /// The live account named `name`; one the organization lacks is created with `seller` when
    /// one is given, and is `None` otherwise.
    pub fn account(&mut self, name: &str, seller: Option<Uuid>) -> Result<Option<Uuid>, String> {
        self.named(false, name, seller)
    }

    /// The live partner named `name`; one the organization lacks is created when `create`.
    pub fn partner(&mut self, name: &str, create: bool) -> Result<Option<Uuid>, String> {
        self.named(true, name, create.then_some(Uuid::nil()))
    }

    /// Whether `id` is an account this import creates.
    pub fn is_new_account(&self, id: Uuid) -> bool {
        self.new_accounts.iter().any(|a| a.id == id)
    }

    fn named(&mut self, partner: bool, name: &str, create_with: Option<Uuid>) -> Result<Option<Uuid>, String> {
        let what = if partner { "partner" } else { "account" };
        let k = key(name);
        let existing = if partner { &self.partners } else { &self.accounts };
        if let Some(rows) = existing.get(&k) {
            let live: Vec<&Named> = rows.iter().filter(|r| !r.archived).collect();
            return match live.as_slice() {
                [one] => Ok(Some(one.id)),
                [] => Err(format!("the {what} {name} is archived; restore it or name another")),
                many => Err(format!("{} {what}s are named {name}; rename one so the name says which", many.len())),
            };
        }
        if let Some(id) = self.new_index.get(&(partner, k.clone())) {
            return Ok(Some(*id));
        }
        let Some(seller) = create_with else { return Ok(None) };
        let id = Uuid::now_v7();
        let new = NewNamed {
            id,
            name: name.split_whitespace().collect::<Vec<_>>().join(" "),
            seller_id: (!partner).then_some(seller),
        };
        if partner {
            self.new_partners.push(new);
        } else {
            self.new_accounts.push(new);
        }
        self.new_index.insert((partner, k), id);
        Ok(Some(id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher() -> Matcher {
        let member = |name: &str, email: &str, role| Member {
            user_id: Uuid::now_v7(),
            email: email.into(),
            name: name.into(),
            role,
        };
        let named = |name: &str, archived| Named { id: Uuid::now_v7(), name: name.into(), archived };
        Matcher::new(Directory {
            members: vec![
                member("Ana Lopez", "ana@x.io", Role::Seller),
                member("Bo Li", "bo@x.io", Role::Seller),
                member("Bo Li", "bo2@x.io", Role::PartnerMarketer),
            ],
            accounts: vec![
                named("Acme", false),
                named("Acme", true),
                named("Old", true),
                named("Twin", false),
                named("twin", false),
            ],
            partners: vec![named("Globex", false)],
        })
    }

    #[test]
    fn people_match_by_email_or_unique_name() {
        let mut m = matcher();
        assert!(m.person(&PersonRef::Email("ana@x.io".into()), &[Role::Seller]).is_ok());
        assert!(m.person(&PersonRef::Name("  ana   LOPEZ".into()), &[Role::Seller]).is_ok());
        assert!(m.person(&PersonRef::Name("Bo Li".into()), &Role::ALL).unwrap_err().contains("2 members"));
        let wrong = m.person(&PersonRef::Email("bo2@x.io".into()), &[Role::Seller]).unwrap_err();
        assert!(wrong.contains("PARTNER_MARKETER"), "{wrong}");
        assert!(m.person(&PersonRef::Email("zed@x.io".into()), &Role::ALL).is_err());
        assert_eq!(m.unknown_people.iter().collect::<Vec<_>>(), vec!["zed@x.io"]);
    }

    #[test]
    fn accounts_match_live_rows_and_new_ones_are_made_once() {
        let mut m = matcher();
        let seller = Uuid::now_v7();
        assert!(m.account("ACME", Some(seller)).unwrap().is_some());
        assert!(m.account("Old", Some(seller)).unwrap_err().contains("archived"));
        assert!(m.account("Twin", Some(seller)).unwrap_err().contains("2 accounts"));
        assert_eq!(m.account("Initech", None).unwrap(), None);
        let first = m.account("Initech", Some(seller)).unwrap();
        assert_eq!(m.account(" initech ", Some(Uuid::now_v7())).unwrap(), first);
        assert_eq!(m.new_accounts.len(), 1);
        assert_eq!(m.new_accounts[0].seller_id, Some(seller));
        assert!(m.partner("Globex", true).unwrap().is_some());
        assert_eq!(m.partner("Hooli", false).unwrap(), None);
        assert!(m.partner("Hooli", true).unwrap().is_some());
        assert_eq!(m.new_partners[0].seller_id, None);
    }
}
