//! Partner views: what a partner principal (a partner's user or its ERP) may read of any answer
//! or change-feed event. One rule for every resource, applied in one place
//! ([`crate::http::view`] for answers, the change feed for events), so a new endpoint cannot
//! forget it:
//!
//! - **Staff-only fields** ([`STAFF_ONLY`]) never reach a partner: our portfolio segment, the
//!   account owner, our target retail price and margin. A supplier still sees the target cost it
//!   must meet (`target_cost_minor`), which is how target costing works.
//! - **Free text** ([`STAFF_TEXT`], `notes`) is internal unless the record was written by the
//!   partner's own people (its `created_by` is one of the partner's users or clients): a
//!   complaint a partner raised keeps its own notes; our notes on the partner, on a
//!   specification version or on a promotion do not travel.
//! - **People** ([`PEOPLE`], `created_by`, `owner_id`, `actor_id`, …) are shown only when they
//!   name one of the partner's own users or clients; our staff user ids never reach a partner.
//!
//! The OpenAPI document marks the same fields `x-staff-only` (see [`mark_openapi`]), so a client
//! generated from it types them as optional.

use std::collections::HashSet;

use serde_json::Value;
use utoipa::openapi::schema::{ArrayItems, Schema};
use utoipa::openapi::RefOr;

/// Fields a partner never sees, wherever they stand in an answer.
pub const STAFF_ONLY: &[&str] = &[
    "segment",
    "account_owner_id",
    "target_retail_price_minor",
    "target_margin_bp",
    "supplier_override",
];

/// Free text that is internal unless the record's `created_by` is one of the partner's people.
pub const STAFF_TEXT: &[&str] = &["notes", "decision_notes"];

/// Fields that name a user or an integration client; a partner sees only its own people's ids.
pub const PEOPLE: &[&str] = &[
    "created_by",
    "owner_id",
    "actor_id",
    "approved_by",
    "verified_by",
    "decided_by",
    "paid_by",
    "submitted_by",
    "entered_by",
    "proposed_by",
    "updated_by",
    // An approval's signer (`approvals.sponsor.by` on a promotion).
    "by",
];

/// A partner principal reading: its organisation and the ids of its own users and clients.
#[derive(Debug, Clone, Default)]
pub struct PartnerViewer {
    pub partner_id: String,
    pub own_people: HashSet<String>,
}

impl PartnerViewer {
    fn is_own(&self, id: &str) -> bool {
        self.own_people.contains(id)
    }
}

