//! Traces (todo)
