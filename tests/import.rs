//! The importer on fixtures written for each plan shape, and on hostile
//! input. The real plans beside the repository are checked by
//! tests/real_plans.rs, run from scripts/check-plans.

use drconsole::commands::import as import_cmd;
use drconsole::runbook::duration::HumanDuration;
use drconsole::runbook::import::{ImportError, NoteKind, import, import_bytes};
use drconsole::runbook::model::{RdsRole, Runbook, Verify};
use drconsole::runbook::predicates;

#[path = "import/coverage.rs"]
mod coverage;
#[path = "import/helpers.rs"]
mod helpers;

use helpers::{drconsole, h, imported, m, scenario, step};

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/plans/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// One region, numbered top-level sections, an objectives table with a
/// vague RPO, lettered scenarios of "Steps:" lists with nested bullets, a
/// list that restarts at "1.", roles, and an appendix of commands.
#[test]
fn single_region_plan_of_numbered_sections() {
    let name = "single-region-numbered.md";
    let imp = imported(&fixture(name), name);
    let rb = &imp.runbook;
    assert_eq!(rb.objectives.rto, h(6));
    assert_eq!(rb.objectives.rpo, HumanDuration(0));
    assert!(
        imp.report
            .notes_of(NoteKind::Check)
            .any(|n| n.text.contains("RPO read as 0")),
        "the vague RPO is flagged"
    );
    let env = &rb.environment;
    assert_eq!(env.regions.primary, "eu-west-2");
    assert_eq!(env.regions.dr, None);
    assert_eq!(env.ecs.len(), 1);
    assert_eq!(env.ecs[0].cluster, "puffin-live");
    assert_eq!(env.ecs[0].service, "puffin-web");
    let db = env.rds("puffin-orders-db").expect("puffin-orders-db");
    assert_eq!(db.role, RdsRole::Primary);
    assert!(
        env.rds("puffin-orders-db-recovered").is_none(),
        "restore target is not environment"
    );

    let a = scenario(rb, "Scenario A");
    assert_eq!(a.rto, Some(h(6)));
    let titles: Vec<&str> = a.steps.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Open the incident",
            "Restore RDS",
            "Check the recovered data",
            "Switch the box office over",
            "Watch the first sales"
        ]
    );
    let switch = step(a, "Switch the box office over");
    assert_eq!(
        switch.commands,
        [
            "aws ecs update-service --cluster puffin-live --service puffin-web --force-new-deployment --region eu-west-2"
        ]
    );
    assert_eq!(switch.role.as_deref(), Some("Application Operations"));
    assert!(matches!(switch.verify, Some(Verify::EcsStable(_))));
    assert_eq!(
        step(a, "Open the incident").role.as_deref(),
        Some("Incident Commander")
    );
    let restore = step(a, "Restore RDS");
    assert_eq!(restore.role.as_deref(), Some("Database Operations"));
    assert!(
        restore
            .detail
            .as_deref()
            .unwrap()
            .contains("puffin-orders-db-recovered")
    );
    // The appendix's restore command names the same instance, but the step
    // does not point at it: it is not copied, and the report says so.
    assert!(restore.commands.is_empty(), "{:?}", restore.commands);
    assert_eq!(restore.verify, None);
    assert!(
        imp.report.notes_of(NoteKind::Check).any(|n| n.text
            == "\"Scenario A: The orders database is lost\": 4 of 5 step(s) have no command: \
                open-the-incident, restore-rds, check-the-recovered-data, watch-the-first-sales"),
        "{:#?}",
        imp.report.notes
    );
    assert!(
        a.description
            .as_deref()
            .unwrap()
            .contains("Typical duration: 90 minutes to 3 hours")
    );

    // Scenario B's list restarts at "1." and still gives three steps.
    let b = scenario(rb, "Scenario B");
    assert_eq!(b.steps.len(), 3);
    let c = scenario(rb, "Scenario C");
    assert_eq!(c.steps.len(), 3);
    assert!(c.description.as_deref().unwrap().contains("Known gap"));
    assert_eq!(rb.scenarios.len(), 3);
    // A command reference is not a procedure: kept in the appendix.
    assert!(
        imp.report.notes_of(NoteKind::Kept).any(|n| n.text
            == "section \"Appendix: Commands for reference\" (lines 94–111) is a command \
                reference, not a procedure (its commands go only to steps that point at them); \
                kept verbatim in the TOML's appendix"),
        "{:#?}",
        imp.report.notes
    );
    // Not scenarios.
    for not in [
        "Appendix",
        "Recovery targets",
        "What runs where",
        "Roles",
        "Known limits",
        "Resource list",
    ] {
        assert!(!rb.scenarios.iter().any(|s| s.title.contains(not)), "{not}");
    }
}

