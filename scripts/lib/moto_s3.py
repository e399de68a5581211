"""moto's server answering one request at a time, for the shared-session tests.

moto checks S3's conditional put (If-None-Match: *) and then stores the
object in two steps; its threaded server can interleave two puts of one key
between them, which real S3 never does. Served one request at a time, the
check and the store are atomic, as they are on S3.

Usage: python moto_s3.py PORT
"""

import sys

from werkzeug.serving import run_simple
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)

app = DomainDispatcherApplication(create_backend_app)
run_simple(
    "127.0.0.1",
    int(sys.argv[1]),
    app,
    threaded=False,
    request_handler=MotoRequestHandler,
)
