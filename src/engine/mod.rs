//! The paging engine: everything the README's *The model* describes, in plain Rust types.
//!
//! Layout: [`config`] (validated machine parameters), [`machine`] (the operations: spawn, allocate,
//! access, tick, exit), [`page_table`] (sparse multi-level tables), [`frame_table`], [`swap`], [`tlb`],
//! [`policy`] (one file per replacement policy), [`events`] (typed events that render as sentences),
//! [`stats`], [`translate`] (address translation without doing it), [`view`] (compact views for the
//! page). Small value types shared by several of these live in [`types`], so the modules form no
//! import cycle. Helper containers live in [`list`] and [`heap`].

pub mod budget;
pub mod config;
pub mod cost;
pub mod cow;
pub mod describe;
pub mod error;
pub mod events;
pub mod frame_table;
pub mod heap;
pub mod list;
pub mod machine;
pub mod page_data;
pub mod page_table;
pub mod policy;
pub mod process;
pub mod sharing;
pub mod stats;
pub mod swap;
pub mod tlb;
pub mod translate;
pub mod types;
pub mod view;

pub use config::{Config, PolicyKind, SegvMode};
pub use error::SimError;
pub use events::{
    AccessEvent, AccessKind, AccessResult, Event, Eviction, EvictionFate, FaultKind, TlbLookup, VictimReason,
};
pub use machine::{Machine, Pid};
pub use process::{Perms, Region};
pub use stats::Stats;
