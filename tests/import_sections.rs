//! Which sections are procedures and how a procedure's sub-headings and
//! paragraphs become its steps: one small plan, exact titles, commands and
//! durations.

use drconsole::runbook::duration::HumanDuration;
use drconsole::runbook::model::Runbook;

#[path = "import/coverage.rs"]
mod coverage;
#[path = "import/helpers.rs"]
mod helpers;

use helpers::{dropped_lines, imported, m};

const PLAN: &str = include_str!("fixtures/plans/sections-shapes.md");

type Step = (String, Vec<String>, Option<HumanDuration>);

fn steps(rb: &Runbook, scenario: &str) -> Vec<Step> {
    rb.scenarios
        .iter()
        .find(|s| s.title == scenario)
        .unwrap_or_else(|| panic!("no scenario {scenario}"))
        .steps
        .iter()
        .map(|s| (s.title.clone(), s.commands.clone(), s.expected))
        .collect()
}

fn step(title: &str, commands: &[&str], expected: Option<HumanDuration>) -> Step {
    (
        title.to_owned(),
        commands.iter().map(|c| (*c).to_owned()).collect(),
        expected,
    )
}

const PROMOTE: &str =
    "aws rds promote-read-replica --db-instance-identifier orders-db-west --region us-west-2";

/// A heading naming several procedures holds them; one naming a single
/// procedure keeps its sub-headings as step groups; prose with an inline
/// command under a heading that names no recovery is no procedure, nor is
/// a numbered list without commands; a numbered list running `aws`
/// commands is one, whatever its heading, and so is a section an RTO/RPO
/// table names (its bullets its steps), unlike its unnamed sibling.
#[test]
fn sections_that_are_procedures() {
    let rb = imported(PLAN, "sections-shapes.md").runbook;
    let titles: Vec<&str> = rb.scenarios.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Planned failover",
            "Unplanned failover",
            "Regional Failover",
            "Restoring After Corruption",
            "Queue backlog",
            "Cache warmup",
        ]
    );
    assert_eq!(
        steps(&rb, "Queue backlog"),
        [
            step("Check the queue depth", &[], None),
            step(
                "Restart the worker",
                &[
                    "aws ecs update-service --cluster orders --service worker --force-new-deployment --region us-east-1"
                ],
                None
            ),
        ]
    );
    assert_eq!(
        steps(&rb, "Cache warmup"),
        [
            step("Load the top products into the cache", &[], None),
            step("Check the hit rate", &[], None),
        ]
    );
    assert_eq!(rb.scenarios[5].rto, Some(m(20)));
}

/// A phase over prose and one shell block is one step titled by the
/// phase's heading, with its duration, also when it has no prose; the
/// checklists before and after are step groups of the same procedure (a
/// group's name prefixes the steps inside it, as at any depth).
#[test]
fn phase_headings_over_prose_and_code_are_one_step() {
    let imp = imported(PLAN, "sections-shapes.md");
    let rb = &imp.runbook;
    assert_eq!(
        steps(rb, "Regional Failover"),
        [
            step("Declare: Incident Commander declares the outage", &[], None),
            step(
                "During the failover: Phase 1: Assess (5-10 minutes)",
                &[
                    "aws rds describe-db-instances --db-instance-identifier orders-db-west --region us-west-2"
                ],
                Some(m(10))
            ),
            step(
                "During the failover: Phase 2: Promote (10-15 minutes)",
                &[PROMOTE],
                Some(m(15))
            ),
            step("After the failover: Tell the customers", &[], None),
        ]
    );
    let assess = &rb.scenarios[2].steps[1];
    assert_eq!(
        assess.detail.as_deref(),
        Some("Look at the replica lag and note it.")
    );
}

/// A recovery section written as paragraphs: each paragraph a step titled
/// by its first sentence, its inline commands its commands, a duration in
/// that sentence its expected time, and nothing of the text dropped.
#[test]
fn paragraphs_of_a_prose_procedure_are_its_steps() {
    let rb = imported(PLAN, "sections-shapes.md").runbook;
    assert_eq!(
        steps(&rb, "Restoring After Corruption"),
        [
            step(
                "Stop the writers first",
                &[
                    "aws ecs update-service --cluster orders --service api --desired-count 0 --region us-east-1"
                ],
                None
            ),
            step(
                "Restore a copy from before the damage (about 40 minutes)",
                &[
                    "aws rds restore-db-instance-to-point-in-time --source-db-instance-identifier orders-db --target-db-instance-identifier orders-db-fixed --restore-time \"$BEFORE\" --region us-east-1"
                ],
                Some(m(40))
            ),
            step("Tell the support team", &[], None),
        ]
    );
    assert_eq!(dropped_lines("sections-shapes.md", PLAN), "");
}
