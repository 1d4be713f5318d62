"""A property-based run over the OpenAPI schema (schemathesis) against the live test server: whatever a
client sends that the schema allows, or nearly allows, the API answers without a server error."""

import json

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings

from api.tokens import api_token_create
from tests.factories import JobFactory, UserFactory
from tests.web.job_data import make_completed

schema = schemathesis.openapi.from_dict(json.loads(json.dumps(SchemaGenerator().get_schema(public=True), default=str)))


@pytest.fixture
def bearer(live_server):
    person = UserFactory(username="fuzzer")
    make_completed(JobFactory(owner=person))
    _, token = api_token_create(user=person, name="fuzz")
    return {"Authorization": f"Bearer {token}"}


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_the_schema_describes_gets_a_server_error(case, live_server, bearer):
    response = case.call(base_url=live_server.url, headers=bearer)
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code}"
