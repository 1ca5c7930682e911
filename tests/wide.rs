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
