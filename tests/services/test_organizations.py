import datetime

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from tracker.models import Claim, Contact, Invitation, Membership, Organization, Region, Sector
from tracker.notifications.tokens import invitation_token
from tracker.services.organizations import (
    accept_invitation,
    change_role,
    create_organization,
    decide_claim,
    invite,
    leave,
    remove_member,
    request_claim,
    revoke_invitation,
)

CODE = "91350100M000100Y43"


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user("founder", "founder@example.com", "pw")


def test_the_creator_becomes_the_owner_of_the_new_organization(user, seeded):
    region = Region.objects.first()
    sectors = list(Sector.objects.all()[:2])

    organization = create_organization(
        user=user, kind="enterprise", name_zh="新材料公司", name_en="New Materials Co.",
        region=region, sectors=sectors, credit_code=CODE.lower(),
    )

    assert organization.credit_code == CODE
    assert organization.region == region
    assert set(organization.sectors.all()) == set(sectors)
    membership = Membership.objects.get(organization=organization)
    assert (membership.user, membership.role) == (user, Membership.Role.OWNER)


def test_a_registered_credit_code_is_refused_on_its_field_and_nothing_is_written(user, db):
    create_organization(user=user, kind="enterprise", name_zh="先到公司", credit_code=CODE)

    with pytest.raises(ValidationError) as error:
        create_organization(
            user=user, kind="enterprise", name_zh="后到公司", credit_code=f" {CODE.lower()} "
        )

    assert error.value.error_dict["credit_code"][0].code == "credit_code_taken"
    assert list(Organization.objects.values_list("name_zh", flat=True)) == ["先到公司"]
    assert Membership.objects.count() == 1


def test_organizations_without_a_credit_code_do_not_collide(user, db):
    create_organization(user=user, kind="enterprise", name_zh="甲公司")
    create_organization(user=user, kind="university", name_zh="乙大学")

    assert Organization.objects.count() == 2


def test_an_invalid_credit_code_writes_nothing(user, db):
    with pytest.raises(ValidationError) as error:
        create_organization(user=user, kind="enterprise", name_zh="公司", credit_code="123")

    assert "credit_code" in error.value.message_dict
    assert not Organization.objects.exists()
    assert not Membership.objects.exists()


# --- Team, invitations and claims ---------------------------------------------------------------


@pytest.fixture
def invitee(django_user_model, db):
    """Someone with a verified account at the address the invitations go to."""
    user = django_user_model.objects.create_user("new", "new@example.com", "pw")
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return user


def sent_invitation(organization, by, email="new@example.com", role=Membership.Role.MEMBER):
    invitation = invite(organization, email, role, by)
    return invitation, invitation_token(invitation)


def test_an_invitation_mails_a_link_that_makes_the_invitee_a_member(
    firm_user, liugang, invitee, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = sent_invitation(liugang, firm_user)

    [mail] = mailoutbox
    assert mail.to == ["new@example.com"]
    assert f"/invitations/{token}/" in mail.body
    assert f"/invitations/{token}/" in mail.alternatives[0][0]
    membership = accept_invitation(token, invitee)
    assert (membership.organization, membership.role) == (liugang, Membership.Role.MEMBER)
    invitation.refresh_from_db()
    assert invitation.accepted_by == invitee


def test_the_invitation_mail_is_in_the_inviters_language(
    firm_user, liugang, django_capture_on_commit_callbacks, mailoutbox
):
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        sent_invitation(liugang, firm_user)

    assert mailoutbox[0].subject.startswith("Join Liuzhou Steel Group")


def test_nothing_is_mailed_when_the_invitation_is_not_committed(
    firm_user, liugang, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sent_invitation(liugang, firm_user)

    assert len(callbacks) == 1
    assert mailoutbox == []


def test_a_used_invitation_is_refused_the_second_time(firm_user, liugang, invitee):
    _, token = sent_invitation(liugang, firm_user)
    accept_invitation(token, invitee)
    Membership.objects.filter(user=invitee).delete()

    with pytest.raises(ValidationError) as error:
        accept_invitation(token, invitee)

    assert error.value.code == "invitation_used"
    assert not Membership.objects.filter(user=invitee).exists()


def test_an_expired_invitation_is_refused_and_makes_no_member(firm_user, liugang, invitee):
    with time_machine.travel(datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC), tick=False):
        _, token = sent_invitation(liugang, firm_user)
    later = datetime.datetime(2026, 1, 8, 0, 1, tzinfo=datetime.UTC)
    with time_machine.travel(later), pytest.raises(ValidationError) as error:
        accept_invitation(token, invitee)

    assert error.value.code == "invitation_expired"
    assert error.value.messages == ["此邀请已过期，请向负责人索取新的邀请。"]
    assert not Membership.objects.filter(user=invitee).exists()


def test_an_invitation_past_its_own_expiry_is_refused_even_with_a_fresh_link(
    firm_user, liugang, invitee
):
    invitation, token = sent_invitation(liugang, firm_user)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())

    with pytest.raises(ValidationError) as error:
        accept_invitation(token, invitee)

    assert error.value.code == "invitation_expired"


