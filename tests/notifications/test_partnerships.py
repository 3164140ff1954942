import pytest
from django.core import mail

from tracker.models import Application, CoBuilder, Membership, Organization
from tracker.notifications.partnerships import send_request


@pytest.fixture
def unit(liugang, pilot_base):
    """广西大学 named as a unit of 柳钢集团's application, unconfirmed."""
    partner = Organization.objects.create(name_zh="广西大学", kind="university")
    application = Application.objects.get(organization=liugang, program=pilot_base)
    return CoBuilder.objects.create(application=application, organization=partner)


def owner(django_user_model, unit, name, role=Membership.Role.OWNER):
    user = django_user_model.objects.create_user(name, f"{name}@gxu.example.com", "pw")
    Membership.objects.create(user=user, organization=unit.organization, role=role)


def test_each_owner_gets_a_message_of_their_own_and_members_none(django_user_model, unit):
    owner(django_user_model, unit, "a")
    owner(django_user_model, unit, "b")
    owner(django_user_model, unit, "c", role=Membership.Role.MEMBER)

    send_request(unit.pk)

    assert sorted(m.to for m in mail.outbox) == [["a@gxu.example.com"], ["b@gxu.example.com"]]
    assert "/my/#partnership-requests" in mail.outbox[0].body


def test_a_partner_without_owners_gets_no_mail(unit):
    send_request(unit.pk)

    assert mail.outbox == []


def test_a_unit_confirmed_or_declined_before_the_mail_goes_gets_none(django_user_model, unit):
    owner(django_user_model, unit, "a")
    pk = unit.pk
    unit.delete()

    send_request(pk)

    assert mail.outbox == []


def test_a_refusing_mail_server_does_not_undo_the_request(django_user_model, unit, settings):
    owner(django_user_model, unit, "a")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1

    send_request(unit.pk)  # logged, not raised

    assert CoBuilder.objects.filter(pk=unit.pk).exists()
