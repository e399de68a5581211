//! Commands as a shell reads them: quotes, heredocs and continuations keep
//! a command whole wherever a plan writes it; shell plumbing is context,
//! not a command; reference commands go only to steps that point at them;
//! mis-encoded text is repaired everywhere. And over every fixture plan: no
//! command is a fragment of another, none leaves a quote or heredoc open.

use drconsole::runbook::aws_cli::is_unclosed;
use drconsole::runbook::import::NoteKind;
use drconsole::runbook::model::Runbook;

#[path = "import/coverage.rs"]
mod coverage;
#[path = "import/helpers.rs"]
mod helpers;

use helpers::{imported, scenario, step};

fn commands<'a>(rb: &'a Runbook, scenario_title: &str, step_title: &str) -> &'a [String] {
    &step(scenario(rb, scenario_title), step_title).commands
}

const QUOTES_AND_HEREDOCS: &str = r#"# DR Plan

## Scenario 1: Database failure

1. Run the migration SQL:
   ```bash
   psql -h db.example.com -c "UPDATE settings
     SET primary = 'dr'
     WHERE id = 1;"
   ```
2. Notify the team
   ```bash
   aws sns publish --topic-arn arn:aws:sns:us-east-1:123456789012:dr --message '{
     "event": "failover"
   }'
   ```
3. Write the config
   ```bash
   cat > /tmp/config.json <<EOF
   {
     "region": "us-west-2"
   }
   EOF
   aws s3 cp /tmp/config.json s3://cfg/config.json
   ```
4. Update the settings
   psql -h db.example.com -c "UPDATE settings
     SET primary = 'dr';"
5. Restore from the snapshot
   aws rds restore-db-instance-from-db-snapshot \
     --db-instance-identifier app-db-new \
     --db-snapshot-identifier snap-1
"#;

#[test]
fn quotes_heredocs_and_continuations_keep_a_command_whole() {
    let imp = imported(QUOTES_AND_HEREDOCS, "quotes.md");
    let rb = &imp.runbook;
    let sc = "Database failure";
    assert_eq!(
        commands(rb, sc, "Run the migration SQL"),
        ["psql -h db.example.com -c \"UPDATE settings\n  SET primary = 'dr'\n  WHERE id = 1;\""]
    );
    assert_eq!(
        commands(rb, sc, "Notify the team"),
        [
            "aws sns publish --topic-arn arn:aws:sns:us-east-1:123456789012:dr --message '{\n  \"event\": \"failover\"\n}'"
        ]
    );
    assert_eq!(
        commands(rb, sc, "Write the config"),
        [
            "cat > /tmp/config.json <<EOF\n{\n  \"region\": \"us-west-2\"\n}\nEOF",
            "aws s3 cp /tmp/config.json s3://cfg/config.json"
        ]
    );
    // Written bare in a list item: Markdown drops the lines' indentation.
    let update = step(scenario(rb, sc), "Update the settings");
    assert_eq!(
        update.commands,
        ["psql -h db.example.com -c \"UPDATE settings\nSET primary = 'dr';\""]
    );
    assert_eq!(update.detail, None);
    let restore = step(scenario(rb, sc), "Restore from the snapshot");
    assert_eq!(
        restore.commands,
        [
            "aws rds restore-db-instance-from-db-snapshot --db-instance-identifier app-db-new --db-snapshot-identifier snap-1"
        ]
    );
    assert_eq!(restore.detail, None);
}

const SHELL_SCRIPT: &str = r#"# DR Plan

## Scenario 2: Region failure

```bash
#!/bin/bash
set -euo pipefail
echo "=========================="
DB_ID=<db-id>
# 1. Promote replica
cd /opt/dr
aws rds promote-read-replica --db-instance-identifier app-db-replica --region us-west-2
# 2. Apply the policy
aws s3api put-bucket-policy --bucket my-bucket --policy "$(cat <<'POLICY'
{
  "Version": "2012-10-17"
}
POLICY
)"
# 3. Print the banner
cat <<-END
	Failover done
	END
```

## Scenario 3: Credentials

1. Check who you are
   ```bash
   export AWS_REGION=us-west-2
   aws sts get-caller-identity
   ```
"#;

