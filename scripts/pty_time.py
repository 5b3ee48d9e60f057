#!/usr/bin/env python3
"""Times a full-screen program in a pseudo-terminal, as a user sees it.

    pty_time.py [options] -- COMMAND [ARGS...]

Prints one JSON object:
  first_frame_ms  launch (fork) until the first screen is complete: the marker given with
                  --ready has been written after the cursor last moved to the bottom row (or
                  anywhere, with --anywhere); median of --runs launches
  pair_first_frame_ms
                  with --pair, the same for the paired program: the two are launched in turn,
                  run by run, so a drift of the machine's speed during the measurement falls
                  on both alike
  key_ms          once the program is idle (and --settle has appeared, and the --keys are
                  pressed), a key press until the last byte of the redraw it causes (`j` and
                  `k` alternately, so every press moves the view); median of --presses presses
  key_first_ms    the same, until the first byte of the redraw
  pair_key_ms, pair_key_first_ms
                  with --pair, the same for the paired program, open at the same time and
                  pressed in turn
  max_rss_kb      peak resident memory of one run, from GNU time, when --rss is given

Only the standard library is used: pty, select, termios.
"""

import argparse
import fcntl
import json
import os
import pty
import re
import select
import shlex
import signal
import statistics
import struct
import sys
import tempfile
import termios
import time

# Replies to the queries a terminal library may send at start-up, so none waits for a timeout.
REPLIES = [
    (b"\x1b[6n", b"\x1b[1;1R"),  # cursor position
    (b"\x1b[c", b"\x1b[?62;22c"),  # primary device attributes
    (b"\x1b[?u", b"\x1b[?0u"),  # kitty keyboard flags
]


def spawn(cmd, rows, cols, env):
    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        try:
            os.execvpe(cmd[0], cmd, env)
        finally:
            os._exit(127)
    return pid, fd


def read_some(fd, timeout):
    ready, _, _ = select.select([fd], [], [], timeout)
    if not ready:
        return None
    try:
        return os.read(fd, 1 << 16)
    except OSError:
        return b""


def answer(fd, chunk):
    for query, reply in REPLIES:
        if query in chunk:
            os.write(fd, reply)


class Screen:
    """The bytes a program wrote, and when."""

    def __init__(self, fd):
        self.fd = fd
        self.data = b""

    def wait_for(self, done, timeout):
        """Reads until done(data) holds; returns the time it first held, or None."""
        end = time.perf_counter() + timeout
        while time.perf_counter() < end:
            chunk = read_some(self.fd, max(0.0, end - time.perf_counter()))
            now = time.perf_counter()
            if chunk is None:
                continue
            if chunk == b"":
                return None
            answer(self.fd, chunk)
            self.data += chunk
            if done(self.data):
                return now
        return None

    def drain(self, quiet):
        """Reads until nothing comes for `quiet` seconds; returns the time of the last byte."""
        last = None
        while True:
            chunk = read_some(self.fd, quiet)
            if not chunk:
                return last
            last = time.perf_counter()
            answer(self.fd, chunk)
            self.data += chunk


def frame_done(marker, rows, anywhere):
    """True once `marker` has been written on the bottom row (drawn last)."""
    marker = marker.encode()
    # Absolute moves: row and column, or the row alone (column 1).
    moves = re.compile(rb"\x1b\[(\d+)(?:;\d+)?H")

    def done(data):
        if anywhere:
            return marker in data
        at = data.find(marker)
        while at >= 0:
            rows_before = [m.group(1) for m in moves.finditer(data, 0, at)]
            if rows_before and int(rows_before[-1]) == rows:
                return True
            at = data.find(marker, at + 1)
        return False

    return done