/// Turns a staff-view JSON value into the partner view, in place.
pub fn partner_view(value: &mut Value, viewer: &PartnerViewer) {
    match value {
        Value::Object(map) => {
            let written_by_own = map
                .get("created_by")
                .and_then(Value::as_str)
                .is_some_and(|c| viewer.is_own(c));
            map.retain(|key, v| {
                if STAFF_ONLY.contains(&key.as_str()) {
                    return false;
                }
                if STAFF_TEXT.contains(&key.as_str()) {
                    return written_by_own;
                }
                if PEOPLE.contains(&key.as_str()) {
                    return match v {
                        Value::String(id) => viewer.is_own(id),
                        _ => true,
                    };
                }
                true
            });
            for v in map.values_mut() {
                partner_view(v, viewer);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| partner_view(v, viewer)),
        _ => {}
    }
}

/// How the partner view treats a field, if at all: `always` left out, or `unless-own`.
fn staff_marker(name: &str) -> Option<(&'static str, &'static str)> {
    if STAFF_ONLY.contains(&name) {
        Some(("always", "Staff only: never in a partner's view."))
    } else if STAFF_TEXT.contains(&name) {
        Some((
            "unless-own",
            "Staff only unless the record was written by the partner's own people.",
        ))
    } else if PEOPLE.contains(&name) {
        Some((
            "unless-own",
            "In a partner's view only when it names one of the partner's own users or clients.",
        ))
    } else {
        None
    }
}

/// Marks every schema property the partner view may leave out with `x-staff-only` (`always`,
/// or `unless-own` for people and free text), says so in its description, and takes it out of
/// `required`, so generated clients type it as optional.
pub fn mark_openapi(api: &mut utoipa::openapi::OpenApi) {
    if let Some(components) = api.components.as_mut() {
        // Request bodies are not views: what a caller may send is decided by its role.
        let answers = components.schemas.iter_mut().filter(|(name, _)| {
            !(name.starts_with("New") || name.ends_with("Request") || name.ends_with("Patch"))
        });
        for (_, schema) in answers {
            mark_ref_or(schema);
        }
    }
}

fn mark_ref_or(schema: &mut RefOr<Schema>) {
    if let RefOr::T(s) = schema {
        mark_schema(s);
    }
}

fn mark_schema(schema: &mut Schema) {
    match schema {
        Schema::Object(obj) => {
            let mut marked = vec![];
            for (name, prop) in obj.properties.iter_mut() {
                let Some((marker, note)) = staff_marker(name) else {
                    mark_ref_or(prop);
                    continue;
                };
                marked.push(name.clone());
                if let RefOr::T(Schema::Object(p)) = prop {
                    let ext = p.extensions.get_or_insert_with(Default::default);
                    ext.insert("x-staff-only".into(), serde_json::Value::from(marker));
                    p.description = Some(match p.description.take() {
                        Some(d) => format!("{d}\n\n{note}"),
                        None => note.to_string(),
                    });
                }
            }
            obj.required.retain(|r| !marked.contains(r));
        }
        Schema::Array(a) => {
            if let ArrayItems::RefOrSchema(items) = &mut a.items {
                mark_ref_or(items);
            }
        }
        Schema::AllOf(x) => x.items.iter_mut().for_each(mark_ref_or),
        Schema::OneOf(x) => x.items.iter_mut().for_each(mark_ref_or),
        Schema::AnyOf(x) => x.items.iter_mut().for_each(mark_ref_or),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn viewer() -> PartnerViewer {
        PartnerViewer {
            partner_id: "p1".into(),
            own_people: ["u-own".to_string()].into_iter().collect(),
        }
    }

    #[test]
    fn staff_only_fields_and_staff_people_leave_at_any_depth() {
        let mut v = json!({
            "id": "p1", "name": "Dewhirst", "segment": "top_10", "notes": "squeeze them",
            "account_owner_id": "u-staff",
            "versions": [{"target_retail_price_minor": 999, "target_margin_bp": 4000,
                "target_cost_minor": 599, "notes": "internal", "created_by": "u-staff",
                "approved_by": "u-staff"}]
        });
        partner_view(&mut v, &viewer());
        assert_eq!(
            v,
            json!({"id": "p1", "name": "Dewhirst",
                "versions": [{"target_cost_minor": 599}]})
        );
    }

    #[test]
    fn own_people_and_their_text_stay() {
        let mut v = json!({"items": [
            {"subject": "Dented cans", "notes": "Lot 44", "created_by": "u-own", "owner_id": "u-staff"},
            {"subject": "Visit", "notes": "our view", "created_by": "u-staff", "owner_id": null}
        ]});
        partner_view(&mut v, &viewer());
        assert_eq!(
            v,
            json!({"items": [
                {"subject": "Dented cans", "notes": "Lot 44", "created_by": "u-own"},
                {"subject": "Visit", "owner_id": null}
            ]})
        );
    }

    #[test]
    fn openapi_marks_the_same_fields_and_makes_them_optional() {
        let mut api = crate::openapi::document();
        mark_openapi(&mut api);
        let doc = serde_json::to_value(&api).unwrap();
        let partner = &doc["components"]["schemas"]["Partner"];
        for f in ["segment", "account_owner_id", "notes"] {
            assert!(partner["properties"][f]["x-staff-only"].is_string(), "{f}");
            assert!(
                !partner["required"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|r| r == f),
                "{f}"
            );
        }
        assert!(partner["properties"]["name"].get("x-staff-only").is_none());
        assert_eq!(
            doc["components"]["schemas"]["SpecVersion"]["properties"]["target_margin_bp"]
                ["x-staff-only"],
            "always"
        );
    }
}
