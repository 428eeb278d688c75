#!/usr/bin/python3
"""Fill workbooks in a real LibreOffice Calc over UNO: a batch of JSON jobs on stdin, JSON results on stdout.

Run it with the *system* interpreter (``/usr/bin/python3``: python3-uno is not importable from a venv)::

    echo '[{"path": "t.xlsx", "values": {"t3_new_natural": 5}, "read": ["check_failures"]}]' \\
        | /usr/bin/python3 tests/lo_driver.py --profile /tmp/lo-profile

One headless ``soffice`` (private profile, ``-env:UserInstallation``) serves the whole batch; it is started
on demand, restarted if it dies or a job times out, and killed (its whole process group) at the end.

Input: a JSON list of jobs, or ``{"jobs": [...]}``. Each job (only ``path`` is required)::

    {"path": "template.xlsx",
     "open_password": "only for an encrypted file",
     "unprotect": {"sheet name": "password"},      # "*" = every sheet; applied before anything is written
     "values": {"defined_name": 12 | 1.5 | "text" | null},   # number → value, string → text, null → empty
     "set_cells": [["sheet", "A1", value], ...],   # the same, addressed by sheet and cell
     "read": ["defined_name", ...],                # values after doc.calculateAll()
     "read_cells": [["sheet", "A1"], ...],
     "read_formulas": ["defined_name", ...],
     "validations_for": ["defined_name", ...],     # default: the names in "values"
     "insert_rows": [["sheet", 0, 2], ...],       # insert 2 rows above row index 0 (0-based), as Insert ▸ Rows
     "rename_sheets": [["old", "new"], ...],       # as the sheet tab's Rename (LibreOffice moves the names)
     "copy_sheets": [["sheet", "copy's name"], ...],  # as Move or Copy Sheet ▸ Copy, placed last
     "formulas": [["sheet", "A1", "=1+1"], ...],   # cell.setFormula (English function names, API grammar)
     "array_formulas": [["sheet", "A1:C1", "=..."], ...],  # one array formula over the range (setArrayFormula)
     "number_formats": [["sheet", "A1", "YYYY-MM-DD"], ...],  # a cell's number format code (after writing)
     "protect": {"sheet name": "password"},        # "*" = every sheet; protect again after writing
     "save_as": "out.xlsx" | "out.ods" | "out.xls" | "out.pdf", "save_filter": "optional filter name",
     "save_password": "optional: the file is saved encrypted with this open password",
     "saves": [{"path": "more.xls", "filter": "optional", "password": "optional"}, ...],  # after save_as
     "try_locked": [["sheet", "A1"] | ["sheet", "A1", "text"] | "defined_name", ...],
     "paste": [{"html": "<table>…</table>", "at": "defined_name" | ["sheet", "A1"],
                "how": "paste" | "values"}, ...],  # after writing: see below
     "type": [["sheet", "A1", "text"] | ["defined_name", "text"], ...],  # at the keyboard, kept; after pasting
     "hidden": true}                               # default: true, but false for "try_locked", "paste", "type"

Order within a job: load, unprotect, insert rows, rename and copy sheets, write (values, then formulas and
number formats), paste, type, protect, ``calculateAll()``, read, save(s), probe, close (without saving).
Defined names are resolved after the rows are inserted (LibreOffice moves them).

``paste`` copies a table as a person copies it from Word or a web page: the HTML is opened in LibreOffice
(its HTML import, the one the clipboard's HTML goes through), the whole table is copied and pasted at ``at``
with Ctrl+V (``how: "paste"``, ``.uno:Paste``: cells with the source's formats) or 选择性粘贴 → 仅粘贴数值
(``how: "values"``, ``.uno:PasteOnlyValue``: numbers only, the template's formats stay). The profile turns off
the "cells already contain data" question (as a person answers Yes to it). A paste the sheet refuses (a
locked cell in the target) is reported in the result's ``pasted`` list with its alert text.

``values`` and ``set_cells`` are written through the cell API (in runs with ``setDataArray``: a number becomes
a value, a string becomes text even if it looks like a number or a formula – what ``setValue``/``setString`` do).
Measured on LibreOffice 7.4: **the API ignores sheet protection and data validation**, so it can fill any cell
(that is how a test simulates a typed-over total). ``try_locked`` therefore probes each cell three ways and
reports all three, each ``{"available": bool, "accepted": bool, "content": str, "alert": str | null}``:

- ``keyboard``: the UI-test toolkit (``org.libreoffice.uitest.UITest``) types the text into the grid window and
  presses Enter, exactly like a person. Sheet protection refuses it (alert "Protected cells can not be
  modified."), and a data validation with a Stop alert refuses invalid input (headless: silently). Needs a
  view, so the document is loaded without ``Hidden`` (nothing is shown: soffice runs ``--headless``).
- ``dispatch``: ``.uno:EnterString`` on the selected cell. Respects protection, ignores validation.
- ``api``: ``cell.setString``. Ignores both.

``content`` is the cell's formula text afterwards (a leading ``'`` marks text that looks like a number);
``accepted`` means it changed. The probe's own ``accepted`` is the keyboard's (the dispatch's when the UI-test
toolkit is unavailable, see ``accepted_by``). The cell's original content is restored after every method.
A probe text equal to the current content cannot be told from a refusal: choose another.

Output: ``{"results": [...], "soffice_starts": n, "elapsed": s}``; one result per job, in order::

    {"ok": true, "hidden": bool, "values": {name: value}, "cells": [value, ...], "formulas": {name: str},
     "validations": {name: "WHOLE" | "DECIMAL" | "ANY" | ...},
     "validation_rules": {name: {"type", "operator", "formula1", "formula2", "error_style", "show_error",
                                 "ignore_blank"}},
     "try_locked": [{"ref", "sheet", "cell", "text", "before", "protected", "locked", "accepted", "accepted_by",
                     "keyboard", "dispatch", "api"}],
     "saved": path, "saved_all": [path, ...], "timings": {"load": s, ...}, "elapsed": s}
    {"ok": false, "error": "...", "elapsed": s}     # this job failed; the next ones still run

A value is a number, a string, ``null`` for an empty cell, or ``{"error": code, "text": ...}`` for a formula
error. The exit status is 0 when the batch ran (even with failed jobs), 2 when UNO is not importable.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import uuid

try:
    import uno
    from com.sun.star.beans import NamedValue, PropertyValue
    from com.sun.star.connection import NoConnectException
except ImportError as exc:  # pragma: no cover - reported to the caller as a JSON error
    uno = None
    _IMPORT_ERROR = f"python3-uno is not importable from {sys.executable}: {exc}"
else:
    _IMPORT_ERROR = ""

RECALC_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">\
<value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse">\
<value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Input"><prop oor:name="AutoInput" oor:op="fuse">\
<value>false</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Input"><prop oor:name="ReplaceCellsWarning" oor:op="fuse">\
<value>false</value></prop></item>
</oor:items>
"""
"""Profile settings: always recalculate formulas on load (LibreOffice trusts cached values by default), and no
AutoInput (it would complete text typed at the keyboard from the column's other entries: typing "1" under a
cell holding "11341100MB0000000X" enters the latter), no "cells already contain data" question on paste (a
person answers Yes; headless it would stay open and the paste never happen)."""
_PROFILE_MARKERS = ("OOXMLRecalcMode", "ODFRecalcMode", "AutoInput", "ReplaceCellsWarning")

