//! CVSS base scores computed from vectors: v2, v3.0, v3.1 (the specification formulas) and
//! v4.0 (FIRST's macro-vector lookup with severity-distance interpolation). Threat and
//! environmental metrics of v4.0 vectors are honoured; v2/v3 temporal and environmental
//! metrics are accepted and do not change the base score.

use bulwark_core::Severity;

/// A scored vector: version (`2.0`, `3.0`, `3.1`, `4.0`), vector, base score, rating.
pub use bulwark_core::CvssInfo as CvssScore;

/// Scores a CVSS vector of any supported version.
pub fn score_vector(vector: &str) -> Result<CvssScore, String> {
    let v = vector.trim();
    let (version, score) = if let Some(rest) = v.strip_prefix("CVSS:4.0/") {
        ("4.0", v4(rest)?)
    } else if let Some(rest) = v.strip_prefix("CVSS:3.1/") {
        ("3.1", v3(rest, true)?)
    } else if let Some(rest) = v.strip_prefix("CVSS:3.0/") {
        ("3.0", v3(rest, false)?)
    } else {
        let rest = v.strip_prefix("CVSS:2.0/").unwrap_or(v);
        let rest = rest.trim_start_matches('(').trim_end_matches(')');
        ("2.0", v2(rest)?)
    };
    let severity = if version == "2.0" {
        match score {
            0.0 => Severity::Info,
            s if s < 4.0 => Severity::Low,
            s if s < 7.0 => Severity::Medium,
            _ => Severity::High,
        }
    } else {
        severity_of(score)
    };
    Ok(CvssScore {
        version: version.to_owned(),
        vector: v.to_owned(),
        base_score: score,
        severity,
    })
}

/// The qualitative rating of a v3/v4 score.
pub fn severity_of(score: f64) -> Severity {
    match score {
        0.0 => Severity::Info,
        s if s < 4.0 => Severity::Low,
        s if s < 7.0 => Severity::Medium,
        s if s < 9.0 => Severity::High,
        _ => Severity::Critical,
    }
}

/// `METRIC:VALUE` pairs; duplicate metrics and malformed parts are errors.
fn metrics(rest: &str) -> Result<Vec<(&str, &str)>, String> {
    let mut out: Vec<(&str, &str)> = Vec::new();
    for part in rest.split('/').filter(|p| !p.is_empty()) {
        let (k, v) = part
            .split_once(':')
            .ok_or_else(|| format!("`{part}` is not METRIC:VALUE"))?;
        if out.iter().any(|(m, _)| *m == k) {
            return Err(format!("metric `{k}` is given twice"));
        }
        out.push((k, v));
    }
    Ok(out)
}

fn weight(m: &[(&str, &str)], key: &str, table: &[(&str, f64)]) -> Result<f64, String> {
    let v = m
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, v)| *v)
        .ok_or_else(|| format!("base metric `{key}` is missing"))?;
    table
        .iter()
        .find(|(name, _)| *name == v)
        .map(|(_, w)| *w)
        .ok_or_else(|| format!("`{key}:{v}` is not a valid value"))
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn v2(rest: &str) -> Result<f64, String> {
    let m = metrics(rest)?;
    let av = weight(&m, "AV", &[("L", 0.395), ("A", 0.646), ("N", 1.0)])?;
    let ac = weight(&m, "AC", &[("H", 0.35), ("M", 0.61), ("L", 0.71)])?;
    let au = weight(&m, "Au", &[("M", 0.45), ("S", 0.56), ("N", 0.704)])?;
    let cia = [("N", 0.0), ("P", 0.275), ("C", 0.660)];
    let (c, i, a) = (
        weight(&m, "C", &cia)?,
        weight(&m, "I", &cia)?,
        weight(&m, "A", &cia)?,
    );
    let impact = 10.41 * (1.0 - (1.0 - c) * (1.0 - i) * (1.0 - a));
    let exploitability = 20.0 * av * ac * au;
    let f = if impact == 0.0 { 0.0 } else { 1.176 };
    Ok(round1(((0.6 * impact) + (0.4 * exploitability) - 1.5) * f).max(0.0))
}

