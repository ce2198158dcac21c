"""Sheets append: a signup form's fields are normalized and appended as a row to a Google Sheet."""

import json

from evals.corpus_builder import injectors as inject
from evals.corpus_builder.base import BaseRun, BaseWorkflow, Variant
from evals.corpus_builder.dsl import chain, node, set_values, webhook, workflow

VALUES = {
    "email": "{{ toLower(trim(trigger.body.fields.email)) }}",
    "company": "{{ trigger.body.fields.company }}",
    "seats": "{{ toNumber(trigger.body.fields.seats) }}",
    "submitted_at": "{{ trigger.body.submitted_at }}",
}
BASE = BaseWorkflow(
    name="sheets_append",
    title="Signups to the sales sheet",
    workflow_id="wf_signup_sheet",
    workspace_id="ws_brightloop",
    version=3,
    definition=workflow(
        [
            webhook("form_submitted", "Signup form", "signup"),
            set_values("normalize", "Normalize fields", VALUES),
            node("append_row", "integration_google_sheets", "Append to Signups", {
                "operation": "append", "spreadsheet_id": "1tHqV0x9Kd2mPq7LrS4uWcYbZ8aE3fGhJ", "sheet_name": "Signups",
                "data": [["{{ normalize.email }}", "{{ normalize.company }}", "{{ normalize.seats }}", "{{ normalize.submitted_at }}"]],
                "value_input_option": "USER_ENTERED",
            }, credential="google_sheets"),
        ],
        chain("form_submitted", "normalize", "append_row"),
    ),
    trigger_data={"body": {"form_id": "signup-2025", "submitted_at": "2025-05-06T10:42:19Z",
                           "fields": {"email": "  Ana.Ruiz@Brightloop.example ", "company": "Brightloop", "seats": "12"}}},
    answers={},
    accept={
        "status": "completed",
        "outputs": {"normalize": {"$.seats": 12, "$.email": "ana.ruiz@brightloop.example"}},
        "calls": [{"node": "append_row", "contains": {
            "operation": "append", "data": [["ana.ruiz@brightloop.example", "Brightloop", 12, "2025-05-06T10:42:19Z"]]}}],
    },
    credentials=[{"name": "google_sheets", "type": "oauth2", "status": "valid"}],
    started_at="2025-05-06T10:42:19.870Z",
)


def _fields_as_text(trigger: dict) -> dict:
    trigger["body"]["fields"] = json.dumps(trigger["body"]["fields"])
    return trigger


def _parsed(text: str) -> str:
    return text.replace("trigger.body.fields.", "jsonParse(trigger.body.fields).")


def variants(run: BaseRun) -> list[Variant]:
    return [
        inject.misspell_field(run, node="normalize", path="config.values[1].value", field="company", misspelt="compnay"),
        inject.bad_enum(run, node="append_row", path="config.operation", value="append_row", slug="bad_operation"),
        inject.trigger_changed(
            run, reshape=_fields_as_text, slug="fields_as_json_text", kind="type_mismatch",
            edits=[{"node": "normalize", "set": {f"config.values[{index}].value": _parsed(value)
                                                 for index, value in enumerate(VALUES.values()) if "fields." in value}}],
            description="The form tool now sends fields as one JSON text instead of an object.",
        ),
        inject.wrong_nesting(run, node="normalize", path="config.values[3].value", old="trigger.body.submitted_at",
                             new="trigger.body.fields.submitted_at", slug="submitted_at_under_fields"),
        inject.misspell_field(run, node="normalize", path="config.values[2].value", field="seats", misspelt="seat"),
    ]
