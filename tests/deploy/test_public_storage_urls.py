"""MUSICGEN_S3_PUBLIC_ENDPOINT_URL: links are signed for the browsers' address; the servers keep theirs."""

from urllib.parse import parse_qs, urlparse

from plumbing.storage import PublicEndpointS3Storage

INTERNAL = "http://minio:9000"
PUBLIC = "https://music.example.com"


def storage():
    return PublicEndpointS3Storage(
        bucket_name="musicgen",
        endpoint_url=INTERNAL,
        public_endpoint_url=PUBLIC,
        access_key="app",
        secret_key="app-secret",
        region_name="us-east-1",
        signature_version="s3v4",
        addressing_style="path",
        querystring_auth=True,
    )


def test_presigned_urls_name_the_public_endpoint_and_carry_a_signature():
    url = urlparse(storage().url("songs/a.mp3", expire=600))

    assert (url.scheme, url.netloc, url.path) == ("https", "music.example.com", "/musicgen/songs/a.mp3")
    query = parse_qs(url.query)
    assert query["X-Amz-Expires"] == ["600"] and query["X-Amz-Signature"]
    assert "host" in query["X-Amz-SignedHeaders"][0]


def test_reads_and_writes_keep_the_internal_endpoint():
    assert storage().connection.meta.client.meta.endpoint_url == INTERNAL
