use std::net::IpAddr;
use std::time::Duration;

use super::schedule::*;
use super::signing::*;
use super::target::*;

fn rules() -> OutboundRules {
    OutboundRules::default()
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap_or_else(|_| panic!("{s} is an address"))
}

#[test]
fn the_standard_webhooks_test_vector_signs_as_the_specification_says() {
    // From the Standard Webhooks reference implementations' tests.
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let body = br#"{"test": 2432232314}"#;
    let signature = sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body);
    assert_eq!(
        signature.as_deref(),
        Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    );
}

#[test]
fn both_secrets_sign_during_an_overlap_and_either_verifies() {
    let (old, new) = (new_secret(), new_secret());
    assert!(old.starts_with("whsec_") && old != new);
    let header = signature_header(&[&new, &old], "msg_1", 1_700_000_000, b"{}");
    assert_eq!(header.split(' ').count(), 2);
    assert!(verify(&old, "msg_1", 1_700_000_000, b"{}", &header));
    assert!(verify(&new, "msg_1", 1_700_000_000, b"{}", &header));
    assert!(!verify(&new, "msg_1", 1_700_000_001, b"{}", &header));
    assert!(!verify(&new, "msg_1", 1_700_000_000, b"{ }", &header));
    assert!(!verify(
        &new_secret(),
        "msg_1",
        1_700_000_000,
        b"{}",
        &header
    ));
}

#[test]
fn urls_must_be_absolute_https_without_credentials() {
    assert!(check_url("https://erp.example.com/hooks", &rules()).is_ok());
    for bad in [
        "erp.example.com/hooks",
        "/hooks",
        "ftp://erp.example.com/",
        "http://erp.example.com/",
        "https://user:pw@erp.example.com/",
        "https://erp.example.com/#x",
        "javascript:alert(1)",
    ] {
        let e = check_url(bad, &rules()).expect_err(bad);
        assert_eq!(e.field, "url", "{bad}");
    }
    let long = format!("https://erp.example.com/{}", "a".repeat(MAX_URL_LEN));
    assert!(check_url(&long, &rules()).is_err());
    let http = OutboundRules {
        allow_http: true,
        ..rules()
    };
    assert!(check_url("http://erp.example.com/", &http).is_ok());
}

#[test]
fn internal_addresses_and_names_are_refused_unless_allowed() {
    for bad in [
        "https://127.0.0.1/",
        "https://localhost:8080/",
        "https://api.localhost/",
        "https://10.1.2.3/",
        "https://172.20.0.1/",
        "https://192.168.1.1/",
        "https://169.254.169.254/latest/meta-data",
        "https://100.100.100.200/",
        "https://0.0.0.0/",
        "https://[::1]/",
        "https://[fd00:ec2::254]/",
        "https://[fe80::1]/",
        "https://[::ffff:127.0.0.1]/",
        "https://[64:ff9b::a9fe:a9fe]/",
        "https://[2002:7f00:1::]/",
        "https://2130706433/",
        "https://0x7f.1/",
    ] {
        assert!(check_url(bad, &rules()).is_err(), "{bad} passed");
    }
    assert!(check_url("https://8.8.8.8/", &rules()).is_ok());
    assert!(check_url("https://[2606:4700::1111]/", &rules()).is_ok());
    let allowed = OutboundRules {
        allowed_hosts: vec!["127.0.0.1".into(), "erp.internal".into(), "[::1]".into()],
        ..rules()
    };
    assert!(check_url("https://127.0.0.1:9000/", &allowed).is_ok());
    assert!(check_url("https://[::1]:9000/", &allowed).is_ok());
    assert!(check_url("https://10.0.0.1/", &allowed).is_err());
}

#[test]
fn a_name_resolving_inside_is_refused_whole() {
    let public = vec![ip("93.184.215.14")];
    assert_eq!(
        usable_addresses("erp.example.com", public.clone(), &rules()),
        Ok(public)
    );
    let mixed = vec![ip("93.184.215.14"), ip("10.0.0.5")];
    let why = usable_addresses("erp.example.com", mixed.clone(), &rules()).unwrap_err();
    assert!(why.contains("10.0.0.5"), "{why}");
    assert!(usable_addresses("erp.example.com", vec![], &rules()).is_err());
    let allowed = OutboundRules {
        allowed_hosts: vec!["erp.example.com".into()],
        ..rules()
    };
    assert_eq!(
        usable_addresses("erp.example.com", mixed.clone(), &allowed),
        Ok(mixed)
    );
}

#[test]
fn retries_back_off_with_jitter_then_give_up() {
    let s = RetrySchedule::default();
    assert_eq!(s.attempts(), 7);
    assert_eq!(s.next_wait(1, 0.0), Some(Duration::from_secs(5)));
    assert_eq!(s.next_wait(2, 1.0), Some(Duration::from_secs(72)));
    assert_eq!(
        s.next_wait(6, -1.0),
        Some(Duration::from_secs(24 * 3600 * 8 / 10))
    );
    assert_eq!(s.next_wait(7, 0.0), None);
    assert_eq!(s.next_wait(0, 0.0), None);
    let total: Duration = s.0.iter().sum();
    assert!(total > Duration::from_secs(30 * 3600) && total < Duration::from_secs(32 * 3600));
    assert_eq!(
        RetrySchedule::parse("1, 2,0.5"),
        Ok(RetrySchedule(vec![
            Duration::from_secs(1),
            Duration::from_secs(2),
            Duration::from_millis(500)
        ]))
    );
    assert!(RetrySchedule::parse("1,x").is_err());
    assert!(RetrySchedule::parse("-1").is_err());
}

#[test]
fn only_2xx_delivers_and_excerpts_are_capped() {
    assert!(is_delivered(200) && is_delivered(204));
    assert!(!is_delivered(301) && !is_delivered(500) && !is_delivered(199));
    assert_eq!(excerpt(&vec![b'a'; 5000]).len(), EXCERPT_BYTES);
    assert_eq!(excerpt("é".repeat(600).as_bytes()).chars().count(), 512);
}
