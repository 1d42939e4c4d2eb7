"""The S3 emulator the storage tests run against: moto's server mode (`moto.server.ThreadedMotoServer`), an
in-process emulator of the S3 API on a free loopback port, started once per test session. It is an emulator,
not a real object store: what the tests prove is the product's behaviour against the S3 API (signed URLs,
private objects, refused writes), not a vendor's.

Each test gets its own private bucket and STORAGE_BACKEND=s3 settings pointing at it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.tools import requires_tool

try:
    import boto3
    from botocore.config import Config
    from moto.server import ThreadedMotoServer
except ImportError:
    requires_tool("moto[server] and boto3 (the S3 emulator) are not installed: pip install -e '.[dev]'")

LOOPBACK = "127.0.0.1"
KEY_ID, SECRET = "emulator-key", "emulator-secret"
REGION = "us-east-1"


@pytest.fixture(scope="session")
def s3_emulator() -> Iterator[str]:
    """The emulator's endpoint URL."""
    server = ThreadedMotoServer(ip_address=LOOPBACK, port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def s3_client(endpoint: str) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=KEY_ID,
        aws_secret_access_key=SECRET,
        region_name=REGION,
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )


def s3_options(endpoint: str, bucket: str, **overrides: Any) -> dict[str, Any]:
    """settings.S3_STORAGE_OPTIONS as config/settings.py builds them from S3_* variables."""
    return {
        "bucket_name": bucket,
        "endpoint_url": endpoint,
        "access_key": KEY_ID,
        "secret_key": SECRET,
        "region_name": REGION,
        "addressing_style": "path",
        "signature_version": "s3v4",
        "default_acl": "private",
        "querystring_auth": True,
        "querystring_expire": 60,
        "file_overwrite": False,
        "custom_domain": None,
        "location": "",
        **overrides,
    }


@pytest.fixture
def bucket(s3_emulator: str, settings: Any) -> Iterator[str]:
    """A fresh private bucket, and the site configured to keep its files there (STORAGE_BACKEND=s3)."""
    name = f"langnghe-{uuid.uuid4().hex[:12]}"
    s3_client(s3_emulator).create_bucket(Bucket=name)
    settings.STORAGE_BACKEND = "s3"
    settings.S3_SIGNED_URL_SECONDS = 60
    settings.S3_STORAGE_OPTIONS = s3_options(s3_emulator, name)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "core.storage.PrivateS3Storage", "OPTIONS": settings.S3_STORAGE_OPTIONS},
    }
    yield name


def objects(endpoint: str, bucket: str) -> dict[str, bytes]:
    """Every object in the bucket: key → bytes."""
    client = s3_client(endpoint)
    listed = client.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {item["Key"]: client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read() for item in listed}
