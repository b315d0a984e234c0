"""Preloaded by the forkserver: everything a worker runs, imported and run once, then frozen.

Every worker is a `fork()` of the forkserver, so what is imported here is shared with all
of them copy-on-write. `gc.freeze()` moves these objects out of the collector's reach, so a
worker's garbage collections do not write to (and so copy) the shared pages. Only the
forkserver imports this module; the controller never does.
"""

from __future__ import annotations

import encodings.idna  # the first getaddrinfo() imports it: do that once, here
import gc

import pactpool_worker.launch
import pactpool_worker.main
from pactpool_worker.rehearsal import rehearse_matching

try:
    import uvloop
except ImportError:  # optional: the stdlib loop serves too
    uvloop = None  # type: ignore[assignment]

PRELOADED = (pactpool_worker.main, pactpool_worker.launch, uvloop, encodings.idna)

rehearse_matching()  # first-run work (regexes, specialised bytecode) done once, shared by all
gc.collect()
gc.freeze()
