//! Roles within a workspace and what each may do.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A member's (or API token's) role in one workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Everything, including approvals, deletions and membership.
    Manager,
    /// Creates and edits records and adds evidence; cannot approve or delete.
    Contributor,
    /// Reads everything in the workspace and may export; changes nothing.
    Auditor,
}

/// What a request wants to do inside a workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Read,
    Export,
    Create,
    Update,
    Delete,
    Approve,
    /// Manage members and API tokens of the workspace.
    Administer,
}

/// The rule that a workspace always keeps a manager: true when changing
/// `member`'s role to `new` (`None`: removing them) would leave none among
/// `members` (user id, current role).
pub fn leaves_no_manager<'a>(
    members: impl IntoIterator<Item = (&'a str, Role)>,
    member: &str,
    new: Option<Role>,
) -> bool {
    let mut another = false;
    let mut is_manager = false;
    for (id, role) in members {
        if role == Role::Manager {
            if id == member {
                is_manager = true;
            } else {
                another = true;
            }
        }
    }
    is_manager && new != Some(Role::Manager) && !another
}

impl Action {
    pub const ALL: [Action; 7] = [
        Action::Read,
        Action::Export,
        Action::Create,
        Action::Update,
        Action::Delete,
        Action::Approve,
        Action::Administer,
    ];

    /// The action's name, as API operations declare it (`x-aims-requires`).
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Read => "read",
            Action::Export => "export",
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
            Action::Approve => "approve",
            Action::Administer => "administer",
        }
    }
}

impl FromStr for Action {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Action::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| format!("'{s}' is not an action"))
    }
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Manager, Role::Contributor, Role::Auditor];

    /// The single authorization rule for workspace records.
    pub fn allows(self, action: Action) -> bool {
        match self {
            Role::Manager => true,
            Role::Contributor => matches!(
                action,
                Action::Read | Action::Export | Action::Create | Action::Update
            ),
            Role::Auditor => matches!(action, Action::Read | Action::Export),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Manager => "manager",
            Role::Contributor => "contributor",
            Role::Auditor => "auditor",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Role::Manager => "Everything, including approvals, deletions and access management",
            Role::Contributor => "Creates and edits records and adds evidence",
            Role::Auditor => "Reads everything and exports; changes nothing",
        }
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "manager" => Ok(Role::Manager),
            "contributor" => Ok(Role::Contributor),
            "auditor" => Ok(Role::Auditor),
            _ => Err("must be one of manager, contributor, auditor".into()),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_matrix() {
        use Action::*;
        let all = [Read, Export, Create, Update, Delete, Approve, Administer];
        assert!(all.iter().all(|a| Role::Manager.allows(*a)));
        assert!(Role::Contributor.allows(Create) && Role::Contributor.allows(Update));
        assert!(!Role::Contributor.allows(Delete) && !Role::Contributor.allows(Approve));
        assert!(!Role::Contributor.allows(Administer));
        assert!(Role::Auditor.allows(Read) && Role::Auditor.allows(Export));
        for a in [Create, Update, Delete, Approve, Administer] {
            assert!(!Role::Auditor.allows(a), "auditor must not {a:?}");
        }
    }

    #[test]
    fn role_round_trips() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>().unwrap(), r);
        }
        assert!("owner".parse::<Role>().is_err());
        let names: Vec<_> = Action::ALL.iter().map(|a| a.as_str()).collect();
        assert_eq!(
            names,
            [
                "read",
                "export",
                "create",
                "update",
                "delete",
                "approve",
                "administer"
            ]
        );
        for a in Action::ALL {
            assert_eq!(a.as_str().parse::<Action>().unwrap(), a);
        }
        assert!("Read".parse::<Action>().is_err() && "".parse::<Action>().is_err());
    }

    #[test]
    fn a_workspace_keeps_a_manager() {
        use Role::*;
        let one = [("a", Manager), ("b", Auditor)];
        assert!(leaves_no_manager(one, "a", None));
        assert!(leaves_no_manager(one, "a", Some(Contributor)));
        assert!(!leaves_no_manager(one, "a", Some(Manager)));
        assert!(!leaves_no_manager(one, "b", None), "not a manager");
        assert!(!leaves_no_manager(one, "c", None), "not a member");
        let two = [("a", Manager), ("b", Manager)];
        assert!(!leaves_no_manager(two, "a", None));
        assert!(!leaves_no_manager(two, "b", Some(Auditor)));
    }

    #[test]
    fn roles_read_as_their_names() {
        for r in Role::ALL {
            assert_eq!(r.to_string(), r.as_str());
            assert!(!r.describe().is_empty());
        }
        assert_ne!(Role::Manager.describe(), Role::Auditor.describe());
    }

    #[test]
    fn every_role_action_pair() {
        use Action::*;
        let table = [
            (Role::Manager, [true; 7]),
            (
                Role::Contributor,
                [true, true, true, true, false, false, false],
            ),
            (
                Role::Auditor,
                [true, true, false, false, false, false, false],
            ),
        ];
        for (role, allowed) in table {
            for (action, want) in [Read, Export, Create, Update, Delete, Approve, Administer]
                .into_iter()
                .zip(allowed)
            {
                assert_eq!(role.allows(action), want, "{role} {action:?}");
            }
        }
    }
}
