"""Forms check what people send and turn rejections into the sentences of jobs/audio.py and generation/prompt.py."""

from django import forms
from django.conf import settings

from generation.prompt import PromptRejected, check_prompt
from jobs import limits
from jobs.audio import ReferenceRejected, measure_reference
from jobs.drafts import DraftUnavailable, draft_reference_for_owner
from jobs.models import Job, ShareLink
from jobs.selectors import SCOPE_EVERYTHING, SCOPE_MINE, last_used_team_id
from teams.models import Team
from teams.selectors import teams_of


def measured_reference(reference_track):
    """What jobs.audio measured in an upload, or its rejection sentence as the field's error."""
    try:
        return measure_reference(reference_track)
    except ReferenceRejected as rejection:
        raise forms.ValidationError(rejection.message) from None


class TeamChoiceField(forms.ModelChoiceField):
    """One of the person's teams, chosen by id (the page's select) or by name (scripts)."""

    default_error_messages = {"invalid_choice": "You are not in a team of that id or name; choose one of your teams."}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        value = str(value).strip()
        lookup = {"pk": int(value)} if value.isdigit() else {"name": value}
        try:
            return self.queryset.get(**lookup)
        except self.queryset.model.DoesNotExist:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from None


class PromptField(forms.CharField):
    """Lyrics checked by the model's rules; they run before Django's own NUL check, so its sentence names the line."""

    def to_python(self, value):
        try:
            return check_prompt(super().to_python(value))
        except PromptRejected as rejection:
            raise forms.ValidationError(rejection.message) from None


class JobCreateForm(forms.Form):
    """Lyrics plus a reference: a new upload, a draft uploaded by the page's script, or an earlier job's."""

    prompt = PromptField(
        label="Lyrics",
        widget=forms.Textarea(attrs={"rows": 10}),
        strip=False,
        help_text="One sung line per line; a blank line is a pause; ## at the very start and end asks for an "
        "instrumental intro and outro.",
    )
    reference_track = forms.FileField(
        label="Reference song",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".mp3,.wav,audio/mpeg,audio/wav"}),
        help_text=f"WAV or MP3, longer than {settings.MUSICGEN_REFERENCE_MIN_SECONDS} s, "
        f"at most {settings.MUSICGEN_REFERENCE_MAX_MB} MB.",
    )

    draft_reference = forms.UUIDField(required=False, widget=forms.HiddenInput)
    team = TeamChoiceField(
        label="Team",
        queryset=Team.objects.none(),
        required=False,
        empty_label=None,
        help_text="Everyone in this team can see, play and share the song.",
    )

    versions = forms.TypedChoiceField(
        label="Versions",
        coerce=int,
        required=False,
        empty_value=1,
        help_text="Each version is a song of its own from the same reference and lyrics; listen to them side by "
        "side and pick one. Every version counts towards your songs an hour.",
    )

    def __init__(self, *args, user, reusable_reference_job=None, **kwargs):
        """`user`: who makes the song (drafts are theirs only); it goes to one of their teams, by default
        the one they used last. `reusable_reference_job`: an earlier job the person can see whose
        reference may be used again."""
        super().__init__(*args, **kwargs)
        self.user = user
        self.default_team_id = last_used_team_id(user)
        self.fields["team"].queryset = teams_of(user)
        self.fields["team"].initial = self.default_team_id
        self.fields["versions"].choices = version_choices()
        self.fields["versions"].error_messages["invalid_choice"] = (
            f"Ask for 1 to {settings.MUSICGEN_MAX_VERSIONS} versions of the song."
        )
        self.reusable_reference_job = reusable_reference_job
        if reusable_reference_job is not None:
            self.fields["reuse_reference"] = forms.BooleanField(
                label=f"Use the same reference again ({reusable_reference_job.reference_name})",
                required=False,
                initial=True,
            )

    def clean_team(self):
        team = self.cleaned_data.get("team") or self.fields["team"].queryset.filter(id=self.default_team_id).first()
        if team is None:
            raise forms.ValidationError(
                "You are in no team, so the song would have nowhere to go; ask a team admin for an invitation."
            )
        return team

    def clean_reference_track(self):
        reference_track = self.cleaned_data.get("reference_track")
        if not reference_track:
            return None
        self.reference_info = measured_reference(reference_track)
        return reference_track

    def clean_draft_reference(self):
        """The person's own unexpired draft (a DraftReference), or None; another person's id is unknown here."""
        draft_id = self.cleaned_data.get("draft_reference")
        if not draft_id:
            return None
        try:
            return draft_reference_for_owner(owner=self.user, draft_id=draft_id)
        except DraftUnavailable as rejection:
            raise forms.ValidationError(rejection.message) from None

    def clean(self):
        cleaned = super().clean()
        try:
            limits.check_job_rate(self.user, new_jobs=cleaned.get("versions") or 1)
        except limits.JobRateLimited as refusal:
            self.retry_after = refusal.retry_after
            raise forms.ValidationError(refusal.message, code="rate_limited") from None
        if "reference_track" in self.errors or "draft_reference" in self.errors:
            return cleaned
        if not any(cleaned.get(name) for name in ("reference_track", "draft_reference", "reuse_reference")):
            self.add_error("reference_track", "Choose a reference song (WAV or MP3) to take the style from.")
            return cleaned
        if cleaned.get("team"):
            self._check_team_quota(cleaned["team"], cleaned)
        return cleaned

    def _check_team_quota(self, team, cleaned):
        if cleaned.get("reference_track"):
            upload_size = self.reference_info.size
        elif cleaned.get("draft_reference"):
            upload_size = cleaned["draft_reference"].reference_size
        else:
            upload_size = self.reusable_reference_job.reference_size
        try:
            limits.check_team_quota(team, upload_size)
        except limits.TeamQuotaExceeded as refusal:
            self.add_error("team", refusal.message)


