"""Notification channels that reach people: e-mail over SMTP and JSON webhooks (the shape the
chat bots of WeCom, DingTalk and Feishu accept). The outbox needs no channel: its ledger row is
the message.
"""

from __future__ import annotations

import json
import os
import smtplib
import urllib.error
import urllib.parse
import urllib.request
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any, Protocol

from activities.admin_config import SmtpChannel, WebhookChannel


class DeliveryFailed(Exception):
    """The channel did not accept the message; the activity retries with backoff."""


class Channel(Protocol):
    def send(self, *, address: str, subject: str, body: str, key: str) -> None: ...


class SmtpSender:
    def __init__(self, config: SmtpChannel) -> None:
        self.config = config

    def send(self, *, address: str, subject: str, body: str, key: str) -> None:
        message = EmailMessage()
        message["From"] = self.config.sender
        message["To"] = address
        message["Subject"] = subject
        # The same id on every attempt lets a receiving server drop a duplicate.
        message["Message-ID"] = make_msgid(idstring=key.replace(":", ".")[:60], domain="trainops")
        message["X-Trainops-Key"] = key
        message.set_content(body)
        try:
            with smtplib.SMTP(
                self.config.host, self.config.port, timeout=self.config.timeout_seconds
            ) as smtp:
                if self.config.starttls:
                    smtp.starttls()
                if self.config.username:
                    password = os.environ.get(self.config.password_env or "", "")
                    smtp.login(self.config.username, password)
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryFailed(f"SMTP {self.config.host}:{self.config.port}: {exc}") from exc


def webhook_body(fmt: str, *, address: str, subject: str, body: str, key: str) -> dict[str, Any]:
    text = f"{subject}\n{body}"
    if fmt in ("wecom", "dingtalk"):
        return {"msgtype": "text", "text": {"content": text, "mentioned_list": [address]}}
    if fmt == "feishu":
        return {"msg_type": "text", "content": {"text": text}}
    return {"recipient": address, "subject": subject, "body": body, "idempotency_key": key}


class WebhookSender:
    def __init__(self, config: WebhookChannel) -> None:
        self.config = config

    def _url(self) -> str:
        if self.config.url is not None:
            return self.config.url
        url = os.environ.get(self.config.url_env or "", "")
        if not url.startswith(("http://", "https://")):
            raise DeliveryFailed(
                f"webhook: environment variable {self.config.url_env} holds no http(s) URL"
            )
        return url

    def send(self, *, address: str, subject: str, body: str, key: str) -> None:
        payload = webhook_body(
            self.config.format, address=address, subject=subject, body=body, key=key
        )
        url = self._url()
        # Errors name the host only: they reach the ledger and the log, the URL's key must not.
        where = urllib.parse.urlsplit(url).netloc
        request = urllib.request.Request(
            url,
            data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
            headers={"Content-Type": "application/json", "Idempotency-Key": key},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.config.timeout_seconds) as response:
                answer = response.read()
        except (OSError, urllib.error.URLError) as exc:
            raise DeliveryFailed(f"webhook {where}: {_without(url, exc)}") from exc
        try:
            errcode = json.loads(answer or b"{}").get("errcode", 0)
        except (ValueError, AttributeError):
            errcode = 0
        if errcode:
            raise DeliveryFailed(f"webhook {where} answered errcode {errcode}")


def _without(url: str, exc: BaseException) -> str:
    """The error's text with the URL (and so its key) taken out."""
    return str(exc).replace(url, "<url>")


def make_channel(config: SmtpChannel | WebhookChannel) -> Channel:
    if isinstance(config, SmtpChannel):
        return SmtpSender(config)
    return WebhookSender(config)
