//! `GET /exports/{slug}.json` (one JSON document with every table) and
//! `GET /exports/{slug}/{table}.csv` (one table): everything an organization owns, for its ADMINs,
//! with the same bearer token as `/graphql`. Each download is recorded in the audit trail before
//! its first byte. Rows are read a page at a time and written out as they are read, so an
//! organization of any size streams in bounded memory; secrets stay behind (`store::export`).
//!
//! On PostgreSQL the whole download reads one snapshot in one read-only transaction. SQLite has
//! one connection for the whole server, so there each page is read in its own short transaction
//! and a download cannot stall everyone else (pages then reflect the moment each was read).
//! At most `CONCURRENT` downloads run at once, one per person; one whose client reads nothing for
//! `STALLED`, or that has run for `LONGEST`, ends.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde_json::Value;
use tokio::sync::mpsc;
use uuid::Uuid;

use super::AppState;
use super::graphql::signed_in;
use super::problem::{refuse, refuse_with};
use crate::auth::OrgScope;
use crate::domain::Role;
use crate::domain::audit::Action;
use crate::error::AppError;
use sea_orm::DbErr;

use crate::store::{Store, StoreError, TenantTx, audit, export, organizations};

/// Rows per read.
const PAGE: u64 = 500;
/// Downloads running at once, per server: each holds a database connection while it runs.
pub const CONCURRENT: usize = 2;
/// How long a download waits for its client to take the next piece before it ends.
const STALLED: Duration = Duration::from_secs(30);
/// The longest a download may run, however steadily its client reads: a slow reader must not hold
/// a database connection and one of the `CONCURRENT` places for ever.
const LONGEST: Duration = Duration::from_secs(15 * 60);

/// `GET /exports/{slug}.json`.
pub async fn json(
    State(state): State<AppState>,
    method: Method,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    if method == Method::HEAD {
        return head_refused();
    }
    let Some(slug) = file.strip_suffix(".json") else { return super::problem::no_such_organization() };
    start(&state, slug, &headers, Format::Json, file.clone()).await
}

/// `GET /exports/{slug}/{table}.csv`.
pub async fn csv(
    State(state): State<AppState>,
    method: Method,
    Path((slug, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if method == Method::HEAD {
        return head_refused();
    }
    let table = file.strip_suffix(".csv").unwrap_or(&file).to_owned();
    start(&state, &slug, &headers, Format::Csv(table.clone()), format!("{slug}-{table}.csv")).await
}

enum Format {
    Json,
    Csv(String),
}

async fn start(state: &AppState, slug: &str, headers: &HeaderMap, format: Format, file_name: String) -> Response {
    let viewer = match signed_in(state, headers).await {
        Ok(viewer) => viewer,
        Err(response) => return response,
    };
    let scope = match organization_of(&viewer, &state.store, slug).await {
        Ok(scope) => scope,
        Err(response) => return response,
    };
    // Only a caller who may export learns which tables there are.
    if let Format::Csv(table) = &format
        && !export::TABLES.contains(&table.as_str())
    {
        let message = format!("no such table; one of: {}", export::TABLES.join(", "));
        return refuse(StatusCode::NOT_FOUND, "NOT_FOUND", &message);
    }
    let permit = match state.exports.take(scope.user_id()) {
        Ok(place) => place,
        Err(why) => {
            let mut busy = refuse_with(
                StatusCode::TOO_MANY_REQUESTS,
                "RATE_LIMITED",
                &format!("{why}; try again shortly"),
                serde_json::json!({ "retryAfter": 10 }),
            );
            busy.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(10));
            return busy;
        }
    };
    let what = match &format {
        Format::Json => "everything, as JSON".to_owned(),
        Format::Csv(table) => format!("{table}, as CSV"),
    };
    if let Err(error) = record(&state.store, &scope, &what).await {
        return failed(&error);
    }
    let (sender, receiver) = mpsc::channel::<Bytes>(4);
    // Set once everything was written: a body that ends without it ends with an error, so the
    // client sees a broken download (a failure, a stall, the time limit), never a short file.
    let complete = Arc::new(AtomicBool::new(false));
    let store = state.store.clone();
    let organization = slug.to_owned();
    let finished = complete.clone();
    tokio::spawn(async move {
        let _permit = permit;
        let mut out = Out { sender };
        let writing = async {
            match format {
                Format::Json => write_json(&store, &scope, &organization, &mut out).await,
                Format::Csv(table) => write_csv(&store, &scope, &table, &mut out).await,
            }
        };
        // However it is held up (a slow reader, a statement waiting on a lock), it ends.
        let written = tokio::time::timeout(LONGEST, writing).await.unwrap_or(Err(Stop::Gone));
        match written {
            Ok(()) => finished.store(true, Ordering::Release),
            Err(Stop::Failed(error)) => {
                tracing::error!(%error, organization = %scope.organization_id(), "an export failed part way");
            }
            Err(Stop::Gone) => {
                tracing::info!(organization = %scope.organization_id(), "an export's client stopped reading")
            }
        }
    });
    let pieces = futures_util::stream::unfold(Some(receiver), move |receiver| {
        let complete = complete.clone();
        async move {
            let mut receiver = receiver?;
            match receiver.recv().await {
                Some(piece) => Some((Ok(piece), Some(receiver))),
                None if complete.load(Ordering::Acquire) => None,
                None => Some((Err(std::io::Error::other("the export ended before it was complete")), None)),
            }
        }
    });
    let body = Body::from_stream(pieces);
    let content_type = match file_name.ends_with(".csv") {
        true => "text/csv; charset=utf-8",
        false => "application/json",
    };
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(disposition) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, disposition);
    }
    response
}

