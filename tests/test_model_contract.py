"""Every model's rules, fed the same inputs through each consumer: the shared rules
(generation/catalogue.py), the new-song form (which the JSON API uses) and the local service's 422s.

Each row of the table is one limit, just inside or just outside, for one model, with the limits
written out as the hosted API's docs give them, so a change of the catalogue that breaks the hosted
contract fails here. `None` as the broken input: the request must be accepted.
"""

import json
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from generation import catalogue
from jobs.forms import FORM_FIELD_OF_INPUT, JobCreateForm
from localgen.keys import generation_key_create
from localgen.models import Generation
from tests.audio_samples import flac, tone_mp3, tone_wav
from tests.localgen.conftest import bearer

MUSIC = "minimax-music"
COVER = "minimax/music-cover"
V26 = "minimax/music-2.6"
V20 = "minimax/music-2.0"
V15 = "minimax/music-1.5"
TAGGED = "[Verse]\nWalking down the river\n[Chorus]\nSinging all night long"
# A request each model accepts; each row changes one thing.
VALID = {
    MUSIC: {"lyrics": "##\nWalking down the river\n\nSinging all night long\n##"},
    COVER: {"style": "slow acoustic ballad", "lyrics": TAGGED},
    V26: {"style": "upbeat dance pop", "lyrics": TAGGED},
    V20: {"style": "upbeat dance pop", "lyrics": TAGGED},
    V15: {"style": "upbeat dance pop", "lyrics": TAGGED},
}
TAKES_REFERENCE = {MUSIC, COVER}
EVERY_CONSUMER = ("rules", "form", "service")


@dataclass(frozen=True)
class Case:
    model: str
    change: dict  # inputs replaced in VALID[model]; "reference" is a (format, seconds) or None
    broken: str | None  # the catalogue's name of the input refused, or None
    consumers: tuple = EVERY_CONSUMER
    id: str = field(default="", compare=False)

    def inputs(self):
        inputs = {**VALID[self.model], **self.change}
        inputs.pop("reference", None)
        return {name: value for name, value in inputs.items() if value is not None}

    def reference(self):
        default = ("wav", 20.0) if self.model in TAKES_REFERENCE else None
        return self.change.get("reference", default)


def case(model, broken, consumers=EVERY_CONSUMER, **change):
    inside = "accepted" if broken is None else f"refuses {broken}"
    described = ", ".join(f"{name}={_short(value)}" for name, value in change.items())
    return pytest.param(Case(model, change, broken, consumers), id=f"{model} {described} {inside}")


def _short(value):
    if isinstance(value, str) and len(value) > 12:
        return f"{len(value)} chars"
    return repr(value)


def chars(count):
    return "a" * count


NOT_THE_FORM = ("rules", "service")  # the form's selects cannot send a value outside their choices
NOT_THE_SERVICE = ("rules", "form")  # the service measures a reference only once it has fetched it

