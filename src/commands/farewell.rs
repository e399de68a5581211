//! What the console prints once the terminal is back: where the journal is,
//! the exact command that resumes the session, and how to export it.

use std::path::Path;

/// The lines to print after the console closes. `relaunch` is the command
/// line that started it without `drconsole`, `--scenario` and `--resume`
/// (e.g. `run my.toml --sim`).
pub fn farewell(
    relaunch: &[String],
    scenario: Option<&str>,
    journal: &Path,
    remaining: usize,
) -> String {
    let path = journal.display().to_string();
    let mut text = format!("journal: {path}\n");
    if let Some(scenario) = scenario.filter(|_| remaining > 0) {
        let mut words: Vec<&str> = vec!["drconsole"];
        words.extend(relaunch.iter().map(String::as_str));
        words.extend(["--scenario", scenario, "--resume"]);
        let steps = if remaining == 1 { "step" } else { "steps" };
        text.push_str(&format!(
            "{remaining} {steps} left; resume with: {}\n",
            shell_line(&words)
        ));
    }
    text.push_str(&format!(
        "export the timeline: {}\n",
        shell_line(&["drconsole", "log", "export", &path])
    ));
    text
}

/// Words as a POSIX shell reads them back: quoted only when they need it.
fn shell_line(words: &[&str]) -> String {
    let quoted: Vec<String> = words.iter().map(|w| shell_word(w)).collect();
    quoted.join(" ")
}

fn shell_word(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_./:=@%+,-".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paused_says_how_to_resume_and_export() {
        let relaunch = [
            "run".to_string(),
            "my plan.md".to_string(),
            "--sim".to_string(),
        ];
        let text = farewell(
            &relaunch,
            Some("db-failure"),
            Path::new("/j/rally-db.jsonl"),
            3,
        );
        assert_eq!(
            text,
            "journal: /j/rally-db.jsonl\n\
             3 steps left; resume with: drconsole run 'my plan.md' --sim --scenario db-failure --resume\n\
             export the timeline: drconsole log export /j/rally-db.jsonl\n"
        );
    }

    #[test]
    fn complete_says_only_how_to_export() {
        let text = farewell(&["demo".into()], Some("x"), Path::new("/j/it's.jsonl"), 0);
        assert_eq!(
            text,
            "journal: /j/it's.jsonl\nexport the timeline: drconsole log export '/j/it'\\''s.jsonl'\n"
        );
    }
}
