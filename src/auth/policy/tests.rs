use super::*;

fn user(role: Role, partner: Option<&str>) -> Principal {
    Principal {
        id: "u".into(),
        kind: PrincipalKind::User,
        role: Some(role),
        scopes: vec![],
        partner_id: partner.map(str::to_string),
        request_id: None,
        session_id: None,
    }
}

fn client(scopes: Vec<Scope>, partner: Option<&str>) -> Principal {
    Principal {
        id: "c".into(),
        kind: PrincipalKind::Client,
        role: None,
        scopes,
        partner_id: partner.map(str::to_string),
        request_id: None,
        session_id: None,
    }
}

const MANUFACTURER: PartnerRoles = PartnerRoles {
    manufacturer: true,
    distributor: false,
    key_account: false,
};
const DISTRIBUTOR: PartnerRoles = PartnerRoles {
    manufacturer: false,
    distributor: true,
    key_account: false,
};

#[test]
fn partner_principals_see_only_their_own() {
    assert_eq!(
        read_partners(&user(Role::PartnerUser, Some("A"))).unwrap(),
        Access::Partner("A".into())
    );
    assert_eq!(
        read_partners(&user(Role::Analyst, None)).unwrap(),
        Access::All
    );
    assert!(read_partners(&user(Role::PartnerUser, None)).is_err());
    assert!(read_partners(&client(vec![Scope::EventsRead], None)).is_err());
    assert_eq!(
        read_partners(&client(vec![Scope::PartnersWrite], Some("B"))).unwrap(),
        Access::Partner("B".into())
    );
}

#[test]
fn staff_write_rights_follow_partner_roles() {
    assert!(manage_partner(&user(Role::Buyer, None), MANUFACTURER).is_ok());
    assert!(manage_partner(&user(Role::Buyer, None), DISTRIBUTOR).is_err());
    assert!(manage_partner(&user(Role::AccountManager, None), DISTRIBUTOR).is_ok());
    assert!(manage_partner(&user(Role::AccountManager, None), MANUFACTURER).is_err());
    assert!(manage_partner(&user(Role::Analyst, None), MANUFACTURER).is_err());
    assert!(manage_partner(&user(Role::Admin, None), MANUFACTURER).is_ok());
    assert!(manage_partner(&user(Role::PartnerAdmin, Some("A")), MANUFACTURER).is_err());
    assert!(manage_partner(&client(vec![Scope::PartnersWrite], None), MANUFACTURER).is_ok());
    assert!(manage_partner(&client(vec![Scope::PartnersWrite], Some("A")), MANUFACTURER).is_err());
    assert!(manage_partner(&client(vec![Scope::PartnersRead], None), MANUFACTURER).is_err());
}

#[test]
fn partner_admins_keep_their_own_contacts() {
    assert!(manage_contacts(&user(Role::PartnerAdmin, Some("A")), "A", MANUFACTURER).is_ok());
    assert!(manage_contacts(&user(Role::PartnerAdmin, Some("A")), "B", MANUFACTURER).is_err());
    assert!(manage_contacts(&user(Role::PartnerUser, Some("A")), "A", MANUFACTURER).is_err());
    assert!(manage_contacts(&user(Role::Buyer, None), "A", MANUFACTURER).is_ok());
}

#[test]
fn partner_people_may_only_complain() {
    assert!(log_interaction(&user(Role::PartnerUser, Some("A")), "A", MANUFACTURER, true).is_ok());
    assert!(log_interaction(
        &user(Role::PartnerUser, Some("A")),
        "A",
        MANUFACTURER,
        false
    )
    .is_err());
    assert!(log_interaction(&user(Role::Buyer, None), "A", MANUFACTURER, false).is_ok());
    assert!(update_interaction(&user(Role::PartnerAdmin, Some("A")), MANUFACTURER).is_err());
}

#[test]
fn admin_and_audit_rights() {
    assert!(admin_only(&user(Role::Admin, None)).is_ok());
    assert!(admin_only(&user(Role::Analyst, None)).is_err());
    assert!(read_audit_log(&user(Role::Analyst, None)).is_ok());
    assert!(read_audit_log(&user(Role::Buyer, None)).is_err());
    assert!(read_events(&client(vec![Scope::EventsRead], Some("A"))).is_ok());
}