/// CVSS v3.1 Roundup: the smallest one-decimal number not below `x`, computed on integers
/// so that 4.0000001 is not taken for 4.1.
fn roundup_31(x: f64) -> f64 {
    let i = (x * 100_000.0).round() as i64;
    if i % 10_000 == 0 {
        i as f64 / 100_000.0
    } else {
        ((i / 10_000) + 1) as f64 / 10.0
    }
}

fn roundup_30(x: f64) -> f64 {
    (x * 10.0).ceil() / 10.0
}

fn v3(rest: &str, v31: bool) -> Result<f64, String> {
    let m = metrics(rest)?;
    let scope_changed = weight(&m, "S", &[("U", 0.0), ("C", 1.0)])? == 1.0;
    let av = weight(
        &m,
        "AV",
        &[("N", 0.85), ("A", 0.62), ("L", 0.55), ("P", 0.2)],
    )?;
    let ac = weight(&m, "AC", &[("L", 0.77), ("H", 0.44)])?;
    let pr = if scope_changed {
        weight(&m, "PR", &[("N", 0.85), ("L", 0.68), ("H", 0.5)])?
    } else {
        weight(&m, "PR", &[("N", 0.85), ("L", 0.62), ("H", 0.27)])?
    };
    let ui = weight(&m, "UI", &[("N", 0.85), ("R", 0.62)])?;
    let cia = [("H", 0.56), ("L", 0.22), ("N", 0.0)];
    let (c, i, a) = (
        weight(&m, "C", &cia)?,
        weight(&m, "I", &cia)?,
        weight(&m, "A", &cia)?,
    );
    let iss = 1.0 - (1.0 - c) * (1.0 - i) * (1.0 - a);
    let impact = if scope_changed {
        7.52 * (iss - 0.029) - 3.25 * (iss - 0.02).powi(15)
    } else {
        6.42 * iss
    };
    let exploitability = 8.22 * av * ac * pr * ui;
    if impact <= 0.0 {
        return Ok(0.0);
    }
    let raw = if scope_changed {
        (1.08 * (impact + exploitability)).min(10.0)
    } else {
        (impact + exploitability).min(10.0)
    };
    Ok(if v31 {
        roundup_31(raw)
    } else {
        roundup_30(raw)
    })
}

