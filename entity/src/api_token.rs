use sea_orm::entity::prelude::*;

use crate::Role;

/// A long-lived credential for one organization and one role, acting as one member.
/// Only the SHA-256 of the secret is stored.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_tokens")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    /// The member the token acts as.
    pub user_id: Uuid,
    pub created_by: Uuid,
    pub name: String,
    pub role: Role,
    /// Hex SHA-256 of the whole secret.
    #[sea_orm(unique)]
    pub secret_hash: String,
    /// The first characters of the secret, shown so people can tell tokens apart.
    pub secret_prefix: String,
    pub created_at: DateTimeUtc,
    pub last_used_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::organization::Entity",
        from = "Column::OrganizationId",
        to = "super::organization::Column::Id",
        on_delete = "Cascade"
    )]
    Organization,
}

impl Related<super::organization::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Organization.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
