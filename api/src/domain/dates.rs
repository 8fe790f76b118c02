//! Dates as a Vietnamese reader sees them.

use chrono::{DateTime, Datelike, Timelike, Weekday};
use chrono_tz::Tz;

/// "Thứ Ba, 20/09/2022 13:00": the weekday in Vietnamese, then day/month/year and the time,
/// as printed on the portal's article pages.
pub fn display_vi(at: &DateTime<Tz>) -> String {
    let weekday = match at.weekday() {
        Weekday::Mon => "Thứ Hai",
        Weekday::Tue => "Thứ Ba",
        Weekday::Wed => "Thứ Tư",
        Weekday::Thu => "Thứ Năm",
        Weekday::Fri => "Thứ Sáu",
        Weekday::Sat => "Thứ Bảy",
        Weekday::Sun => "Chủ Nhật",
    };
    format!("{weekday}, {:02}/{:02}/{} {:02}:{:02}", at.day(), at.month(), at.year(), at.hour(), at.minute())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use chrono_tz::Asia::Ho_Chi_Minh;

    #[test]
    fn reference_page_date_is_rendered_like_the_portal() {
        let utc = chrono::Utc.with_ymd_and_hms(2022, 9, 20, 6, 0, 0).single().expect("valid date");
        assert_eq!(display_vi(&utc.with_timezone(&Ho_Chi_Minh)), "Thứ Ba, 20/09/2022 13:00");
    }

    #[test]
    fn every_weekday_has_its_vietnamese_name() {
        let names: Vec<String> = (18..=24)
            .map(|day| {
                let at = Ho_Chi_Minh.with_ymd_and_hms(2022, 9, day, 8, 5, 0).single().expect("valid date");
                display_vi(&at).split(',').next().unwrap_or_default().to_owned()
            })
            .collect();
        assert_eq!(names, ["Chủ Nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"]);
    }
}
