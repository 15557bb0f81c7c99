"""contratgen collect: the step due for each invoice on a day under a policy, the letters,
and with --send the e-mails through a real SMTP server on loopback (aiosmtpd), each step
recorded under invoicing.sent before the next goes.

The deals are generated (tests/support/portfolio.py): one invoice of 1 200,00 € TTC
(1 000 € + 20 % VAT) dated 2 March 2026, 30 days' terms: due 1 April 2026.
"""
import datetime as dt
import json
from decimal import Decimal as D

import pytest
import yaml
from click.testing import CliRunner

from conftest import ROOT, docx_text, needs_libreoffice
from contratgen.cli import main
from contratgen.collection.ladder import Reason, document_actions
from contratgen.collection.policy import load_policy
from support.portfolio import write_deal
from support.smtp import LoopbackSmtp, attachment, text

INVOICED = dt.date(2026, 3, 2)
DUE = dt.date(2026, 4, 1)
PRICE = D("1000")
SHIPPED = ROOT / "contratgen" / "data" / "collection_policy.yaml"   # the default policy


def run(*args, env=None):
    return CliRunner().invoke(main, [*map(str, args)], env=env)


def day(offset: int) -> dt.date:
    return DUE + dt.timedelta(days=offset)


def action(path, on):
    (found,), _ = document_actions(path, on, load_policy())
    return found


def ledger(path) -> dict:
    return yaml.safe_load(path.read_text("utf-8"))["invoicing"]


# --- the plan -------------------------------------------------------------------------------

@pytest.mark.parametrize("offset, reason, step", [
    (-4, Reason.NOT_YET, None),                  # courtesy comes 3 days before
    (-3, Reason.DUE, "courtesy"),
    (0, Reason.DUE, "courtesy"),                 # the due date itself: still before it is late
    (1, Reason.NOT_YET, None),                   # a courtesy reminder never goes after
    (6, Reason.NOT_YET, None),
    (7, Reason.DUE, "reminder"),
    (14, Reason.DUE, "reminder"),                # a run missed: the latest step only
    (15, Reason.DUE, "second-reminder"),
    (29, Reason.DUE, "second-reminder"),
    (30, Reason.DUE, "formal-notice"),
    (80, Reason.DUE, "formal-notice"),
])
def test_the_step_due_follows_the_default_policy(tmp_path, offset, reason, step):
    path = write_deal(tmp_path, 1, INVOICED, PRICE)
    found = action(path, day(offset))
    assert (found.reason, found.level) == (reason, step)


@pytest.mark.parametrize("sent, offset, reason, step", [
    ([("reminder", 7)], 7, Reason.SENT, None),
    ([("reminder", 7)], 14, Reason.SENT, None),
    ([("reminder", 7)], 15, Reason.DUE, "second-reminder"),
    ([("second-reminder", 15)], 20, Reason.SENT, None),    # never back down the ladder
    ([("second-reminder", 15)], 30, Reason.DUE, "formal-notice"),
    ([("formal-notice", 30)], 60, Reason.LADDER_DONE, None),
    ([("reminder", 7)], 5, Reason.NOT_YET, None),          # sent later than the run's day
])
def test_a_step_already_sent_is_never_planned_again(tmp_path, sent, offset, reason, step):
    path = write_deal(tmp_path, 1, INVOICED, PRICE,
                      sent=[(level, day(n)) for level, n in sent])
    found = action(path, day(offset))
    assert (found.reason, found.level) == (reason, step)


@pytest.mark.parametrize("kwargs, reason", [
    ({"payments": [(day(0), D("1200.00"))]}, Reason.PAID),         # on the due date
    # three days late, the whole price pays the interest first (C. civ. 1343-1): the
    # principal is not paid off, the ladder goes on
    ({"payments": [(day(3), D("1200.00"))]}, Reason.DUE),
    ({"payments": [(day(3), D("600.00"))]}, Reason.DUE),           # half paid: remind
    ({"disputes": [day(5)]}, Reason.DISPUTED),
    ({"credit": day(5)}, Reason.CREDITED),
])
def test_nothing_for_a_paid_disputed_or_credited_invoice(tmp_path, kwargs, reason):
    path = write_deal(tmp_path, 1, INVOICED, PRICE, **kwargs)
    assert action(path, day(20)).reason == reason


