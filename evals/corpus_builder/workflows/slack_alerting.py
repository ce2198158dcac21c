"""Slack alerting: firing monitoring alerts are checked for severity and posted to #ops-alerts."""

from evals.corpus_builder import injectors as inject
from evals.corpus_builder.base import BaseRun, BaseWorkflow, Variant
from evals.corpus_builder.dsl import (
    chain,
    condition,
    edge,
    http,
    ok,
    schedule,
    set_values,
    slack,
    workflow,
)

ALERT_TEXT = (":red_circle: {{ fetch_alerts.body.alerts[0].name }} on {{ fetch_alerts.body.alerts[0].labels.service }}: "
              "{{ fetch_alerts.body.alerts[0].summary }}")
SEVERITY = "{{ fetch_alerts.body.alerts[0].severity }}"
ALERTS = {"alerts": [{"id": "al_901", "name": "HighErrorRate", "severity": "critical", "summary": "5xx rate 7.2% over 5m",
                      "labels": {"service": "checkout-api", "region": "eu-west-1"}, "started_at": "2025-04-02T08:01:30Z"}],
          "total": 1}

BASE = BaseWorkflow(
    name="slack_alerting",
    title="Critical alerts to Slack",
    workflow_id="wf_ops_alerts",
    workspace_id="ws_helio",
    version=9,
    definition=workflow(
        [
            schedule("every_5_min", "Every 5 minutes", "*/5 * * * *"),
            http("fetch_alerts", "Fetch firing alerts", "https://api.monitorly.example/v1/alerts?state=firing",
                 credential="monitorly_token", timeout=20),
            condition("is_critical", "Critical?", SEVERITY, "equals", "critical"),
            slack("post_alert", "Post to #ops-alerts", "#ops-alerts", ALERT_TEXT),
            set_values("record_quiet", "Nothing critical", {"alerted": False}),
        ],
        [*chain("every_5_min", "fetch_alerts", "is_critical"), edge("is_critical", "post_alert", "true"),
         edge("is_critical", "record_quiet", "false")],
    ),
    trigger_data={"scheduled_time": "2025-04-02T08:05:00Z", "execution_time": "2025-04-02T08:05:00.412Z"},
    answers={"fetch_alerts": [ok(ALERTS)]},
    accept={
        "status": "completed",
        "outputs": {"is_critical": {"$.result": True}},
        "calls": [{"node": "post_alert", "contains": {
            "channel": "#ops-alerts", "text": ":red_circle: HighErrorRate on checkout-api: 5xx rate 7.2% over 5m"}}],
    },
    credentials=[{"name": "monitorly_token", "type": "bearer", "status": "valid"},
                 {"name": "slack_bot", "type": "oauth2", "status": "valid"}],
    started_at="2025-04-02T08:05:00.412Z",
)


def _wrap_in_data(body: dict) -> dict:
    return {"data": {"alerts": body["alerts"]}, "meta": {"total": body["total"], "api_version": "2025-04-01"}}


def variants(run: BaseRun) -> list[Variant]:
    wrapped = ".body.data.alerts[0]"
    return [
        inject.condition_on_missing_field(run, node="is_critical", path="config.conditions[0].field", old=".severity", new=".priority"),
        inject.misspell_field(run, node="post_alert", path="config.text", field="summary", misspelt="sumary"),
        inject.wrong_nesting(run, node="post_alert", path="config.text", old=".labels.service", new=".service",
                             slug="service_not_under_labels"),
        inject.upstream_changed(
            run, node="fetch_alerts", reshape=_wrap_in_data, slug="alerts_wrapped_in_data",
            edits=[{"node": "is_critical", "set": {"config.conditions[0].field": SEVERITY.replace(".body.alerts[0]", wrapped)}},
                   {"node": "post_alert", "set": {"config.text": ALERT_TEXT.replace(".body.alerts[0]", wrapped)}}],
            description="Monitorly's API now wraps the alert list in data; the last successful run had body.alerts.",
        ),
        inject.server_error(run, node="fetch_alerts", status=500, failures=1, provider="Monitorly"),
        inject.expired_credential(run, node="fetch_alerts", credential="monitorly_token", status="expired", provider="Monitorly"),
        inject.bad_enum(run, node="is_critical", path="config.combine", value="xor", slug="bad_combine"),
        inject.flaky_timeout(run, node="fetch_alerts", provider="Monitorly"),
    ]
