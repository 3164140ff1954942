"""Members' reminder settings (tracker/services/reminders.py)."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from allauth.account.signals import email_changed
from django.core.exceptions import ValidationError

from tracker.models import Contact, Membership, Organization, Reminder
from tracker.notifications import planning
from tracker.services.organizations import create_organization, remove_member
from tracker.services.reminders import default_on_for_owner, set_reminders


def test_turning_reminders_on_makes_a_row_with_the_accounts_address(firm_user, liugang):
    contact = set_reminders(firm_user, liugang, receive=True, language="en")

    assert (contact.user, contact.email, contact.language) == (
        firm_user, "liugang@example.com", "en"
    )
    assert contact.unsubscribed_at is None


def test_turning_them_off_is_an_unsubscribe_and_on_again_clears_it(firm_user, liugang):
    set_reminders(firm_user, liugang, receive=True, language="zh-hans")

    off = set_reminders(firm_user, liugang, receive=False, language="zh-hans")
    assert off.unsubscribed_at is not None
    on = set_reminders(firm_user, liugang, receive=True, language="zh-hans")

    assert on.pk == off.pk and on.unsubscribed_at is None
    assert Contact.objects.filter(user=firm_user).count() == 1


def test_a_non_member_is_refused_and_nothing_is_written(other_firm_user, liugang):
    with pytest.raises(ValidationError) as error:
        set_reminders(other_firm_user, liugang, receive=True, language="en")

    assert error.value.error_dict["organization"][0].code == "not_a_member"
    assert not Contact.objects.filter(user=other_firm_user).exists()


def test_an_unknown_language_is_refused_on_its_field(firm_user, liugang):
    with pytest.raises(ValidationError) as error:
        set_reminders(firm_user, liugang, receive=True, language="fr")

    assert error.value.error_dict["language"][0].code == "language"


def test_an_address_an_administrator_entered_for_the_member_becomes_their_row(firm_user, liugang):
    entered = Contact.objects.create(organization=liugang, email="liugang@example.com")

    contact = set_reminders(firm_user, liugang, receive=True, language="en")

    assert contact.pk == entered.pk and contact.user == firm_user


def test_a_new_owner_receives_reminders_in_the_language_they_use(django_user_model, db):
    user = django_user_model.objects.create_user("founder", "founder@example.com", "pw")

    organization = create_organization(user=user, kind="enterprise", name_zh="新材料公司")

    contact = Contact.objects.get(organization=organization)
    assert (contact.user, contact.email, contact.language) == (
        user, "founder@example.com", "zh-hans"
    )
    assert contact.unsubscribed_at is None


def test_an_owner_who_turned_reminders_off_keeps_them_off(firm_user, liugang):
    set_reminders(firm_user, liugang, receive=False, language="en")
    membership = Membership.objects.get(user=firm_user)

    contact = default_on_for_owner(membership)

    assert contact.unsubscribed_at is not None


def test_a_plain_member_gets_no_reminders_by_default(other_firm_user):
    assert default_on_for_owner(Membership.objects.get(user=other_firm_user)) is None
    assert not Contact.objects.filter(user=other_firm_user).exists()


def test_a_member_who_leaves_loses_their_row_with_its_planned_mails(firm_user, liugang):
    set_reminders(firm_user, liugang, receive=True, language="en")

    Membership.objects.get(user=firm_user).delete()

    assert not Contact.objects.filter(user=firm_user).exists()
    assert Contact.objects.filter(organization=liugang, user=None).exists()  # the fallback


def test_leaving_one_organization_keeps_the_settings_of_another(firm_user, liugang):
    other = Organization.objects.get(name_zh="东风柳汽")
    Membership.objects.create(user=firm_user, organization=other)
    set_reminders(firm_user, liugang, receive=True, language="en")
    set_reminders(firm_user, other, receive=True, language="en")

    Membership.objects.get(user=firm_user, organization=liugang).delete()

    assert list(Contact.objects.filter(user=firm_user).values_list("organization", flat=True)) == [
        other.pk
    ]


def test_reminders_follow_a_new_primary_address(firm_user, liugang):
    set_reminders(firm_user, liugang, receive=True, language="en")
    # The new address was the organization's fallback: the member's row now covers it.
    Contact.objects.create(organization=liugang, email="new@example.com")
    old = EmailAddress.objects.get(user=firm_user)
    new = EmailAddress.objects.create(user=firm_user, email="new@example.com", verified=True)
    new.set_as_primary()

    email_changed.send(
        sender=EmailAddress, request=None, user=firm_user,
        from_email_address=old, to_email_address=new,
    )

    assert list(Contact.objects.filter(email="new@example.com").values_list("user", flat=True)) == [
        firm_user.pk
    ]


def test_turning_reminders_off_cancels_the_mails_planned_for_the_member(firm_user, pilot_base):
    liugang = Organization.objects.get(name_zh="柳钢集团")
    set_reminders(firm_user, liugang, receive=True, language="en")
    planning.plan(datetime.datetime(2025, 4, 13, 1, 30, tzinfo=datetime.timezone.utc))
    assert Reminder.objects.filter(contact__user=firm_user, status="pending").exists()

    set_reminders(firm_user, liugang, receive=False, language="en")

    assert set(
        Reminder.objects.filter(contact__user=firm_user).values_list("status", flat=True)
    ) == {"cancelled"}


def test_a_member_an_owner_removes_from_the_team_loses_their_row(
    firm_user, liugang, django_user_model
):
    colleague = django_user_model.objects.create_user("colleague", "colleague@example.com", "pw")
    membership = Membership.objects.create(user=colleague, organization=liugang)
    set_reminders(colleague, liugang, receive=True, language="zh-hans")

    remove_member(membership, by=firm_user)

    assert not Contact.objects.filter(user=colleague).exists()
