//! The three statuses of the manual: 待受理 → 处理中 → 已回复.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// 待受理: submitted, waiting for the agency to sign for it.
    Pending,
    /// 处理中: signed for, under investigation.
    Processing,
    /// 已回复: answered; the reporter may rate it.
    Replied,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Processing => "processing",
            Status::Replied => "replied",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Status::Pending => "待受理",
            Status::Processing => "处理中",
            Status::Replied => "已回复",
        }
    }

    /// What the status means to the reporter, in a line (the 详情 screen shows it).
    pub fn help(self) -> &'static str {
        match self {
            Status::Pending => "举报已提交,等待受理部门签收。",
            Status::Processing => "受理部门已签收,正在核查处理。",
            Status::Replied => "受理部门已回复处理结果,您可以对回复进行评价。",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::directory::catalog::Catalog;

    #[test]
    fn codes_and_names_agree_with_the_catalog() {
        for (status, named) in [Status::Pending, Status::Processing, Status::Replied]
            .iter()
            .zip(&Catalog::get().statuses)
        {
            assert_eq!(
                (status.code(), status.name()),
                (named.code.as_str(), named.name.as_str())
            );
            assert_eq!(serde_json::to_value(status).unwrap(), named.code.as_str());
        }
    }
}
