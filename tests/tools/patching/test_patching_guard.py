import pytest

from tools.patching import build_patch, check_patch
from tools.redaction import SECRET_MASK

PIN_FETCH = {"op": "test", "path": "/nodes/1/id", "value": "fetch_customer"}


def guard_edits(workflow, edits, recorded_runs=None):
    return check_patch(workflow, build_patch(workflow, edits), recorded_runs=recorded_runs)


def test_check_patch_slack_text_fix_is_safe(workflow):
    verdict = guard_edits(
        workflow, [{"node": "notify_team", "set": {"config.text": "Invoice sent to {{ fetch_customer.body.name }}"}}]
    )

    assert verdict.allowed is True
    assert verdict.safe_unattended is True
    assert verdict.reasons == []
    assert verdict.touched_nodes == ["notify_team"]


def test_check_patch_templated_recipient_fix_is_safe(workflow):
    verdict = guard_edits(
        workflow, [{"node": "send_invoice", "set": {"config.to[0]": "{{ fetch_customer.body.email }}"}}]
    )

    assert verdict.safe_unattended is True
    assert verdict.reasons == []


def test_check_patch_to_dict(workflow):
    verdict = guard_edits(workflow, [{"node": "send_invoice", "unset": ["onError"]}])

    assert verdict.to_dict() == {
        "allowed": True,
        "safe_unattended": True,
        "reasons": [],
        "touched_nodes": ["send_invoice"],
    }


@pytest.mark.parametrize(
    ("operation", "fragment"),
    [
        (
            {"op": "add", "path": "/nodes/1/data/config/headers/X-Service-Token", "value": "9f8e7d6c5b4a"},
            (
                "operation 1 writes a literal secret (a value redaction would mask) at node fetch_customer, "
                "config.headers['X-Service-Token']"
            ),
        ),
        (
            {
                "op": "replace",
                "path": "/nodes/1/data/config/headers/Authorization",
                "value": "Bearer abcdef0123456789abcdef",
            },
            "writes a literal secret (a value redaction would mask, a bearer token)",
        ),
        (
            {
                "op": "add",
                "path": "/nodes/1/data/config/body",
                "value": {"note": "key sk_live_4eC39HqLyjWDarjtT1zdp7dc"},
            },
            "writes a literal secret (a Stripe secret key)",
        ),
        (
            {"op": "add", "path": "/nodes/1/data/config/body", "value": "ghp_abcdefghijklmnopqrstuvwxyz0123456789"},
            "a GitHub token",
        ),
        (
            {"op": "add", "path": "/nodes/1/data/config/body", "value": "xoxb-1234567890-abcdefghij"},
            "a Slack token",
        ),
        (
            {
                "op": "add",
                "path": "/nodes/1/data/config/body",
                "value": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N",
            },
            "a JSON Web Token",
        ),
        (
            {"op": "replace", "path": "/nodes/1/id", "value": "fetch"},
            "operation 1 changes the id of node fetch_customer",
        ),
        (
            {"op": "replace", "path": "/nodes/1/type", "value": "transform_code"},
            "operation 1 changes the type of node fetch_customer",
        ),
        (
            {"op": "move", "from": "/nodes/1/data/config", "path": "/nodes/2/data/config"},
            "operation 1 is move",
        ),
        (
            {"op": "copy", "from": "/nodes/1/data/config", "path": "/nodes/2/data/config"},
            "operation 1 is copy",
        ),
        (
            {"op": "add", "path": "/name", "value": "Orders"},
            "operation 1 changes the top-level key 'name'",
        ),
        (
            {"op": "replace", "path": "/nodes/1/position", "value": {"x": 0, "y": 0}},
            "operation 1 changes position of node fetch_customer",
        ),
        (
            {"op": "replace", "path": "/nodes/1", "value": {"id": "fetch_customer", "type": "action_http_request"}},
            "replaces the whole node fetch_customer",
        ),
        (
            {"op": "add", "path": "/nodes/0", "value": {"id": "first", "type": "logic_delay"}},
            "add new nodes at /nodes/-",
        ),
        (
            {"op": "add", "path": "/nodes/-", "value": {"id": "send_invoice", "type": "logic_delay"}},
            "a node with that id already exists",
        ),
        (
            {"op": "add", "path": "/nodes/-", "value": {"id": "bad id", "type": "logic_delay"}},
            "adds an invalid node: id:",
        ),
        (
            {"op": "replace", "path": "/edges/0/target", "value": "send_invoice"},
            "changes edges in place",
        ),
        (
            {"op": "replace", "path": "/nodes/1/data/config/headers/X-Api-Key", "value": "{{ credential.crm_key }}"},
            "overwrites a masked secret at node fetch_customer, config.headers['X-Api-Key']",
        ),
        (
            {"op": "add", "path": "/nodes/1/data/config/headers/X-Api-Key", "value": "{{ credential.crm_key }}"},
            "overwrites a masked secret",
        ),
        (
            {"op": "remove", "path": "/nodes/1/data/config/headers"},
            "removes a masked secret at node fetch_customer, config.headers",
        ),
        (
            {"op": "add", "path": "/nodes/2/data/config/headers", "value": {"X-Api-Key": SECRET_MASK}},
            "writes the secret mask [REDACTED] at node send_invoice, config.headers",
        ),
    ],
)
def test_check_patch_refused(workflow, operation, fragment):
    verdict = check_patch(workflow, [PIN_FETCH, operation])

    assert verdict.allowed is False
    assert verdict.safe_unattended is False
    assert any(fragment in reason for reason in verdict.reasons), verdict.reasons


