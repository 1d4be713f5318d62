"""The API tokens settings page (a normal page, logged in with a session): make, list, revoke."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from api.models import ApiToken
from api.tokens import api_token_create, api_token_revoke


class ApiTokenCreateForm(forms.Form):
    name = forms.CharField(label="What is it for?", max_length=100)


@login_required
def tokens(request):
    form = ApiTokenCreateForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        _, new_token = api_token_create(user=request.user, name=form.cleaned_data["name"])
        form = ApiTokenCreateForm()
    context = {"form": form, "new_token": new_token, "tokens": ApiToken.objects.filter(user=request.user)}
    return render(request, "api/tokens.html", context)


@login_required
@require_POST
def token_revoke(request, token_id):
    if api_token_revoke(user=request.user, token_id=token_id):
        messages.success(request, "The token was revoked: scripts using it are refused from now on.")
    return redirect("api:tokens")