/// CVSS v4.0 macro-vector scores (FIRST's reference lookup table).
const V4_LOOKUP: &[(&str, f64)] = &[
    ("000000", 10.0),
    ("000001", 9.9),
    ("000010", 9.8),
    ("000011", 9.5),
    ("000020", 9.5),
    ("000021", 9.2),
    ("000100", 10.0),
    ("000101", 9.6),
    ("000110", 9.3),
    ("000111", 8.7),
    ("000120", 9.1),
    ("000121", 8.1),
    ("000200", 9.3),
    ("000201", 9.0),
    ("000210", 8.9),
    ("000211", 8.0),
    ("000220", 8.1),
    ("000221", 6.8),
    ("001000", 9.8),
    ("001001", 9.5),
    ("001010", 9.5),
    ("001011", 9.2),
    ("001020", 9.0),
    ("001021", 8.4),
    ("001100", 9.3),
    ("001101", 9.2),
    ("001110", 8.9),
    ("001111", 8.1),
    ("001120", 8.1),
    ("001121", 6.5),
    ("001200", 8.8),
    ("001201", 8.0),
    ("001210", 7.8),
    ("001211", 7.0),
    ("001220", 6.9),
    ("001221", 4.8),
    ("002001", 9.2),
    ("002011", 8.2),
    ("002021", 7.2),
    ("002101", 7.9),
    ("002111", 6.9),
    ("002121", 5.0),
    ("002201", 6.9),
    ("002211", 5.5),
    ("002221", 2.7),
    ("010000", 9.9),
    ("010001", 9.7),
    ("010010", 9.5),
    ("010011", 9.2),
    ("010020", 9.2),
    ("010021", 8.5),
    ("010100", 9.5),
    ("010101", 9.1),
    ("010110", 9.0),
    ("010111", 8.3),
    ("010120", 8.4),
    ("010121", 7.1),
    ("010200", 9.2),
    ("010201", 8.1),
    ("010210", 8.2),
    ("010211", 7.1),
    ("010220", 7.2),
    ("010221", 5.3),
    ("011000", 9.5),
    ("011001", 9.3),
    ("011010", 9.2),
    ("011011", 8.5),
    ("011020", 8.5),
    ("011021", 7.3),
    ("011100", 9.2),
    ("011101", 8.2),
    ("011110", 8.0),
    ("011111", 7.2),
    ("011120", 7.0),
    ("011121", 5.9),
    ("011200", 8.4),
    ("011201", 7.0),
    ("011210", 7.1),
    ("011211", 5.2),
    ("011220", 5.0),
    ("011221", 3.0),
    ("012001", 8.6),
    ("012011", 7.5),
    ("012021", 5.2),
    ("012101", 7.1),
    ("012111", 5.2),
    ("012121", 2.9),
    ("012201", 6.3),
    ("012211", 2.9),
    ("012221", 1.7),
    ("100000", 9.8),
    ("100001", 9.5),
    ("100010", 9.4),
    ("100011", 8.7),
    ("100020", 9.1),
    ("100021", 8.1),
    ("100100", 9.4),
    ("100101", 8.9),
    ("100110", 8.6),
    ("100111", 7.4),
    ("100120", 7.7),
    ("100121", 6.4),
    ("100200", 8.7),
    ("100201", 7.5),
    ("100210", 7.4),
    ("100211", 6.3),
    ("100220", 6.3),
    ("100221", 4.9),
    ("101000", 9.4),
    ("101001", 8.9),
    ("101010", 8.8),
    ("101011", 7.7),
    ("101020", 7.6),
    ("101021", 6.7),
    ("101100", 8.6),
    ("101101", 7.6),
    ("101110", 7.4),
    ("101111", 5.8),
    ("101120", 5.9),
    ("101121", 5.0),
    ("101200", 7.2),
    ("101201", 5.7),
    ("101210", 5.7),
    ("101211", 5.2),
    ("101220", 5.2),
    ("101221", 2.5),
    ("102001", 8.3),
    ("102011", 7.0),
    ("102021", 5.4),
    ("102101", 6.5),
    ("102111", 5.8),
    ("102121", 2.6),
    ("102201", 5.3),
    ("102211", 2.1),
    ("102221", 1.3),
    ("110000", 9.5),
    ("110001", 9.0),
    ("110010", 8.8),
    ("110011", 7.6),
    ("110020", 7.6),
    ("110021", 7.0),
    ("110100", 9.0),
    ("110101", 7.7),
    ("110110", 7.5),
    ("110111", 6.2),
    ("110120", 6.1),
    ("110121", 5.3),
    ("110200", 7.7),
    ("110201", 6.6),
    ("110210", 6.8),
    ("110211", 5.9),
    ("110220", 5.2),
    ("110221", 3.0),
    ("111000", 8.9),
    ("111001", 7.8),
    ("111010", 7.6),
    ("111011", 6.7),
    ("111020", 6.2),
    ("111021", 5.8),
    ("111100", 7.4),
    ("111101", 5.9),
    ("111110", 5.7),
    ("111111", 5.7),
    ("111120", 4.7),
    ("111121", 2.3),
    ("111200", 6.1),
    ("111201", 5.2),
    ("111210", 5.7),
    ("111211", 2.9),
    ("111220", 2.4),
    ("111221", 1.6),
    ("112001", 7.1),
    ("112011", 5.9),
    ("112021", 3.0),
    ("112101", 5.8),
    ("112111", 2.6),
    ("112121", 1.5),
    ("112201", 2.3),
    ("112211", 1.3),
    ("112221", 0.6),
    ("200000", 9.3),
    ("200001", 8.7),
    ("200010", 8.6),
    ("200011", 7.2),
    ("200020", 7.5),
    ("200021", 5.8),
    ("200100", 8.6),
    ("200101", 7.4),
    ("200110", 7.4),
    ("200111", 6.1),
    ("200120", 5.6),
    ("200121", 3.4),
    ("200200", 7.0),
    ("200201", 5.4),
    ("200210", 5.2),
    ("200211", 4.0),
    ("200220", 4.0),
    ("200221", 2.2),
    ("201000", 8.5),
    ("201001", 7.5),
    ("201010", 7.4),
    ("201011", 5.5),
    ("201020", 6.2),
    ("201021", 5.1),
    ("201100", 7.2),
    ("201101", 5.7),
    ("201110", 5.5),
    ("201111", 4.1),
    ("201120", 4.6),
    ("201121", 1.9),
    ("201200", 5.3),
    ("201201", 3.6),
    ("201210", 3.4),
    ("201211", 1.9),
    ("201220", 1.9),
    ("201221", 0.8),
    ("202001", 6.4),
    ("202011", 5.1),
    ("202021", 2.0),
    ("202101", 4.7),
    ("202111", 2.1),
    ("202121", 1.1),
    ("202201", 2.4),
    ("202211", 0.9),
    ("202221", 0.4),
    ("210000", 8.8),
    ("210001", 7.5),
    ("210010", 7.3),
    ("210011", 5.3),
    ("210020", 6.0),
    ("210021", 5.0),
    ("210100", 7.3),
    ("210101", 5.5),
    ("210110", 5.9),
    ("210111", 4.0),
    ("210120", 4.1),
    ("210121", 2.0),
    ("210200", 5.4),
    ("210201", 4.3),
    ("210210", 4.5),
    ("210211", 2.2),
    ("210220", 2.0),
    ("210221", 1.1),
    ("211000", 7.5),
    ("211001", 5.5),
    ("211010", 5.8),
    ("211011", 4.5),
    ("211020", 4.0),
    ("211021", 2.1),
    ("211100", 6.1),
    ("211101", 5.1),
    ("211110", 4.8),
    ("211111", 1.8),
    ("211120", 2.0),
    ("211121", 0.9),
    ("211200", 4.6),
    ("211201", 1.8),
    ("211210", 1.7),
    ("211211", 0.7),
    ("211220", 0.8),
    ("211221", 0.2),
    ("212001", 5.3),
    ("212011", 2.4),
    ("212021", 1.4),
    ("212101", 2.4),
    ("212111", 1.2),
    ("212121", 0.5),
    ("212201", 1.0),
    ("212211", 0.3),
    ("212221", 0.1),
];

