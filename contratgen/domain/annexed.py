"""The annexes of a document: those client.yaml lists under ``annexes``, then the
provider's insurance certificate (``provider.insurance.certificate``), which a building
trade annexes to its quotes, contracts and invoices (C. assur. L243-2). Each with the
place in client.yaml its path is written at, for located errors."""
from __future__ import annotations

from dataclasses import dataclass

from ..load.model import ClientFile

CERTIFICATE = ("provider", "insurance", "certificate")
TITLES = {("fr", "decennale"): "Attestation d'assurance de responsabilité civile décennale",
          ("en", "decennale"): "Ten-year liability insurance certificate",
          ("fr", "rc_pro"): "Attestation d'assurance de responsabilité civile professionnelle",
          ("en", "rc_pro"): "Professional liability insurance certificate"}


@dataclass(frozen=True)
class Annexed:
    title: str
    path: str
    where: tuple          # the YAML path of the file's name in client.yaml


def annexed(client: ClientFile) -> tuple[Annexed, ...]:
    """Every annex, in order: client.yaml's, then the insurance certificate (once)."""
    out = [Annexed(a.title, a.path, ("annexes", i, "path"))
           for i, a in enumerate(client.annexes)]
    ins = client.provider.insurance
    if ins is not None and ins.certificate and all(a.path != ins.certificate for a in out):
        title = TITLES[(client.document.language, ins.kind)]
        out.append(Annexed(title, ins.certificate, CERTIFICATE))
    return tuple(out)
