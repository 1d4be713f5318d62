"""Time one job from upload to completed against a running musicgen, as a person would see it.

    make run                      # in one terminal
    python bench/job_latency.py --username demo --password ...

Logs in, uploads the reference with lyrics through the new-song form, then reads the job's status
fragment once a second and prints when each status was first seen.
"""

import argparse
import re
import sys
import time
from pathlib import Path

import requests

DEFAULT_REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "ref" / "acestep_test_track_001.mp3"
DEFAULT_LYRICS = "##\nCity lights are calling me home\nI can hear the river flow\n\nSing it slow and sing it low\nTake me where the night winds go\n##"
FINAL = ("completed", "failed", "cancelled")


def log_in(session, base_url, username, password):
    login_url = f"{base_url}/accounts/login/"
    session.get(login_url)
    answer = session.post(
        login_url,
        data={"username": username, "password": password, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": login_url},
        allow_redirects=False,
    )
    if answer.status_code != 302:
        sys.exit("Login failed: check --username and --password.")


def upload(session, base_url, reference, lyrics):
    new_url = f"{base_url}/jobs/new/"
    session.get(new_url)
    with open(reference, "rb") as track:
        answer = session.post(
            new_url,
            data={"prompt": lyrics, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
            files={"reference_track": track},
            headers={"Referer": new_url},
            allow_redirects=False,
        )
    if answer.status_code != 302:
        sys.exit(f"The upload was not accepted (HTTP {answer.status_code}).")
    return base_url + answer.headers["Location"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--username", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--reference", default=str(DEFAULT_REFERENCE))
    parser.add_argument("--lyrics", default=DEFAULT_LYRICS)
    parser.add_argument("--timeout", type=float, default=660)
    args = parser.parse_args()

    session = requests.Session()
    log_in(session, args.base_url, args.username, args.password)
    started = time.monotonic()
    job_url = upload(session, args.base_url, args.reference, args.lyrics)
    print(f"{time.monotonic() - started:6.1f} s  uploaded: {job_url}")
    seen = None
    while time.monotonic() - started < args.timeout:
        fragment = session.get(job_url + "status/").text
        status = re.search(r'data-status="(\w+)"', fragment).group(1)
        if status != seen:
            print(f"{time.monotonic() - started:6.1f} s  {status}")
            seen = status
        if status in FINAL:
            return 0 if status == "completed" else 1
        time.sleep(1)
    print(f"still {seen} after {args.timeout:.0f} s")
    return 1


if __name__ == "__main__":
    sys.exit(main())
