//! What the change feed can say: every event type prm emits, and the patterns a webhook
//! subscription names the ones it wants by (`*`, `order.*` or an exact type).

use crate::refusal::FieldError;

/// Every event type, `<entity>.<verb>`, in entity order. A new event type is added here; in
/// debug builds appending one that is missing fails at once (so the test suite catches it).
pub const EVENT_TYPES: &[&str] = &[
    "agreement.approved",
    "agreement.proposed",
    "agreement.rejected",
    "company.updated",
    "contact.created",
    "contact.deleted",
    "contact.updated",
    "despatch_advice.created",
    "development_plan.created",
    "development_plan.updated",
    "goods_receipt.created",
    "inspection.recorded",
    "integration_client.created",
    "integration_client.secret_rotated",
    "integration_client.updated",
    "interaction.created",
    "interaction.overdue",
    "interaction.updated",
    "invoice.created",
    "non_conformance.action_proposed",
    "non_conformance.action_rejected",
    "non_conformance.closed",
    "non_conformance.opened",
    "non_conformance.overdue",
    "non_conformance.verified",
    "order.cancelled",
    "order.changed",
    "order.closed",
    "order.created",
    "order.despatched",
    "order.invoice_exception",
    "order.invoiced",
    "order.received",
    "order.responded",
    "order.submitted",
    "order.supplier_override_approved",
    "partner.archived",
    "partner.created",
    "partner.restored",
    "partner.status_changed",
    "partner.updated",
    "plan_action.overdue",
    "product.created",
    "product.updated",
    "promotion.approval_given",
    "promotion.approved",
    "promotion.cancelled",
    "promotion.created",
    "promotion.ended",
    "promotion.proposed",
    "promotion.settled",
    "promotion.started",
    "promotion.updated",
    "promotion.updated_approvals_reset",
    "promotion_claim.approved",
    "promotion_claim.overdue",
    "promotion_claim.paid",
    "promotion_claim.rejected",
    "promotion_claim.submitted",
    "quote.submitted",
    "rebate.accrued",
    "rebate.settled",
    "return.recorded",
    "scorecard_weights.updated",
    "sell_out_report.created",
    "sell_out_report.superseded",
    "specification.created",
    "specification.supplier_approved",
    "specification.supplier_revoked",
    "specification.version_approved",
    "specification.version_drafted",
    "specification.version_edited",
    "specification.version_issued",
    "specification.version_superseded",
    "specification.version_withdrawn",
    "tier_change.approved",
    "tier_change.proposed",
    "tier_change.rejected",
    "tier_ladder.updated",
    "user.created",
    "user.updated",
    "wallet_estimate.created",
    "wallet_estimate.updated",
    "webhook_subscription.created",
    "webhook_subscription.deleted",
    "webhook_subscription.disabled",
    "webhook_subscription.secret_rotated",
    "webhook_subscription.updated",
];

/// The test message `POST /webhook-subscriptions/{id}/test` sends; never in the feed.
pub const PING: &str = "ping";

pub fn is_event_type(t: &str) -> bool {
    EVENT_TYPES.contains(&t)
}

/// Checks a subscription's event-type patterns: `*` (everything), `<entity>.*` (everything
/// about one kind of record), `*.<verb>` (one thing happening to any record, `*.overdue`) or
/// an exact type. An unknown one is refused with the list of valid ones, so a typo is not a
/// subscription that silently never fires.
pub fn check_patterns(field: &str, patterns: &[String], errors: &mut Vec<FieldError>) {
    if patterns.is_empty() {
        errors.push(FieldError::new(
            field,
            "name at least one event type, or `*` for all",
        ));
    }
    for (i, p) in patterns.iter().enumerate() {
        let known =
            p == "*" || is_event_type(p) || EVENT_TYPES.iter().any(|t| pattern_matches(p, t));
        if !known {
            errors.push(FieldError::new(
                format!("{field}[{i}]"),
                format!(
                    "`{p}` is not an event type; use `*`, `<entity>.*`, `*.<verb>` or one of: {}",
                    EVENT_TYPES.join(", ")
                ),
            ));
        }
    }
}

/// Whether a subscription with these patterns wants an event of this type.
pub fn wants(patterns: &[String], event_type: &str) -> bool {
    patterns.iter().any(|p| pattern_matches(p, event_type))
}

/// One pattern against one event type.
fn pattern_matches(pattern: &str, event_type: &str) -> bool {
    let Some((entity, verb)) = event_type.split_once('.') else {
        return false;
    };
    match pattern.split_once('.') {
        _ if pattern == "*" || pattern == event_type => true,
        Some((e, "*")) => e == entity,
        Some(("*", v)) => v == verb,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_is_sorted_and_unique() {
        let mut sorted = EVENT_TYPES.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted, EVENT_TYPES);
        assert!(EVENT_TYPES.iter().all(|t| t.split_once('.').is_some()));
    }

    #[test]
    fn patterns_match_exact_entity_and_all() {
        let p = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(wants(&p(&["*"]), "order.created"));
        assert!(wants(&p(&["order.*"]), "order.created"));
        assert!(!wants(&p(&["order.*"]), "order_line.created"));
        assert!(wants(&p(&["partner.updated"]), "partner.updated"));
        assert!(!wants(&p(&["partner.updated"]), "partner.created"));
        assert!(!wants(&p(&[]), "partner.created"));
        assert!(wants(&p(&["*.overdue"]), "interaction.overdue"));
        assert!(!wants(&p(&["*.overdue"]), "interaction.updated"));
    }

    #[test]
    fn unknown_patterns_list_the_valid_types() {
        let mut errors = vec![];
        let p = vec![
            "order.*".to_string(),
            "order.create".to_string(),
            "ordr.*".to_string(),
            "*.overdue".to_string(),
            "*.overdu".to_string(),
        ];
        check_patterns("event_types", &p, &mut errors);
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["event_types[1]", "event_types[2]", "event_types[4]"]
        );
        assert!(errors[0].message.contains("order.created"));
        let mut none = vec![];
        check_patterns("event_types", &[], &mut none);
        assert_eq!(none.len(), 1);
    }
}