FILTERS = {".xlsx": "Calc MS Excel 2007 XML", ".ods": "calc8", ".pdf": "calc_pdf_Export",
           ".csv": "Text - txt - csv (StarCalc)", ".xls": "MS Excel 97"}

# com.sun.star.table.CellContentType / com.sun.star.sheet.FormulaResult / CellFlags
_FORMULA_RESULT_ERROR = 4
_CLEAR_CONTENT = 1 | 2 | 4 | 16  # VALUE | DATETIME | STRING | FORMULA
_ROLE_ALERT = 1  # com.sun.star.accessibility.AccessibleRole.ALERT


def log(*args) -> None:
    print("[lo_driver]", *args, file=sys.stderr, flush=True)


def prop(name: str, value) -> "PropertyValue":
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


# ------------------------------------------------------------------------------------------ the office
class Office:
    """One headless soffice process with a private profile, reached over a named pipe."""

    def __init__(self, soffice: str, profile: str, start_timeout: float) -> None:
        self.soffice = soffice
        self.profile = profile
        self.start_timeout = start_timeout
        self.process: subprocess.Popen | None = None
        self.ctx = None
        self.desktop = None
        self.starts = 0
        self.start_failures: list[str] = []

    def alive(self) -> bool:
        if self.process is None or self.process.poll() is not None or self.desktop is None:
            return False
        try:
            self.desktop.getFrames()  # a call over the bridge
            return True
        except Exception:
            return False

    def ensure(self) -> None:
        if self.alive():
            return
        self.stop()
        if len(self.start_failures) >= 2:
            raise RuntimeError(f"soffice could not be started: {self.start_failures[-1]}")
        try:
            self.start()
        except Exception as exc:
            self.start_failures.append(f"{type(exc).__name__}: {exc}")
            self.stop()
            raise

    def start(self) -> None:
        user = os.path.join(self.profile, "user")
        os.makedirs(user, exist_ok=True)
        xcu = os.path.join(user, "registrymodifications.xcu")
        if not os.path.exists(xcu) or not all(m in open(xcu, encoding="utf-8").read() for m in _PROFILE_MARKERS):
            # a profile LibreOffice already wrote without our items: start from ours (it merges the rest)
            with open(xcu, "w", encoding="utf-8") as handle:
                handle.write(RECALC_XCU)
        pipe = f"gongkai_lo_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        url = f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext"
        args = [self.soffice, "--headless", "--invisible", "--nologo", "--norestore", "--nodefault",
                "--nolockcheck", "--nofirststartwizard",
                "-env:UserInstallation=" + uno.systemPathToFileUrl(os.path.abspath(self.profile)),
                f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"]
        started = time.monotonic()
        # a new session: the group id is the pid, so the whole group (oosplash, soffice.bin) can be ended
        self.process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, start_new_session=True)
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"soffice exited with code {self.process.returncode} while starting")
            try:
                self.ctx = resolver.resolve(url)
                break
            except NoConnectException:
                if time.monotonic() - started > self.start_timeout:
                    self.kill()
                    raise RuntimeError(f"soffice did not accept a connection within {self.start_timeout:.0f} s")
                time.sleep(0.05)
        self.desktop = self.ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", self.ctx)
        self.starts += 1
        log(f"soffice pid {self.process.pid} ready in {time.monotonic() - started:.2f} s")

    def create(self, service: str):
        return self.ctx.ServiceManager.createInstanceWithContext(service, self.ctx)

    def kill(self) -> None:
        """End soffice's process group (the group this driver created; nothing else)."""
        process = self.process
        if process is None:
            return
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            log(f"soffice pid {process.pid} did not end after SIGKILL")

    def stop(self) -> None:
        process = self.process
        if process is None:
            return
        if process.poll() is None and self.desktop is not None:
            try:
                self.desktop.terminate()
            except Exception:  # the bridge closes while terminate() returns
                pass
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                pass
        if process.poll() is None:
            self.kill()
        # oosplash may be gone while soffice.bin (same group) lingers
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.process = None
        self.ctx = None
        self.desktop = None


