"""``facilitator serve`` as a person runs it: prints the URL, takes ballots, Ctrl+C stops
it with exit 0; wrong input is a clear message and exit 1."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

from facilitator.core import ballots
from facilitator.core.store import Store

REPO = Path(__file__).resolve().parent.parent


def run_cli(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "facilitator", "--db", str(db), *args],
                          capture_output=True, text=True, timeout=60, cwd=REPO,
                          env={**os.environ, "PYTHONPATH": str(REPO)})


def test_serve_prints_the_url_and_stops_on_ctrl_c(tmp_path):
    db = tmp_path / "venue.db"
    process = subprocess.Popen(
        [sys.executable, "-m", "facilitator", "serve", "--db", str(db), "--site", "Caerdydd",
         "--workshop", "2", "--host", "127.0.0.1", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        lines = []
        while True:
            line = process.stdout.readline()
            assert line, process.stderr.read()
            lines.append(line)
            if line.startswith("Press Ctrl+C"):
                break
        text = "".join(lines)
        assert "Phone voting: ranking of the use cases for Cardiff, workshop 2 (anonymous)." in text
        url = re.search(r"Open on a phone: (http://127\.0\.0\.1:\d+/)", text).group(1)
        with urllib.request.urlopen(url + "api/ballot", timeout=10) as response:
            token = json.load(response)["token"]
        ranking = ["hotspots", "reoffending", "call_101", "call_999_transfer",
                   "summarising_basic", "summarising_sensitive"]
        request = urllib.request.Request(
            url + "api/ballot", data=json.dumps({"token": token, "code": None,
                                                  "ranking": ranking}).encode(),
            headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 201
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err
    assert "Stopped. 1 ballots recorded from phones, 0 held" in out
    port = int(url.rsplit(":", 1)[1].rstrip("/"))
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0  # nothing listens any more
    with Store(db) as store:
        assert ballots.counted_ballots(store, "cardiff", 2) == 1
        assert ballots.voting_state(store, "cardiff", 2) == "closed"  # as it was before


def test_serve_with_wrong_input_says_why(tmp_path):
    db = tmp_path / "venue.db"
    result = run_cli("serve", db=db)
    assert result.returncode == 1 and "which site? Give --site (Cardiff, Durham, London)" \
        in result.stderr and "Traceback" not in result.stderr
    result = run_cli("serve", "--site", "Atlantis", "--workshop", "2", db=db)
    assert result.returncode == 1 and "unknown site 'Atlantis'" in result.stderr
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_cli("serve", "--site", "cardiff", "--workshop", "2", "--host",
                         "127.0.0.1", "--port", str(port), db=db)
    assert result.returncode == 1 and f"port {port} is in use" in result.stderr
    assert "Traceback" not in result.stderr
