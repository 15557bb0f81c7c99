"""A lifecycle status as the French CDAR message (UN/CEFACT Cross Domain Acknowledgement
and Response D22B, profile ``urn.cpro.gouv.fr:1p0:CDV:invoice`` of XP Z12-012), built
element by element in the XSD's order, then checked against the XSD and the FNFE
BR-FR-CDV schematron before anyone writes it."""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Optional

from lxml import etree

from ..xmlcheck import Failure, schema_failures, schematron_failures

RSM = "urn:un:unece:uncefact:data:standard:CrossDomainAcknowledgementAndResponse:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
NSMAP = {"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT}
PROFILE = "urn.cpro.gouv.fr:1p0:CDV:invoice"
XSD = "data/validation/fnfe-cdar/xsd/CrossDomainAcknowledgementAndResponse_100pD22B.xsd"
SCHEMATRON = "data/validation/fnfe-cdar/BR-FR-CDV-Schematron-CDAR.xslt"
PPF = ("0238", "9998")    # the Portail public de facturation as recipient (XP Z12-012 annex B)
PROCESSING = "23"          # MDT-77: a processing status (305 is a transmission status)
LABELS = {"212": "Encaissée", "207": "En litige"}


@dataclass(frozen=True)
class Party:
    name: str
    siren: Optional[str]
    role: str                              # SE seller, BY buyer
    address: Optional[tuple[str, str]] = None   # electronic address (scheme, id), BT-49


@dataclass(frozen=True)
class Status:
    """One lifecycle status of one invoice."""
    code: str                              # MDT-105: 212 Encaissée, 207 En litige
    invoice: str                           # MDT-87 (BT-1)
    invoice_date: datetime.date            # MDT-100 (BT-2)
    invoice_type: str                      # MDT-91 (BT-3): 380, 386, 381
    date: datetime.date                    # when the status was set (payment, dispute)
    sequence: int                          # the n-th of this status, invoice and day
    seller: Party
    buyer: Party
    amounts: tuple[tuple[Decimal, Decimal], ...] = ()   # 212: (amount TTC received, VAT rate)
    reason: Optional[tuple[str, str]] = None             # 207: (MDT-113 code, MDT-114 text)
    regulated: bool = True                 # MDT-2: REGULATED (B2B e-invoicing) or not

    @property
    def id(self) -> str:
        """MDT-4: unique per invoice, status, day and sequence; stable when the ledger
        grows (a status never changes its id)."""
        return f"{self.invoice}_{self.code}_{self.date:%Y%m%d}_{self.sequence}"

    @property
    def file_name(self) -> str:
        return f"{self.id}.xml"


def _el(parent, tag: str, text: Optional[str] = None, **attrs) -> etree._Element:
    prefix, name = tag.split(":")
    node = etree.SubElement(parent, f"{{{NSMAP[prefix]}}}{name}", attrs)
    if text is not None:
        node.text = text
    return node


def _stamp(parent, tag: str, day: datetime.date, fmt: str = "204") -> None:
    """A date-time of the status: the day at midnight (outputs are dated by the
    ledger, never by the clock)."""
    kind = "qdt" if fmt == "102" else "udt"
    value = f"{day:%Y%m%d}" if fmt == "102" else f"{day:%Y%m%d}000000"
    _el(_el(parent, tag), f"{kind}:DateTimeString", value, format=fmt)


def _party(parent, tag: str, party: Party, with_name: bool = True) -> None:
    node = _el(parent, tag)
    if party.siren:
        _el(node, "ram:GlobalID", party.siren, schemeID="0002")
    if with_name:
        _el(node, "ram:Name", party.name)
    _el(node, "ram:RoleCode", party.role)
    if with_name and party.address:
        _el(_el(node, "ram:URIUniversalCommunication"), "ram:URIID", party.address[1],
            schemeID=party.address[0])


def _header(root, status: Status) -> None:
    context = _el(root, "rsm:ExchangedDocumentContext")
    _el(_el(context, "ram:BusinessProcessSpecifiedDocumentContextParameter"), "ram:ID",
        "REGULATED" if status.regulated else "NON_REGULATED")
    _el(_el(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", PROFILE)
    document = _el(root, "rsm:ExchangedDocument")
    _el(document, "ram:ID", status.id)
    _el(document, "ram:Name", f"{status.invoice}-CDV-{status.code}_{LABELS[status.code]}")
    _stamp(document, "ram:IssueDateTime", status.date)
    _el(_el(document, "ram:SenderTradeParty"), "ram:RoleCode", "WK")
    _party(document, "ram:IssuerTradeParty", status.seller)
    _party(document, "ram:RecipientTradeParty", status.buyer)
    ppf = _el(document, "ram:RecipientTradeParty")
    _el(ppf, "ram:GlobalID", PPF[1], schemeID=PPF[0])
    _el(ppf, "ram:Name", "PPF")
    _el(ppf, "ram:RoleCode", "DFH")


def _detail(reference, status: Status) -> None:
    detail = _el(reference, "ram:SpecifiedDocumentStatus")
    if status.reason:
        _el(detail, "ram:ReasonCode", status.reason[0])
        _el(detail, "ram:Reason", status.reason[1])
    _el(detail, "ram:SequenceNumeric", "1")
    for amount, rate in status.amounts:
        characteristic = _el(detail, "ram:SpecifiedDocumentCharacteristic")
        _el(characteristic, "ram:TypeCode", "MEN")     # montant TTC encaissé
        _el(_el(characteristic, "ram:ValueChangedIndicator"), "udt:IndicatorString", "false")
        _el(characteristic, "ram:ValueAmount", f"{amount:.2f}", currencyID="EUR")
        _el(characteristic, "ram:ValuePercent", f"{rate:.2f}")


def cdar_xml(status: Status) -> bytes:
    """The CDAR message of ``status``, as bytes (UTF-8, reproducible)."""
    root = etree.Element(f"{{{RSM}}}CrossDomainAcknowledgementAndResponse", nsmap=NSMAP)
    _header(root, status)
    acknowledgement = _el(root, "rsm:AcknowledgementDocument")
    _el(_el(acknowledgement, "ram:MultipleReferencesIndicator"), "udt:Indicator", "false")
    _el(acknowledgement, "ram:TypeCode", PROCESSING)
    _stamp(acknowledgement, "ram:IssueDateTime", status.date)
    reference = _el(acknowledgement, "ram:ReferenceReferencedDocument")
    _el(reference, "ram:IssuerAssignedID", status.invoice)
    _el(reference, "ram:TypeCode", status.invoice_type)
    _stamp(reference, "ram:FormattedIssueDateTime", status.invoice_date, fmt="102")
    _el(reference, "ram:ProcessConditionCode", status.code)
    _el(reference, "ram:ProcessCondition", LABELS[status.code])
    _party(reference, "ram:IssuerTradeParty", status.seller, with_name=False)
    _detail(reference, status)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def cdar_failures(xml: bytes) -> list[Failure]:
    """What the XSD and the FNFE CDAR schematron (fatal rules) find wrong in ``xml``."""
    return schema_failures(xml, XSD) or schematron_failures(xml, SCHEMATRON)