def test_a_dispute_after_the_run_day_does_not_pause_it(tmp_path):
    path = write_deal(tmp_path, 1, INVOICED, PRICE, disputes=[day(25)])
    assert action(path, day(20)).level == "second-reminder"


def test_a_formal_notice_in_invoicing_notices_counts_as_sent(tmp_path):
    path = write_deal(tmp_path, 1, INVOICED, PRICE)
    path.write_text(path.read_text() + f"  notices:\n    - {{invoice: FA-2026-0001, date: "
                    f"{day(31).isoformat()}}}\n")
    assert action(path, day(40)).reason == Reason.LADDER_DONE


def test_the_plan_as_json_gives_the_amounts_of_dues(tmp_path):
    path = write_deal(tmp_path, 1, INVOICED, PRICE)
    result = run("collect", path, "--on", day(30), "--json")
    assert result.exit_code == 0, result.output
    (entry,) = json.loads(result.stdout)["actions"]
    dues = json.loads(run("dues", path, "--on", day(30), "--json").stdout)
    (row,) = dues["documents"][0]["tranches"]
    assert (entry["step"], entry["channel"], entry["email"]) == \
        ("formal-notice", "registered-post", None)
    for name in ("outstanding", "interest", "indemnity", "claimable"):
        assert entry[name] == row[name]
    assert entry["outstanding"] == "1200.00" and entry["indemnity"] == "40.00"


def test_a_dry_run_sends_and_records_nothing(tmp_path):
    path = write_deal(tmp_path, 1, INVOICED, PRICE)
    before = path.read_bytes()
    result = run("collect", path, "--on", day(7))
    assert result.exit_code == 0, result.output
    assert "reminder" in result.stdout and "dry run" in result.stdout
    assert path.read_bytes() == before and not (tmp_path / "out").exists()


# --- the policy ---------------------------------------------------------------------------------

def test_a_policy_file_sets_the_delays(tmp_path):
    policy = tmp_path / "policy.yaml"
    policy.write_text(SHIPPED.read_text("utf-8").replace("days: 7\n", "days: 10\n"), "utf-8")
    path = write_deal(tmp_path, 1, INVOICED, PRICE)
    for offset, expected in ((7, None), (10, "reminder")):
        result = run("collect", path, "--on", day(offset), "--policy", policy, "--json")
        (entry,) = json.loads(result.stdout)["actions"]
        assert entry["step"] == expected


@pytest.mark.parametrize("policy, message", [
    ("steps:\n  - {level: formal-notice, days: 0, subject: {fr: a, en: b}, body: {fr: a, "
     "en: b}}\n", "days must be after the due date"),
    ("steps:\n  - {level: reminder, days: 7, subject: {fr: '{montant}', en: b}, body: {fr: "
     "a, en: b}}\n", "unknown placeholder {montant}"),
    ("steps:\n  - {level: reminder, days: 7, subject: {fr: a, en: b}, body: {fr: a, en: b}}\n"
     "  - {level: courtesy, days: 9, subject: {fr: a, en: b}, body: {fr: a, en: b}}\n",
     "follow the ladder's order"),
    ("steps:\n  - {level: relance, days: 7, subject: {fr: a, en: b}, body: {fr: a, en: b}}\n",
     "steps.0.level"),
])
def test_a_wrong_policy_is_a_located_error(tmp_path, policy, message):
    file = tmp_path / "policy.yaml"
    file.write_text(policy, "utf-8")
    path = write_deal(tmp_path, 1, INVOICED, PRICE)
    result = run("collect", path, "--on", day(7), "--policy", file)
    assert result.exit_code == 1
    assert f"{file}:" in result.output and ("error" in result.output)
    assert message in result.output or message.split(".")[-1] in result.output


