#!/usr/bin/env python3
"""console-socket.py SOCKET: what a runc caller (conmon, containerd's shim) does with --console-socket.
Listens on SOCKET, receives the pty master over SCM_RIGHTS, writes INPUT (argv[2], optional) into it,
and copies what the container prints to stdout until the pty closes or 20 s pass."""
import array
import os
import select
import socket
import sys
import time

path = sys.argv[1]
typed = sys.argv[2].encode() if len(sys.argv) > 2 else b""
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(1)
print("listening", flush=True, file=sys.stderr)
conn, _ = srv.accept()
fds = array.array("i")
msg, anc, _, _ = conn.recvmsg(16, socket.CMSG_LEN(fds.itemsize))
for level, kind, data in anc:
    if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
        fds.frombytes(data[: len(data) - (len(data) % fds.itemsize)])
if not fds:
    sys.exit("no fd received")
master = fds[0]
if typed:
    os.write(master, typed)
deadline = time.time() + 20
while time.time() < deadline:
    ready, _, _ = select.select([master], [], [], 0.2)
    if not ready:
        continue
    try:
        chunk = os.read(master, 4096)
    except OSError:
        break
    if not chunk:
        break
    sys.stdout.buffer.write(chunk)
    sys.stdout.flush()
