//! `s3://BUCKET/PREFIX[/SESSION]`: where a shared session lives.

use std::fmt;

/// A bucket and a key path in it, slashes trimmed. Whether the path names
/// a prefix of sessions or one session is decided by what is stored there
/// (`join` looks), not by the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareUrl {
    pub bucket: String,
    /// The key path without leading or trailing slashes; may be empty.
    pub path: String,
}

impl ShareUrl {
    pub fn parse(text: &str) -> Result<Self, String> {
        let rest = text
            .strip_prefix("s3://")
            .ok_or_else(|| format!("{text:?} is not an S3 location: write s3://BUCKET/PREFIX"))?;
        let (bucket, path) = rest.split_once('/').unwrap_or((rest, ""));
        if !valid_bucket(bucket) {
            return Err(format!(
                "{text:?}: {bucket:?} is not an S3 bucket name (3 to 63 of a-z, 0-9, '.', '-')"
            ));
        }
        let path = path.trim_matches('/');
        if path.split('/').any(|part| part == "." || part == "..")
            || path.contains("//")
            || path.chars().any(char::is_control)
        {
            return Err(format!(
                "{text:?}: the prefix may not hold empty, '.' or '..' parts or control characters"
            ));
        }
        Ok(Self {
            bucket: bucket.to_string(),
            path: path.to_string(),
        })
    }

    /// The key path of `name` under this one.
    pub fn child(&self, name: &str) -> Self {
        let path = match self.path.as_str() {
            "" => name.to_string(),
            path => format!("{path}/{name}"),
        };
        Self {
            bucket: self.bucket.clone(),
            path,
        }
    }

    /// The last part of the path: a session's name.
    pub fn name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or("")
    }

    /// Keys under this path start with this (empty for the bucket's root).
    pub fn key_prefix(&self) -> String {
        match self.path.as_str() {
            "" => String::new(),
            path => format!("{path}/"),
        }
    }
}

impl fmt::Display for ShareUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.path.as_str() {
            "" => write!(f, "s3://{}", self.bucket),
            path => write!(f, "s3://{}/{path}", self.bucket),
        }
    }
}

/// S3's rules for new bucket names (the dotted-IP form aside).
fn valid_bucket(name: &str) -> bool {
    let edge_ok = |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    (3..=63).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
        && edge_ok(name.chars().next())
        && edge_ok(name.chars().last())
        && !name.contains("..")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_bucket_and_a_trimmed_path() {
        let url = ShareUrl::parse("s3://dr-shared/incidents/").unwrap();
        assert_eq!(url.bucket, "dr-shared");
        assert_eq!(url.path, "incidents");
        assert_eq!(url.to_string(), "s3://dr-shared/incidents");
        let session = url.child("rally-x-20261203T100000Z-ab12cd");
        assert_eq!(session.name(), "rally-x-20261203T100000Z-ab12cd");
        assert_eq!(
            session.key_prefix(),
            "incidents/rally-x-20261203T100000Z-ab12cd/"
        );
        let root = ShareUrl::parse("s3://dr-shared").unwrap();
        assert_eq!(root.key_prefix(), "");
        assert_eq!(root.child("s").to_string(), "s3://dr-shared/s");
    }

    #[test]
    fn what_is_refused_says_why() {
        for (text, says) in [
            ("dr-shared/x", "not an S3 location"),
            ("https://dr-shared/x", "not an S3 location"),
            ("s3://Dr_Shared/x", "not an S3 bucket name"),
            ("s3://ab/x", "not an S3 bucket name"),
            ("s3://-ab/x", "not an S3 bucket name"),
            ("s3://a..b/x", "not an S3 bucket name"),
            ("s3://dr-shared/a//b", "empty"),
            ("s3://dr-shared/a/../b", "'..'"),
        ] {
            let err = ShareUrl::parse(text).unwrap_err();
            assert!(err.contains(says), "{text}: {err}");
        }
    }

    proptest! {
        #[test]
        fn any_text_parses_or_says_why_and_round_trips(text in "(s3://)?[a-z0-9./_-]{0,30}") {
            match ShareUrl::parse(&text) {
                Ok(url) => {
                    let again = ShareUrl::parse(&url.to_string()).unwrap();
                    prop_assert_eq!(again, url);
                }
                Err(why) => {
                    let quoted = format!("{:?}", text);
                    prop_assert!(why.contains(&quoted));
                }
            }
        }
    }
}
