//! `bulwark rules`.

use bulwark_rules::{all_rules, find_rule};

use crate::cli::{RulesArgs, RulesFormat};

pub fn run(args: RulesArgs) -> Result<u8, String> {
    if let Some(sel) = &args.rule {
        let rule = find_rule(sel).ok_or_else(|| format!("unknown rule `{sel}`"))?;
        let m = rule.meta;
        match args.format {
            RulesFormat::Json => println!(
                "{}",
                serde_json::to_string_pretty(m).map_err(|e| e.to_string())?
            ),
            RulesFormat::Table => {
                println!("# {} ({})\n", m.name, m.code);
                println!("{}: {}\n", m.severity, m.summary);
                if !m.aliases.is_empty() {
                    println!("Aliases: {}", m.aliases.join(", "));
                }
                if !m.compliance.is_empty() {
                    println!("Compliance: {}", m.compliance.join(", "));
                }
                println!("\n{}", m.docs.trim_end());
            }
        }
        return Ok(0);
    }
    let rules = all_rules();
    match args.format {
        RulesFormat::Json => {
            let metas: Vec<_> = rules
                .iter()
                .map(|r| {
                    let mut v = serde_json::to_value(r.meta).unwrap_or_default();
                    if let Some(o) = v.as_object_mut() {
                        o.insert("enabled_by_default".into(), r.default_enabled.into());
                    }
                    v
                })
                .collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&metas).map_err(|e| e.to_string())?
            );
        }
        RulesFormat::Table => {
            let w = rules.iter().map(|r| r.meta.name.len()).max().unwrap_or(4);
            println!("{:<6}  {:<w$}  {:<8}  SUMMARY", "CODE", "NAME", "SEVERITY");
            for r in &rules {
                let m = r.meta;
                let off = if r.default_enabled {
                    ""
                } else {
                    " (off by default)"
                };
                println!(
                    "{:<6}  {:<w$}  {:<8}  {}{off}",
                    m.code,
                    m.name,
                    m.severity.as_str(),
                    m.summary
                );
            }
            println!(
                "\n{} rules; `bulwark rules CODE` shows one rule's documentation",
                rules.len()
            );
        }
    }
    Ok(0)
}
