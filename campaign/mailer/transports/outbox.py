"""MAIL_TRANSPORT=file: each message becomes an .eml file, readable in the console's Outbox."""

import os
from pathlib import Path

from campaign.mailer.transports.interface import (
    BulkMessage,
    Envelope,
    RecipientResult,
    TemporaryFailure,
    send_one_by_one,
)
from campaign.mailer.transports.mime import build_message


def eml_name(custom_args: dict[str, str]) -> str:
    """The file name for a message, from our own ids (so the console can find it again)."""
    return "-".join(f"{key}{value}" for key, value in sorted(custom_args.items())) + ".eml"


class FileTransport:
    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)

    def send(self, envelope: Envelope) -> str | None:
        message = build_message(envelope)
        target = self.directory / eml_name(envelope.custom_args)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(".part")
            partial.write_bytes(message.as_bytes())
            os.replace(partial, target)  # readers never see half a message
        except OSError as error:
            raise TemporaryFailure(f"could not write {target.name}: {error}") from error
        return message["Message-ID"]

    def send_bulk(self, message: BulkMessage) -> list[RecipientResult]:
        return send_one_by_one(self, message)