#[test]
fn heredocs_in_scripts_and_plumbing_kept_as_context() {
    let imp = imported(SHELL_SCRIPT, "script.md");
    let rb = &imp.runbook;
    let region = scenario(rb, "Region failure");
    assert_eq!(
        region.description.as_deref(),
        Some("#!/bin/bash\nset -euo pipefail\n==========================\nDB_ID=<db-id>")
    );
    let titles: Vec<&str> = region.steps.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(
        titles,
        ["Promote replica", "Apply the policy", "Print the banner"]
    );
    assert_eq!(
        region.steps[0].commands,
        [
            "cd /opt/dr",
            "aws rds promote-read-replica --db-instance-identifier app-db-replica --region us-west-2"
        ]
    );
    assert_eq!(
        region.steps[1].commands,
        [
            "aws s3api put-bucket-policy --bucket my-bucket --policy \"$(cat <<'POLICY'\n{\n  \"Version\": \"2012-10-17\"\n}\nPOLICY\n)\""
        ]
    );
    assert_eq!(
        region.steps[2].commands,
        ["cat <<-END\n\tFailover done\n\tEND"]
    );
    let who = step(scenario(rb, "Credentials"), "Check who you are");
    assert_eq!(who.commands, ["aws sts get-caller-identity"]);
    assert_eq!(who.detail.as_deref(), Some("export AWS_REGION=us-west-2"));
}

const REFERENCES: &str = r#"# DR Plan

## Scenario 1: Database lost

1. Restore the database
   - Run the restore command in Appendix B.
2. Restore `app-db` from PITR
   - The copy is named `app-db-restored`.
3. Point-in-time recovery of the orders database
   - Pick the time.
4. Promote the replica
   - See §7.2.
5. Recover data
   - See the PITR command below.
6. Scale out
   - Run "Scale the web tier" from the appendix.
7. Resize
   - Run the command in Appendix C.
8. Promote again
   - Run promote-read-replica on the replica.

## Appendix B: Commands

```bash
psql -h db.example.com -c "SELECT 1
  FROM restored;"
aws rds restore-db-instance-to-point-in-time --source-db-instance-identifier app-db --target-db-instance-identifier app-db-restored --use-latest-restorable-time
```

## 7.2 Promote command reference

```bash
aws rds promote-read-replica --db-instance-identifier app-db-replica
```

## Appendix C: More commands

### Scale the web tier

```bash
aws ecs update-service --cluster c --service web --desired-count 4
```

### Stop the workers

```bash
aws ecs update-service --cluster c --service worker --desired-count 0
```
"#;

#[test]
fn reference_commands_go_only_to_steps_that_point_at_them() {
    let imp = imported(REFERENCES, "refs.md");
    let rb = &imp.runbook;
    let sc = "Database lost";
    let restore = [
        "psql -h db.example.com -c \"SELECT 1\n  FROM restored;\"",
        "aws rds restore-db-instance-to-point-in-time --source-db-instance-identifier app-db --target-db-instance-identifier app-db-restored --use-latest-restorable-time",
    ];
    let promote = ["aws rds promote-read-replica --db-instance-identifier app-db-replica"];
    assert_eq!(commands(rb, sc, "Restore the database"), restore);
    assert_eq!(commands(rb, sc, "Recover data"), restore);
    assert_eq!(commands(rb, sc, "Promote the replica"), promote);
    assert_eq!(commands(rb, sc, "Promote again"), promote);
    assert_eq!(
        commands(rb, sc, "Scale out"),
        ["aws ecs update-service --cluster c --service web --desired-count 4"]
    );
    // Naming the same resource, sharing words, or pointing at a place
    // with several commands without saying which: nothing is copied.
    for title in [
        "Restore `app-db` from PITR",
        "Point-in-time recovery",
        "Resize",
    ] {
        assert!(commands(rb, sc, title).is_empty(), "{title}");
    }
    let checks: Vec<&str> = imp
        .report
        .notes_of(NoteKind::Check)
        .filter(|n| n.text.starts_with("step "))
        .map(|n| n.text.as_str())
        .collect();
    assert_eq!(
        checks,
        [
            "step \"Restore the database\" (line 5) of \"Scenario 1: Database lost\" got the command from line 25 of \"Appendix B: Commands\" (it points at appendix b); check it fits",
            "step \"Restore the database\" (line 5) of \"Scenario 1: Database lost\" got the command from line 27 of \"Appendix B: Commands\" (it points at appendix b); check it fits",
            "step \"Promote the replica\" (line 11) of \"Scenario 1: Database lost\" got the command from line 33 of \"Promote command reference\" (it points at §7.2); check it fits",
            "step \"Recover data\" (line 13) of \"Scenario 1: Database lost\" got the command from line 25 of \"Appendix B: Commands\" (it points at the pitr command below); check it fits",
            "step \"Recover data\" (line 13) of \"Scenario 1: Database lost\" got the command from line 27 of \"Appendix B: Commands\" (it points at the pitr command below); check it fits",
            "step \"Scale out\" (line 15) of \"Scenario 1: Database lost\" got the command from line 41 of \"Appendix C: More commands\" (it quotes \"scale the web tier\"); check it fits",
            "step \"Resize\" (line 17) of \"Scenario 1: Database lost\" points at reference commands on lines 41, 47, and its words do not say which; add the command to the step",
            "step \"Promote again\" (line 19) of \"Scenario 1: Database lost\" got the command from line 33 of \"Promote command reference\" (it names `promote-read-replica`); check it fits",
        ]
    );
}

