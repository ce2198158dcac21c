"""GitHub triage: a new issue is classified by keywords, announced in #triage and labelled."""

from evals.corpus_builder import injectors as inject
from evals.corpus_builder.base import BaseRun, BaseWorkflow, Variant
from evals.corpus_builder.dsl import (
    chain,
    code,
    http,
    loop,
    ok,
    slack,
    webhook,
    workflow,
)

CLASSIFY = """const issue = input.body.issue;
const text = (issue.title + " " + issue.body).toLowerCase();
const labels = [];
if (text.includes("crash") || text.includes("error")) labels.push("bug");
if (text.includes("invoice") || text.includes("billing")) labels.push("billing");
if (labels.length === 0) labels.push("needs-triage");
return { labels: labels, team: labels.includes("billing") ? "payments" : "platform", number: issue.number };"""
BASE = BaseWorkflow(
    name="github_triage",
    title="Triage new issues",
    workflow_id="wf_issue_triage",
    workspace_id="ws_octo",
    version=4,
    definition=workflow(
        [
            webhook("issue_opened", "Issue opened", "github/issues"),
            code("classify", "Classify issue", CLASSIFY),
            slack("post_triage", "Announce in #triage", "#triage",
                  "#{{ classify.number }} {{ trigger.body.issue.title }} -> {{ classify.team }} ({{ classify.labels.length }} labels)"),
            loop("each_label", "Each label", "{{ classify.labels }}"),
            http("add_label", "Add label", "https://api.github.example/repos/{{ trigger.body.repository.full_name }}/issues/"
                 "{{ trigger.body.issue.number }}/labels", method="POST", credential="github_token",
                 body={"labels": ["{{ each_label.item }}"]}),
        ],
        chain("issue_opened", "classify", "post_triage", "each_label", "add_label"),
    ),
    trigger_data={"body": {"action": "opened", "repository": {"full_name": "octo-org/billing-service"},
                           "issue": {"number": 482, "title": "Invoice PDF export crashes",
                                     "body": "Exporting an invoice with 40+ lines returns an error 500.", "user": {"login": "rkaur"}}}},
    answers={"add_label": [ok([{"name": "bug"}]), ok([{"name": "bug"}, {"name": "billing"}])]},
    accept={
        "status": "completed",
        "outputs": {"classify": {"$.labels": ["bug", "billing"], "$.team": "payments"}, "add_label": {"$.status_code": 200}},
        "calls": [{"node": "post_triage", "contains": {"text": "#482 Invoice PDF export crashes -> payments (2 labels)"}}],
    },
    credentials=[{"name": "github_token", "type": "bearer", "status": "valid"},
                 {"name": "slack_bot", "type": "oauth2", "status": "valid"}],
    started_at="2025-02-19T16:03:44.120Z",
)


def variants(run: BaseRun) -> list[Variant]:
    return [
        inject.loop_over_object(run, node="each_label", items="{{ classify }}"),
        inject.code_bug(run, node="classify", old="issue.body).toLowerCase()", new="issue.details.text).toLowerCase()",
                        slug="undefined_property", what="issue.details is undefined, so reading text from it throws a TypeError"),
        inject.code_bug(run, node="classify", old="labels.push(\"bug\")", new="label.push(\"bug\")",
                        slug="undefined_variable", what="label is not defined (a ReferenceError)"),
        inject.rate_limited(run, node="add_label", retry_after=60, provider="GitHub"),
        inject.missing_auth_scheme(run, node="add_label", provider="GitHub"),
        inject.server_error(run, node="add_label", status=502, failures=1, provider="GitHub"),
        inject.flaky_timeout(run, node="add_label", provider="GitHub"),
    ]