/// The caller's ADMIN scope in the organization `slug`: not found for a non-member or an unknown
/// slug alike, forbidden for another role.
async fn organization_of(viewer: &crate::auth::Viewer, store: &Store, slug: &str) -> Result<OrgScope, Response> {
    let id = organizations::id_by_slug(store.conn(), slug).await.map_err(|e| failed(&e))?;
    let scope = match id {
        Some(id) => viewer.require(id, &[Role::Admin]).await,
        None => Err(AppError::NotFound(None)),
    };
    scope.map_err(|error| match error {
        AppError::NotFound(_) => super::problem::no_such_organization(),
        AppError::Forbidden(why) => {
            refuse(StatusCode::FORBIDDEN, "FORBIDDEN", &format!("exports are for ADMINs; {why}"))
        }
        other => {
            tracing::error!(error = ?other, "an export could not check its caller");
            refuse(StatusCode::SERVICE_UNAVAILABLE, "SERVICE_UNAVAILABLE", "try again shortly")
        }
    })
}

/// `HEAD` would run the export (audited, a place taken) to send no body: downloads are `GET`s.
fn head_refused() -> Response {
    super::problem::get_only("an export is downloaded with GET")
}

fn failed(error: &StoreError) -> Response {
    tracing::error!(%error, "an export could not start");
    refuse(StatusCode::SERVICE_UNAVAILABLE, "SERVICE_UNAVAILABLE", "the database did not answer; try again shortly")
}

async fn record(store: &Store, scope: &OrgScope, what: &str) -> Result<(), StoreError> {
    let tx = store.tenant(scope).await?;
    audit::record(&tx, Action::OrganizationExported, None, format!("exported {what}"), Utc::now()).await?;
    tx.commit().await
}

/// Why writing stopped early.
enum Stop {
    /// The client went away, or took nothing for `STALLED`.
    Gone,
    Failed(StoreError),
}

impl From<StoreError> for Stop {
    fn from(error: StoreError) -> Self {
        Stop::Failed(error)
    }
}

struct Out {
    sender: mpsc::Sender<Bytes>,
}

impl Out {
    async fn send(&mut self, bytes: Vec<u8>) -> Result<(), Stop> {
        match tokio::time::timeout(STALLED, self.sender.send(Bytes::from(bytes))).await {
            Ok(Ok(())) => Ok(()),
            _ => Err(Stop::Gone),
        }
    }
}

/// Where pages are read: one snapshot (PostgreSQL), or a short transaction per page (SQLite).
enum Reader {
    Snapshot(TenantTx),
    PerPage(Store, OrgScope),
}

impl Reader {
    async fn open(store: &Store, scope: &OrgScope) -> Result<Self, StoreError> {
        Ok(match store.backend() == sea_orm::DatabaseBackend::Postgres {
            true => Reader::Snapshot(store.tenant_snapshot(scope).await?),
            false => Reader::PerPage(store.clone(), scope.clone()),
        })
    }

