//! What is not a procedure, chained procedures, and structure inside one
//! procedure: small plans, each asserting the exact scenarios and steps.

use drconsole::runbook::duration::HumanDuration;
use drconsole::runbook::model::Runbook;

#[path = "import/coverage.rs"]
mod coverage;
#[path = "import/helpers.rs"]
mod helpers;

use helpers::{imported, m};

fn titles(rb: &Runbook) -> Vec<&str> {
    rb.scenarios.iter().map(|s| s.title.as_str()).collect()
}

fn steps(rb: &Runbook, scenario: &str) -> Vec<(String, Option<HumanDuration>)> {
    rb.scenarios
        .iter()
        .find(|s| s.title == scenario)
        .unwrap_or_else(|| panic!("no scenario {scenario}"))
        .steps
        .iter()
        .map(|s| (s.title.clone(), s.expected))
        .collect()
}

const PROCEDURES: &str = "
## Scenario 1: Database failover

1. Promote the replica: `aws rds promote-read-replica --db-instance-identifier orders-db-replica --region us-west-2`
2. Point the app at it

## Scenario 2: Restore from snapshot

1. Restore: `aws rds restore-db-instance-from-db-snapshot --db-instance-identifier orders-db-restored --db-snapshot-identifier snap1`
2. Check the data
";

#[test]
fn classifications_prerequisites_reviews_and_history_are_not_procedures() {
    let plan = format!(
        "# Orders DR Plan

## Incident Classification

| Category | Severity | Examples |
|---|---|---|
| Database | Sev 1 | primary down |

## Failure Levels

| Level | Description |
|---|---|
| 1 | 1. restart the failed task |

## Types of Failure

1. Region outage: the whole region is lost
2. Database corruption: bad data written

## Prerequisites (before a disaster)

- [ ] A read replica exists in us-west-2
- [ ] On-call rota is up to date
{PROCEDURES}
## Post-Incident Review

1. Write the timeline
2. File action items

## Document History

1. 1.0 first version
"
    );
    let imp = imported(&plan, "notproc.md");
    assert_eq!(
        titles(&imp.runbook),
        [
            "Scenario 1: Database failover",
            "Scenario 2: Restore from snapshot"
        ]
    );
}

#[test]
fn a_section_that_runs_other_scenarios_is_made_of_their_steps() {
    let plan = format!(
        "# Orders DR Plan
{PROCEDURES}
## Full Drill

Execute Scenario 1, then Scenario 2.

## Another Drill

Follow Scenario 2 followed by 1.
"
    );
    let imp = imported(&plan, "chain.md");
    let rb = &imp.runbook;
    assert_eq!(
        titles(rb),
        [
            "Scenario 1: Database failover",
            "Scenario 2: Restore from snapshot",
            "Full Drill",
            "Another Drill",
        ]
    );
    let drill: Vec<String> = steps(rb, "Full Drill").into_iter().map(|s| s.0).collect();
    assert_eq!(
        drill,
        [
            "Scenario 1: Promote the replica",
            "Scenario 1: Point the app at it",
            "Scenario 2: Restore",
            "Scenario 2: Check the data",
        ]
    );
    let other: Vec<String> = steps(rb, "Another Drill")
        .into_iter()
        .map(|s| s.0)
        .collect();
    assert_eq!(other[0], "Scenario 2: Restore");
    assert_eq!(other[2], "Scenario 1: Promote the replica");
    let full = rb
        .scenarios
        .iter()
        .find(|s| s.title == "Full Drill")
        .unwrap();
    assert_eq!(
        full.steps[0].commands, rb.scenarios[0].steps[0].commands,
        "the chained step carries its command"
    );
    let ids: std::collections::HashSet<&str> = full.steps.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids.len(), 4, "step ids are unique");
    assert_eq!(
        full.description.as_deref(),
        Some("Execute Scenario 1, then Scenario 2.")
    );
}

