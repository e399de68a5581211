//! The environment a plan talks about, inferred from its AWS CLI commands
//! (`--cluster`, `--db-instance-identifier`, `--region`, …), from labelled
//! resources ("ECS Cluster: `x`", "Endpoint: `db.….rds.amazonaws.com`") and
//! from how regions are described ("Primary Region (us-east-1)", "DR
//! region", the region replicas live in).

mod readers;

use std::collections::BTreeSet;

pub use crate::runbook::aws_cli::{TargetKind, restore_target};

use super::commands::code_spans;
use super::report::Notes;
use super::text::listed;
use crate::arn::Arn;
use crate::runbook::aws_cli::{AwsCommand, parse_text};
use crate::runbook::model::{
    EcsSpec, Environment, RdsClusterSpec, RdsRole, RdsSpec, Regions, VaultSpec,
};

/// A command and where it is.
pub struct CommandSite<'a> {
    pub text: &'a str,
    pub line: usize,
    /// Inside a scenario step (vs. a setup or reference section): resources
    /// it creates are the recovery's products, not the environment.
    pub in_step: bool,
    /// Inside a failback ("return to primary") procedure: its regions
    /// describe traffic going back, so they do not say which is primary.
    pub failback: bool,
}

/// Whether a scenario or step title describes going back to the primary.
pub fn is_failback(title: &str) -> bool {
    let t = title.to_ascii_lowercase();
    [
        "failback",
        "fail back",
        "fail-back",
        "failing back",
        "failed back",
        "restore primary",
        "restore the primary",
        "return to primary",
        "return to the primary",
        "back to primary",
        "back to the primary",
        "switch back",
        "revert to primary",
    ]
    .iter()
    .any(|w| t.contains(w))
}

/// Identifiers the steps create (restore targets, new replicas): candidates
/// for verify predicates, not resources to watch before the incident.
#[derive(Debug, Default, Clone)]
pub struct Created {
    pub instances: BTreeSet<String>,
    pub clusters: BTreeSet<String>,
    pub services: BTreeSet<(String, String)>,
}

/// Whether a value is a real name rather than a placeholder: `<arn>`,
/// `$VAR`, `${var.x}`, `$(date …)`, `ACCOUNT_ID`, `xxxx`, `YYYY-MM-DD`,
/// `my-cluster-name`, `your-db`, `name`, `db-$(date +%F)`.
pub fn is_concrete(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let has = |w: &str| lower.as_bytes().windows(w.len()).any(|x| x == w.as_bytes());
    // Shell-style upper-case words (ACCOUNT_ID, CLUSTER_NAME) are variables
    // written without their `$`.
    let shouty = name.contains('_')
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    !name.is_empty()
        && !name.contains([
            '<', '>', '$', '{', '}', '[', ']', '*', ' ', '(', ')', '`', '"', '\'', '|', '!', '…',
        ])
        && !name.contains("...")
        // A name cut short by `$(…)` or `${…}` in the middle of it.
        && !name.ends_with(['-', '_', ':', '/', '.'])
        && !shouty
        && !has("yyyy")
        && !has("xxxx")
        && !has("account_id")
        && !has("account-id")
        && !generic_example(&lower)
        && !matches!(
            lower.as_str(),
            "name" | "id" | "identifier" | "value" | "example" | "todo" | "tbd" | "placeholder"
        )
}

/// `my-cluster-name`, `your-db-instance`: an owner word then only generic
/// words, as documentation examples are named.
fn generic_example(lower: &str) -> bool {
    const GENERIC: &str = "cluster name id identifier db database instance service vault alarm \
        replica primary secondary snapshot app application global bucket resource arn aurora \
        rds ecs task target source new restored backup";
    let mut parts = lower.split(['-', '_']);
    parts
        .next()
        .is_some_and(|owner| listed("my your example sample some", owner))
        && parts.all(|p| listed(GENERIC, p))
}

/// The region an ARN or RDS endpoint names, if any.
fn region_in(text: &str) -> Option<String> {
    region_mentions(text).into_iter().next().map(|(_, r)| r)
}

/// An RDS instance id from an ARN or a plain id.
fn instance_id(value: &str) -> String {
    crate::arn::id_of(value).to_owned()
}

const REGION_PREFIXES: &[&str] = &[
    "us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx", "cn", "us-gov", "us-iso",
];
const REGION_DIRECTIONS: &str =
    "north south east west central northeast southeast northwest southwest";

fn is_region(token: &str) -> bool {
    let Some((rest, number)) = token.rsplit_once('-') else {
        return false;
    };
    let Some((prefix, direction)) = rest.rsplit_once('-') else {
        return false;
    };
    !number.is_empty()
        && number.len() <= 2
        && number.chars().all(|c| c.is_ascii_digit())
        && REGION_PREFIXES.contains(&prefix)
        && listed(REGION_DIRECTIONS, direction)
}

/// Regions named in a text, with their byte offsets.
pub fn region_mentions(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        let part_of_token = c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
        match (part_of_token, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                let token = &text[s..i];
                if is_region(token) {
                    out.push((s, token.to_owned()));
                }
                start = None;
            }
            _ => {}
        }
    }
    out
}

#[derive(Debug, Default, Clone)]
struct RegionVote {
    name: String,
    first_line: usize,
    mentions: u32,
    primary: u32,
    dr: u32,
    primary_line: Option<usize>,
    dr_line: Option<usize>,
    /// How it was first read as primary / DR, for the report.
    primary_how: Option<String>,
    dr_how: Option<String>,
}

#[derive(Default)]
struct Regionist {
    votes: Vec<RegionVote>,
}

impl Regionist {
    fn entry(&mut self, name: &str, line: usize) -> &mut RegionVote {
        let at = match self.votes.iter().position(|v| v.name == name) {
            Some(i) => i,
            None => {
                self.votes.push(RegionVote {
                    name: name.to_owned(),
                    first_line: line,
                    ..RegionVote::default()
                });
                self.votes.len() - 1
            }
        };
        &mut self.votes[at]
    }
    fn mention(&mut self, name: &str, line: usize) {
        self.entry(name, line).mentions += 1;
    }
    fn primary(&mut self, name: &str, line: usize, weight: u32, how: &str) {
        let v = self.entry(name, line);
        v.primary += weight;
        // Report the earliest reading: commands are read before prose.
        if v.primary_line.is_none_or(|l| line < l) {
            v.primary_line = Some(line);
            v.primary_how = Some(how.to_owned());
        }
    }
    fn dr(&mut self, name: &str, line: usize, weight: u32, how: &str) {
        let v = self.entry(name, line);
        v.dr += weight;
        if v.dr_line.is_none_or(|l| line < l) {
            v.dr_line = Some(line);
            v.dr_how = Some(how.to_owned());
        }
    }
}

