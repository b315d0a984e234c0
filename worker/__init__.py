"""pactpool_worker: what runs inside a mock server's process, and the contract with its parent.

`pact`, `matching` and `generators` are the sans-IO core; `http` the listener; `service` what
a request reaches; `process` the worker's own life; `protocol`, `errors` and `records` the
frames, error kinds and mismatch records both sides share.
"""
