//! What a function builds once at cold start and hands to every request: the clients, the
//! directory of regions and agencies, and the settings read from the environment.

use crate::adapters::StoreError;
use crate::adapters::cognito::StaffPool;
use crate::adapters::dynamo::{CalendarSource, Records};
use crate::adapters::kms::EvidenceSigner;
use crate::adapters::s3::EvidenceStore;
use crate::domain::calendar::Calendar;
use crate::domain::directory::Directory;
use crate::domain::directory::catalog::Catalog;
use crate::domain::directory::regions::Regions;
use crate::domain::report::deadlines::DeadlineRules;
use std::sync::Arc;
use std::time::Duration;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("environment variable {0} is required")]
    Missing(&'static str),
    #[error("environment variable {name} is invalid: {value}")]
    Invalid { name: &'static str, value: String },
    #[error("agency directory {path}: {detail}")]
    Directory { path: String, detail: String },
}

/// Deployment settings; every one has an environment variable (see README).
#[derive(Debug, Clone)]
pub struct Settings {
    /// `TABLE_NAME`
    pub table: String,
    /// `BUCKET_NAME`
    pub bucket: String,
    /// `S3_FORCE_PATH_STYLE`: true for moto and other local S3s.
    pub s3_path_style: bool,
    /// `REPORTS_PER_DAY`: how many reports one citizen may submit per day (default 20).
    pub reports_per_day: u32,
    /// `UPLOADS_PER_DAY`: how many evidence files one citizen may be issued upload URLs for a day
    /// (default 60: three photos for each of 20 reports).
    pub uploads_per_day: u32,
    /// `READS_PER_MINUTE`: how many times a minute one citizen may read their reports (list or
    /// detail; default 60).
    pub reads_per_minute: u32,
    /// `EXPORT_ROWS`: rows per part of a CSV export (default and most 5,000: a Lambda answer holds
    /// 6 MB); a longer export comes in parts the admin site joins.
    pub export_rows: usize,
    /// `REPORTER_DATA_RETENTION_DAYS`: days after the reply when a report's reporter name and
    /// phone are removed (default 365); the report itself is kept.
    pub reporter_data_days: u32,
    /// `UPLOAD_URL_TTL_SECONDS`: how long a presigned PUT is valid (default 900).
    pub upload_url_ttl: Duration,
    /// `EVIDENCE_URL_TTL_SECONDS`: how long a presigned GET of evidence is valid (default 300).
    pub evidence_url_ttl: Duration,
    /// `EVIDENCE_LOCK_DAYS`: how long S3 Object Lock (governance mode) keeps each sealed file
    /// from change or deletion; unset, sealed files are not locked (the local S3 cannot lock).
    pub evidence_lock_days: Option<u32>,
    /// `EVIDENCE_SIGNING_KEY`: the KMS key (ECC_NIST_P256) that signs evidence packages; unset,
    /// packages cannot be made.
    pub signing_key: Option<String>,
    /// `STAFF_USER_POOL_ID`: the staff pool 人员管理 creates and disables users in (global
    /// regions); unset, the roster alone decides (a province's own issuer).
    pub staff_pool_id: Option<String>,
    /// `SIGN_DAYS`, `HANDOFF_DAYS`, `REPLY_DAYS`: working days for each step (1, 2, 15).
    pub deadlines: DeadlineRules,
    /// `SMS_TO_AGENCY`, `SMS_TO_REPORTER`: message texts with `{serial}`, over the catalog's
    /// (`agency_sms_text`, `reporter_sms_text`).
    pub sms_to_agency: Option<String>,
    pub sms_to_reporter: Option<String>,
    /// `PROVINCE_DIR` / `PROVINCE_S3_URI`: the folder of the province served (docs/province.md);
    /// neither: Hubei, compiled in.
    pub province_dir: Option<String>,
    pub province_s3_uri: Option<String>,
    /// `AGENCIES_FILE`: a CSV naming agencies and their duty phones (see `Directory`).
    pub agencies_file: Option<String>,
    /// `AGENCIES_S3_URI`: the same CSV in S3 (`s3://bucket/key`), read at cold start.
    pub agencies_s3_uri: Option<String>,
    /// `REGIONS_FILE` / `REGIONS_S3_URI`: another province's `code,name,level,parent_code` CSV.
    pub regions_file: Option<String>,
    pub regions_s3_uri: Option<String>,
}

fn var(name: &'static str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

fn parsed<T: std::str::FromStr>(name: &'static str, default: T) -> Result<T, ConfigError> {
    match var(name) {
        None => Ok(default),
        Some(value) => value.parse().map_err(|_| ConfigError::Invalid { name, value }),
    }
}

/// The most rows a part of an export may hold: 5,000 rows of about 300 bytes stay well within the
/// 6 MB of a Lambda answer.
pub const MAX_EXPORT_ROWS: usize = 5000;

/// `EXPORT_ROWS` checked: 1 to `MAX_EXPORT_ROWS`.
pub fn export_rows(rows: usize) -> Result<usize, ConfigError> {
    if (1..=MAX_EXPORT_ROWS).contains(&rows) {
        Ok(rows)
    } else {
        Err(ConfigError::Invalid {
            name: "EXPORT_ROWS",
            value: rows.to_string(),
        })
    }
}

impl Settings {
    pub fn from_env() -> Result<Settings, ConfigError> {
        Ok(Settings {
            table: var("TABLE_NAME").ok_or(ConfigError::Missing("TABLE_NAME"))?,
            bucket: var("BUCKET_NAME").ok_or(ConfigError::Missing("BUCKET_NAME"))?,
            s3_path_style: parsed("S3_FORCE_PATH_STYLE", false)?,
            reports_per_day: parsed("REPORTS_PER_DAY", 20)?,
            uploads_per_day: parsed("UPLOADS_PER_DAY", 60)?,
            reads_per_minute: parsed("READS_PER_MINUTE", 60)?,
            export_rows: export_rows(parsed("EXPORT_ROWS", MAX_EXPORT_ROWS)?)?,
            reporter_data_days: parsed("REPORTER_DATA_RETENTION_DAYS", 365)?,
            upload_url_ttl: Duration::from_secs(parsed("UPLOAD_URL_TTL_SECONDS", 900)?),
            evidence_url_ttl: Duration::from_secs(parsed("EVIDENCE_URL_TTL_SECONDS", 300)?),
            signing_key: var("EVIDENCE_SIGNING_KEY"),
            staff_pool_id: var("STAFF_USER_POOL_ID"),
            evidence_lock_days: var("EVIDENCE_LOCK_DAYS")
                .map(|days| {
                    days.parse().map_err(|_| ConfigError::Invalid {
                        name: "EVIDENCE_LOCK_DAYS",
                        value: days,
                    })
                })
                .transpose()?,
            deadlines: DeadlineRules {
                sign: parsed("SIGN_DAYS", DeadlineRules::default().sign)?,
                handoff: parsed("HANDOFF_DAYS", DeadlineRules::default().handoff)?,
                reply: parsed("REPLY_DAYS", DeadlineRules::default().reply)?,
            },
            sms_to_agency: var("SMS_TO_AGENCY"),
            sms_to_reporter: var("SMS_TO_REPORTER"),
            province_dir: var("PROVINCE_DIR"),
            province_s3_uri: var("PROVINCE_S3_URI"),
            agencies_file: var("AGENCIES_FILE"),
            agencies_s3_uri: var("AGENCIES_S3_URI"),
            regions_file: var("REGIONS_FILE"),
            regions_s3_uri: var("REGIONS_S3_URI"),
        })
    }

    /// The S3 client's configuration: the SDK's, with path-style addressing where asked for.
    pub fn s3_config(&self, sdk: &aws_config::SdkConfig) -> aws_sdk_s3::Config {
        aws_sdk_s3::config::Builder::from(sdk)
            .force_path_style(self.s3_path_style)
            .build()
    }

    /// Settings for a local run or a test: defaults everywhere but the names given.
    pub fn local(table: &str, bucket: &str) -> Settings {
        Settings {
            table: table.to_owned(),
            bucket: bucket.to_owned(),
            s3_path_style: true,
            reports_per_day: 20,
            uploads_per_day: 60,
            reads_per_minute: 60,
            export_rows: MAX_EXPORT_ROWS,
            reporter_data_days: 365,
            upload_url_ttl: Duration::from_secs(900),
            evidence_url_ttl: Duration::from_secs(300),
            // As the template's default retention: sealed files are locked locally too.
            evidence_lock_days: Some(1095),
            signing_key: None,
            staff_pool_id: None,
            deadlines: DeadlineRules::default(),
            sms_to_agency: None,
            sms_to_reporter: None,
            province_dir: None,
            province_s3_uri: None,
            agencies_file: None,
            agencies_s3_uri: None,
            regions_file: None,
            regions_s3_uri: None,
        }
    }

    /// The text of the SMS to an agency: `SMS_TO_AGENCY`, else the province's catalog.
    pub fn agency_sms_text(&self) -> String {
        self.sms_to_agency
            .clone()
            .unwrap_or_else(|| Catalog::get().sms_to_agency.clone())
    }

    /// The text of the SMS to a reporter: `SMS_TO_REPORTER`, else the province's catalog.
    pub fn reporter_sms_text(&self) -> String {
        self.sms_to_reporter
            .clone()
            .unwrap_or_else(|| Catalog::get().sms_to_reporter.clone())
    }

    /// Loads the province this deployment serves, once at start: its folder's catalog, notice
    /// and holidays become the process's (`Catalog::install`, `Calendar::install`), and its
    /// directory is returned: the regions and agencies of the folder, each replaced by a single
    /// file when `REGIONS_*` / `AGENCIES_*` name one (duty phones kept apart, say). Without a
    /// folder or files: Hubei, compiled in.
    pub async fn load_province(&self, sdk: &aws_config::SdkConfig) -> Result<&'static Directory, ConfigError> {
        let folder = ProvinceFolder::read(sdk, &self.province_dir, &self.province_s3_uri).await?;
        if let Some(folder) = &folder {
            let failed = |file: &str| {
                let path = folder.path(file);
                move |detail: String| ConfigError::Directory { path, detail }
            };
            Catalog::install(Some(&folder.catalog), Some(&folder.notice)).map_err(failed("catalog.json"))?;
            Calendar::install(&folder.holidays).map_err(failed("holidays.json"))?;
        }
        let mut regions = read_config(sdk, &self.regions_file, &self.regions_s3_uri).await?;
        let mut agencies = read_config(sdk, &self.agencies_file, &self.agencies_s3_uri).await?;
        if let Some(folder) = folder {
            regions = regions.or_else(|| Some((folder.path("regions.csv"), folder.regions.clone())));
            agencies = agencies.or_else(|| Some((folder.path("agencies.csv"), folder.agencies.clone())));
        }
        if regions.is_none() && agencies.is_none() {
            return Ok(Directory::hubei());
        }
        let regions = match regions {
            Some((path, text)) => Regions::from_csv(&text).map_err(|e| (path, e)),
            None => Regions::hubei().map_err(|e| ("(embedded Hubei regions)".to_owned(), e)),
        }
        .map_err(|(path, e)| ConfigError::Directory {
            path,
            detail: e.to_string(),
        })?;
        let mut directory = Directory::new(regions);
        if let Some((path, text)) = agencies {
            directory = directory
                .with_agencies_csv(&text)
                .map_err(|detail| ConfigError::Directory { path, detail })?;
        }
        // Built once per cold start and kept for the life of the process.
        Ok(Box::leak(Box::new(directory)))
    }
}

/// A province's folder (docs/province.md): every file is required, so that a deployment never
/// mixes two provinces' facts.
#[derive(Debug)]
pub struct ProvinceFolder {
    location: String,
    pub regions: String,
    pub agencies: String,
    pub catalog: String,
    pub notice: String,
    pub holidays: String,
}

impl ProvinceFolder {
    /// The folder's files, from a local folder or an S3 prefix (`None` when neither is given).
    pub async fn read(
        sdk: &aws_config::SdkConfig,
        dir: &Option<String>,
        uri: &Option<String>,
    ) -> Result<Option<ProvinceFolder>, ConfigError> {
        let location = match (dir, uri) {
            (Some(dir), _) => format!("{}/", dir.trim_end_matches('/')),
            (None, Some(uri)) => format!("{}/", uri.trim_end_matches('/')),
            (None, None) => return Ok(None),
        };
        let read = |file: &'static str| {
            let path = format!("{location}{file}");
            async move {
                let (file, uri) = if dir.is_some() {
                    (Some(path), None)
                } else {
                    (None, Some(path))
                };
                let found = read_config(sdk, &file, &uri).await?;
                Ok::<_, ConfigError>(found.map(|(_, text)| text).unwrap_or_default())
            }
        };
        let (regions, agencies, catalog, notice, holidays) = tokio::try_join!(
            read("regions.csv"),
            read("agencies.csv"),
            read("catalog.json"),
            read("notice.json"),
            read("holidays.json"),
        )?;
        Ok(Some(ProvinceFolder {
            location,
            regions,
            agencies,
            catalog,
            notice,
            holidays,
        }))
    }

    fn path(&self, file: &str) -> String {
        format!("{}{file}", self.location)
    }
}