@pytest.mark.parametrize("token", ["forged", "", "x" * 500])
def test_a_forged_link_is_refused(firm_user, liugang, invitee, token):
    with pytest.raises(ValidationError) as error:
        accept_invitation(token, invitee)

    assert error.value.code == "invitation_invalid"


def test_a_revoked_invitation_is_refused(firm_user, liugang, invitee):
    invitation, token = sent_invitation(liugang, firm_user)
    revoke_invitation(invitation, firm_user)

    with pytest.raises(ValidationError) as error:
        accept_invitation(token, invitee)

    assert error.value.code == "invitation_revoked"


def test_only_the_invited_address_can_accept(firm_user, liugang, other_firm_user):
    _, token = sent_invitation(liugang, firm_user)

    with pytest.raises(ValidationError) as error:
        accept_invitation(token, other_firm_user)

    assert error.value.code == "invitation_other_email"


def test_inviting_the_same_address_again_replaces_the_open_invitation(firm_user, liugang):
    first, _ = sent_invitation(liugang, firm_user)
    second, _ = sent_invitation(liugang, firm_user, email="NEW@example.com")

    first.refresh_from_db()
    assert first.revoked_at is not None
    assert second.revoked_at is None


def test_inviting_a_member_is_refused_on_the_email_field(firm_user, liugang, other_firm_user):
    Membership.objects.create(user=other_firm_user, organization=liugang)

    with pytest.raises(ValidationError) as error:
        invite(liugang, "DFLZ@example.com", Membership.Role.MEMBER, firm_user)

    assert error.value.error_dict["email"][0].code == "already_member"
    assert not Invitation.objects.exists()


def test_a_member_who_is_not_an_owner_cannot_invite(liugang, other_firm_user):
    Membership.objects.create(user=other_firm_user, organization=liugang)

    with pytest.raises(ValidationError) as error:
        invite(liugang, "new@example.com", Membership.Role.MEMBER, other_firm_user)

    assert error.value.code == "owner_only"
    assert not Invitation.objects.exists()


def test_the_last_owner_cannot_leave_and_is_told_to_make_someone_else_owner(
    firm_user, liugang
):
    with pytest.raises(ValidationError) as error:
        leave(liugang, firm_user)

    assert error.value.code == "last_owner"
    assert error.value.messages == ["您是柳钢集团唯一的负责人：请先将其他成员设为负责人，再退出。"]
    assert Membership.objects.filter(user=firm_user, organization=liugang).exists()


def test_an_owner_can_leave_once_someone_else_is_owner(firm_user, liugang, invitee):
    membership = Membership.objects.create(user=invitee, organization=liugang)
    change_role(membership, Membership.Role.OWNER, firm_user)

    leave(liugang, firm_user)

    assert list(liugang.memberships.values_list("user", "role")) == [
        (invitee.pk, Membership.Role.OWNER)
    ]


def test_the_last_owner_cannot_be_demoted_or_removed(firm_user, liugang):
    own = Membership.objects.get(user=firm_user, organization=liugang)

    for action in (lambda: change_role(own, Membership.Role.MEMBER, firm_user),
                   lambda: remove_member(own, firm_user)):
        with pytest.raises(ValidationError) as error:
            action()
        assert error.value.code == "last_owner"
    own.refresh_from_db()
    assert own.role == Membership.Role.OWNER


