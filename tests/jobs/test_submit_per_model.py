"""What the client sends for each model: that model's schema (generation/catalogue.py), against a
scripted API over real HTTP; and a model the generator does not offer fails the job with its words."""

import json

from jobs import flow
from jobs.models import Job
from tests.factories import JobFactory
from tests.fake_upstream import Answer

TAGGED = "[Verse]\nWalking down the river\n[Chorus]\nSinging all night long"


def sent_body(upstream):
    ((_, _, _, body),) = upstream.posts()
    return json.loads(body)


def test_a_cover_sends_the_style_as_prompt_the_lyrics_the_reference_and_sample_rate(upstream, db):
    job = JobFactory(
        model="minimax/music-cover",
        style="slow acoustic ballad",
        prompt=TAGGED,
        audio_setting={"sample_rate": 24000, "bitrate": 128000, "format": "wav"},
    )

    flow.submit_step(job.id)

    sent = sent_body(upstream)
    assert sent.pop("reference_audio_url").startswith("http://127.0.0.1:8000/files/reference/")
    assert sent == {
        "model": "minimax/music-cover",
        "prompt": "slow acoustic ballad",
        "lyrics": TAGGED,
        "audio_setting": {"sample_rate": 24000, "bitrate": 128000, "format": "wav"},
    }


def test_an_instrumental_of_music_2_6_sends_no_reference_and_spells_the_rate_audio_sample_rate(upstream, db):
    job = JobFactory(
        model="minimax/music-2.6",
        style="upbeat dance pop",
        prompt="",
        is_instrumental=True,
        audio_setting={"sample_rate": 44100, "bitrate": 256000, "format": "mp3"},
        reference_track="",
        reference_name="",
        reference_format="",
        reference_duration=None,
        reference_size=None,
    )

    flow.submit_step(job.id)

    assert sent_body(upstream) == {
        "model": "minimax/music-2.6",
        "prompt": "upbeat dance pop",
        "is_instrumental": True,
        "audio_setting": {"audio_sample_rate": 44100, "bitrate": 256000, "format": "mp3"},
    }


def test_minimax_music_sends_the_lyrics_as_its_prompt_and_nothing_else(upstream, db):
    job = JobFactory(prompt="##\nFirst line\n##")

    flow.submit_step(job.id)

    sent = sent_body(upstream)
    assert set(sent) == {"model", "prompt", "reference_audio_url"}
    assert (sent["model"], sent["prompt"]) == ("minimax-music", "##\nFirst line\n##")


def test_a_model_the_generator_does_not_offer_fails_the_job_with_the_generators_sentence(upstream, db):
    upstream.post_answers = [Answer(400, {"error": "model 'minimax/music-1.5' is not available for this key"})]
    job = JobFactory(model="minimax/music-1.5", style="upbeat dance pop", prompt=TAGGED, reference_track="")

    flow.submit_step(job.id)

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error == "The generator rejected the job: model 'minimax/music-1.5' is not available for this key"
