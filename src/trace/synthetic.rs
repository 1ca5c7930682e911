//! The benchmark workload, shared by the native bench and the wasm bench so both replay exactly
//! the same accesses.

use super::read::Trace;

/// Pages in the hot working set.
pub const HOT_PAGES: u64 = 900;
/// Pages the sequential scan sweeps (800 MB of 4 KiB pages).
pub const SCAN_PAGES: u64 = 200_000;

/// 80% of accesses go to a hot set of [`HOT_PAGES`] pages (skewed: a few pages are much hotter),
/// 20% continue a sequential scan over [`SCAN_PAGES`] pages; one access in four is a write.
/// `scan_stride` is how many bytes the scan moves per access: 64 (a cache line, as a loop over an
/// array does) for a realistic mix, 4096 for a fault-heavy one in which every scan access faults.
/// A fixed LCG makes it identical on every run and machine. Pages are 4 KiB.
pub fn hot_set_and_scan(n: usize, scan_stride: u64) -> Trace {
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (x >> 33) as u32
    };
    let mut scan = 0u64;
    let pages = (0..n).map(move |_| {
        let r = next();
        let write = r % 4 == 0;
        let vpn = if r % 10 < 8 {
            // squaring a uniform number skews towards low page numbers
            let u = (next() % 1000) as u64;
            1_000 + u * u * HOT_PAGES / 1_000_000
        } else {
            scan = (scan + scan_stride) % (SCAN_PAGES * 4096);
            1_000_000 + scan / 4096
        };
        (vpn, write)
    });
    Trace::from_pages(4096, pages)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workload_is_fixed_and_mixed() {
        let a = hot_set_and_scan(10_000, 64);
        assert_eq!(a, hot_set_and_scan(10_000, 64));
        let scan = a.iter().filter(|(v, _)| *v >= 1_000_000).count();
        assert!((1_500..2_500).contains(&scan), "{scan}");
        let writes = a.iter().filter(|(_, w)| *w).count();
        assert!((2_000..3_000).contains(&writes), "{writes}");
    }
}