/// Two regions with a cross-region replica: bold objectives, diagrams and
/// infrastructure code kept as text, failover and failback as bash blocks
/// with numbered comments, a drill checklist, a drill script that narrates
/// with echo, and scenarios of bullet facts with their own RTO/RPO.
#[test]
fn two_region_plan_with_replica_failover_and_failback() {
    let name = "two-region-replica.md";
    let imp = imported(&fixture(name), name);
    let rb = &imp.runbook;
    assert_eq!(rb.objectives.rto, m(30));
    assert_eq!(rb.objectives.rpo, m(2));
    let env = &rb.environment;
    assert_eq!(env.regions.primary, "eu-north-1");
    assert_eq!(env.regions.dr.as_deref(), Some("eu-central-1"));
    let replica = env.rds("atlas-db-standby").expect("replica");
    assert_eq!(replica.role, RdsRole::Replica);
    assert_eq!(replica.region.as_deref(), Some("eu-central-1"));
    assert!(
        env.rds("atlas-db-home").is_none(),
        "created by failback, not watched"
    );
    let ecs = env
        .ecs("atlas-dr", "atlas-tiles-dr")
        .expect("standby service");
    assert_eq!(ecs.region.as_deref(), Some("eu-central-1"));

    let manual = scenario(rb, "Manual Failover");
    assert_eq!(manual.steps.len(), 4);
    let promote = step(manual, "Promote the standby");
    assert_eq!(
        promote.commands,
        [
            "aws rds promote-read-replica --db-instance-identifier atlas-db-standby --region eu-central-1"
        ]
    );
    assert_eq!(
        promote.verify,
        Some(Verify::InstancePromoted(predicates::InstancePromoted {
            instance: "atlas-db-standby".into()
        }))
    );
    assert_eq!(promote.role.as_deref(), Some("Database Lead"));
    let failback = scenario(rb, "Failback to eu-north-1");
    assert_eq!(failback.steps.len(), 4);
    assert_eq!(
        step(failback, "Check eu-north-1 answers").commands,
        ["curl https://north.atlas.example/ready"]
    );
    let automatic = scenario(rb, "Automatic Failover");
    assert_eq!(step(automatic, "health check fails").expected, Some(m(2)));
    assert_eq!(
        step(automatic, "TTL runs out").expected,
        Some(HumanDuration(30))
    );

    let drill = scenario(rb, "Twice-Yearly DR Drill");
    assert_eq!(drill.steps.len(), 7);
    let script = scenario(rb, "Drill Script");
    let titles: Vec<&str> = script.steps.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Probe the serving region",
            "Promote standby",
            "Start DR tile servers",
            "Render a test tile"
        ]
    );
    assert!(step(script, "Start DR").commands[0].starts_with("aws ecs update-service"));
    // Narration is kept as detail, not as commands.
    assert!(
        script
            .steps
            .iter()
            .all(|s| s.commands.iter().all(|c| !c.starts_with("echo")))
    );
    assert!(
        step(script, "Render a test tile")
            .detail
            .as_deref()
            .unwrap()
            .contains("Drill finished")
    );

    let outage = scenario(rb, "Scenario 1: eu-north-1 Outage");
    assert_eq!(outage.rto, Some(m(30)));
    assert_eq!(outage.rpo, Some(m(2)));
    assert_eq!(scenario(rb, "Scenario 2").rto, Some(h(2)));
    assert_eq!(scenario(rb, "Scenario 2").rpo, Some(m(15)));
    assert_eq!(scenario(rb, "Scenario 3").rpo, Some(h(24)));
    for not in [
        "Summary",
        "Layout",
        "Infrastructure",
        "Rehearsals",
        "Costs",
        "Contacts",
        "Next Steps",
    ] {
        assert!(!rb.scenarios.iter().any(|s| s.title.contains(not)), "{not}");
    }
    assert!(
        imp.report
            .notes_of(NoteKind::Kept)
            .any(|n| n.text.contains("Infrastructure Code"))
    );
}

