"""Hostile DOCX templates (SECURITY.md): a template that reaches outside the package, hides
a DTD, carries macros, bombs the unzipper or is not a file at all is refused, located at
the client file's ``document.template`` line with the template's part named, before
docxtpl or LibreOffice see it. LibreOffice itself runs with links and macros off.
"""
from __future__ import annotations

import http.server
import json
import os
import re
import threading
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import needs_libreoffice, run_bounded
from contratgen.cli import main
from contratgen.render.docx import SHIPPED_TEMPLATES
from hostile_files import (add_relationship, client_with_template, docx_with,
                           in_body, linked_image_docx, relationship)

TEMPLATE_LINE = 6      # "  template: letterhead.docx" in client_with_template's file
TEMPLATE_COL = 13


def cli(*args: str):
    return CliRunner().invoke(main, list(args))


def refusal(output: str, code: str) -> tuple[int, int, str]:
    assert "Traceback" not in output, output
    found = re.findall(rf"^.*client-T-1\.yaml:(\d+):(\d+): error: template "
                       rf"'letterhead\.docx': (.+) \[{re.escape(code)}\]$", output, re.M)
    assert found, f"no located [{code}] refusal in:\n{output}"
    line, col, message = found[0]
    return int(line), int(col), message


def build_docx(client: Path):
    out = client.parent / "out"
    return cli("build", str(client), "-o", str(out), "--format", "docx"), out


class Listener:
    """A loopback HTTP server on an ephemeral port that records every request."""

    def __init__(self):
        self.requests: list[str] = []
        seen = self.requests

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                seen.append(f"{self.command} {self.path} {self.headers.get('User-Agent')}")
                self.send_response(404)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.timeout = 5
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


# --- outside the package ------------------------------------------------------------------

@needs_libreoffice
def test_a_linked_image_is_refused_and_nothing_is_fetched(tmp_path):
    with Listener() as listener:
        linked_image_docx(tmp_path / "letterhead.docx", f"{listener.url}/linked.png")
        client = client_with_template(tmp_path)
        out = tmp_path / "out"
        result = cli("build", str(client), "-o", str(out), "--format", "pdf")
    line, col, message = refusal(result.output, "template.external")
    assert (line, col) == (TEMPLATE_LINE, TEMPLATE_COL)
    assert message.startswith("word/_rels/document.xml.rels: a linked image points outside "
                              "the package")
    assert result.exit_code == 1
    assert listener.requests == []
    assert not out.exists() or not any(out.iterdir())


@needs_libreoffice
def test_libreoffice_itself_fetches_no_linked_image(tmp_path):
    """The second wall: our converter's profile blocks linked images even when a document
    that has one reaches it (here past our checks, on purpose)."""
    from contratgen.pdf.workers import Converter
    with Listener() as listener:
        docx = linked_image_docx(tmp_path / "linked.docx", f"{listener.url}/linked.png")
        with Converter() as converter:
            pdf = converter.convert(docx.read_bytes(), "linked")
    assert pdf.startswith(b"%PDF-")
    assert listener.requests == []


EXTERNAL = {
    "file: hyperlink": ("word/_rels/document.xml.rels",
                        relationship("hyperlink", "file:///etc/passwd"), "hyperlink"),
    "smb hyperlink": ("word/_rels/document.xml.rels",
                      relationship("hyperlink", "\\\\evil\\share\\x"), "hyperlink"),
    "remote OLE": ("word/_rels/document.xml.rels",
                   relationship("oleObject", "http://127.0.0.1:9/x.bin"), "OLE object"),
    "attached template": ("word/_rels/settings.xml.rels",
                          relationship("attachedTemplate", "http://127.0.0.1:9/t.dotm"),
                          "attached template"),
    "frame": ("word/_rels/webSettings.xml.rels",
              relationship("frame", "http://127.0.0.1:9/f.html"), "frame"),
    "altChunk": ("word/_rels/document.xml.rels",
                 relationship("aFChunk", "chunk.html", external=False), "altChunk"),
    "subDocument": ("word/_rels/document.xml.rels",
                    relationship("subDocument", "file:///etc/hosts"), "sub-document"),
}


@pytest.mark.parametrize("case", sorted(EXTERNAL))
def test_an_external_relationship_is_refused(tmp_path, case):
    part, rel, word = EXTERNAL[case]
    empty = b'<?xml version="1.0" encoding="UTF-8"?>\n<Relationships xmlns="' \
            b'http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>'
    template = tmp_path / "letterhead.docx"
    if part == "word/_rels/document.xml.rels":
        docx_with(template, {part: lambda d: add_relationship(d, rel)})
    else:
        docx_with(template, extra={part: add_relationship(empty, rel)})
    result, out = build_docx(client_with_template(tmp_path))
    line, col, message = refusal(result.output, "template.external")
    assert (line, col) == (TEMPLATE_LINE, TEMPLATE_COL)
    assert message.startswith(part + ": ") and word in message
    assert not out.exists()