/// The highest-severity vectors of each macro-vector level, per equivalence class (FIRST).
const EQ1_MAX: [&[&str]; 3] = [
    &["AV:N/PR:N/UI:N/"],
    &["AV:A/PR:N/UI:N/", "AV:N/PR:L/UI:N/", "AV:N/PR:N/UI:P/"],
    &["AV:P/PR:N/UI:N/", "AV:A/PR:L/UI:P/"],
];
const EQ2_MAX: [&[&str]; 2] = [&["AC:L/AT:N/"], &["AC:H/AT:N/", "AC:L/AT:P/"]];
/// Indexed by eq3 then eq6 (eq3 = 2 exists only with eq6 = 1).
const EQ3_EQ6_MAX: [[&[&str]; 2]; 3] = [
    [
        &["VC:H/VI:H/VA:H/CR:H/IR:H/AR:H/"],
        &[
            "VC:H/VI:H/VA:L/CR:M/IR:M/AR:H/",
            "VC:H/VI:H/VA:H/CR:M/IR:M/AR:M/",
        ],
    ],
    [
        &[
            "VC:L/VI:H/VA:H/CR:H/IR:H/AR:H/",
            "VC:H/VI:L/VA:H/CR:H/IR:H/AR:H/",
        ],
        &[
            "VC:L/VI:H/VA:L/CR:H/IR:M/AR:H/",
            "VC:L/VI:H/VA:H/CR:H/IR:M/AR:M/",
            "VC:H/VI:L/VA:H/CR:M/IR:H/AR:M/",
            "VC:H/VI:L/VA:L/CR:M/IR:H/AR:H/",
            "VC:L/VI:L/VA:H/CR:H/IR:H/AR:M/",
        ],
    ],
    [&[], &["VC:L/VI:L/VA:L/CR:H/IR:H/AR:H/"]],
];
const EQ4_MAX: [&[&str]; 3] = [
    &["SC:H/SI:S/SA:S/"],
    &["SC:H/SI:H/SA:H/"],
    &["SC:L/SI:L/SA:L/"],
];
const EQ5_MAX: [&[&str]; 3] = [&["E:A/"], &["E:P/"], &["E:U/"]];

