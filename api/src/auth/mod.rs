//! Who is calling: passwords, access tokens (JWT), API tokens, and the one door through which a
//! resolver obtains an organization scope.

pub mod jwt;
pub mod opaque_token;
pub mod password;
mod scope;
pub mod secret;
pub mod throttle;
mod viewer;

pub use scope::OrgScope;
pub use viewer::{Principal, Viewer};
