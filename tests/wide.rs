//! The width of a real machine (README, *Scenario format*): five levels of page tables on a 48-bit
//! space, pages at both ends and in the middle, every write read back, the walk split into five
//! indices, and the engine's memory small whatever the span.

use pagesim::engine::{Config, Machine};

#[test]
fn five_levels_walk_a_48_bit_space_with_pages_at_both_ends_and_the_middle() {
    let config = Config { va_bits: 48, levels: 5, frames: 8, ..Config::default() };
    let mut m = Machine::new(config).unwrap();
    let pid = m.spawn_flat("T").unwrap();
    let top = (1u64 << 48) - 4096;
    let addrs = [0x1000u64, 1 << 47, top, top + 4095];
    for (i, &a) in addrs.iter().enumerate() {
        m.write(pid, a, i as u8 + 1).unwrap();
    }
    for (i, &a) in addrs.iter().enumerate() {
        assert_eq!(m.read(pid, a).unwrap().value, i as u8 + 1, "{a:#x}");
    }
    let t = m.translate(pid, top + 4095).unwrap();
    assert_eq!(t.level_bits.len(), 5);
    assert_eq!(t.level_bits.iter().sum::<u32>(), 36, "the 36-bit page number in five indices");
    assert_eq!(t.vpn, (1 << 36) - 1, "the top page");
    assert_eq!(t.indices.iter().zip(&t.level_bits).map(|(&i, &b)| i == (1 << b) - 1).filter(|&x| x).count(), 5);
    assert_eq!(t.entries.len(), 5, "five entries read on the walk");
    assert!(t.entries.iter().all(|e| e.present));
    m.check_invariants().unwrap();
    let used = m.usage().total();
    assert!(used < 1 << 20, "four pages over 2^48 bytes cost {used} bytes of engine memory");
}

#[test]
fn six_levels_are_refused_clearly() {
    let err = pagesim::scenario::parse("config vbits=48 levels=6\n").unwrap_err().to_string();
    assert_eq!(err, "1:17: invalid configuration: levels must be from 1 to 5, not 6");
}

#[test]
fn the_heading_says_what_the_width_means_against_the_ram() {
    use pagesim::engine::budget::space_words;
    let c = |vbits: u32, frames: u32| space_words(&Config { va_bits: vbits, frames, ..Config::default() });
    assert_eq!(c(16, 8), "2^16 bytes = 64 KiB each; this machine has 32 KiB of RAM");
    assert_eq!(c(48, 8), "2^48 bytes = 256 TiB each; this machine has 32 KiB of RAM");
    assert_eq!(
        space_words(&Config { va_bits: 64, ..Config::default() }),
        "2^64 bytes = 16 EiB each; this machine has 32 KiB of RAM"
    );
}

// ----- 64-bit spaces: every address a u64 holds ---------------------------------------------------

/// The last byte of a 64-bit space, and the first byte of its top page for `page` bytes a page.
const LAST: u64 = u64::MAX;
fn top_page(page: u64) -> u64 {
    LAST - (page - 1)
}

#[test]
fn a_64_bit_space_with_any_levels_and_page_size_keeps_pages_at_both_ends_and_the_middle() {
    for page in [16u64, 4096, 65536] {
        for levels in 1..=5 {
            // Two frames for four pages: every page is swapped out and read back in on the way.
            let config = Config { va_bits: 64, levels, page_size: page, frames: 2, ..Config::default() };
            let mut m = Machine::new(config).unwrap();
            let pid = m.spawn_flat("T").unwrap();
            let addrs = [0x1000u64, 1 << 63, top_page(page), LAST];
            for round in 0..2u8 {
                for (i, &a) in addrs.iter().enumerate() {
                    m.write(pid, a, round * 10 + i as u8 + 1).unwrap();
                }
                for (i, &a) in addrs.iter().enumerate() {
                    let got = m.read(pid, a).unwrap().value;
                    assert_eq!(got, round * 10 + i as u8 + 1, "{a:#x}, page {page}, levels {levels}");
                }
            }
            let shift = page.trailing_zeros();
            let t = m.translate(pid, LAST).unwrap();
            assert_eq!(t.vpn, LAST >> shift, "the top page");
            assert_eq!(t.offset, page - 1);
            assert_eq!(t.level_bits.len(), levels as usize);
            assert_eq!(t.level_bits.iter().sum::<u32>(), 64 - shift, "the page number split over the levels");
            assert!(t.indices.iter().zip(&t.level_bits).all(|(&i, &b)| i == (1 << b) - 1), "every index all ones");
            assert!(m.process(pid).unwrap().stats.major_faults > 0, "pages came back from swap");
            m.check_invariants().unwrap();
            let used = m.usage().total();
            assert!(used < 1 << 20, "four pages over 2^64 bytes cost {used} bytes (page {page}, levels {levels})");
        }
    }
}

