//! The institution registry in the table (issue 16, part): an import writes what is new or
//! changed, a re-import of the same file changes nothing and says so, and a county's registry is
//! read back whole with one Query.

use crate::harness::Env;
use shared::adapters::dynamo::ImportCount;
use shared::domain::institution::{Kind, State, parse_csv};

const HEADER: &str = "机构名称,别名,统一社会信用代码,办学许可证号,区县,地址,类型,是否在全国监管平台,状态\n";

#[tokio::test]
async fn an_import_writes_what_changed_and_a_reimport_nothing() {
    let env = Env::new().await;
    let regions = &env.app.directory.regions;
    let mut text = HEADER.to_owned();
    for n in 0..60 {
        let county = if n % 2 == 0 { "武昌区" } else { "420111" };
        text.push_str(&format!("示例培训学校{n},,,,{county},示例路{n}号,非学科类,是,正常\n"));
    }
    let institutions = parse_csv(&text, regions).unwrap();
    let first = env.app.records.save_institutions(&institutions).await.unwrap();
    assert_eq!(
        first,
        ImportCount {
            added: 60,
            updated: 0,
            unchanged: 0
        }
    );
    let again = env.app.records.save_institutions(&institutions).await.unwrap();
    assert_eq!(
        again,
        ImportCount {
            added: 0,
            updated: 0,
            unchanged: 60
        }
    );

    let changed = text.replace(
        "示例培训学校0,,,,武昌区,示例路0号,非学科类,是,正常",
        "示例培训学校0,,,,武昌区,示例路0号,学科类,否,停办",
    );
    let counts = env
        .app
        .records
        .save_institutions(&parse_csv(&changed, regions).unwrap())
        .await
        .unwrap();
    assert_eq!(
        counts,
        ImportCount {
            added: 0,
            updated: 1,
            unchanged: 59
        }
    );

    let wuchang = env.app.records.institutions("420106").await.unwrap();
    assert_eq!(wuchang.len(), 30);
    let school = wuchang.iter().find(|i| i.name == "示例培训学校0").unwrap();
    assert_eq!(
        (school.kind, school.on_platform, school.state),
        (Kind::Subject, false, State::Suspended)
    );
    assert_eq!(env.app.records.institutions("420111").await.unwrap().len(), 30);
    assert!(env.app.records.institutions("420102").await.unwrap().is_empty());
}
