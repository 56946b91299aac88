//! Deployment configuration read at cold start: the agency directory from S3.

use harness::Env;
use shared::app::Settings;

#[tokio::test]
async fn the_agency_directory_loads_from_s3_and_a_broken_one_stops_the_cold_start() {
    let env = Env::new().await;
    let s3 = env.app.evidence.client();
    let bucket = env.app.evidence.bucket();
    let csv = "region,department,agency_id,agency_name,phones\n420106,education,420106-education,武昌区教育局,13900000001;13900000002\n";
    s3.put_object()
        .bucket(bucket)
        .key("config/agencies.csv")
        .body(csv.as_bytes().to_vec().into())
        .send()
        .await
        .unwrap();
    let mut settings = Settings::local("t", bucket);
    settings.agencies_s3_uri = Some(format!("s3://{bucket}/config/agencies.csv"));
    let directory = settings.directory(&env.sdk).await.unwrap();
    assert_eq!(
        directory.agency_by_id("420106-education").unwrap().phones,
        ["13900000001", "13900000002"]
    );

    for bad in [
        format!("s3://{bucket}/config/missing.csv"),
        "https://example.invalid/x".to_owned(),
    ] {
        settings.agencies_s3_uri = Some(bad.clone());
        assert!(settings.directory(&env.sdk).await.is_err(), "{bad}");
    }
    s3.put_object()
        .bucket(bucket)
        .key("config/bad.csv")
        .body(
            b"region,department,agency_id,agency_name,phones\n999999,education,x,y,\n"
                .to_vec()
                .into(),
        )
        .send()
        .await
        .unwrap();
    settings.agencies_s3_uri = Some(format!("s3://{bucket}/config/bad.csv"));
    assert!(
        settings.directory(&env.sdk).await.is_err(),
        "an unknown region stops the start rather than misroute"
    );
    settings.agencies_s3_uri = None;
    assert!(std::ptr::eq(
        settings.directory(&env.sdk).await.unwrap(),
        shared::domain::dispatch::Directory::hubei()
    ));
}