const PRIMARY_WORDS: &[&str] = &[
    "primary",
    "production region",
    "main region",
    "home region",
    "active",
];
const DR_WORDS: &[&str] = &[
    "secondary",
    "dr region",
    "dr site",
    "disaster recovery region",
    "standby",
    "failover region",
    "recovery region",
    "backup region",
    "replica",
    "target region",
    "passive",
    "dr",
    "fails over to",
    "fail over to",
    "failover to",
    "failing over to",
    "failover target",
];

/// Where `word` last starts a word in `text`; "dr" must be a whole word.
fn rfind_word(text: &str, word: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    text.rmatch_indices(word).map(|(at, _)| at).find(|&at| {
        let starts = at == 0
            || bytes
                .get(at - 1)
                .is_some_and(|b| !b.is_ascii_alphanumeric());
        let ends = word.len() > 2
            || bytes
                .get(at + word.len())
                .is_none_or(|b| !b.is_ascii_alphanumeric());
        starts && ends
    })
}

/// Whether a line is (part of) a command: `aws …` or a ` --flag`.
fn is_command_line(line: &str) -> bool {
    let trimmed = line.trim_start();
    let bytes = trimmed.as_bytes();
    let flag_at = |i: usize| {
        bytes.get(i..i + 2) == Some(b"--".as_slice())
            && bytes.get(i + 2).is_some_and(u8::is_ascii_lowercase)
            && (i == 0 || bytes.get(i - 1) == Some(&b' '))
    };
    trimmed.starts_with("aws ") || (0..bytes.len()).any(flag_at)
}

/// Votes from prose: the qualifier nearest before a region on its line
/// ("Primary Region (us-east-1)   Secondary Region (us-west-2)").
fn vote_from_line(reg: &mut Regionist, line: &str, line_no: usize) {
    // Regions end in a digit after a dash; most lines have none.
    if !line
        .as_bytes()
        .windows(2)
        .any(|w| w[0] == b'-' && w[1].is_ascii_digit())
    {
        return;
    }
    let lower = line.to_ascii_lowercase();
    // Command lines are read as commands (`--region`, failback or not),
    // not as prose.
    let command = is_command_line(&lower);
    // A qualifier belongs to the region after it, not to one further on:
    // "Primary us-east-1 --> DR us-west-2".
    let mut previous_end = 0;
    for (at, region) in region_mentions(&lower) {
        reg.mention(&region, line_no);
        if command {
            continue;
        }
        let window_start = lower[..at]
            .char_indices()
            .rev()
            .nth(60)
            .map_or(0, |(i, _)| i)
            .max(previous_end);
        previous_end = at + region.len();
        let before = lower.get(window_start..at).unwrap_or_default();
        let nearest = |words: &[&str]| words.iter().filter_map(|w| rfind_word(before, w)).max();
        let after_end = lower[at..]
            .char_indices()
            .nth(region.len() + 14)
            .map_or(lower.len(), |(i, _)| at + i);
        let after = &lower[at + region.len()..after_end];
        let said = |w: &str| format!("called {w} in the text");
        let word = |at: usize, words: &[&str]| {
            words
                .iter()
                .find(|w| before.get(at..).is_some_and(|b| b.starts_with(**w)))
                .map_or(String::new(), |w| (*w).to_owned())
        };
        match (nearest(PRIMARY_WORDS), nearest(DR_WORDS)) {
            (Some(p), Some(d)) if p > d => {
                reg.primary(&region, line_no, 3, &said(&word(p, PRIMARY_WORDS)));
            }
            (Some(_), Some(d)) | (None, Some(d)) => {
                reg.dr(&region, line_no, 3, &said(&word(d, DR_WORDS)));
            }
            (Some(p), None) => reg.primary(&region, line_no, 3, &said(&word(p, PRIMARY_WORDS))),
            (None, None) => {
                if after.contains("primary") {
                    reg.primary(&region, line_no, 3, &said("primary (after it)"));
                } else if after.contains("(dr") || after.contains("secondary") {
                    reg.dr(&region, line_no, 3, &said("DR/secondary (after it)"));
                } else if before.trim_end().ends_with("region:") || before.contains("region: aws") {
                    reg.primary(&region, line_no, 1, "the plan's one labelled region");
                }
            }
        }
    }
}

struct Builder<'n> {
    env: Environment,
    created: Created,
    notes: &'n mut Notes,
    regions: Regionist,
    /// Clusters named without a service, with the line they were named on.
    clusters: Vec<(String, usize)>,
    services: Vec<(String, usize, Option<String>)>,
    engines: BTreeSet<&'static str>,
    zones: BTreeSet<String>,
    /// Position of each instance in `env.rds`, so big plans stay linear.
    rds_index: std::collections::HashMap<String, usize>,
    cluster_index: std::collections::HashMap<String, usize>,
    ecs_index: std::collections::HashMap<(String, String), usize>,
    seen: std::collections::HashSet<String>,
}

impl Builder<'_> {
    fn rds(
        &mut self,
        id: &str,
        region: Option<&str>,
        line: usize,
        how: &str,
    ) -> Option<&mut RdsSpec> {
        let id = instance_id(id);
        if !is_concrete(&id) || self.created.instances.contains(&id) {
            return None;
        }
        let at = match self.rds_index.get(&id) {
            Some(&at) => at,
            None => {
                self.rds_index.insert(id.clone(), self.env.rds.len());
                self.notes
                    .inferred(line, format!("RDS instance {id} from {how}"));
                self.env.rds.push(RdsSpec {
                    id: id.clone(),
                    region: None,
                    role: RdsRole::Primary,
                    source: None,
                    engine: None,
                });
                self.env.rds.len() - 1
            }
        };
        let spec = &mut self.env.rds[at];
        if spec.region.is_none() {
            spec.region = region.map(str::to_owned);
        }
        Some(spec)
    }

    /// Declares an Aurora cluster (by id or ARN); a region found later
    /// fills one not yet known.
    fn cluster(&mut self, id: &str, region: Option<&str>, line: usize, how: &str) {
        let id = instance_id(id);
        if !is_concrete(&id) || self.created.clusters.contains(&id) {
            return;
        }
        match self.cluster_index.get(&id) {
            Some(&at) => {
                if let Some(spec) = self.env.rds_clusters.get_mut(at)
                    && spec.region.is_none()
                {
                    spec.region = region.map(str::to_owned);
                }
            }
            None => {
                self.cluster_index
                    .insert(id.clone(), self.env.rds_clusters.len());
                let place = region.map_or(String::new(), |r| format!(" in {r}"));
                self.notes
                    .inferred(line, format!("Aurora cluster {id}{place} from {how}"));
                self.env.rds_clusters.push(RdsClusterSpec {
                    id,
                    region: region.map(str::to_owned),
                    engine: None,
                });
            }
        }
    }

    fn ecs(&mut self, cluster: &str, service: &str, region: Option<&str>, line: usize, how: &str) {
        let key = (cluster.to_owned(), service.to_owned());
        if !is_concrete(cluster) || !is_concrete(service) || self.created.services.contains(&key) {
            return;
        }
        match self.ecs_index.get(&key) {
            Some(&at) => {
                let spec = &mut self.env.ecs[at];
                if spec.region.is_none() {
                    spec.region = region.map(str::to_owned);
                }
            }
            None => {
                self.ecs_index.insert(key, self.env.ecs.len());
                self.notes.inferred(
                    line,
                    format!("ECS service {service} in cluster {cluster} from {how}"),
                );
                self.env.ecs.push(EcsSpec {
                    cluster: cluster.to_owned(),
                    service: service.to_owned(),
                    region: region.map(str::to_owned),
                });
            }
        }
    }

    /// Declares a backup vault; a region found later (its ARN further on)
    /// fills one not yet known.
    fn vault(&mut self, name: &str, region: Option<&str>, line: usize, how: &str) {
        if !is_concrete(name) {
            return;
        }
        if !self.seen.insert(format!("vault:{name}")) {
            if let Some(spec) = self.env.backup_vaults.iter_mut().find(|v| v.name == name)
                && spec.region.is_none()
            {
                spec.region = region.map(str::to_owned);
            }
            return;
        }
        self.notes
            .inferred(line, format!("backup vault {name} from {how}"));
        self.env.backup_vaults.push(VaultSpec {
            name: name.to_owned(),
            region: region.map(str::to_owned),
        });
    }

    fn alarm(&mut self, name: &str, prefix: bool, line: usize) {
        let list = if prefix {
            &mut self.env.alarms.prefixes
        } else {
            &mut self.env.alarms.names
        };
        if is_concrete(name) && self.seen.insert(format!("alarm:{prefix}:{name}")) {
            list.push(name.to_owned());
            self.notes.inferred(
                line,
                format!(
                    "CloudWatch alarm {} {name}",
                    if prefix { "prefix" } else { "name" }
                ),
            );
        }
    }
}

