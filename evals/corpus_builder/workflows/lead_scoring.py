"""Lead scoring: a signup's company is looked up and scored; hot leads go to #sales, the rest to nurture."""

from evals.corpus_builder import injectors as inject
from evals.corpus_builder.base import BaseRun, BaseWorkflow, Variant
from evals.corpus_builder.dsl import (
    chain,
    code,
    condition,
    edge,
    http,
    ok,
    slack,
    webhook,
    workflow,
)

SCORE = """const company = input.body;
let score = 0;
if (company.metrics.employees >= 200) score += 40;
if (["SaaS", "Fintech"].includes(company.category.industry)) score += 30;
if ($.trigger.body.role.toLowerCase().includes("head")) score += 20;
return { score: score, company: company.name, tier: score >= 70 ? "hot" : "warm" };"""
COMPANY = {"name": "Quillstack", "domain": "quillstack.example", "metrics": {"employees": 350, "raised_usd": 42000000},
           "category": {"industry": "SaaS", "sector": "Software"}}
BASE = BaseWorkflow(
    name="lead_scoring",
    title="Score inbound leads",
    workflow_id="wf_lead_scoring",
    workspace_id="ws_quill",
    version=10,
    definition=workflow(
        [
            webhook("lead_submitted", "Demo request", "forms/demo"),
            http("fetch_company", "Look up company", "https://company.clearsignal.example/v1/companies/find?domain={{ trigger.body.domain }}",
                 credential="clearsignal_key"),
            code("score", "Score lead", SCORE),
            condition("is_hot", "Score 70 or more?", "{{ score.score }}", "gte", 70),
            slack("notify_sales", "Tell #sales-hot-leads", "#sales-hot-leads",
                  "Hot lead: {{ trigger.body.name }} ({{ trigger.body.role }}) at {{ score.company }}, score {{ score.score }}"),
            http("add_to_nurture", "Add to nurture list", "https://api.mailflow.example/v3/lists/nurture/members", method="POST",
                 credential="mailflow_token", body={"email": "{{ trigger.body.email }}", "tags": ["{{ score.tier }}"]}),
        ],
        [*chain("lead_submitted", "fetch_company", "score", "is_hot"), edge("is_hot", "notify_sales", "true"),
         edge("is_hot", "add_to_nurture", "false")],
    ),
    trigger_data={"body": {"name": "Priya Natarajan", "email": "priya@quillstack.example", "role": "Head of Data",
                           "domain": "quillstack.example"}},
    answers={"fetch_company": [ok(COMPANY)]},
    accept={
        "status": "completed",
        "outputs": {"score": {"$.score": 90, "$.tier": "hot"}},
        "calls": [{"node": "notify_sales", "contains": {
            "channel": "#sales-hot-leads", "text": "Hot lead: Priya Natarajan (Head of Data) at Quillstack, score 90"}}],
    },
    credentials=[{"name": "clearsignal_key", "type": "bearer", "status": "valid"},
                 {"name": "mailflow_token", "type": "bearer", "status": "valid"},
                 {"name": "slack_bot", "type": "oauth2", "status": "valid"}],
    started_at="2025-05-02T09:12:55.760Z",
)


def _flatten_metrics(body: dict) -> dict:
    flat = {key: value for key, value in body.items() if key != "metrics"}
    flat["employee_count"] = body["metrics"]["employees"]
    return flat


def variants(run: BaseRun) -> list[Variant]:
    return [
        inject.upstream_changed(
            run, node="fetch_company", reshape=_flatten_metrics, slug="metrics_flattened",
            edits=[{"node": "score", "set": {"config.code": SCORE.replace("company.metrics.employees", "company.employee_count")}}],
            description="ClearSignal replaced metrics.employees with a top-level employee_count; the last success had metrics.",
        ),
        inject.condition_on_missing_field(run, node="is_hot", path="config.conditions[0].field", old="score.score", new="score.points"),
        inject.rate_limited(run, node="fetch_company", retry_after=5, provider="ClearSignal"),
        inject.expired_credential(run, node="fetch_company", credential="clearsignal_key", status="revoked", provider="ClearSignal"),
        inject.code_bug(run, node="score", old="score += 30;", new="score += 30;\ncompany.tags.forEach(tag => { score += 1; });",
                        slug="undefined_property", what="company.tags is undefined, so forEach throws a TypeError"),
        inject.upstream_outage(run, node="fetch_company", status=500, provider="ClearSignal"),
        inject.misspell_field(run, node="notify_sales", path="config.text", field="company", misspelt="compnay"),
    ]
