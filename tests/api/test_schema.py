import pytest
from django.urls import reverse
from openapi_spec_validator import validate


@pytest.mark.django_db
def test_the_openapi_schema_is_valid_and_lists_every_api_url(client):
    response = client.get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    schema = response.json()
    validate(schema)
    assert schema["openapi"].startswith("3.")
    assert {"/api/jobs/", "/api/jobs/{job_id}/", "/api/share-links/{link_id}/", "/api/teams/"} <= set(schema["paths"])


@pytest.mark.django_db
def test_the_docs_page_loads_swagger_ui_from_our_own_static_files(client):
    page = client.get(reverse("api:docs")).content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()


@pytest.mark.django_db
def test_the_docs_page_runs_no_inline_script(client):
    page = client.get(reverse("api:docs")).content.decode()
    assert "<script>" not in page
    script = client.get(reverse("api:docs"), {"script": ""})
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
