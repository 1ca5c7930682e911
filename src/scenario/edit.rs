//! Settings changes to a scenario's text: the `config` line is read with the engine's own parser
//! (aliases such as `page_size=` or `va_bits=` folded), the changes applied, and the canonical
//! line written back in its place, so the page's Settings changes exactly what was changed and
//! keeps every other line, and every other setting, as it was.

use super::parse::strip_comment;
use crate::engine::error::quoted;
use crate::engine::Config;

/// `text` with its config line set to its current settings plus `changes` (`key=value` words,
/// applied in order). A scenario without a config line gets one before its first command. Errors
/// name the line and column of a bad setting already in the text, or the change that is wrong.
pub fn edit_config(text: &str, changes: &str) -> Result<String, String> {
    let mut lines: Vec<&str> = text.split('\n').collect();
    // The config line can only be the first command; comments and blank lines may come before it.
    let first = lines.iter().position(|l| !strip_comment(l).trim().is_empty());
    let at = first.filter(|&i| {
        strip_comment(lines[i]).split_whitespace().next().is_some_and(|w| w.eq_ignore_ascii_case("config"))
    });
    let mut config = Config::default();
    if let Some(i) = at {
        let code = strip_comment(lines[i]);
        for word in code.split_whitespace().skip(1) {
            let column = code[..code.find(word).unwrap_or(0)].chars().count() + 1;
            let (key, value) = word
                .split_once('=')
                .ok_or_else(|| format!("{}:{column}: expected key=value, found {}", i + 1, quoted(word)))?;
            config.set(key, value).map_err(|e| format!("{}:{column}: {e}", i + 1))?;
        }
    }
    for word in changes.split_whitespace() {
        let (key, value) = word.split_once('=').ok_or_else(|| format!("expected key=value, found {}", quoted(word)))?;
        config.set(key, value).map_err(|e| e.to_string())?;
    }
    config.validate().map_err(|m| format!("invalid configuration: {m}"))?;
    let line = config.to_line();
    let edited = match at {
        Some(i) => {
            // Keep a comment at the end of the line.
            let comment = lines[i].find('#').map_or("", |c| &lines[i][c..]);
            if comment.is_empty() {
                line
            } else {
                format!("{line} {comment}")
            }
        }
        None => line,
    };
    match at {
        Some(i) => lines[i] = &edited,
        None => lines.insert(first.unwrap_or(0), &edited),
    }
    Ok(lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse;

    #[test]
    fn a_change_replaces_an_alias_instead_of_losing_to_it() {
        let text = "config frames=4 page_size=16K\nspawn A\n";
        let out = edit_config(text, "page=4K").unwrap();
        assert_eq!(parse(&out).unwrap().config.page_size, 4096, "{out}");
        assert_eq!(parse(&out).unwrap().config.frames, 4);
        let out = edit_config("config va_bits=20 pagesize=1K\nspawn A\n", "vbits=24").unwrap();
        let config = parse(&out).unwrap().config;
        assert_eq!((config.va_bits, config.page_size), (24, 1024), "{out}");
    }

    #[test]
    fn every_valid_page_size_is_kept_and_others_stay() {
        for size in ["16", "32", "128", "512", "2K", "8K", "32K", "64K"] {
            let text = format!(
                "# title\nconfig page={size} vbits=24 frames=3 seed=9 segv=report # mine\nspawn A\nnote hi # there\n"
            );
            let out = edit_config(&text, "frames=5").unwrap();
            let config = parse(&out).unwrap().config;
            assert_eq!(config.page_size, crate::engine::config::parse_size(size).unwrap(), "{out}");
            assert_eq!((config.frames, config.seed), (5, 9));
            assert!(out.starts_with("# title\nconfig frames=5 "), "{out}");
            assert!(out.contains("segv=report # mine\nspawn A\nnote hi # there\n"), "{out}");
        }
    }

    #[test]
    fn no_config_line_gets_one_before_the_first_command() {
        let out = edit_config("# accesses 1–3\n\nspawn T flat\n", "frames=7").unwrap();
        assert!(out.starts_with("# accesses 1–3\n\nconfig frames=7 "), "{out}");
        assert_eq!(parse(&out).unwrap().config.frames, 7);
    }

    #[test]
    fn bad_settings_are_errors_that_say_where() {
        assert_eq!(
            edit_config("config frames=4 page=\nspawn A\n", "frames=2").unwrap_err(),
            "1:17: expected a number for page, found \"\""
        );
        assert!(edit_config("config frames=4\n", "page=3K").unwrap_err().contains("power of two"));
        assert!(edit_config("config frames=4\n", "colour=red").unwrap_err().contains("unknown config key"));
        assert!(edit_config("config frames=4\n", "frames").unwrap_err().contains("expected key=value"));
    }
}
