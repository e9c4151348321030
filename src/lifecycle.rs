//! One shape for every document's life. Each status type says, in one table, what may be done
//! to its document in each status (`allowed_actions`, also answered to clients); one check
//! refuses anything else with the same 409 everywhere: the status, the action tried and the
//! actions possible instead. Where an action leads is the area's own rule, written beside its
//! table.

use crate::refusal::Refusal;

/// A word of the API's closed vocabulary (a status, an action) as it travels.
pub trait Word: Copy + PartialEq + 'static {
    fn as_str(self) -> &'static str;
}

/// The statuses of one kind of document.
pub trait Lifecycle: Word {
    /// What is done to the document (for a partner, the status it is moved to).
    type Action: Word;
    /// The document, as a refusal names it.
    const DOCUMENT: &'static str;
    /// What may be done in this status.
    fn allowed_actions(self) -> &'static [Self::Action];
}

/// `action` is possible in `status`, or the refusal naming what is.
pub fn check<S: Lifecycle>(status: S, action: S::Action) -> Result<(), Refusal> {
    let allowed = status.allowed_actions();
    if allowed.contains(&action) {
        Ok(())
    } else {
        Err(Refusal::not_allowed(
            S::DOCUMENT,
            status.as_str(),
            action.as_str(),
            allowed.iter().map(|a| a.as_str()),
        ))
    }
}

/// Four eyes: whoever proposed a decision (a tier change, an agreement version, an override)
/// may not also take it (409 `four_eyes`, naming `decided_by`).
pub fn check_four_eyes(document: &str, proposed_by: &str, deciding: &str) -> Result<(), Refusal> {
    if proposed_by != deciding {
        return Ok(());
    }
    let message = format!("a {document} is decided by someone other than who proposed it");
    Err(Refusal::Conflict {
        code: crate::refusal::Code::FourEyes,
        detail: message.clone(),
        errors: vec![crate::refusal::FieldError::new("decided_by", message)],
        allowed: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Door {
        Open,
        Shut,
    }
    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Push {
        Close,
        Open,
    }
    impl Word for Door {
        fn as_str(self) -> &'static str {
            match self {
                Door::Open => "open",
                Door::Shut => "shut",
            }
        }
    }
    impl Word for Push {
        fn as_str(self) -> &'static str {
            match self {
                Push::Close => "close",
                Push::Open => "open",
            }
        }
    }
    impl Lifecycle for Door {
        type Action = Push;
        const DOCUMENT: &'static str = "door";
        fn allowed_actions(self) -> &'static [Push] {
            match self {
                Door::Open => &[Push::Close],
                Door::Shut => &[Push::Open],
            }
        }
    }

    #[test]
    fn an_action_off_the_table_names_the_status_and_what_is_possible() {
        assert_eq!(check(Door::Open, Push::Close), Ok(()));
        assert_eq!(check(Door::Shut, Push::Open), Ok(()));
        assert_eq!(
            check(Door::Open, Push::Open),
            Err(Refusal::not_allowed("door", "open", "open", ["close"]))
        );
    }
}
