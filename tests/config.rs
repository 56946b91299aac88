//! Deployment configuration read at cold start: the agency directory from S3.

use crate::harness::Env;
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
    let directory = settings.load_province(&env.sdk).await.unwrap();
    assert_eq!(
        directory.agency_by_id("420106-education").unwrap().phones,
        ["13900000001", "13900000002"]
    );

    for bad in [
        format!("s3://{bucket}/config/missing.csv"),
        "https://example.invalid/x".to_owned(),
    ] {
        settings.agencies_s3_uri = Some(bad.clone());
        assert!(settings.load_province(&env.sdk).await.is_err(), "{bad}");
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
        settings.load_province(&env.sdk).await.is_err(),
        "an unknown region stops the start rather than misroute"
    );
    settings.agencies_s3_uri = None;
    assert!(std::ptr::eq(
        settings.load_province(&env.sdk).await.unwrap(),
        shared::domain::directory::Directory::hubei()
    ));
}

#[tokio::test]
async fn another_provinces_regions_and_agencies_load_together() {
    let env = Env::new().await;
    let s3 = env.app.evidence.client();
    let bucket = env.app.evidence.bucket();
    let regions = "code,name,level,parent_code\n320000,江苏省,province,\n320400,常州市,city,320000\n320412,武进区,county,320400\n";
    let agencies = "region,department,agency_id,agency_name,phones\n320412,culture,320412-wenti,武进区文体广电和旅游局,\n320412,sports,320412-wenti,武进区文体广电和旅游局,\n";
    for (key, body) in [("config/regions.csv", regions), ("config/agencies.csv", agencies)] {
        s3.put_object()
            .bucket(bucket)
            .key(key)
            .body(body.as_bytes().to_vec().into())
            .send()
            .await
            .unwrap();
    }
    let mut settings = Settings::local("t", bucket);
    settings.regions_s3_uri = Some(format!("s3://{bucket}/config/regions.csv"));
    settings.agencies_s3_uri = Some(format!("s3://{bucket}/config/agencies.csv"));
    let directory = settings.load_province(&env.sdk).await.unwrap();
    assert_eq!(directory.regions.province().name, "江苏省");
    let arts = directory.dispatch("320400", "320412", "arts").unwrap();
    let sports = directory.dispatch("320400", "320412", "sports").unwrap();
    assert_eq!(
        (arts.agency_id.as_str(), sports.agency_id.as_str()),
        ("320412-wenti", "320412-wenti")
    );
    assert_eq!(
        directory.dispatch("320400", "320412", "academic").unwrap().agency_name,
        "武进区教育局"
    );
    assert!(
        directory.dispatch("420100", "420106", "academic").is_err(),
        "Hubei is not this deployment"
    );
}

#[tokio::test]
async fn a_province_folder_reads_whole_from_s3_or_not_at_all() {
    use shared::app::ProvinceFolder;
    let env = Env::new().await;
    let s3 = env.app.evidence.client();
    let bucket = env.app.evidence.bucket();
    let files = [
        "regions.csv",
        "agencies.csv",
        "catalog.json",
        "notice.json",
        "holidays.json",
    ];
    // Every file but the holidays first: a folder missing one is refused, not half used.
    for file in &files[..4] {
        let text = crate::harness::read_repo_file(&format!("provinces/changzhou/{file}"));
        s3.put_object()
            .bucket(bucket)
            .key(format!("changzhou/{file}"))
            .body(text.into_bytes().into())
            .send()
            .await
            .unwrap();
    }
    let uri = Some(format!("s3://{bucket}/changzhou/"));
    assert!(ProvinceFolder::read(&env.sdk, &None, &uri).await.is_err());
    let holidays = crate::harness::read_repo_file("provinces/changzhou/holidays.json");
    s3.put_object()
        .bucket(bucket)
        .key("changzhou/holidays.json")
        .body(holidays.clone().into_bytes().into())
        .send()
        .await
        .unwrap();
    let folder = ProvinceFolder::read(&env.sdk, &None, &uri).await.unwrap().unwrap();
    assert_eq!(folder.holidays, holidays);
    assert!(folder.notice.contains("校外培训家长端APP"));
    assert!(folder.agencies.contains("cz-jingkai-a"));
    // The same from the repository's folder, and nothing without either.
    let local = Some(
        crate::harness::repo_root()
            .join("provinces/changzhou")
            .display()
            .to_string(),
    );
    let read = ProvinceFolder::read(&env.sdk, &local, &None).await.unwrap().unwrap();
    assert_eq!(read.regions, folder.regions);
    assert!(ProvinceFolder::read(&env.sdk, &None, &None).await.unwrap().is_none());
}
