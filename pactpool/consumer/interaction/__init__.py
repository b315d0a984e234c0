"""The interaction kinds a pact holds: HTTP, asynchronous messages, synchronous messages.

`Interaction` is their common base (provider states, bodies, metadata, rules, generators
and the V4 annotations); `Pact.upon_receiving` makes them.
"""

from pactpool.consumer.interaction._async_message import AsyncMessageInteraction
from pactpool.consumer.interaction._base import Interaction
from pactpool.consumer.interaction._http import HttpInteraction
from pactpool.consumer.interaction._sync_message import SyncMessageInteraction

__all__ = ["AsyncMessageInteraction", "HttpInteraction", "Interaction",
           "SyncMessageInteraction"]
