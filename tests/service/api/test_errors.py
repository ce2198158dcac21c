"""Problem details: every error code keeps its status, content type, type URI and title."""

import pytest
from litestar import Litestar, get
from litestar.testing import AsyncTestClient

from service.errors import PROBLEM_MEDIA_TYPE, PROBLEM_TYPES, ErrorCode, ProblemError


@get("/raise/{code:str}", sync_to_thread=False)
def _raise_problem(code: str) -> None:
    raise ProblemError(ErrorCode(code), f"raised {code} on purpose")


@get("/raise-unexpected", sync_to_thread=False)
def _raise_unexpected() -> None:
    raise KeyError("secret-looking detail that must stay in the log")


@pytest.fixture
async def raising_client(app: Litestar) -> AsyncTestClient[Litestar]:
    app.register(_raise_problem)
    app.register(_raise_unexpected)
    async with AsyncTestClient(app=app) as client:
        yield client


@pytest.mark.parametrize("code", list(ErrorCode))
async def test_problem_code_maps_to_status_and_body(raising_client: AsyncTestClient[Litestar], code: ErrorCode) -> None:
    response = await raising_client.get(f"/raise/{code.value}")

    body = response.json()
    assert response.status_code == PROBLEM_TYPES[code].status
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert body["code"] == code.value
    assert body["type"] == f"/problems/{code.value}"
    assert body["title"] == PROBLEM_TYPES[code].title
    assert body["status"] == PROBLEM_TYPES[code].status
    assert body["detail"] == f"raised {code.value} on purpose"


def test_problem_codes_have_distinct_titles() -> None:
    titles = [problem.title for problem in PROBLEM_TYPES.values()]

    assert set(PROBLEM_TYPES) == set(ErrorCode)
    assert len(set(titles)) == len(titles)


@pytest.mark.parametrize("code", list(ErrorCode))
async def test_problem_type_page_describes_code(client: AsyncTestClient[Litestar], code: ErrorCode) -> None:
    response = await client.get(f"/problems/{code.value}")

    assert response.status_code == 200
    assert response.json()["status"] == PROBLEM_TYPES[code].status
    assert response.json()["description"] == PROBLEM_TYPES[code].description


async def test_problem_type_page_unknown_code_is_not_found(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/problems/no_such_code")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert "validation_failed" in response.json()["detail"]


async def test_unknown_route_is_not_found_problem(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/api/v1/nowhere")

    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert response.json()["code"] == "not_found"


async def test_wrong_method_is_method_not_allowed_problem(client: AsyncTestClient[Litestar]) -> None:
    response = await client.delete("/health")

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


async def test_unexpected_error_hides_its_message(raising_client: AsyncTestClient[Litestar]) -> None:
    response = await raising_client.get("/raise-unexpected")

    assert response.status_code == 500
    assert response.json()["code"] == "internal_error"
    assert "secret-looking" not in response.text
