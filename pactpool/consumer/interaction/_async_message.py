"""An asynchronous message: one message the provider publishes and the consumer handles."""

from __future__ import annotations

from pactpool.consumer.interaction._base import Interaction, Part, PartName
from pactpool.errors import PactDefinitionError


class AsyncMessageInteraction(Interaction):
    """A message interaction (`Pact.upon_receiving(description, "Async")`).

    There is one part, the message: `with_body` sets its contents and `with_metadata` its
    metadata. Naming `part="Response"` is an error, as a message has no response.
    """

    kind = "Async"

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self._message = Part()

    @property
    def message(self) -> Part:
        return self._message

    def _part(self, part: PartName | None) -> Part:
        if self._resolve(part) == "Response":
            raise PactDefinitionError(
                "an asynchronous message has no response part; declare a synchronous "
                "message (upon_receiving(..., 'Sync')) for a request and its reply")
        return self._message
