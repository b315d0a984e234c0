"""A synchronous message interaction: a request message and the reply it expects (V4 only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pactpool.consumer.interaction._base import Interaction, Part, PartName

if TYPE_CHECKING:
    from typing_extensions import Self


class SyncMessageInteraction(Interaction):
    """A request message and its response message (`upon_receiving(description, "Sync")`).

    Calls before `will_respond_with()` describe the request, calls after it the response.
    """

    kind = "Sync"

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self._request = Part()
        self._response = Part()
        self._has_response = False

    @property
    def request(self) -> Part:
        return self._request

    @property
    def response(self) -> Part | None:
        """The expected reply, once `will_respond_with()` was called (or a part was set)."""
        return self._response if self._has_response else None

    def _part(self, part: PartName | None) -> Part:
        if self._resolve(part) == "Response":
            self._has_response = True
            return self._response
        return self._request

    def will_respond_with(self) -> Self:
        """Begin the response message; later calls describe it."""
        self._responding = True
        self._has_response = True
        return self
