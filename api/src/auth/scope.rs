use uuid::Uuid;

use crate::domain::Role;

/// Proof that the caller is, right now, a member of one organization with a given role.
///
/// Only `Viewer::require` (in this module's parent) can make one, after reading the caller's current
/// membership; every tenant-scoped store function takes it. A resolver that skips the check has no
/// scope to pass, so it does not compile.
#[derive(Debug, Clone)]
pub struct OrgScope {
    organization_id: Uuid,
    user_id: Uuid,
    role: Role,
    /// The API token the caller acts through, if any (recorded in the audit trail).
    api_token_id: Option<Uuid>,
}

impl OrgScope {
    pub(super) fn new(organization_id: Uuid, user_id: Uuid, role: Role, api_token_id: Option<Uuid>) -> Self {
        Self { organization_id, user_id, role, api_token_id }
    }

    /// The scope of a member proven some other way than by a request's credential, with the role
    /// they hold now: the member the `import` command acts as (whoever runs the binary against
    /// the database is trusted already), or the maker of a signed report link.
    pub async fn of_member(
        store: &crate::store::Store,
        organization_id: Uuid,
        user_id: Uuid,
    ) -> Result<Option<Self>, crate::store::StoreError> {
        let roles = crate::store::memberships::roles_in(store.conn(), organization_id, &[user_id]).await?;
        Ok(roles.get(&user_id).map(|&role| Self::new(organization_id, user_id, role, None)))
    }

    pub fn api_token_id(&self) -> Option<Uuid> {
        self.api_token_id
    }

    pub fn organization_id(&self) -> Uuid {
        self.organization_id
    }

    /// The member acting: the logged-in user, or the member an API token acts as.
    pub fn user_id(&self) -> Uuid {
        self.user_id
    }

    pub fn role(&self) -> Role {
        self.role
    }

    pub fn has_role(&self, roles: &[Role]) -> bool {
        roles.contains(&self.role)
    }
}
