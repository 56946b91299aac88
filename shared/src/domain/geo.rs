//! Points on the Earth: where a reporter was when reporting, where a photo claims it was taken.

use serde::{Deserialize, Serialize};

/// A WGS-84 position in degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Location {
    pub lat: f64,
    pub lng: f64,
}

/// Metres between two points on the Earth (haversine, mean radius): the photo's claimed position
/// and the reported address's, to the metre a reader needs.
pub fn distance_m(a: &Location, b: &Location) -> u64 {
    const EARTH_RADIUS_M: f64 = 6_371_008.8;
    let (lat1, lat2) = (a.lat.to_radians(), b.lat.to_radians());
    let dlat = lat2 - lat1;
    let dlng = (b.lng - a.lng).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlng / 2.0).sin().powi(2);
    let metres = 2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin();
    // A distance, finite and non-negative by construction; rounded to whole metres.
    metres.round().max(0.0) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_are_in_metres() {
        let a = Location {
            lat: 30.54,
            lng: 114.33,
        };
        assert_eq!(distance_m(&a, &a), 0);
        // One thousandth of a degree of latitude is about 111 m.
        let b = Location {
            lat: 30.541,
            lng: 114.33,
        };
        assert_eq!(distance_m(&a, &b), 111);
    }
}
