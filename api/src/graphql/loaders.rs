//! Batch loaders, one set per request (batching only, no cache, so nothing goes stale).

use std::collections::HashMap;

use async_graphql::dataloader::{DataLoader, Loader};
use uuid::Uuid;

use crate::error::AppError;
use crate::store::{Store, users};

/// People by id. Users belong to no organization; callers reach them only through rows they may see.
pub struct UserLoader(pub Store);

impl Loader<Uuid> for UserLoader {
    type Value = users::User;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = users::find_many(self.0.conn(), keys).await?;
        Ok(rows.into_iter().map(|u| (u.id, u)).collect())
    }
}

pub fn user_loader(store: Store) -> DataLoader<UserLoader> {
    DataLoader::new(UserLoader(store), tokio::spawn)
}

/// Accounts by (organization, id): rows name accounts of their own organization only.
pub struct AccountLoader(pub Store);

impl Loader<(Uuid, Uuid)> for AccountLoader {
    type Value = crate::store::accounts::Account;
    type Error = AppError;

    async fn load(&self, keys: &[(Uuid, Uuid)]) -> Result<HashMap<(Uuid, Uuid), Self::Value>, Self::Error> {
        let rows = crate::store::tenant_table::find_keyed::<entity::account::Entity>(self.0.conn(), keys).await?;
        Ok(rows.into_iter().map(|a| ((a.organization_id, a.id), a)).collect())
    }
}

/// Partners by (organization, id).
pub struct PartnerLoader(pub Store);

impl Loader<(Uuid, Uuid)> for PartnerLoader {
    type Value = crate::store::partners::Partner;
    type Error = AppError;

    async fn load(&self, keys: &[(Uuid, Uuid)]) -> Result<HashMap<(Uuid, Uuid), Self::Value>, Self::Error> {
        let rows = crate::store::tenant_table::find_keyed::<entity::partner::Entity>(self.0.conn(), keys).await?;
        Ok(rows.into_iter().map(|p| ((p.organization_id, p.id), p)).collect())
    }
}

/// A handoff's gradings, oldest first, by (organization, handoff).
pub struct GradeHistoryLoader(pub Store);

impl Loader<(Uuid, Uuid)> for GradeHistoryLoader {
    type Value = Vec<crate::store::grades::GradeRow>;
    type Error = AppError;

    async fn load(&self, keys: &[(Uuid, Uuid)]) -> Result<HashMap<(Uuid, Uuid), Self::Value>, Self::Error> {
        let rows = crate::store::grades::history_keyed(self.0.conn(), keys).await?;
        Ok(group(rows, |r| (r.organization_id, r.handoff_id)))
    }
}

/// A handoff's responses, oldest first, by (organization, handoff).
pub struct ResponseLoader(pub Store);

impl Loader<(Uuid, Uuid)> for ResponseLoader {
    type Value = Vec<crate::store::responses::ResponseRow>;
    type Error = AppError;

    async fn load(&self, keys: &[(Uuid, Uuid)]) -> Result<HashMap<(Uuid, Uuid), Self::Value>, Self::Error> {
        let rows = crate::store::responses::of_handoffs_keyed(self.0.conn(), keys).await?;
        Ok(group(rows, |r| (r.organization_id, r.handoff_id)))
    }
}

fn group<T>(rows: Vec<T>, key: impl Fn(&T) -> (Uuid, Uuid)) -> HashMap<(Uuid, Uuid), Vec<T>> {
    let mut out: HashMap<(Uuid, Uuid), Vec<T>> = HashMap::new();
    for row in rows {
        out.entry(key(&row)).or_default().push(row);
    }
    out
}
