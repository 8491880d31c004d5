"""Object storage for the tests: moto's standalone S3 server (``moto[server]``,
a test dependency), started once per test process on a free port, and a
``media`` fixture that runs a test on the local disk and on S3.

On S3 each test gets its own prefix in one bucket, configured through the
real ``STORAGE_URL`` parsing (marketplace/storage_config.py) and credentials
from the usual ``AWS_*`` variables."""

import functools
import shutil
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import boto3
import botocore.session
import pytest

from marketplace.storage_config import storage_config

BUCKET = "marketplace-tests"
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}
START_TIMEOUT = 20


@pytest.fixture(scope="session", autouse=True)
def _boto_models_parsed_once():
    """Each storage instance opens a boto3 session, which parses botocore's
    JSON models again (about 0.3 s): the tests' sessions share one loader."""
    cached = functools.lru_cache(maxsize=None)(botocore.session.create_loader)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(botocore.session, "create_loader", cached)
        yield


def _moto_server() -> str | None:
    beside = Path(sys.executable).with_name("moto_server")
    return str(beside) if beside.exists() else shutil.which("moto_server")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory):
    """The URL of a running S3-compatible server with the tests' bucket."""
    executable = _moto_server()
    if executable is None:
        pytest.skip(
            "moto_server not installed: pip install -e '.[test]' (moto[server])"
        )
    port = _free_port()
    log = (tmp_path_factory.mktemp("moto") / "moto.log").open("wb")
    process = subprocess.Popen(
        [executable, "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"moto_server did not start on {endpoint}; see {log.name}")
            time.sleep(0.05)
    s3_client_for(endpoint).create_bucket(Bucket=BUCKET)
    yield endpoint
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log.close()


def s3_client_for(endpoint: str):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )


@pytest.fixture
def s3_client(s3_endpoint):
    return s3_client_for(s3_endpoint)


@dataclass
class Media:
    """Where a test's uploads go: ``kind`` is ``disk`` or ``s3``."""

    kind: str
    storage_url: str = ""
    prefix: str = ""

    @property
    def on_s3(self) -> bool:
        return self.kind == "s3"


def use_storage_url(settings, storage_url: str, media_root) -> None:
    """What a process started with ``STORAGE_URL`` and ``MEDIA_ROOT`` has."""
    settings.MEDIA_ROOT = media_root
    config = storage_config(storage_url, media_root=media_root, media_url="/media/")
    settings.STORAGES = {**settings.STORAGES, **config.storages}


@pytest.fixture
def s3_media(settings, monkeypatch, s3_endpoint, tmp_path):
    """Uploads go to S3 (under a prefix of their own), as with
    ``STORAGE_URL=s3://bucket/prefix?endpoint_url=...``."""
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    prefix = f"t-{uuid.uuid4().hex[:12]}"
    storage_url = f"s3://{BUCKET}/{prefix}?endpoint_url={s3_endpoint}"
    use_storage_url(settings, storage_url, tmp_path / "node-a")
    return Media("s3", storage_url=storage_url, prefix=prefix)


@pytest.fixture(params=["disk", "s3"])
def media(request):
    """Each test using it runs twice: uploads on the local disk, then on S3."""
    if request.param == "s3":
        return request.getfixturevalue("s3_media")
    return Media("disk")


def stored_bytes(field_file) -> bytes:
    """The bytes stored for ``field_file``, read through its storage."""
    with field_file.storage.open(field_file.name, "rb") as handle:
        return handle.read()