/// First pass: what the recovery creates. A restore is always a recovery
/// action, so its target is created wherever the restore is written (a
/// step, a reference or an appendix); other creations count only in steps,
/// since a setup section's replica is part of the environment.
fn created_by_steps(commands: &[CommandSite<'_>]) -> Created {
    let mut created = Created::default();
    for site in commands {
        for cmd in parse_text(site.text) {
            let restore =
                cmd.operation.starts_with("restore-") || cmd.operation == "start-restore-job";
            if !site.in_step && !restore {
                continue;
            }
            match (cmd.service.as_str(), cmd.operation.as_str()) {
                ("rds", op) if op.starts_with("restore-db-instance") => {
                    let target = cmd
                        .flag("target-db-instance-identifier")
                        .or_else(|| cmd.flag("db-instance-identifier"));
                    created.instances.extend(target.map(instance_id));
                }
                ("rds", "create-db-instance" | "create-db-instance-read-replica") => {
                    created
                        .instances
                        .extend(cmd.flag("db-instance-identifier").map(instance_id));
                }
                ("rds", op)
                    if op.starts_with("restore-db-cluster") || op == "create-db-cluster" =>
                {
                    created
                        .clusters
                        .extend(cmd.flag("db-cluster-identifier").map(instance_id));
                }
                ("backup", "start-restore-job") => {
                    match cmd
                        .values("metadata")
                        .iter()
                        .find_map(|m| restore_target(m))
                    {
                        Some((TargetKind::Cluster, id)) => {
                            created.clusters.insert(instance_id(id));
                        }
                        Some((TargetKind::Instance, id)) => {
                            created.instances.insert(instance_id(id));
                        }
                        None => {}
                    }
                }
                ("ecs", "create-service") => {
                    if let (Some(c), Some(s)) = (cmd.flag("cluster"), cmd.flag("service-name")) {
                        created.services.insert((c.to_owned(), s.to_owned()));
                    }
                }
                _ => {}
            }
        }
    }
    created
}

/// Infers the environment. `lines` is the plan's text, line by line, with
/// `code` telling code-block lines (used for regions only) from prose.
pub fn infer(
    commands: &[CommandSite<'_>],
    lines: &[(&str, usize, bool)],
    notes: &mut Notes,
) -> (Environment, Created) {
    let created = created_by_steps(commands);
    let mut b = Builder {
        env: Environment::default(),
        created,
        notes,
        regions: Regionist::default(),
        clusters: Vec::new(),
        services: Vec::new(),
        engines: BTreeSet::new(),
        zones: BTreeSet::new(),
        rds_index: Default::default(),
        cluster_index: Default::default(),
        ecs_index: Default::default(),
        seen: Default::default(),
    };
    for site in commands {
        for cmd in parse_text(site.text) {
            from_command(&mut b, &cmd, site);
        }
    }
    let mut code_names = CodeNames::default();
    let mut prose = ProseNames::default();
    for &(line, line_no, code) in lines {
        vote_from_line(&mut b.regions, line, line_no);
        engines(&mut b.engines, line);
        from_endpoints(&mut b, line, line_no);
        from_text_arns(&mut b, line, line_no);
        if code {
            code_names.line(&mut b, line, line_no);
        } else {
            code_names.end(&mut b);
            code_names.cluster = None;
            from_label(&mut b, line, line_no);
            prose.line(&mut b, line, line_no);
        }
    }
    code_names.end(&mut b);
    pair_services(&mut b);
    settle_regions(&mut b);
    settle_engine(&mut b);
    settle_replica_sources(&mut b);
    for (id, line) in b.clusters.clone() {
        if !b.env.ecs.iter().any(|e| e.cluster == id) {
            b.notes.check(
                Some(line),
                format!("ECS cluster {id} is named but no service in it; add its services to [[environment.ecs]]"),
            );
        }
    }
    (b.env, b.created)
}

fn from_command(b: &mut Builder<'_>, cmd: &AwsCommand, site: &CommandSite<'_>) {
    let (service, op) = (cmd.service.as_str(), cmd.operation.as_str());
    let region = cmd.region().filter(|r| is_region(r));
    let line = site.line;
    let how = |flag: &str| format!("{flag} in `aws {service} {op}`");
    if let Some(r) = region {
        b.regions.mention(r, line);
    }
    if let Some(src) = cmd.flag("source-region").filter(|r| is_region(r))
        && !site.failback
    {
        b.regions.primary(src, line, 3, &how("--source-region"));
    }
    from_arns(b, cmd, site);
    match service {
        "rds" => rds_command(b, cmd, region, site),
        "ecs" => {
            let services = cmd.values_of_any(&["service", "services"]);
            match cmd.flag("cluster") {
                Some(c) if !services.is_empty() => {
                    for s in services {
                        b.ecs(c, s, region, line, &how("--cluster/--service"));
                    }
                    if let Some(r) = region
                        && (c.contains("secondary") || c.contains("-dr"))
                        && !site.failback
                    {
                        b.regions
                            .dr(r, line, 2, &how("a DR-named --cluster with --region"));
                    }
                }
                Some(c) if is_concrete(c) => b.clusters.push((c.to_owned(), line)),
                _ => {}
            }
        }
        "backup" => {
            if let Some(v) = cmd.flag("backup-vault-name") {
                b.vault(v, region, line, &how("--backup-vault-name"));
            }
        }
        "cloudwatch" => {
            for n in cmd
                .values("alarm-name")
                .iter()
                .chain(cmd.values("alarm-names"))
            {
                b.alarm(n, false, line);
            }
            if let Some(n) = cmd.flag("alarm-name-prefix") {
                b.alarm(n, true, line);
            }
        }
        "route53" => {
            if let Some(zone) = cmd.flag("hosted-zone-id")
                && is_concrete(zone)
                && b.zones.insert(zone.to_owned())
            {
                b.notes.inferred(
                    line,
                    format!("Route53 hosted zone {zone} (the console does not watch DNS; kept in the commands)"),
                );
            }
        }
        _ => {}
    }
}

/// RDS instances, Aurora clusters and backup vaults named by ARN in any
/// flag (`--resource-arn`, `--source-arn`, `--target-db-cluster-identifier`…),
/// each in the ARN's region.
fn from_arns(b: &mut Builder<'_>, cmd: &AwsCommand, site: &CommandSite<'_>) {
    for (flag, values) in &cmd.flags {
        for value in values {
            let how = format!(
                "the ARN in --{flag} of `aws {} {}`",
                cmd.service, cmd.operation
            );
            let copy_to = flag.contains("destination") && !site.failback;
            from_arn(b, value, site.line, &how, copy_to);
        }
    }
}

/// The RDS instance, Aurora cluster or backup vault an ARN names, in the
/// ARN's region. A vault that backups are copied to (`destination`) is the
/// cross-region copy, so its region is the DR region.
fn from_arn(b: &mut Builder<'_>, text: &str, line: usize, how: &str, copy_to: bool) {
    let Some(arn) = Arn::parse(text) else {
        return;
    };
    let region = Some(arn.region).filter(|r| is_region(r));
    match (arn.service, arn.resource_type) {
        ("rds", "cluster") => b.cluster(arn.name(), region, line, how),
        ("rds", "db") => {
            b.rds(arn.name(), region, line, how);
        }
        ("backup", "backup-vault") => {
            b.vault(arn.name(), region, line, how);
            if copy_to && let Some(r) = region {
                b.regions.dr(r, line, 3, "the region backups are copied to");
            }
        }
        _ => {}
    }
}

/// ARNs written in prose or in code blocks other than commands (a
/// Terraform `destination_vault_arn = "arn:…"`, "The database is
/// `arn:aws:rds:…:db:x`"); words naming a destination or copy before it
/// make it the copy target. Command lines are read as commands.
fn from_text_arns(b: &mut Builder<'_>, line: &str, line_no: usize) {
    if !line.contains("arn:") || is_command_line(line) {
        return;
    }
    let lower = line.to_ascii_lowercase();
    for (at, _) in line.match_indices("arn:") {
        let rest = line.get(at..).unwrap_or_default();
        let end = rest
            .find(|c: char| c.is_whitespace() || matches!(c, '`' | '"' | '\'' | ')' | ','))
            .unwrap_or(rest.len());
        let arn = rest
            .get(..end)
            .unwrap_or_default()
            .trim_end_matches(['.', ';']);
        let before = lower.get(..at).unwrap_or_default();
        let copy_to = ["destination", "copy", "copies", "copied"]
            .iter()
            .any(|w| before.contains(w));
        from_arn(b, arn, line_no, "an ARN in the text", copy_to);
    }
}

fn rds_command(
    b: &mut Builder<'_>,
    cmd: &AwsCommand,
    region: Option<&str>,
    site: &CommandSite<'_>,
) {
    let (op, line) = (cmd.operation.as_str(), site.line);
    let how = |flag: &str| format!("{flag} in `aws rds {op}`");
    let id = cmd.flag("db-instance-identifier");
    let source = cmd.flag("source-db-instance-identifier");
    if let Some(engine) = cmd.flag("engine") {
        b.engines.insert(engine_family(engine));
    }
    let vote_dr = |b: &mut Builder<'_>, why: &str| {
        if let Some(r) = region
            && !site.failback
        {
            b.regions.dr(r, line, 3, why);
        }
    };
    match op {
        "promote-read-replica" => {
            if let Some(id) = id
                && let Some(spec) = b.rds(id, region, line, &how("--db-instance-identifier"))
            {
                spec.role = RdsRole::Replica;
                vote_dr(b, &how("--region of the promoted replica"));
            }
        }
        "create-db-instance-read-replica" => {
            let source_region = cmd
                .flag("source-region")
                .map(str::to_owned)
                .or_else(|| source.and_then(region_in));
            if let Some(src) = source {
                b.rds(
                    src,
                    source_region.as_deref(),
                    line,
                    &how("--source-db-instance-identifier"),
                );
            }
            if !site.in_step
                && let Some(id) = id
                && let Some(spec) = b.rds(id, region, line, &how("--db-instance-identifier"))
            {
                spec.role = RdsRole::Replica;
                spec.source = source.map(instance_id);
                vote_dr(b, &how("--region of the read replica"));
            }
        }
        op if op.starts_with("restore-db-instance") => {
            if let Some(src) = source {
                b.rds(src, region, line, &how("--source-db-instance-identifier"));
            }
        }
        op if op.starts_with("restore-db-cluster") => {
            if let Some(src) = cmd.flag("source-db-cluster-identifier") {
                b.cluster(src, region, line, &how("--source-db-cluster-identifier"));
            }
            if !site.in_step
                && let Some(id) = cmd.flag("db-cluster-identifier")
            {
                b.cluster(id, region, line, &how("--db-cluster-identifier"));
            }
        }
        "failover-global-cluster" | "switchover-global-cluster" => {
            // The target becomes the writer: it is the DR side's cluster.
            if let Some(target) = cmd.flag("target-db-cluster-identifier") {
                let target_region = region_in(target);
                b.cluster(
                    target,
                    target_region.as_deref().or(region),
                    line,
                    &how("--target-db-cluster-identifier"),
                );
                if let Some(r) = target_region.as_deref().or(region)
                    && !site.failback
                {
                    b.regions.dr(
                        r,
                        line,
                        3,
                        &how("the region of --target-db-cluster-identifier"),
                    );
                }
            }
        }
        "promote-read-replica-db-cluster" => {
            if let Some(c) = cmd.flag("db-cluster-identifier") {
                b.cluster(c, region, line, &how("--db-cluster-identifier"));
                vote_dr(b, &how("--region of the promoted replica cluster"));
            }
        }
        _ => {
            let instances =
                cmd.values_of_any(&["db-instance-identifier", "db-instance-identifiers"]);
            for id in instances {
                b.rds(id, region, line, &how("--db-instance-identifier"));
            }
            if let Some(c) = cmd.flag("db-cluster-identifier") {
                b.cluster(c, region, line, &how("--db-cluster-identifier"));
                // A cluster created into a global database is its secondary.
                if op == "create-db-cluster" && cmd.has("global-cluster-identifier") {
                    vote_dr(b, &how("--region of a global database's new member"));
                }
            }
        }
    }
}

/// Endpoints name an instance or cluster and its region wherever they
/// appear, prose or code.
fn from_endpoints(b: &mut Builder<'_>, line: &str, line_no: usize) {
    if !line.contains(".rds.amazonaws.com") {
        return;
    }
    let words = line.split(|c: char| {
        c.is_whitespace() || matches!(c, '`' | '(' | ')' | ',' | '"' | '\'' | '/' | '@' | '=')
    });
    for endpoint in words.filter_map(readers::rds_endpoint) {
        if endpoint.cluster {
            b.cluster(
                endpoint.id,
                endpoint.region,
                line_no,
                "an Aurora cluster endpoint",
            );
        } else {
            b.rds(endpoint.id, endpoint.region, line_no, "an RDS endpoint");
        }
    }
}

/// "Label: value" lines naming resources; the value may list several
/// ("Alarms: `a`, `b`", "Services: api, web and worker").
fn from_label(b: &mut Builder<'_>, line: &str, line_no: usize) {
    let Some((label, value)) = line.split_once(':') else {
        return;
    };
    let label = label
        .trim()
        .trim_start_matches(['-', '*', ' '])
        .trim_matches('*')
        .to_ascii_lowercase();
    if label.len() > 40 {
        return;
    }
    let spans = code_spans(value);
    let names: Vec<&str> = readers::listed_names(value, &spans)
        .into_iter()
        .filter(|n| is_concrete(n) && !n.contains("://") && !n.contains('/'))
        .collect();
    if names.is_empty() {
        return;
    }
    let has = |w: &str| {
        label
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|x| x == w || x.strip_suffix('s') == Some(w))
    };
    let region = region_in(value);
    let region = region.as_deref();
    let database = ["db", "rds", "aurora", "database"].iter().any(|w| has(w));
    for name in names {
        if has("vault") {
            b.vault(name, region, line_no, "a labelled line");
        } else if has("cluster") && database && !name.contains('.') {
            b.cluster(name, region, line_no, "a labelled line");
        } else if has("cluster")
            && !database
            && !["redis", "elasticache", "eks", "kubernetes", "k8s"]
                .iter()
                .any(|w| has(w))
        {
            b.clusters.push((name.to_owned(), line_no));
        } else if (label == "service" || label == "services" || has("ecs")) && has("service") {
            b.services
                .push((name.to_owned(), line_no, region.map(str::to_owned)));
        } else if database
            && (has("instance")
                || has("identifier")
                || has("id")
                || has("replica")
                || label == "rds"
                || label == "database")
            && !name.contains('.')
        {
            let replica = has("replica");
            if let Some(spec) = b.rds(name, region, line_no, "a labelled line")
                && replica
            {
                spec.role = RdsRole::Replica;
            }
        } else if has("alarm") {
            b.alarm(name, has("prefix"), line_no);
        }
    }
}