#[test]
fn plan_shape_snapshots() {
    for name in ["single-region-numbered.md", "two-region-replica.md"] {
        let imp = imported(&fixture(name), name);
        insta::assert_snapshot!(format!("{name}.toml"), imp.toml);
        insta::assert_snapshot!(format!("{name}.report"), imp.report.to_string());
    }
}

#[test]
fn scenario_letters_with_nested_bullets_and_inline_commands() {
    let imp = imported(&fixture("scenario-letters.md"), "scenario-letters.md");
    let rb = &imp.runbook;
    assert_eq!((rb.objectives.rto, rb.objectives.rpo), (h(2), m(15)));
    let a = scenario(rb, "Scenario A");
    assert_eq!(a.id, "primary-database-becomes-unavailable");
    let restore = step(a, "Restore the database");
    assert_eq!(restore.expected, Some(m(40)));
    assert_eq!(restore.role.as_deref(), Some("Database Operations"));
    assert!(restore.commands[0].contains("--target-db-instance-identifier orchard-db-recovered"));
    let point = step(a, "Point the API");
    assert!(point.commands[0].starts_with("aws ecs update-service --cluster orchard-main"));
    assert_eq!(step(a, "Tell customers").role.as_deref(), Some("Comms"));
    assert_eq!(
        step(a, "Open the incident").role.as_deref(),
        Some("Incident Commander")
    );
    let b = scenario(rb, "Scenario B");
    assert_eq!(b.rto, Some(m(30)));
    assert_eq!(b.rpo, Some(HumanDuration(0)));
    // A fenced block inside a list item, with a continuation.
    assert_eq!(
        step(b, "Roll back").commands,
        [
            "aws ecs update-service --cluster orchard-main --service orchard-api --task-definition orchard-api:41 --region eu-west-1"
        ]
    );
    assert_eq!(rb.environment.regions.primary, "eu-west-1");
    assert!(rb.environment.rds("orchard-db").is_some());
    assert!(rb.environment.rds("orchard-db-recovered").is_none());
}

#[test]
fn procedures_with_numbered_comments_in_bash() {
    let imp = imported(&fixture("procedures-bash.md"), "procedures-bash.md");
    let rb = &imp.runbook;
    assert_eq!((rb.objectives.rto, rb.objectives.rpo), (h(1), m(10)));
    let p1 = scenario(rb, "Procedure 1");
    let titles: Vec<&str> = p1.steps.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Confirm the replica is healthy before promoting",
            "Promote the standby (about 10 minutes)",
            "Point the workers at the new writer"
        ]
    );
    assert_eq!(step(p1, "Promote the standby").expected, Some(m(10)));
    let p2 = scenario(rb, "Procedure 2");
    assert_eq!(p2.steps.len(), 2);
    assert_eq!(rb.environment.backup_vaults[0].name, "lantern-vault");
    assert_eq!(rb.environment.regions.primary, "us-east-2");
    assert_eq!(rb.environment.regions.dr.as_deref(), Some("us-west-1"));
    assert_eq!(
        rb.environment.rds("lantern-standby").unwrap().role,
        RdsRole::Replica
    );
    // Terraform is not a procedure and its HCL is not commands.
    assert_eq!(rb.scenarios.len(), 2);
}

