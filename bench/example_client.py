"""The hosted API's own minimax-music example client, pointed at any base URL.

It follows the Python example in the AI/ML API documentation (docs.aimlapi.com, "minimax-music
[legacy]", Quick Code Example) step for step: POST the generation, print "Generation: ...", then ask
for its status every 10 seconds until it is no longer queued/generating/waiting and print
"Generation complete: ...". Only the base URL, the key and the reference URL come from the command
line (the documentation hard-codes them), so the same script checks that our local generation service
answers the hosted contract:

    python bench/example_client.py --base-url http://127.0.0.1:8000 --key KEY --reference-url URL

It exits 0 when the generation completed, 1 otherwise.
"""

import argparse
import os
import sys
import time

import requests

# The documentation's lyrics: "##" asks for an intro and outro, "\n\n" for a pause between lines.
DOCUMENTATION_PROMPT = """
##Side by side, through thick and thin, \n\nWith a laugh, we always win. \n\n Storms may come, but we stay true, \n\nFriends forever—me and you!##
"""
WORKING_STATUSES = ("generating", "queued", "waiting")


def generate_audio(base_url, key, reference_url, prompt):
    """Send the generation task; return the answer (with the generation id), or None on an HTTP error."""
    payload = {"model": "minimax-music", "reference_audio_url": reference_url, "prompt": prompt}
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    response = requests.post(f"{base_url}/v2/generate/audio", json=payload, headers=headers)
    if response.status_code >= 400:
        print(f"Error: {response.status_code} - {response.text}")
        return None
    answer = response.json()
    print("Generation:", answer)
    return answer


def retrieve_audio(base_url, key, generation_id):
    """Ask once how the generation is going."""
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    response = requests.get(f"{base_url}/v2/generate/audio", params={"generation_id": generation_id}, headers=headers)
    return response.json()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default=os.environ.get("MUSICGEN_API_BASE_URL", "https://api.aimlapi.com"))
    parser.add_argument(
        "--key", default=os.environ.get("MUSICGEN_API_KEY"), required="MUSICGEN_API_KEY" not in os.environ
    )
    parser.add_argument("--reference-url", default="https://tand-dev.github.io/audio-hosting/spinning-head-271171.mp3")
    parser.add_argument("--prompt", default=DOCUMENTATION_PROMPT)
    parser.add_argument("--interval", type=float, default=10, help="seconds between status checks (10 in the docs)")
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args(argv)
    base_url = args.base_url.rstrip("/")

    generation = generate_audio(base_url, args.key, args.reference_url, args.prompt)
    generation_id = generation.get("id") if generation else None
    if not generation_id:
        return 1
    start_time = time.time()
    while time.time() - start_time < args.timeout:
        answer = retrieve_audio(base_url, args.key, generation_id)
        if answer is None:
            print("Error: No response from API")
            return 1
        if answer.get("status") in WORKING_STATUSES:
            print(f"Still waiting... Checking again in {args.interval:g} seconds.", flush=True)
            time.sleep(args.interval)
            continue
        print("Generation complete:\n", answer)
        return 0 if answer.get("status") == "completed" else 1
    print("Timeout reached. Stopping.")
    return 1


if __name__ == "__main__":
    sys.exit(main())