    /// The page of `table` after the row `after` (from its start with `None`).
    async fn page(&self, table: &str, after: Option<Uuid>) -> Result<Vec<Value>, StoreError> {
        match self {
            Reader::Snapshot(tx) => export::page(tx, table, after, PAGE).await,
            Reader::PerPage(store, scope) => {
                let tx = store.tenant(scope).await?;
                let rows = export::page(&tx, table, after, PAGE).await?;
                tx.commit().await?;
                Ok(rows)
            }
        }
    }

    async fn close(self) -> Result<(), StoreError> {
        match self {
            Reader::Snapshot(tx) => tx.commit().await,
            Reader::PerPage(..) => Ok(()),
        }
    }
}

/// Walks a table page by page.
struct Pages {
    after: Option<Uuid>,
    done: bool,
    /// No row written yet (the JSON writer's commas).
    first: bool,
}

impl Default for Pages {
    fn default() -> Self {
        Self { after: None, done: false, first: true }
    }
}

impl Pages {
    /// The next page, or `None` once the table is read.
    async fn next(&mut self, reader: &Reader, table: &str) -> Result<Option<Vec<Value>>, StoreError> {
        if self.done {
            return Ok(None);
        }
        let rows = reader.page(table, self.after).await?;
        let Some(last) = rows.last() else { return Ok(None) };
        // A row without a readable id would end the table early: a short export that looks whole.
        let id = last["id"].as_str().and_then(|id| id.parse().ok());
        self.after = Some(id.ok_or_else(|| StoreError::Db(DbErr::Type(format!("a {table} row without an id"))))?);
        self.done = (rows.len() as u64) < PAGE;
        Ok(Some(rows))
    }
}

/// `{"organization": …, "exportedAt": …, "tables": {"people": [...], …}}`, table by table.
async fn write_json(store: &Store, scope: &OrgScope, slug: &str, out: &mut Out) -> Result<(), Stop> {
    let reader = Reader::open(store, scope).await?;
    let organization = organizations::find(store.conn(), scope.organization_id()).await?;
    let head = serde_json::json!({
        "id": organization.id,
        "slug": slug,
        "name": organization.name,
        "min_score_to_send": organization.min_score_to_send,
        "created_at": organization.created_at,
    });
    out.send(
        format!("{{\"organization\":{head},\"exportedAt\":\"{}\",\"tables\":{{", Utc::now().to_rfc3339()).into_bytes(),
    )
    .await?;
    for (i, table) in export::TABLES.iter().enumerate() {
        out.send(format!("{}\"{table}\":[", if i == 0 { "" } else { "," }).into_bytes()).await?;
        let mut pages = Pages::default();
        while let Some(rows) = pages.next(&reader, table).await? {
            let mut piece = Vec::new();
            for row in rows {
                if !std::mem::take(&mut pages.first) {
                    piece.push(b',');
                }
                piece.extend(serde_json::to_vec(&row).map_err(|e| unwritable(&e))?);
            }
            out.send(piece).await?;
        }
        out.send(b"]".to_vec()).await?;
    }
    out.send(b"}}\n".to_vec()).await?;
    Ok(reader.close().await?)
}

/// A header row of the table's columns, then its rows.
async fn write_csv(store: &Store, scope: &OrgScope, table: &str, out: &mut Out) -> Result<(), Stop> {
    let columns = export::columns(table).unwrap_or_default();
    let reader = Reader::open(store, scope).await?;
    let header = vec![columns.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>()];
    out.send(super::spreadsheet::write(&header).map_err(|e| unwritable(&e))?).await?;
    let mut pages = Pages::default();
    while let Some(rows) = pages.next(&reader, table).await? {
        let rows: Vec<Vec<String>> =
            rows.iter().map(|row| columns.iter().map(|c| super::spreadsheet::text_of(&row[*c])).collect()).collect();
        out.send(super::spreadsheet::write(&rows).map_err(|e| unwritable(&e))?).await?;
    }
    Ok(reader.close().await?)
}

/// A page that could not be written out: the download fails rather than skip it.
fn unwritable(error: &dyn std::fmt::Display) -> Stop {
    Stop::Failed(StoreError::Db(DbErr::Custom(format!("a page could not be written: {error}"))))
}
