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

diesel::joinable!(contacts -> partners (partner_id));
diesel::joinable!(interactions -> partners (partner_id));

diesel::allow_tables_to_appear_in_same_query!(
    users,
    integration_clients,
    refresh_tokens,
    partners,
    contacts,
    interactions,
    events,
    audit_log,
    idempotency_keys,
);