/// A Terraform/CloudFormation resource being read: the instance it names
/// and the instance it replicates, settled when the block ends.
#[derive(Default)]
struct DbBlock {
    id: Option<(String, usize)>,
    source: Option<String>,
}

/// Names in YAML/JSON/HCL blocks: `alarm_name = "x"`, `AlarmName: x`,
/// `"ServiceName": "y"`, `identifier = "db-1"` in an `aws_db_instance`,
/// `replicate_source_db` (that instance is a replica of it).
#[derive(Default)]
struct CodeNames {
    block: Option<DbBlock>,
    cluster: Option<String>,
    /// Inside a Terraform `aws_backup_vault` block: its `name` is a vault,
    /// in the region of its `provider = aws.<alias>` when that is known.
    vault_block: Option<VaultBlock>,
    /// Inside a Terraform `provider "aws"` block: its alias and region.
    provider: Option<(Option<String>, Option<String>)>,
    /// Provider aliases and the regions they set, for the whole plan.
    aliases: std::collections::HashMap<String, String>,
    list: Option<YamlList>,
}

#[derive(Default)]
struct VaultBlock {
    name: Option<(String, usize)>,
    region: Option<String>,
}

/// A YAML list being read (`alarms:` then `- name` lines; `services:` then
/// `- name: x` / `cluster: y` items), ended by a line indented no deeper
/// than its key.
struct YamlList {
    indent: usize,
    key: String,
    item: Option<YamlItem>,
}

