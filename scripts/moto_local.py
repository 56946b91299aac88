"""moto in server mode for the local S3 and SNS, with one addition.

`GET /_local/sms` lists the SMS "sent" so far (oldest first, every account and region) without
dumping the whole emulator's state as `/moto-api/data.json` does.

Tables are not moto's: they live in DynamoDB Local (scripts/lib.sh, start_dynamodb_local).

Usage: python scripts/moto_local.py HOST PORT
"""

import json
import os
import sys

from moto.moto_server.threaded_moto_server import MotoRequestHandler
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from moto.sns.models import sns_backends
from werkzeug.serving import run_simple


def sent_sms(start_response):
    sent = [
        {"phone_number": phone, "message": message}
        for _account, _region, backend in sns_backends.iter_backends()
        for phone, message in list(backend.sms_messages.values())
    ]
    body = json.dumps({"items": sent}, ensure_ascii=False).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def main() -> None:
    host, port = sys.argv[1], int(sys.argv[2])
    os.environ.setdefault("MOTO_PORT", str(port))
    app = DomainDispatcherApplication(create_backend_app)

    def local(environ, start_response):
        if environ.get("PATH_INFO") == "/_local/sms":
            return sent_sms(start_response)
        return app(environ, start_response)

    run_simple(host, port, local, threaded=True, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()