# ------------------------------------------------------------------------------------------ cells
# A UNO call over the pipe costs about 0.5–1 ms, so cells are written in runs (setDataArray) and read in one
# getDataArray per sheet, and defined names are resolved once per file (the same template serves many jobs).
_NAME_CACHE: dict[tuple, dict[str, tuple[str, int, int]]] = {}


def parse_a1(address: str) -> tuple[int, int]:
    """(col, row), 0-based, of "B7" or "$B$7"."""
    text = address.replace("$", "").upper()
    letters = "".join(ch for ch in text if ch.isalpha())
    digits = text[len(letters):]
    if not letters or not digits.isdigit() or text != letters + digits:
        raise ValueError(f"not a cell address: {address!r}")
    col = 0
    for ch in letters:
        col = col * 26 + (ord(ch) - 64)
    return col - 1, int(digits) - 1


class Book:
    """A loaded document with cached sheets and defined-name addresses."""

    def __init__(self, doc, path: str) -> None:
        self.doc = doc
        stat = os.stat(path)
        self.names = _NAME_CACHE.setdefault((path, stat.st_mtime_ns, stat.st_size), {})
        self._sheets: dict[str, object] = {}
        self._sheet_names: dict[int, str] = {}

    def sheet(self, name: str):
        if name not in self._sheets:
            if not self.doc.Sheets.hasByName(name):
                raise KeyError(f"no sheet {name!r}")
            self._sheets[name] = self.doc.Sheets.getByName(name)
        return self._sheets[name]

    def address(self, ref) -> tuple[str, int, int]:
        """(sheet name, col, row) of a defined name or of [sheet, "A1", ...]."""
        if not isinstance(ref, str):
            self.sheet(ref[0])
            return (ref[0], *parse_a1(ref[1]))
        if ref not in self.names:
            ranges = self.doc.NamedRanges
            if not ranges.hasByName(ref):
                raise KeyError(f"no workbook-scoped defined name {ref!r}")
            where = ranges.getByName(ref).getReferredCells()
            if where is None:
                raise KeyError(f"defined name {ref!r} does not refer to cells")
            a = where.getRangeAddress()
            if a.Sheet not in self._sheet_names:
                self._sheet_names[a.Sheet] = self.doc.Sheets.getByIndex(a.Sheet).getName()
            self.names[ref] = (self._sheet_names[a.Sheet], a.StartColumn, a.StartRow)
        return self.names[ref]

    def cell(self, ref):
        sheet, col, row = self.address(ref)
        return self.sheet(sheet).getCellByPosition(col, row)

    def write(self, entries: list[tuple[tuple[str, int, int], object]]) -> None:
        """Write values as the cell API does (number → value, string → text, None → empty), in row runs."""
        cells: dict[tuple[str, int, int], object] = {}
        for where, value in entries:
            if isinstance(value, bool) or not (value is None or isinstance(value, (int, float, str))):
                raise TypeError(f"cannot write {value!r} into a cell")
            cells[where] = "" if value is None else (float(value) if isinstance(value, int) else value)
        keys = sorted(cells, key=lambda k: (k[0], k[2], k[1]))  # sheet, row, col: runs go along a row
        i = 0
        while i < len(keys):
            sheet, col, row = keys[i]
            j = i
            while j + 1 < len(keys) and keys[j + 1][0] == sheet and keys[j + 1][2] == row \
                    and keys[j + 1][1] == keys[j][1] + 1:
                j += 1
            run = tuple(cells[k] for k in keys[i:j + 1])
            i = j + 1
            self.sheet(sheet).getCellRangeByPosition(col, row, col + len(run) - 1, row).setDataArray((run,))

    def read(self, refs: list) -> list:
        """Values of cells: number, string, None (empty) or {"error": code, "text": ...}."""
        places = [self.address(ref) for ref in refs]
        found: dict[tuple[str, int, int], object] = {}
        by_sheet: dict[str, list[tuple[int, int]]] = {}
        for sheet, col, row in places:
            by_sheet.setdefault(sheet, []).append((col, row))
        for sheet, spots in by_sheet.items():
            c0, c1 = min(c for c, _ in spots), max(c for c, _ in spots)
            r0, r1 = min(r for _, r in spots), max(r for _, r in spots)
            box = self.sheet(sheet).getCellRangeByPosition(c0, r0, c1, r1)
            data = box.getDataArray()
            empty = _addresses(box.queryEmptyCells())
            errors = _addresses(box.queryFormulaCells(_FORMULA_RESULT_ERROR))
            for col, row in spots:
                if _inside(errors, col, row):
                    cell = self.sheet(sheet).getCellByPosition(col, row)
                    found[(sheet, col, row)] = {"error": cell.getError(), "text": cell.getString()}
                elif _inside(empty, col, row):
                    found[(sheet, col, row)] = None
                else:
                    found[(sheet, col, row)] = data[row - r0][col - c0]
        return [found[place] for place in places]


