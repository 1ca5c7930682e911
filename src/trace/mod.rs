//! Memory-access traces: readers for the `pages`, `rw` and valgrind `lackey` formats (plain or
//! gzip), and a replayer that runs one through a single flat process (`pagesim trace`, README *Command line*).
//!
//! The CLI and the browser share this code: the page hands the file's bytes to the same reader.

pub mod curve;
mod read;
mod replay;
pub mod synthetic;

pub use read::{
    detect_format, read_trace, scan_trace, TextScanner, Trace, TraceError, TraceFormat, TraceScan, MAX_TRACE_ACCESSES,
    MAX_TRACE_TEXT,
};
pub use replay::{
    replay, replay_stream, to_scenario, ReplayError, StreamReplay, TraceReplay, TraceSummary, STEP_WINDOW,
    TRACE_LEVELS, TRACE_VA_BITS,
};
