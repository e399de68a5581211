//! The environment and checks the importer reads from plans that name
//! their resources every way engineers write them: regions in tables,
//! diagrams and endpoints (never from failback commands), Aurora clusters
//! and AWS Backup restores, every value of a list flag, names in code
//! blocks and prose lists, and placeholders that are never names.

use drconsole::runbook::import::NoteKind;
use drconsole::runbook::model::{RdsRole, Runbook, Verify};
use drconsole::runbook::predicates::{InstancePromoted, InstanceStatus};

#[path = "import/coverage.rs"]
mod coverage;
#[path = "import/helpers.rs"]
mod helpers;

use helpers::{imported, scenario, step};

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/plans/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn available(id: &str) -> Option<Verify> {
    Some(Verify::InstanceStatus(InstanceStatus {
        instance: id.to_owned(),
        status: "available".to_owned(),
    }))
}

fn promoted(id: &str) -> Option<Verify> {
    Some(Verify::InstancePromoted(InstancePromoted {
        instance: id.to_owned(),
    }))
}

/// (id, region, role, source) of each RDS instance.
fn instances(rb: &Runbook) -> Vec<(&str, Option<&str>, RdsRole, Option<&str>)> {
    rb.environment
        .rds
        .iter()
        .map(|r| {
            (
                r.id.as_str(),
                r.region.as_deref(),
                r.role,
                r.source.as_deref(),
            )
        })
        .collect()
}

/// The report's notes of a kind, as "line: text".
fn notes(imp: &drconsole::runbook::import::Imported, kind: NoteKind) -> Vec<String> {
    imp.report
        .notes_of(kind)
        .map(|n| format!("{}: {}", n.line.unwrap_or(0), n.text))
        .collect()
}

/// Aurora global database and AWS Backup: clusters in their regions (by
/// `--region`, by ARN, by `--source-db-cluster-identifier`), the vault in
/// its region, restores checked on their targets (JSON metadata across
/// lines), "Expected: available" after a describe checked, a global
/// failover and the wait after it reported rather than checked by a
/// status the secondary already had, placeholders never names.
#[test]
fn aurora_global_database_and_aws_backup() {
    let name = "aurora-backup.md";
    let imp = imported(&fixture(name), name);
    let rb = &imp.runbook;
    let env = &rb.environment;
    assert_eq!(env.regions.primary, "us-east-1");
    assert_eq!(env.regions.dr.as_deref(), Some("us-west-2"));
    let clusters: Vec<(&str, Option<&str>, Option<&str>)> = env
        .rds_clusters
        .iter()
        .map(|c| (c.id.as_str(), c.region.as_deref(), c.engine.as_deref()))
        .collect();
    assert_eq!(
        clusters,
        [
            ("orders-west", Some("us-west-2"), Some("aurora-postgresql")),
            ("orders-east", Some("us-east-1"), Some("aurora-postgresql")),
        ]
    );
    assert!(env.rds.is_empty(), "no instances: {:?}", env.rds);
    let vaults: Vec<(&str, Option<&str>)> = env
        .backup_vaults
        .iter()
        .map(|v| (v.name.as_str(), v.region.as_deref()))
        .collect();
    assert_eq!(vaults, [("orders-vault", Some("us-east-1"))]);

    let outage = scenario(rb, "Regional outage");
    let verifies: Vec<Option<Verify>> = outage.steps.iter().map(|s| s.verify.clone()).collect();
    assert_eq!(verifies, [available("orders-west"), None, None]);
    let corruption = scenario(rb, "Data corruption");
    let verifies: Vec<Option<Verify>> = corruption.steps.iter().map(|s| s.verify.clone()).collect();
    assert_eq!(
        verifies,
        [
            None,
            available("orders-restored"),
            available("orders-pitr"),
            None
        ]
    );
    let checks = notes(&imp, NoteKind::Check);
    for expected in [
        "21: global failover to cluster orders-west: no predicate checks that it became the writer",
        "29: cluster orders-west is available before the global failover too, and no predicate checks that it became the writer; no verify for this step",
    ] {
        assert!(
            checks.iter().any(|c| c == expected),
            "{expected} in {checks:#?}"
        );
    }
    let inferred = notes(&imp, NoteKind::Inferred);
    for expected in [
        "5: primary region us-east-1 (called primary in the text)",
        "6: DR region us-west-2 (called dr region in the text)",
        "16: Aurora cluster orders-west in us-west-2 from --db-cluster-identifier in `aws rds describe-db-clusters`",
        "59: Aurora cluster orders-east in us-east-1 from --source-db-cluster-identifier in `aws rds restore-db-cluster-to-point-in-time`",
    ] {
        assert!(
            inferred.iter().any(|c| c == expected),
            "{expected} in {inferred:#?}"
        );
    }
}