def test_check_patch_masked_pin_refused(workflow):
    patch = [
        PIN_FETCH,
        {"op": "test", "path": "/nodes/1/data/config/headers/X-Api-Key", "value": SECRET_MASK},
        {"op": "replace", "path": "/nodes/1/data/label", "value": "Fetch"},
    ]

    verdict = check_patch(workflow, patch)

    assert verdict.allowed is False
    assert verdict.reasons == [
        (
            "operation 1 pins a masked secret with test at /nodes/1/data/config/headers/X-Api-Key; "
            "a patch never pins a masked value"
        )
    ]


@pytest.mark.parametrize(
    ("patch", "reason"),
    [
        ("not a patch", "a patch is a list of operations, got str"),
        ([], "the patch is empty, so it changes nothing"),
        (
            [{"op": "replace", "path": "/nodes/2/data/label", "value": "x"}],
            (
                "the patch does not start with test operations, "
                "so it could edit a workflow that changed since the patch was made"
            ),
        ),
        ([PIN_FETCH], "the patch only tests values and changes nothing"),
        ([PIN_FETCH, {"op": "remove"}], 'operation 1 is not an object with text op and path: {"op":"remove"}'),
    ],
)
def test_check_patch_malformed_refused(workflow, patch, reason):
    verdict = check_patch(workflow, patch)

    assert verdict.allowed is False
    assert verdict.reasons == [reason]


def test_check_patch_stale_patch_refused(workflow):
    patch = build_patch(workflow, [{"node": "send_invoice", "unset": ["onError"]}])
    workflow["nodes"][2]["data"]["onError"] = "continue"

    verdict = check_patch(workflow, patch)

    assert verdict.allowed is False
    assert verdict.reasons[0].startswith("the patch does not apply to this workflow: test operation 1 failed")


def test_check_patch_credential_template_is_not_secret(workflow):
    verdict = guard_edits(
        workflow,
        [{"node": "fetch_customer", "set": {"config.headers.Authorization": "Bearer {{ credential.billing_token }}"}}],
    )

    assert verdict.allowed is True
    assert verdict.reasons == ["changes credentials of node fetch_customer (config.headers.Authorization)"]


