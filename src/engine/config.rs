//! Machine parameters (README, *The model*) and their validation.

use super::error::quoted;
use serde::Serialize;
use std::fmt;

/// Page-replacement policy. Each one lives in its own file under `engine/policy/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PolicyKind {
    Fifo,
    Lru,
    Clock,
    Nru,
    Lfu,
    Aging,
    Random,
    Opt,
}

impl PolicyKind {
    /// Every policy, in the order the UI and the benchmark list them.
    pub const ALL: [PolicyKind; 8] = [
        PolicyKind::Fifo,
        PolicyKind::Lru,
        PolicyKind::Clock,
        PolicyKind::Nru,
        PolicyKind::Lfu,
        PolicyKind::Aging,
        PolicyKind::Random,
        PolicyKind::Opt,
    ];

    /// The lower-case name used in scenarios, the CLI and JSON.
    pub fn name(self) -> &'static str {
        match self {
            PolicyKind::Fifo => "fifo",
            PolicyKind::Lru => "lru",
            PolicyKind::Clock => "clock",
            PolicyKind::Nru => "nru",
            PolicyKind::Lfu => "lfu",
            PolicyKind::Aging => "aging",
            PolicyKind::Random => "random",
            PolicyKind::Opt => "opt",
        }
    }

    /// Case-insensitive lookup by name.
    pub fn parse(s: &str) -> Option<PolicyKind> {
        PolicyKind::ALL.into_iter().find(|p| p.name().eq_ignore_ascii_case(s))
    }

    /// The order the policy keeps its frames in, as the page words it above the order it shows
    /// (`Machine::policy_order`).
    pub fn order_words(self) -> &'static str {
        match self {
            PolicyKind::Fifo => "FIFO queue, oldest first (the next victim)",
            PolicyKind::Lru => "LRU order, least recently used first (the next victim)",
            PolicyKind::Clock => "CLOCK: frames from the hand on; the first with a clear referenced bit goes",
            PolicyKind::Nru => "NRU classes (R,D): class 0 first, least recently used within a class",
            PolicyKind::Lfu => "LFU: fewest uses first, least recently used among ties",
            PolicyKind::Aging => "AGING counters, lowest first (referenced since the last tick counts highest)",
            PolicyKind::Random => "RANDOM: any resident page may be picked",
            PolicyKind::Opt => "OPT: the page used furthest in the future (or never again) first",
        }
    }

    /// What the per-frame number of the policy (`Machine::policy_value`) means, if it has one.
    pub fn value_label(self) -> Option<&'static str> {
        match self {
            PolicyKind::Fifo => Some("loaded at time"),
            PolicyKind::Lru => Some("last used at time"),
            PolicyKind::Aging => Some("aging counter"),
            PolicyKind::Lfu => Some("uses"),
            PolicyKind::Nru => Some("NRU class"),
            PolicyKind::Opt => Some("next use at step"),
            _ => None,
        }
    }

    /// How a per-frame value is written: aging counters as 8 bits.
    pub fn value_radix(self) -> u32 {
        if self == PolicyKind::Aging {
            2
        } else {
            10
        }
    }

    /// Whether the per-frame value is short enough to draw inside a frame (OPT's step numbers
    /// are left to the tooltip).
    pub fn value_in_cell(self) -> bool {
        matches!(self, PolicyKind::Aging | PolicyKind::Lfu | PolicyKind::Nru)
    }

    /// Whether the policy has a clock hand (`Machine::clock_hand`).
    pub fn has_hand(self) -> bool {
        self == PolicyKind::Clock
    }

    /// A stack algorithm (Mattson): its faults for every frame count come from one pass.
    pub fn is_stack(self) -> bool {
        matches!(self, PolicyKind::Lru | PolicyKind::Opt)
    }

    /// The policies the comparison plots draw, in the order they are drawn.
    pub const COMPARED: [PolicyKind; 4] = [PolicyKind::Fifo, PolicyKind::Lru, PolicyKind::Clock, PolicyKind::Opt];
}

/// The numeric settings' ranges, `(key, least, most)`: what `Config::validate` accepts (from
/// [`crate::limits`]).
pub const LIMITS: [(&str, u64, u64); 5] = [
    ("frames", 1, MAX_FRAMES as u64),
    ("vbits", MIN_VA_BITS as u64, MAX_VA_BITS as u64),
    ("levels", 1, MAX_LEVELS as u64),
    ("tlb", 0, MAX_TLB_ENTRIES as u64),
    ("swap", 0, MAX_SWAP_SLOTS as u64),
];
pub use crate::limits::{
    DEFAULT_BUDGET, DEFAULT_HISTORY, MAX_BUDGET, MAX_FRAMES, MAX_HISTORY, MAX_LEVELS, MAX_SEED, MAX_SWAP_SLOTS,
    MAX_TIMER, MAX_TLB_ENTRIES, MAX_VA_BITS, MIN_BUDGET, MIN_HISTORY, MIN_VA_BITS, PAGE_SIZES,
};

