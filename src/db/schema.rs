//! The one diesel schema, shared by SQLite and PostgreSQL. Column types stay within what both
//! share: text ids (UUIDv7), integers for money and exact quantities, UTC `Timestamp`s.

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        name -> Text,
        role -> Text,
        partner_id -> Nullable<Text>,
        password_hash -> Text,
        disabled -> Bool,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    integration_clients (id) {
        id -> Text,
        name -> Text,
        secret_hash -> Text,
        scopes -> Text,
        partner_id -> Nullable<Text>,
        disabled -> Bool,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> Text,
        family_id -> Text,
        user_id -> Text,
        token_hash -> Text,
        issued_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    partners (id) {
        id -> Text,
        name -> Text,
        legal_name -> Nullable<Text>,
        is_manufacturer -> Bool,
        is_distributor -> Bool,
        is_key_account -> Bool,
        status -> Text,
        gln -> Nullable<Text>,
        tax_id -> Nullable<Text>,
        country -> Nullable<Text>,
        erp_references -> Text,
        relationship_since -> Nullable<Date>,
        account_owner_id -> Nullable<Text>,
        notes -> Nullable<Text>,
        archived_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        segment -> Nullable<Text>,
        search_text -> Nullable<Text>,
        endpoint_scheme -> Nullable<Text>,
        endpoint_id -> Nullable<Text>,
        party_ids -> Text,
        legal_id_scheme -> Nullable<Text>,
        legal_id -> Nullable<Text>,
        address -> Nullable<Text>,
    }
}