CASES = [
    # minimax-music: lyrics as the prompt, at most 600 characters; a WAV or MP3 longer than 15 s.
    case(MUSIC, None),
    case(MUSIC, None, lyrics=chars(600)),
    case(MUSIC, "lyrics", lyrics=chars(601)),
    case(MUSIC, "lyrics", lyrics=""),
    case(MUSIC, "lyrics", lyrics="##\nOnly an intro"),
    case(MUSIC, "reference", reference=None),
    case(MUSIC, None, NOT_THE_SERVICE, reference=("wav", 15.1)),
    case(MUSIC, "reference", NOT_THE_SERVICE, reference=("wav", 15.0)),
    case(MUSIC, None, NOT_THE_SERVICE, reference=("mp3", 16.0)),
    case(MUSIC, "reference", NOT_THE_SERVICE, reference=("flac", 20.0)),
    case(MUSIC, "style", NOT_THE_SERVICE, style="slow ballad"),  # its schema has no field for a style
    case(MUSIC, "is_instrumental", is_instrumental=True),
    case(MUSIC, "audio_setting", NOT_THE_FORM, audio_setting={"format": "wav"}),
    # music-cover: style 10-2000, lyrics 10-3000, both required; MP3/WAV/FLAC of 6 s to 6 min, <= 50 MB.
    case(COVER, None, style=chars(10)),
    case(COVER, "style", style=chars(9)),
    case(COVER, None, style=chars(2000)),
    case(COVER, "style", style=chars(2001)),
    case(COVER, "style", style=None),
    case(COVER, None, lyrics=chars(10)),
    case(COVER, "lyrics", lyrics=chars(9)),
    case(COVER, None, lyrics=chars(3000)),
    case(COVER, "lyrics", lyrics=chars(3001)),
    case(COVER, "lyrics", lyrics=None),
    case(COVER, "lyrics", lyrics="[Verse]\nWalking down\n[Refrain]\nSinging all night"),
    case(COVER, "reference", reference=None),
    case(COVER, None, NOT_THE_SERVICE, reference=("wav", 6.0)),
    case(COVER, "reference", NOT_THE_SERVICE, reference=("wav", 5.9)),
    case(COVER, None, NOT_THE_SERVICE, reference=("flac", 8.0)),
    case(COVER, None, NOT_THE_SERVICE, reference=("mp3", 360.0)),
    case(COVER, "reference", NOT_THE_SERVICE, reference=("mp3", 361.0)),
    case(COVER, "is_instrumental", is_instrumental=True),
    case(COVER, None, audio_setting={"sample_rate": 16000, "bitrate": 32000, "format": "wav"}),
    case(COVER, None, audio_setting={"sample_rate": 44100, "bitrate": 256000, "format": "mp3"}),
    case(COVER, "audio_setting", NOT_THE_FORM, audio_setting={"sample_rate": 22050}),
    case(COVER, "audio_setting", NOT_THE_FORM, audio_setting={"bitrate": 320000}),
    case(COVER, "audio_setting", NOT_THE_FORM, audio_setting={"format": "flac"}),
    # music-2.6: style up to 2000, lyrics up to 3000, both optional; instrumental; no reference.
    case(V26, None, style=None),
    case(V26, None, style=chars(2000)),
    case(V26, "style", style=chars(2001)),
    case(V26, None, lyrics=chars(3000)),
    case(V26, "lyrics", lyrics=chars(3001)),
    case(V26, "lyrics", lyrics=None),
    case(V26, None, lyrics=None, is_instrumental=True),
    case(V26, None, NOT_THE_SERVICE, lyrics=None, lyrics_optimizer=True),  # the service writes no lyrics: below
    case(V26, "reference", reference=("wav", 20.0)),
    case(V26, None, audio_setting={"sample_rate": 24000, "bitrate": 128000, "format": "wav"}),
    case(V26, "audio_setting", NOT_THE_FORM, audio_setting={"sample_rate": 48000}),
    # music-2.0: style 10-2000 and lyrics 10-3000, both required; no reference.
    case(V20, None, style=chars(10), lyrics=chars(10)),
    case(V20, "style", style=chars(9)),
    case(V20, None, style=chars(2000)),
    case(V20, "style", style=chars(2001)),
    case(V20, "lyrics", lyrics=chars(9)),
    case(V20, "lyrics", lyrics=chars(3001)),
    case(V20, "is_instrumental", is_instrumental=True),
    case(V20, "reference", reference=("mp3", 20.0)),
    # music-1.5: style 10-300 and lyrics 10-3000, both required; no reference.
    case(V15, None, style=chars(300)),
    case(V15, "style", style=chars(301)),
    case(V15, "style", style=chars(9)),
    case(V15, None, lyrics=chars(3000)),
    case(V15, "lyrics", lyrics=chars(3001)),
    case(V15, "lyrics_optimizer", lyrics_optimizer=True),
    case(V15, "reference", reference=("wav", 20.0)),
]


def only_for(consumer):
    return [param for param in CASES if consumer in param.values[0].consumers]


# --- the shared rules ------------------------------------------------------------------------------


@pytest.mark.parametrize("row", only_for("rules"))
def test_the_shared_rules(row):
    reference = row.reference()
    facts = catalogue.ReferenceFacts(reference[0], reference[1], 1_000_000) if reference else None

    problems = catalogue.check_inputs(row.model, row.inputs(), has_reference=facts is not None, reference=facts)

    assert list(problems) == ([row.broken] if row.broken else [])


def test_a_reference_over_50_mb_is_refused_for_music_cover():
    facts = catalogue.ReferenceFacts("wav", 60.0, 50_000_001)

    assert "at most 50 MB" in catalogue.reference_problem(COVER, facts)
    assert catalogue.reference_problem(COVER, catalogue.ReferenceFacts("wav", 60.0, 50_000_000)) is None


