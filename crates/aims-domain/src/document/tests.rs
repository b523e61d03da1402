use super::*;
use DocState::*;

#[test]
fn every_move_and_who_may_make_it() {
    for from in DocState::ALL {
        for to in DocState::ALL {
            let expected = match (from, to) {
                (Draft, InReview) | (InReview, Draft) => Some(false),
                (Draft, Approved)
                | (InReview, Approved)
                | (Approved, Published)
                | (Approved, Retired)
                | (Published, Retired) => Some(true),
                _ => None,
            };
            for role in [Role::Auditor, Role::Contributor, Role::Manager] {
                let got = transition(from, to, role);
                match expected {
                    None => assert_eq!(
                        got,
                        Err(MoveError::NotAllowed { from, to }),
                        "{from:?}→{to:?}"
                    ),
                    Some(manager_only) => {
                        let ok = if manager_only {
                            role == Role::Manager
                        } else {
                            role != Role::Auditor
                        };
                        assert_eq!(
                            got,
                            if ok {
                                Ok(to)
                            } else {
                                Err(MoveError::Forbidden)
                            },
                            "{from:?}→{to:?} as {role:?}"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn moves_refused_say_why() {
    let e = |from, to| MoveError::NotAllowed { from, to }.to_string();
    assert_eq!(e(Draft, Draft), "the version is already draft");
    assert_eq!(e(Draft, Published), "only an approved version is published");
    assert_eq!(
        e(Published, Draft),
        "a version cannot go from published to draft"
    );
    assert_eq!(
        MoveError::Forbidden.to_string(),
        "only a manager may do this"
    );
}

#[test]
fn publishing_supersedes_the_version_published_before() {
    assert_eq!(on_publish(Published), Some(Superseded));
    for s in [Draft, InReview, Approved, Superseded, Retired] {
        assert_eq!(on_publish(s), None, "{s:?}");
    }
}

#[test]
fn editing_changes_a_draft_starts_a_version_after_approval_and_waits_for_review() {
    assert_eq!(on_edit(None), Edit::NewVersion);
    assert_eq!(on_edit(Some(Draft)), Edit::InPlace);
    assert_eq!(on_edit(Some(InReview)), Edit::Refused);
    for s in [Approved, Published, Superseded, Retired] {
        assert_eq!(on_edit(Some(s)), Edit::NewVersion, "{s:?}");
        assert!(s.is_fixed());
    }
    assert!(!Draft.is_fixed() && !InReview.is_fixed());
}

#[test]
fn states_read_back_from_their_keys() {
    for s in DocState::ALL {
        assert_eq!(DocState::from_key(s.key()), Some(s));
        assert!(!s.label().is_empty());
    }
    assert_eq!(DocState::from_key("nope"), None);
    assert_eq!(Published.label(), "Published");
    assert_eq!(InReview.key(), "in_review");
}

#[test]
fn the_text_is_bounded_and_has_no_control_characters() {
    assert_eq!(check_text("# Policy\n\n\tIndented\r\n"), Ok(()));
    assert_eq!(
        check_text(&"é".repeat(TEXT_MAX)),
        Ok(()),
        "characters, not bytes"
    );
    assert!(check_text(&"a".repeat(TEXT_MAX + 1)).is_err());
    assert!(check_text("bell\u{7}").is_err());
    assert!(check_text("nul\u{0}").is_err());
}

#[test]
fn who_must_read_a_document() {
    let all = [Role::Auditor, Role::Contributor, Role::Manager];
    let readers = |audience: &str| -> Vec<Role> {
        all.into_iter()
            .filter(|r| must_read(audience, *r))
            .collect()
    };
    assert_eq!(readers("everyone"), all);
    assert_eq!(readers("contributors"), [Role::Contributor, Role::Manager]);
    assert_eq!(readers("managers"), [Role::Manager]);
    assert_eq!(readers("nobody"), []);
    assert_eq!(readers(""), []);
}