/// A Mermaid diagram names the regions; endpoints place instances; a
/// failback procedure's `--source-region` and `--region` do not; waits
/// after a promotion check the promotion; every `--services` value counts.
#[test]
fn diagram_regions_and_a_failback_that_does_not_decide_them() {
    let name = "diagram-failback.md";
    let imp = imported(&fixture(name), name);
    let rb = &imp.runbook;
    assert_eq!(rb.environment.regions.primary, "us-east-1");
    assert_eq!(rb.environment.regions.dr.as_deref(), Some("us-west-2"));
    assert_eq!(
        instances(rb),
        [
            (
                "shop-db-replica",
                Some("us-west-2"),
                RdsRole::Replica,
                Some("shop-db")
            ),
            ("shop-db", Some("us-east-1"), RdsRole::Primary, None),
        ]
    );
    let services: Vec<(&str, &str, Option<&str>)> = rb
        .environment
        .ecs
        .iter()
        .map(|e| (e.cluster.as_str(), e.service.as_str(), e.region.as_deref()))
        .collect();
    assert_eq!(
        services,
        [
            ("shop-dr", "shop-web", Some("us-west-2")),
            ("shop-dr", "shop-api", Some("us-west-2"))
        ]
    );
    let failover = scenario(rb, "Region failover");
    assert_eq!(
        step(failover, "Promote").verify,
        promoted("shop-db-replica")
    );
    assert_eq!(
        step(failover, "Wait for the promotion").verify,
        promoted("shop-db-replica"),
        "the replica is available before the promotion: the wait checks the promotion"
    );
    let inferred = notes(&imp, NoteKind::Inferred);
    for expected in [
        "5: primary region us-east-1 (called primary in the text)",
        "5: DR region us-west-2 (called dr in the text)",
        "9: RDS instance shop-db from an RDS endpoint",
    ] {
        assert!(
            inferred.iter().any(|c| c == expected),
            "{expected} in {inferred:#?}"
        );
    }
}

/// With no prose naming the regions, the failback's `--source-region
/// us-west-2 --region us-east-1` would make us-west-2 primary; it is
/// read as traffic going back, so the failover's replica region is DR.
#[test]
fn failback_commands_never_decide_the_primary() {
    let plan = "# Plan

## Scenario 1: Failover

1. Promote the replica

   ```bash
   aws rds promote-read-replica --db-instance-identifier app-replica --region us-west-2
   ```

## Scenario 2: Return to primary

1. Replicate back

   ```bash
   aws rds create-db-instance-read-replica --db-instance-identifier app-new \\
     --source-db-instance-identifier arn:aws:rds:us-west-2:123456789012:db:app-replica \\
     --source-region us-west-2 --region us-east-1
   ```
";
    let imp = imported(plan, "failback.md");
    let env = &imp.runbook.environment;
    assert_eq!(env.regions.primary, "us-east-1");
    assert_eq!(env.regions.dr.as_deref(), Some("us-west-2"));
    assert_eq!(
        instances(&imp.runbook),
        [("app-replica", Some("us-west-2"), RdsRole::Replica, None)]
    );
    let inferred = notes(&imp, NoteKind::Inferred);
    let expected = "8: DR region us-west-2 (--region of the promoted replica in `aws rds promote-read-replica`)";
    assert!(
        inferred.iter().any(|c| c == expected),
        "{expected} in {inferred:#?}"
    );
}

