//! The importer on the real plans, kept out of the test command so that it
//! passes in a clone with nothing beside it. `scripts/check-plans` runs
//! these (`cargo test --test real_plans -- --ignored`) with
//! DRCONSOLE_PLANS_DIR naming the folder of plans; unset, they fail.

use drconsole::runbook::duration::HumanDuration;
use drconsole::runbook::import::NoteKind;
use drconsole::runbook::model::{RdsRole, Verify};
use drconsole::runbook::predicates;

#[path = "import/coverage.rs"]
mod coverage;
#[path = "import/helpers.rs"]
mod helpers;

use helpers::{h, imported, m, scenario, step};

/// The folder of real plans. Unset or unreadable is a failure, never a skip.
fn plans_dir() -> std::path::PathBuf {
    let dir = std::env::var_os("DRCONSOLE_PLANS_DIR").expect(
        "DRCONSOLE_PLANS_DIR must name the folder of real plans (scripts/check-plans sets it)",
    );
    std::path::PathBuf::from(dir)
}

/// A real plan from DRCONSOLE_PLANS_DIR.
fn real_plan(name: &str) -> String {
    let path = plans_dir().join(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("real plan {} is required: {e}", path.display()))
}

/// Every `*.md` in DRCONSOLE_PLANS_DIR, by name; there must be some.
fn all_plans() -> Vec<(String, String)> {
    let dir = plans_dir();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .collect();
    names.sort();
    assert!(!names.is_empty(), "no *.md plans in {}", dir.display());
    names
        .into_iter()
        .map(|name| {
            let plan = real_plan(&name);
            (name, plan)
        })
        .collect()
}

#[test]
#[ignore = "needs DRCONSOLE_PLANS_DIR; run by scripts/check-plans"]
fn rally_plan() {
    let imp = imported(&real_plan("rally-dr-plan.md"), "rally-dr-plan.md");
    let rb = &imp.runbook;
    assert_eq!(rb.objectives.rto, h(12));
    // "Ideally 0; several hours of data loss may be acceptable": the
    // tolerance is the objective, and the report says how it was read.
    assert_eq!(rb.objectives.rpo, h(4));
    let checks: Vec<(Option<usize>, &str)> = imp
        .report
        .notes_of(NoteKind::Check)
        .map(|n| (n.line, n.text.as_str()))
        .collect();
    assert!(
        checks.contains(&(
            Some(9),
            "plan RPO read as 4h from \"several hours of data loss may be acceptable\" (ideal 0)"
        )),
        "{checks:?}"
    );
    let env = &rb.environment;
    assert_eq!(env.regions.primary, "us-east-1");
    assert_eq!(env.regions.dr, None);
    assert_eq!(env.ecs.len(), 1);
    assert_eq!(env.ecs[0].cluster, "rally-prod-cluster");
    assert_eq!(env.ecs[0].service, "rally-prod-service-fargate");
    let db = env.rds("rally-prod-db").expect("rally-prod-db");
    assert_eq!(db.role, RdsRole::Primary);
    assert!(
        env.rds("rally-prod-db-restore").is_none(),
        "restore target is not environment"
    );

    let a = scenario(rb, "Scenario A");
    assert_eq!(a.rto, Some(h(12)));
    let titles: Vec<&str> = a.steps.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Incident handling",
            "Restore RDS",
            "Validate database",
            "Repoint application",
            "Verify and scale",
            "Post-recovery"
        ]
    );
    let repoint = step(a, "Repoint application");
    assert_eq!(
        repoint.commands,
        [
            "aws ecs update-service --cluster rally-prod-cluster --service rally-prod-service-fargate --force-new-deployment --region us-east-1"
        ]
    );
    assert_eq!(repoint.role.as_deref(), Some("Application Operations"));
    assert!(matches!(repoint.verify, Some(Verify::EcsStable(_))));
    assert_eq!(
        step(a, "Incident handling").role.as_deref(),
        Some("Incident Commander")
    );
    let restore = step(a, "Restore RDS");
    assert_eq!(restore.role.as_deref(), Some("DB Operations"));
    assert!(
        restore
            .detail
            .as_deref()
            .unwrap()
            .contains("rally-prod-db-restore")
    );
    // The appendix's restore command names the same instance, but the step
    // does not point at it ("Use RDS Console or CLI"): it is not copied.
    assert!(restore.commands.is_empty(), "{:?}", restore.commands);
    assert_eq!(restore.verify, None);
    assert!(
        a.description
            .as_deref()
            .unwrap()
            .contains("Estimated timing: Typically 1–4 hours")
    );

    // Scenario C's list restarts at "1." and still gives three steps.
    let c = scenario(rb, "Scenario C");
    assert_eq!(c.steps.len(), 3);
    let d = scenario(rb, "Scenario D");
    assert_eq!(d.steps.len(), 4);
    assert!(
        d.description
            .as_deref()
            .unwrap()
            .contains("Current limitation")
    );
    scenario(rb, "Scenario B");
    assert_eq!(rb.scenarios.len(), 4);
    // Not scenarios.
    for not in [
        "Appendix",
        "Overview",
        "Roles",
        "Limitations",
        "Objectives",
        "Resource References",
    ] {
        assert!(!rb.scenarios.iter().any(|s| s.title.contains(not)), "{not}");
    }
}

