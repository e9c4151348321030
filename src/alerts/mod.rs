//! Due-date alerts: a periodic sweep announces, once, each complaint or follow-up
//! (interaction), non-conformance, development-plan action and promotion claim that passes its
//! due date without being dealt with, as an `…overdue` event in the change feed, so webhook
//! subscribers and feed readers hear of it without polling lists.

pub mod store;