#[test]
fn phases_of_checklists() {
    let imp = imported(&fixture("phases-checklists.md"), "phases-checklists.md");
    let rb = &imp.runbook;
    // Objectives from a two-column table.
    assert_eq!((rb.objectives.rto, rb.objectives.rpo), (m(90), m(5)));
    let failover = scenario(rb, "Regional Failover");
    assert_eq!(failover.steps.len(), 6);
    assert!(failover.steps.iter().all(|s| s.title.starts_with("Phase ")));
    let promote = step(failover, "Promote `kestrel-db-west`");
    assert_eq!(
        promote.commands,
        [
            "aws rds promote-read-replica --db-instance-identifier kestrel-db-west --region us-west-2"
        ]
    );
    let scale = step(failover, "Scale the storefront");
    assert_eq!(scale.commands.len(), 1);
    assert!(
        step(failover, "Confirm the outage")
            .detail
            .as_deref()
            .unwrap()
            .contains("Phase 1: Assess")
    );
    assert!(!rb.scenarios.iter().any(|s| s.title == "Cost"));
}

#[test]
fn categories_with_an_objectives_table() {
    let imp = imported(&fixture("categories-table.md"), "categories-table.md");
    let rb = &imp.runbook;
    let db = scenario(rb, "Category 1");
    assert_eq!((db.rto, db.rpo), (Some(h(4)), Some(h(1))));
    let app = scenario(rb, "Category 2");
    assert_eq!(app.rto, Some(m(45)));
    assert_eq!(step(db, "Restore it").commands.len(), 1);
    assert!(matches!(
        step(db, "Restore it").verify,
        Some(Verify::InstanceStatus(_))
    ));
    assert_eq!(step(app, "Force a redeploy").commands.len(), 1);
    assert_eq!(rb.environment.ecs[0].service, "beacon-web");
    assert_eq!(
        rb.objectives.rto,
        h(4),
        "largest category RTO when no plan-wide one"
    );
}

#[test]
fn step_headings_with_timings() {
    let imp = imported(&fixture("step-headings.md"), "step-headings.md");
    let rb = &imp.runbook;
    assert_eq!(
        rb.scenarios.len(),
        1,
        "a plan of Step headings is one scenario"
    );
    let s = &rb.scenarios[0];
    let expected: Vec<Option<HumanDuration>> = s.steps.iter().map(|s| s.expected).collect();
    assert_eq!(expected, [Some(m(5)), Some(h(1)), Some(m(15)), Some(m(5))]);
    assert!(s.steps[0].title.starts_with("Stop the writers"));
    // SQL is kept as detail, not run as a command.
    assert!(s.steps[2].commands.is_empty());
    assert!(
        s.steps[2]
            .detail
            .as_deref()
            .unwrap()
            .contains("SELECT count(*)")
    );
    assert_eq!((rb.objectives.rto, rb.objectives.rpo), (h(3), h(24)));
    assert_eq!(rb.environment.regions.primary, "ap-southeast-2");
    assert_eq!(rb.environment.backup_vaults[0].name, "juniper-nightly");
}

