"""The base workflows of the corpus, one module each: the workflow, one good run's world, and its variants.

Each module has BASE, a BaseWorkflow, and `variants(run)`, the faults injected into it.
"""

from evals.corpus_builder.workflows import (
    crm_enrichment,
    daily_report,
    github_triage,
    inventory_relay,
    invoice_emailing,
    lead_scoring,
    order_sync,
    refund_approval,
    sheets_append,
    slack_alerting,
    stripe_dunning,
    support_routing,
)

MODULES = (
    order_sync,
    crm_enrichment,
    slack_alerting,
    sheets_append,
    github_triage,
    stripe_dunning,
    invoice_emailing,
    inventory_relay,
    support_routing,
    daily_report,
    lead_scoring,
    refund_approval,
)
