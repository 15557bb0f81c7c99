"""The script a LibreOffice worker runs, under a Python with LibreOffice's UNO bridge.

It runs under LibreOffice's Python (often not ours: on Debian ``/usr/bin/python3`` with
``python3-uno``), so it is kept self-contained and compatible with old Pythons. Arguments:
soffice, profile URL, pipe name, the pid of the process it works for, the file
descriptor of the profile's lock (-1: none; soffice inherits it, so the profile stays
locked until soffice is dead too) and the worker's folder (named on soffice's command
line too, so :mod:`contratgen.leftovers` finds both processes of a killed run).

It dies with that process however it dies: a thread waits on its pid (a pidfd, or a poll)
and kills the worker's whole process group — itself, ``oosplash`` and ``soffice.bin`` —
so a ``kill -9`` of a batch leaves no LibreOffice behind. ``soffice`` itself gets
``PR_SET_PDEATHSIG``, for when the worker alone is killed.
"""


def export_filter(pdfa: bool) -> dict:
    """LibreOffice's PDF export options: always tagged (structure and /Lang for screen
    readers), the template's Word bookmarks as named destinations (where the signature
    fields go: ``provider_signature``, ``client_signature``), PDF/A-2b on request."""
    return {"UseTaggedPDF": True, "ExportBookmarksToPDFDestination": True,
            **({"SelectPdfVersion": 2} if pdfa else {})}


def cli_export(pdfa: bool) -> str:
    """The same options for ``soffice --convert-to``."""
    kinds = {bool: "boolean", int: "long"}
    options = ",".join(f'"{name}":{{"type":"{kinds[type(value)]}","value":"{str(value).lower()}"}}'
                       for name, value in export_filter(pdfa).items())
    return f"pdf:writer_pdf_Export:{{{options}}}"


SCRIPT = r"""
import json, os, select, signal, stat, subprocess, sys, threading, time

def props(**values):
    out = []
    for name, value in values.items():
        prop = PropertyValue()
        prop.Name, prop.Value = name, value
        out.append(prop)
    return tuple(out)

def reply(**message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()

def end_group(*args):
    try:
        os.killpg(os.getpgid(0), signal.SIGKILL)
    finally:
        os._exit(1)

def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True

def watch(pid):
    try:
        fd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        fd = None
    if fd is not None:
        select.select([fd], [], [])
    else:
        while alive(pid) and os.getppid() != 1:
            time.sleep(0.5)
    end_group()

def die_with_parent():
    try:
        import ctypes, ctypes.util
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)
    except Exception:
        pass

def pipe_path(pipe):
    # where LibreOffice makes it (sal/osl/unx/pipe.cxx): /tmp, /var/tmp, OSL_SOCKET_PATH
    folder = next((d for d in ("/tmp", "/var/tmp") if os.access(d, os.W_OK)),
                  os.environ.get("OSL_SOCKET_PATH", ""))
    return os.path.join(folder, "OSL_PIPE_%d_%s" % (os.getuid(), pipe))

def ours(path):
    try:
        info = os.lstat(path)
    except OSError:
        return False   # not there yet
    if info.st_uid != os.getuid() or not stat.S_ISSOCK(info.st_mode):
        sys.exit("%s is held by another account (uid %d) or is not a socket: refusing to "
                 "connect to it" % (path, info.st_uid))
    return True

def main(soffice, profile_url, pipe, owner, lock="-1", home=""):
    signal.signal(signal.SIGTERM, end_group)
    threading.Thread(target=watch, args=(int(owner),), daemon=True).start()
    lock = int(lock)
    office = subprocess.Popen(
        [soffice, "--headless", "--invisible", "--nologo", "--nodefault",
         "--norestore", "--nolockcheck", "-env:UserInstallation=" + profile_url,
         "-env:ContratgenWorker=" + home,
         "--accept=pipe,name=%s;urp;StarOffice.ComponentContext" % pipe],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, preexec_fn=die_with_parent,
        pass_fds=(lock,) if lock >= 0 else ())
    # the UNO bridge is loaded while soffice starts, not before (~40 ms off each start)
    global uno, PropertyValue
    import uno
    from com.sun.star.beans import PropertyValue
    from com.sun.star.connection import NoConnectException
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    socket = pipe_path(pipe)
    while True:
        try:
            if ours(socket):   # never a socket another account put at our pipe's name
                ctx = resolver.resolve(
                    "uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
                break
        except NoConnectException:
            pass
        if office.poll() is not None:
            sys.exit("soffice exited with status %s at start" % office.returncode)
        time.sleep(0.02)
    desktop = ctx.ServiceManager.createInstanceWithContext(
        "com.sun.star.frame.Desktop", ctx)
    reply(ready=True, soffice_pid=office.pid)
    for line in sys.stdin:
        job = json.loads(line)
        try:
            convert(desktop, job)
        except Exception as exc:
            if office.poll() is not None:
                sys.exit("soffice died (status %s)" % office.returncode)
            reply(ok=False, error="%s: %s" % (type(exc).__name__, exc))
        else:
            reply(ok=True)
    try:
        desktop.terminate()
    except Exception:
        pass
    office.wait()

def convert(desktop, job):
    # Never run macros or refresh links from a document we convert.
    doc = desktop.loadComponentFromURL(
        uno.systemPathToFileUrl(job["in"]), "_blank", 0,
        props(Hidden=True, ReadOnly=True, MacroExecutionMode=0, UpdateDocMode=0))
    if doc is None:
        raise RuntimeError("LibreOffice could not open the document")
    try:
        filter_data = props(**job["filter"])
        doc.storeToURL(uno.systemPathToFileUrl(job["out"]), props(
            FilterName="writer_pdf_Export",
            FilterData=uno.Any("[]com.sun.star.beans.PropertyValue", filter_data)))
    finally:
        try:
            doc.close(True)
        except Exception:
            doc.dispose()

main(*sys.argv[1:7])
"""
