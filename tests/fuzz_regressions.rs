//! The fuzz targets' checks (`fuzz/checks.rs`) on stable, over every saved input of
//! `fuzz/regressions/<target>/` (crashes the fuzzer found, kept once fixed, and its seeds) and
//! over the inputs users start from: the presets, their links, the traces in `tests/data/`.

#[path = "../fuzz/checks.rs"]
mod checks;

use std::path::Path;

fn saved(target: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions").join(target);
    let mut files: Vec<_> =
        std::fs::read_dir(&dir).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default();
    files.sort();
    files.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

#[test]
fn saved_fuzz_inputs_and_the_presets_pass_the_scenario_and_link_checks() {
    let presets: Vec<Vec<u8>> =
        pagesim::scenario::presets::PRESETS.iter().map(|p| p.text.as_bytes().to_vec()).collect();
    let steps: usize = saved("scenario").iter().chain(&presets).map(|input| checks::scenario(input)).sum();
    assert!(steps > 100, "the presets ran: {steps} steps");
    for input in saved("link").iter().chain(&presets) {
        checks::link(input);
        checks::link(pagesim::scenario::link::encode(std::str::from_utf8(input).unwrap_or("")).as_bytes());
    }
    assert!(!presets.is_empty());
}

#[test]
fn saved_fuzz_inputs_and_the_test_traces_pass_the_trace_check() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let traces: Vec<Vec<u8>> =
        std::fs::read_dir(data).unwrap().flatten().map(|e| std::fs::read(e.path()).unwrap()).collect();
    assert!(!traces.is_empty());
    let accesses: usize = saved("trace").iter().chain(&traces).map(|input| checks::trace(input)).sum();
    assert!(accesses > 20, "the traces replayed: {accesses} accesses");
}

#[test]
fn saved_fuzz_inputs_and_seeded_operation_sequences_pass_the_engine_check() {
    // Besides the saved inputs, a few thousand pseudo-random operation sequences.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let generated: Vec<Vec<u8>> = (0..3000)
        .map(|i| {
            (0..(i % 300 + 3))
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    (x >> 24) as u8
                })
                .collect()
        })
        .collect();
    let ops: usize = saved("engine").iter().chain(&generated).map(|input| checks::engine(input)).sum();
    assert!(ops > 10_000, "operations carried out: {ops}");
}
