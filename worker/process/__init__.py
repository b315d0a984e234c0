"""The worker's own life: after fork, the lifeline, serving, the fork server and warm-ups."""
