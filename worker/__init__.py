"""pactpool_worker."""