/// Each `config` key and the field of [`Config`] (as serialised, `config()` in JavaScript) that
/// holds it: what the page's Settings form reads and writes.
pub const SETTING_FIELDS: [(&str, &str); 13] = [
    ("frames", "frames"),
    ("page", "page_size"),
    ("vbits", "va_bits"),
    ("swap", "swap_slots"),
    ("tlb", "tlb_entries"),
    ("levels", "levels"),
    ("policy", "policy"),
    ("seed", "seed"),
    ("segv", "segv"),
    ("reclaim", "reclaim"),
    ("timer", "timer"),
    ("budget", "budget"),
    ("history", "history"),
];

impl fmt::Display for PolicyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a segmentation or protection fault does to the faulting process.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SegvMode {
    /// End the process and free its memory, as a real OS delivers SIGSEGV.
    Kill,
    /// Keep the process alive and only report the fault.
    Report,
}

/// Validated machine configuration. Build one with [`Config::default`] and [`Config::set`], then
/// call [`Config::validate`] (the [`crate::engine::Machine`] constructor does so too).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Config {
    /// Bytes per page: a power of two, 16 B … 64 KiB.
    pub page_size: u64,
    /// Width of a virtual address in bits, 8 … 48.
    pub va_bits: u32,
    /// Physical frames, 1 … 2^20.
    pub frames: u32,
    /// Swap slots (one page each), 0 … 2^22.
    pub swap_slots: u32,
    /// TLB entries; 0 = no TLB.
    pub tlb_entries: u32,
    /// Page-table levels, 1 … 4.
    pub levels: u32,
    pub policy: PolicyKind,
    /// Seed for the `random` policy.
    pub seed: u64,
    pub segv: SegvMode,
    /// Background reclaimer: when free frames fall below `low`, evict until `high` are free.
    pub reclaim: Option<(u32, u32)>,
    /// Period of the timer interrupt in time units; it clears referenced bits for `nru` and shifts
    /// the `aging` counters.
    pub timer: u64,
    /// Most bytes the machine's state may take (page bytes, page tables, records); see
    /// [`crate::engine::budget`].
    pub budget: u64,
    /// Most bytes a scenario's history (checkpoints and the operation log for step back) may take;
    /// beyond it the oldest steps are forgotten.
    pub history: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            page_size: 4096,
            va_bits: 16,
            frames: 8,
            swap_slots: 32,
            tlb_entries: 4,
            levels: 2,
            policy: PolicyKind::Lru,
            seed: 1,
            segv: SegvMode::Kill,
            reclaim: None,
            timer: 16,
            budget: DEFAULT_BUDGET,
            history: DEFAULT_HISTORY,
        }
    }
}

/// The keys `config` accepts, as written in scenarios and settings.
pub const CONFIG_KEYS: &[&str] = &[
    "frames", "page", "vbits", "swap", "tlb", "levels", "policy", "seed", "segv", "reclaim", "timer", "budget",
    "history",
];

/// The setting a `config` key names, aliases folded (`page`, `page_size` and `pagesize` are one),
/// or `None` for an unknown key: a line that sets one twice is refused.
pub fn setting_of(key: &str) -> Option<&'static str> {
    Some(match key.to_ascii_lowercase().as_str() {
        "frames" => "frames",
        "page" | "page_size" | "pagesize" => "page",
        "vbits" | "va_bits" => "vbits",
        "swap" | "swap_slots" => "swap",
        "tlb" | "tlb_entries" => "tlb",
        "levels" => "levels",
        "seed" => "seed",
        "timer" => "timer",
        "budget" => "budget",
        "history" => "history",
        "policy" => "policy",
        "segv" => "segv",
        "reclaim" => "reclaim",
        _ => return None,
    })
}

impl Config {
    /// log2(page_size): the number of offset bits in an address.
    pub fn page_shift(&self) -> u32 {
        self.page_size.trailing_zeros()
    }

    /// Bits of the virtual page number.
    pub fn vpn_bits(&self) -> u32 {
        self.va_bits.saturating_sub(self.page_shift())
    }

    /// Number of virtual pages in one address space.
    pub fn pages_per_space(&self) -> u64 {
        1u64 << self.vpn_bits()
    }

    /// Index bits per page-table level, top level first. The top level takes the remainder, as
    /// on hardware whose top level is only partly used.
    pub fn level_bits(&self) -> Vec<u32> {
        let n = self.levels.max(1);
        let bits = self.vpn_bits();
        let base = bits / n;
        let extra = bits % n;
        (0..n).map(|i| base + if i == 0 { extra } else { 0 }).collect()
    }