@pytest.mark.parametrize(
    ("patch", "reason"),
    [
        (
            [{"op": "test", "path": "/nodes/3/id", "value": "notify_team"}, {"op": "remove", "path": "/nodes/3"}],
            "removes node notify_team",
        ),
        (
            [{"op": "test", "path": "/edges/2/id", "value": "e3"}, {"op": "remove", "path": "/edges/2"}],
            "removes edge send_invoice -> notify_team",
        ),
        (
            [
                {"op": "test", "path": "/nodes/2/id", "value": "send_invoice"},
                {"op": "replace", "path": "/nodes/2/data/onError", "value": "continue"},
            ],
            'sets onError to "continue" on node send_invoice, which suppresses its errors',
        ),
        (
            [
                {"op": "test", "path": "/nodes/2/id", "value": "send_invoice"},
                {"op": "add", "path": "/nodes/2/data/continueOnFail", "value": True},
            ],
            "sets continueOnFail to true on node send_invoice, which suppresses its errors",
        ),
        (
            [PIN_FETCH, {"op": "replace", "path": "/nodes/1/data/credential", "value": "billing_token"}],
            "changes credentials of node fetch_customer (credential)",
        ),
        (
            [PIN_FETCH, {"op": "remove", "path": "/nodes/1/data/config/headers/Authorization"}],
            "changes credentials of node fetch_customer (config.headers.Authorization)",
        ),
        (
            [PIN_FETCH, {"op": "replace", "path": "/nodes/1/data/config/url", "value": "https://collect.evil.test/c"}],
            (
                "sends data to the new host collect.evil.test, which neither the workflow nor its recorded runs used "
                "(node fetch_customer, config.url)"
            ),
        ),
        (
            [
                PIN_FETCH,
                {"op": "replace", "path": "/nodes/1/data/config/url", "value": "https://{{ trigger.body.host }}/c"},
            ],
            "sends data to a host made by a template, which cannot be checked (node fetch_customer, config.url)",
        ),
        (
            [PIN_FETCH, {"op": "replace", "path": "/nodes/1/data/config/url", "value": "{{ trigger.body.callback }}"}],
            "sends data to a host made by a template, which cannot be checked (node fetch_customer, config.url)",
        ),
        (
            [
                {"op": "test", "path": "/nodes/2/id", "value": "send_invoice"},
                {"op": "add", "path": "/nodes/2/data/config/to/-", "value": "Mallory <mallory@evil.test>"},
            ],
            (
                "sends data to the new recipient mallory@evil.test, which neither the workflow nor its recorded runs "
                "used (node send_invoice, config.to[1])"
            ),
        ),
        (
            [
                {"op": "test", "path": "/nodes/2/id", "value": "send_invoice"},
                {"op": "add", "path": "/nodes/2/data/config/bcc", "value": "{{ trigger.body.audit_email }}"},
            ],
            "sends data to a recipient made by a template, which cannot be checked (node send_invoice, config.bcc)",
        ),
        (
            [
                {"op": "test", "path": "/nodes/3/id", "value": "notify_team"},
                {"op": "replace", "path": "/nodes/3/data/config/channel", "value": "#general"},
            ],
            (
                "sends data to the new channel general, which neither the workflow nor its recorded runs used "
                "(node notify_team, config.channel)"
            ),
        ),
        (
            [PIN_FETCH, {"op": "add", "path": "/settings", "value": {"retry": {"enabled": True, "max_attempts": 3}}}],
            "changes workflow settings (add /settings)",
        ),
    ],
)
def test_check_patch_not_safe_unattended(workflow, patch, reason):
    verdict = check_patch(workflow, patch)

    assert verdict.allowed is True
    assert verdict.safe_unattended is False
    assert reason in verdict.reasons, verdict.reasons


def test_check_patch_insert_node_rewires_edge(workflow):
    edit = {"insert_node": {"id": "wait", "type": "logic_delay"}, "between": ["fetch_customer", "send_invoice"]}

    verdict = guard_edits(workflow, [edit])

    assert verdict.allowed is True
    assert verdict.safe_unattended is False
    assert verdict.reasons == ["rewires edge fetch_customer -> send_invoice through new node wait, removing that edge"]
    assert verdict.touched_nodes == ["wait", "fetch_customer", "send_invoice"]