#[derive(Default)]
struct YamlItem {
    name: Option<(String, usize)>,
    cluster: Option<String>,
}

impl CodeNames {
    fn line(&mut self, b: &mut Builder<'_>, line: &str, line_no: usize) {
        let trimmed = line.trim_start();
        if ["resource ", "module ", "data ", "provider \"", "Type:"]
            .iter()
            .any(|w| trimmed.starts_with(w))
        {
            self.end(b);
            if ["aws_db_instance", "AWS::RDS::DBInstance"]
                .iter()
                .any(|w| trimmed.contains(w))
            {
                self.block = Some(DbBlock::default());
            }
            if trimmed.contains("\"aws_backup_vault\"") {
                self.vault_block = Some(VaultBlock::default());
            }
            if trimmed.starts_with("provider \"aws\"") {
                self.provider = Some((None, None));
            }
            return;
        }
        if self.yaml_list_line(b, line, line_no) {
            return;
        }
        let Some((key, value)) = readers::key_value(line) else {
            return;
        };
        let how = "a name in a code block";
        match key.as_str() {
            "name" if self.vault_block.is_some() => {
                if let Some(vault) = self.vault_block.as_mut() {
                    vault.name = Some((value.to_owned(), line_no));
                }
            }
            "provider" => {
                let region = value
                    .strip_prefix("aws.")
                    .and_then(|alias| self.aliases.get(alias))
                    .cloned();
                if let Some(vault) = self.vault_block.as_mut() {
                    vault.region = region;
                }
            }
            "alias" | "region" => match (self.provider.as_mut(), key.as_str()) {
                (Some((alias, _)), "alias") => *alias = Some(value.to_owned()),
                (Some((_, region)), _) if is_region(value) => *region = Some(value.to_owned()),
                _ => {}
            },
            "alarmname" => b.alarm(value, false, line_no),
            "backupvaultname" | "vaultname" => {
                b.vault(value, region_in(value).as_deref(), line_no, how)
            }
            "dbclusteridentifier" | "clusteridentifier" if !value.contains('.') => {
                b.cluster(value, None, line_no, how);
            }
            "dbinstanceidentifier" | "identifier" if !value.contains('.') => {
                match self.block.as_mut() {
                    Some(block) => block.id = Some((value.to_owned(), line_no)),
                    None if key == "dbinstanceidentifier" => {
                        b.rds(value, None, line_no, how);
                    }
                    None => {}
                }
            }
            "replicatesourcedb" | "sourcedbinstanceidentifier" => {
                if let Some(block) = self.block.as_mut() {
                    block.source = Some(value.to_owned());
                }
            }
            "cluster" | "clustername" => self.cluster = Some(value.to_owned()),
            "servicename" => match self.cluster.clone() {
                Some(c) => b.ecs(&c, value, None, line_no, how),
                None => b.services.push((value.to_owned(), line_no, None)),
            },
            _ => {}
        }
    }

