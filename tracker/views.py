from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from tracker import reminders
from tracker.models import Reminder


# --- Unsubscribe (reminder emails) --------------------------------------------------------------
# The signed token is the credential, so no login and no CSRF token: RFC 8058 one-click POSTs
# come from mail clients that have neither.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    reader = Reminder.reader_for_token(token)
    if reader is None:
        return render(request, "tracker/unsubscribe.html", {"state": "invalid"}, status=400)
    if request.method == "POST":
        state = "done" if reminders.unsubscribe(reader) else "used"
    else:
        state = "used" if reader.unsubscribed_at else "confirm"
    ctx = {"state": state, "reader": reader, "token": token}
    return render(request, "tracker/unsubscribe.html", ctx, status=410 if state == "used" else 200)
