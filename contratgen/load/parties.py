"""The parties of a deal: the provider (seller), the client (buyer), their signatories,
the provider's insurance, mediator and e-invoicing platform, and the main contract a
subcontractor works under."""
# Annotations are evaluated when the class is made (no `from __future__ import annotations`):
# pydantic would otherwise compile each of them from its text, for every model, in every process.

import datetime
from typing import Annotated, Literal, Optional

from pydantic import Field

from .fields import Model, Money, Text


class Signatory(Model):
    name: Text
    title: Optional[Text] = None


class Party(Model):
    name: Text
    legal_form: Optional[Text] = Field(None, description="SARL, SAS, SA, EURL, EI, ...")
    capital: Optional[Money] = None
    siren: Optional[Text] = None
    siret: Optional[Text] = None
    registry: Optional[Text] = Field(None, description="'RCS Paris', or 'RM 75' for craftsmen")
    trader: bool = Field(False, description="commerçant (matters for jurisdiction clauses)")
    craftsman: bool = Field(False, description="artisan (registered at the RM)")
    liberal_profession: bool = False
    vat_number: Optional[Text] = None
    address: Optional[Text] = None
    email: Optional[Text] = None
    phone: Optional[Text] = None
    iban: Optional[Text] = None
    bic: Optional[Text] = None
    signatory: Optional[Signatory] = None


class Insurance(Model):
    """The provider's professional insurance (loi 96-603 art. 22-2 for building trades)."""
    insurer: Text
    policy: Text
    kind: Literal["decennale", "rc_pro"] = "decennale"
    territory: Text = "France"
    certificate: Optional[Text] = Field(
        None, description="the insurance certificate (PDF), annexed to quotes and invoices "
                          "when the décennale applies (C. assur. L243-2)")


class Mediator(Model):
    """The consumer mediator the provider adheres to (C. conso. L616-1, R616-1)."""
    name: Text
    url: Text


class Platform(Model):
    """The plateforme agréée the provider chose for e-invoicing and e-reporting."""
    id: Text
    scheme: Text = "0238"


class Provider(Party):
    vat: Literal["standard", "franchise"] = Field(
        "standard", description="franchise: franchise en base (CGI art. 293 B), no VAT")
    vat_on_debits: bool = Field(False, description="option pour le paiement de la taxe "
                                                   "d'après les débits")
    building_trade: bool = Field(False, description="building works: insurance mention, "
                                                    "reduced-rate certification")
    insurance: Optional[Insurance] = None
    mediator: Optional[Mediator] = None
    size: Literal["micro", "sme", "mid", "large"] = Field(
        "sme", description="the date e-invoicing mentions and issuance become mandatory for "
                           "this issuer: 1 Sept 2026 (mid, large) or 1 Sept 2027 (sme, micro)")
    subcontractor: bool = Field(False, description="the provider is a subcontractor "
                                                   "(loi 75-1334)")
    platform: Optional[Platform] = None


class Client(Party):
    kind: Literal["business", "consumer", "public"] = Field(
        "business", description="public: a public purchaser (Code de la commande publique)")
    delivery_address: Optional[Text] = Field(
        None, description="when it differs from the address (e-invoicing mention)")
    billing_address: Optional[Text] = Field(
        None, description="when it differs from the address (BT-50…)")
    order_reference: Optional[Text] = Field(
        None, description="the buyer's purchase order number (BT-13), on every invoice")
    electronic_address: Optional[Text] = Field(
        None, description="BT-49, 'scheme:id'; default 0225 + SIREN when known")
    employees: Optional[Annotated[int, Field(ge=0, le=10_000_000)]] = Field(
        None, description="with outside_main_activity: a business of at most 5 employees "
                          "signing off premises gets the consumer's rules (C. conso. L221-3)")
    outside_main_activity: bool = False


class MainContract(Model):
    """The main contract a subcontractor works under (loi 75-1334)."""
    owner: Text = Field(description="the maître d'ouvrage, who must accept the subcontractor")
    accepted: Optional[datetime.date] = Field(
        None, description="acceptance and approval of the payment terms by the owner (art. 3)")
    guarantee: Optional[Literal["caution", "delegation"]] = Field(
        None, description="art. 14: a caution or a délégation de paiement, else the "
                          "subcontract is void")
