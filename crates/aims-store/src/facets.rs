//! The facets column of `record_index`: a record's choices, keys, flags and
//! members as whole tokens (` field=value `), so a filter is one substring
//! test, and read back without the record's JSON.

/// ` field=value ` as it sits in `record_index.facets` (a value's spaces and
/// percent signs escaped), so a filter is one substring test of whole tokens.
pub(crate) fn facet_token(field: &str, value: &str) -> String {
    let value = value.replace('%', "%25").replace(' ', "%20");
    format!(" {field}={value} ")
}

/// The facets column for `facets`: ` a=1 b=2 ` (two spaces when empty).
pub(crate) fn facets_text<'a>(facets: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut text = String::from(" ");
    for (field, value) in facets {
        text.push_str(facet_token(field, value).trim_start());
    }
    if text.len() == 1 {
        text.push(' ');
    }
    text
}

/// `stored` without the facets whose field `replaced` names, plus `new`.
pub(crate) fn merge_facets(
    stored: &str,
    replaced: impl Fn(&str) -> bool,
    new: &[(&str, String)],
) -> String {
    let kept: Vec<(&str, String)> = facets(stored)
        .filter(|(field, _)| !replaced(field))
        .collect();
    facets_text(
        kept.iter()
            .map(|(f, v)| (*f, v.as_str()))
            .chain(new.iter().map(|(f, v)| (*f, v.as_str()))),
    )
}

/// Each ` field=value ` of a stored facets column, the value unescaped.
fn facets(stored: &str) -> impl Iterator<Item = (&str, String)> {
    stored
        .split(' ')
        .filter_map(|t| t.split_once('='))
        .map(|(f, v)| (f, v.replace("%20", " ").replace("%25", "%")))
}

/// The first value of `field` in a stored facets column (a multiple choice
/// has one token per value).
pub(crate) fn facet_value(stored: &str, field: &str) -> Option<String> {
    facets(stored).find(|(f, _)| *f == field).map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facets_are_whole_tokens_with_spaces_and_percent_escaped() {
        assert_eq!(facets_text([]), "  ");
        assert_eq!(
            facets_text([("roles", "ai_customer"), ("note", "50% off")]),
            " roles=ai_customer note=50%25%20off "
        );
        let text = facets_text([("roles", "ai_customer"), ("in_scope", "true")]);
        assert!(text.contains(&facet_token("roles", "ai_customer")));
        assert!(text.contains(&facet_token("in_scope", "true")));
        // A value is never matched by a prefix of another.
        assert!(!text.contains(&facet_token("roles", "ai")));
        assert!(!text.contains(&facet_token("in_scope", "tru")));
    }

    #[test]
    fn merging_replaces_only_the_named_fields() {
        let stored = " roles=ai_customer eu_ai_act_tier=high_risk note=a%20b ";
        let merged = merge_facets(stored, |f| f == "roles", &[("roles", "ai_provider".into())]);
        assert_eq!(
            merged,
            " eu_ai_act_tier=high_risk note=a%20b roles=ai_provider "
        );
        assert_eq!(merge_facets("", |_| true, &[]), "  ");
        assert_eq!(merge_facets(stored, |_| true, &[]), "  ");
    }

    #[test]
    fn a_value_reads_back_as_it_was_written() {
        let text = facets_text([
            ("roles", "ai_customer"),
            ("roles", "ai_provider"),
            ("note", "50% off"),
            ("odd", "%20 %25"),
            ("band", "high"),
        ]);
        assert_eq!(facet_value(&text, "note").as_deref(), Some("50% off"));
        assert_eq!(facet_value(&text, "odd").as_deref(), Some("%20 %25"));
        assert_eq!(facet_value(&text, "roles").as_deref(), Some("ai_customer"));
        assert_eq!(facet_value(&text, "band").as_deref(), Some("high"));
        assert_eq!(facet_value(&text, "and"), None, "a whole field name");
        assert_eq!(facet_value(&text, "missing"), None);
        assert_eq!(facet_value("  ", "band"), None);
    }
}
