//! The RACI matrix (5.3, A.3.2): responsibility records — an activity, the
//! member accountable for it and who is responsible, consulted and
//! informed, written as lists of roles or people — turned into one grid of
//! activities by parties, each cell holding the letters that apply.

/// One responsibility as the matrix reads it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Row {
    pub id: String,
    pub activity: String,
    /// The process (its label), to group activities.
    pub process: String,
    /// The accountable member (their e-mail address or name).
    pub accountable: String,
    pub responsible: String,
    pub consulted: String,
    pub informed: String,
}

/// The matrix: the parties as columns (accountable members first, then
/// the others in the order first named), and per activity one cell per
/// party (`"A"`, `"R"`, `"R, C"`… or empty).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Matrix {
    pub parties: Vec<String>,
    /// `(id, process, activity, cells)`, grouped by process in order.
    pub rows: Vec<(String, String, String, Vec<String>)>,
    /// Activities without anyone accountable, or without anyone responsible.
    pub gaps: Vec<String>,
}

/// The parties a text names: split on commas, semicolons, slashes and
/// " and ", trimmed, empty ones dropped.
pub fn parties(text: &str) -> Vec<String> {
    text.replace(" and ", ",")
        .split([',', ';', '/', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

fn same(a: &str, b: &str) -> bool {
    a.to_lowercase() == b.to_lowercase()
}

/// Builds the matrix from `rows` (kept in their order within a process).
pub fn matrix(rows: &[Row]) -> Matrix {
    let mut cols: Vec<String> = Vec::new();
    let add = |p: &str, cols: &mut Vec<String>| {
        if !cols.iter().any(|q| same(q, p)) {
            cols.push(p.to_owned());
        }
    };
    for r in rows.iter().filter(|r| !r.accountable.trim().is_empty()) {
        add(r.accountable.trim(), &mut cols);
    }
    for r in rows {
        for p in parties_of(r) {
            add(&p, &mut cols);
        }
    }
    let mut ordered: Vec<&Row> = rows.iter().collect();
    // Stable: activities keep their order within a process.
    let mut processes: Vec<&str> = Vec::new();
    for r in rows {
        if !processes.contains(&r.process.as_str()) {
            processes.push(&r.process);
        }
    }
    ordered.sort_by_key(|r| processes.iter().position(|p| *p == r.process));
    let mut gaps = Vec::new();
    let out = ordered
        .into_iter()
        .map(|r| {
            let cells = cols
                .iter()
                .map(|p| {
                    let mut letters = Vec::new();
                    if same(r.accountable.trim(), p) {
                        letters.push("A");
                    }
                    for (letter, text) in [
                        ("R", &r.responsible),
                        ("C", &r.consulted),
                        ("I", &r.informed),
                    ] {
                        if parties_named(text).any(|q| same(&q, p)) {
                            letters.push(letter);
                        }
                    }
                    letters.join(", ")
                })
                .collect();
            if r.accountable.trim().is_empty() {
                gaps.push(format!("{}: nobody is accountable", r.activity));
            }
            if parties(&r.responsible).is_empty() {
                gaps.push(format!("{}: nobody is responsible", r.activity));
            }
            (r.id.clone(), r.process.clone(), r.activity.clone(), cells)
        })
        .collect();
    Matrix {
        parties: cols,
        rows: out,
        gaps,
    }
}

fn parties_named(text: &str) -> impl Iterator<Item = String> {
    parties(text).into_iter()
}

fn parties_of(r: &Row) -> Vec<String> {
    [&r.responsible, &r.consulted, &r.informed]
        .into_iter()
        .flat_map(|t| parties(t))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, process: &str, a: &str, r: &str, c: &str, i: &str) -> Row {
        Row {
            id: id.into(),
            activity: format!("activity {id}"),
            process: process.into(),
            accountable: a.into(),
            responsible: r.into(),
            consulted: c.into(),
            informed: i.into(),
        }
    }

    #[test]
    fn parties_are_split_on_the_usual_separators() {
        assert_eq!(
            parties(" ML lead, Data team; DPO / Legal and Security\nOps ,, "),
            ["ML lead", "Data team", "DPO", "Legal", "Security", "Ops"]
        );
        assert!(parties(" ").is_empty());
        assert_eq!(parties("Brand and Co"), ["Brand", "Co"]);
        assert_eq!(parties("Andrea"), ["Andrea"]);
    }

    #[test]
    fn the_matrix_puts_each_letter_where_it_belongs() {
        let m = matrix(&[
            row(
                "1",
                "Planning",
                "ana@x.org",
                "ML lead, Data team",
                "DPO",
                "Board",
            ),
            row("2", "Operation", "bo@x.org", "ML lead", "", "ana@x.org"),
            row("3", "Planning", "", "", "dpo", ""),
        ]);
        assert_eq!(
            m.parties,
            [
                "ana@x.org",
                "bo@x.org",
                "ML lead",
                "Data team",
                "DPO",
                "Board"
            ]
        );
        // Planning first (first named), its two activities in order.
        let ids: Vec<&str> = m.rows.iter().map(|r| r.0.as_str()).collect();
        assert_eq!(ids, ["1", "3", "2"]);
        assert_eq!(m.rows[0].3, ["A", "", "R", "R", "C", "I"]);
        assert_eq!(
            m.rows[1].3,
            ["", "", "", "", "C", ""],
            "names match whatever their case"
        );
        assert_eq!(m.rows[2].3, ["I", "A", "R", "", "", ""]);
        assert_eq!(
            m.gaps,
            [
                "activity 3: nobody is accountable",
                "activity 3: nobody is responsible"
            ]
        );
    }

    #[test]
    fn one_party_may_hold_several_letters() {
        let m = matrix(&[row("1", "", "Ana", "ana, Bo", "Bo", "ANA")]);
        assert_eq!(m.parties, ["Ana", "Bo"]);
        assert_eq!(m.rows[0].3, ["A, R, I", "R, C"]);
        assert!(m.gaps.is_empty());
    }

    #[test]
    fn an_empty_register_is_an_empty_matrix() {
        assert_eq!(matrix(&[]), Matrix::default());
    }
}
