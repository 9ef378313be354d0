//! Back-office roles and the areas each role may work in.

/// A back-office role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Admin: users and settings, and everything else.
    Beheerder,
    /// Questions, matches, moderation, development tracks, peilingen.
    Coordinator,
    /// Editor: offerings and providers.
    Redacteur,
}

/// An area of the back office; every route belongs to one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// Dashboard and own account: every role.
    Dashboard,
    /// Question inbox and matches.
    Vragen,
    /// Moderation of contributed offerings.
    Moderatie,
    /// Offerings and providers.
    Aanbod,
    /// Contact messages (questions and suggestions).
    Berichten,
    /// Development tracks.
    Trajecten,
    /// Publishing peilingen (snapshots of the learning agenda and gaps).
    Peilingen,
    /// The audit log.
    Audit,
    /// Privacy: export and erase one person's data.
    Privacy,
    /// Users and the e-mail outbox.
    Beheer,
}

impl Role {
    /// Parses the stored or typed name.
    pub fn parse(s: &str) -> Option<Role> {
        match s.trim() {
            "beheerder" => Some(Role::Beheerder),
            "coordinator" | "coördinator" => Some(Role::Coordinator),
            "redacteur" => Some(Role::Redacteur),
            _ => None,
        }
    }

    /// The stored name.
    pub fn slug(self) -> &'static str {
        match self {
            Role::Beheerder => "beheerder",
            Role::Coordinator => "coordinator",
            Role::Redacteur => "redacteur",
        }
    }

    /// The Dutch label.
    pub fn label(self) -> &'static str {
        match self {
            Role::Beheerder => "beheerder",
            Role::Coordinator => "coördinator",
            Role::Redacteur => "redacteur",
        }
    }

    /// Whether this role may work in `area`.
    pub fn may(self, area: Area) -> bool {
        match self {
            Role::Beheerder => true,
            Role::Coordinator => !matches!(area, Area::Aanbod | Area::Beheer),
            Role::Redacteur => matches!(area, Area::Dashboard | Area::Aanbod),
        }
    }

    /// Whether this role must use a second factor.
    pub fn needs_totp(self) -> bool {
        self == Role::Beheerder
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_and_areas() {
        assert!(Role::Beheerder.may(Area::Beheer));
        assert!(Role::Coordinator.may(Area::Vragen));
        assert!(!Role::Coordinator.may(Area::Aanbod));
        assert!(Role::Redacteur.may(Area::Aanbod));
        assert!(!Role::Redacteur.may(Area::Vragen));
        assert!(!Role::Redacteur.may(Area::Audit));
        assert!(Role::Coordinator.may(Area::Peilingen));
        assert!(!Role::Redacteur.may(Area::Peilingen));
        assert_eq!(Role::parse("coördinator"), Some(Role::Coordinator));
        assert_eq!(Role::parse("baas"), None);
    }
}
