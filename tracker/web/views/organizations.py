"""A firm's organizations: registering one, its team page and the actions on it, accepting an
invitation, and asking to join one that exists already."""

from urllib.parse import urlencode

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tracker.models import Claim, Invitation
from tracker.selectors.organizations import (
    claimable_organizations,
    pending_claims,
    team,
    team_organization,
)
from tracker.services import organizations as services
from tracker.web.forms import (
    ClaimForm,
    ClaimSearchForm,
    DecisionForm,
    InviteForm,
    OrganizationForm,
    RoleForm,
)
from tracker.web.views.responses import private_page


@private_page
@login_required
def organization_new(request):
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organization = services.create_organization(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _("%(organization)s is registered, with you as its owner. You can now track "
                  "programs for it.") % {"organization": organization},
            )
            return redirect("tracker:dashboard")
    ctx = {"form": form}
    if form.has_error("credit_code", "credit_code_taken"):
        query = urlencode({"q": form.data.get("credit_code", "")})
        ctx["claim_url"] = f"{reverse('tracker:claim')}?{query}"
    return render(request, "tracker/organization_new.html", ctx)


@private_page
@login_required
def team_page(request, pk, invite_form=None):
    organization = team_organization(request.user, pk)
    ctx = {
        "organization": organization,
        **team(organization, timezone.now()),
        "is_owner": services.is_owner(request.user, organization),
        "invite_form": invite_form or InviteForm(),
        "roles": RoleForm.base_fields["role"].choices,
    }
    return render(request, "tracker/team.html", ctx)


def _run(request, organization, action, success):
    """Run a team action; its refusal becomes a message on the team page."""
    try:
        action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
    return redirect("tracker:team", organization.pk)


@private_page
@login_required
@require_POST
def invite(request, pk):
    organization = team_organization(request.user, pk)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invitation = services.invite(
                organization, form.cleaned_data["email"], form.cleaned_data["role"], request.user
            )
        except ValidationError as exc:
            # The service's field errors name the form's fields (email, role).
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("An invitation was sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("tracker:team", organization.pk)
    return team_page(request, pk, invite_form=form)


@private_page
@login_required
@require_POST
def member_role(request, pk, membership_pk):
    organization = team_organization(request.user, pk)
    membership = get_object_or_404(organization.memberships, pk=membership_pk)
    form = RoleForm(request.POST)
    role = form.cleaned_data["role"] if form.is_valid() else None
    return _run(
        request, organization,
        lambda: services.change_role(membership, role, request.user),
        _("The role of %(user)s was changed.") % {"user": membership.user},
    )


@private_page
@login_required
@require_POST
def member_remove(request, pk, membership_pk):
    organization = team_organization(request.user, pk)
    membership = get_object_or_404(organization.memberships, pk=membership_pk)
    return _run(
        request, organization,
        lambda: services.remove_member(membership, request.user),
        _("%(user)s was removed from the team.") % {"user": membership.user},
    )


@private_page
@login_required
@require_POST
def team_leave(request, pk):
    organization = team_organization(request.user, pk)
    try:
        services.leave(organization, request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("tracker:team", organization.pk)
    messages.success(request, _("You left %(organization)s.") % {"organization": organization})
    return redirect("tracker:dashboard")


@private_page
@login_required
@require_POST
def invitation_revoke(request, pk, invitation_pk):
    organization = team_organization(request.user, pk)
    invitation = get_object_or_404(Invitation, organization=organization, pk=invitation_pk)
    return _run(
        request, organization,
        lambda: services.revoke_invitation(invitation, request.user),
        _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email},
    )


@private_page
@login_required
@require_POST
def claim_decide(request, pk, claim_pk):
    organization = team_organization(request.user, pk)
    claim = get_object_or_404(Claim, organization=organization, pk=claim_pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return redirect("tracker:team", organization.pk)
    approve = form.cleaned_data["approve"]
    if approve:
        success = _("%(user)s joined the team.")
    else:
        success = _("The request of %(user)s was declined.")
    return _run(
        request, organization,
        lambda: services.decide_claim(claim, approve, request.user),
        success % {"user": claim.user},
    )


# The signed token is the credential of the invitation; joining still needs a login with the
# address it was sent to.
@private_page
def invitation(request, token):
    try:
        invitation = services.invitation_for_token(token)
        services.check_open(invitation)
    except ValidationError as exc:
        ctx = {"error": " ".join(exc.messages)}
        return render(request, "tracker/invitation.html", ctx, status=410)
    ctx = {"invitation": invitation, "token": token}
    if not request.user.is_authenticated:
        # The mail reached this address, so a sign-up with it needs no second verification
        # mail, and allauth prefills it on the sign-up form.
        get_adapter(request).stash_verified_email(request, invitation.email)
        ctx["next"] = urlencode({"next": request.get_full_path()})
        return render(request, "tracker/invitation.html", ctx)
    if request.method == "POST":
        try:
            services.accept_invitation(token, request.user)
        except ValidationError as exc:
            ctx["error"] = " ".join(exc.messages)
            return render(request, "tracker/invitation.html", ctx, status=400)
        messages.success(
            request,
            _("You joined %(organization)s.") % {"organization": invitation.organization},
        )
        return redirect("tracker:team", invitation.organization_id)
    return render(request, "tracker/invitation.html", ctx)


@private_page
@login_required
def claim(request):
    search = ClaimSearchForm(request.GET or None)
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organization = form.cleaned_data["organization"]
        try:
            services.request_claim(organization, request.user, form.cleaned_data["message"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Your request to join %(organization)s was sent. You will see it on your "
                  "page once an owner or an administrator approves it.")
                % {"organization": organization},
            )
        return redirect("tracker:claim")
    matches = claimable_organizations(search.cleaned_data["q"]) if search.is_valid() else []
    ctx = {
        "search": search,
        "matches": matches,
        "form": form,
        "pending": pending_claims(request.user),
    }
    return render(request, "tracker/claim.html", ctx)
