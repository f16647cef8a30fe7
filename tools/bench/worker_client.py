"""A minimal persistent-worker client for the benchmark: WorkRequest / WorkResponse, length-delimited protobuf.

Only the fields the protocol needs: WorkRequest arguments=1 (string), request_id=3 (int32);
WorkResponse exit_code=1 (int32), output=2 (string), request_id=3 (int32).
"""
import subprocess
import time


def _varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def encode_request(args, request_id=0):
    body = b"".join(b"\x0a" + _varint(len(a.encode())) + a.encode() for a in args)
    if request_id:
        body += b"\x18" + _varint(request_id)
    return _varint(len(body)) + body


def _decode_varint(buf, i):
    """The varint at buf[i] and the index after it."""
    shift = result = 0
    while True:
        byte = buf[i]
        i += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, i
        shift += 7


def _read_varint(stream):
    shift = result = 0
    while True:
        byte = stream.read(1)
        if not byte:
            raise EOFError("worker closed its stdout")
        result |= (byte[0] & 0x7F) << shift
        if not byte[0] & 0x80:
            return result
        shift += 7


def read_response(stream):
    size = _read_varint(stream)
    body = stream.read(size)
    fields = {"exit_code": 0, "output": "", "request_id": 0}
    i = 0
    while i < len(body):
        key, i = _decode_varint(body, i)
        value, i = _decode_varint(body, i)
        if key & 7 == 0:
            fields["exit_code" if key >> 3 == 1 else "request_id"] = value
        else:  # output: `value` is the length of the string that follows
            fields["output"] = body[i:i + value].decode()
            i += value
    return fields


def supported(exe):
    return b"--persistent_worker" in open(exe, "rb").read()


def time_requests(exe, cwd, args, n):
    """Runs `exe --persistent_worker` once and sends it `n` requests; returns (seconds, peak RSS in MB)."""
    p = subprocess.Popen(["/usr/bin/time", "-f", "%M", exe, "--persistent_worker"], cwd=cwd, stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdin.write(encode_request(args, 1))  # warm-up: first request pays process start and lazy initialization
    p.stdin.flush()
    read_response(p.stdout)
    start = time.perf_counter()
    for i in range(n):
        p.stdin.write(encode_request(args, i + 2))
        p.stdin.flush()
        response = read_response(p.stdout)
        if response["exit_code"] != 0:
            raise RuntimeError(response["output"])
    elapsed = time.perf_counter() - start
    p.stdin.close()
    err = p.stderr.read()
    p.wait()
    return elapsed, int(err.decode().strip().splitlines()[-1]) / 1024
