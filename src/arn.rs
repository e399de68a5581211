//! Amazon Resource Names: `arn:partition:service:region:account:resource`,
//! where the resource is `type:id`, `type/id` or a bare id. The one place
//! identifiers are read out of ARNs, so RDS (`db:name`, `cluster:name`),
//! ECS (`cluster/name`, `service/cluster/name`, `task-definition/app:42`)
//! and Backup (`recovery-point:…`) all follow the same rule.

/// The parts of an ARN, borrowed from its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arn<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    /// `db`, `cluster`, `service`, `task-definition`, …; empty for a bare id.
    pub resource_type: &'a str,
    /// Everything after the type and its separator: `name`, `cluster/name`,
    /// `app:42`.
    pub resource_id: &'a str,
}

impl<'a> Arn<'a> {
    /// `None` unless `text` has the `arn:` prefix and all six fields.
    pub fn parse(text: &'a str) -> Option<Self> {
        let mut parts = text.splitn(6, ':');
        if parts.next()? != "arn" {
            return None;
        }
        let (partition, service, region, account) =
            (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        let resource = parts.next().filter(|r| !r.is_empty())?;
        // The type ends at whichever separator comes first: `task-definition/app:42`
        // is type `task-definition`, `db:name` is type `db`.
        let (resource_type, resource_id) = match resource.find([':', '/']) {
            Some(at) => (&resource[..at], &resource[at + 1..]),
            None => ("", resource),
        };
        Some(Self {
            partition,
            service,
            region,
            account,
            resource_type,
            resource_id,
        })
    }

    /// The resource's own name: the last `/` part of its id, so
    /// `service/cluster/web` names `web` and `task-definition/app:42` names
    /// `app:42`.
    pub fn name(&self) -> &'a str {
        self.resource_id
            .rsplit('/')
            .next()
            .unwrap_or(self.resource_id)
    }
}

/// The identifier a value names, whether it is written as the identifier
/// itself or as its ARN. Text that is not a full ARN is returned as it is.
pub fn id_of(id_or_arn: &str) -> &str {
    Arn::parse(id_or_arn).map_or(id_or_arn, |arn| arn.name())
}

/// Where the account field of an ARN lies in `text` (which starts with
/// the ARN), even when the text is cut short after the field begins, as a
/// line cut to the screen's width is: what presenter mode masks.
pub fn account_span(text: &str) -> Option<std::ops::Range<usize>> {
    let mut parts = text.split(':');
    if parts.next()? != "arn" {
        return None;
    }
    // "arn:" then partition, service and region, each with its colon.
    let mut start = 4;
    for _ in 0..3 {
        start += parts.next()?.len() + 1;
    }
    let account = parts.next()?;
    Some(start..start + account.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_resource_shape() {
        // ARN -> "service region account type id name"
        let table = [
            (
                "arn:aws:rds:us-east-1:12:db:main",
                "rds us-east-1 12 db main main",
            ),
            (
                "arn:aws:rds:us-west-2:1:cluster:orders",
                "rds us-west-2 1 cluster orders orders",
            ),
            (
                "arn:aws:ecs:us-east-1:1:cluster/c",
                "ecs us-east-1 1 cluster c c",
            ),
            (
                "arn:aws:ecs:us-east-1:1:service/shop/web",
                "ecs us-east-1 1 service shop/web web",
            ),
            (
                "arn:aws:ecs:eu-west-1:1:task/shop/0a1b",
                "ecs eu-west-1 1 task shop/0a1b 0a1b",
            ),
            (
                "arn:aws:ecs:r:1:task-definition/app:42",
                "ecs r 1 task-definition app:42 app:42",
            ),
            (
                "arn:aws:backup:r:1:recovery-point:9f-1a",
                "backup r 1 recovery-point 9f-1a 9f-1a",
            ),
            ("arn:aws:s3:::bucket-name", "s3    bucket-name bucket-name"),
        ];
        for (text, expected) in table {
            let a = Arn::parse(text).unwrap();
            let parts = [a.service, a.region, a.account, a.resource_type];
            let read = format!("{} {} {}", parts.join(" "), a.resource_id, a.name());
            assert_eq!((a.partition, read.as_str()), ("aws", expected), "{text}");
            assert_eq!(id_of(text), a.name(), "{text}");
        }
    }

    #[test]
    fn ids_and_broken_arns_pass_through() {
        for text in [
            "main",
            "app:42",
            "",
            "arn:aws:rds",
            "arn:aws:rds:r:a:",
            "ARN",
        ] {
            assert_eq!(Arn::parse(text), None, "{text}");
            assert_eq!(id_of(text), text);
        }
    }

    #[test]
    fn never_panics_on_generated_input() {
        let alphabet = ["arn", ":", "/", "aws", "db", "", "é", "x:y", "//", "::"];
        // Every string of up to four pieces, from a ten-piece alphabet.
        let mut inputs = vec![String::new()];
        for _ in 0..4 {
            inputs = inputs
                .iter()
                .flat_map(|s| alphabet.iter().map(move |p| format!("{s}{p}")))
                .collect();
            for text in &inputs {
                let id = id_of(text);
                assert!(text.ends_with(id), "{text:?} gave {id:?}");
            }
        }
    }

    #[test]
    fn account_span_finds_the_account_even_in_a_cut_arn() {
        let table = [
            (
                "arn:aws:rds:us-east-1:123456789012:db:main",
                Some("123456789012"),
            ),
            ("arn:aws:iam::123456789012:user/x", Some("123456789012")),
            ("arn:aws:rds:us-east-1:1234567", Some("1234567")),
            ("arn:aws:rds:us-east-1:", Some("")),
            ("arn:aws:rds:us-east", None),
            ("urn:aws:rds:r:123456789012:db:x", None),
        ];
        for (text, account) in table {
            let span = account_span(text);
            assert_eq!(span.map(|s| &text[s]), account, "{text}");
        }
    }
}
