"""No number a stranger sends answers 500: not in a path, a query string, a form field or a header.

Python's int() takes any Unicode digit ("²" raises, "٣" is 3) and refuses more than 4,300 digits, and
PostgreSQL refuses an id or an OFFSET past a bigint: each was a 500 somewhere. Hypothesis sends such
numbers to every place that takes one. Those places are not listed by hand alone: they are enumerated
from the URLconf (`int` converters, DRF page parameters), from our forms (number fields, choices of
numbers, model choices), from the query parameters and headers our views read, and each must appear
in the tables below, so a new one fails here until it is listed (and so tested).
"""

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django import forms
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from jobs import sharing
from jobs.forms import HistoryFilterForm, JobCreateForm, ShareLinkCreateForm
from teams.forms import InvitationCreateForm
from tests.factories import personal_team_of
from tests.web.settings_process import PROJECT_DIR

OUR_APPS = ("jobs", "teams", "api", "localgen", "musicgen", "plumbing")
A_FEW_EXAMPLES = hypothesis_settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- numbers as strangers send them -----------------------------------------------------------------
PAST_INT_LIMIT = st.integers(min_value=4290, max_value=4400).map(lambda digits: "9" * digits)
ASCII_NUMBERS = st.one_of(
    st.integers(min_value=0, max_value=2**70).map(str),
    st.integers(min_value=2**63 - 2, max_value=2**63 + 2).map(str),  # either side of a bigint
    st.integers(min_value=1, max_value=25).map(lambda zeros: "0" * zeros + "1"),
    PAST_INT_LIMIT,
)
ANY_NUMBERS = st.one_of(
    ASCII_NUMBERS,
    st.text(st.characters(categories=("Nd", "No", "Nl")), min_size=1, max_size=6),  # ², ٣, Ⅻ, １２ ...
    st.sampled_from(["-1", "1.5", "1e400", " 7 ", "0x1f", "", "²", "١٢", "+3"]),
)
RANGE_HEADERS = st.one_of(
    st.builds(lambda first, last: f"bytes={first}-{last}", ANY_NUMBERS, ANY_NUMBERS),
    st.builds(lambda first: f"bytes={first}-", ANY_NUMBERS),
    st.builds(lambda last: f"bytes=-{last}", ANY_NUMBERS),
)
# Content-Length frames the body: the server in front waits for that many bytes, so only values it
# would pass on unread matter here: past the upload cap, or no number int() reads (², Ⅻ).
CONTENT_LENGTHS = st.one_of(
    st.integers(min_value=10**9, max_value=10**30).map(str),
    PAST_INT_LIMIT,
    st.text(st.characters(categories=("No", "Nl")), min_size=1, max_size=6),
)


# --- where numbers go -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    """One request that carries a stranger's number: `where` is path, query, form or header."""

    method: str
    url_name: str
    where: str
    parameter: str

    def __str__(self):
        return f"{self.method} {self.url_name} {self.where} {self.parameter}"


# Every URL whose route takes an <int:...>: all its int parameters get a number each.
PATH_TARGETS = [
    Target("POST", "jobs:share_revoke", "path", "link_id"),
    Target("POST", "jobs:share_stems", "path", "link_id"),
    Target("GET", "teams:detail", "path", "team_id"),
    Target("POST", "teams:invitation_create", "path", "team_id"),
    Target("POST", "teams:invitation_revoke", "path", "team_id, invitation_id"),
    Target("POST", "teams:member_promote", "path", "team_id, user_id"),
    Target("POST", "teams:member_remove", "path", "team_id, user_id"),
    Target("POST", "teams:leave", "path", "team_id"),
    Target("GET", "api:share_link", "path", "link_id"),
    Target("DELETE", "api:share_link", "path", "link_id"),
    Target("POST", "api:token_revoke", "path", "token_id"),
]
QUERY_TARGETS = [
    Target("GET", "jobs:history", "query", "page"),
    Target("GET", "jobs:history_list", "query", "page"),
    Target("GET", "jobs:history_list", "query", "scope"),
    Target("GET", "api:jobs", "query", "page"),
    Target("GET", "api:jobs", "query", "scope"),
    Target("GET", "api:jobs", "query", "team"),
]
FORM_TARGETS = [
    Target("POST", "jobs:new", "form", "team"),
    Target("POST", "api:jobs", "form", "team"),
    Target("POST", "jobs:new", "form", "sample_rate"),
    Target("POST", "jobs:new", "form", "bitrate"),
    Target("POST", "jobs:new", "form", "versions"),
    Target("POST", "jobs:share_create", "form", "expiry"),
    Target("POST", "teams:invitation_create", "form", "days"),
    Target("POST", "teams:invitation_create", "form", "max_uses"),
]
HEADER_TARGETS = [
    Target("GET", "jobs:song_audio", "header", "Range"),
    Target("GET", "jobs:reference_audio", "header", "Range"),
    Target("GET", "jobs:song_download", "header", "Range"),
    Target("GET", "jobs:shared_song_audio", "header", "Range"),
    Target("GET", "jobs:shared_song_download", "header", "Range"),
    Target("POST", "jobs:new", "header", "Content-Length"),
    Target("POST", "api:jobs", "header", "Content-Length"),
]

