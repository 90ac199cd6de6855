//! Handoffs: the packet, its grades and derived fields, the lifecycle, and lists.

mod inputs;
pub mod list;
mod mutations;
pub mod send_gate;
mod suggested;
pub mod types;

pub use mutations::HandoffMutation;
pub use types::Handoff;
