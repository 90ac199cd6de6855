//! Places for heavy work a server does a few at a time (exports, uploads), one per person, so
//! that nobody holds every place.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use uuid::Uuid;

/// The places of one kind of work, and who holds them.
pub struct Places {
    running: Arc<Semaphore>,
    people: Mutex<HashSet<Uuid>>,
    /// What the work is called in refusals ("export", "upload").
    what: &'static str,
}

impl Places {
    pub fn new(places: usize, what: &'static str) -> Arc<Self> {
        Arc::new(Self { running: Arc::new(Semaphore::new(places)), people: Mutex::new(HashSet::new()), what })
    }

    /// A place for `person`, unless they hold one already or all are taken; the refusal says which.
    pub fn take(self: &Arc<Self>, person: Uuid) -> Result<Place, String> {
        let mut people = self.people.lock().unwrap_or_else(|e| e.into_inner());
        if people.contains(&person) {
            return Err(format!("you have an {} running; one at a time", self.what));
        }
        let permit = self
            .running
            .clone()
            .try_acquire_owned()
            .map_err(|_| format!("the server's {}s are all running", self.what))?;
        people.insert(person);
        Ok(Place { places: self.clone(), person, _permit: permit })
    }
}

/// A place held, given back when the work ends however it ends.
pub struct Place {
    places: Arc<Places>,
    person: Uuid,
    _permit: OwnedSemaphorePermit,
}

impl Drop for Place {
    fn drop(&mut self) {
        self.places.people.lock().unwrap_or_else(|e| e.into_inner()).remove(&self.person);
    }
}
