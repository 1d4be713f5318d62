"""Forms check what people send and turn rejections into the sentences of jobs/audio.py and generation/prompt.py."""

from django import forms
from django.conf import settings

from generation import catalogue
from generation.prompt import PromptRejected, check_characters
from jobs import limits
from jobs.audio import ReferenceRejected, measure_reference
from jobs.drafts import DraftUnavailable, draft_reference_for_owner
from jobs.models import Job, ShareLink
from jobs.selectors import SCOPE_EVERYTHING, SCOPE_MINE, last_used_team_id
from plumbing.numbers import whole_number
from teams.models import Team
from teams.selectors import teams_of


def measured_reference(reference_track, model_name):
    """What jobs.audio measured in an upload for this model, or its rejection sentence as the field's error."""
    try:
        return measure_reference(reference_track, model_name=model_name)
    except ReferenceRejected as rejection:
        raise forms.ValidationError(rejection.message) from None


class TeamChoiceField(forms.ModelChoiceField):
    """One of the person's teams, chosen by id (the page's select) or by name (scripts)."""

    default_error_messages = {"invalid_choice": "You are not in a team of that id or name; choose one of your teams."}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        value = str(value).strip()
        team_id = whole_number(value)  # ASCII digits only: "²" is a name, and no team has it
        lookup = {"pk": team_id} if team_id is not None else {"name": value}
        try:
            return self.queryset.get(**lookup)
        except self.queryset.model.DoesNotExist:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from None


class SongTextField(forms.CharField):
    """Lyrics or a style, normalized as the generator counts them, without characters that cannot be
    sung; checked before Django's own NUL check, so the sentence names the line. The model's limits
    are checked by the form's clean(), which knows the model."""

    def to_python(self, value):
        text = catalogue.normalize_text(super().to_python(value))
        try:
            check_characters(text)
        except PromptRejected as rejection:
            raise forms.ValidationError(rejection.message) from None
        return text


def offered_models():
    """(name, label) of every model the configured generator offers (MUSICGEN_API_MODELS)."""
    return [(name, catalogue.MODELS[name].label) for name in settings.MUSICGEN_API_MODELS]


def default_model():
    offered = settings.MUSICGEN_API_MODELS
    return catalogue.DEFAULT_MODEL if catalogue.DEFAULT_MODEL in offered else offered[0]


# The catalogue's input names -> this form's fields ("prompt" has always held the lyrics).
FORM_FIELD_OF_INPUT = {"lyrics": "prompt", "reference": "reference_track", "audio_setting": "audio_format"}
DEFAULT_CHOICE = [("", "The generator's default")]


