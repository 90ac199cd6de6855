use super::Role;

/// The last ADMIN cannot be removed or demoted: an organization without an admin could no longer
/// manage its members or tokens.
///
/// `admins_now` counts the organization's ADMINs before the change; `current` is the member's role;
/// `next` is the new role, or `None` when the member is removed.
pub fn keeps_an_admin(admins_now: u64, current: Role, next: Option<Role>) -> bool {
    let loses_admin = current == Role::Admin && next != Some(Role::Admin);
    !(loses_admin && admins_now <= 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_admin_cannot_be_removed_or_demoted() {
        assert!(!keeps_an_admin(1, Role::Admin, None));
        assert!(!keeps_an_admin(1, Role::Admin, Some(Role::Seller)));
    }

    #[test]
    fn an_admin_with_a_fellow_admin_can_leave() {
        assert!(keeps_an_admin(2, Role::Admin, None));
        assert!(keeps_an_admin(2, Role::Admin, Some(Role::SalesLeader)));
    }

    #[test]
    fn other_changes_never_touch_the_rule() {
        assert!(keeps_an_admin(1, Role::Admin, Some(Role::Admin)));
        assert!(keeps_an_admin(1, Role::Seller, None));
        assert!(keeps_an_admin(1, Role::Seller, Some(Role::Admin)));
    }
}
