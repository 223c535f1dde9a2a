//! Time, in one place: timestamps as CIs write them (RFC 3339, Unix seconds or milliseconds),
//! UTC offsets (the `timezone` setting), the time between two instants, and a duration in words
//! (`4 分 36 秒`, `4m 36s`) from the phrase catalog.

use crate::summary::catalog::{self, Lang};

/// Seconds since the epoch of an RFC 3339 / ISO 8601 UTC-or-offset timestamp
/// (`2024-06-11T09:18:42Z`, `2024-06-11T09:18:42.123+08:00`).
#[allow(clippy::many_single_char_names, reason = "the fields of a date and time, named as RFC 3339 names them")]
pub fn parse_rfc3339(s: &str) -> Option<u64> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        rest = frac.trim_start_matches(|c: char| c.is_ascii_digit());
    }
    let offset = match rest {
        "Z" | "z" | "" => 0,
        _ => {
            let sign = match rest.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let hm = rest[1..].replace(':', "");
            if hm.len() != 4 || !hm.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            sign * (hm[..2].parse::<i64>().ok()? * 3600 + hm[2..].parse::<i64>().ok()? * 60)
        }
    };
    // Days from civil (Howard Hinnant's algorithm).
    let y = if mo <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (mo + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    u64::try_from(days * 86_400 + h * 3600 + mi * 60 + sec - offset).ok()
}