def stop(pid, fd, quit_keys):
    try:
        os.write(fd, quit_keys.encode())
    except OSError:
        pass
    deadline = time.perf_counter() + 3
    while time.perf_counter() < deadline:
        try:
            read_some(fd, 0.05)
        except OSError:
            break
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            break
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    os.close(fd)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--ready", required=True, help="text on the last row of the first screen")
    p.add_argument("--anywhere", action="store_true", help="marker may be on any row")
    p.add_argument("--settle", help="text that shows background work is finished")
    p.add_argument("--rows", type=int, default=60)
    p.add_argument("--cols", type=int, default=200)
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--presses", type=int, default=0)
    p.add_argument("--quit", default="q", help="keys that quit the program")
    p.add_argument("--keys", default="",
                   help="keys pressed once the program is idle, before the timed presses")
    p.add_argument("--rss", action="store_true", help="also report peak memory (GNU time)")
    p.add_argument("--timeout", type=float, default=30)
    p.add_argument("--pair", help="a second command line (shell words) timed in turn with it")
    p.add_argument("--pair-ready", help="--ready for the paired command")
    p.add_argument("--pair-anywhere", action="store_true", help="--anywhere for it")
    p.add_argument("--pair-keys", default="",
                   help="--keys for it (two builds of one program compared in one mode)")
    p.add_argument("--pair-settle", help="--settle for it")
    p.add_argument("cmd", nargs="+")
    args = p.parse_args()

    env = dict(os.environ, TERM="xterm-256color", LESS="", LESSHISTFILE="-", COLUMNS="",
               LINES="")
    env.pop("COLUMNS")
    env.pop("LINES")
    done = frame_done(args.ready, args.rows, args.anywhere)
    result = {}

    def first_frame(cmd, ready, done):
        start = time.perf_counter()
        pid, fd = spawn(cmd, args.rows, args.cols, env)
        screen = Screen(fd)
        seen = screen.wait_for(done, args.timeout)
        stop(pid, fd, args.quit)
        if seen is None:
            sys.exit(f"first screen never showed {ready!r}: {screen.data[-400:]!r}")
        time.sleep(0.05)
        return (seen - start) * 1000

    pair = shlex.split(args.pair) if args.pair else None
    if pair:
        pair_ready = args.pair_ready or args.ready
        pair_done = frame_done(pair_ready, args.rows, args.pair_anywhere)
    frames, pair_frames = [], []
    for _ in range(args.runs):
        frames.append(first_frame(args.cmd, args.ready, done))
        if pair:
            pair_frames.append(first_frame(pair, pair_ready, pair_done))
    if frames:
        result["first_frame_ms"] = round(statistics.median(frames), 2)
        result["first_frame_min_ms"] = round(min(frames), 2)
    if pair_frames:
        result["pair_first_frame_ms"] = round(statistics.median(pair_frames), 2)
        result["pair_first_frame_min_ms"] = round(min(pair_frames), 2)

    def open_session(cmd, done, settle, keys):
        pid, fd = spawn(cmd, args.rows, args.cols, env)
        screen = Screen(fd)
        if screen.wait_for(done, args.timeout) is None:
            sys.exit("first screen never showed")
        if settle:
            if screen.wait_for(lambda d: settle.encode() in d, args.timeout * 4) is None:
                sys.exit(f"never settled: {settle!r}")
        screen.drain(0.5)
        if keys:
            os.write(fd, keys.encode())
            screen.drain(0.3)
        # One press first, so the view can move both ways; it also clears any status message.
        os.write(fd, b"j")
        screen.drain(0.3)
        return pid, fd, screen

    def press(session, key):
        _, fd, screen = session
        before = len(screen.data)
        sent = time.perf_counter()
        os.write(fd, key)
        first = screen.wait_for(lambda d: len(d) > before, 5)
        last = screen.drain(0.15) or first
        if first is None:
            sys.exit(f"key {key!r} changed nothing on the screen")
        return (first - sent) * 1000, (last - sent) * 1000

    if args.presses:
        # With --pair, both programs are open at once and take their presses in turn.
        sessions = [open_session(args.cmd, done, args.settle, args.keys)]
        if pair:
            sessions.append(open_session(pair, pair_done, args.pair_settle, args.pair_keys))
        times = [([], []) for _ in sessions]
        for i in range(args.presses):
            key = b"k" if i % 2 == 0 else b"j"
            for session, (firsts, lasts) in zip(sessions, times):
                first, last = press(session, key)
                firsts.append(first)
                lasts.append(last)
        for pid, fd, _ in sessions:
            stop(pid, fd, args.quit)
        for prefix, (firsts, lasts) in zip(["", "pair_"], times):
            result[prefix + "key_ms"] = round(statistics.median(lasts), 3)
            result[prefix + "key_first_ms"] = round(statistics.median(firsts), 3)

    if args.rss:
        with tempfile.NamedTemporaryFile("r", suffix=".rss") as out:
            cmd = ["/usr/bin/time", "-f", "%M", "-o", out.name] + args.cmd
            pid, fd = spawn(cmd, args.rows, args.cols, env)
            screen = Screen(fd)
            screen.wait_for(done, args.timeout)
            if args.settle:
                settle = args.settle.encode()
                screen.wait_for(lambda d: settle in d, args.timeout * 4)
            screen.drain(0.3)
            stop(pid, fd, args.quit)
            text = out.read().strip().splitlines()
            result["max_rss_kb"] = int(text[-1]) if text and text[-1].isdigit() else None

    print(json.dumps(result))


if __name__ == "__main__":
    main()
