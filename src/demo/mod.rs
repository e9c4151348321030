//! `prm demo`: fills an empty database with a company's real-looking world, built through the
//! API itself (every rule, audit entry and event as a client would meet them), and prints the
//! people and the integration client to sign in as.

use chrono::NaiveDate;

use crate::config::Config;
use crate::db::Db;

mod client;
mod partnering;
mod world;

pub use partnering::{promotion_month, PROMOTION_BASELINE, PROMOTION_UNITS};
pub use world::{last_quarter, WALLETS};

/// Someone the demo created, to sign in as.
#[derive(Debug, Clone)]
pub struct Person {
    pub email: String,
    pub password: String,
    pub role: String,
    pub partner: Option<String>,
}

/// Everything printed once at the end.
#[derive(Debug, Default)]
pub struct Credentials {
    pub people: Vec<Person>,
    /// `(name, client_id, client_secret)`.
    pub clients: Vec<(String, String, String)>,
}

/// Progress on a terminal (a bar with the step), nothing when standard error is not one.
pub struct Progress(indicatif::ProgressBar);

impl Progress {
    pub fn new(steps: u64) -> Progress {
        let bar = indicatif::ProgressBar::with_draw_target(
            Some(steps),
            indicatif::ProgressDrawTarget::stderr(),
        );
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {wide_msg}")
        {
            bar.set_style(style);
        }
        Progress(bar)
    }

    /// No output at all (tests).
    pub fn hidden() -> Progress {
        Progress(indicatif::ProgressBar::hidden())
    }

    pub fn step(&self, what: &str) {
        self.0.inc(1);
        self.0.set_message(what.to_string());
    }

    pub fn finish(&self) {
        self.0.finish_and_clear();
    }
}

/// Roughly how many steps the world takes, for the bar's length.
pub const STEPS: u64 = 60;

/// The staff the demo signs in as: one per staff role.
const STAFF: [(&str, &str, &str); 4] = [
    ("Alex Morgan", "admin@demo.example", "admin"),
    ("Beatrice Shaw", "buyer@demo.example", "buyer"),
    (
        "Chen Wei",
        "account.manager@demo.example",
        "account_manager",
    ),
    ("Dana Okafor", "analyst@demo.example", "analyst"),
];

