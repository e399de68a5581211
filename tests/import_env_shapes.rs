//! Environment shapes beyond command flags and labelled lines: backup
//! vaults in Terraform blocks and the region backups are copied to, names
//! written in prose after the word saying what they are, YAML lists of
//! alarms and services, ARNs in prose, restore targets written in an
//! appendix, a "planned switchover" that is not a future mode, and an
//! explicit "Expected: available" after a global failover.

use drconsole::runbook::duration::HumanDuration;
use drconsole::runbook::import::NoteKind;
use drconsole::runbook::model::{RdsRole, Runbook, Verify};
use drconsole::runbook::predicates::InstanceStatus;

#[path = "import/coverage.rs"]
mod coverage;
#[path = "import/helpers.rs"]
mod helpers;

use helpers::{imported, scenario};

fn vaults(rb: &Runbook) -> Vec<(&str, Option<&str>)> {
    rb.environment
        .backup_vaults
        .iter()
        .map(|v| (v.name.as_str(), v.region.as_deref()))
        .collect()
}

fn ecs(rb: &Runbook) -> Vec<(&str, &str, Option<&str>)> {
    rb.environment
        .ecs
        .iter()
        .map(|e| (e.cluster.as_str(), e.service.as_str(), e.region.as_deref()))
        .collect()
}

fn clusters(rb: &Runbook) -> Vec<&str> {
    rb.environment
        .rds_clusters
        .iter()
        .map(|c| c.id.as_str())
        .collect()
}

fn instances(rb: &Runbook) -> Vec<(&str, Option<&str>, RdsRole)> {
    rb.environment
        .rds
        .iter()
        .map(|r| (r.id.as_str(), r.region.as_deref(), r.role))
        .collect()
}

const TERRAFORM_VAULTS: &str = r#"# Ledger Recovery

Primary region: us-west-2

```hcl
resource "aws_backup_vault" "main" {
  name = "ledger-vault"
}

resource "aws_backup_vault" "east" {
  provider = aws.east
  name     = "ledger-vault-east"
}

resource "aws_backup_plan" "hourly" {
  name = "ledger-hourly"
  rule {
    copy_action {
      destination_vault_arn = "arn:aws:backup:us-east-1:${var.account_id}:backup-vault:ledger-vault-east"
    }
  }
}
```

## Restore

1. List the recovery points.
   `aws backup list-recovery-points-by-backup-vault --backup-vault-name ledger-vault --region us-west-2`
"#;

/// A Terraform `aws_backup_vault` block's `name` is a vault; its region
/// comes from its ARN further on; the vault a copy rule sends backups to
/// is in the DR region; another resource's `name` is not a vault.
#[test]
fn terraform_vaults_and_the_region_backups_are_copied_to() {
    let imp = imported(TERRAFORM_VAULTS, "vaults.md");
    let rb = &imp.runbook;
    assert_eq!(
        vaults(rb),
        [
            ("ledger-vault", Some("us-west-2")),
            ("ledger-vault-east", Some("us-east-1"))
        ]
    );
    assert_eq!(rb.environment.regions.primary, "us-west-2");
    assert_eq!(rb.environment.regions.dr.as_deref(), Some("us-east-1"));
}

const COPY_DESTINATION_COMMAND: &str = r#"# Archive Restore

The production account runs in us-east-2.

```bash
aws backup list-copy-jobs --by-destination-vault-arn arn:aws:backup:us-west-1:111122223333:backup-vault:archive-dr --region us-east-2
```

## Restore in place

1. Find the newest recovery point.
   `aws backup list-recovery-points-by-backup-vault --backup-vault-name archive --region us-east-2`
"#;

/// A command's `--…destination…-arn` naming a vault names the region
/// backups are copied to: the DR region.
#[test]
fn a_destination_vault_in_a_command_names_the_dr_region() {
    let imp = imported(COPY_DESTINATION_COMMAND, "copy.md");
    let rb = &imp.runbook;
    assert_eq!(rb.environment.regions.primary, "us-east-2");
    assert_eq!(rb.environment.regions.dr.as_deref(), Some("us-west-1"));
    assert_eq!(
        vaults(rb),
        [
            ("archive-dr", Some("us-west-1")),
            ("archive", Some("us-east-2"))
        ]
    );
}

const PROSE_NAMES: &str = "# Telemetry DR

Primary region: ap-northeast-1

- ECS cluster `ingest` runs services `collector` and `query`; cluster
  `ingest-osaka` has the same services, scaled to zero.
