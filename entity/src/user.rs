use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Stored lowercased; unique.
    #[sea_orm(unique)]
    pub email: String,
    pub name: String,
    /// PHC string of an argon2id hash.
    pub password_hash: String,
    pub created_at: DateTimeUtc,
    /// Access tokens issued before this time are refused (set when the password changes or the
    /// person logs out everywhere).
    pub sessions_valid_after: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::membership::Entity")]
    Membership,
}

impl Related<super::membership::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Membership.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