# --- the new-song form (and so the JSON API) --------------------------------------------------------

ENCODERS = {"wav": tone_wav, "mp3": tone_mp3, "flac": flac}


def form_data(row):
    inputs = row.inputs()
    data = {"model": row.model, "style": inputs.get("style", ""), "prompt": inputs.get("lyrics", "")}
    for switch in ("is_instrumental", "lyrics_optimizer"):
        if inputs.get(switch):
            data[switch] = "on"
    setting = inputs.get("audio_setting") or {}
    data.update(
        audio_format=setting.get("format", ""),
        sample_rate=setting.get("sample_rate", ""),
        bitrate=setting.get("bitrate", ""),
    )
    return data


@pytest.mark.parametrize("row", only_for("form"))
def test_the_new_song_form(row, owner):
    files = {}
    if row.reference():
        audio_format, seconds = row.reference()
        content = ENCODERS[audio_format](seconds)
        files["reference_track"] = SimpleUploadedFile(f"reference.{audio_format}", content)

    form = JobCreateForm(form_data(row), files, user=owner)
    form.is_valid()

    expected = [FORM_FIELD_OF_INPUT.get(row.broken, row.broken)] if row.broken else []
    assert list(form.errors) == expected


def test_the_forms_audio_choices_are_the_catalogues(owner):
    form = JobCreateForm(user=owner)

    assert [value for value, _ in form.fields["sample_rate"].choices][1:] == list(catalogue.SAMPLE_RATES)
    assert [value for value, _ in form.fields["bitrate"].choices][1:] == list(catalogue.BITRATES)
    assert [value for value, _ in form.fields["audio_format"].choices][1:] == list(catalogue.AUDIO_FORMATS)


# --- the local service ----------------------------------------------------------------------------


@pytest.fixture
def service_key(db):
    return generation_key_create(name="contract")[1]


def hosted_request(row):
    """The body in the model's schema; fields its schema lacks are sent under their own names."""
    model = catalogue.MODELS[row.model]
    body = {"model": row.model}
    for name, value in row.inputs().items():
        if name == "audio_setting":
            value = {(model.sample_rate_field if key == "sample_rate" else key): v for key, v in value.items()}
        body[catalogue.hosted_field(row.model, name)] = value
    if row.reference():
        body["reference_audio_url"] = "https://example.com/reference.wav"
    return body


@pytest.mark.parametrize("row", only_for("service"))
def test_the_local_service(row, client, service_key):
    response = client.post(
        "/v2/generate/audio",
        data=json.dumps(hosted_request(row)),
        content_type="application/json",
        headers=bearer(service_key),
    )

    if row.broken is None:
        assert response.status_code == 201, response.json()
        return
    assert response.status_code == 422
    assert list(response.json()["fields"]) == [catalogue.hosted_field(row.model, row.broken)]
    assert not Generation.objects.exists()


def test_the_service_names_each_models_spelling_of_the_sample_rate(client, service_key):
    body = {"model": V26, "prompt": "upbeat", "lyrics": TAGGED, "audio_setting": {"sample_rate": 44100}}

    response = client.post(
        "/v2/generate/audio", data=json.dumps(body), content_type="application/json", headers=bearer(service_key)
    )

    assert response.status_code == 422
    assert response.json()["fields"]["audio_setting"] == f"{V26} spells the rate audio_sample_rate, not sample_rate."


def test_the_service_refuses_a_model_it_does_not_know_with_the_models_it_offers(client, service_key):
    body = {"model": "minimax/music-9", "prompt": "upbeat"}

    response = client.post(
        "/v2/generate/audio", data=json.dumps(body), content_type="application/json", headers=bearer(service_key)
    )

    assert response.status_code == 422
    assert "minimax/music-cover" in response.json()["fields"]["model"]


def test_the_table_covers_every_model():
    assert {param.values[0].model for param in CASES} == set(catalogue.MODELS)


def test_the_service_writes_no_lyrics_so_lyrics_optimizer_needs_lyrics_there(client, service_key):
    body = {"model": V26, "prompt": "upbeat", "lyrics_optimizer": True}

    response = client.post(
        "/v2/generate/audio", data=json.dumps(body), content_type="application/json", headers=bearer(service_key)
    )

    assert response.status_code == 422
    assert response.json()["fields"] == {
        "lyrics": "This local service writes no lyrics itself: send the lyrics, or ask for an instrumental."
    }
