//! Whose document it is: one of its two parties must be our company (by endpoint), the other a
//! partner. An order whose buyer is us is a purchase order (our ERP handing it over); one whose
//! seller is us is a sales order from the partner that buys.

use crate::orders::model::Direction;
use crate::participants::ParticipantId;
use crate::refusal::FieldError;

/// The buyer's and seller's endpoints as a document names them, with the element paths.
pub struct DocumentParties<'a> {
    pub root: &'a str,
    /// The elements of the buyer's and the seller's parties (`BuyerCustomerParty`,
    /// `SellerSupplierParty`; a despatch advice's `DeliveryCustomerParty`,
    /// `DespatchSupplierParty`).
    pub roles: (&'a str, &'a str),
    pub buyer: &'a ParticipantId,
    pub seller: &'a ParticipantId,
}

/// The parties' elements in an order and an order response.
pub const ORDER_ROLES: (&str, &str) = ("BuyerCustomerParty", "SellerSupplierParty");
/// The parties' elements in a despatch advice.
pub const DESPATCH_ROLES: (&str, &str) = ("DeliveryCustomerParty", "DespatchSupplierParty");

/// Which side we are on, and the partner's endpoint with its element path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sides {
    pub direction: Direction,
    pub partner_endpoint: ParticipantId,
    pub partner_path: String,
}

impl DocumentParties<'_> {
    fn path(&self, role: &str) -> String {
        format!("/{}/cac:{role}/cac:Party/cbc:EndpointID", self.root)
    }

    /// Decides the sides against our own endpoint; a document addressed to neither side of us
    /// is refused naming the seller's endpoint (whom an order is sent to).
    pub fn sides(&self, ours: Option<&ParticipantId>) -> Result<Sides, FieldError> {
        let seller_path = self.path(self.roles.1);
        let Some(ours) = ours else {
            return Err(FieldError::new(
                seller_path,
                "our company has no endpoint yet: an admin sets it with PUT /api/v1/company",
            ));
        };
        if self.buyer == ours && self.seller == ours {
            return Err(FieldError::new(
                seller_path,
                "buyer and seller are both our company",
            ));
        }
        if self.buyer == ours {
            return Ok(Sides {
                direction: Direction::Purchase,
                partner_endpoint: self.seller.clone(),
                partner_path: seller_path,
            });
        }
        if self.seller == ours {
            return Ok(Sides {
                direction: Direction::Sales,
                partner_endpoint: self.buyer.clone(),
                partner_path: self.path(self.roles.0),
            });
        }
        Err(FieldError::new(
            seller_path,
            format!(
                "{}:{} is not our endpoint ({}:{}), and neither is the buyer's",
                self.seller.scheme, self.seller.id, ours.scheme, ours.id
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> ParticipantId {
        ParticipantId::new("0088", s)
    }

    #[test]
    fn our_buyer_endpoint_makes_a_purchase_order_and_our_seller_endpoint_a_sales_order() {
        let (us, them) = (id("5790000435975"), id("5690000000015"));
        let bought = DocumentParties {
            root: "Order",
            roles: ORDER_ROLES,
            buyer: &us,
            seller: &them,
        };
        let sides = bought.sides(Some(&us)).unwrap();
        assert_eq!(sides.direction, Direction::Purchase);
        assert_eq!(sides.partner_endpoint, them);
        assert_eq!(
            sides.partner_path,
            "/Order/cac:SellerSupplierParty/cac:Party/cbc:EndpointID"
        );
        let sold = DocumentParties {
            root: "Order",
            roles: ORDER_ROLES,
            buyer: &them,
            seller: &us,
        };
        let sides = sold.sides(Some(&us)).unwrap();
        assert_eq!(sides.direction, Direction::Sales);
        assert_eq!(
            sides.partner_path,
            "/Order/cac:BuyerCustomerParty/cac:Party/cbc:EndpointID"
        );
    }

    #[test]
    fn a_document_not_addressed_to_us_is_refused_naming_the_seller() {
        let (us, a, b) = (
            id("5790000435975"),
            id("5690000000015"),
            id("4000001000005"),
        );
        let other = DocumentParties {
            root: "Order",
            roles: ORDER_ROLES,
            buyer: &a,
            seller: &b,
        };
        let e = other.sides(Some(&us)).unwrap_err();
        assert_eq!(
            e.field,
            "/Order/cac:SellerSupplierParty/cac:Party/cbc:EndpointID"
        );
        assert!(e.message.contains("is not our endpoint"), "{}", e.message);
        assert!(other
            .sides(None)
            .unwrap_err()
            .message
            .contains("PUT /api/v1/company"));
        let both = DocumentParties {
            root: "Order",
            roles: ORDER_ROLES,
            buyer: &us,
            seller: &us,
        };
        assert!(both.sides(Some(&us)).is_err());
    }
}
