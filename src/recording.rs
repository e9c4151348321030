//! Who a change was recorded for: staff recording what a partner sent by other means (a leaf:
//! the audit log and the change feed both carry it).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

crate::text_enum! {
    /// How a partner sent what staff recorded for it.
    pub enum RecordingChannel {
        Email = "email",
        Phone = "phone",
        Edi = "edi",
        Portal = "portal",
        Paper = "paper",
        InPerson = "in_person",
    }
}

/// A change recorded by our staff (the actor) for a partner, and how the partner sent it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"partner_id": "0193a1b2-0000-7000-8000-0000000000c1", "channel": "email"}))]
pub struct RecordedFor {
    /// The partner whose document this is.
    pub partner_id: String,
    pub channel: RecordingChannel,
}

impl RecordedFor {
    /// From the stored columns; none unless both are there.
    pub fn from_columns(partner_id: Option<String>, channel: Option<String>) -> Option<Self> {
        Some(RecordedFor {
            partner_id: partner_id?,
            channel: RecordingChannel::parse(&channel?)?,
        })
    }
}