def test_a_web_hyperlink_is_kept(tmp_path):
    docx_with(tmp_path / "letterhead.docx", {"word/_rels/document.xml.rels": lambda d:
              add_relationship(d, relationship("hyperlink", "https://example.org/"))})
    result, out = build_docx(client_with_template(tmp_path))
    assert result.exit_code == 0, result.output
    assert (out / "T-1.docx").is_file()


@pytest.mark.parametrize("field", ['INCLUDEPICTURE "http://127.0.0.1:9/x.png" \\d',
                                   'INCLUDETEXT "/etc/passwd"', 'LINK Excel.Sheet "x.xls" ""'])
def test_a_field_that_fetches_content_is_refused(tmp_path, field):
    xml = (f'<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText '
           f'xml:space="preserve"> {field} </w:instrText></w:r><w:r><w:fldChar '
           f'w:fldCharType="end"/></w:r></w:p>').replace("&", "&amp;")
    docx_with(tmp_path / "letterhead.docx",
              {"word/document.xml": lambda d: in_body(d, xml.encode())})
    result, _ = build_docx(client_with_template(tmp_path))
    _, _, message = refusal(result.output, "template.external")
    assert message.startswith("word/document.xml: the field " + field.split()[0])


# --- XML that is not what Word writes -------------------------------------------------------

XXE = b'<!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
DTD = b'<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'


@pytest.mark.parametrize("doctype", [XXE, DTD, b'<!DOCTYPE w:document SYSTEM '
                                               b'"http://127.0.0.1:9/x.dtd">'])
@pytest.mark.parametrize("part", ["word/document.xml", "word/styles.xml",
                                  "[Content_Types].xml"])
def test_a_doctype_is_refused(tmp_path, doctype, part):
    def edit(data: bytes) -> bytes:
        head, rest = data.split(b"?>", 1)
        return head + b"?>" + doctype + rest
    docx_with(tmp_path / "letterhead.docx", {part: edit})
    result, out = build_docx(client_with_template(tmp_path))
    _, _, message = refusal(result.output, "template.unsafe")
    assert message.startswith(f"{part}: the part has a DOCTYPE")
    assert not out.exists()


def test_a_part_that_is_not_utf8_is_refused(tmp_path):
    docx_with(tmp_path / "letterhead.docx", {"word/document.xml": lambda d: d.replace(
        b"<w:body>", "<w:body><w:p><w:r><w:t>caf\u00e9</w:t></w:r></w:p>".encode("latin-1"),
        1)})
    result, _ = build_docx(client_with_template(tmp_path))
    _, _, message = refusal(result.output, "template.encoding")
    assert message.startswith("word/document.xml: the part is not UTF-8")


def test_broken_xml_is_refused(tmp_path):
    docx_with(tmp_path / "letterhead.docx",
              {"word/styles.xml": lambda d: d.replace(b"</w:styles>", b"<w:style>")})
    result, _ = build_docx(client_with_template(tmp_path))
    _, _, message = refusal(result.output, "template.invalid")
    assert message.startswith("word/styles.xml: the part is not well-formed XML")


def test_a_tag_that_breaks_the_rendered_xml_is_refused(tmp_path):
    """{% if %} opened in one paragraph and closed in another: the output would be a
    document Word cannot open."""
    docx_with(tmp_path / "letterhead.docx", {"word/document.xml": lambda d: in_body(
        d, b"<w:p><w:r><w:t>{% if true %}</w:t></w:r></w:p><w:p><w:r><w:t>x</w:t></w:r>"
           b"{% endif %}")})
    result, out = build_docx(client_with_template(tmp_path))
    # either docxtpl's own syntax check or the rendered-XML check refuses it; never a file
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert re.search(r"client-T-1\.yaml:6:13: error: template 'letterhead\.docx': word/"
                     r"document\.xml: .*\[template(\.invalid)?\]", result.output), result.output
    assert not out.exists()