/// Largest severity distance inside each macro-vector level, in steps of 0.1.
const EQ1_DEPTH: [f64; 3] = [1.0, 4.0, 5.0];
const EQ2_DEPTH: [f64; 2] = [1.0, 2.0];
const EQ3_EQ6_DEPTH: [[f64; 2]; 3] = [[7.0, 6.0], [8.0, 8.0], [0.0, 10.0]];
const EQ4_DEPTH: [f64; 3] = [6.0, 5.0, 4.0];

const V4_VALUES: &[(&str, &str)] = &[
    ("AV", "NALP"),
    ("AC", "LH"),
    ("AT", "NP"),
    ("PR", "NLH"),
    ("UI", "NPA"),
    ("VC", "HLN"),
    ("VI", "HLN"),
    ("VA", "HLN"),
    ("SC", "HLN"),
    ("SI", "HLN"),
    ("SA", "HLN"),
    ("E", "XAPU"),
    ("CR", "XHML"),
    ("IR", "XHML"),
    ("AR", "XHML"),
    ("MAV", "XNALP"),
    ("MAC", "XLH"),
    ("MAT", "XNP"),
    ("MPR", "XNLH"),
    ("MUI", "XNPA"),
    ("MVC", "XHLN"),
    ("MVI", "XHLN"),
    ("MVA", "XHLN"),
    ("MSC", "XHLN"),
    ("MSI", "XSHLN"),
    ("MSA", "XSHLN"),
];

/// The distance of a metric value from the most severe one.
fn level(metric: &str, value: &str) -> f64 {
    match (metric, value) {
        ("AV", "N") | ("PR", "N") | ("UI", "N") | ("AC", "L") | ("AT", "N") => 0.0,
        ("AV", "A") | ("PR", "L") | ("UI", "P") | ("AC", "H") | ("AT", "P") => 0.1,
        ("AV", "L") | ("PR", "H") | ("UI", "A") => 0.2,
        ("AV", "P") => 0.3,
        ("VC" | "VI" | "VA" | "CR" | "IR" | "AR", "H") => 0.0,
        ("VC" | "VI" | "VA", "L") | ("CR" | "IR" | "AR", "M") => 0.1,
        ("VC" | "VI" | "VA", "N") | ("CR" | "IR" | "AR", "L") => 0.2,
        ("SI" | "SA", "S") => 0.0,
        ("SC" | "SI" | "SA", "H") => 0.1,
        ("SC" | "SI" | "SA", "L") => 0.2,
        ("SC" | "SI" | "SA", "N") => 0.3,
        ("E", "A") => 0.0,
        ("E", "P") => 0.1,
        ("E", "U") => 0.2,
        _ => 0.0,
    }
}