def _addresses(ranges) -> list[tuple[int, int, int, int]]:
    return [(a.StartColumn, a.EndColumn, a.StartRow, a.EndRow) for a in ranges.getRangeAddresses()]


def _inside(boxes, col: int, row: int) -> bool:
    return any(c0 <= col <= c1 and r0 <= row <= r1 for c0, c1, r0, r1 in boxes)


def snapshot(cell):
    kind = cell.getType().value
    if kind == "EMPTY":
        return (kind, None)
    if kind == "VALUE":
        return (kind, cell.getValue())
    if kind == "TEXT":
        return (kind, cell.getString())
    return (kind, cell.getFormula())


def restore(cell, snap) -> None:
    kind, payload = snap
    if kind == "EMPTY":
        cell.clearContents(_CLEAR_CONTENT)
    elif kind == "VALUE":
        cell.setValue(payload)
    elif kind == "TEXT":
        cell.setString(payload)
    else:
        cell.setFormula(payload)


def validation_rule(cell) -> dict:
    v = cell.Validation
    return {"type": v.Type.value, "operator": v.getOperator().value, "formula1": v.getFormula1(),
            "formula2": v.getFormula2(), "error_style": v.ErrorAlertStyle.value,
            "show_error": bool(v.ShowErrorMessage), "ignore_blank": bool(v.IgnoreBlankCells)}