@pytest.mark.parametrize("how", ["content type", "vba project"])
def test_macros_are_refused(tmp_path, how):
    if how == "content type":
        docx_with(tmp_path / "letterhead.docx", {"[Content_Types].xml": lambda d: d.replace(
            b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml")})
    else:
        docx_with(tmp_path / "letterhead.docx", extra={"word/vbaProject.bin": b"\xd0\xcf\x11"})
    result, _ = build_docx(client_with_template(tmp_path))
    _, _, message = refusal(result.output, "template.unsafe")
    assert "macro" in message


@pytest.mark.parametrize("name", ["../../evil.xml", "/etc/evil.xml", "word/../../x.xml",
                                  "C:/x.xml"])
def test_a_part_name_that_climbs_out_is_refused(tmp_path, name):
    docx_with(tmp_path / "letterhead.docx", extra={name: b"<x/>"})
    result, _ = build_docx(client_with_template(tmp_path))
    _, _, message = refusal(result.output, "template.invalid")
    assert "unsafe name" in message


# --- sizes and files ----------------------------------------------------------------------

def test_a_zip_bomb_is_refused_before_it_inflates(tmp_path):
    """A member inflating to 1 GiB (1 MB on disk): refused from the zip directory."""
    template = tmp_path / "letterhead.docx"
    with zipfile.ZipFile(SHIPPED_TEMPLATES / "contract.docx") as zin, \
            zipfile.ZipFile(template, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info))
        with zout.open("word/media/bomb.xml", "w", force_zip64=True) as member:
            block = b"\0" * (1 << 20)
            for _ in range(1024):
                member.write(block)
    assert template.stat().st_size < 2 << 20
    client = client_with_template(tmp_path)
    run = run_bounded("build", str(client), "-o", str(tmp_path / "out"), "--format", "docx")
    assert run.code == 1, run.stderr
    assert "word/media/bomb.xml: the part inflates to 1073741824 bytes" in run.stderr
    assert "[template.too-large]" in run.stderr and "Traceback" not in run.stderr
    assert run.peak_mb < 300, run


def test_too_many_parts_are_refused(tmp_path):
    docx_with(tmp_path / "letterhead.docx",
              extra={f"word/media/p{i}.bin": b"" for i in range(1001)})
    result, _ = build_docx(client_with_template(tmp_path))
    _, _, message = refusal(result.output, "template.too-large")
    assert "1015 parts" in message or "parts (limit 1000)" in message


def test_a_fifo_template_does_not_hang(tmp_path):
    os.mkfifo(tmp_path / "letterhead.docx")
    client = client_with_template(tmp_path)
    run = run_bounded("build", str(client), "-o", str(tmp_path / "out"), "--format", "docx",
                      timeout=20)
    assert run.code == 1, run.stderr
    assert re.search(r"client-T-1\.yaml:6:13: error: template 'letterhead\.docx': the "
                     r"template is not a regular file .*\[io\.not-a-file\]", run.stderr)


def test_a_template_that_is_a_symlink_to_a_device_is_refused(tmp_path):
    (tmp_path / "letterhead.docx").symlink_to("/dev/zero")
    result, _ = build_docx(client_with_template(tmp_path))
    assert "Traceback" not in result.output and result.exit_code == 1, result.output
    assert "[path.outside]" in result.output or "[io.not-a-file]" in result.output


def test_a_template_from_the_command_line_is_named_by_its_path(tmp_path):
    folder = tmp_path / "tpl"
    folder.mkdir()
    linked_image_docx(folder / "contract.docx", "http://127.0.0.1:9/x.png")
    client = tmp_path / "client.yaml"
    client.write_text((Path(__file__).parent / "fixtures" / "minimal.yaml").read_text())
    result = cli("build", str(client), "-o", str(tmp_path / "out"), "--format", "docx",
                 "--templates", str(folder))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert re.search(r"tpl/contract\.docx: error: word/_rels/document\.xml\.rels: a linked "
                     r"image points outside .*\[template\.external\]", result.output)


# --- a batch goes on ------------------------------------------------------------------------

def test_in_a_batch_a_hostile_template_fails_its_input_only(tmp_path):
    good = [client_with_template(tmp_path, "good.docx", f"G-{i}") for i in range(3)]
    docx_with(tmp_path / "good.docx")
    docx_with(tmp_path / "evil.docx",
              {"word/document.xml": lambda d: d.replace(b"?>", b"?>" + XXE, 1)})
    linked_image_docx(tmp_path / "linked.docx", "http://127.0.0.1:9/x.png")
    bad = [client_with_template(tmp_path, name, f"B-{i}")
           for i, name in enumerate(["evil.docx", "linked.docx", "evil.docx"])]
    out = tmp_path / "out"
    result = cli("batch", *map(str, bad + good), "-o", str(out), "--format", "docx", "-j", "1")
    assert result.exit_code == 1, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    status = {Path(e["input"]).name: e["status"] for e in manifest["inputs"]}
    assert status == {**{p.name: "error" for p in bad}, **{p.name: "ok" for p in good}}
    codes = {d["code"] for e in manifest["inputs"] for d in e["diagnostics"]}
    assert codes == {"template.unsafe", "template.external"}
    assert sorted(p.name for p in out.glob("*.docx")) == ["G-0.docx", "G-1.docx", "G-2.docx"]


@pytest.mark.parametrize("href", ["http://127.0.0.1:9/x.png", "file:///etc/passwd",
                                  "\\\\evil\\share\\x.png"])
def test_a_vml_image_linked_without_a_relationship_is_refused(tmp_path, href):
    vml = (f'<w:p><w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml" '
           f'style="width:10pt;height:10pt"><v:imagedata xmlns:o="urn:schemas-microsoft-com:'
           f'office:office" o:href="{href}"/></v:shape></w:pict></w:r></w:p>')
    docx_with(tmp_path / "letterhead.docx",
              {"word/document.xml": lambda d: in_body(d, vml.encode())})
    result, _ = build_docx(client_with_template(tmp_path))
    _, _, message = refusal(result.output, "template.external")
    assert message.startswith("word/document.xml: an element links to")