#[test]
#[ignore = "needs DRCONSOLE_PLANS_DIR; run by scripts/check-plans"]
fn regami_plan() {
    let imp = imported(&real_plan("regami-dr-plan.md"), "regami-dr-plan.md");
    let rb = &imp.runbook;
    assert_eq!(rb.objectives.rto, m(15));
    assert_eq!(rb.objectives.rpo, m(5));
    let env = &rb.environment;
    assert_eq!(env.regions.primary, "us-east-1");
    assert_eq!(env.regions.dr.as_deref(), Some("us-west-2"));
    let replica = env.rds("regami-db-replica").expect("replica");
    assert_eq!(replica.role, RdsRole::Replica);
    assert_eq!(replica.region.as_deref(), Some("us-west-2"));
    assert!(
        env.rds("regami-db-primary-new").is_none(),
        "created by failback, not watched"
    );
    let ecs = env
        .ecs("regami-cluster-secondary", "regami-service-secondary")
        .expect("secondary service");
    assert_eq!(ecs.region.as_deref(), Some("us-west-2"));

    let manual = scenario(rb, "Manual Failover");
    assert_eq!(manual.steps.len(), 4);
    let promote = step(manual, "Promote read replica");
    assert_eq!(
        promote.commands,
        [
            "aws rds promote-read-replica --db-instance-identifier regami-db-replica --region us-west-2"
        ]
    );
    assert_eq!(
        promote.verify,
        Some(Verify::InstancePromoted(predicates::InstancePromoted {
            instance: "regami-db-replica".into()
        }))
    );
    assert_eq!(promote.role.as_deref(), Some("Database Lead"));
    let failback = scenario(rb, "Failback to Primary");
    assert_eq!(failback.steps.len(), 5);
    assert_eq!(
        step(failback, "Ensure primary region").commands,
        ["curl https://api-primary.regami.com/health?check=db"]
    );
    let automatic = scenario(rb, "Automatic Failover");
    assert_eq!(
        step(automatic, "Primary health check").expected,
        Some(HumanDuration(90))
    );

    let drill = scenario(rb, "Quarterly DR Drill");
    assert_eq!(drill.steps.len(), 10);
    let script = scenario(rb, "DR Drill Script");
    let titles: Vec<&str> = script.steps.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Health check primary",
            "Promote replica",
            "Wait for promotion",
            "Scale up secondary ECS",
            "Health check secondary",
            "Verify application"
        ]
    );
    assert!(step(script, "Scale up").commands[0].starts_with("aws ecs update-service"));
    // Narration is kept as detail, not as commands.
    assert!(
        script
            .steps
            .iter()
            .all(|s| s.commands.iter().all(|c| !c.starts_with("echo")))
    );
    assert!(
        step(script, "Verify application")
            .detail
            .as_deref()
            .unwrap()
            .contains("DR Drill Complete")
    );

    let outage = scenario(rb, "Scenario 1: Primary Region Outage");
    assert_eq!(outage.rto, Some(m(5)));
    assert_eq!(outage.rpo, Some(m(5)));
    assert_eq!(scenario(rb, "Scenario 2").rto, Some(m(30)));
    assert_eq!(scenario(rb, "Scenario 2").rpo, Some(h(1)));
    assert_eq!(scenario(rb, "Scenario 4").rpo, Some(h(24)));
    for not in [
        "Architecture",
        "Terraform",
        "Cost",
        "Compliance",
        "Monitoring",
        "Next Steps",
        "Contact",
    ] {
        assert!(!rb.scenarios.iter().any(|s| s.title.contains(not)), "{not}");
    }
    assert!(
        imp.report
            .notes_of(NoteKind::Kept)
            .any(|n| n.text.contains("Terraform Configuration"))
    );
}

