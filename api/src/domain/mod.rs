//! Rules and value types with no I/O: no database, no GraphQL, no clock.
//! Inputs are parsed into these types at the edge, so an invalid value cannot travel further.

pub mod access;
pub mod audit;
mod email;
mod error;
pub mod events;
pub mod import;
pub mod invitation;
mod membership_rules;
mod names;
mod page;
mod password;
mod role;
pub mod scorecard;
pub mod session;
mod slug;
pub mod text;
pub mod throttle;
pub mod trust;
pub mod working_agreement;

pub use email::Email;
pub use error::InvalidInput;
pub use membership_rules::keeps_an_admin;
pub use names::{DisplayName, TokenName};
pub use page::PageSize;
pub use password::NewPassword;
pub use role::{Role, token_role};
pub use slug::Slug;