#[test]
fn multi_region_with_cross_region_replica() {
    let imp = imported(&fixture("multi-region.md"), "multi-region.md");
    let env = &imp.runbook.environment;
    assert_eq!(env.regions.primary, "eu-central-1");
    assert_eq!(env.regions.dr.as_deref(), Some("eu-west-1"));
    let replica = env
        .rds("meridian-main-replica")
        .expect("replica from setup");
    assert_eq!(replica.role, RdsRole::Replica);
    assert_eq!(replica.source.as_deref(), Some("meridian-main"));
    assert_eq!(replica.region.as_deref(), Some("eu-west-1"));
    assert_eq!(env.rds("meridian-main").unwrap().role, RdsRole::Primary);
    assert!(env.rds("meridian-main-v2").is_none(), "failback creates it");
    assert!(env.ecs("meridian-core", "meridian-gateway").is_some());
    assert!(env.ecs("meridian-core-dr", "meridian-gateway").is_some());
    assert_eq!(env.backup_vaults[0].name, "meridian-vault");
    let failback = scenario(&imp.runbook, "Failback");
    assert_eq!(
        step(failback, "Promote it").verify,
        Some(Verify::InstancePromoted(predicates::InstancePromoted {
            instance: "meridian-main-v2".into()
        }))
    );
}

#[test]
fn nothing_is_dropped_from_procedures() {
    // Every prose line of a scenario section ends up somewhere in the output.
    let name = "single-region-numbered.md";
    let imp = imported(&fixture(name), name);
    for phrase in [
        "Aim: checkout works again within the hour",
        "Warning: practise this before relying on it.",
        "Best effort:",
        "Buy and refund a test ticket.",
        "Scale the service to zero and show the maintenance page.",
        "To pick a moment instead, pass --restore-time",
    ] {
        assert!(imp.toml.contains(phrase), "{phrase} is kept");
    }
}

#[test]
fn refuses_what_is_not_a_plan() {
    assert!(matches!(import("", "e.md"), Err(ImportError::Empty { .. })));
    assert!(matches!(
        import(" \n\t\n", "e.md"),
        Err(ImportError::Empty { .. })
    ));
    let nul = import_bytes(b"# Plan\0\n1. step", "n.md").unwrap_err();
    assert!(matches!(nul, ImportError::NotText { .. }));
    assert!(nul.to_string().contains("n.md"));
    let binary: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
    assert!(matches!(
        import_bytes(&binary, "b.bin"),
        Err(ImportError::NotText { .. })
    ));
    let latin1 = b"# Plan\n\n1. Caf\xe9 step\n";
    let err = import_bytes(latin1, "l.md").unwrap_err();
    assert!(err.to_string().contains("line 3"), "{err}");
    let none = import(&fixture("no-procedures.md"), "no-procedures.md").unwrap_err();
    assert!(matches!(none, ImportError::NoProcedures { .. }));
    assert!(
        none.to_string().contains("Scenario A"),
        "says what it looks for"
    );
}