/// RFC 3339 UTC text of seconds since the epoch.
pub fn format_rfc3339(secs: u64) -> String {
    let days = (secs / 86_400).cast_signed();
    let rem = secs % 86_400;
    // Civil from days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// Seconds from `start` to `end`, or to `now` when the run has not finished (the notifier runs
/// inside it). `None` when the start is unknown or the clock says the run has not started.
pub fn interval(start: Option<u64>, end: Option<u64>, now: u64) -> Option<u64> {
    let start = start.filter(|&s| s > 0)?;
    let end = end.filter(|&e| e >= start).unwrap_or(now);
    end.checked_sub(start)
}

/// Unix time in seconds or milliseconds (Jenkins' `startTimeInMillis`): a value from 10^11 up
/// is taken as milliseconds (in seconds that would be the year 5138). `0`, what CIs leave in a
/// time they do not know, is none.
pub fn parse_epoch(s: &str) -> Option<u64> {
    match s.trim().parse::<u64>().ok()? {
        0 => None,
        ms if ms >= 100_000_000_000 => Some(ms / 1000),
        secs => Some(secs),
    }
}

/// A UTC offset in minutes east, from `+08:00`, `+0800`, `+8`, `-03:30`, `UTC+8`, `GMT-5`, `Z`
/// or `UTC`; at most 14 hours, as real offsets are.
pub fn parse_offset(s: &str) -> Option<i32> {
    let raw = s.trim().to_ascii_uppercase();
    let raw = raw.strip_prefix("UTC").or_else(|| raw.strip_prefix("GMT")).unwrap_or(&raw);
    if raw.is_empty() || raw == "Z" {
        return Some(0);
    }
    let (sign, rest) = match raw.as_bytes()[0] {
        b'+' => (1, &raw[1..]),
        b'-' => (-1, &raw[1..]),
        _ => return None,
    };
    let (h, m) = match rest.split_once(':') {
        Some((h, m)) => (h, m),
        None if rest.len() == 4 => rest.split_at(2),
        None => (rest, "0"),
    };
    let digits = |s: &str| {
        (!s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<i32>().ok())
            .flatten()
    };
    match (digits(h)?, digits(m)?) {
        (h, m) if h <= 14 && m < 60 => Some(sign * (h * 60 + m)),
        _ => None,
    }
}

/// The zones taken by name, each with its one offset in minutes east: zones that keep no
/// daylight saving time (tz database), so that a name means the same offset all year. Others
/// (`America/New_York`, `Europe/Berlin`) change it, which one offset cannot show.
const FIXED_ZONES: &[(&str, i32)] = &[
    ("Asia/Shanghai", 480),
    ("Asia/Chongqing", 480),
    ("Asia/Harbin", 480),
    ("PRC", 480),
    ("Asia/Urumqi", 360),
    ("Asia/Hong_Kong", 480),
    ("Asia/Macau", 480),
    ("Asia/Taipei", 480),
    ("Asia/Singapore", 480),
    ("Asia/Tokyo", 540),
    ("Asia/Seoul", 540),
    ("UTC", 0),
    ("Etc/UTC", 0),
];

/// The offset of a zone named in [`FIXED_ZONES`], in any case.
pub fn fixed_zone(name: &str) -> Option<i32> {
    let name = name.trim();
    FIXED_ZONES.iter().find(|(zone, _)| zone.eq_ignore_ascii_case(name)).map(|(_, minutes)| *minutes)
}

/// `2024-06-11 17:18`: seconds since the epoch as a wall-clock time at `utc_offset` minutes east.
pub fn local(secs: u64, utc_offset: i32) -> Option<String> {
    let t = format_rfc3339(secs.checked_add_signed(i64::from(utc_offset) * 60)?);
    Some(format!("{} {}", &t[..10], &t[11..16]))
}

/// A duration in the language: `2 分 5 秒`, `1 天 3 小时`; `2m 5s`, `1d 3h`. The two largest
/// units, the smaller left out when it is zero.
pub fn in_words(lang: Lang, secs: u64) -> String {
    let (d, h, m, s) = (secs / 86_400, secs % 86_400 / 3600, secs % 3600 / 60, secs % 60);
    let (big, small) = match (d, h, m) {
        (0, 0, 0) => ((s, "time.second"), None),
        (0, 0, _) => ((m, "time.minute"), Some((s, "time.second"))),
        (0, _, _) => ((h, "time.hour"), Some((m, "time.minute"))),
        _ => ((d, "time.day"), Some((h, "time.hour"))),
    };
    let word = |(n, key): (u64, &str)| {
        let phrase = catalog::phrase(lang, key).unwrap_or("{n}");
        catalog::fill(phrase, |name, _| (name == "n").then(|| n.to_string()))
    };
    match small.filter(|(n, _)| *n > 0) {
        Some(small) => format!("{} {}", word(big), word(small)),
        None if big.1 == "time.minute" => word((big.0, "time.minute.alone")),
        None => word(big),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_round_trips_and_honours_offsets() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339("2024-06-11T09:18:42Z"), Some(1_718_097_522));
        assert_eq!(parse_rfc3339("2024-06-11T17:18:42.5+08:00"), Some(1_718_097_522));
        assert_eq!(parse_rfc3339("2024-02-29T00:00:00-01:30"), Some(1_709_170_200));
        assert_eq!(format_rfc3339(1_718_097_522), "2024-06-11T09:18:42Z");
        assert_eq!(format_rfc3339(1_709_170_200), "2024-02-29T01:30:00Z");
        // Not a time, and no panic either: non-ASCII where digits belong (a char boundary inside
        // the offset once panicked, and panic = "abort" ends the job whatever fail_on_error says).
        let odd =
            ["2024-06-11T09:18:42+1é1", "2024-06-11T09:18:42+é:1", "2024-06-11T09:1é:42Z", "２０２４-06-11T09:18:42Z"];
        for bad in ["", "2024-13-01T00:00:00Z", "yesterday", "2024-06-11T09:18:42+8"].into_iter().chain(odd) {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }

    #[test]
    fn duration_runs_to_now_when_the_build_has_not_finished() {
        assert_eq!(interval(Some(100), Some(160), 999), Some(60));
        assert_eq!(interval(Some(100), None, 400), Some(300));
        assert_eq!(interval(Some(100), Some(50), 130), Some(30), "an end before the start is ignored");
        assert_eq!(interval(Some(0), None, 400), None, "Woodpecker's 0 timestamps are unknown");
        assert_eq!(interval(None, Some(5), 400), None);
    }

    #[test]
    fn epochs_in_seconds_or_milliseconds() {
        assert_eq!(parse_epoch("1718097249"), Some(1_718_097_249));
        assert_eq!(parse_epoch(" 1718097249123 "), Some(1_718_097_249));
        assert_eq!(parse_epoch("0"), None, "what CIs leave in a time they do not know");
        assert_eq!(parse_epoch("-5"), None);
        assert_eq!(parse_epoch("soon"), None);
    }

    #[test]
    fn offsets_in_every_form_people_write() {
        for (given, minutes) in
            [("+08:00", 480), ("+0800", 480), ("UTC+8", 480), ("gmt-5", -300), ("-03:30", -210), ("Z", 0), ("UTC", 0)]
        {
            assert_eq!(parse_offset(given), Some(minutes), "{given}");
        }
        for bad in ["Asia/Nowhere", "+15:00", "+08:60", "8", "+", "+１"] {
            assert_eq!(parse_offset(bad), None, "{bad}");
        }
        assert_eq!(local(1_718_097_522, 480).as_deref(), Some("2024-06-11 17:18"));
        assert_eq!(local(0, -60), None, "before the epoch");
    }

    #[test]
    fn durations_read_naturally_in_both_languages() {
        let cases = [
            (12, "12s", "12 秒"),
            (120, "2m", "2 分钟"),
            (125, "2m 5s", "2 分 5 秒"),
            (3723, "1h 2m", "1 小时 2 分"),
            (3600, "1h", "1 小时"),
            (97_200, "1d 3h", "1 天 3 小时"),
            (78_033_300, "903d 3h", "903 天 3 小时"),
        ];
        for (secs, en, zh) in cases {
            assert_eq!(in_words(Lang::En, secs), en, "{secs}");
            assert_eq!(in_words(Lang::ZhCn, secs), zh, "{secs}");
        }
    }
}