/// A configuration file's location and text: a local path wins over an S3 URI.
async fn read_config(
    sdk: &aws_config::SdkConfig,
    file: &Option<String>,
    uri: &Option<String>,
) -> Result<Option<(String, String)>, ConfigError> {
    match (file, uri) {
        (Some(path), _) => std::fs::read_to_string(path)
            .map(|text| Some((path.clone(), text)))
            .map_err(|e| ConfigError::Directory {
                path: path.clone(),
                detail: e.to_string(),
            }),
        // Boxed: an S3 call's future is ~8 KB, and five of these are joined within the cold
        // start's own future, which lives on the main thread's stack.
        (None, Some(uri)) => Ok(Some((uri.clone(), Box::pin(read_s3(sdk, uri)).await?))),
        (None, None) => Ok(None),
    }
}

/// Reads `s3://bucket/key` as UTF-8 text.
async fn read_s3(sdk: &aws_config::SdkConfig, uri: &str) -> Result<String, ConfigError> {
    let fail = |detail: String| ConfigError::Directory {
        path: uri.to_owned(),
        detail,
    };
    let (bucket, key) = uri
        .strip_prefix("s3://")
        .and_then(|rest| rest.split_once('/'))
        .ok_or_else(|| fail("not an s3://bucket/key URI".into()))?;
    let object = aws_sdk_s3::Client::new(sdk)
        .get_object()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .map_err(|e| fail(aws_smithy_types::error::display::DisplayErrorContext(&e).to_string()))?;
    let bytes = object
        .body
        .collect()
        .await
        .map_err(|e| fail(e.to_string()))?
        .into_bytes();
    String::from_utf8(bytes.to_vec()).map_err(|e| fail(e.to_string()))
}