- Data lives in the Aurora cluster `tsdb-main` and the AWS Backup vault
  `tsdb-vault`, whose copies land in `tsdb-vault-dr`.
- The players database is `arn:aws:rds:eu-north-1:111122223333:db:players`.

## Failover

1. Promote the replica.
   `aws rds promote-read-replica --db-instance-identifier tsdb-replica --region ap-northeast-3`
";

/// Names written after the word saying what they are, a list of them
/// joined by \"and\", the word at the end of the line before; an Aurora
/// cluster is not an ECS cluster; an RDS ARN in prose declares its
/// instance in its region.
#[test]
fn names_in_prose_after_the_word_saying_what_they_are() {
    let imp = imported(PROSE_NAMES, "prose.md");
    let rb = &imp.runbook;
    assert_eq!(
        ecs(rb),
        [("ingest", "collector", None), ("ingest", "query", None)]
    );
    assert_eq!(vaults(rb), [("tsdb-vault", None)]);
    assert!(clusters(rb).is_empty(), "{:?}", clusters(rb));
    assert_eq!(
        instances(rb),
        [
            ("tsdb-replica", Some("ap-northeast-3"), RdsRole::Replica),
            ("players", Some("eu-north-1"), RdsRole::Primary),
        ]
    );
    let checks: Vec<String> = imp
        .report
        .notes_of(NoteKind::Check)
        .map(|n| format!("{}: {}", n.line.unwrap_or(0), n.text))
        .collect();
    assert!(
        checks.contains(&"6: ECS cluster ingest-osaka is named but no service in it; add its services to [[environment.ecs]]".to_owned()),
        "{checks:#?}"
    );
}

const YAML_LISTS: &str = "# Game DR

Primary region: sa-east-1

```yaml
alarms:
  - lobby-5xx
  - match-latency
services:
  - name: gate-api
    cluster: tollgate
  - name: payments-worker
    cluster: tollgate
other:
  - not-an-alarm
```

## Failover

1. Scale the services.
   `aws ecs update-service --cluster tollgate-dr --service gate-api --desired-count 2 --region us-east-1`
";

/// YAML lists: plain items under `alarms:` are alarms; `- name:` items
/// under `services:` are services of their `cluster:`; other lists are
/// not read.
#[test]
fn yaml_lists_of_alarms_and_services() {
    let imp = imported(YAML_LISTS, "yaml.md");
    let rb = &imp.runbook;
    assert_eq!(
        rb.environment.alarms.names,
        ["lobby-5xx".to_owned(), "match-latency".to_owned()]
    );
    assert_eq!(
        ecs(rb),
        [
            ("tollgate-dr", "gate-api", Some("us-east-1")),
            ("tollgate", "gate-api", None),
            ("tollgate", "payments-worker", None),
        ]
    );
}

const APPENDIX_RESTORE: &str = r#"# Docs Restore

Primary region: us-east-2

## Restore in the DR region

1. Restore with the command in Appendix B.
2. Snapshot the result.
   `aws rds create-db-snapshot --db-instance-identifier docs-west --db-snapshot-identifier docs-west-1 --region us-west-1`
3. Add a writer to the recovered cluster.
   `aws rds create-db-instance --db-instance-identifier core-west-1 --db-cluster-identifier core-west --engine aurora-mysql --region us-west-1`
4. Check the source.
   `aws rds describe-db-instances --db-instance-identifier docs --region us-east-2`

## Appendix B: Restore Commands

```bash
aws backup start-restore-job \
  --recovery-point-arn "$POINT" \
  --metadata '{"DBInstanceIdentifier":"docs-west"}' \
  --region us-west-1
aws backup start-restore-job \
  --recovery-point-arn "$POINT" \
  --metadata '{"DBClusterIdentifier": "core-west"}' \
  --region us-west-1
```
"#;

/// A restore's target is created by the recovery wherever the restore is
/// written, so a step using it does not make it an existing resource.
#[test]
fn restore_targets_in_an_appendix_are_not_existing_resources() {
    let imp = imported(APPENDIX_RESTORE, "appendix.md");
    let rb = &imp.runbook;
    assert_eq!(
        instances(rb),
        [("docs", Some("us-east-2"), RdsRole::Primary)]
    );
    assert!(clusters(rb).is_empty(), "{:?}", clusters(rb));
}

const PLANNED_SWITCHOVER: &str = "# Harbor DR

RTO: 2 hours

## Planned architecture

RTO: 5 minutes

## Scenario 1: Planned switchover

Recovery Time: < 30 minutes
Recovery Point: 0 (managed switchover loses nothing)

