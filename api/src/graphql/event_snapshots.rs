//! Live events as their subscribers receive them, read once per event and process instead of once
//! per subscriber: with thousands of subscribers, one event would otherwise cost thousands of reads.
//!
//! Every read still runs in a subscriber's own tenant transaction. The handoff's row is read first
//! whatever that subscriber's role may see of it; each subscriber is then judged against it with
//! `handoffs::visible_to`, the rule reads apply in SQL. The whole view (grades, people, account,
//! partner, the answer) is read by the first subscriber who may see the handoff: its grades come
//! through that reader's role, which sees all of them, since a handoff no one but partner marketing
//! sees (a draft) never becomes one again, and its seller changes only while it is a draft.
//!
//! Only live events go through here: a replayed event is read fresh for its one subscriber.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use tokio::sync::OnceCell;

use super::handoff_events::HandoffEventGql;
use super::handoffs::Handoff;
use super::handoffs::types::HandoffResponse;
use crate::auth::OrgScope;
use crate::error::AppResult;
use crate::events::StoredEvent;
use crate::store::handoffs::{self, HandoffRow};
use crate::store::{Store, handoff_views, responses};

/// Events remembered; a subscriber further behind than this reads its event again (and one
/// further behind than the bus's buffer is told to resubscribe anyway).
const REMEMBERED: usize = 4096;

#[derive(Default)]
pub struct EventSnapshots {
    recent: Mutex<BTreeMap<i64, Arc<Snapshot>>>,
}

#[derive(Default)]
struct Snapshot {
    /// The handoff's row, read whole; `None` when it no longer exists.
    row: OnceCell<Option<HandoffRow>>,
    /// What its readers receive, read by the first subscriber who may see it.
    seen: OnceCell<Seen>,
}

struct Seen {
    handoff: Handoff,
    response: Option<HandoffResponse>,
}

impl EventSnapshots {
    /// `stored` as the member `scope` receives it, or `None` when they may not see its handoff.
    /// A failed read is not remembered: the next subscriber reads again.
    pub async fn deliverable(
        &self,
        store: &Store,
        scope: &OrgScope,
        stored: StoredEvent,
    ) -> AppResult<Option<HandoffEventGql>> {
        let snapshot = self.of(stored.seq);
        let handoff_id = stored.event.handoff_id;
        let row = snapshot
            .row
            .get_or_try_init(|| async {
                let tx = store.tenant(scope).await?;
                let row = handoffs::find_for_every_reader(&tx, handoff_id).await?;
                tx.commit().await?;
                AppResult::Ok(row)
            })
            .await?;
        let Some(row) = row else { return Ok(None) };
        if row.organization_id != scope.organization_id() || !handoffs::visible_to(row, scope.role(), scope.user_id()) {
            return Ok(None);
        }
        let seen = snapshot
            .seen
            .get_or_try_init(|| async {
                let tx = store.tenant(scope).await?;
                let mut views = handoff_views::load(&tx, vec![row.clone()]).await?;
                let response = match stored.event.response_id {
                    Some(id) => responses::find_in(&tx, id).await?.map(HandoffResponse),
                    None => None,
                };
                tx.commit().await?;
                AppResult::Ok(Seen { handoff: Handoff::new(views.remove(0)), response })
            })
            .await?;
        Ok(Some(HandoffEventGql { stored, handoff: seen.handoff.clone(), response: seen.response.clone() }))
    }

    fn of(&self, seq: i64) -> Arc<Snapshot> {
        let mut recent = self.recent.lock().unwrap_or_else(|e| e.into_inner());
        let snapshot = recent.entry(seq).or_default().clone();
        if recent.len() > REMEMBERED {
            // Keep the newest: sequence numbers grow, so the oldest are the first keys.
            let oldest = *recent.keys().next().expect("not empty");
            recent.remove(&oldest);
        }
        snapshot
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_events_are_forgotten_first() {
        let snapshots = EventSnapshots::default();
        let last = REMEMBERED as i64 + 10;
        for seq in 1..=last {
            snapshots.of(seq);
        }
        {
            let recent = snapshots.recent.lock().unwrap();
            assert_eq!(recent.len(), REMEMBERED);
            assert_eq!(*recent.keys().next().unwrap(), 11);
        }
        assert!(Arc::ptr_eq(&snapshots.of(last), &snapshots.of(last)), "one event, one snapshot");
    }
}