#[test]
fn a_region_may_end_exactly_at_2_to_the_64_and_no_further() {
    use pagesim::engine::Perms;
    let config = Config { va_bits: 64, levels: 4, frames: 4, ..Config::default() };
    let mut m = Machine::new(config).unwrap();
    let pid = m.spawn("A", 0).unwrap();
    let top = top_page(4096);
    // One page past the end is refused, clearly, and changes nothing.
    let err = m.allocate(pid, 8192, Perms::RW, Some(top - 4096), None).map(|_| ());
    assert!(err.is_ok(), "two pages ending at 2^64 fit");
    m.free(pid, top).unwrap();
    let err = m.allocate(pid, 8192, Perms::RW, Some(top), None).unwrap_err().to_string();
    assert!(err.contains("run past the end of the address space"), "{err}");
    // The top page alone: it ends at 2^64 exactly.
    assert_eq!(m.allocate(pid, 4096, Perms::RW, Some(top), Some("top")).unwrap(), top);
    let said = m.describe(m.events().last().unwrap());
    assert!(said.contains("0xfffffffffffff000–0xffffffffffffffff"), "{said}");
    m.write(pid, LAST, 99).unwrap();
    assert_eq!(m.read(pid, LAST).unwrap().value, 99);
    assert_eq!(m.read(pid, top).unwrap().value, 0);
    // Free by its last byte.
    m.free(pid, LAST).unwrap();
    assert!(m.process(pid).unwrap().region_of(LAST >> 12).is_none());
    let err = m.free(pid, LAST).unwrap_err().to_string();
    assert!(err.contains("0xffffffffffffffff"), "{err}");
    m.check_invariants().unwrap();
}

#[test]
fn allocations_without_an_address_are_placed_in_a_64_bit_space() {
    use pagesim::engine::Perms;
    let config = Config { va_bits: 64, levels: 5, frames: 4, ..Config::default() };
    let mut m = Machine::new(config).unwrap();
    let pid = m.spawn("A", 2).unwrap();
    let heap = m.allocate(pid, 1 << 16, Perms::RW, None, None).unwrap();
    assert_eq!(heap, 3 << 12, "after the guard page and two code pages");
    // Half the space, then another half: the second does not fit beside the first.
    let half = m.allocate(pid, 1 << 63, Perms::RW, None, None).unwrap();
    assert_eq!(half, heap + (1 << 16));
    let err = m.allocate(pid, 1 << 63, Perms::RW, None, None).unwrap_err().to_string();
    assert!(err.contains("no gap"), "{err}");
    // More bytes than the space has pages for.
    let err = m.allocate(pid, u64::MAX, Perms::RW, None, None).unwrap_err().to_string();
    assert!(err.contains("more than the"), "{err}");
    // The top of the space is still free for a region placed there.
    assert_eq!(m.allocate(pid, 4096, Perms::RW, Some(top_page(4096)), None).unwrap(), top_page(4096));
    m.write(pid, LAST, 5).unwrap();
    m.write(pid, half + (1 << 62), 6).unwrap();
    assert_eq!(m.read(pid, LAST).unwrap().value, 5);
    assert_eq!(m.read(pid, half + (1 << 62)).unwrap().value, 6);
    m.check_invariants().unwrap();
    assert!(m.usage().total() < 1 << 20);
}

#[test]
fn addresses_outside_a_narrower_space_are_still_refused() {
    let mut m = Machine::new(Config { va_bits: 63, levels: 4, ..Config::default() }).unwrap();
    let pid = m.spawn_flat("T").unwrap();
    m.write(pid, (1 << 63) - 1, 1).unwrap();
    let err = m.read(pid, 1 << 63).unwrap_err().to_string();
    assert!(err.contains("outside the 63-bit"), "{err}");
}

#[test]
fn a_64_bit_scenario_parses_runs_and_prints_back() {
    use pagesim::scenario::{parse, run::Run};
    let text = "config frames=2 vbits=64 levels=4\n\
                spawn A\n\
                alloc A low 4K rw at 0x1000\n\
                alloc A top 4K rw at 0xfffffffffffff000\n\
                write A 0xffffffffffffffff 7\n\
                write A 0x1000 8\n\
                read A 0xffffffffffffffff\n\
                free A 0xffffffffffffffff\n";
    let scenario = parse(text).unwrap();
    let printed = scenario.to_string();
    assert!(printed.contains("at 0xfffffffffffff000") && printed.contains("write A 0xffffffffffffffff 7"));
    assert_eq!(parse(&printed).unwrap(), scenario, "the printed text parses back to the same scenario");
    let mut run = Run::new(scenario).unwrap();
    run.run_to_end().unwrap();
    let m = run.machine();
    assert!(m.process(0).unwrap().region_by_label("top").is_none(), "freed");
}

#[test]
fn a_number_wider_than_64_bits_is_refused_at_its_line_and_column() {
    use pagesim::scenario::parse;
    let err = parse("config vbits=64\nspawn A\nwrite A 0x10000000000000000 7\n").unwrap_err().to_string();
    assert_eq!(err, "3:9: 0x10000000000000000 is wider than 64 bits (the largest number is 0xffffffffffffffff)");
    let err = parse("config vbits=64\nspawn A\nalloc A x 4K rw at 18446744073709551616\n").unwrap_err().to_string();
    assert!(err.starts_with("3:20: 18446744073709551616 is wider than 64 bits"), "{err}");
    let err = parse("config vbits=64\nspawn A\nfree A 0x1ffffffffffffffff\n").unwrap_err().to_string();
    assert!(err.starts_with("3:8: 0x1ffffffffffffffff is wider than 64 bits"), "{err}");
    let err = parse("config vbits=48\nspawn A\nread A 0xffffffffffffffff\n").unwrap_err().to_string();
    assert_eq!(err, "3:8: address 0xffffffffffffffff is outside the 48-bit address space");
}
