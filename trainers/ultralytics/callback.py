"""CALLBACK_URL: the seed's Kubernetes Job reports its outcome by POSTing it; never fatal."""

from __future__ import annotations

import json
import time

from trainers.common.protocol import Protocol


def callback(url: str, payload: dict, protocol: Protocol) -> None:
    """POST the final result (or error) to CALLBACK_URL, as the seed's Kubernetes Job does; never fatal."""
    import urllib.request

    body = json.dumps(payload, default=str).encode()
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json"})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            protocol.log(f"callback {url}: HTTP {response.status} in {time.perf_counter() - started:.2f} s")
    except Exception as exc:
        protocol.log(f"callback {url} failed: {exc}", "warning")