#[test]
fn odd_unicode_is_normalised() {
    let bytes = std::fs::read(format!(
        "{}/tests/fixtures/plans/odd-unicode.md",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let imp = import_bytes(&bytes, "odd-unicode.md").expect("imports");
    assert_eq!(imp.runbook.objectives.rto, h(4));
    let s = scenario(&imp.runbook, "Manual Failover");
    assert_eq!(s.steps[0].expected, Some(m(10)));
    assert!(
        s.steps[0].title.contains("it's quick"),
        "{}",
        s.steps[0].title
    );
    assert_eq!(s.steps[1].title, "Update DNS records");
    assert!(!imp.toml.contains('\u{a0}'));
}

#[test]
fn hostile_inputs_never_panic() {
    let cases: Vec<String> = vec![
        "#".into(),
        "```".into(),
        "```bash\naws rds promote-read-replica \\".into(),
        "1.".into(),
        "- [ ]".into(),
        "## Scenario A:".into(),
        "## Scenario A: x\n\n| RTO |\n|---|\n| |".into(),
        "## Failover\n```bash\n# 1.\n# 2.\n```".into(),
        "## Failover\n\n1. `aws`\n2. ``\n".into(),
        format!("## Failover\n\n{}", "> ".repeat(2000) + "1. deep"),
        format!(
            "## Failover\n\n{}",
            (0..500)
                .map(|i| format!("{}1. x\n", "   ".repeat(i)))
                .collect::<String>()
        ),
        "## Restore\n\n1. RTO: 99999999999999999999 hours\n".into(),
        "## Restore\n\n1. \u{202e}reversed \u{200b}\u{feff} \u{1F600} ｆｕｌｌ\n".into(),
        "## Restore\n\n1. Ã©Ã¨ â€œquotedâ€\u{9d} â€“ dash\n".into(),
        "## Restore\n\n1. step\r\n2. crlf\r\n".into(),
        "\u{1b}[31m## Restore\n\n1. ansi\n".into(),
        "# T\n\n```\ncode only intro\n```\n\n## Restore\n\n1. x\n".into(),
        "## Overview\n\n```\n```\n### Sub\n\n## Failover Procedures\n\n### Restore\n1. a\n### Failover\n1. b\n".into(),
        "## Restore\n\n| Step | Time |\n|---|---|\n| | 5 min |\n| 99999999999 | 1 h |\n| Phase 0 | 2 h |\n".into(),
        "## Restore\n\n| Step | Time |\n|---|---|\n| 1 | 5 min |\n\n- [ ] a\n".into(),
    ];
    for case in cases {
        if let Ok(imp) = import(&case, "hostile.md") {
            let back: Runbook = toml::from_str(&imp.toml).expect("valid TOML");
            assert_eq!(back, imp.runbook);
        }
    }
}

/// A big plan of many scenarios, to check size limits and speed.
fn generated_plan(bytes: usize) -> String {
    let mut plan = String::from("# Big plan\n\nRTO: 4 hours\nRPO: 15 minutes\n\n");
    let mut n = 0;
    while plan.len() < bytes {
        n += 1;
        plan.push_str(&format!(
            "## Scenario {n}: Failure {n}\n\n1. Restore (30-60 minutes)\n   - `aws rds restore-db-instance-to-point-in-time --source-db-instance-identifier db-{n} --target-db-instance-identifier db-{n}-new --region us-east-1`\n2. Redeploy\n\n```bash\n# 1. Roll\naws ecs update-service --cluster c --service s-{n} \\\n  --force-new-deployment\n# 2. Wait\naws ecs wait services-stable --cluster c --services s-{n}\n```\n\nSome prose about scenario {n} that is kept as description.\n\n"
        ));
    }
    plan
}

#[test]
fn ten_megabytes_import_without_blowing_up() {
    let plan = generated_plan(10 << 20);
    let started = std::time::Instant::now();
    let imp = import(&plan, "big.md").expect("imports");
    assert!(imp.runbook.scenarios.len() > 10_000);
    // Generous for unoptimised builds on a shared machine; the benchmark
    // measures the real figure.
    assert!(
        started.elapsed().as_secs() < 60,
        "took {:?}",
        started.elapsed()
    );
    let ids: std::collections::HashSet<&str> = imp
        .runbook
        .scenarios
        .iter()
        .map(|s| s.id.as_str())
        .collect();
    assert_eq!(
        ids.len(),
        imp.runbook.scenarios.len(),
        "scenario ids are unique"
    );
}

#[test]
fn command_writes_toml_and_report() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.md");
    std::fs::write(&plan, fixture("procedures-bash.md")).unwrap();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    assert_eq!(import_cmd::run(&plan, None, &mut out, &mut err), 0);
    let toml_text = String::from_utf8(out).unwrap();
    assert!(toml::from_str::<Runbook>(&toml_text).is_ok());
    assert!(String::from_utf8(err).unwrap().contains("Scenarios:"));

    let target = dir.path().join("out.toml");
    let (mut out, mut err) = (Vec::new(), Vec::new());
    assert_eq!(import_cmd::run(&plan, Some(&target), &mut out, &mut err), 0);
    assert!(out.is_empty());
    assert_eq!(std::fs::read_to_string(&target).unwrap(), toml_text);

    let missing = dir.path().join("missing.md");
    let (mut out, mut err) = (Vec::new(), Vec::new());
    assert_eq!(import_cmd::run(&missing, None, &mut out, &mut err), 2);
    assert!(String::from_utf8(err).unwrap().contains("missing.md"));

    let empty = dir.path().join("empty.md");
    std::fs::write(&empty, "").unwrap();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    assert_eq!(import_cmd::run(&empty, None, &mut out, &mut err), 2);
    assert!(String::from_utf8(err).unwrap().contains("empty.md"));
    assert!(import_cmd::import_path(&plan).is_ok());
}

#[test]
fn nested_generic_sections_and_bare_commands() {
    let imp = imported(&fixture("nested-sections.md"), "nested-sections.md");
    let rb = &imp.runbook;
    let db = scenario(rb, "Database Failover");
    let titles: Vec<&str> = db.steps.iter().map(|s| s.title.as_str()).collect();
    // "Steps" adds no prefix; "Prerequisites" is context; "Verification" is a step.
    assert_eq!(
        titles,
        [
            "Check replica lag",
            "Promote",
            "Update the app config",
            "Verification"
        ]
    );
    assert!(
        db.description
            .as_deref()
            .unwrap()
            .contains("Access to the AWS console")
    );
    assert_eq!(
        step(db, "Verification").detail.as_deref(),
        Some("- App returns 200.")
    );
    let app = scenario(rb, "Application Recovery");
    let redeploy = step(app, "Redeploy");
    assert_eq!(
        redeploy.commands,
        ["aws ecs update-service --cluster acme --service web --force-new-deployment"]
    );
    assert_eq!(redeploy.expected, Some(m(10)));
    assert!(rb.environment.ecs("acme", "web").is_some());
}

/// Every fixture that imports, read lossily: some hold mis-encoded text on
/// purpose, and the importer's own decoder would refuse only non-UTF-8.
fn all_plans() -> Vec<(String, String)> {
    let dir = format!("{}/tests/fixtures/plans", env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md") && n != "no-procedures.md")
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let bytes = std::fs::read(format!("{dir}/{name}")).unwrap();
            (name, String::from_utf8_lossy(&bytes).into_owned())
        })
        .collect()
}

