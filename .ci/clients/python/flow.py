"""A client's first flow through the generated Python client: sign in, create a partner and two
products, place and submit a two-line purchase order, read it back. `mypy --strict` checks this
file against the client generated from openapi/openapi.json."""

import os
import time
from typing import TypeVar

from prm_client import AuthenticatedClient, Client
from prm_client.api.catalogue import create_product
from prm_client.api.identity import login
from prm_client.api.orders import create_order, get_order, submit_order
from prm_client.api.partners import create_partner
from prm_client.models import (
    BrandType,
    Direction,
    LoginRequest,
    NewOrderLine,
    NewOrderRequest,
    NewPartnerRequest,
    NewProductRequest,
    Order,
    OrderStatus,
    Partner,
    PartnerRole,
    PartnerStatus,
    Problem,
    Product,
    TokenPair,
)

T = TypeVar("T")


def must(what: str, answer: T | Problem | None, kind: type[T]) -> T:
    """The answer when it is what was asked for; the problem otherwise."""
    if isinstance(answer, kind):
        return answer
    detail = answer.to_dict() if isinstance(answer, Problem) else answer
    raise SystemExit(f"{what}: {detail}")


def main() -> None:
    base_url = os.environ.get("PRM_URL", "http://127.0.0.1:8080")
    anonymous = Client(base_url=base_url, raise_on_unexpected_status=True)
    tokens = must(
        "sign in",
        login.sync(
            client=anonymous,
            body=LoginRequest(email=os.environ["PRM_EMAIL"], password=os.environ["PRM_PASSWORD"]),
        ),
        TokenPair,
    )
    client = AuthenticatedClient(
        base_url=base_url, token=tokens.access_token, raise_on_unexpected_status=True
    )
    run = str(int(time.time() * 1000))
    supplier = must(
        "create partner",
        create_partner.sync(
            client=client,
            body=NewPartnerRequest(
                name=f"Python Supplier {run}",
                roles=[PartnerRole.MANUFACTURER],
                status=PartnerStatus.ACTIVE,
                country="GB",
            ),
        ),
        Partner,
    )
    products: list[Product] = []
    # Units are UN/ECE Rec 20 codes (and X-prefixed Rec 21 packages), published as a pattern.
    for sku, unit in ((f"PY-CAN-{run}", "EA"), (f"PY-PWD-{run}", "KGM")):
        products.append(
            must(
                "create product",
                create_product.sync(
                    client=client,
                    body=NewProductRequest(
                        sku=sku,
                        name=f"Product {sku}",
                        category="Test",
                        brand_type=BrandType.OWN,
                        base_unit=unit,
                    ),
                ),
                Product,
            )
        )
    order = must(
        "place order",
        create_order.sync(
            client=client,
            body=NewOrderRequest(
                direction=Direction.PURCHASE,
                counterparty_id=supplier.id,
                currency="EUR",
                lines=[
                    NewOrderLine(product_id=products[0].id, quantity="100", unit_price_minor=1250),
                    NewOrderLine(product_id=products[1].id, quantity="2.5", unit_price_minor=99),
                ],
            ),
        ),
        Order,
    )
    must("submit order", submit_order.sync(client=client, id=order.id), Order)
    back = must("read order", get_order.sync(client=client, id=order.id), Order)
    if back.status != OrderStatus.SUBMITTED or len(back.lines) != 2 or back.total_minor != 125_248:
        raise SystemExit(f"unexpected order: {back.to_dict()}")
    print(
        f"Python client: {back.number} {back.status}, {len(back.lines)} lines, total {back.total_minor}"
    )


if __name__ == "__main__":
    main()
