#!/usr/bin/env python3
"""The machine's floor for a new tip's fan-out: the time two threads need to hand the kernel one
small write on each of N loopback TCP connections, with no encryption, no framing and no event
loop. rg-gate's fan-out (verdict read -> job written to the last of N channels, swarm.sh) can only
approach this; on loopback the kernel also runs the receiving socket's work in the sender's context.

    scripts/bench/loopback_floor.py [connections] [rounds]      defaults: 10000 7

Each of two processes (rg-gate runs two event loops on two cores) owns half the connections and
writes 173 bytes to each in one sendmsg of two buffers: the size of an encrypted NewMiningJob plus
SetNewPrevHash. The readers do not read until a round is over, like a swarm stopped with SIGSTOP.
Prints one JSON line: the wall time of each round (the slower process), and the median.
"""
import json
import multiprocessing as mp
import resource
import socket
import statistics
import sys
import time

JOB = b"j" * 87
PREV_HASH = b"p" * 86


def worker(count, rounds, start, results):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4096)
    port = listener.getsockname()[1]
    readers, writers = [], []
    for _ in range(count):
        reader = socket.create_connection(("127.0.0.1", port))
        writer, _ = listener.accept()
        for s in (reader, writer):
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        readers.append(reader)
        writers.append(writer)
    for _ in range(rounds):
        start.wait()
        began = time.perf_counter()
        for w in writers:
            w.sendmsg([JOB, PREV_HASH])
        results.put(time.perf_counter() - began)
        start.wait()
        for r in readers:
            r.recv(4096)


def main():
    connections = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hard < connections + 100:
        sys.exit(f"loopback_floor.py: open-file limit {hard} is below {connections} connections")
    start = mp.Barrier(3)
    results = mp.Queue()
    halves = [connections // 2, connections - connections // 2]
    workers = [mp.Process(target=worker, args=(n, rounds, start, results)) for n in halves]
    for w in workers:
        w.start()
    walls = []
    for _ in range(rounds):
        start.wait()
        walls.append(max(results.get(), results.get()) * 1000)
        start.wait()
        time.sleep(0.2)
    for w in workers:
        w.join()
    print(json.dumps({"type": "loopback_floor", "connections": connections, "bytes_per_write": len(JOB) + len(PREV_HASH),
                      "writers": 2, "round_ms": [round(x, 1) for x in walls], "median_ms": round(statistics.median(walls), 1)}))


if __name__ == "__main__":
    main()