fn v4_lookup(key: [usize; 6]) -> Option<f64> {
    let k: String = key.iter().map(|d| char::from(b'0' + *d as u8)).collect();
    V4_LOOKUP.iter().find(|(m, _)| *m == k).map(|(_, s)| *s)
}

fn v4(rest: &str) -> Result<f64, String> {
    let m = metrics(rest)?;
    for (k, v) in &m {
        let Some((_, allowed)) = V4_VALUES.iter().find(|(name, _)| name == k) else {
            continue; // supplemental metrics (S, AU, R, V, RE, U) do not score
        };
        if v.len() != 1 || !allowed.contains(v) {
            return Err(format!("`{k}:{v}` is not a valid value"));
        }
    }
    for base in [
        "AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA",
    ] {
        if !m.iter().any(|(k, _)| *k == base) {
            return Err(format!("base metric `{base}` is missing"));
        }
    }
    let raw = |k: &str| m.iter().find(|(n, _)| *n == k).map_or("X", |(_, v)| *v);
    // Effective value: the modified metric when set, else the base; threat and
    // requirements default to their worst case.
    let eff = |k: &str| -> &str {
        let modified = raw(&format!("M{k}"));
        if !["E", "CR", "IR", "AR"].contains(&k) && modified != "X" {
            return modified;
        }
        match (k, raw(k)) {
            ("E", "X") => "A",
            ("CR" | "IR" | "AR", "X") => "H",
            (_, v) => v,
        }
    };
    if ["VC", "VI", "VA", "SC", "SI", "SA"]
        .iter()
        .all(|k| eff(k) == "N")
    {
        return Ok(0.0);
    }
    let (av, pr, ui) = (eff("AV"), eff("PR"), eff("UI"));
    let eq1 = if av == "N" && pr == "N" && ui == "N" {
        0
    } else if (av == "N" || pr == "N" || ui == "N") && av != "P" {
        1
    } else {
        2
    };
    let eq2 = if eff("AC") == "L" && eff("AT") == "N" {
        0
    } else {
        1
    };
    let (vc, vi, va) = (eff("VC"), eff("VI"), eff("VA"));
    let eq3 = if vc == "H" && vi == "H" {
        0
    } else if vc == "H" || vi == "H" || va == "H" {
        1
    } else {
        2
    };
    let eq4 = if eff("SI") == "S" || eff("SA") == "S" {
        0
    } else if eff("SC") == "H" || eff("SI") == "H" || eff("SA") == "H" {
        1
    } else {
        2
    };
    let eq5 = match eff("E") {
        "A" => 0,
        "P" => 1,
        _ => 2,
    };
    let eq6 = if (eff("CR") == "H" && vc == "H")
        || (eff("IR") == "H" && vi == "H")
        || (eff("AR") == "H" && va == "H")
    {
        0
    } else {
        1
    };
    let macro_vector = [eq1, eq2, eq3, eq4, eq5, eq6];
    let value = v4_lookup(macro_vector).ok_or("no score for this macro vector")?;

    // Scores of the next lower macro vector in each equivalence class.
    let with = |i: usize, d: usize| {
        let mut k = macro_vector;
        k[i] += d;
        k
    };
    let lower_eq1 = v4_lookup(with(0, 1));
    let lower_eq2 = v4_lookup(with(1, 1));
    let lower_eq3eq6 = match (eq3, eq6) {
        (0, 0) => {
            let left = v4_lookup(with(5, 1));
            let right = v4_lookup(with(2, 1));
            match (left, right) {
                (Some(l), Some(r)) => Some(l.max(r)),
                (l, r) => l.or(r),
            }
        }
        (1, 0) => v4_lookup(with(5, 1)),
        _ => v4_lookup(with(2, 1)),
    };
    let lower_eq4 = v4_lookup(with(3, 1));
    let lower_eq5 = v4_lookup(with(4, 1));

    // The first highest-severity vector of this macro vector that the vector does not
    // exceed anywhere.
    let mut max_vectors = Vec::new();
    for a in EQ1_MAX[eq1] {
        for b in EQ2_MAX[eq2] {
            for c in EQ3_EQ6_MAX[eq3][eq6] {
                for d in EQ4_MAX[eq4] {
                    for e in EQ5_MAX[eq5] {
                        max_vectors.push(format!("{a}{b}{c}{d}{e}"));
                    }
                }
            }
        }
    }
    const CHECKED: [&str; 14] = [
        "AV", "PR", "UI", "AC", "AT", "VC", "VI", "VA", "SC", "SI", "SA", "CR", "IR", "AR",
    ];
    let distance = |max: &str, k: &str| -> f64 {
        let mv = max
            .split('/')
            .find_map(|p| p.strip_prefix(k).and_then(|r| r.strip_prefix(':')))
            .unwrap_or("");
        level(k, eff(k)) - level(k, mv)
    };
    let chosen = max_vectors
        .iter()
        .find(|mv| CHECKED.iter().all(|k| distance(mv, k) >= -1e-9))
        .or(max_vectors.first())
        .ok_or("no maximal vector for this macro vector")?;
    let d = |k: &str| distance(chosen, k);
    let current_eq1 = d("AV") + d("PR") + d("UI");
    let current_eq2 = d("AC") + d("AT");
    let current_eq3eq6 = d("VC") + d("VI") + d("VA") + d("CR") + d("IR") + d("AR");
    let current_eq4 = d("SC") + d("SI") + d("SA");

    let step = 0.1;
    let parts = [
        (lower_eq1, current_eq1, EQ1_DEPTH[eq1] * step),
        (lower_eq2, current_eq2, EQ2_DEPTH[eq2] * step),
        (lower_eq3eq6, current_eq3eq6, EQ3_EQ6_DEPTH[eq3][eq6] * step),
        (lower_eq4, current_eq4, EQ4_DEPTH[eq4] * step),
        // EQ5 has no distance inside a level: it counts, with a proportion of 0.
        (lower_eq5, 0.0, 1.0),
    ];
    let mut n = 0u32;
    let mut total = 0.0;
    for (lower, current, depth) in parts {
        if let Some(l) = lower {
            n += 1;
            total += (value - l) * (current / depth);
        }
    }
    let mean = if n == 0 { 0.0 } else { total / f64::from(n) };
    Ok(round1((value - mean).clamp(0.0, 10.0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specification_examples_score() {
        for (vector, want) in [
            ("AV:N/AC:L/Au:N/C:P/I:P/A:P", 7.5),
            ("(AV:N/AC:M/Au:N/C:N/I:P/A:N)", 4.3),
            ("AV:N/AC:L/Au:N/C:C/I:C/A:C", 10.0),
            ("AV:L/AC:L/Au:N/C:C/I:C/A:C", 7.2),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5),
            ("CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:N", 6.5),
            ("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1),
            ("CVSS:3.0/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N", 3.1),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0),
            (
                "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
                9.3,
            ),
            (
                "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H",
                10.0,
            ),
            (
                "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N",
                0.0,
            ),
        ] {
            let s = score_vector(vector).unwrap_or_else(|e| panic!("{vector}: {e}"));
            assert_eq!(s.base_score, want, "{vector}");
        }
        assert_eq!(
            score_vector("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").map(|s| s.severity),
            Ok(Severity::Critical)
        );
        assert!(score_vector("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").is_err());
        assert!(score_vector("CVSS:4.0/AV:N/AC:L").is_err());
        assert!(score_vector("garbage").is_err());
    }
}
