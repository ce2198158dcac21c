"""CRM enrichment: a new lead is enriched by LeadGraph and written back to the HubSpot contact."""

from evals.corpus_builder import injectors as inject
from evals.corpus_builder.base import BaseRun, BaseWorkflow, Variant
from evals.corpus_builder.dsl import chain, http, ok, webhook, workflow

PERSON = {
    "email": "m.okafor@fernbridge-logistics.example",
    "title": "Head of Operations",
    "seniority": "director",
    "company": {"name": "Fernbridge Logistics", "domain": "fernbridge-logistics.example", "employees": 420, "industry": "Logistics"},
}
BASE = BaseWorkflow(
    name="crm_enrichment",
    title="Enrich new leads",
    workflow_id="wf_lead_enrichment",
    workspace_id="ws_fernbridge",
    version=5,
    definition=workflow(
        [
            webhook("lead_created", "Lead created", "leads"),
            http("enrich_lead", "Enrich with LeadGraph", "https://api.leadgraph.example/v2/person/enrich?email={{ trigger.body.email }}",
                 credential="leadgraph_key"),
            http("update_contact", "Update HubSpot contact",
                 "https://api.hubapi.example/crm/v3/objects/contacts/{{ trigger.body.contact_id }}", method="PATCH",
                 credential="hubspot_token", body={"properties": {
                     "company": "{{ enrich_lead.body.company.name }}",
                     "jobtitle": "{{ enrich_lead.body.title }}",
                     "numemployees": "{{ enrich_lead.body.company.employees }}",
                 }}),
        ],
        chain("lead_created", "enrich_lead", "update_contact"),
    ),
    trigger_data={"body": {"contact_id": "90311", "email": PERSON["email"], "source": "webinar"}},
    answers={
        "enrich_lead": [ok(PERSON)],
        "update_contact": [ok({"id": "90311", "properties": {"company": "Fernbridge Logistics", "jobtitle": "Head of Operations",
                                                             "numemployees": "420"}, "updatedAt": "2025-03-12T14:07:42.311Z"})],
    },
    accept={
        "status": "completed",
        "outputs": {"update_contact": {"$.status_code": 200, "$.body.properties.company": "Fernbridge Logistics"}},
        "calls": [],
    },
    credentials=[{"name": "leadgraph_key", "type": "bearer", "status": "valid"},
                 {"name": "hubspot_token", "type": "bearer", "status": "valid"}],
    started_at="2025-03-12T14:07:41.902Z",
)


def _rename_title(body: dict) -> dict:
    renamed = {key: value for key, value in body.items() if key != "title"}
    renamed["job_title"] = body["title"]
    return renamed


def variants(run: BaseRun) -> list[Variant]:
    return [
        inject.rate_limited(run, node="enrich_lead", retry_after=30, provider="LeadGraph"),
        inject.wrong_nesting(run, node="update_contact", path="config.body.properties.company", old=".company.name",
                             new=".company_name", slug="flattened_company_name"),
        inject.upstream_changed(
            run, node="enrich_lead", reshape=_rename_title, slug="title_renamed",
            edits=[{"node": "update_contact", "set": {"config.body.properties.jobtitle": "{{ enrich_lead.body.job_title }}"}}],
            description="LeadGraph renamed title to job_title in its person response; the last successful run still had title.",
        ),
        inject.missing_auth_scheme(run, node="update_contact", provider="HubSpot"),
        inject.expired_credential(run, node="update_contact", credential="hubspot_token", status="revoked", provider="HubSpot"),
        inject.flaky_timeout(run, node="enrich_lead", provider="LeadGraph"),
        inject.server_error(run, node="update_contact", status=503, failures=2, provider="HubSpot"),
        inject.upstream_outage(run, node="enrich_lead", status=503, provider="LeadGraph"),
        inject.strip_url_scheme(run, node="enrich_lead"),
    ]
