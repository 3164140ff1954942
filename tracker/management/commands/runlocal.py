import os
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand

# Bounded wait for the cluster's own shutdown: an open django-q2 bug can deadlock its SIGTERM
# handler, so after this the whole process group is killed.
CLUSTER_STOP_SECONDS = 15


class Command(BaseCommand):
    help = "Serve on 127.0.0.1:8000 with a django-q2 cluster beside it; Ctrl-C stops both."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, addrport, **options):
        manage = [sys.executable, "manage.py"]
        # Each child leads its own process group so that Ctrl-C reaches only this command,
        # which then stops the children in the right order.
        web = subprocess.Popen([*manage, "runserver", addrport], start_new_session=True)
        cluster = subprocess.Popen([*manage, "qcluster"], start_new_session=True)
        signal.signal(signal.SIGTERM, _interrupt)
        try:
            while web.poll() is None and cluster.poll() is None:
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            self.stdout.write("Stopping the web server and the task cluster…")
            _stop(web, 5)
            _stop(cluster, CLUSTER_STOP_SECONDS)


def _interrupt(signum, frame):
    # SIGTERM (e.g. from a process manager) stops the children like Ctrl-C does.
    raise KeyboardInterrupt


def _stop(process, seconds):
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)  # the main PID only, as django-q2 expects
    try:
        process.wait(seconds)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
