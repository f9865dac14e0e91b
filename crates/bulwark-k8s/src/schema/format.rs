//! Checks for the `format` values of Kubernetes schemas, as the API server decodes them.

/// Standard base64 with padding, as Go's `encoding/json` decodes `[]byte` (`\r` and `\n` are
/// skipped).
pub(crate) fn is_base64(s: &str) -> bool {
    let mut len = 0usize;
    let mut padding = 0usize;
    for b in s.bytes() {
        match b {
            b'\r' | b'\n' => continue,
            b'=' => padding += 1,
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/' if padding == 0 => {}
            _ => return false,
        }
        len += 1;
    }
    len.is_multiple_of(4) && padding <= 2
}

/// An RFC 3339 date-time (`2024-01-02T03:04:05Z`, `2024-01-02T03:04:05.123+02:00`).
pub(crate) fn is_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |from: usize, n: usize| {
        b.get(from..from + n)
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
    };
    let num = |from: usize, n: usize| -> u32 {
        b[from..from + n]
            .iter()
            .fold(0, |acc, d| acc * 10 + u32::from(d - b'0'))
    };
    if b.len() < 20
        || !(digits(0, 4) && digits(5, 2) && digits(8, 2) && digits(11, 2))
        || !(digits(14, 2) && digits(17, 2))
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't')
        || b[13] != b':'
        || b[16] != b':'
    {
        return false;
    }
    let (month, day, hour, minute, second) =
        (num(5, 2), num(8, 2), num(11, 2), num(14, 2), num(17, 2));
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return false;
    }
    if second > 60 {
        return false;
    }
    let mut i = 19;
    if b[i] == b'.' {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    match b.get(i) {
        Some(b'Z' | b'z') => i + 1 == b.len(),
        Some(b'+' | b'-') => {
            i + 6 == b.len()
                && digits(i + 1, 2)
                && b[i + 3] == b':'
                && digits(i + 4, 2)
                && num(i + 1, 2) <= 23
                && num(i + 4, 2) <= 59
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_needs_padding_and_the_standard_alphabet() {
        assert!(is_base64("aGVsbG8="));
        assert!(is_base64("aGVs\nbG8="));
        assert!(is_base64(""));
        assert!(!is_base64("aGVsbG8"));
        assert!(!is_base64("aGVs_G8="));
        assert!(!is_base64("aG=sbG8="));
    }

    #[test]
    fn rfc3339_date_times() {
        assert!(is_rfc3339("2024-01-02T03:04:05Z"));
        assert!(is_rfc3339("2024-01-02T03:04:05.123456+02:00"));
        assert!(!is_rfc3339("2024-01-02 03:04:05Z"));
        assert!(!is_rfc3339("2024-13-02T03:04:05Z"));
        assert!(!is_rfc3339("2024-01-02T03:04:05"));
        assert!(!is_rfc3339("yesterday"));
    }
}