def test_the_shipped_policy_is_valid_against_its_schema():
    import jsonschema
    result = run("schema", "policy")
    schema = json.loads(result.stdout)
    data = yaml.safe_load(SHIPPED.read_text("utf-8"))
    jsonschema.validate(data, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"steps": [{"level": "relance", "days": 1}]}, schema)


# --- sending --------------------------------------------------------------------------------

def send(paths, on, smtp, *extra, fmt="docx"):
    return run("collect", *paths, "--on", on, "--send", "--smtp", smtp.url, "-o",
               paths[0].parent / "out", "--format", fmt, *extra)


def test_a_reminder_is_emailed_once_with_its_letter_and_recorded(tmp_path):
    path = write_deal(tmp_path, 1, INVOICED, PRICE)
    with LoopbackSmtp() as smtp:
        result = send([path], day(7), smtp)
        assert result.exit_code == 0, result.output
        again = send([path], day(7), smtp)      # the same day again: nothing
        assert again.exit_code == 0, again.output
        later = send([path], day(10), smtp)     # a later day, same step: nothing
    ((to, message),) = smtp.inbox.messages
    assert to == ["client1@example.org"]
    assert message["From"] == "Atelier Dupont & Fils <contact@dupont.example>"
    assert message["Subject"] == "Relance : facture FA-2026-0001 échue le 1er avril 2026"
    assert "1 200,00" in text(message).replace("\u202f", " ").replace("\xa0", " ")
    name, data = attachment(message)
    assert name == "FA-2026-0001-reminder.docx"
    assert data == (tmp_path / "out" / name).read_bytes()
    assert "FA-2026-0001" in docx_text(data)
    assert ledger(path)["sent"] == [{"invoice": "FA-2026-0001", "level": "reminder",
                                     "date": day(7), "channel": "email"}]
    assert later.exit_code == 0 and "0 steps due" in later.stdout


def test_the_message_id_is_the_same_for_the_same_invoice_and_step(tmp_path):
    ids = []
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        path = write_deal(tmp_path / folder, 1, INVOICED, PRICE)
        with LoopbackSmtp() as smtp:
            assert send([path], day(7 + len(ids)), smtp).exit_code == 0
            assert send([path], day(15), smtp).exit_code == 0
        ids.append([m["Message-ID"] for _, m in smtp.inbox.messages])
    assert ids[0] == ids[1] and ids[0][0] != ids[0][1]


def test_an_english_client_gets_an_english_email(tmp_path):
    path = write_deal(tmp_path, 1, INVOICED, PRICE, language="en")
    with LoopbackSmtp() as smtp:
        assert send([path], day(-3), smtp).exit_code == 0
    ((_, message),) = smtp.inbox.messages
    assert message["Subject"] == "Invoice FA-2026-0001: due on 1 April 2026"
    assert message["Content-Language"] == "en"
    assert "Please find our letter attached" in text(message)


def test_a_formal_notice_is_recorded_for_registered_post_and_not_emailed(tmp_path):
    path = write_deal(tmp_path, 1, INVOICED, PRICE)
    with LoopbackSmtp() as smtp:
        result = send([path], day(30), smtp)
    assert result.exit_code == 0, result.output
    assert smtp.inbox.messages == []
    assert "to send by LRAR today" in result.stdout
    assert (tmp_path / "out" / "FA-2026-0001-formal-notice.docx").exists()
    assert ledger(path)["sent"][-1] == {"invoice": "FA-2026-0001", "level": "formal-notice",
                                        "date": day(30), "channel": "registered-post"}


