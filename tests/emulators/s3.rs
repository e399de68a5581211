//! An S3 of a test's own: moto serving one request at a time (as
//! `scripts/lib/moto_s3.py` explains), started by `$DRCONSOLE_TEST_S3_SERVER`
//! on a free port, with one bucket. The test may stop it (SIGSTOP: every
//! call hangs, as when S3 does not answer) and let it go on (SIGCONT).

use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use aws_sdk_s3::primitives::ByteStream;

use super::required;

pub const S3_SERVER: &str = "DRCONSOLE_TEST_S3_SERVER";

pub struct S3 {
    child: Child,
    pub port: u16,
    pub bucket: String,
}

impl S3 {
    pub async fn start(bucket: &str) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(required(S3_SERVER))
            .arg(port.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("moto's S3 starts");
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "moto's S3 did not listen on {port} in 30 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let s3 = Self {
            child,
            port,
            bucket: bucket.to_string(),
        };
        s3.client()
            .create_bucket()
            .bucket(bucket)
            .send()
            .await
            .expect("the bucket is created");
        s3
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// What a console needs to reach this S3 (and nothing else).
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ENDPOINT_URL_S3", self.url()),
            ("AWS_ACCESS_KEY_ID", "test".into()),
            ("AWS_SECRET_ACCESS_KEY", "test".into()),
            ("AWS_REGION", "us-east-1".into()),
            ("AWS_EC2_METADATA_DISABLED", "true".into()),
            ("AWS_CONFIG_FILE", "/dev/null".into()),
            ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null".into()),
        ]
    }

    /// A client of this S3 with the share's own timeouts and retries.
    pub fn client(&self) -> aws_sdk_s3::Client {
        let config = aws_sdk_s3::config::Builder::new()
            .timeout_config(drconsole::journal::share::s3::timeouts())
            .retry_config(drconsole::journal::share::s3::retries())
            .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
            .region(aws_sdk_s3::config::Region::new("us-east-1"))
            .endpoint_url(self.url())
            .force_path_style(true)
            .credentials_provider(aws_sdk_s3::config::Credentials::new(
                "test", "test", None, None, "test",
            ))
            .build();
        aws_sdk_s3::Client::from_conf(config)
    }

    /// Every key under `prefix`, in order.
    pub async fn keys(&self, prefix: &str) -> Vec<String> {
        let listed = self
            .client()
            .list_objects_v2()
            .bucket(&self.bucket)
            .prefix(prefix)
            .send()
            .await
            .expect("a listing");
        listed
            .contents()
            .iter()
            .filter_map(|o| o.key().map(str::to_string))
            .collect()
    }

    pub async fn get(&self, key: &str) -> Vec<u8> {
        let object = self
            .client()
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .expect("the object");
        object.body.collect().await.expect("its body").to_vec()
    }

    pub async fn put(&self, key: &str, body: Vec<u8>) {
        self.client()
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .body(ByteStream::from(body))
            .send()
            .await
            .expect("the object is written");
    }

    pub async fn delete(&self, key: &str) {
        self.client()
            .delete_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .expect("the object is deleted");
    }

    /// Every call hangs from now on, as when S3 does not answer.
    pub fn stop(&self) {
        self.signal("-STOP");
    }

    /// Answers again, the calls that waited first.
    pub fn resume(&self) {
        self.signal("-CONT");
    }

    fn signal(&self, which: &str) {
        // The launcher execs Python, so the child's pid is the server's.
        let status = Command::new("kill")
            .args([which, &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill {which} failed");
    }
}

impl Drop for S3 {
    fn drop(&mut self) {
        self.resume_quietly();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl S3 {
    fn resume_quietly(&self) {
        let _ = Command::new("kill")
            .args(["-CONT", &self.child.id().to_string()])
            .status();
    }
}
