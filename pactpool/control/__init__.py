"""The supervisor: start, track, query, time out, stop and reap workers; the warm pool."""
