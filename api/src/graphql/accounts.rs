//! Accounts: the companies handoffs are about, each owned by one seller.

use std::sync::Arc;

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use async_graphql::dataloader::DataLoader;

use super::context::{now, store};
use super::ids::{Kind, decode, encode};
use super::loaders::UserLoader;
use super::paging::connection;
use super::scoping::read_in;
use super::scoping::{in_organization, owner_of};
use super::total_count::{CountOf, TotalCount, counted};
use super::users::User;
use crate::domain::Role;
use crate::domain::access::{PACKET_WRITERS, RULE_OWNERS};
use crate::domain::text::ShortText;
use crate::error::{AppError, AppResult, field};
use crate::store::Page;
use crate::store::accounts::{self, AccountFields};
use crate::store::tenant_table;
use crate::store::{TenantTx, memberships};

/// A company a seller owns; handoffs are about accounts.
/// The row is shared: a page names the same accounts many times.
#[derive(Clone)]
pub struct Account(pub Arc<accounts::Account>);

impl From<accounts::Account> for Account {
    fn from(row: accounts::Account) -> Self {
        Self(Arc::new(row))
    }
}

/// A company a seller owns; handoffs are about accounts.
#[Object]
impl Account {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::Account, self.0.id)
    }
    /// The company's name, 1 to 200 characters.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The seller who owns the account today.
    async fn seller(&self, ctx: &Context<'_>) -> AppResult<Option<User>> {
        Ok(ctx.data_unchecked::<DataLoader<UserLoader>>().load_one(self.0.seller_id).await?.map(User::from))
    }
    /// Whether the account is on that seller's priority list, by name.
    async fn on_priority_list(&self) -> bool {
        self.0.on_priority_list
    }
    /// Whether sales leadership has confirmed the account as a target.
    async fn confirmed_by_sales(&self) -> bool {
        self.0.confirmed_by_sales
    }
    /// When the account was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it was archived; archived accounts leave lists but keep their history.
    async fn archived_at(&self) -> Option<DateTime<Utc>> {
        self.0.archived_at
    }
}

/// A new account.
#[derive(InputObject)]
pub struct CreateAccountInput {
    /// The organization's ID.
    pub organization_id: ID,
    /// 1 to 200 characters.
    pub name: String,
    /// The owning seller: a member with role SELLER (their `Viewer.id`).
    pub seller_id: ID,
    /// Whether the account is on the seller's priority list.
    #[graphql(default = false)]
    pub on_priority_list: bool,
}

/// The result of `createAccount`.
#[derive(SimpleObject)]
pub struct CreateAccountPayload {
    /// The new account.
    pub account: Account,
}

/// Changes to an account; omitted fields stay as they are.
#[derive(InputObject)]
pub struct UpdateAccountInput {
    /// The account's ID.
    pub id: ID,
    /// The new name, 1 to 200 characters; omit to keep it.
    pub name: Option<String>,
    /// The new owning seller: a member with role SELLER (their `Viewer.id`); omit to keep them.
    pub seller_id: Option<ID>,
    /// Whether the account is on the seller's priority list; omit to keep it.
    pub on_priority_list: Option<bool>,
}

/// The result of `updateAccount`.
#[derive(SimpleObject)]
pub struct UpdateAccountPayload {
    /// The account after the change.
    pub account: Account,
}

/// Archives an account.
#[derive(InputObject)]
pub struct ArchiveAccountInput {
    /// The account's ID.
    pub id: ID,
}

/// The result of `archiveAccount`.
#[derive(SimpleObject)]
pub struct ArchiveAccountPayload {
    /// The archived account.
    pub account: Account,
}

/// Sales leadership confirms (or withdraws) an account as a target.
#[derive(InputObject)]
pub struct ConfirmAccountInput {
    /// The account's ID.
    pub id: ID,
    /// `true` confirms the account as a target (the default); `false` withdraws the confirmation.
    #[graphql(default = true)]
    pub confirmed: bool,
}

/// The result of `confirmAccount`.
#[derive(SimpleObject)]
pub struct ConfirmAccountPayload {
    /// The account after the change.
    pub account: Account,
}

/// The user `raw` names, if they hold one of `roles` in the transaction's organization.
pub async fn member_with_role(tx: &TenantTx, raw: &ID, field_name: &'static str, roles: &[Role]) -> AppResult<Uuid> {
    let user_id = decode(raw, Kind::User, field_name)?;
    let member = memberships::find_by_user(tx, user_id).await?;
    match member {
        Some(m) if roles.contains(&Role::from(m.role)) => Ok(user_id),
        Some(_) => Err(AppError::bad_input(
            field_name,
            format!(
                "is a member without the role {}",
                roles.iter().map(|r| r.contract_name()).collect::<Vec<_>>().join(" or ")
            ),
        )),
        None => Err(AppError::bad_input(field_name, "is not a member of this organization")),
    }
}