/// Loads the world into `db`, which must hold no business records yet: no partners, no
/// products, no orders, and no user but a first admin.
pub async fn load(
    db: Db,
    config: &Config,
    today: NaiveDate,
    progress: &Progress,
) -> anyhow::Result<Credentials> {
    if !db.is_empty_for_demo()? {
        anyhow::bail!(
            "prm demo fills an empty database, and this one already holds records; point PRM_DATABASE_URL at a new one"
        );
    }
    // The demo writes faster than any person; quotas are for people and ERPs.
    let mut config = config.clone();
    config.write_quotas = crate::auth::throttle::WriteQuotas {
        partner_per_minute: 0,
        host_per_minute: 0,
    };
    let app =
        actix_web::test::init_service(crate::build_app(crate::Service::new(db.clone(), &config)))
            .await;
    let api = client::Client::new(app);
    let mut credentials = Credentials::default();
    // The demo's admin is made as `prm user add` makes one; everything else through the API.
    let admin_password = crate::auth::tokens::random_secret();
    let (name, email, _) = STAFF[0];
    {
        let db = db.clone();
        let password = admin_password.clone();
        actix_web::rt::task::spawn_blocking(move || {
            crate::auth::add_user_from_cli(
                &db,
                email,
                name,
                crate::auth::model::Role::Admin,
                None,
                &password,
            )
        })
        .await?
        .map_err(|e| anyhow::anyhow!("{}", e.to_problem().detail))?;
    }
    credentials.people.push(Person {
        email: email.into(),
        password: admin_password.clone(),
        role: "admin".into(),
        partner: None,
    });
    let admin = api.sign_in(email, &admin_password).await?;
    let mut w = world::World {
        api: &api,
        progress,
        today,
        buyer: admin.clone(),
        account_manager: admin.clone(),
        admin,
        credentials: &mut credentials,
    };
    w.buyer = w.person(STAFF[1].0, STAFF[1].1, STAFF[1].2, None).await?;
    w.account_manager = w.person(STAFF[2].0, STAFF[2].1, STAFF[2].2, None).await?;
    w.person(STAFF[3].0, STAFF[3].1, STAFF[3].2, None).await?;
    let me = api.get("/api/v1/me", &w.account_manager).await?;
    let account_manager_id = client::id(&me)?;
    let partners = w.partners(&account_manager_id).await?;
    let products = w.products().await?;
    // Two partners with people of their own; the others' systems connect as clients.
    let dewhirst = (partners.dewhirst.as_str(), "Dewhirst Group");
    w.person(
        "Harriet Lowe",
        "harriet.lowe@dewhirst.example",
        "partner_admin",
        Some(dewhirst),
    )
    .await?;
    let dewhirst_user = w
        .person(
            "Tom Pickering",
            "tom.pickering@dewhirst.example",
            "partner_user",
            Some(dewhirst),
        )
        .await?;
    let wumart = (partners.key_accounts[0].as_str(), WALLETS[0].0);
    w.person(
        "Liu Yang",
        "liu.yang@wumart.example",
        "partner_admin",
        Some(wumart),
    )
    .await?;
    let wumart_user = w
        .person(
            "Zhao Min",
            "zhao.min@wumart.example",
            "partner_user",
            Some(wumart),
        )
        .await?;
    let trading = [
        "orders:read",
        "orders:write",
        "channel:read",
        "channel:write",
        "partners:read",
        "products:read",
        "events:read",
    ];
    let yonghui_edi = w
        .partner_system(
            "Yonghui EDI gateway",
            &partners.key_accounts[1],
            &trading,
            true,
        )
        .await?;
    let northern_edi = w
        .partner_system(
            "Northern Foods EDI",
            &partners.northern_foods,
            &trading,
            false,
        )
        .await?;
    w.share_of_customer(&partners, &products.oil, &[wumart_user, yonghui_edi])
        .await?;
    w.purchase_orders(&partners, &products, &dewhirst_user, &northern_edi)
        .await?;
    w.specifications(&partners, &products, &dewhirst_user)
        .await?;
    let promoting = [
        "promotions:read",
        "promotions:write",
        "channel:read",
        "channel:write",
        "products:read",
        "orders:read",
        "orders:write",
    ];
    let summit = w
        .partner_system("Summit trade portal", &partners.summit, &promoting, false)
        .await?;
    let peak = w
        .partner_system("Peak Sports ERP", &partners.peak_sports, &promoting, false)
        .await?;
    w.promotion(
        &products.shoe,
        (&partners.summit, &summit),
        (&partners.peak_sports, &peak),
    )
    .await?;
    w.relationships(&partners, &account_manager_id).await?;
    Ok(credentials)
}

/// What `prm demo` prints once: who to sign in as.
pub fn describe(credentials: &Credentials, bind: &str) -> String {
    let mut out =
        String::from("Demo world loaded. Start the service (cargo run --release), open http://");
    out.push_str(bind);
    out.push_str(
        "/docs, press Authorize and sign in (oauth2, password flow: e-mail as username).\n\nPeople (shown once; not stored anywhere in clear):\n",
    );
    for p in &credentials.people {
        let partner = p
            .partner
            .as_deref()
            .map(|n| format!(" of {n}"))
            .unwrap_or_default();
        out.push_str(&format!(
            "  {:<34} {:<16} {}\n      password: {}\n",
            p.email,
            p.role,
            partner.trim_start(),
            p.password
        ));
    }
    out.push_str("\nIntegration client (client credentials at POST /api/v1/auth/token):\n");
    for (name, id, secret) in &credentials.clients {
        out.push_str(&format!(
            "  {name}\n      client_id: {id}\n      client_secret: {secret}\n"
        ));
    }
    out
}