/// Everything a handler needs; cheap to share by reference.
#[derive(Debug, Clone)]
pub struct App {
    pub records: Records,
    pub evidence: EvidenceStore,
    /// Signs evidence packages: `EVIDENCE_SIGNING_KEY`, when set.
    pub signer: Option<EvidenceSigner>,
    /// The staff user pool, with `STAFF_USER_POOL_ID`.
    pub staff_pool: Option<StaffPool>,
    pub directory: &'static Directory,
    /// The holiday calendar in force (`App::calendar`).
    pub holidays: CalendarSource,
    pub settings: Settings,
}

impl App {
    /// Builds the clients from the SDK's own configuration chain (region, credentials, and
    /// `AWS_ENDPOINT_URL` for a local AWS).
    pub async fn from_env() -> Result<App, ConfigError> {
        let settings = Settings::from_env()?;
        let sdk = crate::adapters::sdk::load_in_lambda();
        let directory = settings.load_province(&sdk).await?;
        Ok(App::new(&sdk, settings, directory))
    }

    pub fn new(sdk: &aws_config::SdkConfig, settings: Settings, directory: &'static Directory) -> App {
        App::with_table_sdk(sdk, sdk, settings, directory)
    }

    /// As `new`, with the table reached through its own configuration (locally, DynamoDB Local
    /// beside moto's S3 and SNS).
    pub fn with_table_sdk(
        sdk: &aws_config::SdkConfig,
        table_sdk: &aws_config::SdkConfig,
        settings: Settings,
        directory: &'static Directory,
    ) -> App {
        let dynamo = aws_sdk_dynamodb::Client::new(table_sdk);
        let s3_config = settings.s3_config(sdk);
        let signer = settings
            .signing_key
            .as_ref()
            .map(|key| EvidenceSigner::new(aws_sdk_kms::Config::from(sdk), key.clone()));
        let staff_pool = settings
            .staff_pool_id
            .as_ref()
            .map(|pool| StaffPool::new(aws_sdk_cognitoidentityprovider::Config::from(sdk), pool.clone()));
        App {
            records: Records::new(dynamo, settings.table.clone()),
            evidence: EvidenceStore::new(s3_config, settings.bucket.clone(), sdk.credentials_provider()),
            signer,
            staff_pool,
            directory,
            holidays: CalendarSource::new(Calendar::current().clone()),
            settings,
        }
    }

    /// The holiday calendar in force: the province file's with the years entered in 节假日, at
    /// most a minute stale.
    pub async fn calendar(&self) -> Result<Arc<Calendar>, StoreError> {
        self.holidays.current(&self.records).await
    }
}
