"""Daily report: yesterday's sales are fetched, summed in code and emailed to the sales leads."""

from evals.corpus_builder import injectors as inject
from evals.corpus_builder.base import BaseRun, BaseWorkflow, Variant
from evals.corpus_builder.dsl import chain, code, email, http, ok, schedule, workflow

SUMMARIZE = """const orders = input.body.orders;
const revenue = orders.reduce((sum, order) => sum + order.total, 0);
if (typeof revenue !== "number" || Number.isNaN(revenue)) {
  throw new Error("revenue is not a number: " + revenue);
}
return {
  date: input.body.date,
  order_count: orders.length,
  revenue: Math.round(revenue * 100) / 100,
  currency: input.body.currency
};"""
ORDERS = [{"id": "o_5521", "total": 129.9}, {"id": "o_5522", "total": 749.5}, {"id": "o_5523", "total": 1156.0}]
BASE = BaseWorkflow(
    name="daily_report",
    title="Daily sales report",
    workflow_id="wf_daily_sales",
    workspace_id="ws_shopline",
    version=8,
    definition=workflow(
        [
            schedule("daily_0700", "Every day at 07:00", "0 7 * * *"),
            http("fetch_sales", "Fetch yesterday's sales",
                 "https://api.shopline.example/v1/reports/sales?date={{ dateFormat(trigger.report_date, 'yyyy-MM-dd') }}",
                 credential="shopline_token"),
            code("summarize", "Summarize", SUMMARIZE),
            email("email_report", "Email the report", ["{{ env.REPORT_RECIPIENT }}"],
                  "Sales {{ summarize.date }}: {{ summarize.order_count }} orders", "Revenue: {{ summarize.revenue }} {{ summarize.currency }}"),
        ],
        chain("daily_0700", "fetch_sales", "summarize", "email_report"),
    ),
    trigger_data={"scheduled_time": "2025-04-15T07:00:00Z", "report_date": "2025-04-14T00:00:00Z"},
    answers={"fetch_sales": [ok({"date": "2025-04-14", "currency": "EUR", "orders": ORDERS})]},
    accept={
        "status": "completed",
        "outputs": {"summarize": {"$.revenue": 2035.4, "$.order_count": 3}},
        "calls": [{"node": "email_report", "contains": {"to": ["sales-leads@shopline.example"], "subject": "Sales 2025-04-14: 3 orders",
                                                        "body": "Revenue: 2035.4 EUR"}}],
    },
    credentials=[{"name": "shopline_token", "type": "bearer", "status": "valid"}],
    started_at="2025-04-15T07:00:00.318Z",
    env={"REPORT_RECIPIENT": "sales-leads@shopline.example"},
)


def _totals_as_text(body: dict) -> dict:
    return {**body, "orders": [{**order, "total": f"{order['total']:.2f}"} for order in body["orders"]]}


def _orders_renamed(body: dict) -> dict:
    return {"date": body["date"], "currency": body["currency"], "items": body["orders"], "page": 1}


def variants(run: BaseRun) -> list[Variant]:
    return [
        inject.upstream_changed(
            run, node="fetch_sales", reshape=_totals_as_text, slug="totals_as_text", kind="type_mismatch",
            edits=[{"node": "summarize", "set": {"config.code": SUMMARIZE.replace("sum + order.total", "sum + Number(order.total)")}}],
            description="Shopline now sends order totals as text, so the sum joins text and the code's check throws.",
        ),
        inject.upstream_changed(
            run, node="fetch_sales", reshape=_orders_renamed, slug="orders_renamed_to_items",
            edits=[{"node": "summarize", "set": {"config.code": SUMMARIZE.replace("input.body.orders", "input.body.items")}}],
            description="Shopline's report now lists orders under items; the last successful run had orders.",
        ),
        inject.code_bug(run, node="summarize", old="orders.length", new="orders.size()", slug="missing_method",
                        what="orders.size is not a function; JavaScript arrays have length"),
        inject.slow_upstream(run, node="fetch_sales", timeout_s=10, latency_ms=18000, provider="Shopline"),
        inject.misspell_field(run, node="email_report", path="config.to[0]", field="REPORT_RECIPIENT", misspelt="REPORT_RECIPIENTS"),
        inject.server_error(run, node="fetch_sales", status=504, failures=1, provider="Shopline"),
        inject.expired_credential(run, node="fetch_sales", credential="shopline_token", status="expired", provider="Shopline"),
    ]