# Query parameters and headers our views read that carry no number (ids here are UUIDs, refused by
# uuid.UUID or the `uuid` converter before any lookup).
QUERY_PARAMETERS_WITHOUT_NUMBERS = {"from", "generation_id", "analysis_id"}
HEADERS_WITHOUT_NUMBERS = {"HX-Request", "Authorization", "X-Forwarded-For", "Remote-Addr"}

# Form fields, by form, that take a number; enumerated below from every form our apps define.
NUMBER_FIELDS = {
    JobCreateForm: {"team", "sample_rate", "bitrate", "versions"},
    HistoryFilterForm: {"scope"},
    ShareLinkCreateForm: {"expiry"},
    InvitationCreateForm: {"days", "max_uses"},
}


# --- enumeration ------------------------------------------------------------------------------------
def url_patterns_with_names(patterns=None, namespace="", converters=None):
    """(namespaced name, {parameter: converter}, view) of every URL in the URLconf."""
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for pattern in patterns:
        found = {**(converters or {}), **getattr(pattern.pattern, "converters", {})}
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_patterns_with_names(pattern.url_patterns, inner, found)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", found, pattern.callback


def urls_with_integer_parameters():
    return {
        name
        for name, converters, _ in url_patterns_with_names()
        if any(isinstance(converter, IntConverter) for converter in converters.values())
    }


def drf_page_parameters():
    """(url name, page parameter) of every API list view that pages with page numbers."""
    found = set()
    for name, _, callback in url_patterns_with_names():
        paginator = getattr(getattr(callback, "cls", None), "pagination_class", None)
        if paginator is not None and getattr(paginator, "page_query_param", None):
            found.add((name, paginator.page_query_param))
    return found


def our_forms():
    """Every form class our apps define that the URLconf's views can reach."""
    get_resolver().url_patterns  # noqa: B018 - imports every view, and so every form they use
    pending, seen = [forms.BaseForm], set()
    while pending:
        for subclass in pending.pop().__subclasses__():
            if subclass not in seen:
                seen.add(subclass)
                pending.append(subclass)
    return {form for form in seen if form.__module__.split(".")[0] in OUR_APPS}


def takes_a_number(field):
    if isinstance(field, forms.IntegerField | forms.ModelChoiceField):
        return True
    if isinstance(field, forms.TypedChoiceField) and field.coerce in (int, float):
        return True
    if isinstance(field, forms.ChoiceField):
        values = [str(value) for value, _ in field.choices]
        return not values or any(value.isdigit() for value in values)  # choices set per request may be ids
    return False


