"""Finding node, and handlers that do not load."""
from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from srcfn.emulator.errors import NodeNotFound
from srcfn.emulator.node import find_node
from srcfn.emulator.runner import Emulator, HandlerLoadError


def test_packaged_node_is_found():
    assert Path(find_node()).is_file()


def test_missing_override_is_a_clear_error(tmp_path):
    with pytest.raises(NodeNotFound, match=r"from --node\) is not a working node"):
        find_node(str(tmp_path / "no-node"))


def test_too_old_node_is_refused(tmp_path):
    fake = tmp_path / "node"
    fake.write_text("#!/bin/sh\necho v16.20.0\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    with pytest.raises(NodeNotFound, match="is Node 16; srcfn needs Node >= 18"):
        find_node(str(fake))


def test_srcfn_node_environment_variable(monkeypatch, tmp_path):
    monkeypatch.setenv("SRCFN_NODE", str(tmp_path / "elsewhere"))
    with pytest.raises(NodeNotFound, match="from SRCFN_NODE"):
        find_node()
    monkeypatch.delenv("SRCFN_NODE")
    assert os.path.isfile(find_node())


def test_a_handler_with_a_syntax_error_names_its_line(tmp_path):
    handler = tmp_path / "broken.js"
    handler.write_text("async function onRequest(request) {\n  const x = ;\n}\n")
    with pytest.raises(HandlerLoadError, match=r"broken.js: the handler does not load: SyntaxError: Unexpected token ';' \(.*broken.js:2\)"):
        with Emulator(handler):
            pass


def test_code_calling_its_own_webhook_is_refused(tmp_path):
    handler = tmp_path / "loop.js"
    handler.write_text("async function onRequest() { await fetch('https://fn.segmentapis.com/?b=abc'); }\n")
    with pytest.raises(HandlerLoadError, match=r"Segment refuses to save code that contains https://fn.segmentapis.com"):
        with Emulator(handler):
            pass


def test_the_cli_reports_an_unusable_node_without_a_traceback(cli, monkeypatch, tmp_path):
    monkeypatch.setenv("SRCFN_NODE", str(tmp_path / "missing-node"))
    result = cli("emulate", "yotpo", "specs/yotpo/fixtures/sms-sent.json")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"srcfn: {tmp_path / 'missing-node'} (from SRCFN_NODE) is not a working node:")
    assert "Traceback" not in result.output
