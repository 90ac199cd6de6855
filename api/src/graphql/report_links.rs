//! `createReportLink`: a signed link to the client report that opens without a bearer token until
//! it expires (`GET /reports/{slug}/scorecard`).

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Duration, Utc};

use super::context::{jwt_keys, now, store};
use super::date::Date;
use super::scoping::in_organization;
use crate::domain::access::TRUST_READERS;
use crate::domain::audit::Action;
use crate::error::{AppError, AppResult};
use crate::report::link::{self, MAX_MINUTES, ReportLink};
use crate::store::{audit, organizations};

/// A link to the client report.
#[derive(InputObject)]
pub struct CreateReportLinkInput {
    /// The organization's ID.
    pub organization_id: ID,
    /// The period's first day (default: 90 days before `to`).
    pub from: Option<Date>,
    /// The period's last day, inclusive (default: today); the report never covers the future.
    /// The link holds both dates, so it shows the same period however long it lives.
    pub to: Option<Date>,
    /// Minutes the link opens for, 1 to 10080 (a week); default 1440 (a day).
    #[graphql(default = 1440)]
    pub expires_in_minutes: i32,
}

/// The result of `createReportLink`.
#[derive(SimpleObject)]
pub struct CreateReportLinkPayload {
    /// The report's address, with its signature; whoever holds it can read the report until it
    /// expires, so share it as you would the report.
    pub url: String,
    /// When the link stops opening.
    pub expires_at: DateTime<Utc>,
}

#[derive(Default)]
pub struct ReportLinkMutation;

#[Object]
impl ReportLinkMutation {
    /// ADMIN, PARTNER_MARKETER or SALES_LEADER, logged in (not through an API token). A signed
    /// link to the client report of one period (HTML, or PDF with `&format=pdf`). It opens only
    /// while its maker may still read the report, and no longer once they log out everywhere.
    /// Audited.
    async fn create_report_link(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organization, the period and how long the link opens.")] input: CreateReportLinkInput,
    ) -> AppResult<CreateReportLinkPayload> {
        // A person makes links: a link made through an API token would outlive the token.
        super::context::viewer(ctx).require_session()?;
        let scope = in_organization(ctx, &input.organization_id, TRUST_READERS).await?;
        if !(1..=MAX_MINUTES).contains(&i64::from(input.expires_in_minutes)) {
            return Err(AppError::bad_input("expiresInMinutes", format!("must be between 1 and {MAX_MINUTES}")));
        }
        let now = now(ctx);
        let from = input.from.map(|d| d.0.format("%Y-%m-%d").to_string());
        let to = input.to.map(|d| d.0.format("%Y-%m-%d").to_string());
        let window = crate::report::period(from.as_deref(), to.as_deref(), now)
            .map_err(|(field, message)| AppError::bad_input(field, message))?;
        // The link holds the period as dates, so that what it shows does not move with the days.
        let (from, to) = crate::report::dates_of(window);
        let (from, to) = (Some(from), Some(to));
        // Expiry is wall-clock time, as for access tokens; whole seconds, so the signed times and
        // the answer agree.
        let wall = Utc::now();
        let issued_at = DateTime::from_timestamp(wall.timestamp(), 0).unwrap_or(wall);
        let expires_at = issued_at + Duration::minutes(i64::from(input.expires_in_minutes));
        let granted = ReportLink {
            user_id: scope.user_id(),
            organization_id: scope.organization_id(),
            from: from.clone(),
            to: to.clone(),
            issued_at,
            expires_at,
        };
        let token = link::sign(jwt_keys(ctx), &granted).map_err(AppError::internal)?;
        let tx = store(ctx).tenant(&scope).await?;
        let organization = organizations::get(&tx).await?;
        let period = format!("{} to {}", from.as_deref().unwrap_or_default(), to.as_deref().unwrap_or_default());
        let detail = format!("a report link for {period}, open until {}", expires_at.to_rfc3339());
        audit::record(&tx, Action::ReportLinkCreated, None, detail, now).await?;
        tx.commit().await?;
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        if let Some(from) = &from {
            query.append_pair("from", from);
        }
        if let Some(to) = &to {
            query.append_pair("to", to);
        }
        query.append_pair("token", &token);
        let base = ctx.data_unchecked::<crate::mail::Mailer>().public_url();
        let url = format!("{base}/reports/{}/scorecard?{}", organization.slug, query.finish());
        Ok(CreateReportLinkPayload { url, expires_at })
    }
}