#[test]
fn numbered_sections_chain_by_their_numbers() {
    let plan = "# Plan

## 3.1 Failover procedure

1. Promote the replica
2. Repoint the app

## 3.2 Failback procedure

1. Rebuild the primary

## 3.3 Drill

Perform the steps of 3.1 and 3.2 in the staging account.
";
    let imp = imported(plan, "numbered.md");
    let drill: Vec<String> = steps(&imp.runbook, "Drill")
        .into_iter()
        .map(|s| s.0)
        .collect();
    assert_eq!(
        drill,
        [
            "Failover procedure: Promote the replica",
            "Failover procedure: Repoint the app",
            "Failback procedure: Rebuild the primary",
        ]
    );
}

#[test]
fn sub_headings_are_steps_of_one_procedure_with_their_durations() {
    let plan = "# Plan

## Scenario 1: Region outage

### Phase 1: Assess (5-10 minutes)

1. Check the dashboards
2. Declare the incident

### Phase 2: Fail over — 15 min

#### Step 1: Promote the replica

`aws rds promote-read-replica --db-instance-identifier db-replica --region us-west-2`

#### Step 2: Update DNS [~30m]

Point the record at the DR endpoint.

### Phase 3: Validate – 20 min

1. Run the smoke tests

### Timeline

| Time | Action |
|---|---|
| T+0 | Detect |
| T+15m | Promote |

### Decision Tree

- If the replica lags more than 5 minutes → restore from snapshot instead
- If the replica is healthy → promote it

### Checklists

#### Before

- [ ] Notify stakeholders

#### During

- [ ] Keep the log
";
    let imp = imported(plan, "inner.md");
    let rb = &imp.runbook;
    assert_eq!(titles(rb), ["Scenario 1: Region outage"]);
    let want: Vec<(String, Option<HumanDuration>)> = [
        ("Phase 1: Check the dashboards", None),
        // A phase's duration goes on its last step.
        ("Phase 1: Declare the incident", Some(m(10))),
        ("Phase 2: Promote the replica", None),
        // The step states its own; the phase's is not put over it.
        ("Phase 2: Update DNS [~30m]", Some(m(30))),
        // A one-step phase: the phase's duration is the step's.
        ("Phase 3: Run the smoke tests", Some(m(20))),
        // "Checklists" says nothing a prefix would add.
        ("Before: Notify stakeholders", None),
        ("During: Keep the log", None),
    ]
    .into_iter()
    .map(|(t, d)| (t.to_owned(), d))
    .collect();
    assert_eq!(steps(rb, "Scenario 1: Region outage"), want);
    let description = rb.scenarios[0].description.as_deref().unwrap_or("");
    assert!(description.contains("T+15m"), "{description}");
    assert!(
        description.contains("If the replica is healthy → promote it"),
        "{description}"
    );
}

#[test]
fn a_list_of_clock_times_or_decisions_is_not_steps() {
    let plan = "# Plan

## Failover

1. Promote the replica
2. Repoint the app

Timeline:

1. T+0: alarm fires
2. T+5m: on-call acknowledges
";
    let imp = imported(plan, "clock.md");
    let got: Vec<String> = steps(&imp.runbook, "Failover")
        .into_iter()
        .map(|s| s.0)
        .collect();
    assert_eq!(got, ["Promote the replica", "Repoint the app"]);
}