# ------------------------------------------------------------------------------------------ typing probes
class Typist:
    """Types into cells of one loaded document the ways a person or a macro can, and reports what stuck."""

    def __init__(self, office: Office, book: Book) -> None:
        self.office = office
        self.book = book
        doc = self.doc = book.doc
        self.controller = doc.getCurrentController()
        self.frame = self.controller.getFrame()
        self.dispatcher = office.create("com.sun.star.frame.DispatchHelper")
        self.toolkit = office.create("com.sun.star.awt.Toolkit")
        self.uitest = None
        self.uitest_error = None
        try:
            self.uitest = office.create("org.libreoffice.uitest.UITest")
            if self.uitest is None:
                self.uitest_error = "org.libreoffice.uitest.UITest is not available"
        except Exception as exc:
            self.uitest_error = f"org.libreoffice.uitest.UITest: {exc}"

    def settle(self) -> str | None:
        """Process pending events, then close any alert box, returning its text.

        A rejected edit leaves an "Information" alert open even headless; a second rejection while it is
        open crashes LibreOffice 7.4, so alerts are always closed here.
        """
        self.toolkit.processEventsToIdle()
        texts: list[str] = []
        for _ in range(5):
            found = False
            for i in range(self.toolkit.getTopWindowCount()):
                window = self.toolkit.getTopWindow(i)
                if window is None:
                    continue
                try:
                    context = window.getAccessibleContext()
                    if context.getAccessibleRole() != _ROLE_ALERT:
                        continue
                    message = [t for t in _accessible_texts(context) if t not in ("OK", "Cancel", "Information")]
                    texts.append(" ".join(message) or context.getAccessibleName())
                except Exception:
                    continue
                window.dispose()
                found = True
                break
            if not found:
                break
            self.toolkit.processEventsToIdle()
        return " | ".join(texts) if texts else None

    def windows(self) -> list[str]:
        out = []
        for i in range(self.toolkit.getTopWindowCount()):
            window = self.toolkit.getTopWindow(i)
            try:
                context = window.getAccessibleContext()
                out.append(f"{context.getAccessibleName()!r} role {context.getAccessibleRole()} "
                           f"visible {window.isVisible() if hasattr(window, 'isVisible') else '?'}")
            except Exception as exc:
                out.append(f"? {exc}")
        return out

    def select(self, cell) -> None:
        self.controller.setActiveSheet(cell.getSpreadsheet())
        self.controller.select(cell)

    def keyboard(self, cell, text: str) -> dict:
        if self.uitest is None:
            return {"available": False, "error": self.uitest_error}
        self.select(cell)
        try:
            grid = self.uitest.getTopFocusWindow().getChild("grid_window")
        except Exception as exc:
            raise RuntimeError(f"{exc}; top windows: {self.windows()}") from None
        grid.executeAction("TYPE", (prop("TEXT", text),))
        grid.executeAction("TYPE", (prop("KEYCODE", "RETURN"),))
        # No Escape afterwards: headless, a refused entry is already discarded, and an Escape after Enter in
        # a merged cell makes the next sheet switch raise a "Protected cells" alert (LibreOffice 7.4).
        return {"available": True, "alert": self.settle()}

    def dispatch(self, cell, text: str) -> dict:
        self.select(cell)
        self.dispatcher.executeDispatch(self.frame, ".uno:EnterString", "", 0, (prop("StringName", text),))
        return {"available": True, "alert": self.settle()}

    def api(self, cell, text: str) -> dict:
        try:
            cell.setString(text)
            return {"available": True, "alert": None}
        except Exception as exc:  # never seen on 7.4, but report rather than fail the job
            return {"available": True, "alert": f"{type(exc).__name__}: {exc}"}

    def probe(self, ref, hidden: bool) -> dict:
        cell = self.book.cell(ref)
        sheet = cell.getSpreadsheet()
        original = snapshot(cell)
        before = cell.getFormula()
        text = ref[2] if isinstance(ref, list) and len(ref) > 2 else ("12345" if before != "12345" else "54321")
        result = {"ref": ref, "sheet": sheet.getName(), "cell": cell.AbsoluteName, "text": text,
                  "protected": bool(sheet.isProtected()), "locked": bool(cell.CellProtection.IsLocked),
                  "before": before}
        methods = [("dispatch", self.dispatch), ("api", self.api)]
        if not hidden:
            methods.insert(0, ("keyboard", self.keyboard))
        else:
            result["keyboard"] = {"available": False, "error": "document loaded hidden (no view to type into)"}
        for method, function in methods:
            try:
                outcome = function(cell, text)
            except Exception as exc:
                outcome = {"available": False, "error": f"{type(exc).__name__}: {exc}"}
            if outcome.get("available"):
                content = cell.getFormula()
                outcome["content"] = content
                outcome["accepted"] = content != before
            result[method] = outcome
            restore(cell, original)
        chosen = result["keyboard"] if result["keyboard"].get("available") else result["dispatch"]
        result["accepted"] = chosen.get("accepted")
        result["accepted_by"] = "keyboard" if result["keyboard"].get("available") else "dispatch"
        return result


