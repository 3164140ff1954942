"""The reminder settings page, /my/reminders/ (tracker/web/views/reminders.py)."""

import pytest

from tracker.models import Contact, Membership, Organization, OrganizationKind
from tracker.notifications.tokens import unsubscribe


@pytest.fixture
def firm(english_client, firm_user):
    english_client.force_login(firm_user)
    return english_client


def save(client, organization, **fields):
    prefix = f"organization-{organization.pk}"
    data = {f"{prefix}-{name}": value for name, value in fields.items()}
    return client.post(f"/my/reminders/{organization.pk}/", data, follow=True)


def shown(response):
    return [str(message) for message in response.context["messages"]]


def test_it_needs_a_login(english_client, db):
    response = english_client.get("/my/reminders/")

    assert response.url == "/accounts/login/?next=/my/reminders/"


def test_the_dashboard_links_to_it(firm):
    assert 'href="/my/reminders/"' in firm.get("/my/").content.decode()


def test_it_lists_each_of_the_members_organizations_with_reminders_off_until_turned_on(
    firm, liugang
):
    response = firm.get("/my/reminders/")

    [row] = response.context["rows"]
    assert row["organization"] == liugang
    assert row["form"].initial == {"receive": False, "language": "en"}
    body = response.content.decode()
    assert f'action="/my/reminders/{liugang.pk}/"' in body
    assert f'name="organization-{liugang.pk}-receive"' in body


def test_turning_reminders_on_says_so_and_the_page_shows_it(firm, firm_user, liugang):
    response = save(firm, liugang, receive="on", language="zh-hans")

    assert shown(response) == [
        "You receive the reminders of Liuzhou Steel Group, in Simplified Chinese."
    ]
    contact = Contact.objects.get(user=firm_user)
    assert (contact.email, contact.language, contact.unsubscribed_at) == (
        "liugang@example.com", "zh-hans", None
    )
    [row] = response.context["rows"]
    assert row["form"].initial == {"receive": True, "language": "zh-hans"}


def test_turning_them_off_says_so(firm, firm_user, liugang):
    save(firm, liugang, receive="on", language="en")

    response = save(firm, liugang, language="en")  # an unticked box is not posted

    assert shown(response) == ["You no longer receive the reminders of Liuzhou Steel Group."]
    assert Contact.objects.get(user=firm_user).unsubscribed_at is not None


def test_an_unsubscribe_from_a_mail_shows_as_off_and_turning_on_clears_it(
    firm, firm_user, liugang
):
    save(firm, liugang, receive="on", language="en")
    unsubscribe(Contact.objects.get(user=firm_user))

    [row] = firm.get("/my/reminders/").context["rows"]
    assert row["form"].initial["receive"] is False

    save(firm, liugang, receive="on", language="en")
    assert Contact.objects.get(user=firm_user).unsubscribed_at is None


def test_another_organizations_id_is_not_found_and_nothing_is_written(firm, firm_user, seeded):
    other = Organization.objects.get(name_zh="东风柳汽")

    response = save(firm, other, receive="on", language="en")

    assert response.status_code == 404
    assert not Contact.objects.filter(user=firm_user).exists()


@pytest.mark.parametrize("pk", ["999999", "99999999999999999999999"])
def test_an_unknown_or_huge_id_is_not_found(firm, pk):
    assert firm.post(f"/my/reminders/{pk}/", {}).status_code == 404


def test_an_unknown_language_is_refused_with_a_message(firm, firm_user, liugang):
    response = save(firm, liugang, receive="on", language="fr")

    [text] = shown(response)
    assert text.startswith(
        "The reminders of Liuzhou Steel Group were not changed: Select a valid choice."
    )
    assert not Contact.objects.filter(user=firm_user).exists()


def test_a_get_does_not_change_anything(firm, liugang):
    assert firm.get(f"/my/reminders/{liugang.pk}/").status_code == 405


@pytest.mark.parametrize("count", [1, 10])
def test_the_page_reads_a_fixed_number_of_queries(
    firm, firm_user, liugang, count, django_assert_max_num_queries
):
    organizations = Organization.objects.bulk_create(
        Organization(name_zh=f"企业{n}", kind=OrganizationKind.ENTERPRISE) for n in range(count)
    )
    Membership.objects.bulk_create(
        Membership(user=firm_user, organization=organization) for organization in organizations
    )
    Contact.objects.bulk_create(
        Contact(organization=organization, user=firm_user, email=firm_user.email)
        for organization in organizations
    )

    # The session, the user, the member's rows, the organizations and the header's count of
    # unread alerts.
    with django_assert_max_num_queries(5):
        response = firm.get("/my/reminders/")

    assert len(response.context["rows"]) == count + 1
