#!/usr/bin/env python3
"""Runs a command on a fresh pseudo-terminal and drives it like a user at a keyboard.

usage: pty-run.py [--rows R] [--cols C] [--timeout S] SCRIPT_JSON -- CMD [ARG...]
SCRIPT_JSON is a list of steps: {"expect": regex} waits for output matching regex;
{"send": text} types text; {"resize": [rows, cols]} changes the window size (the kernel then
sends SIGWINCH); {"sleep": seconds}; {"repeat": text, "until": regex, "every": seconds} types
text again every so often until the output matches (for effects that arrive asynchronously, like a
resize relayed through a daemon). Prints the whole transcript; exits with the command's
exit code, or 124 when a step or the command timed out.
"""
import fcntl, json, os, pty, re, select, signal, struct, sys, termios, time

def set_size(fd, rows, cols):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

def main():
    args = sys.argv[1:]
    rows, cols, timeout = 24, 80, 20.0
    while args and args[0].startswith("--") and args[0] != "--":
        flag, value = args[0], args[1]
        args = args[2:]
        if flag == "--rows": rows = int(value)
        elif flag == "--cols": cols = int(value)
        elif flag == "--timeout": timeout = float(value)
    steps = json.loads(args[0])
    cmd = args[2:]
    pid, fd = pty.fork()
    if pid == 0:
        set_size(0, rows, cols)  # before exec: the program must see its size from the start
        os.execvp(cmd[0], cmd)
    out = b""
    deadline = time.time() + timeout

    def pump(wait):
        nonlocal out
        r, _, _ = select.select([fd], [], [], wait)
        if not r:
            return True
        try:
            data = os.read(fd, 65536)
        except OSError:
            return False
        if not data:
            return False
        out += data
        return True

    alive = True
    for step in steps:
        if "expect" in step:
            pattern = re.compile(step["expect"].encode())
            while alive and not pattern.search(out):
                if time.time() > deadline:
                    sys.stdout.write(out.decode(errors="replace"))
                    sys.stdout.write("\n[pty-run] timed out waiting for %r\n" % step["expect"])
                    os.kill(pid, signal.SIGKILL)
                    sys.exit(124)
                alive = pump(0.1)
        elif "repeat" in step:
            pattern = re.compile(step["until"].encode())
            start = len(out)
            while alive and not pattern.search(out, start):
                if time.time() > deadline:
                    sys.stdout.write(out.decode(errors="replace"))
                    sys.stdout.write("\n[pty-run] timed out waiting for %r\n" % step["until"])
                    os.kill(pid, signal.SIGKILL)
                    sys.exit(124)
                os.write(fd, step["repeat"].encode())
                end = time.time() + step.get("every", 0.5)
                while alive and time.time() < end and not pattern.search(out, start):
                    alive = pump(0.05)
        elif "send" in step:
            os.write(fd, step["send"].encode())
        elif "resize" in step:
            set_size(fd, *step["resize"])
            os.kill(pid, signal.SIGWINCH)
        elif "sleep" in step:
            end = time.time() + step["sleep"]
            while alive and time.time() < end:
                alive = pump(0.05)
    while alive and time.time() < deadline:
        alive = pump(0.1)
    if time.time() >= deadline:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    sys.stdout.write(out.decode(errors="replace"))
    if os.WIFSIGNALED(status):
        sys.exit(124 if time.time() >= deadline else 128 + os.WTERMSIG(status))
    sys.exit(os.WEXITSTATUS(status))

main()
