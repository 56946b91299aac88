"""moto in server mode, one request at a time.

DynamoDB applies each conditional write and each transaction atomically. moto's server is
threaded and applies them without a lock, so two concurrent transactions can both pass their
conditions. Serialising requests makes the emulator as strict as DynamoDB, so that race tests
exercise our conditions, not the emulator's races. Connections are still served by threads.

`GET /_local/sms` lists the SMS "sent" so far (oldest first, every account and region) without
dumping the whole emulator's state as `/moto-api/data.json` does.

moto also backs up a table before a transaction once per item of the transaction (a deep copy
each time); with requests serialised the copies are identical, so one per table is made.

Usage: python scripts/moto_serial.py HOST PORT
"""

import copy
import os
import sys
import threading
import types

import json

import moto.dynamodb.models as dynamodb_models
from moto.sns.models import sns_backends

from moto.moto_server.threaded_moto_server import MotoRequestHandler
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import run_simple


def copy_each_table_once() -> None:
    memo: dict[int, object] = {}
    active = False

    def deepcopy(value, *args, **kwargs):
        if not active:
            return copy.deepcopy(value, *args, **kwargs)
        if id(value) not in memo:
            memo[id(value)] = copy.deepcopy(value, *args, **kwargs)
        return memo[id(value)]

    shim = types.SimpleNamespace(**{name: getattr(copy, name) for name in dir(copy) if not name.startswith("__")})
    shim.deepcopy = deepcopy
    dynamodb_models.copy = shim
    original = dynamodb_models.DynamoDBBackend.transact_write_items

    def transact_write_items(self, transact_items):
        nonlocal active
        memo.clear()
        active = True
        try:
            return original(self, transact_items)
        finally:
            active = False
            memo.clear()

    dynamodb_models.DynamoDBBackend.transact_write_items = transact_write_items


def sent_sms(start_response):
    sent = [
        {"phone_number": phone, "message": message}
        for _account, _region, backend in sns_backends.iter_backends()
        for phone, message in backend.sms_messages.values()
    ]
    body = json.dumps({"items": sent}, ensure_ascii=False).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def main() -> None:
    copy_each_table_once()
    host, port = sys.argv[1], int(sys.argv[2])
    os.environ.setdefault("MOTO_PORT", str(port))
    app = DomainDispatcherApplication(create_backend_app)
    lock = threading.Lock()

    def serialised(environ, start_response):
        if environ.get("PATH_INFO") == "/_local/sms":
            return sent_sms(start_response)
        with lock:
            # Drain the body inside the lock: the response is computed lazily by some backends.
            return [b"".join(app(environ, start_response))]

    run_simple(host, port, serialised, threaded=True, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()