def test_a_policy_may_email_a_copy_of_the_formal_notice(tmp_path):
    policy = tmp_path / "policy.yaml"
    policy.write_text(SHIPPED.read_text("utf-8").replace("    email: false\n",
                                                         "    email: true\n"), "utf-8")
    path = write_deal(tmp_path, 1, INVOICED, PRICE)
    with LoopbackSmtp() as smtp:
        assert send([path], day(30), smtp, "--policy", policy).exit_code == 0
    ((_, message),) = smtp.inbox.messages
    assert message["Subject"] == "Mise en demeure : facture FA-2026-0001"
    assert ledger(path)["sent"][-1]["channel"] == "registered-post"


def test_a_server_failing_mid_batch_leaves_the_sent_steps_recorded(tmp_path):
    paths = [write_deal(tmp_path, n, INVOICED, PRICE) for n in (1, 2, 3)]
    with LoopbackSmtp() as smtp:
        smtp.inbox.reset(refuse_at=2)
        result = send(paths, day(7), smtp)
        assert result.exit_code == 3
        assert "554" in result.output
        assert [len(ledger(p).get("sent") or []) for p in paths] == [1, 0, 0]
        smtp.inbox.reset()
        again = send(paths, day(7), smtp)
        assert again.exit_code == 0, again.output
    received = [m["To"] for _, m in smtp.inbox.messages]
    assert received == ["Client 1 <client1@example.org>", "Client 2 <client2@example.org>",
                        "Client 3 <client3@example.org>"]
    assert [len(ledger(p)["sent"]) for p in paths] == [1, 1, 1]


def test_a_client_without_email_stops_the_run_before_anything_is_sent(tmp_path):
    paths = [write_deal(tmp_path, 1, INVOICED, PRICE),
             write_deal(tmp_path, 2, INVOICED, PRICE, email=None)]
    before = [p.read_bytes() for p in paths]
    with LoopbackSmtp() as smtp:
        result = send(paths, day(7), smtp)
    assert result.exit_code == 1
    assert "deal-02.yaml:" in result.output and "[collect.email]" in result.output
    assert smtp.inbox.messages == [] and [p.read_bytes() for p in paths] == before


@pytest.mark.parametrize("url", ["http://127.0.0.1:25", "smtp://user:secret@127.0.0.1:25",
                                 "smtps://"])
def test_a_wrong_smtp_url_is_a_usage_error(tmp_path, url):
    path = write_deal(tmp_path, 1, INVOICED, PRICE)
    result = run("collect", path, "--on", day(7), "--send", "--smtp", url)
    assert result.exit_code == 2


def test_a_password_is_never_sent_over_a_plain_connection(tmp_path):
    path = write_deal(tmp_path, 1, INVOICED, PRICE)
    env = {"CONTRATGEN_SMTP_USER": "u", "CONTRATGEN_SMTP_PASSWORD": "p"}
    with LoopbackSmtp() as smtp:
        result = run("collect", path, "--on", day(7), "--send", "--smtp", smtp.url, "-o",
                     tmp_path / "out", "--format", "docx", env=env)
    assert result.exit_code == 3 and "plain connection" in result.output
    assert smtp.inbox.messages == [] and "sent" not in ledger(path)


