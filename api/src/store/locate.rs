//! The one kind of unscoped read: which organization a row belongs to, by its id. It reveals
//! nothing but that id, so the caller's membership there can be checked before anything is read.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use super::StoreError;

pub(super) async fn organization_of<E: EntityTrait>(
    conn: &impl ConnectionTrait,
    id_column: E::Column,
    organization_column: E::Column,
    id: Uuid,
) -> Result<Option<Uuid>, StoreError> {
    Ok(E::find()
        .select_only()
        .column(organization_column)
        .filter(id_column.eq(id))
        .into_tuple::<Uuid>()
        .one(conn)
        .await?)
}