    /// Reads a line of a YAML list of alarms or services; true when the
    /// line was the list's.
    fn yaml_list_line(&mut self, b: &mut Builder<'_>, line: &str, line_no: usize) -> bool {
        let trimmed = line.trim_start();
        let indent = line.len().saturating_sub(trimmed.len());
        let item_start = trimmed.starts_with("- ");
        if let Some(list) = &self.list
            && (indent < list.indent || (indent == list.indent && !item_start))
        {
            self.end_list(b);
        }
        // A flow list on one line: `services: [web, worker]`.
        if let Some((key, rest)) = trimmed.split_once(':')
            && let Some(items) = rest
                .trim()
                .strip_prefix('[')
                .and_then(|r| r.strip_suffix(']'))
        {
            let key = yaml_key(key);
            if !listed("alarms alarmnames services", &key) {
                return false;
            }
            self.end_list(b);
            for name in items.split(',') {
                self.list_name(b, &key, name, line_no);
            }
            return true;
        }
        if let Some(key) = trimmed.strip_suffix(':')
            && readers::key_value(&format!("{key}: x")).is_some()
        {
            self.end_list(b);
            let key = yaml_key(key);
            if listed("alarms alarmnames services", &key) {
                self.list = Some(YamlList {
                    indent,
                    key,
                    item: None,
                });
                return true;
            }
            return false;
        }
        let Some(list) = self.list.as_mut() else {
            return false;
        };
        if let Some(rest) = trimmed.strip_prefix("- ") {
            let finished = list.item.take();
            let key = list.key.clone();
            self.end_item(b, &key, finished);
            let Some(list) = self.list.as_mut() else {
                return true;
            };
            match readers::key_value(rest) {
                None => self.list_name(b, &key, rest, line_no),
                Some((k, v)) => {
                    let mut item = YamlItem::default();
                    item.read(&k, v, line_no);
                    list.item = Some(item);
                }
            }
            return true;
        }
        match (list.item.as_mut(), readers::key_value(line)) {
            (Some(item), Some((k, v))) => {
                item.read(&k, v, line_no);
                true
            }
            _ => false,
        }
    }

    /// A plain item of a list of alarms or services (`- web`, or one of
    /// `[web, worker]`).
    fn list_name(&self, b: &mut Builder<'_>, key: &str, item: &str, line_no: usize) {
        let name = item.trim().trim_matches(['"', '\'']);
        if name.is_empty() {
            return;
        }
        match key {
            "services" => match self.cluster.clone() {
                Some(c) => b.ecs(&c, name, None, line_no, "a YAML list"),
                None => b.services.push((name.to_owned(), line_no, None)),
            },
            _ => b.alarm(name, false, line_no),
        }
    }

    fn end_list(&mut self, b: &mut Builder<'_>) {
        if let Some(list) = self.list.take() {
            self.end_item(b, &list.key, list.item);
        }
    }

    /// A `- name: x` item of a services list is a service of its own
    /// `cluster:` or of the cluster the block named before.
    fn end_item(&mut self, b: &mut Builder<'_>, key: &str, item: Option<YamlItem>) {
        let Some(YamlItem {
            name: Some((name, line)),
            cluster,
        }) = item
        else {
            return;
        };
        let how = "a YAML list";
        match (key, cluster.or_else(|| self.cluster.clone())) {
            ("services", Some(c)) => b.ecs(&c, &name, None, line, how),
            ("services", None) => b.services.push((name, line, None)),
            _ => b.alarm(&name, false, line),
        }
    }

    /// Settles the resource block being read.
    fn end(&mut self, b: &mut Builder<'_>) {
        self.end_list(b);
        if let Some(VaultBlock {
            name: Some((name, line)),
            region,
        }) = self.vault_block.take()
        {
            b.vault(
                &name,
                region.as_deref(),
                line,
                "a Terraform aws_backup_vault block",
            );
        }
        if let Some((Some(alias), Some(region))) = self.provider.take() {
            self.aliases.insert(alias, region);
        }
        let Some(DbBlock {
            id: Some((id, line)),
            source,
        }) = self.block.take()
        else {
            return;
        };
        let how = "a name in a code block";
        if let Some(src) = source.as_deref() {
            b.rds(src, region_in(src).as_deref(), line, how);
        }
        if let Some(spec) = b.rds(&id, None, line, how)
            && let Some(src) = source
        {
            spec.role = RdsRole::Replica;
            spec.source = Some(instance_id(&src));
        }
    }
}

/// What a name in prose is, from the word before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ProseKind {
    EcsCluster,
    Service,
    Vault,
    /// A cluster of something else (Aurora, EKS, Redis): not ECS.
    OtherCluster,
}

/// Names written in prose after the word saying what they are: "ECS cluster
/// `a` runs services `b` and `c`", "the AWS Backup vault `v`". A list of
/// code spans joined by "and", "or" and commas takes the word before it;
/// the word may end the line before ("… cluster\n`x`").
#[derive(Default)]
struct ProseNames {
    kind: Option<ProseKind>,
}

impl ProseNames {
    fn line(&mut self, b: &mut Builder<'_>, line: &str, line_no: usize) {
        if line.trim().is_empty() {
            self.kind = None;
            return;
        }
        let mut previous = String::new();
        for (i, part) in line.split('`').enumerate() {
            if i % 2 == 1 {
                self.name(b, part, line_no);
                continue;
            }
            for raw in part.split_whitespace() {
                let word = raw
                    .trim_matches(|c: char| !c.is_ascii_alphanumeric())
                    .to_ascii_lowercase();
                let kind = match word.as_str() {
                    "cluster" | "clusters" => Some(if listed(NOT_ECS, &previous) {
                        ProseKind::OtherCluster
                    } else {
                        ProseKind::EcsCluster
                    }),
                    "service" | "services" => Some(ProseKind::Service),
                    "vault" | "vaults" => Some(ProseKind::Vault),
                    "" | "and" | "or" => self.kind,
                    _ => None,
                };
                // A sentence or clause ends the list.
                let ends = raw.ends_with(['.', ';', ':', '(', ')']) && word.is_empty();
                self.kind = if ends { None } else { kind };
                if !word.is_empty() {
                    previous = word;
                }
            }
        }
    }

