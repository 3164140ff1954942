"""Planning, claiming and sending the reminder outbox (tracker/notifications/)."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tracker.models import (
    Application,
    Contact,
    Membership,
    Milestone,
    Organization,
    OrganizationKind,
    Reminder,
    Subscription,
)
from tracker.notifications import planning, sending
from tracker.notifications.channels.email import EmailChannel
from tracker.services.reminders import set_reminders

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# The seed program's deadline: 2025-04-20, inclusive, Shanghai time.


def at(text):
    """A Shanghai wall-clock time, e.g. at("2025-04-13 09:30")."""
    return datetime.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def sweep(when):
    with time_machine.travel(when, tick=False):
        return sending.send_due()


def rows(**filters):
    return list(
        Reminder.objects.filter(**filters).order_by("id").values_list("lead_days", "status")
    )


def track(program, name, status=Application.Status.PREPARING, language="zh-hans"):
    organization = Organization.objects.create(name_zh=name, kind=OrganizationKind.ENTERPRISE)
    contact = Contact.objects.create(
        organization=organization, email=f"{name}@example.com", language=language
    )
    Application.objects.create(organization=organization, program=program, status=status)
    return contact


@pytest.fixture
def liugang_contact(pilot_base):
    """柳钢集团 is preparing an application; its one contact reads Chinese."""
    return Contact.objects.get(email="liugang-demo@example.com")


def test_it_uses_the_shanghai_date_between_midnight_and_8am(pilot_base, liugang_contact):
    pilot_base.send_hour = 0
    pilot_base.save()
    three_am = at("2025-04-13 03:00")  # 2025-04-12 19:00 UTC: the UTC date is a day behind
    assert three_am.astimezone(datetime.timezone.utc).date() == datetime.date(2025, 4, 12)
    assert pilot_base.days_left(pilot_base.local_today(three_am)) == 7
    planning.plan(three_am)
    assert rows() == [(7, "pending")]


def test_it_waits_for_the_local_send_hour(pilot_base, liugang_contact):
    planning.plan(at("2025-04-13 08:59"))  # 7 days left, but before 09:00: still yesterday
    assert rows() == [(14, "pending")]
    planning.plan(at("2025-04-13 09:00"))
    assert rows() == [(14, "superseded"), (7, "pending")]


def test_it_sends_only_the_latest_crossed_lead_to_a_late_tracker(pilot_base, liugang_contact):
    sweep(at("2025-04-17 10:00"))  # 3 days left: leads 30, 14 and 7 have passed unsent
    assert rows() == [(3, "sent")]
    assert len(mail.outbox) == 1


def test_it_plans_nothing_before_the_first_lead(pilot_base, liugang_contact):
    assert planning.plan(at("2025-03-20 10:00")) == 0  # 31 days left


def test_it_sends_one_email_when_run_twice(pilot_base, liugang_contact):
    first = sweep(at("2025-04-13 09:30"))
    second = sweep(at("2025-04-13 09:35"))
    assert (first["sent"], second["planned"], second["sent"]) == (1, 0, 0)
    assert len(mail.outbox) == 1


def test_it_sends_each_lead_once_across_days(pilot_base, liugang_contact):
    for day in ["2025-03-21", "2025-03-21", "2025-04-06", "2025-04-13", "2025-04-17", "2025-04-19"]:
        sweep(at(f"{day} 09:05"))
    assert rows() == [(30, "sent"), (14, "sent"), (7, "sent"), (3, "sent"), (1, "sent")]
    assert len(mail.outbox) == 5


def test_it_sends_one_mail_after_downtime(pilot_base, liugang_contact):
    # Planned at 7 days left, then the server was down until 3 days left.
    planning.plan(at("2025-04-13 09:05"))
    sweep(at("2025-04-17 11:00"))
    assert rows() == [(7, "superseded"), (3, "sent")]
    assert len(mail.outbox) == 1


def test_it_sends_nothing_to_submitted_withdrawn_or_unsubscribed_readers(pilot_base):
    track(pilot_base, "submitted", Application.Status.SUBMITTED)
    track(pilot_base, "withdrawn", Application.Status.WITHDRAWN)
    gone = track(pilot_base, "gone")
    gone.unsubscribed_at = at("2025-04-01 00:00")
    gone.save()
    interested = track(pilot_base, "interested", Application.Status.INTERESTED)
    sweep(at("2025-04-13 09:30"))
    assert sorted(m.to[0] for m in mail.outbox) == [interested.email, "liugang-demo@example.com"]


def test_an_organization_without_contacts_is_skipped(pilot_base, liugang_contact):
    Contact.objects.filter(email=track(pilot_base, "nobody").email).delete()
    assert planning.plan(at("2025-04-13 09:30")) == 1


def test_it_cancels_a_planned_reminder_once_the_application_is_submitted(pilot_base):
    contact = track(pilot_base, "quick")
    planning.plan(at("2025-04-13 09:05"))
    Application.objects.filter(organization=contact.organization).update(
        status=Application.Status.SUBMITTED
    )
    sweep(at("2025-04-13 09:10"))
    assert rows(contact=contact) == [(7, "cancelled")]
    assert [m.to[0] for m in mail.outbox] == ["liugang-demo@example.com"]


def test_it_sends_bureau_milestones_to_bureau_subscribers_only(pilot_base, liugang_contact):
    Milestone.objects.create(
        program=pilot_base, title_zh="县级科技局推荐", title_en="County bureau recommendation",
        due_on=datetime.date(2025, 4, 25), audience=Milestone.Audience.BUREAU,
    )
    bureau = Subscription.objects.create(program=pilot_base, email="county@example.gov.cn")
    follower = Subscription.objects.create(
        program=pilot_base, email="follower@example.com", audience=Milestone.Audience.APPLICANT
    )
    sweep(at("2025-04-18 09:30"))  # 2 days to the deadline, 7 to the bureau's date
    sent = sorted((m.to[0], m.extra_headers["X-Reminder-Key"].split(":")[2]) for m in mail.outbox)
    assert sent == [
        ("county@example.gov.cn", "7"),
        ("follower@example.com", "3"),
        ("liugang-demo@example.com", "3"),
    ]
    assert Reminder.objects.get(subscription=bureau).milestone.audience == "bureau"
    assert Reminder.objects.get(subscription=follower).milestone.kind == "deadline"


def test_it_cancels_a_planned_reminder_of_a_subscription_ended_in_the_admin(pilot_base):
    follower = Subscription.objects.create(
        program=pilot_base, email="follower@example.com", audience=Milestone.Audience.APPLICANT
    )
    planning.plan(at("2025-04-13 09:05"))
    Subscription.objects.update(unsubscribed_at=at("2025-04-13 09:06"))
    planning.plan(at("2025-04-13 09:10"))
    assert rows(subscription=follower) == [(7, "cancelled")]


def test_it_plans_with_a_fixed_number_of_queries(pilot_base, liugang_contact):
    def plan_queries():
        Reminder.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            planning.plan(at("2025-04-13 09:30"))
        return len(queries)

    few = plan_queries()
    for n in range(30):
        track(pilot_base, f"firm{n}")
    assert plan_queries() == few
    assert Reminder.objects.count() == 31


def test_a_moved_deadline_supersedes_pending_rows_and_sends_one_change_notice(
    pilot_base, liugang_contact
):
    late = track(pilot_base, "late")
    sweep(at("2025-04-13 09:30"))  # both get the 7-day mail (version 1)
    Application.objects.filter(organization=late.organization).update(
        status=Application.Status.INTERESTED
    )
    planning.plan(at("2025-04-17 09:30"))  # 3-day rows planned, not yet sent
    pilot_base.deadline = datetime.date(2025, 4, 30)
    pilot_base.save()
    mail.outbox.clear()
    sweep(at("2025-04-17 09:40"))
    sweep(at("2025-04-17 09:50"))
    # The new date is 13 days away: its 14-day mail would repeat the notice, so it is dropped.
    assert rows(contact=liugang_contact) == [
        (7, "sent"), (3, "superseded"), (14, "superseded"), (-1, "sent")
    ]
    assert sorted(m.to[0] for m in mail.outbox) == [late.email, liugang_contact.email]
    notice = next(m for m in mail.outbox if m.to[0] == late.email)
    assert ":-1:v2" in notice.extra_headers["X-Reminder-Key"]
    assert "2025年4月13日" not in notice.body and "2025年4月30日" in notice.body
    assert "2025年4月20日" in notice.body  # moved from
    # The next lead of the new date goes out as usual, once.
    sweep(at("2025-04-18 09:30"))
    sweep(at("2025-04-23 09:30"))
    assert rows(contact=liugang_contact, version=2) == [
        (14, "superseded"), (-1, "sent"), (7, "sent")
    ]


def test_a_tracker_never_mailed_the_old_date_gets_no_change_notice(pilot_base, liugang_contact):
    planning.plan(at("2025-04-13 09:30"))  # planned, not sent
    pilot_base.deadline = datetime.date(2025, 4, 22)
    pilot_base.save()
    sweep(at("2025-04-13 09:40"))
    assert rows() == [(7, "superseded"), (14, "sent")]  # 9 days left
    assert len(mail.outbox) == 1


def test_a_claimed_row_is_reserved_for_one_sender_only(pilot_base, liugang_contact):
    planning.plan(at("2025-04-13 09:30"))
    first = sending.claim(10, at("2025-04-13 09:31"))
    second = sending.claim(10, at("2025-04-13 09:31"))
    assert [(r.status, r.attempts) for r in first] == [("pending", 0)] and second == []
    assert first[0].claim_token is not None


class Crash(BaseException):
    """The sender process dying while the SMTP server has the message."""


class CrashingChannel(EmailChannel):
    def send(self, reminder):
        raise Crash


def die_while_sending(now):
    """A sender that claims a batch and dies handing its first row to the SMTP server."""
    with time_machine.travel(now, tick=False), pytest.raises(Crash):
        sending.deliver(sending.claim(10), channel=CrashingChannel())


def test_a_row_stuck_in_sending_is_flagged_not_resent(pilot_base, liugang_contact):
    planning.plan(at("2025-04-13 09:30"))
    die_while_sending(at("2025-04-13 09:31"))
    later = at("2025-04-13 10:00")
    assert sweep(later)["sent"] == 0
    assert list(Reminder.objects.stuck(later).values_list("lead_days", flat=True)) == [7]
    assert Reminder.objects.stuck(at("2025-04-13 09:40")).count() == 0


def test_a_dead_senders_unsent_rows_fall_due_again_by_themselves(pilot_base, liugang_contact):
    for n in range(3):
        track(pilot_base, f"firm{n}")
    planning.plan(at("2025-04-13 09:30"))
    die_while_sending(at("2025-04-13 09:31"))
    assert Reminder.objects.filter(status="sending").count() == 1  # the one in doubt
    # Still reserved for the dead sender just after; due again once the reservation is over.
    assert sweep(at("2025-04-13 09:31:30"))["sent"] == 0
    assert sweep(at("2025-04-13 09:31") + sending.reservation())["sent"] == 3
    assert Reminder.objects.filter(status="sent").count() == 3
    assert Reminder.objects.get(status="sending").attempts == 1


def test_retry_now_queues_failed_and_stuck_rows(pilot_base, liugang_contact):
    planning.plan(at("2025-04-13 09:30"))
    die_while_sending(at("2025-04-13 09:31"))
    assert sending.retry_now(Reminder.objects.all(), at("2025-04-13 09:35")) == 0  # in lease
    assert sending.retry_now(Reminder.objects.all(), at("2025-04-13 10:00")) == 1
    sweep(at("2025-04-13 10:01"))
    assert rows() == [(7, "sent")]


def test_smtp_down_keeps_rows_pending_with_backoff_until_it_is_back(pilot_base, smtp_server):
    for n in range(3):
        track(pilot_base, f"firm{n}")
    smtp_server.stop()
    start = at("2025-04-13 09:30")
    sweep(start)
    assert set(rows()) == {(7, "pending")}
    reminder = Reminder.objects.first()
    assert reminder.attempts == 1
    assert reminder.next_attempt_at == start + datetime.timedelta(minutes=5)
    assert "ConnectionRefusedError" in reminder.last_error
    assert sweep(start + datetime.timedelta(minutes=4))["sent"] == 0  # backing off
    smtp_server.start()
    assert sweep(start + datetime.timedelta(minutes=5))["sent"] == 4
    assert set(rows()) == {(7, "sent")}
    assert len({m["X-Reminder-Key"] for m in smtp_server.messages}) == 4


def test_failures_back_off_and_end_as_failed(pilot_base, liugang_contact, smtp_server, settings):
    smtp_server.stop()
    settings.REMINDER_MAX_ATTEMPTS = 4
    when = at("2025-04-13 09:30")
    waits = []
    for _ in range(4):
        sweep(when)
        reminder = Reminder.objects.get()
        waits.append((reminder.next_attempt_at - when).total_seconds() / 60)
        when = reminder.next_attempt_at
    assert waits == [5, 10, 20, 40]
    assert (reminder.status, reminder.attempts) == ("failed", 4)
    assert sweep(when + datetime.timedelta(days=1))["sent"] == 0


def test_the_backoff_base_comes_from_the_settings(settings):
    settings.REMINDER_BACKOFF_SECONDS = 2
    waits = [Reminder(attempts=n).backoff().total_seconds() for n in (1, 2, 3)]
    assert waits == [2, 4, 8]


def test_it_sends_a_batch_with_one_update_per_message_and_two_other_queries(
    pilot_base, liugang_contact, django_assert_num_queries
):
    for n in range(9):
        track(pilot_base, f"firm{n}", language=["zh-hans", "en"][n % 2])
    planning.plan(at("2025-04-13 09:30"))
    batch = sending.claim(100, at("2025-04-13 09:31"))
    # The two: the batch's checklist ticks and co-builders. Then one UPDATE per message (its
    # hand-over, which also records how the previous one went) and one for the last result.
    with django_assert_num_queries(2 + 10 + 1):
        assert sending.deliver(batch) == (10, 0)
    assert len(mail.outbox) == 10
    assert set(rows()) == {(7, "sent")}


def test_a_refused_recipient_fails_alone_and_the_rest_of_the_batch_goes_out(
    pilot_base, liugang_contact, smtp_server
):
    for n in range(3):
        track(pilot_base, f"firm{n}")

    async def refuse_firm1(server, session, envelope, address, rcpt_options):
        if address == "firm1@example.com":
            return "550 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    smtp_server.handle_RCPT = refuse_firm1
    # firm2 comes after firm1 in the batch: the connection closed on the refusal is reopened.
    assert sweep(at("2025-04-13 09:30"))["sent"] == 3
    assert sorted(message["To"] for message in smtp_server.messages) == [
        "firm0@example.com", "firm2@example.com", "liugang-demo@example.com"
    ]
    # A 5xx refusal is permanent: failed at once, not retried five more times.
    refused = Reminder.objects.get(status="failed")
    assert (refused.contact.email, refused.attempts) == ("firm1@example.com", 1)
    assert "SMTPRecipientsRefused" in refused.last_error
    assert "550" in refused.last_error


def test_a_temporary_refusal_backs_off_and_is_retried(pilot_base, liugang_contact, smtp_server):
    async def busy(server, session, envelope, address, rcpt_options):
        return "450 4.2.1 Mailbox busy, try again later"

    smtp_server.handle_RCPT = busy
    start = at("2025-04-13 09:30")
    assert sweep(start)["failed"] == 1
    reminder = Reminder.objects.get()
    assert (reminder.status, reminder.attempts) == ("pending", 1)
    assert reminder.next_attempt_at == start + datetime.timedelta(minutes=5)
    del smtp_server.handle_RCPT
    assert sweep(reminder.next_attempt_at)["sent"] == 1


def test_a_batch_out_of_time_hands_the_unsent_rest_back_and_a_later_sweep_sends_it(
    pilot_base, liugang_contact, monkeypatch
):
    for n in range(3):
        track(pilot_base, f"firm{n}")
    planning.plan(at("2025-04-13 09:30"))
    batch = sending.claim(100, at("2025-04-13 09:31"))
    # A slow SMTP server: the first message alone uses up the sweep's time.
    clock = [0.0]
    monkeypatch.setattr(sending, "time", type("Clock", (), {"monotonic": lambda: clock[0]}))

    class SlowChannel(EmailChannel):
        def send(self, reminder):
            super().send(reminder)
            clock[0] += sending.sweep_seconds()

    assert sending.deliver(batch, until=sending.sweep_seconds() / 2, channel=SlowChannel()) == (
        1, 0
    )
    assert len(mail.outbox) == 1
    handed_back = Reminder.objects.filter(status="pending")
    assert handed_back.count() == 3
    assert set(handed_back.values_list("attempts", "claim_token")) == {(0, None)}

    monkeypatch.undo()
    assert sweep(at("2025-04-13 09:35"))["sent"] == 3
    assert len({m.to[0] for m in mail.outbox}) == 4


# --- Members' own reminders, and the organization's address as the fallback --------------------
@pytest.fixture
def member(firm_user, liugang_contact):
    """firm_user, an owner of 柳钢集团, receives its reminders in English; the address an
    administrator entered for 柳钢集团 (liugang_contact) is the fallback."""
    set_reminders(firm_user, liugang_contact.organization, receive=True, language="en")
    return firm_user


def test_a_member_who_receives_reminders_replaces_the_organizations_address(pilot_base, member):
    sweep(at("2025-04-13 09:30"))

    assert [(m.to[0], m.subject.startswith("[Pilot base]")) for m in mail.outbox] == [
        ("liugang@example.com", True)
    ]


def test_the_organizations_address_receives_while_no_member_does(pilot_base, member):
    set_reminders(member, Organization.objects.get(name_zh="柳钢集团"), receive=False,
                  language="en")

    sweep(at("2025-04-13 09:30"))

    assert [m.to[0] for m in mail.outbox] == ["liugang-demo@example.com"]


def test_a_member_turning_reminders_on_cancels_the_fallbacks_planned_mail(
    pilot_base, firm_user, liugang_contact
):
    planning.plan(at("2025-04-13 09:05"))
    set_reminders(firm_user, liugang_contact.organization, receive=True, language="zh-hans")

    sweep(at("2025-04-13 09:10"))

    assert rows(contact=liugang_contact) == [(7, "cancelled")]
    assert [m.to[0] for m in mail.outbox] == ["liugang@example.com"]


def test_a_member_who_leaves_stops_getting_mail_and_the_fallback_takes_over(pilot_base, member):
    planning.plan(at("2025-04-13 09:05"))
    assert rows(contact__user=member) == [(7, "pending")]

    Membership.objects.filter(user=member).delete()
    sweep(at("2025-04-13 09:10"))

    assert rows(contact__user=member) == []
    assert [m.to[0] for m in mail.outbox] == ["liugang-demo@example.com"]


def test_every_member_who_receives_gets_their_own_mail_in_their_language(
    pilot_base, member, django_user_model, liugang
):
    colleague = django_user_model.objects.create_user("colleague", "colleague@example.com", "pw")
    Membership.objects.create(user=colleague, organization=liugang)
    set_reminders(colleague, liugang, receive=True, language="zh-hans")

    sweep(at("2025-04-13 09:30"))

    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects.keys() == {"liugang@example.com", "colleague@example.com"}
    assert subjects["colleague@example.com"].startswith("[中试基地]")
    assert subjects["liugang@example.com"].startswith("[Pilot base]")


def test_it_plans_member_and_fallback_readers_with_a_fixed_number_of_queries(
    pilot_base, member, django_user_model
):
    def plan_queries():
        Reminder.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            planning.plan(at("2025-04-13 09:30"))
        return len(queries)

    few = plan_queries()
    for n in range(10):
        fallback = track(pilot_base, f"firm{n}")
        user = django_user_model.objects.create_user(f"user{n}", f"user{n}@example.com", "pw")
        Membership.objects.create(user=user, organization=fallback.organization)
        set_reminders(user, fallback.organization, receive=n % 2 == 0, language="en")
    assert plan_queries() == few
    # 柳钢集团's member, 5 members who receive, and the fallbacks of the 5 firms whose member
    # turned reminders off.
    assert Reminder.objects.count() == 11
