//! Partners: who the organization brings to sales. PARTNER_MARKETER and ADMIN write; members read.

use std::sync::Arc;

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::context::{now, store};
use super::ids::{Kind, encode};
use super::paging::connection;
use super::scoping::read_in;
use super::scoping::{in_organization, owner_of};
use super::total_count::{CountOf, TotalCount, counted};
use crate::domain::Role;
use crate::domain::access::PACKET_WRITERS;
use crate::domain::text::{Note, ShortText};
use crate::error::{AppError, AppResult, field};
use crate::store::Page;
use crate::store::partners::{self, PartnerFields};
use crate::store::tenant_table;

/// A partner company partner marketing brings to sales.
/// The row is shared: a page names the same partners many times.
#[derive(Clone)]
pub struct Partner(pub Arc<partners::Partner>);

impl From<partners::Partner> for Partner {
    fn from(row: partners::Partner) -> Self {
        Self(Arc::new(row))
    }
}

/// A partner company partner marketing brings to sales.
#[Object]
impl Partner {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::Partner, self.0.id)
    }
    /// The partner's name, 1 to 200 characters.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// What the partner sells.
    async fn sells(&self) -> &str {
        &self.0.sells
    }
    /// Why the partner matters for the organization's accounts.
    async fn why_they_matter(&self) -> &str {
        &self.0.why_they_matter
    }
    /// When the partner was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// Set when archived; archived partners leave lists but keep their history.
    async fn archived_at(&self) -> Option<DateTime<Utc>> {
        self.0.archived_at
    }
}

/// A new partner.
#[derive(InputObject)]
pub struct CreatePartnerInput {
    /// The organization's ID.
    pub organization_id: ID,
    /// 1 to 200 characters.
    pub name: String,
    /// What the partner sells.
    pub sells: Option<String>,
    /// Why the partner matters for this organization's accounts.
    pub why_they_matter: Option<String>,
}

/// The result of `createPartner`.
#[derive(SimpleObject)]
pub struct CreatePartnerPayload {
    /// The new partner.
    pub partner: Partner,
}

/// Changes to a partner; omitted fields stay as they are.
#[derive(InputObject)]
pub struct UpdatePartnerInput {
    /// The partner's ID.
    pub id: ID,
    /// The new name, 1 to 200 characters; omit to keep it.
    pub name: Option<String>,
    /// What the partner sells, at most 2000 characters; omit to keep it, an empty string clears it.
    pub sells: Option<String>,
    /// Why the partner matters, at most 2000 characters; omit to keep it, an empty string clears it.
    pub why_they_matter: Option<String>,
}

/// The result of `updatePartner`.
#[derive(SimpleObject)]
pub struct UpdatePartnerPayload {
    /// The partner after the change.
    pub partner: Partner,
}

/// Archives a partner.
#[derive(InputObject)]
pub struct ArchivePartnerInput {
    /// The partner's ID.
    pub id: ID,
}

/// The result of `archivePartner`.
#[derive(SimpleObject)]
pub struct ArchivePartnerPayload {
    /// The archived partner.
    pub partner: Partner,
}

fn fields(name: &str, sells: Option<&str>, why: Option<&str>) -> AppResult<PartnerFields> {
    Ok(PartnerFields {
        name: ShortText::required_string(name).map_err(field("name"))?,
        sells: Note::optional_string(sells).map_err(field("sells"))?.unwrap_or_default(),
        why_they_matter: Note::optional_string(why).map_err(field("whyTheyMatter"))?.unwrap_or_default(),
    })
}

#[derive(Default)]
pub struct PartnerMutation;

#[Object]
impl PartnerMutation {
    /// PARTNER_MARKETER or ADMIN.
    async fn create_partner(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organization and the new partner's details.")] input: CreatePartnerInput,
    ) -> AppResult<CreatePartnerPayload> {
        let scope = in_organization(ctx, &input.organization_id, PACKET_WRITERS).await?;
        let fields = fields(&input.name, input.sells.as_deref(), input.why_they_matter.as_deref())?;
        let tx = store(ctx).tenant(&scope).await?;
        let row = partners::create(&tx, fields, now(ctx)).await?;
        tx.commit().await?;
        Ok(CreatePartnerPayload { partner: Partner::from(row) })
    }

    /// PARTNER_MARKETER or ADMIN.
    async fn update_partner(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The partner and the fields to change.")] input: UpdatePartnerInput,
    ) -> AppResult<UpdatePartnerPayload> {
        let (scope, id) = owner_of(ctx, &input.id, Kind::Partner, "id", PACKET_WRITERS).await?;
        let tx = store(ctx).tenant(&scope).await?;
        let row =
            tenant_table::find::<entity::partner::Entity>(&tx, id).await?.ok_or(AppError::NotFound(Some("id")))?;
        let fields = fields(
            input.name.as_deref().unwrap_or(&row.name),
            Some(input.sells.as_deref().unwrap_or(&row.sells)),
            Some(input.why_they_matter.as_deref().unwrap_or(&row.why_they_matter)),
        )?;
        let row = partners::update(&tx, row, fields, now(ctx)).await?;
        tx.commit().await?;
        Ok(UpdatePartnerPayload { partner: Partner::from(row) })
    }

    /// PARTNER_MARKETER or ADMIN. Handoffs with this partner keep it.
    async fn archive_partner(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The partner to archive.")] input: ArchivePartnerInput,
    ) -> AppResult<ArchivePartnerPayload> {
        let (scope, id) = owner_of(ctx, &input.id, Kind::Partner, "id", PACKET_WRITERS).await?;
        let tx = store(ctx).tenant(&scope).await?;
        let row =
            tenant_table::find::<entity::partner::Entity>(&tx, id).await?.ok_or(AppError::NotFound(Some("id")))?;
        let row = tenant_table::archive::<entity::partner::Entity>(&tx, row, now(ctx)).await?;
        tx.commit().await?;
        Ok(ArchivePartnerPayload { partner: Partner::from(row) })
    }
}

/// `Organization.partners`: one page in creation order, with the total.
pub async fn list(
    ctx: &Context<'_>,
    organization_id: uuid::Uuid,
    page: Page,
    include_archived: bool,
) -> AppResult<Connection<String, Partner, TotalCount>> {
    read_in(ctx, organization_id, &Role::ALL, async |tx| {
        let (rows, has_next) = partners::list(tx, include_archived, page).await?;
        let listed = connection(rows, has_next, page, |p| p.id, Partner::from);
        Ok(counted(listed, tx.scope().clone(), CountOf::Partners { include_archived }))
    })
    .await
}
