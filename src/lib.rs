//! pagesim: a virtual-memory simulator.
//!
//! The crate has one pure engine and thin faces on top of it:
//! - [`engine`]: the machine (page tables, frames, swap, TLB, replacement policies, events, statistics).
//!   No web, file or clock dependencies, so it runs the same natively and in WebAssembly.
//! - [`scenario`]: the scenario text format, its runner (step, step back) and share links.
//! - [`trace`]: readers for memory-access traces (`pages`, `rw`, valgrind `lackey`, gzip).
//! - [`report`]: the shapes of what is reported, shared by the CLI's `--json` and the JS API.
//! - [`limits`]: every limit, with its reason, in one place.
//! - `wasm` (wasm32 only): the JavaScript API, the only module that mentions `wasm_bindgen`.
//! - `src/bin/pagesim.rs`: the command line.

#[cfg(not(target_arch = "wasm32"))]
pub mod counting;
pub mod engine;
pub mod limits;
pub mod report;
pub mod scenario;
pub mod trace;

#[cfg(target_arch = "wasm32")]
pub mod wasm;