def test_check_patch_new_node_checks_its_data(workflow):
    node = {
        "id": "post_crm",
        "type": "action_http_request",
        "data": {"config": {"url": "https://crm.evil.test/hook"}, "onError": "continue", "credential": "crm_token"},
    }

    verdict = guard_edits(workflow, [{"insert_node": node, "between": ["send_invoice", "notify_team"]}])

    assert 'sets onError to "continue" on node post_crm, which suppresses its errors' in verdict.reasons
    assert "changes credentials of new node post_crm (credential)" in verdict.reasons
    assert any("new host crm.evil.test" in reason for reason in verdict.reasons)


def test_check_patch_host_in_recorded_fixture_is_known(workflow):
    runs = [
        {
            "deterministic_fixtures": [
                {"request_fingerprint": "0" * 64, "request": {"url": "https://api2.example.com/v1/customers/7"}}
            ]
        }
    ]
    edit = {
        "node": "fetch_customer",
        "set": {"config.url": "https://api2.example.com/v1/customers/{{ trigger.body.customer_id }}"},
    }

    verdict = guard_edits(workflow, [edit], recorded_runs=runs)

    assert verdict.safe_unattended is True
    assert verdict.reasons == []


def test_check_patch_recipient_in_recorded_input_is_known(workflow):
    runs = [{"nodes": [{"node_id": "send_invoice", "input": {"to": ["Finance <finance@acme.test>"]}}]}]
    edit = {"node": "send_invoice", "set": {"config.cc": "finance@acme.test"}}

    verdict = guard_edits(workflow, [edit], recorded_runs=runs)

    assert verdict.safe_unattended is True


def test_check_patch_channel_in_recorded_input_is_known(workflow):
    runs = [{"nodes": [{"node_id": "notify_team", "input": {"channel": "#Billing-Alerts"}}]}]
    edit = {"node": "notify_team", "set": {"config.channel": "billing-alerts"}}

    verdict = guard_edits(workflow, [edit], recorded_runs=runs)

    assert verdict.safe_unattended is True


def test_check_patch_host_known_from_other_node(workflow):
    workflow["nodes"][3]["data"]["config"]["webhook_url"] = "https://hooks.slack.com/services/T0/B0"
    edit = {"node": "fetch_customer", "set": {"config.url": "https://hooks.slack.com/services/T0/B0"}}

    verdict = guard_edits(workflow, [edit])

    assert verdict.safe_unattended is True


def test_check_patch_url_path_change_keeps_host(workflow):
    edit = {
        "node": "fetch_customer",
        "set": {"config.url": "https://API.example.com:443/v2/customers/{{ trigger.body.id }}"},
    }

    verdict = guard_edits(workflow, [edit])

    assert verdict.safe_unattended is True


def test_check_patch_message_url_ignored(workflow):
    edit = {"node": "notify_team", "set": {"config.text": "See https://dashboard.other.test/orders"}}

    verdict = guard_edits(workflow, [edit])

    assert verdict.safe_unattended is True


def test_check_patch_error_text_not_suppression(workflow):
    edit = {"node": "send_invoice", "set": {"config.error_message": "Please continue the order by hand"}}

    verdict = guard_edits(workflow, [edit])

    assert verdict.safe_unattended is True


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://api.example.com:{{ env.crm_port }}/customers", True),
        ("https://{{ env.user }}@api.example.com/customers", True),
        ("https://api.example.com.{{ env.suffix }}/customers", False),
        ("https://{{ env.crm_host }}/customers", False),
        ("api.example.com/customers/{{ trigger.body.id }}", True),
        ("evil.test/customers", False),
        ("https://[::1]:8080/customers", False),
    ],
)
def test_check_patch_url_host_templates(workflow, url, safe):
    verdict = guard_edits(workflow, [{"node": "fetch_customer", "set": {"config.url": url}}])

    assert verdict.safe_unattended is safe, verdict.reasons
