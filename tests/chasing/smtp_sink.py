"""A real SMTP server on 127.0.0.1 (aiosmtpd) that records what it accepted, and can be made
to stall before answering the message (to kill a worker mid-send)."""

from __future__ import annotations

import asyncio
import socket
import threading
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Sink:
    def __init__(self) -> None:
        self.accepted: list = []  # email.message.Message, in order
        self.stall = False
        self.stalled = threading.Event()  # set when a message is being held
        self.port = free_port()
        self.controller: Controller | None = None

    async def handle_DATA(self, server, session, envelope):
        if self.stall:
            self.stalled.set()
            await asyncio.sleep(60)  # cancelled if the client dies: nothing accepted
        self.accepted.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def start(self) -> Sink:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def subjects(self) -> list[str]:
        return [str(m["Subject"]) for m in self.accepted]
