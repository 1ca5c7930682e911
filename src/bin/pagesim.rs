//! The pagesim command line (README, *Command line*): run scenarios, replay traces, make share links.
//!
//! Bad input never panics: it exits non-zero with `file:line: what is wrong` (scenarios add the
//! column: `file:line:col:`).

use clap::{Parser, Subcommand};
use pagesim::engine::config::{format_size, parse_size};
use pagesim::engine::cost::human_ns;
use pagesim::engine::error::quoted;
use pagesim::engine::types::group;
use pagesim::engine::{AccessEvent, AccessResult, Config, Event, Machine, PolicyKind, Stats};
use pagesim::report::{StatsReport, StepReport};
use pagesim::scenario::through::Straight;
use pagesim::scenario::{self, link};
use pagesim::trace::{self, TraceFormat};
use serde::Serialize;
use std::io::{Read, Write};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "pagesim",
    version,
    about = "A virtual-memory simulator: address spaces, page faults, replacement and swap"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a scenario and print its events and statistics.
    Run {
        /// Scenario file (`-` for standard input).
        #[arg(required_unless_present = "preset")]
        file: Option<String>,
        /// Run a preset of the page's gallery instead (names: `pagesim presets`).
        #[arg(long, conflicts_with = "file")]
        preset: Option<String>,
        /// Print one JSON object instead of sentences.
        #[arg(long)]
        json: bool,
        /// After each access, a line as OSTEP's simulators print: hit or miss, the victim and
        /// why, the policy's state (next victim first) and the counts so far.
        #[arg(long, conflicts_with = "json")]
        explain: bool,
    },
    /// List the presets of the page's gallery: name and title.
    Presets,
    /// The tour, the story of virtual memory in chapters: the list, or one chapter (its text,
    /// its run, its question and what to notice; compared machines for `freeze`).
    Tour {
        /// A chapter's id (`pagesim tour` lists them).
        id: Option<String>,
        /// Print JSON: `[{id, title, text, scenario, question, answer, notice, ask_at, opens_at,
        /// figures}]` (one object with an id).
        #[arg(long)]
        json: bool,
    },
    /// Print every limit pagesim keeps (settings, inputs, exercises) with its reason.
    Limits {
        #[arg(long)]
        json: bool,
    },
    /// A seeded reference-string exercise (the question; `--answers` adds the answer grid), or a
    /// reference string of your own compared under several policies (`--reference`).
    Exercise {
        /// policy (page replacement, the default), tlb (TLB hits and misses) or translate (virtual
        /// to physical addresses through page tables).
        #[arg(long, default_value = "policy", value_parser = ["policy", "tlb", "translate"])]
        kind: String,
        /// Accesses of a TLB exercise, addresses of a translation exercise.
        #[arg(long, default_value_t = 10)]
        count: usize,
        /// Page-table levels of a translation exercise, 1 to 3 (default 2).
        #[arg(long)]
        levels: Option<u32>,
        #[arg(long, value_parser = parse_policy, conflicts_with = "policies")]
        policy: Option<PolicyKind>,
        /// A reference string of your own ("7 0 1 2 0 3"): its answer grid under each of `--policies`.
        #[arg(long, conflicts_with_all = ["length", "pages", "seed"])]
        reference: Option<String>,
        /// The policies to compare a `--reference` string under (up to three, comma-separated).
        #[arg(long, value_delimiter = ',', value_parser = parse_policy, requires = "reference")]
        policies: Vec<PolicyKind>,
        /// Physical frames (policy exercises).
        #[arg(long)]
        frames: Option<u32>,
        /// Accesses in the reference string.
        #[arg(long, default_value_t = 12)]
        length: usize,
        /// Pages 0…K-1 the string is drawn from.
        #[arg(long, default_value_t = 6)]
        pages: u64,
        /// The same seed gives the same exercise everywhere.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Print the answer grid too.
        #[arg(long)]
        answers: bool,
        /// Print one JSON object (with the answers).
        #[arg(long)]
        json: bool,
    },
    /// Replay a memory-access trace in one process whose whole 48-bit address space is valid.
    Trace {
        /// Trace file (`-` for standard input; `.gz` is read transparently).
        file: String,
        #[arg(long, value_parser = parse_policy)]
        policy: PolicyKind,
        /// Physical frames (not with --curve).
        #[arg(long, required_unless_present = "curve", conflicts_with = "curve")]
        frames: Option<u32>,
        /// Faults for every frame count 1…N instead of one replay (LRU and OPT in one pass).
        #[arg(long)]
        curve: bool,
        /// The largest frame count of the curve (default: the trace's distinct pages, at most 65,536).
        #[arg(long, requires = "curve")]
        max: Option<u32>,
        /// Most bytes the machine's state may take (default 256M).
        #[arg(long, value_parser = parse_bytes)]
        budget: Option<u64>,
        /// Page size in bytes (power of two, 16 … 64K).
        #[arg(long, default_value = "4096", value_parser = parse_bytes)]
        page_size: u64,
        /// auto, pages, rw or lackey.
        #[arg(long, default_value = "auto", value_parser = parse_format)]
        format: TraceFormat,
        /// Swap slots (default: one per distinct page the trace touches).
        #[arg(long)]
        swap: Option<u32>,
        /// TLB entries (0 = none).
        #[arg(long, default_value_t = 4)]
        tlb: u32,
        /// Seed for the random policy.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long)]
        json: bool,
    },
    /// Print the share link for a scenario.
    Link {
        file: String,
        /// Page the link opens (default: index.html).
        #[arg(long, default_value = "index.html")]
        base: String,
        /// Open the link at this step.
        #[arg(long)]
        step: Option<usize>,
    },
    /// Print a scenario in canonical form.
    Fmt { file: String },
}