def test_a_member_cannot_change_roles_or_remove_anyone(firm_user, liugang, invitee):
    membership = Membership.objects.create(user=invitee, organization=liugang)
    owner = Membership.objects.get(user=firm_user)

    with pytest.raises(ValidationError, match="只有柳钢集团的负责人"):
        change_role(membership, Membership.Role.OWNER, invitee)
    with pytest.raises(ValidationError, match="只有柳钢集团的负责人"):
        remove_member(owner, invitee)


def test_every_team_change_is_in_the_history_with_who_made_it(firm_user, liugang, invitee):
    membership = Membership.objects.create(user=invitee, organization=liugang)
    change_role(membership, Membership.Role.OWNER, firm_user)
    remove_member(membership, firm_user)

    records = Membership.history.filter(user=invitee).order_by("history_date")
    assert [(r.history_type, r.role) for r in records] == [("+", "member"), ("~", "owner"),
                                                           ("-", "owner")]
    assert records.last().history_user == firm_user


def test_a_claim_by_a_stranger_cannot_be_approved_by_a_non_owner(
    liugang, firm_user, invitee, other_firm_user
):
    Membership.objects.create(user=other_firm_user, organization=liugang)
    claim = request_claim(liugang, invitee, "I run the plant's R&D office.")

    with pytest.raises(ValidationError) as error:
        decide_claim(claim, True, other_firm_user)

    assert error.value.code == "owner_only"
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PENDING
    assert not Membership.objects.filter(user=invitee).exists()


def test_an_owner_approving_a_claim_adds_the_requester_as_a_member(liugang, firm_user, invitee):
    claim = request_claim(liugang, invitee)

    decide_claim(claim, True, firm_user)

    assert Membership.objects.get(user=invitee).role == Membership.Role.MEMBER
    claim.refresh_from_db()
    assert (claim.status, claim.decided_by) == (Claim.Status.APPROVED, firm_user)


def test_the_first_approved_claimant_of_an_organization_nobody_owns_becomes_its_owner(
    seeded, invitee, staff_user
):
    nobodys = Organization.objects.filter(memberships=None).first()
    claim = request_claim(nobodys, invitee)

    decide_claim(claim, True, staff_user)

    assert Membership.objects.get(user=invitee).role == Membership.Role.OWNER
    # A new owner receives the reminders, in the site's language until they choose.
    assert receiving(invitee, nobodys) == [("new@example.com", "zh-hans")]


def receiving(user, organization):
    return list(
        Contact.objects.filter(user=user, organization=organization, unsubscribed_at=None)
        .values_list("email", "language")
    )


def test_whoever_becomes_an_owner_receives_reminders_and_a_member_does_not(
    firm_user, liugang, invitee, django_user_model
):
    owner_invitee = django_user_model.objects.create_user("boss", "boss@example.com", "pw")
    EmailAddress.objects.create(user=owner_invitee, email=owner_invitee.email, verified=True)
    _invitation, member_token = sent_invitation(liugang, firm_user)
    _invitation, owner_token = sent_invitation(
        liugang, firm_user, email="boss@example.com", role=Membership.Role.OWNER
    )

    with translation.override("en"):
        member = accept_invitation(member_token, invitee)
        accept_invitation(owner_token, owner_invitee)

    assert receiving(invitee, liugang) == []
    assert receiving(owner_invitee, liugang) == [("boss@example.com", "en")]
    change_role(member, Membership.Role.OWNER, firm_user)
    assert [email for email, _language in receiving(invitee, liugang)] == ["new@example.com"]


def test_a_declined_claim_adds_nobody_and_cannot_be_decided_again(liugang, firm_user, invitee):
    claim = request_claim(liugang, invitee)
    decide_claim(claim, False, firm_user)

    with pytest.raises(ValidationError) as error:
        decide_claim(claim, True, firm_user)

    assert error.value.code == "claim_decided"
    assert not Membership.objects.filter(user=invitee).exists()


def test_a_second_pending_claim_or_a_members_claim_is_refused(liugang, firm_user, invitee):
    request_claim(liugang, invitee)

    with pytest.raises(ValidationError) as pending:
        request_claim(liugang, invitee)
    with pytest.raises(ValidationError) as member:
        request_claim(liugang, firm_user)

    assert pending.value.code == "claim_pending"
    assert member.value.code == "already_member"
    assert Claim.objects.count() == 1