    fn name(&mut self, b: &mut Builder<'_>, name: &str, line: usize) {
        if !is_concrete(name) || name.contains([':', '/', '.', '=']) {
            self.kind = None;
            return;
        }
        let how = "a name in the text";
        match self.kind {
            Some(ProseKind::EcsCluster) => b.clusters.push((name.to_owned(), line)),
            Some(ProseKind::Service) => b.services.push((name.to_owned(), line, None)),
            Some(ProseKind::Vault) => b.vault(name, None, line, how),
            Some(ProseKind::OtherCluster) | None => {}
        }
    }
}

/// Words before "cluster" that make it a cluster of something other than ECS.
const NOT_ECS: &str = "aurora rds db database global redis elasticache eks kubernetes k8s \
    writer reader memorydb documentdb docdb";

impl YamlItem {
    fn read(&mut self, key: &str, value: &str, line: usize) {
        match key {
            "name" | "servicename" | "alarmname" => self.name = Some((value.to_owned(), line)),
            "cluster" | "clustername" => self.cluster = Some(value.to_owned()),
            _ => {}
        }
    }
}

/// A YAML key as the lists are named: lowercase letters and digits only.
fn yaml_key(key: &str) -> String {
    key.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// ECS cluster and service names: up to 255 letters, digits, hyphens and
/// underscores.
fn is_ecs_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 255
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Pairs services named in prose with the cluster named nearest before them
/// (or the only cluster).
fn pair_services(b: &mut Builder<'_>) {
    // Whatever read them, names ECS would refuse are not clusters or
    // services ("Cluster endpoint: `x.cluster-….rds.amazonaws.com`").
    b.clusters.retain(|(c, _)| is_ecs_name(c));
    b.services.retain(|(s, ..)| is_ecs_name(s));
    let mut known: Vec<(String, usize)> = b.clusters.clone();
    known.extend(b.env.ecs.iter().map(|e| (e.cluster.clone(), usize::MAX)));
    let distinct: BTreeSet<&str> = known.iter().map(|(c, _)| c.as_str()).collect();
    for (service, line, region) in b.services.clone() {
        let nearest = b
            .clusters
            .iter()
            .filter(|(_, l)| *l <= line)
            .max_by_key(|(_, l)| *l)
            .map(|(c, _)| c.clone());
        let cluster = nearest.or_else(|| {
            (distinct.len() == 1)
                .then(|| distinct.iter().next().map(|c| c.to_string()))
                .flatten()
        });
        match cluster {
            Some(c) => b.ecs(
                &c,
                &service,
                region.as_deref(),
                line,
                "labelled cluster and service lines",
            ),
            None => b.notes.check(
                Some(line),
                format!("ECS service {service} is named without a cluster; not added"),
            ),
        }
    }
}

fn settle_regions(b: &mut Builder<'_>) {
    let votes = &b.regions.votes;
    let primary = votes
        .iter()
        // A region only ever called DR is not primary for being mentioned most.
        .max_by_key(|v| {
            let only_dr = v.primary == 0 && v.dr > 0;
            (
                v.primary,
                !only_dr,
                v.mentions,
                std::cmp::Reverse(v.first_line),
            )
        })
        .cloned();
    let Some(primary) = primary else {
        b.notes.check(
            None,
            "no AWS region found in the plan; assumed us-east-1 as the primary region",
        );
        b.env.regions = Regions {
            primary: "us-east-1".into(),
            dr: None,
        };
        return;
    };
    let dr = votes
        .iter()
        .filter(|v| v.name != primary.name && v.dr > 0)
        .max_by_key(|v| (v.dr, v.mentions))
        .cloned();
    let why = match &primary.primary_how {
        Some(how) if primary.primary > 0 => how.as_str(),
        _ => "the most mentioned region",
    };
    b.notes.inferred(
        primary.primary_line.unwrap_or(primary.first_line),
        format!("primary region {} ({why})", primary.name),
    );
    match &dr {
        Some(dr) => b.notes.inferred(
            dr.dr_line.unwrap_or(dr.first_line),
            format!(
                "DR region {} ({})",
                dr.name,
                dr.dr_how.as_deref().unwrap_or("described as secondary/DR")
            ),
        ),
        None => b.notes.check(
            None,
            "no DR region named in the plan; set environment.regions.dr if you have one",
        ),
    }
    let chosen = [Some(&primary.name), dr.as_ref().map(|d| &d.name)];
    for other in votes.iter().filter(|v| !chosen.contains(&Some(&v.name))) {
        b.notes.check(
            Some(other.first_line),
            format!(
                "region {} is also mentioned; it is neither primary nor DR in the runbook",
                other.name
            ),
        );
    }
    if primary.primary > 0
        && votes
            .iter()
            .filter(|v| v.primary == primary.primary)
            .count()
            > 1
    {
        b.notes.check(
            primary.primary_line,
            format!(
                "more than one region is called primary; chose {} (most mentioned)",
                primary.name
            ),
        );
    }
    b.env.regions = Regions {
        primary: primary.name,
        dr: dr.map(|d| d.name),
    };
}

fn engine_family(text: &str) -> &'static str {
    let t = text.to_ascii_lowercase();
    if t.contains("aurora") && t.contains("postgres") {
        "aurora-postgresql"
    } else if t.contains("aurora") {
        "aurora-mysql"
    } else if t.contains("postgres") {
        "postgres"
    } else if t.contains("mariadb") {
        "mariadb"
    } else if t.contains("mysql") {
        "mysql"
    } else if t.contains("oracle") {
        "oracle-ee"
    } else if t.contains("sqlserver") || t.contains("sql server") {
        "sqlserver-se"
    } else {
        "unknown"
    }
}

fn engines(found: &mut BTreeSet<&'static str>, line: &str) {
    // Every engine name has "sql", "aurora" or "maria" in it: skip the rest cheaply.
    let bytes = line.as_bytes();
    let maybe = bytes.windows(3).any(|w| {
        w.eq_ignore_ascii_case(b"sql")
            || w.eq_ignore_ascii_case(b"aur")
            || w.eq_ignore_ascii_case(b"mar")
    });
    if !maybe {
        return;
    }
    let lower = line.to_ascii_lowercase();
    let engine_words = ["postgres", "mysql", "mariadb", "aurora", "sql server"];
    if engine_words.iter().any(|w| lower.contains(w)) {
        found.insert(engine_family(&lower));
    }
}

fn settle_engine(b: &mut Builder<'_>) {
    b.engines.remove("unknown");
    // Clusters take the plan's one Aurora engine.
    let mut aurora = b.engines.iter().filter(|e| e.starts_with("aurora"));
    if let (Some(engine), None) = (aurora.next(), aurora.next()) {
        for spec in b.env.rds_clusters.iter_mut().filter(|c| c.engine.is_none()) {
            spec.engine = Some((*engine).to_owned());
        }
    }
    if b.engines.len() == 1
        && let Some(engine) = b.engines.iter().next()
    {
        let mut set = false;
        for spec in b.env.rds.iter_mut().filter(|r| r.engine.is_none()) {
            spec.engine = Some((*engine).to_owned());
            set = true;
        }
        if set {
            b.notes.check(
                None,
                format!("database engine {engine} guessed from the plan's text"),
            );
        }
    }
}