fn parse_policy(s: &str) -> Result<PolicyKind, String> {
    PolicyKind::parse(s)
        .ok_or_else(|| format!("expected one of fifo, lru, clock, nru, lfu, aging, random, opt; found \"{s}\""))
}

fn parse_bytes(s: &str) -> Result<u64, String> {
    parse_size(s).ok_or_else(|| format!("expected a size like 4096 or 4K, found \"{s}\""))
}

fn parse_format(s: &str) -> Result<TraceFormat, String> {
    TraceFormat::parse(s).ok_or_else(|| format!("expected auto, pages, rw or lackey; found \"{s}\""))
}

/// A failure to report as `message` and exit 1.
struct Failure(String);

/// Most bytes the command line reads from one file or standard input: the limits the readers
/// keep (trace text, scenario size) all fit under it, and `/dev/zero` stops here.
const MAX_INPUT: u64 = pagesim::trace::MAX_TRACE_TEXT;

fn read_input(file: &str) -> Result<Vec<u8>, Failure> {
    let mut bytes = Vec::new();
    let result = if file == "-" {
        std::io::stdin().take(MAX_INPUT + 1).read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::File::open(file).and_then(|f| f.take(MAX_INPUT + 1).read_to_end(&mut bytes)).map(|_| ())
    };
    result.map_err(|e| Failure(format!("{file}: cannot read: {e}")))?;
    if bytes.len() as u64 > MAX_INPUT {
        return Err(Failure(format!("{file}: larger than {} MiB, the limit of one input", MAX_INPUT >> 20)));
    }
    Ok(bytes)
}

/// A file (or standard input) to read as a stream, buffered in large chunks.
fn open_input(file: &str) -> Result<Box<dyn Read>, Failure> {
    if file == "-" {
        return Ok(Box::new(std::io::stdin().lock()));
    }
    let f = std::fs::File::open(file).map_err(|e| Failure(format!("{file}: cannot read: {e}")))?;
    Ok(Box::new(f))
}

