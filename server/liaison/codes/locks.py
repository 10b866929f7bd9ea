"""A Redis lock that knows its owner process, so a crashed owner does not block a rerun.

The value is ``host:pid:nonce``. A lock held by a process that no longer exists on
this host is taken over at once; one held on another host waits for its TTL, which
the owner keeps extending while it works.
"""
from __future__ import annotations

import os
import socket
import uuid

import redis as redis_lib


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


class OwnedLock:
    def __init__(self, client, key: str, ttl: int):
        self.client, self.key, self.ttl = client, key, ttl
        self.value = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex}"

    def _compare_and(self, action) -> bool:
        """Run ``action(pipe)`` atomically if the key still holds our value."""
        with self.client.pipeline() as pipe:
            try:
                pipe.watch(self.key)
                current = pipe.get(self.key)
                if current is None or current.decode() != self.value:
                    return False
                pipe.multi()
                action(pipe)
                pipe.execute()
                return True
            except redis_lib.WatchError:
                return False

    def _owner_is_dead(self) -> bool:
        current = self.client.get(self.key)
        if current is None:
            return True
        host, _, rest = current.decode().partition(":")
        pid = rest.partition(":")[0]
        if host != socket.gethostname() or not pid.isdigit():
            return False
        if _alive(int(pid)):
            return False
        with self.client.pipeline() as pipe:  # delete only the dead owner's value
            try:
                pipe.watch(self.key)
                if pipe.get(self.key) != current:
                    return False
                pipe.multi()
                pipe.delete(self.key)
                pipe.execute()
            except redis_lib.WatchError:
                return False
        return True

    def acquire(self) -> bool:
        if self.client.set(self.key, self.value, nx=True, ex=self.ttl):
            return True
        return self._owner_is_dead() and bool(self.client.set(self.key, self.value, nx=True, ex=self.ttl))

    def extend(self) -> bool:
        return self._compare_and(lambda pipe: pipe.expire(self.key, self.ttl))

    def release(self) -> bool:
        return self._compare_and(lambda pipe: pipe.delete(self.key))

    def held_by_someone(self) -> bool:
        return self.client.exists(self.key) == 1