#[test]
fn every_line_of_every_plan_is_kept() {
    let report: String = all_plans()
        .iter()
        .map(|(name, plan)| helpers::dropped_lines(name, plan))
        .collect();
    assert!(report.is_empty(), "lines missing from the TOML:\n{report}");
}

#[test]
fn non_procedure_text_goes_to_the_description_or_the_appendix() {
    let imp = imported(&fixture("overview-code.md"), "overview-code.md");
    let description = imp.runbook.description.as_deref().unwrap();
    assert!(description.starts_with("Heron Ledger keeps customer balances"));
    assert!(description.ends_with("kept as comments at the end of this file.)"));
    assert!(!description.contains("clients ->"), "prose only");
    let toml = &imp.toml;
    assert!(toml.contains("# From section \"Introduction\" (lines 3–14)"));
    for kept in [
        "# ── Kept from the plan, not imported: code block in \"Introduction\" (lines 8–10) ──\n#   ```text\n#   clients -> ALB -> heron-api (ECS) -> heron-ledger (RDS)\n#   ```\n",
        "# ── Kept from the plan, not imported: \"Scope\" (lines 12–14) ──\n#   ### Scope\n#\n#   Covers losing",
        "# ── Kept from the plan, not imported: \"On-call contacts\" (lines 24–28) ──",
    ] {
        assert!(toml.contains(kept), "{kept}\n---\n{toml}");
    }
    let kept: Vec<&str> = imp
        .report
        .notes_of(NoteKind::Kept)
        .map(|n| n.text.as_str())
        .collect();
    assert!(kept.contains(
        &"prose of section \"Introduction\" (lines 3–14) kept as the runbook description"
    ));
    assert!(kept.iter().any(|k| {
        k.starts_with("section \"On-call contacts\" (lines 24–28) read for roles; kept verbatim")
    }));

    let name = "two-region-replica.md";
    let two = imported(&fixture(name), name);
    assert!(two.toml.contains(
        "# ── Kept from the plan, not imported: \"Infrastructure Code\" (lines 21–30) ──\n#   ## Infrastructure Code\n#\n#   ```hcl\n"
    ));
    assert!(
        two.runbook
            .description
            .as_deref()
            .unwrap()
            .starts_with("Atlas Tiles serves map tiles")
    );
    assert!(
        !two.runbook
            .scenarios
            .iter()
            .any(|s| s.title.contains("Infrastructure"))
    );
}

