//! Maven versions, ordered as Maven's `ComparableVersion` does: the text is split at `.`,
//! `-` and digit/letter boundaries into numbers and qualifiers, `-` and boundaries opening a
//! nested list; trailing "null" items (`0`, `ga`, `final`, `release`, empty lists) are
//! dropped; known qualifiers order `alpha < beta < milestone < rc = cr < snapshot < "" <
//! sp`, other qualifiers come after them alphabetically; numbers sort above qualifiers and
//! lists. Every string is a valid Maven version.

use std::cmp::Ordering;

use crate::cmp_digits;

#[derive(Debug, Clone)]
enum Item {
    /// Digits without leading zeros (`""` is zero).
    Int(String),
    /// A qualifier after alias resolution (`""` is the release).
    Str(String),
    List(Vec<Item>),
}

impl Item {
    fn is_null(&self) -> bool {
        match self {
            Item::Int(d) => d.is_empty(),
            Item::Str(s) => s.is_empty(),
            Item::List(l) => l.is_empty(),
        }
    }

    /// Compares with an item, or with "nothing" (`None`) when the other list is shorter.
    fn cmp_opt(&self, other: Option<&Item>) -> Ordering {
        match (self, other) {
            (Item::Int(d), None) => {
                if d.is_empty() {
                    Ordering::Equal
                } else {
                    Ordering::Greater
                }
            }
            (Item::Int(a), Some(Item::Int(b))) => cmp_digits(a, b),
            (Item::Int(_), Some(_)) => Ordering::Greater,
            (Item::Str(s), None) => qualifier_rank(s).cmp(&qualifier_rank("")),
            (Item::Str(_), Some(Item::Int(_))) => Ordering::Less,
            (Item::Str(a), Some(Item::Str(b))) => qualifier_rank(a).cmp(&qualifier_rank(b)),
            (Item::Str(_), Some(Item::List(_))) => Ordering::Less,
            (Item::List(l), None) => l.first().map_or(Ordering::Equal, |f| f.cmp_opt(None)),
            (Item::List(_), Some(Item::Int(_))) => Ordering::Less,
            (Item::List(_), Some(Item::Str(_))) => Ordering::Greater,
            (Item::List(a), Some(Item::List(b))) => cmp_lists(a, b),
        }
    }
}

fn cmp_lists(a: &[Item], b: &[Item]) -> Ordering {
    for i in 0..a.len().max(b.len()) {
        let ord = match (a.get(i), b.get(i)) {
            (Some(l), r) => l.cmp_opt(r),
            (None, Some(r)) => r.cmp_opt(None).reverse(),
            (None, None) => Ordering::Equal,
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    Ordering::Equal
}

const QUALIFIERS: [&str; 7] = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];

/// Known qualifiers by their index; unknown ones after all of them, alphabetically.
fn qualifier_rank(q: &str) -> (usize, &str) {
    match QUALIFIERS.iter().position(|k| *k == q) {
        Some(i) => (i, ""),
        None => (QUALIFIERS.len(), q),
    }
}

fn qualifier(text: &str, followed_by_digit: bool) -> Item {
    let t = match text {
        "a" if followed_by_digit => "alpha",
        "b" if followed_by_digit => "beta",
        "m" if followed_by_digit => "milestone",
        "ga" | "final" | "release" => "",
        "cr" => "rc",
        other => other,
    };
    Item::Str(t.to_owned())
}

fn parse_item(is_digit: bool, text: &str) -> Item {
    if is_digit {
        Item::Int(text.trim_start_matches('0').to_owned())
    } else {
        qualifier(text, false)
    }
}

/// A parsed Maven version.
#[derive(Debug, Clone)]
pub struct Version {
    items: Vec<Item>,
    canonical: String,
}

impl Version {
    pub fn parse(s: &str) -> Version {
        let text = s.trim().to_ascii_lowercase();
        // A stack of open lists; each new list is a child of the one below it.
        let mut stack: Vec<Vec<Item>> = vec![Vec::new()];
        let bytes = text.as_bytes();
        let mut start = 0;
        let mut is_digit = false;
        let top = |stack: &mut Vec<Vec<Item>>| -> usize { stack.len() - 1 };
        for i in 0..bytes.len() {
            let c = bytes[i];
            if c == b'.' || c == b'-' {
                let t = top(&mut stack);
                if i == start {
                    stack[t].push(Item::Int(String::new()));
                } else {
                    stack[t].push(parse_item(is_digit, &text[start..i]));
                }
                start = i + 1;
                if c == b'-' {
                    stack.push(Vec::new());
                }
                is_digit = false;
            } else if c.is_ascii_digit() {
                if !is_digit && i > start {
                    let t = top(&mut stack);
                    stack[t].push(qualifier(&text[start..i], true));
                    start = i;
                    stack.push(Vec::new());
                }
                is_digit = true;
            } else {
                if is_digit && i > start {
                    let t = top(&mut stack);
                    stack[t].push(parse_item(true, &text[start..i]));
                    start = i;
                    stack.push(Vec::new());
                }
                is_digit = false;
            }
        }
        if text.len() > start {
            let t = top(&mut stack);
            stack[t].push(parse_item(is_digit, &text[start..]));
        }
        // Close the lists from the innermost out, normalising each.
        let mut inner: Option<Vec<Item>> = None;
        while let Some(mut list) = stack.pop() {
            if let Some(child) = inner.take() {
                list.push(Item::List(child));
            }
            normalize(&mut list);
            inner = Some(list);
        }
        let items = inner.unwrap_or_default();
        let canonical = render(&items);
        Version { items, canonical }
    }

    /// Maven's canonical form (`1-alpha-1` for `1a1`; `1` for `1.0.0`).
    pub fn canonical(&self) -> &str {
        &self.canonical
    }
}

fn normalize(list: &mut Vec<Item>) {
    let mut i = list.len();
    while i > 0 {
        i -= 1;
        if list[i].is_null() {
            list.remove(i);
        } else if !matches!(list[i], Item::List(_)) {
            break;
        }
    }
}

fn render(items: &[Item]) -> String {
    let mut out = String::new();
    for (i, it) in items.iter().enumerate() {
        match it {
            Item::List(l) => {
                out.push('-');
                out.push_str(&render(l));
            }
            Item::Int(d) => {
                if i > 0 {
                    out.push('.');
                }
                out.push_str(if d.is_empty() { "0" } else { d });
            }
            Item::Str(s) => {
                if i > 0 {
                    out.push('.');
                }
                out.push_str(s);
            }
        }
    }
    out
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_lists(&self.items, &other.items)
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Version {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_forms() {
        for (input, canon) in [
            ("1.0.0", "1"),
            ("1-GA", "1"),
            ("1a1", "1-alpha-1"),
            ("2.0-SNAPSHOT", "2-snapshot"),
            ("1.0-RC1", "1-rc-1"),
        ] {
            assert_eq!(Version::parse(input).canonical(), canon, "{input}");
        }
    }
}
