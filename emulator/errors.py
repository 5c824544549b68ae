"""Errors raised by the emulator.

    EmulatorError                 anything the emulator reports instead of a result
    ├── NodeNotFound              no usable `node` (missing, not executable, older than 18)
    ├── WorkerCrashed             the Node worker died and could not be restarted
    ├── ProtocolError             the worker said something that is not the protocol
    └── HandlerLoadError          (runner.py) the handler does not compile, or Segment would refuse it

Malformed fixture files raise `fixtures.FixtureError`, a located `InputError` like a bad spec.

A handler's own failures (its thrown errors, timeouts, memory blow-ups) are not exceptions:
they are part of the invocation's result.
"""
from __future__ import annotations


class EmulatorError(Exception):
    """Base class; the message always names the operation and what to do."""


class NodeNotFound(EmulatorError):
    pass


class WorkerCrashed(EmulatorError):
    pass


class ProtocolError(EmulatorError):
    pass
