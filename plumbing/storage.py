"""S3 storage whose links are signed for the address browsers reach, not the one the servers use.

In a deployment where the servers reach the object store by an internal name (http://minio:9000)
and browsers reach it through the reverse proxy (https://music.example.com), a presigned URL must
name the browser's host: the signature covers it. Reads and writes keep the internal endpoint.
"""

from functools import cached_property

from storages.backends.s3 import S3Storage
from storages.utils import clean_name


class PublicEndpointS3Storage(S3Storage):
    """S3Storage that signs `url()` for `public_endpoint_url` (MUSICGEN_S3_PUBLIC_ENDPOINT_URL)."""

    def get_default_settings(self):
        return {**super().get_default_settings(), "public_endpoint_url": None}

    @cached_property
    def public_client(self):
        # Signing is local (no request is made), so this client never needs to reach the public address.
        return self._create_session().client(
            "s3",
            region_name=self.region_name,
            endpoint_url=self.public_endpoint_url,
            config=self.client_config,
            verify=self.verify,
        )

    def url(self, name, parameters=None, expire=None, http_method=None):
        params = {**(parameters or {}), "Bucket": self.bucket_name, "Key": self._normalize_name(clean_name(name))}
        return self.public_client.generate_presigned_url(
            "get_object",
            Params=params,
            ExpiresIn=self.querystring_expire if expire is None else expire,
            HttpMethod=http_method,
        )

    def __getstate__(self):
        state = super().__getstate__()
        state.pop("public_client", None)  # a boto3 client does not pickle; it is made again on first use
        return state