def version_choices() -> list[tuple[int, str]]:
    """1 to MUSICGEN_MAX_VERSIONS, as the new-song page offers them."""
    return [
        (count, f"{count} version{'s' if count > 1 else ''}") for count in range(1, settings.MUSICGEN_MAX_VERSIONS + 1)
    ]


class DraftReferenceForm(forms.Form):
    """One file chosen on the new-song page, measured as the upload form would, before the person submits."""

    reference_track = forms.FileField()

    def clean_reference_track(self):
        self.reference_info = measured_reference(self.cleaned_data["reference_track"])
        return self.cleaned_data["reference_track"]


class HistoryFilterForm(forms.Form):
    PERIOD_CHOICES = [("", "Any time"), ("today", "Last 24 hours"), ("week", "Last 7 days"), ("month", "Last 30 days")]

    scope = forms.ChoiceField(label="Songs of", required=False)
    q = forms.CharField(label="Search the lyrics", required=False, max_length=200)
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any status"), *Job.Status.choices])
    period = forms.ChoiceField(label="Created", required=False, choices=PERIOD_CHOICES)

    def __init__(self, *args, teams, **kwargs):
        """`teams`: the person's teams, each a scope of its own between "Mine" and "Everything I can see"."""
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = [
            (SCOPE_EVERYTHING, "Everything I can see"),
            (SCOPE_MINE, "Mine"),
            *((str(team.id), f"Team {team.name}") for team in teams),
        ]

    def filters(self):
        """Keyword arguments for selectors.job_history; an invalid value is ignored rather than shown as an error."""
        self.is_valid()
        valid = self.cleaned_data
        return {
            "scope": valid.get("scope") or SCOPE_EVERYTHING,
            "search": valid.get("q", "").strip(),
            "status": valid.get("status", ""),
            "period": valid.get("period", ""),
        }


class ShareLinkCreateForm(forms.Form):
    expiry = forms.ChoiceField(
        label="Link works for", choices=ShareLink.Expiry.choices, initial=ShareLink.Expiry.THIRTY_DAYS
    )