#[test]
#[ignore = "needs DRCONSOLE_PLANS_DIR; run by scripts/check-plans"]
fn nothing_is_dropped_from_procedures() {
    // Every prose line of a scenario section ends up somewhere in the output.
    let imp = imported(&real_plan("rally-dr-plan.md"), "rally-dr-plan.md");
    for phrase in [
        "Goal: Restore data to a point before corruption",
        "Note: This scenario is currently high risk",
        "Contingent plan (best effort with current state):",
        "Scale tasks if necessary.",
        "If regional control plane degradation is suspected",
        "Or provide --restore-time",
    ] {
        assert!(imp.toml.contains(phrase), "{phrase} is kept");
    }
}

#[test]
#[ignore = "needs DRCONSOLE_PLANS_DIR; run by scripts/check-plans"]
fn regami_terraform_is_kept_and_its_overview_is_the_description() {
    let regami = imported(&real_plan("regami-dr-plan.md"), "regami-dr-plan.md");
    assert!(regami.toml.contains(
        "# ── Kept from the plan, not imported: \"Terraform Configuration\" (lines 35–162) ──\n#   ## Terraform Configuration\n#\n#   ```hcl\n"
    ));
    assert!(
        regami
            .runbook
            .description
            .as_deref()
            .unwrap()
            .starts_with("Multi-region disaster recovery strategy")
    );
    assert!(
        !regami
            .runbook
            .scenarios
            .iter()
            .any(|s| s.title.contains("Terraform"))
    );
}

#[test]
#[ignore = "needs DRCONSOLE_PLANS_DIR; run by scripts/check-plans"]
fn every_line_of_every_real_plan_is_kept() {
    let report: String = all_plans()
        .iter()
        .map(|(name, plan)| helpers::dropped_lines(name, plan))
        .collect();
    assert!(report.is_empty(), "lines missing from the TOML:\n{report}");
}

#[test]
#[ignore = "needs DRCONSOLE_PLANS_DIR; run by scripts/check-plans"]
fn every_real_plan_import_passes_the_validator() {
    let problems: String = all_plans()
        .iter()
        .map(|(name, plan)| helpers::validator_problems(name, plan))
        .collect();
    assert!(problems.is_empty(), "{problems}");
}

/// The imported runbook runs in the console on the simulated source.
#[test]
#[ignore = "needs DRCONSOLE_PLANS_DIR; run by scripts/check-plans"]
fn binary_imports_validates_and_runs_the_regami_plan() {
    let plan = plans_dir().join("regami-dr-plan.md");
    let manual = imported(&real_plan("regami-dr-plan.md"), "regami-dr-plan.md");
    let scenario = scenario(&manual.runbook, "Manual Failover");
    let frame = helpers::binary_imports_validates_and_draws(&plan, &scenario.id);
    assert!(
        frame.contains(&scenario.title),
        "scenario title in:\n{frame}"
    );
    assert!(
        frame.contains("regami-db-replica"),
        "the replica in:\n{frame}"
    );
}
