// A client's first flow through the generated types: sign in, create a partner and two products,
// place and submit a two-line purchase order, read it back. Every call is typed from
// openapi/openapi.json; `tsc --strict` fails the build if the document cannot type it.
import createClient from "openapi-fetch";
import type { paths } from "./schema.js";

const baseUrl = process.env.PRM_URL ?? "http://127.0.0.1:8080";
const email = process.env.PRM_EMAIL ?? "";
const password = process.env.PRM_PASSWORD ?? "";
// JSON answers only: operations that also answer PEPPOL XML (`Accept: application/xml`)
// would otherwise type their data as the union of both.
const client = createClient<paths, `${string}/${string}json`>({ baseUrl });

function must<T>(what: string, data: T | undefined, error: unknown): T {
  if (data === undefined) {
    throw new Error(`${what}: ${JSON.stringify(error)}`);
  }
  return data;
}

const login = await client.POST("/api/v1/auth/login", { body: { email, password } });
const tokens = must("sign in", login.data, login.error);
const headers = { Authorization: `Bearer ${tokens.access_token}` };

const run = Date.now().toString();
const partner = await client.POST("/api/v1/partners", {
  headers,
  body: { name: `TS Supplier ${run}`, roles: ["manufacturer"], status: "active", country: "GB" },
});
const supplier = must("create partner", partner.data, partner.error);

const productIds: string[] = [];
for (const [sku, unit] of [["TS-CAN-" + run, "EA"], ["TS-PWD-" + run, "KGM"]] as const) {
  const product = await client.POST("/api/v1/products", {
    headers,
    body: { sku, name: `Product ${sku}`, category: "Test", brand_type: "own", base_unit: unit },
  });
  productIds.push(must("create product", product.data, product.error).id);
}

const [first, second] = productIds;
if (first === undefined || second === undefined) {
  throw new Error("two products expected");
}
const placed = await client.POST("/api/v1/orders", {
  headers,
  body: {
    direction: "purchase",
    counterparty_id: supplier.id,
    currency: "EUR",
    lines: [
      { product_id: first, quantity: "100", unit_price_minor: 1250 },
      { product_id: second, quantity: "2.5", unit_price_minor: 99 },
    ],
  },
});
const order = must("place order", placed.data, placed.error);

const submitted = await client.POST("/api/v1/orders/{id}/submit", {
  headers,
  params: { path: { id: order.id } },
});
must("submit order", submitted.data, submitted.error);

const read = await client.GET("/api/v1/orders/{id}", { headers, params: { path: { id: order.id } } });
const back = must("read order", read.data, read.error);
if (back.status !== "submitted" || back.lines.length !== 2 || back.total_minor !== 125_248) {
  throw new Error(`unexpected order: ${JSON.stringify(back)}`);
}
console.log(`TypeScript client: ${back.number} ${back.status}, ${back.lines.length} lines, total ${back.total_minor}`);
