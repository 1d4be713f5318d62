"""The signed, expiring URL through which the generator fetches a reference from the filesystem storage."""

from datetime import timedelta
from urllib.parse import urlparse

from django.core import signing

from jobs.files import GENERATOR_URL_PURPOSE, reference_url_for_generator
from tests.factories import JobFactory


def path_of(url):
    return urlparse(url).path


def test_generator_fetches_the_reference_without_a_login(client, db):
    job = JobFactory()

    response = client.get(path_of(reference_url_for_generator(job, valid_for=timedelta(minutes=20))))

    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:4] == b"RIFF"


def test_an_expired_reference_url_answers_404(client, db):
    job = JobFactory()

    response = client.get(path_of(reference_url_for_generator(job, valid_for=timedelta(seconds=-1))))

    assert response.status_code == 404


def test_a_forged_reference_url_answers_404(client, db):
    job = JobFactory()
    grant = {"payload": {"name": job.reference_track.name}, "expires": 2**40}
    forged = signing.dumps(grant, salt=GENERATOR_URL_PURPOSE, key="guess")

    assert client.get(f"/files/reference/{forged}/").status_code == 404
