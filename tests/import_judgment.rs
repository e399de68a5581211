//! The importer's judgment on objectives and roles: a tolerance after an
//! ideal, per-scenario objectives from tables and labelled lines, the
//! objectives of a future mode skipped, roles from tables and lists
//! wherever they sit, and steps matched to the role whose responsibilities
//! fit them.

use drconsole::runbook::import::NoteKind;

#[path = "import/coverage.rs"]
mod coverage;
#[path = "import/helpers.rs"]
mod helpers;

use helpers::{dropped_lines, h, imported, m, scenario, step};

fn checks(imp: &drconsole::runbook::import::Imported) -> Vec<(Option<usize>, String)> {
    imp.report
        .notes_of(NoteKind::Check)
        .map(|n| (n.line, n.text.clone()))
        .collect()
}

fn inferred(imp: &drconsole::runbook::import::Imported) -> Vec<(Option<usize>, String)> {
    imp.report
        .notes_of(NoteKind::Inferred)
        .map(|n| (n.line, n.text.clone()))
        .collect()
}

const TOLERANCE_PLAN: &str = "\
# Ledger DR plan

- RTO: 6 hours
- RPO: Ideally 0; a few hours of data loss may be acceptable

## Scenario A: Database lost

1. Restore the database
   ```bash
   aws rds restore-db-instance-to-point-in-time --source-db-instance-identifier ledger-db --target-db-instance-identifier ledger-db-new --use-latest-restorable-time --region eu-west-1
   ```
";

#[test]
fn an_ideal_then_a_tolerance_reads_as_the_tolerance() {
    let imp = imported(TOLERANCE_PLAN, "tolerance.md");
    assert_eq!(imp.runbook.objectives.rto, h(6));
    assert_eq!(imp.runbook.objectives.rpo, h(3));
    let checks = checks(&imp);
    assert!(
        checks.contains(&(
            Some(4),
            "plan RPO read as 3h from \"a few hours of data loss may be acceptable\" (ideal 0)"
                .to_owned()
        )),
        "{checks:?}"
    );
    assert!(
        !checks.iter().any(|(_, t)| t.contains("read as 0")),
        "{checks:?}"
    );
    assert!(imp.toml.contains("rpo = \"3h\""));
    assert_eq!(dropped_lines("tolerance.md", TOLERANCE_PLAN), "");
}

const SCENARIO_OBJECTIVES_PLAN: &str = "\
# Harbor DR plan

## Planned multi-region setup

- RTO: 5 minutes

## Objectives

| Scenario | Recovery Time | Max Data Loss |
|---|---|---|
| A | < 1 hour | 5 minutes |
| Scenario B | 4-6 hours | up to 1 day |

Target state (Phase 2): RTO 15 minutes, RPO 1 minute.

Current: RTO 8 hours; RPO 1 day.

## Scenario A: Region outage

1. Promote the replica
   ```bash
   aws rds promote-read-replica --db-instance-identifier harbor-db-dr --region us-west-2
   ```

## Scenario B: Data corruption

1. Restore the last good snapshot
   ```bash
   aws rds restore-db-instance-from-db-snapshot --db-instance-identifier harbor-db-restored --db-snapshot-identifier harbor-nightly --region us-east-1
   ```

## Scenario C: Bad deploy

Recovery Time: < 30 minutes
Max data loss: 10 minutes

1. Roll back the API
   ```bash
   aws ecs update-service --cluster harbor --service harbor-api --task-definition harbor-api:41 --region us-east-1
   ```

## Scenario D: Queue loss

RTO ≤ 45 min. Once cross-region replication is in place, RTO 10 minutes.

1. Recreate the queue from its template
";