def _accessible_texts(context, depth: int = 0) -> list[str]:
    out: list[str] = []
    if depth > 8:
        return out
    name = context.getAccessibleName()
    if name:
        out.append(name)
    for k in range(context.getAccessibleChildCount()):
        child = context.getAccessibleChild(k)
        if child is not None:
            out.extend(_accessible_texts(child.getAccessibleContext(), depth + 1))
    return out


# ------------------------------------------------------------------------------------------ jobs
def run_job(office: Office, job: dict) -> dict:
    path = os.path.abspath(job["path"])
    if not os.path.exists(path):
        raise FileNotFoundError(path)
    hidden = bool(job.get("hidden", not (job.get("try_locked") or job.get("paste") or job.get("type"))))
    load_props = (prop("Hidden", hidden), prop("ReadOnly", False), prop("MacroExecutionMode", 0))
    if job.get("open_password"):
        load_props += (prop("Password", job["open_password"]),)
    clock = time.monotonic()
    timings: dict[str, float] = {}

    def lap(what: str) -> None:
        nonlocal clock
        now = time.monotonic()
        timings[what] = round(now - clock, 3)
        clock = now

    doc = office.desktop.loadComponentFromURL(uno.systemPathToFileUrl(path), "_blank", 0, load_props)
    if doc is None:
        raise RuntimeError(f"LibreOffice could not open {path}")
    lap("load")
    try:
        result: dict = {"ok": True, "hidden": hidden, "timings": timings}
        for sheet_name, password in (job.get("unprotect") or {}).items():
            sheets = [doc.Sheets.getByIndex(i) for i in range(doc.Sheets.getCount())] if sheet_name == "*" \
                else [doc.Sheets.getByName(sheet_name)]
            for sheet in sheets:
                if not sheet.isProtected():
                    continue
                try:
                    sheet.unprotect(password)
                except Exception as exc:  # IllegalArgumentException for a wrong password
                    raise RuntimeError(f"cannot unprotect sheet {sheet.getName()!r}: wrong password? "
                                       f"({exc})") from None
                if sheet.isProtected():
                    raise RuntimeError(f"sheet {sheet.getName()!r} is still protected")
        book = Book(doc, path)
        if job.get("insert_rows"):
            for sheet_name, index, count in job["insert_rows"]:
                sheet = book.sheet(sheet_name)
                if sheet.isProtected():
                    raise RuntimeError(f"cannot insert rows into protected sheet {sheet_name!r}: unprotect it")
                sheet.getRows().insertByIndex(int(index), int(count))
            book.names = {}  # the names moved: resolve them afresh, not from the per-file cache
        for old, new in job.get("rename_sheets") or []:
            doc.Sheets.getByName(old).setName(new)
            book._sheets.clear()
        for source, copy in job.get("copy_sheets") or []:
            doc.Sheets.copyByName(source, copy, doc.Sheets.getCount())
        if job.get("rename_sheets") or job.get("copy_sheets"):
            book.names, book._sheet_names = {}, {}
        values = job.get("values") or {}
        writes = [(book.address(name), value) for name, value in values.items()]
        writes += [(book.address([sheet, address]), value)
                   for sheet, address, value in job.get("set_cells") or []]
        book.write(writes)
        for sheet_name, address, formula in job.get("formulas") or []:
            book.cell([sheet_name, address]).setFormula(formula)
        for sheet_name, cells, formula in job.get("array_formulas") or []:
            book.sheet(sheet_name).getCellRangeByName(cells).setArrayFormula(formula)
        for sheet_name, address, code in job.get("number_formats") or []:
            formats, locale = doc.getNumberFormats(), uno.createUnoStruct("com.sun.star.lang.Locale")
            key = formats.queryKey(code, locale, False)
            book.cell([sheet_name, address]).NumberFormat = key if key >= 0 else formats.addNew(code, locale)
        if job.get("paste") or job.get("type"):
            typist = Typist(office, book)
            result["pasted"] = [paste_html(office, typist, book, spec) for spec in job.get("paste") or []]
            result["typed"] = []
            for entry in job.get("type") or []:
                ref, text = (entry[:2], entry[2]) if len(entry) == 3 else (entry[0], entry[1])
                cell = book.cell(ref)
                outcome = typist.keyboard(cell, str(text))
                outcome["content"] = cell.getFormula()
                result["typed"].append(outcome)
            lap("paste")
        for sheet_name, password in (job.get("protect") or {}).items():
            sheets = [doc.Sheets.getByIndex(i) for i in range(doc.Sheets.getCount())] if sheet_name == "*" \
                else [doc.Sheets.getByName(sheet_name)]
            for sheet in sheets:
                if not sheet.isProtected():
                    sheet.protect(password)
        lap("write")
        doc.calculateAll()
        lap("calculate")
        names = list(job.get("read") or [])
        cells = [list(ref[:2]) for ref in job.get("read_cells") or []]
        found = book.read(names + cells)
        result["values"] = dict(zip(names, found[:len(names)]))
        result["cells"] = found[len(names):]
        result["formulas"] = {name: book.cell(name).getFormula() for name in job.get("read_formulas") or []}
        rules = {name: validation_rule(book.cell(name)) for name in job.get("validations_for", list(values))}
        result["validation_rules"] = rules
        result["validations"] = {name: rule["type"] for name, rule in rules.items()}
        lap("read")
        if job.get("save_as"):
            result["saved"] = store(doc, job["save_as"], job.get("save_filter"), job.get("save_password"))
            lap("save")
        if job.get("saves"):
            result["saved_all"] = [store(doc, s["path"], s.get("filter"), s.get("password")) for s in job["saves"]]
            lap("saves")
        if job.get("try_locked"):
            typist = Typist(office, book)
            result["try_locked"] = [typist.probe(ref, hidden) for ref in job["try_locked"]]
            lap("try_locked")
        return result
    finally:
        try:
            doc.close(True)
            lap("close")
        except Exception:
            try:
                doc.dispose()
            except Exception:
                pass


