"""load_cases: valid cases load, and a malformed case is rejected naming its file, JSON path and reason."""

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from evals.cases import CaseError, load_cases

CORPUS_DIR = Path(__file__).resolve().parents[2] / "evals" / "corpus"
VALID_FILE = CORPUS_DIR / "injected" / "order_sync__misspelt_email.json"


def valid_case() -> dict[str, Any]:
    return json.loads(VALID_FILE.read_text(encoding="utf-8"))


def write_case(folder: Path, document: Any, name: str = "broken.json") -> Path:
    path = folder / "nested" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(document if isinstance(document, str) else json.dumps(document), encoding="utf-8")
    return path


def _set(document: dict[str, Any], keys: list[Any], value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    target = changed
    for key in keys[:-1]:
        target = target[key]
    target[keys[-1]] = value
    return changed


def _drop(document: dict[str, Any], key: str) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    del changed[key]
    return changed


BREAKAGES = [
    ("unknown_class", lambda case: _set(case, ["class"], "network_glitch"), "$.class", "input should be"),
    ("missing_fixable", lambda case: _drop(case, "fixable"), "$.fixable", "field required"),
    ("bad_origin", lambda case: _set(case, ["origin"], "synthetic"), "$.origin", "input should be"),
    ("misspelt_top_key", lambda case: _set(case, ["acept"], {}), "$.acept", "extra inputs"),
    ("bad_status", lambda case: _set(case, ["accept", "status"], "green"), "$.accept.status", "input should be"),
    ("bad_jsonpath", lambda case: _set(case, ["accept", "outputs"], {"post_erp": {"$.body[": 1}}), "$.accept.outputs", "does not parse"),
    ("call_without_contains", lambda case: _set(case, ["accept", "calls"], [{"node": "notify"}]), "$.accept.calls[0].contains", "field required"),
    ("bad_fingerprint", lambda case: _set(case, ["world", "fixtures", 0, "request_fingerprint"], "abc"), "$.world.fixtures[0].request_fingerprint", "string should match"),
    ("fixture_without_answer", lambda case: _set(case, ["world", "fixtures", 0, "response"], None), "$.world.fixtures[0]", "needs a response"),
    ("reference_with_both", lambda case: _set(case, ["reference_fix", "action"], {"type": "reconnect_credential"}), "$.reference_fix", "either edits or an action"),
    ("reference_bad_edit", lambda case: _set(case, ["reference_fix", "edits"], [{"node": "notify", "sett": {}}]), "$.reference_fix", "edits[0]"),
    ("unknown_action", lambda case: _set(case, ["expect_action"], "reboot"), "$.expect_action", "input should be"),
    ("bundle_format", lambda case: _set(case, ["bundle", "format"], "other/1"), "$.bundle.format", "expected"),
    ("bundle_edge_to_nowhere", lambda case: _set(case, ["bundle", "workflow", "definition", "edges", 0, "target"], "ghost"),
     "$.bundle.workflow.definition.edges[0].target", "ghost"),
    ("output_of_unknown_node", lambda case: _set(case, ["accept", "outputs"], {"ghost": {"$.a": 1}}), "$.accept.outputs.ghost", "not in the bundle"),
    ("call_of_unknown_node", lambda case: _set(case, ["accept", "calls"], [{"node": "ghost", "contains": {}}]), "$.accept.calls[0].node", "not in the bundle"),
    ("fixture_of_unknown_node", lambda case: _set(case, ["world", "fixtures", 0, "node_id"], "ghost"), "$.world.fixtures[0].node_id", "not in the bundle"),
    ("action_on_fixable", lambda case: _set(case, ["expect_action"], "reconnect_credential"), "$.expect_action", "unfixable"),
]


def test_load_cases_reads_valid_case(tmp_path):
    write_case(tmp_path, valid_case(), "good.json")

    loaded = load_cases(tmp_path)

    assert [item.case_id for item in loaded] == ["nested/good"]
    assert loaded[0].case.kind == "data_mapping"
    assert loaded[0].definition["nodes"][0]["id"] == "order_hook"


@pytest.mark.parametrize(("name", "breakage", "path", "reason"), BREAKAGES, ids=[row[0] for row in BREAKAGES])
def test_load_cases_rejects_malformed_case(tmp_path, name, breakage, path, reason):
    file = write_case(tmp_path, breakage(valid_case()))

    with pytest.raises(CaseError) as raised:
        load_cases(tmp_path)

    assert raised.value.file == file
    assert raised.value.path == path
    assert reason in raised.value.reason.lower()


def test_load_cases_rejects_malformed_json(tmp_path):
    file = write_case(tmp_path, '{"bundle": ')

    with pytest.raises(CaseError) as raised:
        load_cases(tmp_path)

    assert raised.value.file == file
    assert "malformed JSON" in raised.value.reason


def test_load_cases_rejects_list_document(tmp_path):
    write_case(tmp_path, [1, 2])

    with pytest.raises(CaseError, match="expected a JSON object"):
        load_cases(tmp_path)


def test_load_cases_missing_folder_raises(tmp_path):
    with pytest.raises(CaseError, match="case folder not found"):
        load_cases(tmp_path / "absent")


def test_load_cases_redacts_bundle_secrets(tmp_path):
    document = valid_case()
    document["bundle"]["execution"]["trigger_data"]["headers"]["Authorization"] = "Bearer sk_live_4242abcd"
    write_case(tmp_path, document)

    loaded = load_cases(tmp_path)[0]

    assert loaded.execution["trigger_data"]["headers"]["Authorization"] == "Bearer [REDACTED]"
