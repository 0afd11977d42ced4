"""Try a built bundle as a venue laptop would: the smoke checks CI runs on every platform.

    python packaging/smoke.py BUNDLE_FOLDER [--player vlc|qt] [--no-network-namespace]

Runs the bundle's own executable (never this Python) from a fresh folder outside the
repo, with a scrubbed environment: no PYTHONPATH or venv, ``PYTHONTZPATH`` empty (no
system time-zone data, as on Windows), ``PYTHONIOENCODING=cp1252`` (a Windows console
redirect), Qt offscreen and, on Linux where allowed, no network (a private network
namespace). Checks, in order:

1. ``check --json``: every check ok, each video decoded through the player, and the
   ``player`` check names the expected one (``--player``);
2. ``demo -o DIR`` writes its four PDFs; ``advice list`` prints "↳";
3. the GUI stays up for five seconds offscreen and logs no crash;
4. with VLC: a video plays through the bundled VLC, with the bundle's own plugins;
5. ``videos rehash`` writes the data folder's pack, never the bundle.

Exit 0 when all pass; the first failure is printed and exits 1.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WINDOWS = sys.platform == "win32"
MAC = sys.platform == "darwin"


def fail(message: str) -> None:
    print(f"smoke: FAILED: {message}", file=sys.stderr, flush=True)
    raise SystemExit(1)


def say(message: str) -> None:
    print(f"smoke: {message}", flush=True)


def find_executable(bundle: Path) -> Path:
    for candidate in (bundle / "facilitator-cli.exe", bundle / "facilitator-cli",
                      bundle / "Contents" / "MacOS" / "facilitator-cli", bundle / "facilitator"):
        if candidate.is_file():
            return candidate
    fail(f"no facilitator executable in {bundle}")
    raise AssertionError  # unreachable


def gui_executable(bundle: Path, cli: Path) -> Path:
    for candidate in (bundle / "Facilitator.exe", bundle / "Contents" / "MacOS" / "Facilitator"):
        if candidate.is_file():
            return candidate
    return cli


class Laptop:
    """A fresh home folder and a scrubbed environment for the bundle."""

    def __init__(self, home: Path, isolate_network: bool) -> None:
        self.home = home
        self.data = home / "data"
        runtime = home / "runtime"
        runtime.mkdir(parents=True, exist_ok=True)
        os.chmod(runtime, 0o700)
        keep = ("SYSTEMROOT", "WINDIR", "COMSPEC", "TEMP", "TMP", "PATHEXT", "SYSTEMDRIVE",
                "PROGRAMDATA", "NUMBER_OF_PROCESSORS", "PROCESSOR_ARCHITECTURE")
        env = {k: v for k, v in os.environ.items() if k.upper() in keep}
        env.update({
            "PATH": os.pathsep.join(["/usr/bin", "/bin"]) if not WINDOWS
            else os.environ.get("SYSTEMROOT", r"C:\Windows") + r"\System32",
            "HOME": str(home), "USERPROFILE": str(home), "LANG": "C.UTF-8",
            "XDG_RUNTIME_DIR": str(runtime), "QT_QPA_PLATFORM": "offscreen",
            "PYTHONTZPATH": "", "PYTHONIOENCODING": "cp1252",
        })
        if WINDOWS or MAC:
            # platformdirs asks the OS there, not HOME: keep the run's files in the folder.
            env["FACILITATOR_DATA_DIR"] = str(self.data)
        self.env = env
        self.prefix: list[str] = []
        if isolate_network and sys.platform.startswith("linux"):
            if subprocess.run(["unshare", "--net", "true"], capture_output=True).returncode == 0:
                self.prefix = ["unshare", "--net"]
                say("no network: running in a private network namespace")
            else:
                say("cannot make a network namespace here; running with the network")

    @property
    def data_dir(self) -> Path:
        if "FACILITATOR_DATA_DIR" in self.env:
            return self.data
        return self.home / ".local" / "share" / "facilitator"

    @property
    def log_file(self) -> Path:
        if "FACILITATOR_DATA_DIR" in self.env:
            return self.data / "logs" / "facilitator.log"
        return self.home / ".local" / "state" / "facilitator" / "log" / "facilitator.log"

    def run(self, exe: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run([*self.prefix, str(exe), *args], capture_output=True,
                              env=self.env, cwd=self.home, timeout=timeout)


def last_json(done: subprocess.CompletedProcess[bytes], what: str) -> dict[str, object]:
    lines = done.stdout.decode("utf-8", "replace").strip().splitlines()
    try:
        value = json.loads(lines[-1]) if lines and lines[-1].startswith("{") else json.loads(
            done.stdout.decode("utf-8"))
    except (ValueError, IndexError):
        fail(f"{what}: no JSON (exit {done.returncode}): "
             f"{done.stdout.decode('utf-8', 'replace')[-800:]}"
             f"{done.stderr.decode('utf-8', 'replace')[-1500:]}")
    assert isinstance(value, dict)
    return value


def tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for file in sorted(folder.rglob("*")):
        if file.is_file() and not file.is_symlink() and file.suffix in (".toml", ".mp4", ".srt"):
            digest.update(str(file.relative_to(folder)).encode() + file.read_bytes())
    return digest.hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle", type=Path, help="dist/facilitator or Facilitator.app")
    parser.add_argument("--player", choices=("vlc", "qt"), required=True)
    parser.add_argument("--no-network-namespace", action="store_true")
    args = parser.parse_args()
    bundle = args.bundle.resolve()
    cli = find_executable(bundle)
    gui = gui_executable(bundle, cli)
    home = Path(tempfile.mkdtemp(prefix="facilitator-smoke-"))
    laptop = Laptop(home, isolate_network=not args.no_network_namespace)
    say(f"bundle {bundle}; command line {cli.name}; app {gui.name}; home {home}")
    try:
        started = time.monotonic()
        # 1. check --json: all ok, videos decoded, the player named.
        check = laptop.run(cli, "check", "--json", "--db", str(home / "venue.db"))
        report = last_json(check, "check --json")
        checks = report["checks"]
        assert isinstance(checks, list)
        bad = [c for c in checks if not c["ok"]]
        if bad or not report["ok"]:
            fail(f"check: {bad}")
        player = next(c["detail"] for c in checks if c["name"] == "player")
        videos = [c for c in checks if c["name"].startswith("video:")]
        if len(videos) < 6 or not all(c["detail"].endswith(", plays") for c in videos):
            fail(f"check did not play every video: {videos}")
        expected = ("VLC", "bundled") if args.player == "vlc" else ("Qt Multimedia",)
        if not all(word in player for word in expected):
            fail(f"check names the player {player!r}; expected {' '.join(expected)}")
        say(f"check --json: all ok in {time.monotonic() - started:.0f} s; player: {player}")

        # 2. demo writes its PDFs; advice list prints the arrow on a cp1252 console.
        demo_dir = home / "demo"
        demo = laptop.run(cli, "demo", "-o", str(demo_dir))
        if demo.returncode != 0:
            fail(f"demo: {demo.stderr.decode('utf-8', 'replace')[-1500:]}")
        pdfs = sorted(demo_dir.glob("*.pdf"))
        if len(pdfs) != 4 or not all(p.read_bytes()[:4] == b"%PDF" for p in pdfs):
            fail(f"demo wrote {[p.name for p in pdfs]}")
        advice = laptop.run(cli, "advice", "list", "--db", str(demo_dir / "merged.db"))
        if advice.returncode != 0 or "↳" not in advice.stdout.decode("utf-8", "replace"):
            fail(f"advice list: {advice.stderr.decode('utf-8', 'replace')[-800:]}")
        say(f"demo wrote {len(pdfs)} PDFs: {', '.join(p.name for p in pdfs)}")

        # 3. the GUI stays up for five seconds offscreen.
        process = subprocess.Popen([*laptop.prefix, str(gui), "--db", str(home / "gui.db")],
                                   env=laptop.env, cwd=home, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT)
        try:
            process.wait(timeout=5)
            output = process.stdout.read().decode("utf-8", "replace") if process.stdout else ""
            fail(f"the GUI stopped within 5 s (exit {process.returncode}): {output[-1500:]}")
        except subprocess.TimeoutExpired:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process.stdout:
            process.stdout.close()
        log = laptop.log_file.read_text(encoding="utf-8") if laptop.log_file.exists() else ""
        if " gui on " not in log:
            fail(f"no record of the GUI's start in {laptop.log_file}")
        if "CRITICAL" in log:
            fail(f"the log records a crash:\n{log[-3000:]}")
        say("the GUI stayed up for 5 s offscreen; the log records its start, no crash")

        # 4. a video through the bundled VLC, with the bundle's own plugins.
        clip = next(bundle.rglob("call_handling.mp4"))
        if args.player == "vlc":
            played = last_json(laptop.run(cli, "_probe", "vlc-decode", str(clip),
                                          json.dumps(["--vout=dummy", "--aout=dummy"])),
                               "vlc-decode")
            if not played.get("ok") or abs(float(played["duration"]) - 6.0) > 1.0:  # type: ignore[arg-type]
                fail(f"the bundled VLC did not play {clip.name}: {played}")
            dirs = played.get("plugin_dirs") or []
            assert isinstance(dirs, list)
            if sys.platform.startswith("linux") and (
                    not dirs or not all(Path(d).is_relative_to(bundle) for d in dirs)):
                fail(f"VLC loaded plugins from outside the bundle: {dirs}")
            say(f"{clip.name} played through the bundled VLC "
                f"({played['end']} frames; plugins from {dirs or 'the bundle'})")

        # 5. videos rehash writes the data folder's pack only.
        before = tree_digest(bundle)
        real = laptop.data_dir / "packs" / "ai-in-policing" / "videos" / clip.name
        laptop.run(cli, "videos", "rehash")
        real.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(clip.with_name("summarising_data.mp4"), real)
        rehash = laptop.run(cli, "videos", "rehash")
        if rehash.returncode != 0 or b"call_handling: sha256" not in rehash.stdout:
            fail(f"videos rehash: {rehash.stdout!r} {rehash.stderr!r}")
        if tree_digest(bundle) != before:
            fail("videos rehash changed files inside the bundle")
        say(f"videos rehash updated {real.parent.parent / 'pack.toml'}; the bundle is unchanged")
    finally:
        shutil.rmtree(home, ignore_errors=True)
    say("all smoke checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
