//! A province's agency directory file (`agencies.csv`): which office serves which county and
//! department, its duty phones for SMS and its public complaint phone, development zones' offices.

use super::{Agency, Directory, ZoneOffice};
use crate::domain::directory::catalog::Catalog;
use serde::Deserialize;

impl Directory {
    /// Loads an agency directory: `region,department,agency_id,agency_name,phones[,public_phone[,zone]]`
    /// with region codes, duty phones (SMS) separated by `;`, and the public complaint phone. Rows
    /// name agencies explicitly (one agency may serve several regions or departments, with any
    /// id); pairs not listed follow the default rule. A row with a `zone` is a `ZoneOffice` of
    /// that zone within the county `region`.
    pub fn with_agencies_csv(mut self, text: &str) -> Result<Directory, String> {
        // Borrowed from the record: only what the directory keeps is copied.
        #[derive(Deserialize)]
        struct Row<'a> {
            region: &'a str,
            department: &'a str,
            agency_id: &'a str,
            agency_name: &'a str,
            #[serde(default)]
            phones: &'a str,
            #[serde(default)]
            public_phone: &'a str,
            #[serde(default)]
            zone: &'a str,
        }
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let headers = reader.headers().map_err(|e| format!("agencies header: {e}"))?.clone();
        let mut record = csv::StringRecord::new();
        // The file line of the record read (the header is line 1).
        let mut line = 1;
        while reader
            .read_record(&mut record)
            .map_err(|e| format!("agencies line {}: {e}", line + 1))?
        {
            line += 1;
            let row: Row = record
                .deserialize(Some(&headers))
                .map_err(|e| format!("agencies line {line}: {e}"))?;
            if self.regions.get(row.region).is_none() || Catalog::get().department(row.department).is_none() {
                return Err(format!(
                    "agencies line {}: unknown region {} or department {}",
                    line, row.region, row.department
                ));
            }
            let phones = row
                .phones
                .split(';')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect();
            let public_phone = Some(row.public_phone.trim().to_owned()).filter(|p| !p.is_empty());
            if row.agency_id.trim().is_empty() || row.agency_name.trim().is_empty() {
                return Err(format!("agencies line {line}: an agency needs an id and a name"));
            }
            let agency = Agency {
                id: row.agency_id.to_owned(),
                name: row.agency_name.to_owned(),
                phones,
                public_phone,
            };
            // One id is one office: the same id must carry the same name wherever it serves.
            if let Some(other) = self.all_agencies().find(|a| a.id == agency.id && a.name != agency.name) {
                return Err(format!(
                    "agencies line {}: {} is both {} and {}",
                    line, agency.id, other.name, agency.name
                ));
            }
            let zone = row.zone.trim();
            if zone.is_empty() {
                self.explicit
                    .insert((row.region.to_owned(), row.department.to_owned()), agency);
            } else {
                self.zones.push(ZoneOffice {
                    zone: zone.to_owned(),
                    region: row.region.to_owned(),
                    department: row.department.to_owned(),
                    agency,
                });
            }
        }
        Ok(self)
    }
}