#[test]
fn mojibake_is_repaired_in_titles_details_tables_and_code() {
    let plan = "# DR Planâ€”Orders\n\n\
        | Itemâ€™s | Value |\n|---|---|\n| RTO | 1 hour â€“ at most |\n\n\
        ## Scenario 1: CafÃ© database â†’ restore\n\n\
        1. Restore the â€œordersâ€\u{9d} database\n   \
        - Wait 5â€¦10 minutes;Â timing in Ã©tÃ© hours.\n   \
        ```bash\n   aws sns publish --message \"Itâ€™s done\"\n   ```\n";
    let imp = imported(plan, "mojibake.md");
    let rb = &imp.runbook;
    assert_eq!(rb.name, "DR Plan—Orders");
    let sc = scenario(rb, "Scenario 1");
    assert_eq!(sc.title, "Scenario 1: Café database → restore");
    let s = &sc.steps[0];
    assert_eq!(s.title, "Restore the \"orders\" database");
    assert_eq!(
        s.detail.as_deref(),
        Some("- Wait 5…10 minutes; timing in été hours.")
    );
    assert_eq!(s.commands, ["aws sns publish --message \"It's done\""]);
    assert!(imp.toml.contains("| Item's | Value |"), "{}", imp.toml);
    assert!(
        imp.toml.contains("| RTO | 1 hour – at most |"),
        "{}",
        imp.toml
    );
    assert!(!imp.toml.contains(['â', 'Ã', 'Â']), "{}", imp.toml);
    let repaired: Vec<&str> = imp
        .report
        .notes_of(NoteKind::Check)
        .filter(|n| n.text.starts_with("repaired"))
        .map(|n| n.text.as_str())
        .collect();
    assert_eq!(
        repaired,
        ["repaired 12 mis-encoded character sequence(s) (e.g. \"â€™\")"]
    );
}

/// The fixture plans, and the corpus when there is one.
fn every_plan() -> Vec<(String, String)> {
    let mut plans = Vec::new();
    for dir in ["plans", "corpus"] {
        let dir = format!("{}/tests/fixtures/{dir}", env!("CARGO_MANIFEST_DIR"));
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut names: Vec<String> = entries
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".md") && n != "no-procedures.md")
            .collect();
        names.sort();
        for name in names {
            let bytes = std::fs::read(format!("{dir}/{name}")).unwrap();
            plans.push((name, String::from_utf8_lossy(&bytes).into_owned()));
        }
    }
    plans
}

/// Whether `part`'s lines are a run of `whole`'s lines, `whole` having
/// more of them.
fn is_line_run_of(part: &str, whole: &str) -> bool {
    let part: Vec<&str> = part.lines().map(str::trim).collect();
    let whole: Vec<&str> = whole.lines().map(str::trim).collect();
    part.len() < whole.len() && whole.windows(part.len()).any(|w| w == part.as_slice())
}

#[test]
fn no_command_is_a_fragment_and_every_command_is_closed() {
    let mut plans = every_plan();
    plans.extend([
        ("quotes.md".to_owned(), QUOTES_AND_HEREDOCS.to_owned()),
        ("script.md".to_owned(), SHELL_SCRIPT.to_owned()),
        ("refs.md".to_owned(), REFERENCES.to_owned()),
    ]);
    assert!(plans.len() >= 15, "{} plans", plans.len());
    let mut problems = String::new();
    for (name, plan) in &plans {
        let imp = imported(plan, name);
        let all: Vec<&String> = imp
            .runbook
            .scenarios
            .iter()
            .flat_map(|s| &s.steps)
            .flat_map(|s| &s.commands)
            .collect();
        for a in &all {
            if is_unclosed(a) {
                problems.push_str(&format!("{name}: left open: {a:?}\n"));
            }
            for b in &all {
                if is_line_run_of(a, b) {
                    problems.push_str(&format!("{name}: {a:?} is a fragment of {b:?}\n"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{problems}");
}

#[test]
fn fragments_and_open_commands_are_told() {
    assert!(is_line_run_of("EOF", "cat <<EOF\nx\nEOF"));
    assert!(is_line_run_of("}'", "aws x y --j '{\n}'"));
    assert!(!is_line_run_of("aws s3 ls", "aws s3 ls"));
    assert!(!is_line_run_of("aws s3 ls", "aws s3 ls --recursive\nEOF"));
    assert!(is_unclosed("psql -c \"SELECT 1"));
    assert!(is_unclosed("cat <<EOF\nx"));
    assert!(is_unclosed("aws rds x \\"));
    assert!(is_unclosed("X=\"$(aws rds x"));
    assert!(!is_unclosed("echo don't stop"));
    assert!(!is_unclosed("cat <<-EOF\n\tx\n\tEOF"));
    assert!(!is_unclosed("X=\"$(cat <<'P'\n\"\nP\n)\""));
}
