use bulwark_core::Report;

/// Renders `report` as the pretty-printed `bulwark.report/v1` JSON document (see
/// ARCHITECTURE.md), followed by a line break.
pub fn render_json(report: &Report) -> String {
    match serde_json::to_string_pretty(report) {
        Ok(mut s) => {
            s.push('\n');
            s
        }
        // The report holds only strings, numbers and string-keyed maps, so serialisation
        // cannot fail; keep the output valid JSON all the same.
        Err(e) => format!(
            "{}\n",
            serde_json::json!({"schema": report.schema, "error": e.to_string()})
        ),
    }
}
