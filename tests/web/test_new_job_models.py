"""The new-song page and the API with a model choice: the offered models, each model's inputs stored,
"Use these settings again", and the job and share pages saying what the song was made from."""

import json

from django.urls import reverse

from jobs.models import Job
from tests.factories import JobFactory
from tests.web.test_new_job import wav_upload

NEW = reverse("jobs:new")
TAGGED = "[Verse]\nWalking down the river\n[Chorus]\nSinging all night long"
SETTING = {"sample_rate": 24000, "bitrate": 128000, "format": "wav"}


def test_the_model_choice_offers_only_the_configured_generators_models(owner_client, settings):
    settings.MUSICGEN_API_MODELS = ["minimax/music-2.6", "minimax/music-cover"]

    page = owner_client.get(NEW).content.decode()

    assert 'value="minimax/music-2.6"' in page
    assert 'value="minimax/music-cover"' in page
    assert 'value="minimax-music"' not in page


def test_a_model_not_offered_is_refused_naming_it(owner_client, settings):
    settings.MUSICGEN_API_MODELS = ["minimax-music"]

    response = owner_client.post(NEW, {"model": "minimax/music-2.6", "style": "upbeat", "prompt": TAGGED})

    assert "Select a valid choice. minimax/music-2.6 is not one of the available choices." in response.content.decode()
    assert not Job.objects.exists()


def test_the_rules_of_the_offered_models_reach_the_page_as_json(owner_client, settings):
    settings.MUSICGEN_API_MODELS = ["minimax/music-1.5"]

    page = owner_client.get(NEW).content.decode()

    rules = json.loads(page.split('id="model-rules" type="application/json">')[1].split("</script>")[0])
    assert [(model["name"], model["style"]["max_chars"]) for model in rules] == [("minimax/music-1.5", 300)]


def test_an_instrumental_of_music_2_6_is_made_without_a_reference(owner_client):
    response = owner_client.post(
        NEW,
        {"model": "minimax/music-2.6", "style": "upbeat dance pop", "is_instrumental": "on", "audio_format": "wav"},
    )

    job = Job.objects.get()
    assert response.status_code == 302
    assert (job.model, job.style, job.prompt, job.is_instrumental) == (
        "minimax/music-2.6",
        "upbeat dance pop",
        "",
        True,
    )
    assert job.audio_setting == {"sample_rate": 44100, "bitrate": 256000, "format": "wav"}
    assert not job.reference_track


def test_a_cover_stores_its_style_lyrics_and_reference(owner_client):
    owner_client.post(
        NEW,
        {
            "model": "minimax/music-cover",
            "style": "slow acoustic ballad",
            "prompt": TAGGED,
            "reference_track": wav_upload(8.0),
        },
    )

    job = Job.objects.get()
    assert (job.model, job.style, job.prompt, job.reference_duration) == (
        "minimax/music-cover",
        "slow acoustic ballad",
        TAGGED,
        8.0,
    )


def test_use_these_settings_again_restores_every_input(owner_client, owner):
    earlier = JobFactory(
        owner=owner, model="minimax/music-cover", style="slow acoustic ballad", prompt=TAGGED, audio_setting=SETTING
    )

    page = owner_client.get(NEW, {"from": earlier.id}).content.decode()

    assert '<option value="minimax/music-cover" selected>' in page
    assert ">slow acoustic ballad</textarea>" in page
    assert "[Verse]\nWalking down the river" in page
    assert '<option value="wav" selected>' in page
    assert '<option value="24000" selected>' in page
    assert '<option value="128000" selected>' in page
    assert 'name="reuse_reference"' in page


def test_use_these_settings_again_restores_the_instrumental_switch(owner_client, owner):
    earlier = JobFactory(owner=owner, model="minimax/music-2.6", style="upbeat", prompt="", is_instrumental=True)

    page = owner_client.get(NEW, {"from": earlier.id}).content.decode()

    assert 'name="is_instrumental" id="id_is_instrumental" checked' in page


def test_the_job_page_shows_the_model_and_the_style(owner_client, owner):
    job = JobFactory(owner=owner, model="minimax/music-cover", style="slow acoustic ballad", prompt=TAGGED)

    page = owner_client.get(job.get_absolute_url()).content.decode()

    assert "<dd data-song-model>minimax/music-cover</dd>" in page
    assert "<dd data-song-style>slow acoustic ballad</dd>" in page


def test_the_api_creates_a_music_2_6_song_from_style_and_lyrics(owner_client):
    response = owner_client.post(
        reverse("api:jobs"), {"model": "minimax/music-2.6", "style": "upbeat dance pop", "prompt": TAGGED}
    )

    assert response.status_code == 201, response.content
    answer = response.json()
    assert (answer["model"], answer["style"], answer["prompt"]) == ("minimax/music-2.6", "upbeat dance pop", TAGGED)


def test_the_api_refuses_with_the_same_sentence_as_the_form(owner_client):
    response = owner_client.post(
        reverse("api:jobs"), {"model": "minimax/music-1.5", "style": "a" * 301, "prompt": TAGGED}
    )

    assert response.json()["errors"] == {
        "style": ["The style prompt is 301 characters long; the limit for minimax/music-1.5 is 300."]
    }


def test_the_file_picker_offers_every_format_some_model_takes_as_a_reference(owner_client):
    page = owner_client.get(NEW).content.decode()

    # FLAC only for music-cover; WAV and MP3 for minimax-music too (generation/catalogue.py).
    assert 'accept=".flac,.mp3,.wav,audio/flac,audio/mpeg,audio/wav"' in page