#[derive(Default)]
pub struct AccountMutation;

#[Object]
impl AccountMutation {
    /// PARTNER_MARKETER or ADMIN.
    async fn create_account(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organization and the new account's name, seller and priority.")]
        input: CreateAccountInput,
    ) -> AppResult<CreateAccountPayload> {
        let scope = in_organization(ctx, &input.organization_id, PACKET_WRITERS).await?;
        let name = ShortText::required_string(&input.name).map_err(field("name"))?;
        let tx = store(ctx).tenant(&scope).await?;
        let seller_id = member_with_role(&tx, &input.seller_id, "sellerId", &[Role::Seller]).await?;
        let fields = AccountFields { name, seller_id, on_priority_list: input.on_priority_list };
        let row = accounts::create(&tx, fields, now(ctx)).await?;
        tx.commit().await?;
        Ok(CreateAccountPayload { account: Account::from(row) })
    }

    /// PARTNER_MARKETER or ADMIN.
    async fn update_account(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The account and the fields to change.")] input: UpdateAccountInput,
    ) -> AppResult<UpdateAccountPayload> {
        let (scope, id) = owner_of(ctx, &input.id, Kind::Account, "id", PACKET_WRITERS).await?;
        let tx = store(ctx).tenant(&scope).await?;
        let row =
            tenant_table::find::<entity::account::Entity>(&tx, id).await?.ok_or(AppError::NotFound(Some("id")))?;
        let name = match &input.name {
            Some(name) => ShortText::required_string(name).map_err(field("name"))?,
            None => row.name.clone(),
        };
        let seller_id = match &input.seller_id {
            Some(raw) => member_with_role(&tx, raw, "sellerId", &[Role::Seller]).await?,
            None => row.seller_id,
        };
        let fields =
            AccountFields { name, seller_id, on_priority_list: input.on_priority_list.unwrap_or(row.on_priority_list) };
        let row = accounts::update(&tx, row, fields, now(ctx)).await?;
        tx.commit().await?;
        Ok(UpdateAccountPayload { account: Account::from(row) })
    }

    /// PARTNER_MARKETER or ADMIN. Handoffs about the account keep it.
    async fn archive_account(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The account to archive.")] input: ArchiveAccountInput,
    ) -> AppResult<ArchiveAccountPayload> {
        let (scope, id) = owner_of(ctx, &input.id, Kind::Account, "id", PACKET_WRITERS).await?;
        let tx = store(ctx).tenant(&scope).await?;
        let row =
            tenant_table::find::<entity::account::Entity>(&tx, id).await?.ok_or(AppError::NotFound(Some("id")))?;
        let row = tenant_table::archive::<entity::account::Entity>(&tx, row, now(ctx)).await?;
        tx.commit().await?;
        Ok(ArchiveAccountPayload { account: Account::from(row) })
    }

    /// SALES_LEADER or ADMIN: sales confirms the target accounts.
    async fn confirm_account(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The account and whether sales confirms it as a target.")] input: ConfirmAccountInput,
    ) -> AppResult<ConfirmAccountPayload> {
        let (scope, id) = owner_of(ctx, &input.id, Kind::Account, "id", RULE_OWNERS).await?;
        let tx = store(ctx).tenant(&scope).await?;
        let row =
            tenant_table::find::<entity::account::Entity>(&tx, id).await?.ok_or(AppError::NotFound(Some("id")))?;
        let row = accounts::set_confirmed(&tx, row, input.confirmed, now(ctx)).await?;
        tx.commit().await?;
        Ok(ConfirmAccountPayload { account: Account::from(row) })
    }
}

/// `Organization.accounts`: one page in creation order, optionally of one seller, with the total.
pub async fn list(
    ctx: &Context<'_>,
    organization_id: Uuid,
    page: Page,
    seller_id: Option<ID>,
    include_archived: bool,
) -> AppResult<Connection<String, Account, TotalCount>> {
    let seller_id = seller_id.map(|id| decode(&id, Kind::User, "sellerId")).transpose()?;
    let filter = accounts::AccountFilter { include_archived, seller_id };
    read_in(ctx, organization_id, &Role::ALL, async |tx| {
        let (rows, has_next) = accounts::list(tx, filter, page).await?;
        let listed = connection(rows, has_next, page, |a| a.id, Account::from);
        Ok(counted(listed, tx.scope().clone(), CountOf::Accounts(filter)))
    })
    .await
}
