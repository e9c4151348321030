use super::order::read_order;
use super::syntax::Order;

/// The repository's own T01 fixture.
fn fixture() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/ubl/order-t01.xml"
    ))
    .expect("the fixture")
}

#[test]
fn an_order_reads_by_local_name_with_every_term_prm_holds() {
    let o: Order = quick_xml::de::from_str(&fixture()).expect("a T01 order");
    assert_eq!(o.ID.as_deref(), Some("HL-4711"));
    assert_eq!(
        o.CustomizationID.as_deref(),
        Some(super::bis::T01_ORDER.customization_id)
    );
    assert_eq!(o.DocumentCurrencyCode.unwrap().value, "EUR");
    let buyer = o.BuyerCustomerParty.unwrap().Party.unwrap();
    let endpoint = buyer.EndpointID.unwrap();
    assert_eq!(
        (endpoint.scheme.as_deref(), endpoint.value.as_str()),
        (Some("0088"), "5690000000015")
    );
    assert_eq!(
        buyer.PartyLegalEntity.unwrap().RegistrationName.as_deref(),
        Some("Harbour Hotels A/S")
    );
    let seller = o.SellerSupplierParty.unwrap().Party.unwrap();
    let country = seller
        .PostalAddress
        .unwrap()
        .Country
        .unwrap()
        .IdentificationCode
        .unwrap();
    assert_eq!(country.value, "NO");
    let delivery = o.Delivery.unwrap();
    assert_eq!(
        delivery.DeliveryLocation.unwrap().ID.unwrap().value,
        "05690000000015"
    );
    assert_eq!(
        delivery.RequestedDeliveryPeriod.unwrap().EndDate.as_deref(),
        Some("2026-12-16")
    );
    assert_eq!(o.OrderLine.len(), 2);
    let first = &o.OrderLine[0];
    assert_eq!(first.Note.as_deref(), Some("White only"));
    let item = first.LineItem.as_ref().unwrap();
    assert_eq!(item.Quantity.as_ref().unwrap().unit.as_deref(), Some("H87"));
    assert_eq!(item.Quantity.as_ref().unwrap().value, "120");
    assert_eq!(
        item.AllowanceCharge[0].Amount.as_ref().unwrap().value,
        "60.00"
    );
    let what = item.Item.as_ref().unwrap();
    assert_eq!(
        what.AdditionalItemProperty[0].Value.as_deref(),
        Some("White")
    );
    let second = o.OrderLine[1].LineItem.as_ref().unwrap();
    assert_eq!(
        second.Item.as_ref().unwrap().CommodityClassification[0]
            .ItemClassificationCode
            .as_ref()
            .unwrap()
            .list
            .as_deref(),
        Some("MP")
    );
    assert_eq!(
        second
            .Delivery
            .as_ref()
            .unwrap()
            .RequestedDeliveryPeriod
            .as_ref()
            .unwrap()
            .EndDate
            .as_deref(),
        Some("2026-12-20")
    );
}

/// The OpenPEPPOL examples, when the shared folder is there (they are not ours to copy).
#[test]
fn the_peppol_example_orders_read() {
    let root = std::env::var("PRM_PEPPOL_DIR").unwrap_or_else(|_| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/peppol/poacc-upgrade-3"
        )
        .into()
    });
    let dir = std::path::Path::new(&root).join("rules/examples/Order use cases");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        assert!(
            std::env::var("PRM_PEPPOL_EXAMPLES").as_deref() != Ok("required"),
            "{} is absent",
            dir.display()
        );
        println!(
            "skipped: {} is absent (the PEPPOL examples are read, never copied)",
            dir.display()
        );
        return;
    };
    let mut read = 0;
    for entry in entries.flatten() {
        let text = std::fs::read_to_string(entry.path()).expect("an example");
        let o: Order = quick_xml::de::from_str(&text)
            .unwrap_or_else(|e| panic!("{}: {e}", entry.path().display()));
        // Every example keeps every rule prm enforces.
        let mapped = read_order(&o).unwrap_or_else(|e| panic!("{}: {e:?}", entry.path().display()));
        assert_eq!(
            mapped.body["lines"].as_array().map(Vec::len),
            Some(o.OrderLine.len()),
            "{}",
            entry.path().display()
        );
        read += 1;
    }
    assert!(read >= 2, "the UC1 and UC2 orders");
}

fn read(xml: &str) -> Result<super::order::ReadOrder, Vec<crate::refusal::FieldError>> {
    let o: Order = quick_xml::de::from_str(xml).expect("well-formed");
    read_order(&o)
}

#[test]
fn an_order_maps_to_the_json_api_body() {
    let r = read(&fixture()).expect("no breaches");
    let b = &r.body;
    assert_eq!(b["buyer_order_number"], "HL-4711");
    assert_eq!(b["profile"], "ordering");
    assert_eq!(b["order_type"], "order");
    assert_eq!(b["currency"], "EUR");
    assert_eq!(b["issue_date"], "2026-11-30");
    assert_eq!(b["buyer_reference"], "CC-LINEN");
    assert_eq!(b["requested_delivery_period"]["end_date"], "2026-12-16");
    assert_eq!(b["delivery_location"]["id"]["id"], "05690000000015");
    assert_eq!(b["delivery_location"]["address"]["country"], "DK");
    let first = &b["lines"][0];
    assert_eq!(first["line_number"], 1);
    assert_eq!(first["quantity"], "120");
    assert_eq!(first["unit"], "H87");
    assert_eq!(first["unit_price_minor"], 950);
    assert_eq!(first["price_base_quantity"], "1");
    assert_eq!(first["allowance_charges"][0]["amount_minor"], 6000);
    assert_eq!(first["allowance_charges"][0]["reason_code"], "95");
    assert_eq!(first["note"], "White only");
    assert_eq!(first["item"]["name"], "Bath towel");
    assert_eq!(first["item"]["properties"][0]["value"], "White");
    assert_eq!(
        b["lines"][1]["requested_delivery_period"]["end_date"],
        "2026-12-20"
    );
    assert_eq!(
        r.buyer_endpoint,
        crate::participants::ParticipantId::new("0088", "5690000000015")
    );
    assert_eq!(
        r.seller_endpoint,
        crate::participants::ParticipantId::new("0192", "987654325")
    );
    assert_eq!(r.lines[0].sellers_item_id.as_deref(), Some("NLM-BT-70"));
    assert_eq!(r.lines[1].gtin.as_deref(), Some("08722700575887"));
}