fn read_text(file: &str) -> Result<String, Failure> {
    String::from_utf8(read_input(file)?).map_err(|_| Failure(format!("{file}: not UTF-8 text")))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run { file, preset, json, explain } => match (file, preset) {
            (_, Some(name)) => run_preset(&name, json, explain),
            (Some(file), None) => read_text(&file).and_then(|text| cmd_run(&file, &text, json, explain)),
            (None, None) => unreachable!("clap requires a file or --preset"),
        },
        Command::Exercise {
            kind,
            count,
            levels,
            policy,
            reference,
            policies,
            frames,
            length,
            pages,
            seed,
            answers,
            json,
        } => match (kind.as_str(), reference, policy, frames) {
            // The policy exercise's flags mean nothing to the others: said, not ignored.
            ("translate" | "tlb", reference, policy, frames)
                if reference.is_some() || policy.is_some() || frames.is_some() || !policies.is_empty() =>
            {
                Err(Failure(format!(
                    "--kind {kind}: --policy, --frames, --reference and --policies are for a policy exercise (--kind policy)"
                )))
            }
            ("translate", ..) => cmd_translate_exercise(seed, count, levels, answers, json),
            _ if levels.is_some() => {
                Err(Failure("--levels: only a translation exercise (--kind translate) has levels".into()))
            }
            ("tlb", ..) => cmd_tlb_exercise(seed, count, answers, json),
            (_, _, _, None) => Err(Failure("--frames: a policy exercise needs the number of frames".into())),
            (_, Some(refs), policy, Some(frames)) => {
                cmd_compare_refs(&refs, policy.map_or(policies, |p| vec![p]), frames, json)
            }
            (_, None, Some(policy), Some(frames)) => cmd_exercise(policy, frames, length, pages, seed, answers, json),
            (_, None, None, Some(_)) => Err(Failure("--policy: a policy exercise needs the policy".into())),
        },
        Command::Limits { json } => {
            if json {
                println!("{}", serde_json::to_string(pagesim::limits::ALL).expect("plain data serializes"));
            } else {
                for l in pagesim::limits::ALL {
                    println!("{:<16} {:>14} … {:<14} {}", l.name, group(l.min), group(l.max), l.why);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Tour { id, json } => cmd_tour(id.as_deref(), json),
        Command::Presets => {
            for p in scenario::presets::PRESETS {
                println!("{:<16} {}", p.id, p.title);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Trace { file, policy, frames, curve, max, budget, page_size, format, swap, tlb, seed, json } => {
            let config = Config {
                policy,
                frames: frames.unwrap_or(1),
                tlb_entries: tlb,
                seed,
                page_size,
                va_bits: trace::TRACE_VA_BITS,
                levels: trace::TRACE_LEVELS,
                budget: budget.unwrap_or(pagesim::engine::budget::DEFAULT_BUDGET),
                ..Config::default()
            };
            if curve {
                cmd_curve(&file, config, format, max, json)
            } else {
                cmd_trace(&file, config, format, swap, json)
            }
        }
        Command::Link { file, base, step } => cmd_link(&file, &base, step),
        Command::Fmt { file } => cmd_fmt(&file),
    };
    match result {
        Ok(code) => code,
        Err(Failure(message)) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn parse_scenario(file: &str) -> Result<(String, scenario::Scenario), Failure> {
    let text = read_text(file)?;
    let parsed = scenario::parse(&text).map_err(|e| Failure(format!("{file}:{e}")))?;
    Ok((text, parsed))
}

/// `pagesim exercise`: the question, and with `--answers` the grid (one column per access, one row
/// per frame, then the faults and victims).
fn cmd_exercise(
    policy: PolicyKind,
    frames: u32,
    length: usize,
    pages: u64,
    seed: u64,
    answers: bool,
    json: bool,
) -> Result<ExitCode, Failure> {
    let e = scenario::exercise::exercise(policy, frames, length, pages, seed).map_err(Failure)?;
    if json {
        let report = pagesim::report::ExerciseReport::new(&e);
        println!("{}", serde_json::to_string(&report).expect("plain data serializes"));
        return Ok(ExitCode::SUCCESS);
    }
    let refs: Vec<String> = e.reference.iter().map(|p| p.to_string()).collect();
    println!("Exercise (seed {seed}): {} with {frames} frames, all empty at the start.", policy.name().to_uppercase());
    println!("Reference string: {}", refs.join(" "));
    println!("For each access: hit or page fault? For each fault with memory full: which page is evicted?");
    if answers {
        println!();
        print_answers(&e);
    }
    Ok(ExitCode::SUCCESS)
}

/// `pagesim exercise --reference "…" --policies fifo,lru,opt --frames N`: the string's answer grid
/// under each policy, and the fault counts side by side (the page's reference-string view).
fn cmd_compare_refs(text: &str, policies: Vec<PolicyKind>, frames: u32, json: bool) -> Result<ExitCode, Failure> {
    let pages = scenario::exercise::parse_refs(text).map_err(|e| Failure(format!("--reference: {e}")))?;
    let policies =
        if policies.is_empty() { vec![PolicyKind::Fifo, PolicyKind::Lru, PolicyKind::Opt] } else { policies };
    if policies.len() > 3 {
        return Err(Failure(format!("--policies: up to three policies side by side, not {}", policies.len())));
    }
    let solved = policies
        .iter()
        .map(|&p| scenario::exercise::solve_refs(p, frames, &pages))
        .collect::<Result<Vec<_>, _>>()
        .map_err(Failure)?;
    if json {
        let reports: Vec<_> = solved.iter().map(pagesim::report::ExerciseReport::new).collect();
        println!("{}", serde_json::to_string(&reports).expect("plain data serializes"));
        return Ok(ExitCode::SUCCESS);
    }
    let refs: Vec<String> = pages.iter().map(u64::to_string).collect();
    println!("Reference string: {} ({frames} frames, all empty at the start)", refs.join(" "));
    for e in &solved {
        println!();
        println!("{}:", e.policy.name().to_uppercase());
        print_answers(e);
    }
    println!();
    let counts: Vec<String> =
        solved.iter().map(|e| format!("{} {}", e.policy.name().to_uppercase(), e.faults)).collect();
    println!("Page faults: {}", counts.join(", "));
    Ok(ExitCode::SUCCESS)
}

/// An exercise's answer grid: one column per access, one row per frame, the faults and victims.
fn print_answers(e: &scenario::exercise::Exercise) {
    let refs: Vec<String> = e.reference.iter().map(|p| p.to_string()).collect();
    let frames = e.frames;
    let width = refs.iter().map(String::len).max().unwrap_or(1).max(1) + 1;
    let cell = |s: String| format!("{s:>width$}");
    let row =
        |label: &str, cells: Vec<String>| println!("{label:<9}{}", cells.into_iter().map(cell).collect::<String>());
    row("access", refs.clone());
    for f in 0..frames as usize {
        row(
            &format!("frame {f}"),
            e.steps.iter().map(|s| s.frames[f].map_or(".".to_string(), |p| p.to_string())).collect(),
        );
    }
    row("fault", e.steps.iter().map(|s| if s.fault { "F" } else { "." }.to_string()).collect());
    row("evicts", e.steps.iter().map(|s| s.victim.map_or(".".to_string(), |p| p.to_string())).collect());
    println!("{} page faults in {} accesses.", e.faults, e.reference.len());
}

/// `pagesim exercise --kind tlb`: the machine and the addresses; with `--answers` each access's
/// hit or miss and the TLB after it; `--json` all of it.
fn cmd_tlb_exercise(seed: u64, count: usize, answers: bool, json: bool) -> Result<ExitCode, Failure> {
    let e = scenario::tlb_exercise::tlb_exercise(seed, count).map_err(Failure)?;
    if json {
        println!(
            "{}",
            serde_json::to_string(&pagesim::report::TlbExerciseReport::new(&e)).expect("plain data serializes")
        );
        return Ok(ExitCode::SUCCESS);
    }
    let shape = if e.tlb_ways > 0 {
        format!("sets of {} (the set is the page number mod {})", e.tlb_ways, e.tlb_entries / e.tlb_ways)
    } else {
        "fully associative".into()
    };
    println!(
        "TLB exercise (seed {seed}): {}-bit addresses, pages of {} bytes, a TLB of {} entries, {shape}, LRU, empty at the start.",
        e.va_bits, e.page_size, e.tlb_entries
    );
    let vas: Vec<String> = e.accesses.iter().map(|a| format!("{:#x}", a.va)).collect();
    println!("Virtual addresses, in order: {}", vas.join(" "));
    println!("For each access: its page number, and TLB hit or miss?");
    if answers {
        println!();
        let sets = e.tlb_entries.checked_div(e.tlb_ways).map_or(1, u64::from);
        for a in &e.accesses {
            // Set by set when there are sets: "set 1: 21 25 · set 3: 23".
            let tlb: Vec<String> = if sets > 1 {
                (0..sets)
                    .filter_map(|s| {
                        let pages: Vec<String> =
                            a.tlb_after.iter().filter(|&&p| p % sets == s).map(u64::to_string).collect();
                        (!pages.is_empty()).then(|| format!("set {s}: {}", pages.join(" ")))
                    })
                    .collect()
            } else {
                a.tlb_after.iter().map(u64::to_string).collect()
            };
            println!(
                "{:>8}  page {:>4}  {:<4}  TLB after: {}",
                format!("{:#x}", a.va),
                a.vpn,
                if a.hit { "hit" } else { "miss" },
                tlb.join(if sets > 1 { " · " } else { " " })
            );
        }
        println!("{} hits and {} misses in {} accesses.", e.hits(), e.accesses.len() - e.hits(), e.accesses.len());
    }
    Ok(ExitCode::SUCCESS)
}

/// `pagesim exercise --kind translate`: the machine, the base register, the tables' dump and the
/// addresses; with `--answers` each one's walk and physical address or fault; `--json` all of it.
fn cmd_translate_exercise(
    seed: u64,
    count: usize,
    levels: Option<u32>,
    answers: bool,
    json: bool,
) -> Result<ExitCode, Failure> {
    use scenario::translate_exercise::{translate_exercise, DEFAULT_LEVELS};
    let e = translate_exercise(seed, count, levels.unwrap_or(DEFAULT_LEVELS)).map_err(Failure)?;
    if json {
        let report = pagesim::report::TranslateExerciseReport::new(&e);
        println!("{}", serde_json::to_string(&report).expect("plain data serializes"));
    } else {
        print!("{}", e.text(answers));
    }
    Ok(ExitCode::SUCCESS)
}

/// `pagesim run --preset NAME`: a preset of the page's gallery, by its name.
fn run_preset(name: &str, json: bool, explain: bool) -> Result<ExitCode, Failure> {
    let preset = scenario::presets::PRESETS.iter().find(|p| p.id == name).ok_or_else(|| {
        let names: Vec<&str> = scenario::presets::PRESETS.iter().map(|p| p.id).collect();
        Failure(format!("no preset is called {} (there are: {})", quoted(name), names.join(", ")))
    })?;
    cmd_run(&format!("preset {name}"), preset.text, json, explain)
}

fn cmd_run(file: &str, text: &str, json: bool, explain: bool) -> Result<ExitCode, Failure> {
    let mut run = Straight::new(text).map_err(|e| Failure(format!("{file}:{e}")))?;
    // Steps are written as they run (the runner keeps no events of its own, and neither does
    // this): memory follows the machine's state and history, never the length of the output.
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut json_out = json.then(|| JsonRun::start(&mut out, run.machine().config())).transpose().map_err(output)?;
    if explain {
        writeln!(out, "explain: after each access, {}", run.machine().config().policy.order_words()).map_err(output)?;
    }
    let outcome = loop {
        match run.step() {
            Ok(Some(r)) => {
                let m = run.machine();
                if let Some(j) = json_out.as_mut() {
                    j.step(&mut out, &StepReport::new(m, &r)).map_err(output)?;
                } else {
                    for e in &r.events {
                        writeln!(out, "step {} (line {}): {}", r.step, r.line, m.describe(e)).map_err(output)?;
                        if let (true, Event::Access(a)) = (explain, e) {
                            writeln!(out, "    {}", explain_access(m, a)).map_err(output)?;
                        }
                    }
                }
            }
            Ok(None) => break Ok(()),
            Err(e) => break Err(e),
        }
    };
    let m = run.machine();
    let error = outcome.as_ref().err().map(|e| format!("{file}:{}: {}", e.line, e.message()));
    if let Some(j) = json_out {
        j.finish(&mut out, &StatsReport::new(m, run.history_bytes()), &error).map_err(output)?;
    } else {
        writeln!(out).map_err(output)?;
        // Sharing's figures appear once something is shared (the lines of runs without stay as they were).
        let sharing = m.sharing_seen();
        let extra = |s: &Stats, pss: Option<f64>| match (sharing, pss) {
            (false, _) => String::new(),
            (true, None) => format!(" · copy-on-write faults {} · shared frames {}", s.cow_faults, m.shared_frames()),
            (true, Some(pss)) => {
                // rss counts the frames of its page tables too (tables=ram), as the JSON's does.
                let rss = s.resident + s.table_frames;
                format!(" · copy-on-write faults {} · rss {rss} · pss {pss:.2}", s.cow_faults)
            }
        };
        writeln!(out, "{}{}", stats_line("total", m.stats(), m.config()), extra(m.stats(), None)).map_err(output)?;
        for (pid, p) in m.processes().enumerate() {
            writeln!(out, "{}{}", stats_line(&p.name, &p.stats, m.config()), extra(&p.stats, Some(m.pss(pid as u32))))
                .map_err(output)?;
        }
    }
    out.flush().map_err(output)?;
    match error {
        Some(e) => Err(Failure(e)),
        None => Ok(ExitCode::SUCCESS),
    }
}

fn output(e: std::io::Error) -> Failure {
    Failure(format!("cannot write the output: {e}"))
}

/// `run --json`, written as it goes: `{"config", "steps": [...], "stats", "error"}`, byte for
/// byte what pretty-printing the whole object at the end would give, without holding it.
struct JsonRun {
    steps: usize,
}

impl JsonRun {
    fn start(out: &mut impl Write, config: &Config) -> std::io::Result<JsonRun> {
        write!(out, "{{\n  \"config\": ")?;
        write_pretty(out, config, "  ")?;
        write!(out, ",\n  \"steps\": [")?;
        Ok(JsonRun { steps: 0 })
    }

    fn step(&mut self, out: &mut impl Write, step: &StepReport) -> std::io::Result<()> {
        out.write_all(if self.steps == 0 { b"\n    " } else { b",\n    " })?;
        write_pretty(out, step, "    ")?;
        self.steps += 1;
        Ok(())
    }

    fn finish(self, out: &mut impl Write, stats: &StatsReport, error: &Option<String>) -> std::io::Result<()> {
        out.write_all(if self.steps == 0 { b"]" } else { b"\n  ]" })?;
        write!(out, ",\n  \"stats\": ")?;
        write_pretty(out, stats, "  ")?;
        write!(out, ",\n  \"error\": ")?;
        serde_json::to_writer(&mut *out, error)?;
        writeln!(out, "\n}}")
    }
}

/// `value` pretty-printed as a member nested at `indent`.
fn write_pretty(out: &mut impl Write, value: &impl Serialize, indent: &str) -> std::io::Result<()> {
    let text = serde_json::to_string_pretty(value).expect("plain data serializes");
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.write_all(b"\n")?;
            out.write_all(indent.as_bytes())?;
        }
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}

/// `pagesim run --explain`: one access as OSTEP's `paging-policy.py -c` shows it, with the
/// policy's reason for the victim and its state after the access (next victim first).
fn explain_access(m: &Machine, a: &AccessEvent) -> String {
    let page = |f: u32| {
        let frame = m.frames().get(f);
        if frame.owner == a.pid {
            frame.vpn.to_string()
        } else {
            format!("{}:{}", m.name_of(frame.owner), frame.vpn)
        }
    };
    let policy = m.config().policy;
    let state: Vec<String> = m
        .policy_order(usize::MAX)
        .into_iter()
        .map(|f| match (policy, m.policy_value(f)) {
            (PolicyKind::Clock, _) => format!("{}[R={}]", page(f), m.frames().referenced(f) as u8),
            (PolicyKind::Fifo | PolicyKind::Lru, Some(t)) => format!("{}(t={t})", page(f)),
            (PolicyKind::Aging, Some(v)) => format!("{}({v:08b})", page(f)),
            (PolicyKind::Opt, Some(u64::MAX)) => format!("{}(never)", page(f)),
            (PolicyKind::Opt, Some(step)) => format!("{}(step {step})", page(f)),
            (_, Some(v)) => format!("{}({v})", page(f)),
            (_, None) => page(f),
        })
        .collect();
    let outcome = match a.result {
        AccessResult::Hit { .. } => "HIT ".to_string(),
        AccessResult::PageFault { evicted: Some(e), .. } => {
            format!("MISS, replaced {} ({})", e.vpn, pagesim::engine::describe::why(&e.why))
        }
        AccessResult::PageFault { evicted: None, .. } => "MISS".to_string(),
        _ => "no page (see above)".to_string(),
    };
    let s = m.stats();
    format!(
        "Access: {}  {outcome}  {} → [{}]  [Hits:{} Misses:{}]",
        a.vpn,
        policy.name().to_uppercase(),
        state.join(" "),
        s.hits,
        s.faults
    )
}

fn cmd_tour(id: Option<&str>, json: bool) -> Result<ExitCode, Failure> {
    use scenario::tour::{chapter, figures, ChapterReport, CHAPTERS};
    let out = ChapterReport::new;
    let Some(id) = id else {
        if json {
            let all: Vec<ChapterReport> = CHAPTERS.iter().map(out).collect();
            println!("{}", serde_json::to_string(&all).expect("plain data serializes"));
        } else {
            for (i, c) in CHAPTERS.iter().enumerate() {
                println!("{:>2}. {:<16} {}", i + 1, c.id, c.title);
            }
        }
        return Ok(ExitCode::SUCCESS);
    };
    let Some(c) = chapter(id) else {
        let ids: Vec<&str> = CHAPTERS.iter().map(|c| c.id).collect();
        return Err(Failure(format!("no chapter {} (chapters: {})", quoted(id), ids.join(", "))));
    };
    if json {
        println!("{}", serde_json::to_string(&out(c)).expect("plain data serializes"));
        return Ok(ExitCode::SUCCESS);
    }
    let n = CHAPTERS.iter().position(|x| x.id == c.id).expect("found above") + 1;
    println!("Chapter {n} of {}: {}\n\n{}\n", CHAPTERS.len(), c.title, c.text);
    cmd_run(&format!("tour:{}", c.id), c.scenario, false, false)?;
    println!("\nQuestion (before step {}): {}\nAnswer: {}\nNotice: {}", c.ask_at, c.question, c.answer, c.notice);
    let figs = figures(c);
    if !figs.is_empty() {
        println!("\nThe same on other machines (its first process):");
        for f in figs {
            println!("  {:<26} {:>4} major faults  {:>12}  {}", f.label, f.major_faults, human_ns(f.total_ns), f.felt);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn stats_line(who: &str, s: &Stats, config: &Config) -> String {
    let speed = s.speed(config);
    let rate = if s.accesses > 0 { 100.0 * s.faults as f64 / s.accesses as f64 } else { 0.0 };
    // Faults that found no frame to free failed: they are neither minor nor major.
    let failed =
        if s.out_of_memory > 0 { format!(", {} failed: out of memory", group(s.out_of_memory)) } else { String::new() };
    let tables =
        if config.tables_in_ram { format!(" · page tables {} frames", group(s.table_frames)) } else { String::new() };
    format!(
        "{who}: accesses {} · hits {} · page faults {} ({} minor, {} major{failed}; {rate:.1}%) · swap-ins {} · \
         swap-outs {} · dropped {} · segmentation faults {} · protection faults {} · out of memory {} · \
         TLB hits {} / misses {} · resident {}{tables} · in swap {} · time {} (work {}, stall {}; {})",
        group(s.accesses),
        group(s.hits),
        group(s.faults),
        group(s.minor_faults),
        group(s.major_faults),
        group(s.swap_ins),
        group(s.swap_outs),
        group(s.dropped),
        group(s.segfaults),
        group(s.protection_faults),
        group(s.out_of_memory),
        group(s.tlb_hits),
        group(s.tlb_misses),
        group(s.resident),
        s.swapped,
        human_ns(speed.total_ns),
        human_ns(speed.work_ns),
        human_ns(speed.stall_ns),
        speed.felt
    )
}

fn cmd_trace(
    file: &str,
    config: Config,
    format: TraceFormat,
    swap: Option<u32>,
    json: bool,
) -> Result<ExitCode, Failure> {
    // Check the settings before reading a possibly large file.
    config.validate().map_err(|e| Failure(format!("{file}: invalid configuration: {e}")))?;
    // The trace is read as a stream: memory is the machine's, however long the file.
    let (summary, read_format) =
        trace::replay_stream(open_input(file)?, format, config, swap).map_err(|e| match e {
            trace::ReplayError::Trace(e) if e.line > 0 => Failure(format!("{file}:{}: {}", e.line, e.message)),
            e @ trace::ReplayError::Refused { error: pagesim::engine::SimError::Budget { .. }, .. } => {
                Failure(format!("{file}: {e} (on the command line: --budget BYTES)"))
            }
            e => Failure(format!("{file}: {e}")),
        })?;
    if json {
        println!("{}", serde_json::to_string(&summary).expect("plain data serializes"));
    } else {
        let rate = if summary.accesses > 0 { 100.0 * summary.faults as f64 / summary.accesses as f64 } else { 0.0 };
        println!(
            "{} accesses ({} format) to {} distinct pages of {}, {} frames, policy {}",
            group(summary.accesses),
            read_format.name(),
            group(summary.distinct_pages),
            format_size(summary.page_size),
            group(summary.frames as u64),
            summary.policy
        );
        println!(
            "hits {}, page faults {} ({rate:.2}%: {} minor, {} major), swap-ins {}, swap-outs {}, dropped {}, out of memory {}",
            group(summary.hits),
            group(summary.faults),
            group(summary.minor_faults),
            group(summary.major_faults),
            group(summary.swap_ins),
            group(summary.swap_outs),
            group(summary.dropped),
            summary.out_of_memory
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `pagesim trace --curve`: faults for every frame count 1…max.
fn cmd_curve(
    file: &str,
    config: Config,
    format: TraceFormat,
    max: Option<u32>,
    json: bool,
) -> Result<ExitCode, Failure> {
    config.validate().map_err(|e| Failure(format!("{file}: invalid configuration: {e}")))?;
    let trace_error = |e: trace::TraceError| {
        Failure(if e.line > 0 { format!("{file}:{}: {}", e.line, e.message) } else { format!("{file}: {e}") })
    };
    if config.policy == PolicyKind::Lru {
        // LRU's curve as the trace is read: memory follows the distinct pages, whatever the length.
        let mut stream = trace::curve::LruStream::default();
        trace::scan_trace(open_input(file)?, format, config.page_size, u64::MAX, |vpn, _| stream.access(vpn))
            .map_err(trace_error)?;
        let (distinct, accesses) = stream.counts();
        let max = trace::curve::curve_len(distinct, max.map(u64::from)).map_err(|e| Failure(format!("--max: {e}")))?;
        print_curve(&config, accesses, distinct, stream.finish(max), json);
        return Ok(ExitCode::SUCCESS);
    }
    let mut vpns = Vec::new();
    trace::scan_trace(open_input(file)?, format, config.page_size, trace::MAX_TRACE_ACCESSES as u64, |vpn, w| {
        vpns.push((vpn, w))
    })
    .map_err(trace_error)?;
    let tr = trace::Trace::from_pages(config.page_size, vpns);
    let dense = trace::curve::DenseTrace::new(&tr);
    let max =
        trace::curve::curve_len(dense.distinct, max.map(u64::from)).map_err(|e| Failure(format!("--max: {e}")))?;
    let sizes: Vec<usize> = (1..=max).collect();
    let faults = match config.policy {
        PolicyKind::Lru => trace::curve::lru_curve(&dense, max),
        PolicyKind::Opt => trace::curve::opt_curve(&dense, max),
        PolicyKind::Fifo => in_parallel(&sizes, |part| trace::curve::fifo_faults(&dense, part)),
        PolicyKind::Clock => in_parallel(&sizes, |part| trace::curve::clock_faults(&dense, part)),
        // Not stack algorithms and not simulated on their own: a full replay per frame count.
        _ => in_parallel(&sizes, |part| {
            part.iter()
                .map(|&k| {
                    let c = Config { frames: k as u32, ..config.clone() };
                    trace::replay(&tr, c, None).map_or(u64::MAX, |s| s.faults)
                })
                .collect()
        }),
    };
    if faults.contains(&u64::MAX) {
        return Err(Failure(format!("{file}: a replay was refused (the memory budget; raise it with --budget)")));
    }
    print_curve(&config, tr.len() as u64, dense.distinct, faults, json);
    Ok(ExitCode::SUCCESS)
}

/// A fault curve, as JSON or a table.
fn print_curve(config: &Config, accesses: u64, distinct: usize, faults: Vec<u64>, json: bool) {
    if json {
        #[derive(Serialize)]
        struct Curve {
            policy: PolicyKind,
            page_size: u64,
            accesses: u64,
            distinct_pages: usize,
            curve: Vec<u64>,
        }
        let out = Curve {
            policy: config.policy,
            page_size: config.page_size,
            accesses,
            distinct_pages: distinct,
            curve: faults,
        };
        println!("{}", serde_json::to_string(&out).expect("plain data serializes"));
    } else {
        println!(
            "{} page faults for 1…{} frames ({} accesses to {} distinct pages of {})",
            config.policy,
            faults.len(),
            group(accesses),
            group(distinct as u64),
            format_size(config.page_size)
        );
        for (k, f) in faults.iter().enumerate() {
            println!("{:>8} {:>12}", k + 1, group(*f));
        }
    }
}

/// `f` over parts of `sizes`, one part per core; the results in the order of `sizes`.
fn in_parallel(sizes: &[usize], f: impl Fn(&[usize]) -> Vec<u64> + Sync) -> Vec<u64> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()).min(sizes.len().max(1));
    // Interleaved parts balance the work: bigger frame counts cost no more, but neighbours are alike.
    let parts: Vec<Vec<usize>> = (0..cores).map(|c| sizes.iter().copied().skip(c).step_by(cores).collect()).collect();
    let results: Vec<Vec<u64>> = std::thread::scope(|s| {
        let handles: Vec<_> = parts.iter().map(|p| s.spawn(|| f(p))).collect();
        handles.into_iter().map(|h| h.join().expect("a curve thread")).collect()
    });
    let mut out = vec![0; sizes.len()];
    for (c, r) in results.iter().enumerate() {
        for (j, v) in r.iter().enumerate() {
            out[c + j * cores] = *v;
        }
    }
    out
}

fn cmd_link(file: &str, base: &str, step: Option<usize>) -> Result<ExitCode, Failure> {
    let (text, _) = parse_scenario(file)?;
    if text.len() > link::MAX_TEXT_BYTES {
        return Err(Failure(format!(
            "{file}: a link can carry at most {} KiB of scenario",
            link::MAX_TEXT_BYTES / 1024
        )));
    }
    println!("{}", link::share_url(base, &text, step));
    Ok(ExitCode::SUCCESS)
}

fn cmd_fmt(file: &str) -> Result<ExitCode, Failure> {
    let (_, parsed) = parse_scenario(file)?;
    // The machine must accept the configuration too (parse already validated it).
    Machine::new(parsed.config.clone()).map_err(|e| Failure(format!("{file}: {e}")))?;
    print!("{parsed}");
    Ok(ExitCode::SUCCESS)
}
