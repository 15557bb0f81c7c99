"""copy_writer.write_object writes what pypdf's write_to_stream writes, byte for byte (it
only writes text strings in one piece): the finalized PDFs stay the same bytes."""

import io

from pypdf.generic import ArrayObject, BooleanObject, DictionaryObject, FloatObject, \
    IndirectObject, NameObject, NullObject, NumberObject, TextStringObject, \
    create_string_object

from contratgen.pdf.copy_writer import write_object
from contratgen.pdf.metadata import PdfMeta, info_dictionary

import datetime


def by_pypdf(value) -> bytes:
    out = io.BytesIO()
    value.write_to_stream(out)
    return out.getvalue()


def ours(value) -> bytes:
    out = io.BytesIO()
    write_object(value, out)
    return out.getvalue()


def test_text_strings_of_every_kind_are_written_as_pypdf_writes_them():
    for text in ("", "Contrat CT-2026-0042", "Atelier Dupont & Fils (SARL) \\ 100 %",
                 "Société à responsabilité limitée — « devis »", "日本語", "a\nb\tc\r)",
                 "".join(chr(i) for i in range(1, 256))):
        value = create_string_object(text)
        assert isinstance(value, TextStringObject)
        assert ours(value) == by_pypdf(value), text


def test_dictionaries_and_arrays_nested_are_written_as_pypdf_writes_them():
    value = DictionaryObject({
        NameObject("/T"): TextStringObject("provider_signature"),
        NameObject("/Rect"): ArrayObject([FloatObject(56.7), NumberObject(10),
                                          FloatObject(-3.25), NumberObject(0)]),
        NameObject("/Kids"): ArrayObject([IndirectObject(12, 0, None),
                                          DictionaryObject({NameObject("/F"): NumberObject(4)})]),
        NameObject("/Ff"): BooleanObject(True), NameObject("/V"): NullObject(),
        NameObject("/Lang"): TextStringObject("fr-FR"),
    })
    assert ours(value) == by_pypdf(value)


def test_the_info_dictionary_finalize_writes_is_the_same_bytes():
    meta = PdfMeta(title="Contrat de prestation CT-2026-0042", author="Atelier Dupont & Fils",
                   subject="Contrat — Société Martin (SAS)", keywords="billing penalties",
                   created=datetime.date(2026, 11, 22),
                   provenance={"document": "CT-2026-0042", "clauses": ["a", "b"],
                               "note": "« é » (x) \\ y"}, language="fr-FR")
    value = info_dictionary(meta)
    assert ours(value) == by_pypdf(value)
