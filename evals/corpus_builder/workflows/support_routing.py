"""Support routing: urgent tickets page the on-call engineer, the rest become Asana tasks, then the ticket is tagged."""

from evals.corpus_builder import injectors as inject
from evals.corpus_builder.base import BaseRun, BaseWorkflow, Variant
from evals.corpus_builder.dsl import condition, edge, http, ok, webhook, workflow

BASE = BaseWorkflow(
    name="support_routing",
    title="Route support tickets",
    workflow_id="wf_ticket_routing",
    workspace_id="ws_parcelly",
    version=15,
    definition=workflow(
        [
            webhook("ticket_created", "Ticket created", "helpdesk/tickets"),
            condition("is_urgent", "Urgent?", "{{ trigger.body.ticket.priority }}", "equals", "urgent"),
            http("page_oncall", "Page on-call", "https://events.pagerduty.example/v2/enqueue", method="POST", body={
                "routing_key": "{{ env.PD_ROUTING_KEY }}", "event_action": "trigger",
                "payload": {"summary": "{{ trigger.body.ticket.subject }}", "source": "helpdesk", "severity": "critical"}}),
            http("create_task", "Create Asana task", "https://app.asana.example/api/1.0/tasks", method="POST",
                 credential="asana_token", body={"data": {"name": "{{ trigger.body.ticket.subject }}",
                                                          "notes": "{{ trigger.body.ticket.description }}", "projects": ["1204417730"]}}),
            http("tag_ticket", "Tag ticket", "https://helpdesk.parcelly.example/api/v2/tickets/{{ trigger.body.ticket.id }}",
                 method="PUT", credential="helpdesk_token",
                 body={"ticket": {"tags": ["routed"], "custom_fields": {"task_id": "{{ create_task.body.data.gid }}"}}}),
        ],
        [edge("ticket_created", "is_urgent"), edge("is_urgent", "page_oncall", "true"), edge("is_urgent", "create_task", "false"),
         edge("page_oncall", "tag_ticket"), edge("create_task", "tag_ticket")],
    ),
    trigger_data={"body": {"ticket": {"id": 88412, "subject": "Parcel tracking page shows wrong delivery date",
                                      "description": "Customers in BE see yesterday's date for parcels scanned today.",
                                      "priority": "normal", "requester": {"org": "Lumen Retail"}}}},
    answers={
        "create_task": [ok({"data": {"gid": "1207733501", "name": "Parcel tracking page shows wrong delivery date"}})],
        "tag_ticket": [ok({"ticket": {"id": 88412, "tags": ["routed"]}})],
    },
    accept={
        "status": "completed",
        "outputs": {"create_task": {"$.body.data.gid": "1207733501"}, "tag_ticket": {"$.status_code": 200}},
        "calls": [],
    },
    credentials=[{"name": "asana_token", "type": "bearer", "status": "valid"},
                 {"name": "helpdesk_token", "type": "bearer", "status": "valid"}],
    started_at="2025-05-20T15:47:31.005Z",
    env={"PD_ROUTING_KEY": "R0UT1NG-PARCELLY-SUPPORT"},
)


def variants(run: BaseRun) -> list[Variant]:
    return [
        inject.condition_on_missing_field(run, node="is_urgent", path="config.conditions[0].field", old=".priority", new=".urgency"),
        inject.replace_text(
            run, kind="branching", slug="reference_untaken_branch", node="tag_ticket", path="config.body.ticket.custom_fields.task_id",
            old="{{ create_task.body.data.gid }}", new="{{ page_oncall.body.dedup_key }}",
            description="tag_ticket reads page_oncall, which only runs for urgent tickets; this ticket took the Asana branch.",
        ),
        inject.rate_limited(run, node="create_task", retry_after=10, provider="Asana"),
        inject.expired_credential(run, node="create_task", credential="asana_token", status="expired", provider="Asana"),
        inject.misspell_field(run, node="create_task", path="config.body.data.name", field="subject", misspelt="subjet"),
        inject.deleted_resource(run, node="tag_ticket", provider="The helpdesk", what="ticket"),
        inject.server_error(run, node="tag_ticket", status=500, failures=1, provider="The helpdesk"),
        inject.flaky_timeout(run, node="create_task", provider="Asana"),
        inject.strip_url_scheme(run, node="create_task"),
    ]