1. Switch the global database over.
   ```bash
   aws rds failover-global-cluster --global-cluster-identifier g --target-db-cluster-identifier arn:aws:rds:us-west-2:123456789012:cluster:harbor-usw2 --region us-east-1
   ```
2. Check the new writer.
   `aws rds describe-db-clusters --db-cluster-identifier harbor-usw2 --region us-west-2`
   Expected: available
3. Wait for it.
   `aws rds wait db-cluster-available --db-cluster-identifier harbor-usw2 --region us-west-2`
";

/// \"Planned switchover\" is a kind of operation, not a future mode: its
/// objectives are taken (a \"Planned architecture\" section's are not);
/// after a global failover the plan's explicit \"Expected: available\" is
/// checked, a bare wait is not.
#[test]
fn a_planned_switchover_is_a_procedure_and_its_expectation_is_checked() {
    let imp = imported(PLANNED_SWITCHOVER, "planned.md");
    let rb = &imp.runbook;
    assert_eq!(rb.objectives.rto, HumanDuration::from_hours(2));
    let sc = scenario(rb, "Planned switchover");
    assert_eq!(sc.rto, Some(HumanDuration::from_mins(30)));
    assert_eq!(sc.rpo, Some(HumanDuration(0)));
    let verifies: Vec<Option<Verify>> = sc.steps.iter().map(|s| s.verify.clone()).collect();
    assert_eq!(
        verifies,
        [
            None,
            Some(Verify::InstanceStatus(InstanceStatus {
                instance: "harbor-usw2".to_owned(),
                status: "available".to_owned(),
            })),
            None,
        ]
    );
}

const PROVIDER_ALIAS: &str = r#"# Vault Setup

Primary region: us-east-2

```hcl
provider "aws" {
  alias  = "west"
  region = "us-west-1"
}

resource "aws_backup_vault" "dr" {
  provider = aws.west
  name     = "files-vault-dr"
}

resource "aws_backup_vault" "home" {
  provider = aws.nowhere
  name     = "files-vault"
}
```

## Restore

1. List the recovery points.
   `aws backup list-restore-jobs --region us-west-1`
"#;

/// A vault block's `provider = aws.<alias>` places it in the region that
/// alias's provider block sets; an alias no block defines places nothing.
#[test]
fn a_provider_alias_places_a_terraform_vault_in_its_region() {
    let imp = imported(PROVIDER_ALIAS, "provider.md");
    let rb = &imp.runbook;
    assert_eq!(
        vaults(rb),
        [("files-vault-dr", Some("us-west-1")), ("files-vault", None)]
    );
}

/// A labelled endpoint is the Aurora cluster it names, never an ECS
/// cluster (ECS names have no dots).
#[test]
fn a_cluster_endpoint_label_is_not_an_ecs_cluster() {
    let plan = "# Lab DR\n\n\
        - Cluster endpoint: `results.cluster-cq7r2x9d1k.us-west-2.rds.amazonaws.com`\n\
        - ECS cluster `lims`, service `lims-api`\n\n\
        ## Failover procedure\n\n\
        1. Redeploy\n   `aws ecs update-service --cluster lims --service lims-api --force-new-deployment`\n";
    let imp = imported(plan, "endpoint.md");
    let rb = &imp.runbook;
    assert_eq!(ecs(rb), [("lims", "lims-api", None)]);
    assert_eq!(clusters(rb), ["results"]);
    let checks: Vec<&str> = imp
        .report
        .notes_of(NoteKind::Check)
        .map(|n| n.text.as_str())
        .filter(|t| t.contains("ECS cluster"))
        .collect();
    assert_eq!(checks, Vec::<&str>::new());
}

/// One-line YAML flow lists name every alarm and service in them.
#[test]
fn yaml_flow_lists_of_alarms_and_services() {
    let plan = "# Arcade DR\n\n```yaml\nalarms: [arcade-5xx, \"arcade-lag\"]\ncluster: arcade\nservices: [lobby, matchmaker]\nregions: [us-east-1, eu-west-1]\n```\n\n\
        ## Failover procedure\n\n1. Scale\n   `aws ecs update-service --cluster arcade --service lobby --desired-count 2`\n";
    let imp = imported(plan, "flow.md");
    let rb = &imp.runbook;
    assert_eq!(
        rb.environment.alarms.names,
        ["arcade-5xx".to_owned(), "arcade-lag".to_owned()]
    );
    assert_eq!(
        ecs(rb),
        [("arcade", "lobby", None), ("arcade", "matchmaker", None)]
    );
}
