"""How a generation ends when the render task runs: every failure leaves it in "error" with a reason.

The engine is replaced by a stub only to make it fail in chosen ways; the real engine renders in
test_end_to_end.py. References come from a file server on loopback, allowed by origin.
"""

import time
from datetime import timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.utils import timezone

import engine
from localgen import flow
from localgen.models import Generation
from tests.file_server import closed_port, send

REFERENCE_PATH = "/reference.mp3"


@pytest.fixture
def reference_origin(file_server, settings):
    settings.LOCALGEN_ALLOWED_REFERENCE_ORIGINS = [file_server.origin]
    return file_server


@pytest.fixture
def generation(app_key, reference_origin):
    url = reference_origin.url + REFERENCE_PATH
    return Generation.objects.create(key=app_key[0], prompt="One line", reference_audio_url=url)


@pytest.fixture
def reference_served(reference_origin):
    reference_origin.route(REFERENCE_PATH, send(b"RIFF....WAVE"))


def engine_raising(error):
    def render(reference_path, lyrics, seed, out_path, stems_dir=None, **options):
        raise error

    return render


def test_a_generation_claimed_by_another_run_is_left_alone(generation, monkeypatch):
    Generation.objects.filter(id=generation.id).update(status="generating", started_at=timezone.now())
    monkeypatch.setattr(engine, "render", engine_raising(AssertionError("rendered twice")), raising=False)

    flow.render_step(generation.id)

    generation.refresh_from_db()
    assert generation.status == "generating"


def test_a_finished_generation_is_not_rendered_again(generation, monkeypatch):
    Generation.objects.filter(id=generation.id).update(status="completed")
    monkeypatch.setattr(engine, "render", engine_raising(AssertionError("rendered twice")), raising=False)

    flow.render_step(generation.id)

    generation.refresh_from_db()
    assert generation.status == "completed"


def test_an_unreachable_reference_ends_in_error_saying_so(generation, settings):
    port = closed_port()
    settings.LOCALGEN_ALLOWED_REFERENCE_ORIGINS = [("http", "127.0.0.1", port)]
    Generation.objects.filter(id=generation.id).update(reference_audio_url=f"http://127.0.0.1:{port}/reference.mp3")

    flow.render_step(generation.id)

    generation.refresh_from_db()
    assert generation.status == "error"
    assert "could not be reached" in generation.error
    assert generation.started_at and generation.finished_at


def test_a_reference_url_answering_404_ends_in_error_with_the_http_status(generation):
    flow.render_step(generation.id)  # nothing routed: the file server answers 404

    generation.refresh_from_db()
    assert generation.status == "error"
    assert "HTTP 404" in generation.error


def test_a_reference_over_the_size_limit_ends_in_error_naming_the_limit(generation, reference_origin, settings):
    settings.LOCALGEN_REFERENCE_MAX_MB = 1
    reference_origin.route(REFERENCE_PATH, send(b"x" * 1_500_000))

    flow.render_step(generation.id)

    generation.refresh_from_db()
    assert generation.status == "error"
    assert "larger than 1 MB" in generation.error


def test_the_engines_refusal_is_the_error_as_a_sentence(generation, reference_served, monkeypatch):
    refusal = engine.ReferenceTooShort("the reference is 10.0 s long; it must be longer than 15 s")
    monkeypatch.setattr(engine, "render", engine_raising(refusal), raising=False)

    flow.render_step(generation.id)

    generation.refresh_from_db()
    assert generation.status == "error"
    assert generation.error == "The reference is 10.0 s long; it must be longer than 15 s."


def test_a_render_past_the_soft_time_limit_ends_in_error(generation, reference_served, monkeypatch):
    monkeypatch.setattr(engine, "render", engine_raising(SoftTimeLimitExceeded()), raising=False)

    flow.render_step(generation.id)

    generation.refresh_from_db()
    assert generation.status == "error"
    assert "took longer than" in generation.error


def test_an_unexpected_crash_ends_in_error_instead_of_staying_generating(generation, reference_served, monkeypatch):
    monkeypatch.setattr(engine, "render", engine_raising(ZeroDivisionError("bug")), raising=False)

    flow.render_step(generation.id)

    generation.refresh_from_db()
    assert generation.status == "error"
    assert "internal error" in generation.error
    assert "bug" not in generation.error


def test_the_seed_is_fixed_per_generation_and_differs_between_generations(generation, app_key):
    other = Generation.objects.create(key=app_key[0], prompt="x", reference_audio_url=generation.reference_audio_url)

    assert generation.seed == Generation.objects.get(id=generation.id).seed
    assert generation.seed != other.seed
    assert 0 <= generation.seed < 2**32


