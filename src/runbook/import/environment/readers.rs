//! Readers of the forms resource names are written in besides command
//! flags: RDS endpoints, AWS Backup restore metadata, `key = value` lines
//! of YAML/JSON/HCL blocks and prose lists ("Alarms: `a`, `b`").

/// What an RDS endpoint names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint<'a> {
    pub id: &'a str,
    /// `<id>.cluster-…`, `<id>.cluster-ro-…`, `<id>.cluster-custom-…`.
    pub cluster: bool,
    pub region: Option<&'a str>,
}

/// `name.xxxx.us-west-2.rds.amazonaws.com[:5432]`: the instance or cluster
/// and its region; `None` for other hosts.
pub fn rds_endpoint(word: &str) -> Option<Endpoint<'_>> {
    let host = word.split(':').next()?;
    let host = host.strip_suffix(".rds.amazonaws.com")?;
    let mut labels = host.split('.');
    let (id, hash, region) = (labels.next()?, labels.next()?, labels.next()?);
    if labels.next().is_some() || id.is_empty() {
        return None;
    }
    Some(Endpoint {
        id,
        cluster: hash.starts_with("cluster-"),
        region: super::is_region(region).then_some(region),
    })
}

/// A `key = "value"`, `key: value` or `"Key": "value",` line of a
/// YAML/JSON/HCL block: the key lowercased without `_`/`-`, and the value
/// unquoted. `None` for other lines and for values that are blocks,
/// lists or references.
pub fn key_value(line: &str) -> Option<(String, &str)> {
    let line = line.trim().trim_start_matches("- ").trim_start();
    let at = line.find(['=', ':'])?;
    let (key, value) = (line.get(..at)?, line.get(at + 1..)?);
    let key = key.trim().trim_matches(['"', '\'']);
    if key.is_empty()
        || !key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return None;
    }
    let value = value
        .trim()
        .trim_end_matches(',')
        .trim()
        .trim_matches(['"', '\''])
        .trim();
    let reference = ["aws_", "var.", "local.", "module.", "data.", "!"]
        .iter()
        .any(|p| value.starts_with(p));
    if value.is_empty() || reference || value.contains([' ', '{', '[', '(']) {
        return None;
    }
    let key = key
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    Some((key, value))
}

/// The names a labelled value lists: its code spans, else its words
/// separated by commas and "and" ("Services: api, web and worker").
/// Empty when the value is a sentence rather than a list.
pub fn listed_names<'a>(value: &'a str, spans: &[&'a str]) -> Vec<&'a str> {
    if !spans.is_empty() {
        return spans.to_vec();
    }
    let mut names = Vec::new();
    for part in value.split(',') {
        for name in part.split(" and ") {
            let name = name.trim().trim_matches('*').trim().trim_end_matches('.');
            if name.is_empty() {
                continue;
            }
            if name.contains(char::is_whitespace) {
                return Vec::new();
            }
            names.push(name);
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runbook::aws_cli::{TargetKind, restore_target};

    #[test]
    fn reads_instance_and_cluster_endpoints() {
        let table = [
            (
                "app-db.c9akciq32.us-west-2.rds.amazonaws.com:5432",
                Some(("app-db", false, Some("us-west-2"))),
            ),
            (
                "orders.cluster-ro-abc.eu-west-1.rds.amazonaws.com",
                Some(("orders", true, Some("eu-west-1"))),
            ),
            (
                "orders.cluster-abc.eu-west-1.rds.amazonaws.com",
                Some(("orders", true, Some("eu-west-1"))),
            ),
            ("lb-1.us-east-1.elb.amazonaws.com", None),
            ("rds.amazonaws.com", None),
            (".x.us-east-1.rds.amazonaws.com", None),
        ];
        for (word, expected) in table {
            let read = rds_endpoint(word).map(|e| (e.id, e.cluster, e.region));
            assert_eq!(read, expected, "{word}");
        }
    }

    #[test]
    fn reads_restore_metadata_in_both_forms() {
        let table = [
            (
                r#"{"DBClusterIdentifier": "orders-restored", "Engine": "aurora-postgresql"}"#,
                Some((TargetKind::Cluster, "orders-restored")),
            ),
            (
                "DBInstanceIdentifier=app-restored,DBInstanceClass=db.r6g.large",
                Some((TargetKind::Instance, "app-restored")),
            ),
            (
                "{\n  \"DBInstanceIdentifier\" : \"app-2\"\n}",
                Some((TargetKind::Instance, "app-2")),
            ),
            ("file://metadata.json", None),
            (r#"{"DBClusterIdentifier": ""}"#, None),
        ];
        for (text, expected) in table {
            assert_eq!(restore_target(text), expected, "{text}");
        }
    }

    #[test]
    fn reads_key_values_of_each_block_language() {
        let table = [
            (
                r#"  alarm_name = "orders-5xx""#,
                Some(("alarmname", "orders-5xx")),
            ),
            (
                "    AlarmName: orders-latency",
                Some(("alarmname", "orders-latency")),
            ),
            (r#"  "ServiceName": "web","#, Some(("servicename", "web"))),
            (
                "  replicate_source_db = aws_db_instance.main.identifier",
                None,
            ),
            ("  DBInstanceIdentifier: !Ref Db", None),
            ("resource \"aws_db_instance\" \"main\" {", None),
            ("  tags = {", None),
        ];
        for (line, expected) in table {
            let read = key_value(line);
            assert_eq!(
                read.as_ref().map(|(k, v)| (k.as_str(), *v)),
                expected,
                "{line}"
            );
        }
    }

    #[test]
    fn reads_prose_lists() {
        assert_eq!(
            listed_names(" api, web and worker", &[]),
            ["api", "web", "worker"]
        );
        assert_eq!(listed_names(" `a`, `b`", &["a", "b"]), ["a", "b"]);
        assert!(listed_names(" the web tier and its workers", &[]).is_empty());
    }

    proptest::proptest! {
        #[test]
        fn readers_never_panic(text in "[a-zA-Z0-9 .:=,{}\"'\\[\\]_-]{0,80}|\\PC{0,40}") {
            let _ = rds_endpoint(&text);
            let _ = key_value(&text);
            let spans: Vec<&str> = text.split('`').collect();
            let _ = listed_names(&text, &spans);
            if let Some((_, id)) = restore_target(&text) {
                proptest::prop_assert!(text.contains(id) && !id.is_empty());
            }
        }
    }
}