#[test]
fn a_price_finer_than_the_minor_unit_scales_its_base() {
    let xml = fixture()
        .replace(">9.50</cbc:PriceAmount>", ">9.5025</cbc:PriceAmount>")
        .replace(
            ">1080.00</cbc:LineExtensionAmount>",
            ">1080.30</cbc:LineExtensionAmount>",
        )
        .replace(
            ">1657.50</cbc:LineExtensionAmount>",
            ">1657.80</cbc:LineExtensionAmount>",
        );
    let r = read(&xml).expect("no breaches");
    assert_eq!(r.body["lines"][0]["unit_price_minor"], 95025);
    assert_eq!(r.body["lines"][0]["price_base_quantity"], "100");
}

/// Seeded breaches, each refused with its rule id and the element's path.
#[test]
fn every_breach_names_its_rule_and_path() {
    let cases: &[(&str, &str, &str, &str)] = &[
        (">1080.00</cbc:LineExtensionAmount>", ">1080.01</cbc:LineExtensionAmount>",
         "PEPPOL-T01-R024", "/Order/cac:OrderLine[1]/cac:LineItem/cbc:LineExtensionAmount"),
        (">1657.50</cbc:LineExtensionAmount>", ">1657.49</cbc:LineExtensionAmount>",
         "PEPPOL-T01-R008", "/Order/cac:AnticipatedMonetaryTotal/cbc:LineExtensionAmount"),
        ("<cbc:PriceAmount currencyID=\"EUR\">38.50", "<cbc:PriceAmount currencyID=\"SEK\">38.50",
         "PEPPOL-T01-R003", "/Order/cac:OrderLine[2]/cac:LineItem/cac:Price/cbc:PriceAmount/@currencyID"),
        ("unitCode=\"XBX\"", "unitCode=\"BX\"",
         "PEPPOL-T01-CODELIST", "/Order/cac:OrderLine[2]/cac:LineItem/cbc:Quantity/@unitCode"),
        ("<cbc:DocumentCurrencyCode>EUR", "<cbc:DocumentCurrencyCode>EUX",
         "PEPPOL-T01-CODELIST", "/Order/cbc:DocumentCurrencyCode"),
        ("<cbc:EndpointID schemeID=\"0088\">5690000000015", "<cbc:EndpointID schemeID=\"0088\">5690000000016",
         "PEPPOL-COMMON-R040", "/Order/cac:BuyerCustomerParty/cac:Party/cbc:EndpointID"),
        ("<cbc:EndpointID schemeID=\"0192\">987654325", "<cbc:EndpointID schemeID=\"0192\">987654324",
         "PEPPOL-COMMON-R041", "/Order/cac:SellerSupplierParty/cac:Party/cbc:EndpointID"),
        ("<cbc:EndpointID schemeID=\"0192\">", "<cbc:EndpointID schemeID=\"0001\">",
         "PEPPOL-T01-CODELIST", "/Order/cac:SellerSupplierParty/cac:Party/cbc:EndpointID/@schemeID"),
        ("<cbc:RegistrationName>Harbour Hotels A/S</cbc:RegistrationName>", "",
         "PEPPOL-T01-SYNTAX", "/Order/cac:BuyerCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName"),
        ("<cbc:ID>HL-4711</cbc:ID>", "", "PEPPOL-T01-SYNTAX", "/Order/cbc:ID"),
        ("<cbc:Name>Pillow cases, box of 10</cbc:Name>", "",
         "PEPPOL-T01-SYNTAX", "/Order/cac:OrderLine[2]/cac:LineItem/cac:Item/cbc:Name"),
        ("<cbc:ID>2</cbc:ID>", "<cbc:ID>1</cbc:ID>",
         "PEPPOL-T01-R001", "/Order/cac:OrderLine[2]/cac:LineItem/cbc:ID"),
        ("<cbc:AllowanceChargeReasonCode>95</cbc:AllowanceChargeReasonCode>\n        <cbc:AllowanceChargeReason>Volume discount</cbc:AllowanceChargeReason>", "",
         "PEPPOL-T01-R023", "/Order/cac:OrderLine[1]/cac:LineItem/cac:AllowanceCharge[1]"),
        ("<cbc:OrderTypeCode>220", "<cbc:OrderTypeCode>999",
         "PEPPOL-T01-CODELIST", "/Order/cbc:OrderTypeCode"),
        ("poacc:trns:order:3", "poacc:trns:order:2", "PEPPOL-T01-SYNTAX", "/Order/cbc:CustomizationID"),
    ];
    for (from, to, rule, path) in cases {
        let xml = fixture();
        assert!(xml.contains(from), "the fixture has {from}");
        let errors = read(&xml.replacen(from, to, 1)).expect_err(from);
        assert!(
            errors
                .iter()
                .any(|e| e.rule.as_deref() == Some(*rule) && e.field == *path),
            "{from} → expected {rule} at {path}, got {errors:?}"
        );
    }
}