def silent_since(seconds):
    return timezone.now() - timedelta(seconds=seconds)


def test_sweep_sends_a_render_whose_heartbeat_stopped_to_the_engine_again(generation, engine_queue, settings):
    Generation.objects.filter(id=generation.id).update(
        status="generating", render_tries=1, heartbeat_at=silent_since(settings.LOCALGEN_LOST_AFTER_SECONDS + 1)
    )

    assert flow.sweep_stale() == (0, 1)

    generation.refresh_from_db()
    assert generation.status == "queued"
    assert engine_queue == [("localgen.tasks.render_generation", [str(generation.id)])]


def test_a_render_sent_again_is_claimed_and_counted_as_a_new_render(
    generation, engine_queue, reference_served, monkeypatch, settings
):
    Generation.objects.filter(id=generation.id).update(
        status="generating", render_tries=1, heartbeat_at=silent_since(settings.LOCALGEN_LOST_AFTER_SECONDS + 1)
    )
    flow.sweep_stale()
    monkeypatch.setattr(engine, "render", engine_raising(engine.ReferenceTooShort("too short")), raising=False)

    flow.render_step(generation.id)

    generation.refresh_from_db()
    assert (generation.status, generation.render_tries) == ("error", 2)


def test_sweep_fails_a_render_lost_as_many_times_as_allowed(generation, engine_queue, settings):
    settings.LOCALGEN_RENDER_MAX_TRIES = 2
    Generation.objects.filter(id=generation.id).update(
        status="generating", render_tries=2, heartbeat_at=silent_since(settings.LOCALGEN_LOST_AFTER_SECONDS + 1)
    )

    assert flow.sweep_stale() == (1, 0)

    generation.refresh_from_db()
    assert generation.status == "error"
    assert "stopped unexpectedly 2 times" in generation.error
    assert engine_queue == []


def test_sweep_leaves_a_render_with_a_recent_heartbeat_alone(generation, engine_queue):
    long_ago = timezone.now() - timedelta(hours=1)
    Generation.objects.filter(id=generation.id).update(
        status="generating", started_at=long_ago, heartbeat_at=timezone.now()
    )

    assert flow.sweep_stale() == (0, 0)


def test_sweep_sends_a_queued_generation_not_picked_up_in_time_to_the_engine_again(generation, engine_queue, settings):
    Generation.objects.filter(id=generation.id).update(
        heartbeat_at=silent_since(settings.LOCALGEN_LOST_AFTER_SECONDS + 1)
    )

    assert flow.sweep_stale() == (0, 1)
    assert flow.sweep_stale() == (0, 0)  # sent once per silence, not on every sweep

    assert engine_queue == [("localgen.tasks.render_generation", [str(generation.id)])]


def test_sweep_leaves_a_recently_queued_generation_in_its_queue(generation, engine_queue):
    assert flow.sweep_stale() == (0, 0)
    assert engine_queue == []


def test_a_render_that_was_given_up_on_does_not_overwrite_its_replacement(generation, reference_served, monkeypatch):
    def render_while_replaced(reference_path, lyrics, seed, out_path, stems_dir=None, **options):
        # Meanwhile the sweep gave this render up and another worker claimed the generation.
        Generation.objects.filter(id=generation.id).update(render_tries=2)
        raise engine.ReferenceTooShort("too short")

    monkeypatch.setattr(engine, "render", render_while_replaced, raising=False)

    flow.render_step(generation.id)

    generation.refresh_from_db()
    assert (generation.status, generation.error) == ("generating", "")


@pytest.mark.django_db(transaction=True)  # the heartbeat writes from its own thread and connection
def test_a_render_keeps_its_heartbeat_fresh_while_it_runs(
    app_key, reference_origin, reference_served, monkeypatch, settings
):
    settings.LOCALGEN_HEARTBEAT_SECONDS = 0.1
    reference_url = reference_origin.url + REFERENCE_PATH
    generation = Generation.objects.create(key=app_key[0], prompt="One line", reference_audio_url=reference_url)
    beats_seen = []

    def render_until_a_heartbeat(reference_path, lyrics, seed, out_path, stems_dir=None, **options):
        started_at = Generation.objects.get(id=generation.id).started_at
        for _ in range(300):
            if Generation.objects.get(id=generation.id).heartbeat_at > started_at:
                beats_seen.append(True)
                break
            time.sleep(0.1)
        raise engine.ReferenceTooShort("stopped by the test")

    monkeypatch.setattr(engine, "render", render_until_a_heartbeat, raising=False)

    flow.render_step(generation.id)

    assert beats_seen == [True]
