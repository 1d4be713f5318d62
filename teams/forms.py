from django import forms

from teams.models import Team

INVITATION_DAYS = [("1", "1 day"), ("7", "7 days"), ("30", "30 days")]
MAX_INVITATION_USES = 100


class InvitationCreateForm(forms.Form):
    days = forms.TypedChoiceField(label="Link works for", choices=INVITATION_DAYS, coerce=int, initial="7")
    max_uses = forms.IntegerField(
        label="People it admits", min_value=1, max_value=MAX_INVITATION_USES, initial=1,
        help_text=f"1 for a single person, up to {MAX_INVITATION_USES}.",
    )  # fmt: skip


class TeamCreateForm(forms.Form):
    name = forms.CharField(label="Team name", max_length=100)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if Team.objects.filter(name__iexact=name).exists():
            raise forms.ValidationError("A team of that name exists already; choose another name.")
        return name