/// A replica no command names the source of replicates the plan's only
/// primary instance, when it has exactly one (named by a command's flag or
/// a labelled line); a guess, so it is reported for checking.
fn settle_replica_sources(b: &mut Builder<'_>) {
    let mut primaries = b.env.rds.iter().filter(|r| r.role == RdsRole::Primary);
    let (Some(primary), None) = (primaries.next(), primaries.next()) else {
        return;
    };
    let primary = primary.id.clone();
    for spec in b
        .env
        .rds
        .iter_mut()
        .filter(|r| r.role == RdsRole::Replica && r.source.is_none())
    {
        spec.source = Some(primary.clone());
        b.notes.check(
            None,
            format!(
                "replica {} taken to replicate {primary}, the only primary instance in the plan; check its source",
                spec.id
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_names_ecs_accepts_are_ecs_names() {
        let names = [
            "web",
            "shop_api-2",
            "db.cluster-x.us-east-1.rds.amazonaws.com",
            "a b",
            "",
        ];
        let ecs: Vec<bool> = names.iter().map(|n| is_ecs_name(n)).collect();
        assert_eq!(ecs, [true, true, false, false, false]);
    }

    #[test]
    fn failback_titles_in_their_usual_wordings() {
        let titles = [
            "Failback to Primary",
            "Failing Back to London",
            "Fail back",
            "Return to the primary region",
            "Switch back to us-east-1",
            "Regional Failover to Frankfurt",
            "Restoring After Corruption",
        ];
        let failback: Vec<bool> = titles.iter().map(|t| is_failback(t)).collect();
        assert_eq!(failback, [true, true, true, true, true, false, false]);
    }

    #[test]
    fn recognises_regions() {
        let found: Vec<String> =
            region_mentions("Primary (us-east-1) and us-west-2; not us-east-1a or eu-foo-1")
                .into_iter()
                .map(|(_, r)| r)
                .collect();
        assert_eq!(found, ["us-east-1", "us-west-2"]);
        assert!(is_region("ap-southeast-2"));
        assert!(is_region("us-gov-west-1"));
    }

    #[test]
    fn infers_from_commands_and_labels() {
        let mut notes = Notes::default();
        let commands = [
            CommandSite {
                text: "aws rds promote-read-replica --db-instance-identifier app-replica --region us-west-2",
                line: 10,
                in_step: true,
                failback: false,
            },
            CommandSite {
                text: "aws rds restore-db-instance-to-point-in-time --source-db-instance-identifier app-db --target-db-instance-identifier app-db-restored --region us-east-1",
                line: 11,
                in_step: true,
                failback: false,
            },
            CommandSite {
                text: "aws ecs update-service --cluster c1 --service s1 --region us-east-1",
                line: 12,
                in_step: true,
                failback: false,
            },
        ];
        let lines = [
            ("Primary region: us-east-1", 1, false),
            ("DR region: us-west-2", 2, false),
            ("- Backup Vault: `app-vault`", 3, false),
            ("- ECS Cluster: `c2`", 4, false),
            ("- ECS Service: `s2`", 5, false),
        ];
        let (env, created) = infer(&commands, &lines, &mut notes);
        assert_eq!(env.regions.primary, "us-east-1");
        assert_eq!(env.regions.dr.as_deref(), Some("us-west-2"));
        let ids: Vec<(&str, RdsRole)> = env.rds.iter().map(|r| (r.id.as_str(), r.role)).collect();
        assert_eq!(
            ids,
            [
                ("app-replica", RdsRole::Replica),
                ("app-db", RdsRole::Primary)
            ]
        );
        assert_eq!(
            env.rds[0].source.as_deref(),
            Some("app-db"),
            "the only primary is the replica's source"
        );
        assert!(created.instances.contains("app-db-restored"));
        assert_eq!(env.ecs.len(), 2);
        assert_eq!(env.ecs[1].cluster, "c2");
        assert_eq!(env.backup_vaults[0].name, "app-vault");
    }
}

#[cfg(test)]
mod region_tests {
    use super::*;

    fn votes(line: &str) -> Vec<(String, u32, u32)> {
        let mut reg = Regionist::default();
        vote_from_line(&mut reg, line, 1);
        reg.votes
            .into_iter()
            .map(|v| (v.name, v.primary, v.dr))
            .collect()
    }

    #[test]
    fn a_qualifier_belongs_to_the_region_after_it() {
        let want = |p: u32, d: u32| {
            vec![
                ("us-east-1".to_owned(), p, 0),
                ("us-west-2".to_owned(), 0, d),
            ]
        };
        assert_eq!(
            votes("  A[Primary us-east-1] --> B[DR us-west-2]"),
            want(3, 3)
        );
        assert_eq!(
            votes("Primary Region (us-east-1)          Secondary Region (us-west-2)"),
            want(3, 3)
        );
    }
}

#[cfg(test)]
mod name_tests {
    use super::is_concrete;

    #[test]
    fn placeholders_are_not_names() {
        for placeholder in [
            "<arn>",
            "<cluster-id>",
            "$VAR",
            "${var.cluster_id}",
            "$(date +%F)",
            "ACCOUNT_ID",
            "CLUSTER_NAME",
            "db.xxxx",
            "snap-YYYY-MM-DD",
            "my-cluster-name",
            "your-db-instance",
            "example-vault",
            "name",
            "ledger-",
            "...",
            "",
        ] {
            assert!(!is_concrete(placeholder), "{placeholder}");
        }
        for name in [
            "orders-east",
            "my-shop-db",
            "billing-5xx",
            "HighCPU",
            "app-db-2",
            "REPORTS",
        ] {
            assert!(is_concrete(name), "{name}");
        }
    }
}

#[cfg(test)]
mod generated_tests {
    use super::*;

    proptest::proptest! {
        /// Prose names, YAML lists, Terraform blocks and ARNs in text:
        /// nothing panics on any lines, code or prose.
        #[test]
        fn inference_never_panics(
            lines in proptest::collection::vec(
                ("(\\PC|[`:\\- ]|arn:aws:backup:us-east-1:1:backup-vault:|cluster |services |vault |resource \"aws_backup_vault\"|name = ){0,12}", proptest::bool::ANY),
                0..12,
            )
        ) {
            let numbered: Vec<(&str, usize, bool)> = lines
                .iter()
                .enumerate()
                .map(|(i, (l, code))| (l.as_str(), i + 1, *code))
                .collect();
            let mut notes = Notes::default();
            let _ = infer(&[], &numbered, &mut notes);
        }
    }
}