#[test]
fn per_scenario_objectives_from_tables_and_lines_and_no_future_ones() {
    let imp = imported(SCENARIO_OBJECTIVES_PLAN, "harbor.md");
    let rb = &imp.runbook;
    // The current figures, not the planned setup's or the Phase 2 target
    // stated before them.
    assert_eq!((rb.objectives.rto, rb.objectives.rpo), (h(8), h(24)));
    let a = scenario(rb, "Scenario A");
    assert_eq!((a.rto, a.rpo), (Some(h(1)), Some(m(5))));
    let b = scenario(rb, "Scenario B");
    assert_eq!((b.rto, b.rpo), (Some(h(6)), Some(h(24))));
    let c = scenario(rb, "Scenario C");
    assert_eq!((c.rto, c.rpo), (Some(m(30)), Some(m(10))));
    let d = scenario(rb, "Scenario D");
    assert_eq!((d.rto, d.rpo), (Some(m(45)), None));

    let checks = checks(&imp);
    for (line, text) in [
        (
            5,
            "RTO 5m (\"5 minutes\") is for a future or target mode not in effect; not taken",
        ),
        (
            14,
            "RTO 15m (\"15 minutes\") is for a future or target mode not in effect; not taken",
        ),
        (
            14,
            "RPO 1m (\"1 minute\") is for a future or target mode not in effect; not taken",
        ),
        (
            44,
            "RTO 10m (\"10 minutes\") is for a future or target mode not in effect; not taken",
        ),
    ] {
        assert!(
            checks.contains(&(Some(line), text.to_owned())),
            "{line}: {text}\n{checks:?}"
        );
    }
    let inferred = inferred(&imp);
    for (line, text) in [
        (
            11,
            "RTO 1h for \"Scenario A: Region outage\" from a table row \"A\"",
        ),
        (
            12,
            "RPO 1d for \"Scenario B: Data corruption\" from a table row \"Scenario B\"",
        ),
        (
            34,
            "RTO 30m for \"Scenario C: Bad deploy\" from \"30 minutes\"",
        ),
        (
            35,
            "RPO 10m for \"Scenario C: Bad deploy\" from \"10 minutes\"",
        ),
        (16, "plan RTO 8h from \"8 hours\""),
    ] {
        assert!(
            inferred.contains(&(Some(line), text.to_owned())),
            "{line}: {text}\n{inferred:?}"
        );
    }
    assert_eq!(dropped_lines("harbor.md", SCENARIO_OBJECTIVES_PLAN), "");
}

const ROLES_PLAN: &str = "\
# Pier DR runbook

## Scenario 1: Primary database fails

1. Declare the disaster
   - Open the bridge and declare a SEV1.
2. Fail over the Aurora cluster
   ```bash
   aws rds failover-global-cluster --global-cluster-identifier pier-global --target-db-cluster-identifier pier-dr --region us-west-2
   ```
3. Restart the API tasks
   ```bash
   aws ecs update-service --cluster pier --service pier-api --force-new-deployment --region us-west-2
   ```
4. Post a status update
   - Notify customers on the status page.
5. Check the data
6. Rotate the VPN keys

## Appendix A: Who does what

| Team | Role | Responsibilities | Contact |
|---|---|---|---|
| Ops | Incident Commander | declares the disaster, runs the bridge | ic@pier.io |
| Data | Database Engineer | Aurora failover, snapshots | +1 555 0100 |
| Web | Platform Engineer | ECS services, deploys | #platform |
| Support | Comms Lead | status page, customer notifications | comms@pier.io |
| Net | Jane Smith | VPN | jane@pier.io |

## Appendix B: Escalation

- Network Engineer — VPN tunnels and firewall rules
";

#[test]
fn roles_from_appendix_tables_and_lists_matched_by_responsibilities() {
    let imp = imported(ROLES_PLAN, "pier.md");
    let one = scenario(&imp.runbook, "Scenario 1");
    let role = |title: &str| step(one, title).role.clone();
    assert_eq!(
        role("Declare the disaster").as_deref(),
        Some("Incident Commander")
    );
    assert_eq!(
        role("Fail over the Aurora cluster").as_deref(),
        Some("Database Engineer")
    );
    assert_eq!(
        role("Restart the API tasks").as_deref(),
        Some("Platform Engineer")
    );
    assert_eq!(role("Post a status update").as_deref(), Some("Comms Lead"));
    // "data" alone is too generic to give the step to anyone.
    assert_eq!(role("Check the data"), None);
    assert_eq!(
        role("Rotate the VPN keys").as_deref(),
        Some("Network Engineer")
    );

    let inferred = inferred(&imp);
    let roles: Vec<&(Option<usize>, String)> = inferred
        .iter()
        .filter(|(_, t)| t.starts_with("role "))
        .collect();
    assert_eq!(
        roles,
        [
            &(
                Some(24),
                "role \"Incident Commander\", responsible for \"Ops; declares the disaster, runs the bridge\""
                    .to_owned()
            ),
            &(
                Some(25),
                "role \"Database Engineer\", responsible for \"Data; Aurora failover, snapshots\""
                    .to_owned()
            ),
            &(
                Some(26),
                "role \"Platform Engineer\", responsible for \"Web; ECS services, deploys\"".to_owned()
            ),
            &(
                Some(27),
                "role \"Comms Lead\", responsible for \"Support; status page, customer notifications\""
                    .to_owned()
            ),
            &(
                Some(32),
                "role \"Network Engineer\", responsible for \"VPN tunnels and firewall rules\""
                    .to_owned()
            ),
        ]
    );
    let checks = checks(&imp);
    let weak: Vec<&(Option<usize>, String)> = checks
        .iter()
        .filter(|(_, t)| t.contains("given role"))
        .collect();
    assert_eq!(
        weak,
        [&(
            Some(18),
            "step \"Rotate the VPN keys\" of \"Scenario 1: Primary database fails\" given role \"Network Engineer\" on one word (\"vpn\"); check it"
                .to_owned()
        )]
    );
    assert_eq!(dropped_lines("pier.md", ROLES_PLAN), "");
}
