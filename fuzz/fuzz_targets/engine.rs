#![no_main]
//! Fuzz target `engine`: see `fuzz/checks.rs` for what it checks.
#[path = "../checks.rs"]
mod checks;
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = checks::engine(data);
});