#[test]
fn prerequisites_become_the_scenarios_ready_checks() {
    use drconsole::runbook::import::NoteKind;
    use drconsole::runbook::model::Verify;
    use drconsole::runbook::predicates::{InstanceExists, PitrCovers, RecoveryPointYoungerThan};
    let plan = "# Orders DR Plan

## Prerequisites

- [ ] A read replica exists in us-west-2
- [ ] Snapshots are no older than 24 hours
- [ ] On-call rota is up to date

## Scenario 1: Database failover

1. Promote: `aws rds promote-read-replica --db-instance-identifier orders-replica --region us-west-2`

## Scenario 2: Point-in-time restore

### Before you start

- PITR is enabled on orders-db

### Steps

1. Restore: `aws rds restore-db-instance-to-point-in-time --source-db-instance-identifier orders-db --target-db-instance-identifier orders-db-pitr --region us-east-1`
";
    let imp = imported(plan, "ready.md");
    let rb = &imp.runbook;
    let replica = Verify::InstanceExists(InstanceExists {
        instance: "orders-replica".into(),
    });
    let backups = Verify::RecoveryPointYoungerThan(RecoveryPointYoungerThan {
        vault: None,
        resource: None,
        region: None,
        max_age: HumanDuration::from_hours(24),
    });
    let pitr = Verify::PitrCovers(PitrCovers {
        instance: "orders-db".into(),
        before_incident: HumanDuration::default(),
    });
    assert_eq!(
        titles(rb),
        [
            "Scenario 1: Database failover",
            "Scenario 2: Point-in-time restore"
        ]
    );
    assert_eq!(rb.scenarios[0].ready, [replica.clone(), backups.clone()]);
    assert_eq!(rb.scenarios[1].ready, [replica, backups, pitr]);
    let kept: Vec<&str> = imp
        .report
        .notes_of(NoteKind::Kept)
        .map(|n| n.text.as_str())
        .filter(|t| t.starts_with("readiness item"))
        .collect();
    assert_eq!(
        kept,
        [
            "readiness item \"On-call rota is up to date\" kept as text: it states no check on a resource the runbook declares"
        ]
    );
    assert!(imp.toml.contains("ready = ["), "{}", imp.toml);
}

/// All the shapes in one plan: the classification, prerequisites, review
/// and history are no scenarios; the drill chains the two procedures.
#[test]
fn the_structure_fixture_imports_to_its_procedures() {
    let plan = include_str!("fixtures/plans/structure-shapes.md");
    let imp = imported(plan, "structure-shapes.md");
    let rb = &imp.runbook;
    assert_eq!(
        titles(rb),
        [
            "Scenario 1: Region outage",
            "Scenario 2: Restore from snapshot",
            "Full Drill"
        ]
    );
    let outage: Vec<String> = steps(rb, "Scenario 1: Region outage")
        .into_iter()
        .map(|s| s.0)
        .collect();
    assert_eq!(
        outage,
        [
            "Phase 1: Check the dashboards",
            "Phase 1: Declare the incident",
            "Phase 2: Promote the replica",
            "Phase 2: Update DNS [~30m]",
        ]
    );
    assert_eq!(steps(rb, "Full Drill").len(), 6);
    assert_eq!(rb.scenarios[0].ready.len(), 2, "replica and snapshots");
}

/// Bold-only lines used as headings group the steps below them, inside
/// the one procedure; a bold "Steps:" label stays a label.
#[test]
fn bold_lines_used_as_headings_are_step_groups() {
    let plan = "# Plan

## Database failover

**Preparation (5 minutes)**

1. Freeze writes
2. Snapshot the primary

**Failover**

1. Promote: `aws rds promote-read-replica --db-instance-identifier db-replica --region us-west-2`

**Checklist:**

- [ ] Tell the team
";
    let imp = imported(plan, "bold.md");
    let rb = &imp.runbook;
    assert_eq!(titles(rb), ["Database failover"]);
    let want: Vec<(String, Option<HumanDuration>)> = [
        ("Preparation: Freeze writes", None),
        ("Preparation: Snapshot the primary", Some(m(5))),
        ("Failover: Promote", None),
        ("Failover: Tell the team", None),
    ]
    .into_iter()
    .map(|(t, d)| (t.to_owned(), d))
    .collect();
    assert_eq!(steps(rb, "Database failover"), want);
}

/// A drill written as a list of the scenarios it runs takes their steps.
#[test]
fn a_list_of_scenarios_to_run_is_made_of_their_steps() {
    let plan = format!(
        "# Orders DR Plan
{PROCEDURES}
## Annual Drill

1. Execute Scenario 2
2. Then execute Scenario 1
"
    );
    let imp = imported(&plan, "chain-list.md");
    let drill: Vec<String> = steps(&imp.runbook, "Annual Drill")
        .into_iter()
        .map(|s| s.0)
        .collect();
    assert_eq!(
        drill,
        [
            "Scenario 2: Restore",
            "Scenario 2: Check the data",
            "Scenario 1: Promote the replica",
            "Scenario 1: Point the app at it",
        ]
    );
}
