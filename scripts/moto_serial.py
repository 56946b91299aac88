"""moto in server mode, one request at a time.

DynamoDB applies each conditional write and each transaction atomically. moto's server is
threaded and applies them without a lock, so two concurrent transactions can both pass their
conditions. Serialising requests makes the emulator as strict as DynamoDB, so that race tests
exercise our conditions, not the emulator's races. Connections are still served by threads.

Usage: python scripts/moto_serial.py HOST PORT
"""

import os
import sys
import threading

from moto.moto_server.threaded_moto_server import MotoRequestHandler
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import run_simple


def main() -> None:
    host, port = sys.argv[1], int(sys.argv[2])
    os.environ.setdefault("MOTO_PORT", str(port))
    app = DomainDispatcherApplication(create_backend_app)
    lock = threading.Lock()

    def serialised(environ, start_response):
        with lock:
            # Drain the body inside the lock: the response is computed lazily by some backends.
            return [b"".join(app(environ, start_response))]

    run_simple(host, port, serialised, threaded=True, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()