#[test]
fn catalogue_is_read_by_all_and_kept_by_staff() {
    assert!(read_products(&user(Role::PartnerUser, Some("A"))).is_ok());
    assert!(read_products(&client(vec![Scope::OrdersRead], None)).is_err());
    assert!(manage_products(&user(Role::Buyer, None)).is_ok());
    assert!(manage_products(&user(Role::Analyst, None)).is_err());
    assert!(manage_products(&user(Role::PartnerAdmin, Some("A"))).is_err());
    assert!(manage_products(&client(vec![Scope::ProductsWrite], None)).is_ok());
    assert!(manage_products(&client(vec![Scope::ProductsWrite], Some("A"))).is_err());
}

#[test]
fn quality_work_is_split_between_staff_and_suppliers() {
    assert!(manage_specs(&user(Role::Buyer, None)).is_ok());
    assert!(manage_specs(&user(Role::AccountManager, None)).is_err());
    assert!(manage_specs(&user(Role::PartnerAdmin, Some("A"))).is_err());
    assert_eq!(
        act_as_supplier(&user(Role::PartnerUser, Some("A"))).unwrap(),
        Some("A".to_string())
    );
    assert_eq!(act_as_supplier(&user(Role::Buyer, None)).unwrap(), None);
    assert!(act_as_supplier(&user(Role::Analyst, None)).is_err());
    assert!(act_as_supplier(&client(vec![Scope::SpecsRead], Some("A"))).is_err());
    assert!(record_returns(&user(Role::AccountManager, None)).is_ok());
    assert!(record_returns(&user(Role::PartnerUser, Some("A"))).is_err());
    assert_eq!(
        read_specs(&user(Role::PartnerUser, Some("A"))).unwrap(),
        Access::Partner("A".into())
    );
}

#[test]
fn channel_data_is_shared_and_estimates_are_internal() {
    let own = user(Role::PartnerUser, Some("A"));
    assert!(report_sell_out(&own, "A").is_ok());
    assert!(report_sell_out(&own, "B").is_err());
    assert!(report_sell_out(&user(Role::AccountManager, None), "A").is_ok());
    assert!(report_sell_out(&user(Role::Buyer, None), "A").is_err());
    assert!(report_sell_out(&client(vec![Scope::ChannelWrite], Some("A")), "A").is_ok());
    assert!(report_sell_out(&client(vec![Scope::ChannelRead], Some("A")), "A").is_err());
    assert_eq!(read_sell_out(&own).unwrap(), Access::Partner("A".into()));
    assert!(read_wallet_estimates(&own).is_err());
    assert!(read_wallet_estimates(&user(Role::Analyst, None)).is_ok());
    assert!(read_wallet_estimates(&client(vec![Scope::ChannelRead], Some("A"))).is_err());
    assert!(manage_wallet_estimates(&user(Role::AccountManager, None)).is_ok());
    assert!(manage_wallet_estimates(&user(Role::Analyst, None)).is_err());
    assert!(manage_wallet_estimates(&client(vec![Scope::ChannelWrite], None)).is_ok());
    assert!(read_internal_analytics(&user(Role::Buyer, None)).is_ok());
    assert!(read_internal_analytics(&own).is_err());
    assert!(read_internal_analytics(&client(vec![Scope::ChannelRead], None)).is_err());
    assert!(read_internal_analytics(&client(vec![Scope::AnalyticsRead], None)).is_ok());
    assert_eq!(read_analytics(&own).unwrap(), Access::Partner("A".into()));
}