#[test]
fn every_import_passes_the_validator() {
    let problems: String = all_plans()
        .iter()
        .map(|(name, plan)| helpers::validator_problems(name, plan))
        .collect();
    assert!(problems.is_empty(), "{problems}");
}

/// The imported runbook runs in the console on the simulated source.
#[test]
fn binary_imports_validates_and_runs_a_two_region_plan() {
    let name = "two-region-replica.md";
    let plan = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/plans")
        .join(name);
    let manual = imported(&fixture(name), name);
    let scenario = scenario(&manual.runbook, "Manual Failover");
    let frame = helpers::binary_imports_validates_and_draws(&plan, &scenario.id);
    assert!(
        frame.contains(&scenario.title),
        "scenario title in:\n{frame}"
    );
    assert!(
        frame.contains("atlas-db-standby"),
        "the replica in:\n{frame}"
    );
}

#[test]
fn binary_refuses_empty_and_binary_plans() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty-plan.md");
    std::fs::write(&empty, "").unwrap();
    let binary = dir.path().join("binary-plan.md");
    std::fs::write(&binary, (0..=255u8).cycle().take(2048).collect::<Vec<u8>>()).unwrap();
    for (file, name) in [(&empty, "empty-plan.md"), (&binary, "binary-plan.md")] {
        let (code, stdout, err) = drconsole(&["import".as_ref(), file.as_os_str()]);
        assert_eq!(code, 2, "{name}: {err}");
        assert!(stdout.is_empty(), "{name}: nothing on stdout");
        assert!(err.contains(name), "{name} named in: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn timeline_tables_set_expected_durations() {
    let imp = imported(&fixture("timeline-table.md"), "timeline-table.md");
    let rb = &imp.runbook;
    let evacuate = scenario(rb, "Evacuate");
    let expected: Vec<Option<HumanDuration>> = evacuate.steps.iter().map(|s| s.expected).collect();
    // By the row's words, and row 4 ("Cut DNS over") by its number.
    assert_eq!(expected, [Some(m(5)), Some(h(1)), Some(h(2)), Some(m(10))]);
    // A table that is the whole procedure: one step per row.
    let failback = scenario(rb, "Failback");
    let steps: Vec<(&str, Option<HumanDuration>)> = failback
        .steps
        .iter()
        .map(|s| (s.title.as_str(), s.expected))
        .collect();
    assert_eq!(
        steps,
        [
            (
                "Build a fresh replica in us-east-1 from the promoted instance",
                Some(h(3))
            ),
            ("Promote it and move traffic home", Some(m(45))),
            ("Delete the old replica after a quiet day", Some(h(24))),
        ]
    );
    assert!(
        failback.steps[0]
            .detail
            .as_deref()
            .unwrap()
            .contains("Phase: Resync")
    );
    // The replica's source is the plan's only primary.
    let replica = rb.environment.rds("pelican-orders-east2").expect("replica");
    assert_eq!(replica.role, RdsRole::Replica);
    assert_eq!(replica.source.as_deref(), Some("pelican-orders"));
    assert!(
        imp.report
            .notes_of(NoteKind::Inferred)
            .any(|n| n.text.contains("from a timeline table"))
    );
}