def paste_html(office: Office, typist: "Typist", book: Book, spec: dict) -> dict:
    """Copy the HTML table of ``spec`` in LibreOffice and paste it at ``spec["at"]`` (see the module docstring)."""
    how = spec.get("how", "paste")
    command = {"paste": ".uno:Paste", "values": ".uno:PasteOnlyValue"}[how]
    handle, source_path = tempfile.mkstemp(suffix=".html")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(spec["html"])
    source = office.desktop.loadComponentFromURL(uno.systemPathToFileUrl(source_path), "_blank", 0,
                                                 (prop("Hidden", False), prop("FilterName", "calc_HTML_WebQuery")))
    try:
        sheet = source.Sheets.getByIndex(0)
        cursor = sheet.createCursor()
        cursor.gotoEndOfUsedArea(False)
        end = cursor.getRangeAddress()
        controller = source.getCurrentController()
        controller.select(sheet.getCellRangeByPosition(0, 0, end.EndColumn, end.EndRow))
        typist.dispatcher.executeDispatch(controller.getFrame(), ".uno:Copy", "", 0, ())
        target = book.cell(spec["at"])
        typist.controller.getFrame().getContainerWindow().setFocus()
        typist.select(target)
        typist.dispatcher.executeDispatch(typist.frame, command, "", 0, ())
        alert = typist.settle()
        return {"how": how, "rows": end.EndRow + 1, "columns": end.EndColumn + 1, "alert": alert,
                "at": target.AbsoluteName}
    finally:
        source.close(True)
        os.unlink(source_path)