diesel::table! {
    company (id) {
        id -> Text,
        legal_name -> Nullable<Text>,
        trading_name -> Nullable<Text>,
        country -> Nullable<Text>,
        address -> Nullable<Text>,
        vat_id -> Nullable<Text>,
        endpoint_scheme -> Nullable<Text>,
        endpoint_id -> Nullable<Text>,
        party_ids -> Text,
        legal_id_scheme -> Nullable<Text>,
        legal_id -> Nullable<Text>,
        contact -> Nullable<Text>,
        version -> BigInt,
        updated_by -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    contacts (id) {
        id -> Text,
        partner_id -> Text,
        name -> Text,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        job_title -> Nullable<Text>,
        is_primary -> Bool,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    interactions (id) {
        id -> Text,
        partner_id -> Text,
        kind -> Text,
        subject -> Text,
        notes -> Nullable<Text>,
        occurred_at -> Timestamp,
        due_date -> Nullable<Date>,
        status -> Text,
        owner_id -> Nullable<Text>,
        created_by -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    events (seq) {
        seq -> BigInt,
        id -> Text,
        occurred_at -> Timestamp,
        event_type -> Text,
        entity_type -> Text,
        entity_id -> Text,
        partner_id -> Nullable<Text>,
        actor_id -> Text,
        data -> Text,
        other_partner_id -> Nullable<Text>,
        recorded_for_partner_id -> Nullable<Text>,
        recorded_via -> Nullable<Text>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Text,
        at -> Timestamp,
        actor_kind -> Text,
        actor_id -> Text,
        action -> Text,
        entity_type -> Text,
        entity_id -> Text,
        partner_id -> Nullable<Text>,
        before -> Nullable<Text>,
        after -> Nullable<Text>,
        request_id -> Nullable<Text>,
        recorded_for_partner_id -> Nullable<Text>,
        recorded_via -> Nullable<Text>,
    }
}

diesel::table! {
    idempotency_keys (principal_id, key) {
        principal_id -> Text,
        key -> Text,
        request_hash -> Text,
        status_code -> Integer,
        response_body -> Text,
        etag -> Nullable<Text>,
        location -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    products (id) {
        id -> Text,
        sku -> Text,
        gtin -> Nullable<Text>,
        gtin14 -> Nullable<Text>,
        name -> Text,
        category -> Text,
        brand_type -> Text,
        base_unit -> Text,
        description -> Nullable<Text>,
        status -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        search_text -> Nullable<Text>,
    }
}

diesel::table! {
    document_sequences (prefix, year) {
        prefix -> Text,
        year -> Integer,
        last_value -> BigInt,
    }
}

diesel::table! {
    orders (id) {
        id -> Text,
        number -> Text,
        direction -> Text,
        order_type -> Text,
        counterparty_id -> Text,
        status -> Text,
        currency -> Text,
        buyer_reference -> Nullable<Text>,
        issue_date -> Date,
        requested_delivery_date -> Nullable<Date>,
        delivery_gln -> Nullable<Text>,
        note -> Nullable<Text>,
        change_sequence -> Integer,
        response_code -> Nullable<Text>,
        response_note -> Nullable<Text>,
        total_minor -> BigInt,
        created_by -> Text,
        submitted_at -> Nullable<Timestamp>,
        responded_at -> Nullable<Timestamp>,
        cancelled_at -> Nullable<Timestamp>,
        cancel_reason -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        buyer_order_number -> Nullable<Text>,
        content_digest -> Nullable<Text>,
        profile -> Text,
        delivery_period_start -> Nullable<Date>,
        delivery_period_end -> Nullable<Date>,
        delivery_location -> Nullable<Text>,
        terms -> Nullable<Text>,
        supplier_override -> Nullable<Text>,
    }
}

diesel::table! {
    order_responses (order_id, sequence) {
        order_id -> Text,
        sequence -> Integer,
        response_number -> Text,
        issue_date -> Date,
        response_code -> Text,
        note -> Nullable<Text>,
        answers_change -> Integer,
        lines -> Text,
        recorded_via -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    order_changes (order_id, sequence) {
        order_id -> Text,
        sequence -> Integer,
        change_number -> Text,
        issue_date -> Date,
        note -> Nullable<Text>,
        lines -> Text,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    order_lines (order_id, line_number) {
        order_id -> Text,
        line_number -> Integer,
        product_id -> Nullable<Text>,
        status -> Text,
        quantity_milli -> BigInt,
        unit -> Text,
        unit_price_minor -> BigInt,
        price_base_milli -> BigInt,
        allowance_minor -> BigInt,
        charge_minor -> BigInt,
        line_amount_minor -> BigInt,
        requested_delivery_date -> Nullable<Date>,
        specification_ref -> Nullable<Text>,
        confirmed_milli -> Nullable<BigInt>,
        delivery_schedule -> Nullable<Text>,
        despatched_milli -> BigInt,
        closed_short_milli -> BigInt,
        received_milli -> BigInt,
        rejected_milli -> BigInt,
        short_milli -> BigInt,
        oversupply_milli -> BigInt,
        invoiced_milli -> BigInt,
        delivery_period_start -> Nullable<Date>,
        delivery_period_end -> Nullable<Date>,
        item_name -> Text,
        item -> Nullable<Text>,
        note -> Nullable<Text>,
        allowance_charges -> Nullable<Text>,
        agreement_id -> Nullable<Text>,
        call_off -> Bool,
        agreed -> Nullable<Text>,
        price_deviation -> Bool,
    }
}

diesel::table! {
    despatch_advices (id) {
        id -> Text,
        number -> Text,
        order_id -> Text,
        despatch_date -> Date,
        expected_delivery_date -> Nullable<Date>,
        carrier -> Nullable<Text>,
        tracking_number -> Nullable<Text>,
        note -> Nullable<Text>,
        status -> Text,
        created_by -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    despatch_lines (despatch_advice_id, line_number) {
        despatch_advice_id -> Text,
        line_number -> Integer,
        delivered_milli -> BigInt,
        outstanding_milli -> BigInt,
        closed_short_milli -> BigInt,
        outstanding_reason -> Nullable<Text>,
    }
}

diesel::table! {
    goods_receipts (id) {
        id -> Text,
        number -> Text,
        order_id -> Text,
        despatch_advice_id -> Text,
        received_date -> Date,
        note -> Nullable<Text>,
        created_by -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    receipt_lines (goods_receipt_id, line_number) {
        goods_receipt_id -> Text,
        line_number -> Integer,
        received_milli -> BigInt,
        rejected_milli -> BigInt,
        short_milli -> BigInt,
        oversupply_milli -> BigInt,
        discrepancy_reason -> Nullable<Text>,
        discrepancy_note -> Nullable<Text>,
    }
}

diesel::table! {
    invoices (id) {
        id -> Text,
        number -> Text,
        invoice_number -> Text,
        seller_key -> Text,
        order_id -> Text,
        counterparty_id -> Text,
        direction -> Text,
        currency -> Text,
        issue_date -> Date,
        due_date -> Nullable<Date>,
        total_minor -> BigInt,
        match_status -> Text,
        exceptions -> Text,
        note -> Nullable<Text>,
        created_by -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    invoice_lines (invoice_id, line_number) {
        invoice_id -> Text,
        line_number -> Integer,
        quantity_milli -> BigInt,
        unit_price_minor -> BigInt,
        price_base_milli -> BigInt,
        line_amount_minor -> BigInt,
    }
}

diesel::table! {
    specifications (id) {
        id -> Text,
        number -> Text,
        product_id -> Text,
        title -> Text,
        created_by -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    spec_versions (spec_id, number) {
        spec_id -> Text,
        number -> Integer,
        status -> Text,
        currency -> Text,
        target_retail_price_minor -> BigInt,
        target_margin_bp -> BigInt,
        target_cost_minor -> BigInt,
        requirements -> Text,
        notes -> Nullable<Text>,
        issued_at -> Nullable<Timestamp>,
        approved_at -> Nullable<Timestamp>,
        approved_by -> Nullable<Text>,
        superseded_at -> Nullable<Timestamp>,
        withdrawn_at -> Nullable<Timestamp>,
        created_by -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    spec_suppliers (spec_id, partner_id) {
        spec_id -> Text,
        partner_id -> Text,
        approved_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    quotes (id) {
        id -> Text,
        spec_id -> Text,
        version_number -> Integer,
        supplier_id -> Text,
        currency -> Text,
        unit_cost_minor -> BigInt,
        target_cost_minor -> BigInt,
        valid_until -> Nullable<Date>,
        lead_time_days -> Nullable<Integer>,
        note -> Nullable<Text>,
        created_by -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    inspections (id) {
        id -> Text,
        number -> Text,
        spec_id -> Text,
        version_number -> Integer,
        supplier_id -> Text,
        kind -> Text,
        lot_reference -> Nullable<Text>,
        inspected_on -> Date,
        verdict -> Text,
        results -> Text,
        note -> Nullable<Text>,
        non_conformance_id -> Nullable<Text>,
        created_by -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    non_conformances (id) {
        id -> Text,
        number -> Text,
        supplier_id -> Text,
        spec_id -> Nullable<Text>,
        inspection_id -> Nullable<Text>,
        description -> Text,
        status -> Text,
        due_date -> Date,
        corrective_action -> Nullable<Text>,
        rejection_reason -> Nullable<Text>,
        proposed_at -> Nullable<Timestamp>,
        verified_at -> Nullable<Timestamp>,
        verified_by -> Nullable<Text>,
        closed_at -> Nullable<Timestamp>,
        created_by -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    returns (id) {
        id -> Text,
        number -> Text,
        product_id -> Text,
        spec_id -> Nullable<Text>,
        spec_version_number -> Nullable<Integer>,
        supplier_id -> Nullable<Text>,
        quantity_milli -> BigInt,
        reason -> Nullable<Text>,
        resolution -> Text,
        returned_on -> Date,
        created_by -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sell_out_reports (id) {
        id -> Text,
        partner_id -> Text,
        period_start -> Date,
        period_end -> Date,
        currency -> Text,
        purpose -> Text,
        revision -> Integer,
        status -> Text,
        supersedes_id -> Nullable<Text>,
        superseded_by_id -> Nullable<Text>,
        reference -> Nullable<Text>,
        line_count -> Integer,
        total_value_minor -> BigInt,
        created_by -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sell_out_lines (report_id, line_number) {
        report_id -> Text,
        line_number -> Integer,
        product_id -> Text,
        location_gln -> Nullable<Text>,
        units_sold_milli -> BigInt,
        value_minor -> BigInt,
        stock_on_hand_milli -> Nullable<BigInt>,
    }
}

diesel::table! {
    wallet_estimates (id) {
        id -> Text,
        partner_id -> Text,
        category -> Text,
        period -> Text,
        period_start -> Date,
        period_end -> Date,
        total_milli -> BigInt,
        unit -> Text,
        source -> Text,
        target_share_bp -> Nullable<Integer>,
        notes -> Nullable<Text>,
        entered_by -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    monthly_supply (direction, basis, partner_id, month, product_id, unit) {
        direction -> Text,
        basis -> Text,
        partner_id -> Text,
        month -> Date,
        product_id -> Text,
        unit -> Text,
        quantity_milli -> BigInt,
    }
}

diesel::table! {
    promotions (id) {
        id -> Text,
        number -> Text,
        name -> Text,
        sponsor_id -> Nullable<Text>,
        channel_partner_id -> Text,
        mechanic -> Text,
        terms -> Text,
        start_date -> Date,
        end_date -> Date,
        segment_brand_preference -> Nullable<Text>,
        segment_usage -> Nullable<Text>,
        currency -> Text,
        budget_minor -> BigInt,
        sponsor_share_bp -> Integer,
        channel_share_bp -> Integer,
        baseline_milli -> BigInt,
        status -> Text,
        sponsor_approved_by -> Nullable<Text>,
        sponsor_approved_at -> Nullable<Timestamp>,
        channel_approved_by -> Nullable<Text>,
        channel_approved_at -> Nullable<Timestamp>,
        overlap_flags -> Text,
        notes -> Nullable<Text>,
        cancel_reason -> Nullable<Text>,
        cancelled_at -> Nullable<Timestamp>,
        settled_at -> Nullable<Timestamp>,
        created_by -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    promotion_products (promotion_id, product_id) {
        promotion_id -> Text,
        product_id -> Text,
    }
}

diesel::table! {
    promotion_claims (id) {
        id -> Text,
        number -> Text,
        promotion_id -> Text,
        units_milli -> BigInt,
        amount_minor -> BigInt,
        status -> Text,
        reference -> Nullable<Text>,
        note -> Nullable<Text>,
        submitted_by -> Text,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        rejection_reason -> Nullable<Text>,
        payment_reference -> Nullable<Text>,
        paid_by -> Nullable<Text>,
        paid_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    scorecard_weights (id) {
        id -> Integer,
        on_time_delivery -> Integer,
        fill_rate -> Integer,
        quality -> Integer,
        responsiveness -> Integer,
        invoice_accuracy -> Integer,
        version -> BigInt,
        updated_by -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    tier_ladders (version) {
        version -> BigInt,
        currency -> Text,
        tiers -> Text,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    tier_changes (id) {
        id -> Text,
        partner_id -> Text,
        from_tier -> Nullable<Text>,
        to_tier -> Text,
        reason -> Text,
        effective_from -> Date,
        status -> Text,
        proposed_by -> Text,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        decision_note -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    development_plans (id) {
        id -> Text,
        partner_id -> Text,
        title -> Text,
        goals -> Text,
        target_tier -> Nullable<Text>,
        target_share_bp -> Nullable<Integer>,
        status -> Text,
        owner_id -> Nullable<Text>,
        created_by -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    plan_actions (plan_id, number) {
        plan_id -> Text,
        number -> Integer,
        description -> Text,
        owner_id -> Text,
        due_date -> Date,
        status -> Text,
    }
}

diesel::table! {
    webhook_subscriptions (id) {
        id -> Text,
        url -> Text,
        event_types -> Text,
        description -> Nullable<Text>,
        enabled -> Bool,
        disabled_reason -> Nullable<Text>,
        partner_id -> Nullable<Text>,
        owner_kind -> Text,
        owner_id -> Text,
        secret -> Text,
        previous_secret -> Nullable<Text>,
        previous_secret_until -> Nullable<Timestamp>,
        failing_since -> Nullable<Timestamp>,
        lease_owner -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
        created_by -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Text,
        subscription_id -> Text,
        position -> BigInt,
        event_seq -> Nullable<BigInt>,
        event_type -> Text,
        payload -> Nullable<Text>,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Nullable<Timestamp>,
        last_attempt_at -> Nullable<Timestamp>,
        last_status_code -> Nullable<Integer>,
        last_error -> Nullable<Text>,
        last_response_excerpt -> Nullable<Text>,
        delivered_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    overdue_alerts (entity_type, entity_id, due_date) {
        entity_type -> Text,
        entity_id -> Text,
        due_date -> Date,
        announced_at -> Timestamp,
    }
}

diesel::joinable!(monthly_supply -> products (product_id));
diesel::joinable!(plan_actions -> development_plans (plan_id));
diesel::joinable!(webhook_deliveries -> webhook_subscriptions (subscription_id));
diesel::joinable!(promotion_products -> promotions (promotion_id));
diesel::joinable!(promotion_claims -> promotions (promotion_id));
diesel::joinable!(contacts -> partners (partner_id));
diesel::joinable!(sell_out_lines -> sell_out_reports (report_id));
diesel::joinable!(sell_out_lines -> products (product_id));
diesel::joinable!(interactions -> partners (partner_id));
diesel::joinable!(orders -> partners (counterparty_id));
diesel::joinable!(order_lines -> orders (order_id));
diesel::joinable!(order_responses -> orders (order_id));
diesel::joinable!(order_changes -> orders (order_id));
diesel::joinable!(order_lines -> products (product_id));
diesel::joinable!(spec_suppliers -> specifications (spec_id));
diesel::joinable!(spec_versions -> specifications (spec_id));

diesel::table! {
    login_failures (key) {
        key -> Text,
        failures -> BigInt,
        last_failure_at -> Timestamp,
    }
}

diesel::table! {
    event_inbox (position) {
        position -> BigInt,
        id -> Text,
        occurred_at -> Timestamp,
        event_type -> Text,
        entity_type -> Text,
        entity_id -> Text,
        partner_id -> Nullable<Text>,
        other_partner_id -> Nullable<Text>,
        actor_id -> Text,
        data -> Text,
        recorded_for_partner_id -> Nullable<Text>,
        recorded_via -> Nullable<Text>,
    }
}

diesel::table! {
    periodic_jobs (name) {
        name -> Text,
        last_run_at -> Timestamp,
        run_by -> Text,
    }
}

diesel::table! {
    write_quotas (key) {
        key -> Text,
        window_start -> Timestamp,
        writes -> BigInt,
    }
}

diesel::table! {
    received_documents (id) {
        id -> Text,
        order_id -> Text,
        transaction_id -> Text,
        document_number -> Text,
        created_path -> Text,
        sha256 -> Text,
        body -> Binary,
        received_by -> Text,
        received_at -> Timestamp,
    }
}

diesel::joinable!(received_documents -> orders (order_id));
diesel::joinable!(invoice_lines -> invoices (invoice_id));

diesel::allow_tables_to_appear_in_same_query!(
    rebate_entries,
    agreements,
    agreement_versions,
    agreement_lines,
    received_documents,
    order_responses,
    order_changes,
    company,
    login_failures,
    periodic_jobs,
    event_inbox,
    write_quotas,
    monthly_supply,
    users,
    integration_clients,
    refresh_tokens,
    partners,
    contacts,
    interactions,
    events,
    audit_log,
    idempotency_keys,
    products,
    document_sequences,
    orders,
    order_lines,
    despatch_advices,
    despatch_lines,
    goods_receipts,
    receipt_lines,
    invoices,
    invoice_lines,
    specifications,
    spec_versions,
    spec_suppliers,
    quotes,
    inspections,
    non_conformances,
    returns,
    sell_out_reports,
    sell_out_lines,
    wallet_estimates,
    promotions,
    promotion_products,
    promotion_claims,
    scorecard_weights,
    tier_ladders,
    tier_changes,
    development_plans,
    plan_actions,
    webhook_subscriptions,
    webhook_deliveries,
    overdue_alerts,
);

diesel::table! {
    agreements (id) {
        id -> Text,
        number -> Text,
        partner_id -> Text,
        direction -> Text,
        status -> Text,
        latest_version -> Integer,
        notes -> Nullable<Text>,
        created_by -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    agreement_versions (agreement_id, version_number) {
        agreement_id -> Text,
        version_number -> Integer,
        status -> Text,
        currency -> Text,
        valid_from -> Date,
        valid_to -> Nullable<Date>,
        payment_terms_days -> Nullable<Integer>,
        incoterms -> Nullable<Text>,
        incoterms_place -> Nullable<Text>,
        rebate -> Nullable<Text>,
        notes -> Nullable<Text>,
        proposed_by -> Text,
        proposed_at -> Timestamp,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        decision_notes -> Nullable<Text>,
    }
}

diesel::table! {
    agreement_lines (agreement_id, version_number, line_number) {
        agreement_id -> Text,
        version_number -> Integer,
        line_number -> Integer,
        product_id -> Text,
        unit_price_minor -> BigInt,
        price_base_milli -> BigInt,
        minimum_order_milli -> BigInt,
        quantity_breaks -> Nullable<Text>,
        committed_milli -> Nullable<BigInt>,
    }
}

diesel::table! {
    rebate_entries (id) {
        id -> Text,
        agreement_id -> Text,
        partner_id -> Text,
        kind -> Text,
        year_start -> Date,
        year_end -> Date,
        invoice_id -> Nullable<Text>,
        agreement_version -> Integer,
        currency -> Text,
        matched_value_minor -> BigInt,
        earned_minor -> BigInt,
        amount_minor -> BigInt,
        notes -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(agreement_versions -> agreements (agreement_id));
diesel::joinable!(agreements -> partners (partner_id));