    /// Sets one `key=value` pair as written in a scenario `config` line. Numbers may be decimal or
    /// `0x` hex with K/M suffixes. Returns a message naming what was expected.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        let key_lc = key.to_ascii_lowercase();
        let num = |v: &str| parse_size(v).ok_or_else(|| format!("expected a number for {key_lc}, found {}", quoted(v)));
        let Some(setting) = setting_of(key) else {
            return Err(format!("unknown config key {} (expected one of {})", quoted(key), CONFIG_KEYS.join(", ")));
        };
        match setting {
            "frames" => self.frames = to_u32(num(value)?, "frames")?,
            "page" => self.page_size = num(value)?,
            "vbits" => self.va_bits = to_u32(num(value)?, "vbits")?,
            "swap" => self.swap_slots = to_u32(num(value)?, "swap")?,
            "tlb" => self.tlb_entries = to_u32(num(value)?, "tlb")?,
            "levels" => self.levels = to_u32(num(value)?, "levels")?,
            "seed" => self.seed = num(value)?,
            "timer" => self.timer = num(value)?,
            "budget" => self.budget = num(value)?,
            "history" => self.history = num(value)?,
            "policy" => {
                self.policy = PolicyKind::parse(value).ok_or_else(|| {
                    format!(
                        "expected a policy (fifo, lru, clock, nru, lfu, aging, random, opt), found {}",
                        quoted(value)
                    )
                })?
            }
            "segv" => {
                self.segv = match value.to_ascii_lowercase().as_str() {
                    "kill" => SegvMode::Kill,
                    "report" => SegvMode::Report,
                    _ => return Err(format!("expected segv=kill or segv=report, found {}", quoted(value))),
                }
            }
            "reclaim" => {
                if value.eq_ignore_ascii_case("off") {
                    self.reclaim = None;
                } else {
                    let (lo, hi) = value.split_once(',').ok_or_else(|| {
                        format!("expected reclaim=LOW,HIGH (two frame counts), found {}", quoted(value))
                    })?;
                    self.reclaim = Some((to_u32(num(lo)?, "reclaim")?, to_u32(num(hi)?, "reclaim")?));
                }
            }
            _ => return Err(format!("unknown config key {}", quoted(key))),
        }
        Ok(())
    }

    /// Checks every limit of the machine (README, *The model*). The message says which value is wrong and what is allowed.
    pub fn validate(&self) -> Result<(), String> {
        if !PAGE_SIZES.contains(&self.page_size) {
            return Err(format!("page size must be a power of two from 16 to 64K, not {}", self.page_size));
        }
        if !(MIN_VA_BITS..=MAX_VA_BITS).contains(&self.va_bits) {
            return Err(format!("vbits must be from {MIN_VA_BITS} to {MAX_VA_BITS}, not {}", self.va_bits));
        }
        if !(1..=MAX_FRAMES).contains(&self.frames) {
            return Err(format!("frames must be from 1 to {MAX_FRAMES}, not {}", self.frames));
        }
        if self.swap_slots > MAX_SWAP_SLOTS {
            return Err(format!("swap must be from 0 to {MAX_SWAP_SLOTS} slots, not {}", self.swap_slots));
        }
        if self.tlb_entries > MAX_TLB_ENTRIES {
            return Err(format!("tlb must be from 0 to {MAX_TLB_ENTRIES} entries, not {}", self.tlb_entries));
        }
        if !(1..=MAX_LEVELS).contains(&self.levels) {
            return Err(format!("levels must be from 1 to {MAX_LEVELS}, not {}", self.levels));
        }
        if self.vpn_bits() < self.levels {
            return Err(format!(
                "vbits={} with page={} leaves {} bits for the page number, fewer than levels={}",
                self.va_bits,
                format_size(self.page_size),
                self.vpn_bits(),
                self.levels
            ));
        }
        if self.seed > MAX_SEED {
            return Err(format!("seed must be from 0 to {MAX_SEED}, not {}", self.seed));
        }
        if !(1..=MAX_TIMER).contains(&self.timer) {
            return Err(format!("timer must be from 1 to {MAX_TIMER} time units, not {}", self.timer));
        }
        if !(MIN_BUDGET..=MAX_BUDGET).contains(&self.budget) {
            return Err(format!(
                "budget must be from {} to {} bytes, not {}",
                format_size(MIN_BUDGET),
                format_size(MAX_BUDGET),
                self.budget
            ));
        }
        if !(MIN_HISTORY..=MAX_HISTORY).contains(&self.history) {
            return Err(format!(
                "history must be from {} to {} bytes, not {}",
                format_size(MIN_HISTORY),
                format_size(MAX_HISTORY),
                self.history
            ));
        }
        if let Some((lo, hi)) = self.reclaim {
            if lo > hi || hi == 0 || hi > self.frames {
                return Err(format!(
                    "reclaim=LOW,HIGH needs LOW <= HIGH, HIGH >= 1 and HIGH <= frames ({}), not {lo},{hi}",
                    self.frames
                ));
            }
        }
        Ok(())
    }

    /// The `config` line that reproduces this configuration (keys in canonical order).
    pub fn to_line(&self) -> String {
        let mut s = format!(
            "config frames={} page={} vbits={} swap={} tlb={} levels={} policy={}",
            self.frames,
            format_size(self.page_size),
            self.va_bits,
            self.swap_slots,
            self.tlb_entries,
            self.levels,
            self.policy
        );
        if self.seed != Config::default().seed {
            s.push_str(&format!(" seed={}", self.seed));
        }
        if self.segv != SegvMode::Kill {
            s.push_str(" segv=report");
        }
        if let Some((lo, hi)) = self.reclaim {
            s.push_str(&format!(" reclaim={lo},{hi}"));
        }
        if self.timer != Config::default().timer {
            s.push_str(&format!(" timer={}", self.timer));
        }
        if self.budget != DEFAULT_BUDGET {
            s.push_str(&format!(" budget={}", format_size(self.budget)));
        }
        if self.history != DEFAULT_HISTORY {
            s.push_str(&format!(" history={}", format_size(self.history)));
        }
        s
    }
}