def store(doc, path: str, filter_name: str | None = None, password: str | None = None) -> str:
    """Save a copy of ``doc`` (storeToURL: the document keeps its own URL); with ``password``, encrypted."""
    out = os.path.abspath(path)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    filter_name = filter_name or FILTERS.get(os.path.splitext(out)[1].lower())
    if not filter_name:
        raise ValueError(f"no export filter known for {out}; give a filter name")
    props = [prop("FilterName", filter_name), prop("Overwrite", True)]
    if password and "2007 XML" in filter_name:
        # Measured on LibreOffice 7.4: the OOXML filter ignores "Password" (it silently writes a plain .xlsx);
        # it encrypts with EncryptionData {OOXPassword, CryptoType}, and only CryptoType "Standard" (ECMA-376
        # standard encryption) works through the API ("Agile", or no CryptoType, fail with an I/O error)
        entries = []
        for key, value in (("OOXPassword", password), ("CryptoType", "Standard")):
            entry = NamedValue()
            entry.Name, entry.Value = key, value
            entries.append(entry)
        props.append(prop("EncryptionData", uno.Any("[]com.sun.star.beans.NamedValue", tuple(entries))))
    elif password:
        props.append(prop("Password", password))
    doc.storeToURL(uno.systemPathToFileUrl(out), tuple(props))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", help="LibreOffice user profile directory (default: a temporary one)")
    parser.add_argument("--soffice", default=shutil.which("soffice") or "soffice")
    parser.add_argument("--start-timeout", type=float, default=60.0)
    parser.add_argument("--job-timeout", type=float, default=120.0)
    args = parser.parse_args(argv)

    # stdout carries only the JSON answer: anything else written to fd 1 (by us or a child) goes to stderr
    answer = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    started = time.monotonic()
    if uno is None:
        json.dump({"error": _IMPORT_ERROR, "results": []}, answer)
        answer.close()
        return 2
    raw = sys.stdin.read()
    payload = json.loads(raw) if raw.strip() else []
    jobs = payload["jobs"] if isinstance(payload, dict) else payload

    own_profile = args.profile is None
    profile = args.profile or tempfile.mkdtemp(prefix="gongkai-lo-profile-")
    office = Office(args.soffice, profile, args.start_timeout)

    def cleanup() -> None:
        office.stop()
        if own_profile:
            shutil.rmtree(profile, ignore_errors=True)

    atexit.register(cleanup)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, lambda number, frame: sys.exit(128 + number))

    results = []
    for index, job in enumerate(jobs):
        job_started = time.monotonic()
        timed_out = threading.Event()

        def expire() -> None:
            timed_out.set()
            log(f"job {index} exceeded {args.job_timeout:g} s: killing soffice")
            office.kill()

        timer = threading.Timer(args.job_timeout, expire)
        timer.daemon = True
        try:
            office.ensure()
            timer.start()
            result = run_job(office, job)
        except Exception as exc:
            message = f"{type(exc).__name__}: {exc}"
            if timed_out.is_set():
                message = f"timed out after {args.job_timeout:g} s ({message})"
            result = {"ok": False, "error": message}
            log(f"job {index} ({job.get('path')}) failed: {message}")
            if not timed_out.is_set():
                log(traceback.format_exc())
            if timed_out.is_set() or not office.alive():
                office.stop()  # started again for the next job
        finally:
            timer.cancel()
        result["elapsed"] = round(time.monotonic() - job_started, 3)
        results.append(result)

    cleanup()
    json.dump({"results": results, "soffice_starts": office.starts,
               "elapsed": round(time.monotonic() - started, 3)}, answer, ensure_ascii=False)
    answer.write("\n")
    answer.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