#[test]
fn promotions_are_acted_on_by_their_two_sides() {
    let maker = user(Role::PartnerUser, Some("M"));
    let shop = user(Role::PartnerUser, Some("S"));
    let stranger = user(Role::PartnerAdmin, Some("X"));
    let am = user(Role::AccountManager, None);
    // A manufacturer sponsors at a channel partner.
    assert_eq!(
        promotion_side(&maker, Some("M"), "S").unwrap(),
        PromotionSide::Sponsor
    );
    assert_eq!(
        promotion_side(&shop, Some("M"), "S").unwrap(),
        PromotionSide::Channel
    );
    assert!(promotion_side(&stranger, Some("M"), "S").is_err());
    assert!(promotion_side(&am, Some("M"), "S").is_err());
    assert!(plan_promotion(&am, Some("M"), "S").is_ok());
    assert!(plan_promotion(&user(Role::Buyer, None), Some("M"), "S").is_err());
    assert!(plan_promotion(&stranger, Some("M"), "S").is_err());
    // The host company sponsors its own brand.
    assert_eq!(
        promotion_side(&am, None, "S").unwrap(),
        PromotionSide::Sponsor
    );
    assert!(promotion_side(&user(Role::Analyst, None), None, "S").is_err());
    assert!(decide_claim(&am, None, "S").is_ok());
    assert!(decide_claim(&shop, None, "S").is_err());
    assert!(decide_claim(&maker, Some("M"), "S").is_ok());
    assert!(submit_claim(&shop, Some("M"), "S").is_ok());
    assert!(submit_claim(&maker, Some("M"), "S").is_err());
    assert!(settle_promotion(&shop, Some("M"), "S").is_err());
    assert!(settle_promotion(&maker, Some("M"), "S").is_ok());
    let erp = client(vec![Scope::PromotionsWrite], Some("S"));
    assert_eq!(
        promotion_side(&erp, Some("M"), "S").unwrap(),
        PromotionSide::Channel
    );
    assert!(promotion_side(
        &client(vec![Scope::PromotionsRead], Some("S")),
        Some("M"),
        "S"
    )
    .is_err());
    assert_eq!(read_promotions(&shop).unwrap(), Access::Partner("S".into()));
    assert!(read_promotions(&client(vec![Scope::ChannelRead], None)).is_err());
}

#[test]
fn relationships_are_internal_but_a_partner_sees_its_own_card_and_tier() {
    let own = user(Role::PartnerUser, Some("A"));
    assert_eq!(read_scorecards(&own).unwrap(), Access::Partner("A".into()));
    assert!(read_relationships(&own).is_err());
    assert!(read_relationships(&user(Role::Analyst, None)).is_ok());
    assert!(read_relationships(&client(vec![Scope::RelationshipsRead], Some("A"))).is_err());
    assert!(read_relationships(&client(vec![Scope::RelationshipsWrite], None)).is_ok());
    assert!(manage_relationships(&user(Role::Buyer, None)).is_ok());
    assert!(manage_relationships(&user(Role::Analyst, None)).is_err());
    assert!(manage_relationships(&own).is_err());
    assert!(manage_relationships(&client(vec![Scope::RelationshipsRead], None)).is_err());
    let distributor = PartnerRoles {
        distributor: true,
        ..Default::default()
    };
    assert!(propose_tier_change(&user(Role::Buyer, None), distributor).is_err());
    assert!(decide_tier_change(&user(Role::Buyer, None), distributor).is_err());
    assert!(propose_tier_change(&user(Role::AccountManager, None), distributor).is_ok());
    assert!(decide_tier_change(&user(Role::AccountManager, None), distributor).is_ok());
    let host = client(vec![Scope::RelationshipsWrite], None);
    assert!(propose_tier_change(&host, distributor).is_ok());
    assert!(decide_tier_change(&host, distributor).is_err());
}

#[test]
fn order_parties_follow_remit_and_organisation() {
    let purchase = true;
    assert_eq!(
        order_party(&user(Role::Buyer, None), purchase, "A").unwrap(),
        Party::Host
    );
    assert!(order_party(&user(Role::Buyer, None), !purchase, "A").is_err());
    assert_eq!(
        order_party(&user(Role::AccountManager, None), !purchase, "A").unwrap(),
        Party::Host
    );
    assert!(order_party(&user(Role::AccountManager, None), purchase, "A").is_err());
    assert!(order_party(&user(Role::Analyst, None), purchase, "A").is_err());
    assert_eq!(
        order_party(&user(Role::PartnerUser, Some("A")), purchase, "A").unwrap(),
        Party::Counterparty
    );
    assert!(order_party(&user(Role::PartnerUser, Some("B")), purchase, "A").is_err());
    assert_eq!(
        order_party(&client(vec![Scope::OrdersWrite], Some("A")), !purchase, "A").unwrap(),
        Party::Counterparty
    );
    assert!(order_party(&client(vec![Scope::OrdersRead], Some("A")), purchase, "A").is_err());
    assert_eq!(
        order_party(&client(vec![Scope::OrdersWrite], None), purchase, "A").unwrap(),
        Party::Host
    );
}