/// Every value of `--alarm-names`; names in HCL (`alarm_name`,
/// `identifier` with `replicate_source_db`) and CloudFormation YAML
/// (`AlarmName`); prose lists of alarms (code spans) and services
/// (commas and "and").
#[test]
fn names_in_lists_flags_and_code_blocks_all_reach_the_environment() {
    let name = "names-everywhere.md";
    let imp = imported(&fixture(name), name);
    let env = &imp.runbook.environment;
    assert_eq!(
        env.alarms.names,
        [
            "billing-5xx",
            "billing-latency",
            "billing-disk",
            "billing-queue-depth",
            "billing-cpu-high"
        ]
    );
    assert!(env.alarms.prefixes.is_empty());
    let services: Vec<(&str, &str)> = env
        .ecs
        .iter()
        .map(|e| (e.cluster.as_str(), e.service.as_str()))
        .collect();
    assert_eq!(
        services,
        [
            ("billing-prod", "billing-web"),
            ("billing-prod", "billing-api"),
            ("billing-prod", "billing-worker")
        ]
    );
    assert_eq!(
        instances(&imp.runbook),
        [
            (
                "billing-db-dr",
                Some("eu-central-1"),
                RdsRole::Replica,
                Some("billing-db")
            ),
            ("billing-db", Some("eu-west-1"), RdsRole::Primary, None),
        ]
    );
    assert_eq!(env.regions.primary, "eu-west-1");
    assert_eq!(env.regions.dr.as_deref(), Some("eu-central-1"));
}

/// Placeholders in every form stay out of the environment; a cluster's
/// reader endpoint declares the cluster in its region; Backup shorthand
/// metadata names the restore's target.
#[test]
fn placeholders_are_never_names() {
    let plan = "# Plan

Reader endpoint: `ledger.cluster-ro-a1b2c3.eu-west-1.rds.amazonaws.com`
Example endpoints: `name.xxxx.eu-west-1.rds.amazonaws.com`, `<db-id>.abc.eu-west-1.rds.amazonaws.com`

## Scenario 1: Restore

1. Look at the clusters

   ```bash
   aws rds describe-db-clusters --db-cluster-identifier $CLUSTER_ID
   aws rds describe-db-clusters --db-cluster-identifier my-cluster-name
   aws rds describe-db-clusters --db-cluster-identifier ${var.cluster_id}
   aws rds describe-db-clusters --db-cluster-identifier CLUSTER_ID
   aws backup list-tags --resource-arn arn:aws:rds:eu-west-1:ACCOUNT_ID:cluster:ledger-$(date +%F)
   aws cloudwatch describe-alarms --alarm-names my-alarm-name YOUR_ALARM
   ```

2. Restore from the vault

   ```bash
   aws backup start-restore-job --recovery-point-arn $ARN \\
     --metadata DBInstanceIdentifier=ledger-restored,Engine=postgres
   ```
";
    let imp = imported(plan, "placeholders.md");
    let env = &imp.runbook.environment;
    let clusters: Vec<(&str, Option<&str>)> = env
        .rds_clusters
        .iter()
        .map(|c| (c.id.as_str(), c.region.as_deref()))
        .collect();
    assert_eq!(clusters, [("ledger", Some("eu-west-1"))]);
    assert!(env.rds.is_empty(), "{:?}", env.rds);
    assert!(env.alarms.names.is_empty(), "{:?}", env.alarms.names);
    let restore = step(scenario(&imp.runbook, "Restore"), "Restore from the vault");
    assert_eq!(restore.verify, available("ledger-restored"));
}

/// The Aurora and AWS Backup plan, imported by the binary, validates and
/// runs on the simulated source: its clusters and their restore windows
/// are on screen, and the restore steps carry checks (✗ until met).
#[test]
fn binary_runs_the_aurora_backup_plan_on_the_simulated_source() {
    let plan = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/plans/aurora-backup.md");
    let frame = helpers::binary_imports_validates_and_draws(&plan, "data-corruption");
    for expected in [
        "● orders-east available cluster",
        "● orders-west available cluster",
        "PITR orders-east:",
        "2. Restore the cluster from the vault               ✗",
        "3. Or restore to a point in time                    ✗",
    ] {
        assert!(frame.contains(expected), "{expected:?} in:\n{frame}");
    }
}
