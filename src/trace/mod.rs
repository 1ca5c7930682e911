//! Memory-access traces: readers for the `pages`, `rw` and valgrind `lackey` formats (plain or
//! gzip), and a replayer that runs one through a single flat process (SPEC §2.2 `pagesim trace`).
//!
//! The CLI and the browser share this code: the page hands the file's bytes to the same reader.

mod read;
mod replay;
pub mod synthetic;

pub use read::{detect_format, read_trace, Trace, TraceError, TraceFormat, MAX_TRACE_ACCESSES, MAX_TRACE_TEXT};
pub use replay::{replay, to_scenario, TraceReplay, TraceSummary, TRACE_LEVELS, TRACE_VA_BITS};