def source_of_our_apps():
    for app in OUR_APPS:
        for path in Path(PROJECT_DIR, app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path.read_text()


def query_parameters_read():
    pattern = re.compile(r"""(?:request\.GET|query_params|params)\s*(?:\.get|\.pop|\.getlist|\[)\(?\s*["'](\w+)["']""")
    return {name for source in source_of_our_apps() for name in pattern.findall(source)}


def headers_read():
    """Request headers our code reads, in the `request.headers` spelling."""
    headers = re.compile(r"""request\.headers(?:\.get\(|\[)\s*["']([\w-]+)["']""")
    meta = re.compile(r"""request\.META(?:\.get\(|\[)\s*["'](\w+)["']""")
    found = set()
    for source in source_of_our_apps():
        found |= set(headers.findall(source))
        found |= {name.removeprefix("HTTP_").replace("_", "-").title() for name in meta.findall(source)}
    return found


def listed(targets, where):
    """(url name, parameter) of the targets sending to `where`; a pytest.param counts as its target."""
    unwrapped = (target.values[0] if hasattr(target, "values") else target for target in targets)
    return {(target.url_name, target.parameter) for target in unwrapped if target.where == where}


def test_every_url_taking_an_integer_is_listed():
    assert urls_with_integer_parameters() == {target.url_name for target in PATH_TARGETS}


def test_every_api_page_parameter_is_listed():
    assert drf_page_parameters() <= listed(QUERY_TARGETS, "query")


def test_every_form_field_taking_a_number_is_listed():
    found = {form: {name for name, field in form.base_fields.items() if takes_a_number(field)} for form in our_forms()}
    assert {form: names for form, names in found.items() if names} == NUMBER_FIELDS
    sent = {parameter for _, parameter in listed(FORM_TARGETS, "form") | listed(QUERY_TARGETS, "query")}
    assert set().union(*NUMBER_FIELDS.values()) <= sent


def test_every_query_parameter_read_is_listed():
    taking_numbers = {parameter for _, parameter in listed(QUERY_TARGETS, "query")}
    assert query_parameters_read() <= taking_numbers | QUERY_PARAMETERS_WITHOUT_NUMBERS


def test_every_header_read_is_listed():
    taking_numbers = {parameter for _, parameter in listed(HEADER_TARGETS, "header")}
    assert headers_read() <= taking_numbers | HEADERS_WITHOUT_NUMBERS


# --- the property -----------------------------------------------------------------------------------
@pytest.fixture
def world(owner, completed_job):
    """What the targets' other parameters point at: the owner's completed job, team and a share link."""
    _, share_token = sharing.share_link_create(job=completed_job, created_by=owner)
    client = Client()
    client.force_login(owner)
    return {
        "client": client,
        "stranger": Client(),
        "job_id": completed_job.id,
        "token": share_token,
        "team_id": personal_team_of(owner).id,
    }


def url_for(target, world, numbers=None):
    """The target's URL: the drawn `numbers` where given, the world's job, token and team elsewhere."""
    numbers = numbers or {}
    route_parameters = next(converters for name, converters, _ in url_patterns_with_names() if name == target.url_name)
    return reverse(target.url_name, kwargs={name: numbers.get(name, world.get(name)) for name in route_parameters})


def send(client, method, url, *, query=None, data=None, headers=None):
    if method == "GET":
        return client.get(url, query or {}, headers=headers or {})
    if method == "DELETE":
        return client.delete(url, headers=headers or {})
    return client.post(url, data or {}, headers=headers or {})


def assert_answered(response, target, value):
    assert response.status_code < 500, f"{target} with {value[:80]!r} answered {response.status_code}"


@pytest.mark.parametrize("target", PATH_TARGETS, ids=str)
@A_FEW_EXAMPLES
@given(data=st.data())
def test_no_number_in_a_path_answers_500(world, target, data):
    names = [name.strip() for name in target.parameter.split(",")]
    numbers = {name: data.draw(ASCII_NUMBERS, label=name) for name in names}
    response = send(world["client"], target.method, url_for(target, world, numbers))
    assert_answered(response, target, repr(numbers))


@pytest.mark.parametrize("target", QUERY_TARGETS + FORM_TARGETS, ids=str)
@A_FEW_EXAMPLES
@given(number=ANY_NUMBERS)
def test_no_number_in_a_query_or_a_form_answers_500(world, target, number):
    values = {target.parameter: number}
    url = url_for(target, world)
    if target.where == "query":
        response = send(world["client"], "GET", url, query=values)
    else:
        response = send(world["client"], target.method, url, data=values)
    assert_answered(response, target, number)


@pytest.mark.parametrize("target", HEADER_TARGETS, ids=str)
@A_FEW_EXAMPLES
@given(data=st.data())
def test_no_number_in_a_header_answers_500(world, target, data):
    value = data.draw(RANGE_HEADERS if target.parameter == "Range" else CONTENT_LENGTHS, label=target.parameter)
    client = world["stranger"] if target.url_name.startswith("jobs:shared_") else world["client"]
    response = send(client, target.method, url_for(target, world), headers={target.parameter: value})
    assert_answered(response, target, value)


# --- the cases that answered 500 before, by name ----------------------------------------------------
def test_a_page_past_a_bigint_shows_the_last_page(world):
    response = world["client"].get("/jobs/", {"page": "10000000000000000000"})
    assert response.status_code == 200
    assert response.context["page"].number == response.context["page"].paginator.num_pages


def test_a_range_of_4301_digits_on_a_public_share_link_answers_416(world):
    url = reverse("jobs:shared_song_audio", args=[world["token"]])
    response = world["stranger"].get(url, headers={"Range": f"bytes={'9' * 4301}-"})
    assert response.status_code == 416


def test_a_team_given_as_a_superscript_digit_is_no_team_of_yours(world):
    response = world["client"].post(reverse("jobs:new"), {"team": "²"})
    assert response.status_code == 200
    assert "You are not in a team of that id or name" in response.content.decode()
