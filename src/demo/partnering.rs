//! The rest of the demo's world: specification buying with its quality record (Marks &
//! Spencer), a co-funded promotion with its sell-out and claim (Dick's), and the relationship
//! itself: a pending tier change and a development plan (COFCO).

use chrono::{Datelike, Duration, NaiveDate};
use serde_json::json;

use super::client::{id, Token};
use super::world::{last_quarter, Partners, Products, World};

/// The promotion's sell-out against its baseline: 5,200 pairs sold where 4,000 were expected.
pub const PROMOTION_UNITS: i64 = 5_200;
pub const PROMOTION_BASELINE: i64 = 4_000;

impl<S, B> World<'_, S>
where
    S: actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<B>,
        Error = actix_web::Error,
    >,
    B: actix_web::body::MessageBody,
{
    /// Two own-brand specifications with toleranced requirements, approved manufacturers and
    /// their quotes; a lot of shirts that passed inspection and one of knitwear that failed,
    /// which opens a non-conformance.
    pub async fn specifications(
        &self,
        p: &Partners,
        items: &Products,
        dewhirst: &Token,
    ) -> anyhow::Result<()> {
        let shirt = self
            .specification(
                &items.shirt,
                "Men's Oxford shirt, non-iron",
                (3_500, 6_000),
                json!([
                    {"code": "FAB-WT", "attribute": "Fabric weight", "target": "120", "min": "115", "max": "125", "unit": "GM", "critical": true},
                    {"code": "SHRINK", "attribute": "Shrinkage after 5 washes", "max": "3", "unit": "P1", "critical": true},
                    {"code": "SEAM", "attribute": "Seam strength", "min": "120", "unit": "NEW", "critical": false}
                ]),
                &p.dewhirst,
            )
            .await?;
        let knit = self
            .specification(
                &items.knit,
                "Pure lambswool crew neck",
                (4_500, 6_000),
                json!([
                    {"code": "YARN", "attribute": "Yarn weight", "target": "280", "min": "270", "max": "290", "unit": "GM", "critical": true},
                    {"code": "SHRINK", "attribute": "Shrinkage after 5 washes", "max": "3", "unit": "P1", "critical": true}
                ]),
                &p.baird,
            )
            .await?;
        self.progress.step("quotes");
        self.api
            .post(&format!("{shirt}/quotes"), dewhirst,
                json!({"unit_cost_minor": 1_150, "currency": "GBP", "valid_until": self.day(-120), "lead_time_days": 42}))
            .await?;
        self.api
            .post(&format!("{knit}/quotes"), &self.buyer,
                json!({"supplier_id": p.baird, "unit_cost_minor": 1_950, "currency": "GBP", "valid_until": self.day(-90), "lead_time_days": 56}))
            .await?;
        self.progress.step("inspections");
        self.api
            .post(&format!("{shirt}/inspections"), &self.buyer, json!({
                "supplier_id": p.dewhirst, "kind": "lot", "lot_reference": "DG-L-4471", "inspected_on": self.day(27),
                "measurements": [{"code": "FAB-WT", "value": "121"}, {"code": "SHRINK", "value": "2.1"}, {"code": "SEAM", "value": "134"}]}))
            .await?;
        // Shrinkage 4.5% against at most 3%: failed, and a non-conformance is opened.
        self.api
            .post(&format!("{knit}/inspections"), &self.buyer, json!({
                "supplier_id": p.baird, "kind": "lot", "lot_reference": "BK-L-0912", "inspected_on": self.day(12),
                "measurements": [{"code": "YARN", "value": "284"}, {"code": "SHRINK", "value": "4.5"}]}))
            .await?;
        Ok(())
    }

    /// A specification with its first version issued and approved, and its manufacturer
    /// approved; answers its path.
    async fn specification(
        &self,
        product: &str,
        title: &str,
        (retail, margin): (i64, i64),
        requirements: serde_json::Value,
        supplier: &str,
    ) -> anyhow::Result<String> {
        self.progress.step(&format!("specification {title}"));
        let s = self
            .api
            .post("/api/v1/specifications", &self.buyer, json!({"product_id": product, "title": title,
                "version": {"currency": "GBP", "target_retail_price_minor": retail, "target_margin_bp": margin,
                    "requirements": requirements}}))
            .await?;
        let path = format!("/api/v1/specifications/{}", id(&s["specification"])?);
        self.api
            .post(
                &format!("{path}/suppliers"),
                &self.buyer,
                json!({"partner_id": supplier}),
            )
            .await?;
        for step in ["issue", "approve"] {
            self.api
                .post(&format!("{path}/versions/1/{step}"), &self.buyer, json!({}))
                .await?;
        }
        Ok(path)
    }

    /// A Dick's-style co-funded promotion: the brand sponsors 60% of a price cut at the
    /// retailer, both approve, the retailer reports sell-out beating the baseline and claims
    /// the sponsor's share, which the sponsor approves.
    pub async fn promotion(
        &self,
        shoe: &str,
        (sponsor_id, sponsor): (&str, &Token),
        (retailer_id, retailer): (&str, &Token),
    ) -> anyhow::Result<()> {
        let (start, end) = promotion_month(self.today);
        // We buy the shoes from the brand and sell them on to the retailer.
        self.progress.step("purchase order (shoes)");
        let bought = (self.today - Duration::days(150)).to_string();
        let order = self
            .api
            .post(
                "/api/v1/orders",
                &self.buyer,
                json!({"direction": "purchase", "counterparty_id": sponsor_id,
                "currency": "USD", "issue_date": bought, "submit": true,
                "lines": [{"product_id": shoe, "quantity": "6000", "unit_price_minor": 6_200}]}),
            )
            .await?;
        self.walk(
            &order,
            sponsor,
            &self.buyer,
            Some((self.day(140), self.day(133))),
        )
        .await?;
        self.progress.step("promotion");
        let promo = self
            .api
            .post(
                "/api/v1/promotions",
                sponsor,
                json!({
                "name": "Trail season: $15 off the Ridgeline", "sponsor_id": sponsor_id,
                "channel_partner_id": retailer_id, "mechanic": "price_discount",
                "terms": {"discount_minor": 1_500, "regular_price_minor": 12_000},
                "product_ids": [shoe], "start_date": start, "end_date": end,
                "target_segment": {"brand_preference": "switcher", "usage": "heavy"},
                "currency": "USD", "budget_minor": 10_000_000, "sponsor_share_bp": 6000,
                "channel_share_bp": 4000, "baseline_units": PROMOTION_BASELINE.to_string()}),
            )
            .await?;
        let path = format!("/api/v1/promotions/{}", id(&promo)?);
        self.api
            .post(&format!("{path}/propose"), sponsor, json!({}))
            .await?;
        self.api
            .post(&format!("{path}/approve"), sponsor, json!({}))
            .await?;
        self.api
            .post(&format!("{path}/approve"), retailer, json!({}))
            .await?;
        self.progress.step("sell-out");
        self.api
            .post("/api/v1/sell-out-reports", retailer, json!({
                "period_start": start, "period_end": end, "currency": "USD", "reference": "PSR-SLS-0815",
                "lines": [{"product_id": shoe, "units_sold": PROMOTION_UNITS.to_string(),
                    "value_minor": PROMOTION_UNITS * 10_500, "stock_on_hand": "1850"}]}))
            .await?;
        self.progress.step("claim");
        let claim = self
            .api
            .post(
                &format!("{path}/claims"),
                retailer,
                json!({"units": PROMOTION_UNITS.to_string(), "reference": "DN-PSR-2231"}),
            )
            .await?;
        // The sponsor's own decision: only its side may approve.
        self.api
            .post(
                &format!("{path}/claims/{}/approve", id(&claim)?),
                sponsor,
                json!({}),
            )
            .await?;
        Ok(())
    }

    /// COFCO-style relationship work: the strongest account proposed for partner (waiting for a
    /// second person's approval) and a development plan for the one that buys none of our oil.
    pub async fn relationships(&self, p: &Partners, owner_id: &str) -> anyhow::Result<()> {
        self.progress.step("tier change");
        self.api
            .post(&format!("/api/v1/partners/{}/tier-changes", p.key_accounts[0]), &self.account_manager,
                json!({"to_tier": "partner", "reason": "Share of edible oil passed 38% and a three-year plan is agreed",
                    "effective_from": (self.today + Duration::days(28)).to_string()}))
            .await?;
        self.progress.step("development plan");
        self.api
            .post(&format!("/api/v1/partners/{}/plans", p.key_accounts[2]), &self.account_manager, json!({
                "title": "Lianhua: from own brand to a shared oil shelf",
                "goals": ["A listed Fortune line in 40 stores", "Share of edible oil from 0% to 20%"],
                "target_tier": "preferred_supplier", "target_share_bp": 2000, "status": "active", "owner_id": owner_id,
                "actions": [
                    {"description": "Category review with their buying director", "owner_id": owner_id, "due_date": self.day(14)},
                    {"description": "Joint trial in 10 Shanghai stores", "owner_id": owner_id, "due_date": self.day(-45)}
                ]}))
            .await?;
        Ok(())
    }
}

/// The promotion ran in the middle month of last quarter, so its sell-out is in.
pub fn promotion_month(today: NaiveDate) -> (String, String) {
    let (start, _, _) = last_quarter(today);
    let first = start.with_month(start.month() + 1).unwrap_or(start);
    let last = first
        .with_month(first.month() + 1)
        .map(|d| d - Duration::days(1))
        .unwrap_or(first);
    (first.to_string(), last.to_string())
}