class JobCreateForm(forms.Form):
    """Lyrics plus a reference: a new upload, a draft uploaded by the page's script, or an earlier job's."""

    model = forms.ChoiceField(label="Model", required=False, choices=offered_models)
    style = SongTextField(
        label="Style",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        strip=False,
        help_text='Genre, mood, tempo, instruments and voice, such as "slow acoustic ballad, 70 bpm, female vocal".',
    )
    prompt = SongTextField(
        label="Lyrics",
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        strip=False,
        help_text="One sung line per line; a blank line is a pause; ## at the very start and end asks for an "
        "instrumental intro and outro.",
    )
    is_instrumental = forms.BooleanField(label="Instrumental (no voice)", required=False)
    lyrics_optimizer = forms.BooleanField(label="Let the generator write or polish the lyrics", required=False)
    audio_format = forms.TypedChoiceField(
        label="Format",
        required=False,
        choices=DEFAULT_CHOICE + [(name, name.upper()) for name in catalogue.AUDIO_FORMATS],
    )
    sample_rate = forms.TypedChoiceField(
        label="Sample rate",
        required=False,
        coerce=int,
        empty_value=None,
        choices=DEFAULT_CHOICE + [(rate, f"{rate} Hz") for rate in catalogue.SAMPLE_RATES],
    )
    bitrate = forms.TypedChoiceField(
        label="Bitrate",
        required=False,
        coerce=int,
        empty_value=None,
        choices=DEFAULT_CHOICE + [(rate, f"{rate // 1000} kbit/s") for rate in catalogue.BITRATES],
    )
    reference_track = forms.FileField(
        label="Reference song",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": catalogue.reference_file_accept()}),
        help_text=f"At most {settings.MUSICGEN_REFERENCE_MAX_MB} MB; which formats and lengths the model takes is "
        "said beside the model.",
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
        self.fields["model"].initial = default_model()
        self.default_team_id = last_used_team_id(user)
        self.fields["team"].queryset = teams_of(user)
        self.fields["team"].initial = self.default_team_id
        self.fields["versions"].choices = version_choices()
        self.fields["versions"].error_messages["invalid_choice"] = (
            f"Ask for 1 to {settings.MUSICGEN_MAX_VERSIONS} versions of the song."
        )
        self.reusable_reference_job = reusable_reference_job
        if reusable_reference_job is not None and reusable_reference_job.reference_track:
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
        self.reference_info = measured_reference(reference_track, self.cleaned_data.get("model") or default_model())
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

    def clean_model(self):
        return self.cleaned_data.get("model") or default_model()

    def clean(self):
        cleaned = super().clean()
        try:
            limits.check_job_rate(self.user, new_jobs=cleaned.get("versions") or 1)
        except limits.JobRateLimited as refusal:
            self.retry_after = refusal.retry_after
            raise forms.ValidationError(refusal.message, code="rate_limited") from None
        if "model" in self.errors:
            return cleaned
        model = catalogue.MODELS[cleaned["model"]]
        if model.reference is None:
            # A draft the page's script uploaded, or an earlier job's reference, is simply not used.
            cleaned["draft_reference"] = None
            cleaned["reuse_reference"] = False
        reference_failed = "reference_track" in self.errors or "draft_reference" in self.errors
        reference = None if reference_failed else self.reference_facts()
        problems = catalogue.check_inputs(
            model.name, self.inputs(), has_reference=reference_failed or reference is not None, reference=reference
        )
        for input_name, problem in problems.items():
            field = FORM_FIELD_OF_INPUT.get(input_name, input_name)
            if field not in self.errors:  # a field's own check (characters, a file's decoding) said it first
                self.add_error(field, problem)
        if self.errors:
            return cleaned
        if cleaned.get("team"):
            self._check_team_quota(cleaned["team"], cleaned)
        return cleaned

    def inputs(self):
        """The song's inputs by the catalogue's names; audio_setting only when something was chosen."""
        cleaned = self.cleaned_data
        chosen = {"sample_rate": cleaned.get("sample_rate"), "bitrate": cleaned.get("bitrate")}
        chosen["format"] = cleaned.get("audio_format")
        chosen = {name: value for name, value in chosen.items() if value}
        return {
            "style": cleaned.get("style", ""),
            "lyrics": cleaned.get("prompt", ""),
            "is_instrumental": cleaned.get("is_instrumental", False),
            "lyrics_optimizer": cleaned.get("lyrics_optimizer", False),
            "audio_setting": catalogue.complete_audio_setting(chosen),
        }

    def job_fields(self):
        """The arguments of flow.job_create besides the reference, owner and team: the Job's inputs and
        how many versions to make of it."""
        inputs = self.inputs()
        return {
            "versions": self.cleaned_data["versions"],
            "model": self.cleaned_data["model"],
            "prompt": inputs["lyrics"],
            "style": inputs["style"],
            "is_instrumental": inputs["is_instrumental"],
            "lyrics_optimizer": inputs["lyrics_optimizer"],
            "audio_setting": inputs["audio_setting"],
        }

    def reference_facts(self):
        """What was measured in the reference this request would use, or None without one."""
        cleaned = self.cleaned_data
        if cleaned.get("reference_track"):
            info = self.reference_info
        elif cleaned.get("draft_reference"):
            info = cleaned["draft_reference"]
            return catalogue.ReferenceFacts(info.reference_format, info.reference_duration, info.reference_size)
        elif cleaned.get("reuse_reference") and self.reusable_reference_job.reference_track:
            info = self.reusable_reference_job
            return catalogue.ReferenceFacts(info.reference_format, info.reference_duration, info.reference_size)
        else:
            return None
        return catalogue.ReferenceFacts(info.format, info.duration, info.size)

    def _check_team_quota(self, team, cleaned):
        reference = self.reference_facts()
        upload_size = reference.size if reference else 0  # a reused reference is stored again
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

    model = forms.ChoiceField(required=False, choices=offered_models)  # the page's choice when the file was chosen
    reference_track = forms.FileField()

    def clean_reference_track(self):
        model_name = self.cleaned_data.get("model") or default_model()
        self.reference_info = measured_reference(self.cleaned_data["reference_track"], model_name)
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
