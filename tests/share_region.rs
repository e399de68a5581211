//! A shared session's bucket may be in any region: the console asks S3
//! where it is (moto answers HeadBucket with `x-amz-bucket-region`, as S3
//! does) and reaches it there, whatever region the SDK's chain names. This
//! test sets the environment the SDK reads, so it has a binary of its own.

mod emulators;

use drconsole::journal::share::s3::Bucket;
use emulators::s3::S3;

#[tokio::test]
async fn the_bucket_is_reached_in_the_region_s3_says_it_is_in() {
    let s3 = S3::start("dr-team").await;
    s3.client()
        .create_bucket()
        .bucket("dr-team-eu")
        .create_bucket_configuration(
            aws_sdk_s3::types::CreateBucketConfiguration::builder()
                .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::EuWest1)
                .build(),
        )
        .send()
        .await
        .expect("the bucket in eu-west-1");
    for (key, value) in s3.env() {
        // SAFETY: this binary's only test, before any thread reads it.
        unsafe { std::env::set_var(key, value) };
    }
    let home = Bucket::connect("dr-team", None).await;
    assert_eq!(home.region().as_deref(), Some("us-east-1"));
    let away = Bucket::connect("dr-team-eu", None).await;
    assert_eq!(away.region().as_deref(), Some("eu-west-1"));
}
