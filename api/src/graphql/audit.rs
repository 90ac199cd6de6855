//! The audit trail as clients read it: `Organization.auditLog`, ADMIN only, newest first.

use async_graphql::dataloader::DataLoader;
use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};

use super::context::{store, viewer};
use super::ids::{Kind, encode};
use super::loaders::UserLoader;
use super::users::{Seen, Viewer};
use crate::domain::access::ADMINS;
use crate::error::AppResult;
use crate::store::Page;
use crate::store::audit;

/// One audited change: who did what, when.
pub struct AuditEvent(pub audit::AuditEvent);

/// One audited change: who did what, when.
#[Object]
impl AuditEvent {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::AuditEvent, self.0.id)
    }
    /// What happened, as a dotted name: `invitation.sent`, `invitation.accepted`,
    /// `invitation.revoked`, `member.role_changed`, `member.removed`, `api_token.created`,
    /// `api_token.revoked`, `webhook.created`, `webhook.disabled`,
    /// `agreement.drafted`, `agreement.signed`, `organization.settings_changed`,
    /// `organization.exported`, `organization.imported`, `report.link_created`.
    async fn action(&self) -> &'static str {
        crate::domain::audit::Action::from(self.0.action).name()
    }
    /// When it happened.
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
    /// Who did it (their `memberships` are not shown here); null once their account is gone.
    async fn actor(&self, ctx: &Context<'_>) -> AppResult<Option<Viewer>> {
        let Some(id) = self.0.actor_user_id else { return Ok(None) };
        let user = ctx.data_unchecked::<DataLoader<UserLoader>>().load_one(id).await?;
        Ok(user.map(|u| Viewer(u, Seen::ByOthers)))
    }
    /// The API token the actor used, when they used one.
    async fn api_token_id(&self) -> Option<ID> {
        self.0.api_token_id.map(|id| encode(Kind::ApiToken, id))
    }
    /// The changed thing's row id (a UUID), when it has one.
    async fn target_id(&self) -> Option<String> {
        self.0.target_id.map(|id| id.to_string())
    }
    /// A short description, e.g. `sam@acme.example as SELLER`. Never holds a secret.
    async fn detail(&self) -> &str {
        &self.0.detail
    }
}

/// One page of the organization's trail, newest first (ADMIN only).
pub async fn list(
    ctx: &Context<'_>,
    organization_id: uuid::Uuid,
    page: Page,
) -> AppResult<async_graphql::connection::Connection<String, AuditEvent>> {
    let scope = viewer(ctx).require(organization_id, ADMINS).await?;
    let tx = store(ctx).tenant(&scope).await?;
    let (rows, has_next) = audit::list(&tx, page).await?;
    tx.commit().await?;
    Ok(super::paging::connection(rows, has_next, page, |r| r.id, AuditEvent))
}