fn to_u32(v: u64, what: &str) -> Result<u32, String> {
    u32::try_from(v).map_err(|_| format!("{what}={v} is too large"))
}

/// Parses `42`, `0x2a`, `16K`, `1M`, `0x10K` (K = 1024, M = 1024²). `None` if malformed or if it
/// overflows u64.
pub fn parse_size(s: &str) -> Option<u64> {
    let s = s.trim();
    let (digits, mult) = match s.as_bytes().last()? {
        b'k' | b'K' => (&s[..s.len() - 1], 1024u64),
        b'm' | b'M' => (&s[..s.len() - 1], 1024 * 1024),
        _ => (s, 1),
    };
    parse_number(digits)?.checked_mul(mult)
}

/// Parses a decimal or `0x` hexadecimal number (no suffix).
pub fn parse_number(s: &str) -> Option<u64> {
    if let Some(hex) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        if hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u64::from_str_radix(hex, 16).ok()
    } else {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()
    }
}

/// `4096` → `4K`, `3145728` → `3M`, `100` → `100`.
pub fn format_size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 && bytes.is_multiple_of(1024 * 1024) {
        format!("{}M", bytes / (1024 * 1024))
    } else if bytes >= 1024 && bytes.is_multiple_of(1024) {
        format!("{}K", bytes / 1024)
    } else {
        bytes.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_in_every_spelling() {
        assert_eq!(parse_size("42"), Some(42));
        assert_eq!(parse_size("0x2A"), Some(42));
        assert_eq!(parse_size("16K"), Some(16384));
        assert_eq!(parse_size("1m"), Some(1 << 20));
        assert_eq!(parse_size("0x1K"), Some(1024));
        assert_eq!(parse_size("K"), None);
        assert_eq!(parse_size("0x"), None);
        assert_eq!(parse_size("-1"), None);
        assert_eq!(parse_size("99999999999999999999"), None);
        assert_eq!(parse_size("18014398509481984K"), None);
    }

    #[test]
    fn level_bits_split_the_page_number() {
        assert_eq!(Config::default().level_bits(), vec![2, 2]); // 16-bit space, 4K pages: 4 VPN bits
        let c = Config { va_bits: 48, levels: 4, ..Config::default() };
        assert_eq!(c.level_bits(), vec![9, 9, 9, 9]);
        let c = Config { va_bits: 17, levels: 3, ..Config::default() };
        assert_eq!(c.level_bits(), vec![3, 1, 1]);
    }

    #[test]
    fn validation_names_the_bad_value() {
        let bad = |c: Config| c.validate().unwrap_err();
        assert!(bad(Config { page_size: 1000, ..Config::default() }).contains("power of two"));
        assert!(bad(Config { frames: 0, ..Config::default() }).contains("frames"));
        assert!(bad(Config { page_size: 65536, ..Config::default() }).contains("levels=2"));
        assert!(bad(Config { reclaim: Some((5, 3)), ..Config::default() }).contains("reclaim"));
        assert!(Config::default().set("colour", "red").unwrap_err().contains("unknown config key"));
        assert!(Config::default().set("policy", "magic").unwrap_err().contains("expected a policy"));
    }
}
