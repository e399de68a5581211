//! One line per watched resource: what the panes show, condensed for the
//! journal's evidence and `status`.

use jiff::Timestamp;

use super::health::newest_completed_age;
use super::snapshot::{Feed, LiveState};
use super::verify::short_age;

pub fn state_lines(live: &LiveState, now: Timestamp) -> Vec<String> {
    let mut lines = Vec::new();
    feed_lines(&mut lines, "rds", &live.rds, |rds, out| {
        for db in &rds.instances {
            let lag = db
                .lag_secs
                .map(|l| format!(" lag {l:.0}s"))
                .unwrap_or_default();
            out.push(format!("rds {} {} {}{lag}", db.region, db.id, db.status));
        }
        for c in &rds.clusters {
            out.push(format!(
                "rds-cluster {} {} {} {} members",
                c.region,
                c.id,
                c.status,
                c.members()
            ));
        }
    });
    feed_lines(&mut lines, "backups", &live.backups, |b, out| {
        let newest = newest_completed_age(b, now).map_or("none".into(), short_age);
        out.push(format!(
            "backups {} recovery points, newest completed {newest} old",
            b.recovery_points.len()
        ));
    });
    feed_lines(&mut lines, "ecs", &live.ecs, |ecs, out| {
        for s in &ecs.services {
            let rollout = s
                .primary_deployment()
                .and_then(|d| d.rollout)
                .map_or("-", |r| r.as_str());
            out.push(format!(
                "ecs {} {}/{} {} running {}/{} {rollout}",
                s.region, s.cluster, s.name, s.status, s.running, s.desired
            ));
        }
    });
    feed_lines(&mut lines, "alarms", &live.alarms, |a, out| {
        for alarm in &a.alarms {
            out.push(format!("alarm {} {}", alarm.name, alarm.state.as_str()));
        }
    });
    lines
}

fn feed_lines<T>(
    out: &mut Vec<String>,
    name: &str,
    feed: &Feed<T>,
    describe: impl Fn(&T, &mut Vec<String>),
) {
    if let Some((_, err)) = &feed.error {
        out.push(format!("{name} error {err}"));
    }
    match &feed.data {
        Some(data) => describe(data, out),
        None if feed.error.is_none() => out.push(format!("{name} no data yet")),
        None => {}
    }
}