@needs_libreoffice
def test_the_email_attaches_the_pdf_letter_with_the_amounts(tmp_path):
    import io
    from pypdf import PdfReader
    path = write_deal(tmp_path, 1, INVOICED, PRICE)
    with LoopbackSmtp() as smtp:
        result = send([path], day(15), smtp, fmt="both")
    assert result.exit_code == 0, result.output
    ((_, message),) = smtp.inbox.messages
    name, data = attachment(message)
    assert name == "FA-2026-0001-second-reminder.pdf" and data.startswith(b"%PDF")
    pdf = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
                   .replace("\u202f", " ").replace("\xa0", " ").split())
    assert "FA-2026-0001" in pdf and "1 200,00 €" in pdf and "40,00 €" in pdf


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # smtps: it is
@pytest.mark.parametrize("tls", ["starttls", "smtps"])
def test_the_login_from_the_environment_goes_over_tls(tmp_path, tls):
    path = write_deal(tmp_path, 1, INVOICED, PRICE)
    env = {"CONTRATGEN_SMTP_USER": "collect", "CONTRATGEN_SMTP_PASSWORD": "s3cret"}
    with LoopbackSmtp(tls, tmp_path) as smtp:
        result = run("collect", path, "--on", day(7), "--send", "--smtp", smtp.url, "-o",
                     tmp_path / "out", "--format", "docx",
                     env={**env, "SSL_CERT_FILE": smtp.cert})   # trust the test's certificate
    assert result.exit_code == 0, result.output
    assert smtp.logins == [("collect", "s3cret")]
    assert [m["To"] for _, m in smtp.inbox.messages] == ["Client 1 <client1@example.org>"]
    assert "s3cret" not in result.output and ledger(path)["sent"][0]["level"] == "reminder"


def test_an_untrusted_certificate_stops_the_send(tmp_path):
    path = write_deal(tmp_path, 1, INVOICED, PRICE)
    with LoopbackSmtp("starttls", tmp_path) as smtp:
        result = run("collect", path, "--on", day(7), "--send", "--smtp", smtp.url, "-o",
                     tmp_path / "out", "--format", "docx")
    assert result.exit_code == 3 and "CERTIFICATE_VERIFY_FAILED" in result.output
    assert smtp.inbox.messages == [] and "sent" not in ledger(path)


def test_a_letter_that_cannot_be_made_stops_the_run_before_anything_is_sent(tmp_path):
    good = write_deal(tmp_path, 1, INVOICED, PRICE)
    bad = write_deal(tmp_path, 2, INVOICED, PRICE)
    bad.write_text(bad.read_text().replace("clauses: [billing, late_payment]",
                                           "clauses: [billing, late_payment, no_such]"))
    before = [good.read_bytes(), bad.read_bytes()]
    with LoopbackSmtp() as smtp:
        result = send([good, bad], day(7), smtp)
    assert result.exit_code == 1
    assert "deal-02.yaml:" in result.output and "no_such" in result.output
    assert smtp.inbox.messages == [] and [good.read_bytes(), bad.read_bytes()] == before
    assert not (tmp_path / "out").exists()


def test_init_policy_writes_the_default_policy_to_edit(tmp_path):
    policy = tmp_path / "policy.yaml"
    assert run("init", "policy", "-o", policy).exit_code == 0
    text = policy.read_text("utf-8")
    assert text.startswith("# A collection policy") and "days: 30" in text
    policy.write_text(text.replace("days: 30\n", "days: 45\n"), "utf-8")
    path = write_deal(tmp_path, 1, INVOICED, PRICE)
    result = run("collect", path, "--on", day(30), "--policy", policy, "--json")
    (entry,) = json.loads(result.stdout)["actions"]
    assert entry["step"] == "second-reminder"
    assert entry["next"] == {"step": "formal-notice", "on": day(45).isoformat()}


def test_a_formal_notice_by_registered_email_says_so_and_is_recorded_as_lre(tmp_path):
    policy = tmp_path / "policy.yaml"
    policy.write_text(SHIPPED.read_text("utf-8").replace("channel: registered-post",
                                                         "channel: lre"), "utf-8")
    path = write_deal(tmp_path, 1, INVOICED, PRICE)
    with LoopbackSmtp() as smtp:
        result = send([path], day(30), smtp, "--policy", policy)
    assert result.exit_code == 0, result.output
    assert smtp.inbox.messages == [] and "to send by LRE today" in result.stdout
    letter = docx_text((tmp_path / "out" / "FA-2026-0001-formal-notice.docx").read_bytes())
    assert "Lettre recommandée électronique" in letter
    assert "accusé de réception" not in letter
    assert ledger(path)["sent"][-1]["channel"] == "lre"
